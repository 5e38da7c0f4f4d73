/**
 * The compact index: a CsdlDocument as columnar, string-table JSON data that loads fast (the language
 * server's warm start), and back.
 *
 * What it keeps is what the language service reads from the model: schemas, aliases, structured types
 * with their properties, navigation properties and keys, enums, type definitions, operations, terms,
 * containers, annotations (inline and external) and the reader's errors. It drops source positions
 * (only the metadata linter uses them, and it reads the XML).
 *
 * Layout: every name is an index into one string table; type references are interned rows of integers;
 * the bulky parts (structured types, properties, navigation properties) are flat integer columns; the
 * small parts (enums, operations, containers, annotation values) stay JSON objects. Decoding is lazy
 * where it counts: a structured type's properties and navigation properties become objects on first
 * use, so a warm start creates a few thousand objects instead of hundreds of thousands.
 *
 * `decodeCompactIndex` checks the data's shape and every index it follows before it builds anything,
 * and throws `CompactIndexError` on anything inconsistent: a damaged cache is refused, never half-used.
 * Pure: no I/O.
 */
import type {
  Annotation,
  CsdlDocument,
  CsdlError,
  EntityContainer,
  EntitySet,
  EnumType,
  NavigationProperty,
  Operation,
  Property,
  PropertyRef,
  NavigationPropertyBinding,
  Reference,
  Schema,
  Singleton,
  StructuredType,
  Term,
  TypeDefinition,
  TypeRef,
} from './model';
import { peekStructuredMembers } from './csdlReader';

/** Bump whenever the layout or the meaning of a field changes: older caches are then rebuilt. */
export const COMPACT_INDEX_VERSION = 3;

/** The encoded form (a JSON value). Field names are short on purpose: they repeat in the file only once. */
export interface CompactIndex {
  v: number;
  /** The document's version (`4.0`, `4.01`). */
  ver: string;
  /** String table. */
  s: string[];
  /** Type references, 8 integers each: name, collection, nullable, maxLength, precision, scale, srid, unicode. */
  r: IntColumn;
  /**
   * Annotations, 3 integers each: term, qualifier, value. A value >= 0 is a string (index), -1 true,
   * -2 false, -3 null, <= -4 the JSON value `av[-value - 4]`.
   */
  a: IntColumn;
  av: Annotation['value'][];
  /** Annotation lists, 2 integers each: first annotation, count. Elements point here by index, -1 for none. */
  al: IntColumn;
  /** Structured types, 11 integers each: kind, name, baseType, flags, keyStart, keyCount, propStart, propCount, navStart, navCount, annotations. */
  t: IntColumn;
  /** Key property refs, 2 integers each: name, alias. */
  k: IntColumn;
  /** Property names (string index) and type references (row index), one entry per property. */
  pn: IntColumn;
  pt: IntColumn;
  /** Sparse property extras, pairs: property index (ascending), default value (string index) / annotation list index. */
  pd: IntColumn;
  pa: IntColumn;
  /** Navigation properties, 8 integers each: name, type ref, partner, containsTarget, onDelete, rcStart, rcCount, annotations. */
  n: IntColumn;
  /** Referential constraints, 2 integers each: property, referencedProperty. */
  rc: IntColumn;
  /** Navigation property bindings of entity sets and singletons, 2 integers each: path, target (string indexes). */
  nb: IntColumn;
  sch: CompactSchema[];
  refs: Reference[];
  err: CsdlError[];
}

interface CompactSchema {
  ns: number;
  alias: number;
  /** Ranges of structured-type rows: [entityStart, entityCount, complexStart, complexCount]. */
  st: [number, number, number, number];
  enums: EnumType[];
  defs: TypeDefinition[];
  ops: Operation[];
  terms: Term[];
  container?: CompactContainer;
  ann: Schema['annotations'];
}

/**
 * A container with its entity sets' and singletons' bindings in the `nb` column ([start, count] in pairs):
 * Dataverse binds every lookup of every set, the bulk of the container, read only when a path follows one.
 */
type CompactContainer = Omit<EntityContainer, 'entitySets' | 'singletons'> & {
  entitySets: WithBindingRange<EntitySet>[];
  singletons: WithBindingRange<Singleton>[];
};
type WithBindingRange<T> = Omit<T, 'navigationPropertyBindings'> & { nb: [number, number] };

export class CompactIndexError extends Error {}

/** A column of integers: an array when encoded, 32-bit integers when read from bytes (compactIndexFromBytes). */
export type IntColumn = number[] | Int32Array;

/** The integer columns, which the bytes of an index hold as 32-bit integers instead of JSON numbers. */
const INT_COLUMNS = ['r', 'a', 'al', 't', 'k', 'pn', 'pt', 'pd', 'pa', 'n', 'rc', 'nb'] as const;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * A compact index as bytes (the index cache's body): a little-endian u32 with the length of an ASCII JSON text of
 * everything but the integer columns, that text, then each integer column (INT_COLUMNS order) as a u32 count and
 * that many little-endian 32-bit integers. Read back without parsing a million numbers as JSON (the 30 MB
 * Dataverse case: the integer columns were about half of the JSON text's parse time, and its garbage).
 * Made as one chunk holding the whole body (returned alone in the array): joining chunks would copy the body
 * once more at the peak of a cold load's background pass (10 MB for the 30 MB Dataverse document).
 */
export function compactIndexToBytes(index: CompactIndex): Uint8Array[] {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(index)) if (!(INT_COLUMNS as readonly string[]).includes(key)) rest[key] = value;
  // ASCII only (every other character escaped): the reader can take it as one-byte text without decoding UTF-8.
  const json = JSON.stringify(rest).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  // The JSON text is ASCII: one byte per character.
  let size = 4 + json.length;
  for (const name of INT_COLUMNS) size += 4 + index[name].length * 4;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, json.length, true);
  new TextEncoder().encodeInto(json, bytes.subarray(4, 4 + json.length));
  let at = 4 + json.length;
  for (const name of INT_COLUMNS) {
    const column = index[name];
    view.setUint32(at, column.length, true);
    at += 4;
    for (let i = 0; i < column.length; i++, at += 4) view.setInt32(at, column[i], true);
  }
  return [bytes];
}

/**
 * The compact index in bytes made by compactIndexToBytes; throws CompactIndexError when they are not framed so.
 * Given a function, the bytes are taken from it and let go before the JSON part is parsed (what the index keeps is
 * copied out of them first): the peak memory of reading a large index is then one copy of the bytes less.
 */
export function compactIndexFromBytes(source: Uint8Array | (() => Uint8Array), decodeText: (bytes: Uint8Array) => string = decodeUtf8): CompactIndex {
  let bytes: Uint8Array | undefined = typeof source === 'function' ? source() : source;
  const length = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const take = (size: number, what: string): number => {
    if (!(size >= 0) || at + size > length) fail(what);
    const start = at;
    at += size;
    return start;
  };
  const jsonLength = view.getUint32(take(4, 'length of the JSON part'), true);
  const jsonStart = take(jsonLength, 'JSON part');
  const columns: Int32Array[] = [];
  for (const name of INT_COLUMNS) {
    const count = view.getUint32(take(4, `length of column ${name}`), true);
    const start = take(count * 4, `column ${name}`);
    const column = new Int32Array(count);
    if (LITTLE_ENDIAN) {
      // Copied into a buffer of its own (aligned, and the bytes can go).
      new Uint8Array(column.buffer).set(bytes.subarray(start, start + count * 4));
    } else {
      for (let i = 0; i < count; i++) column[i] = view.getInt32(start + i * 4, true);
    }
    columns.push(column);
  }
  if (at !== length) fail('bytes after the last column');
  let text: string;
  try {
    text = decodeText(bytes.subarray(jsonStart, jsonStart + jsonLength));
  } catch (error) {
    fail(`JSON part: ${error instanceof Error ? error.message : String(error)}`);
  }
  bytes = undefined;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    fail(`JSON part: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) fail('JSON part');
  INT_COLUMNS.forEach((name, i) => (data[name] = columns[i]));
  return data as unknown as CompactIndex;
}

/** UTF-8 text, refusing malformed bytes (the default reader of the JSON part). */
function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

const TYPE_FIELDS = 11;
const REF_FIELDS = 8;
const NAV_FIELDS = 8;
const NONE = -1;
const F_ABSTRACT = 1;
const F_OPEN = 2;
const F_STREAM = 4;
const F_KEY = 8;

/** A shallow copy of a model element without its source position. */
function withoutPosition<T extends { position?: unknown }>(element: T): T {
  if (element.position === undefined) return element;
  const copy = { ...element };
  delete copy.position;
  return copy;
}

function sameTypeRef(a: TypeRef, b: TypeRef): boolean {
  return (
    a.name === b.name &&
    a.collection === b.collection &&
    a.nullable === b.nullable &&
    a.maxLength === b.maxLength &&
    a.precision === b.precision &&
    a.scale === b.scale &&
    a.srid === b.srid &&
    a.unicode === b.unicode
  );
}

class Encoder {
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  readonly refs: number[] = [];
  /** Type name -> the distinct references of that name seen so far, with their row. */
  private readonly refIds = new Map<string, [TypeRef, number][]>();
  readonly annotations: number[] = [];
  readonly values: Annotation['value'][] = [];
  readonly lists: number[] = [];

  str(value: string | undefined): number {
    if (value === undefined) return NONE;
    let id = this.stringIds.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.stringIds.set(value, id);
    }
    return id;
  }

  ref(type: TypeRef): number {
    let candidates = this.refIds.get(type.name);
    if (candidates === undefined) {
      candidates = [];
      this.refIds.set(type.name, candidates);
    }
    for (const [known, id] of candidates) if (sameTypeRef(known, type)) return id;
    const id = this.refs.length / REF_FIELDS;
    this.refs.push(
      this.str(type.name),
      type.collection ? 1 : 0,
      type.nullable ? 1 : 0,
      type.maxLength === undefined ? NONE : type.maxLength === 'max' ? -2 : type.maxLength,
      type.precision ?? NONE,
      type.scale === undefined ? NONE : type.scale === 'variable' ? -2 : type.scale === 'floating' ? -3 : type.scale,
      this.str(type.srid),
      type.unicode === undefined ? NONE : type.unicode ? 1 : 0,
    );
    candidates.push([type, id]);
    return id;
  }

  annotationList(list: Annotation[]): number {
    if (list.length === 0) return NONE;
    this.lists.push(this.annotations.length / 3, list.length);
    for (const a of list) {
      const v = a.value;
      let code: number;
      if (typeof v === 'string') code = this.str(v);
      else if (v === true) code = -1;
      else if (v === false) code = -2;
      else if (v === null) code = -3;
      else {
        code = -4 - this.values.length;
        this.values.push(v);
      }
      this.annotations.push(this.str(a.term), this.str(a.qualifier), code);
    }
    return this.lists.length / 2 - 1;
  }
}

/** Encode a document (usually one just read from XML) as a compact index. */
export function encodeCompactIndex(doc: CsdlDocument): CompactIndex {
  const steps = encodeSteps(doc);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * `encodeCompactIndex` in slices of about `sliceMs` milliseconds, awaiting `pause()` between them, so a
 * server keeps answering while it writes the cache of a large model. Same result.
 */
export async function encodeCompactIndexIncrementally(doc: CsdlDocument, pause: () => Promise<void>, sliceMs = 8): Promise<CompactIndex> {
  const steps = encodeSteps(doc);
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await pause();
      sliceStart = performance.now();
    }
  }
}

/** The encoding, yielding after each structured type. */
function* encodeSteps(doc: CsdlDocument): Generator<void, CompactIndex> {
  const e = new Encoder();
  const t: number[] = [];
  const k: number[] = [];
  const nb: number[] = [];
  const withBindingRange = <T extends EntitySet | Singleton>(source: T): WithBindingRange<T> => {
    const { navigationPropertyBindings, ...rest } = withoutPosition(source);
    const start = nb.length / 2;
    for (const b of navigationPropertyBindings) nb.push(e.str(b.path), e.str(b.target));
    return { ...rest, nb: [start, navigationPropertyBindings.length] } as unknown as WithBindingRange<T>;
  };
  const pn: number[] = [];
  const pt: number[] = [];
  const pd: number[] = [];
  const pa: number[] = [];
  const n: number[] = [];
  const rc: number[] = [];
  const addType = (type: StructuredType): void => {
    // A type read lazily and not used yet is read here without being kept (the cache must not hold the model).
    const members = peekStructuredMembers(type);
    const flags =
      (type.abstract ? F_ABSTRACT : 0) | (type.openType ? F_OPEN : 0) | (type.hasStream ? F_STREAM : 0) | (members.key !== undefined ? F_KEY : 0);
    const keyStart = k.length / 2;
    for (const part of members.key ?? []) k.push(e.str(part.name), e.str(part.alias));
    const propStart = pn.length;
    for (const p of members.properties) {
      const id = pn.length;
      pn.push(e.str(p.name));
      pt.push(e.ref(p.type));
      if (p.defaultValue !== undefined) pd.push(id, e.str(p.defaultValue));
      if (p.annotations.length > 0) pa.push(id, e.annotationList(p.annotations));
    }
    const navStart = n.length / NAV_FIELDS;
    for (const nav of members.navigationProperties) {
      const rcStart = rc.length / 2;
      for (const c of nav.referentialConstraints) rc.push(e.str(c.property), e.str(c.referencedProperty));
      n.push(
        e.str(nav.name),
        e.ref(nav.type),
        e.str(nav.partner),
        nav.containsTarget ? 1 : 0,
        e.str(nav.onDelete),
        rcStart,
        nav.referentialConstraints.length,
        e.annotationList(nav.annotations),
      );
    }
    t.push(
      type.kind === 'EntityType' ? 0 : 1,
      e.str(type.name),
      e.str(type.baseType),
      flags,
      keyStart,
      (members.key ?? []).length,
      propStart,
      members.properties.length,
      navStart,
      members.navigationProperties.length,
      e.annotationList(members.annotations),
    );
  };
  const sch: CompactSchema[] = [];
  for (const schema of doc.schemas) {
    const entityStart = t.length / TYPE_FIELDS;
    for (const type of schema.entityTypes) {
      addType(type);
      yield;
    }
    const complexStart = t.length / TYPE_FIELDS;
    for (const type of schema.complexTypes) {
      addType(type);
      yield;
    }
    const out: CompactSchema = {
      ns: e.str(schema.namespace),
      alias: e.str(schema.alias),
      st: [entityStart, schema.entityTypes.length, complexStart, schema.complexTypes.length],
      enums: schema.enumTypes.map(withoutPosition),
      defs: schema.typeDefinitions.map(withoutPosition),
      ops: schema.operations.map(withoutPosition),
      terms: schema.terms,
      ann: schema.annotations,
    };
    const c = schema.entityContainer;
    if (c !== undefined) {
      out.container = {
        ...c,
        entitySets: c.entitySets.map(withBindingRange),
        singletons: c.singletons.map(withBindingRange),
        actionImports: c.actionImports.map(withoutPosition),
        functionImports: c.functionImports.map(withoutPosition),
      };
    }
    sch.push(out);
  }
  return {
    v: COMPACT_INDEX_VERSION,
    ver: doc.version,
    s: e.strings,
    r: e.refs,
    a: e.annotations,
    av: e.values,
    al: e.lists,
    t,
    k,
    pn,
    pt,
    pd,
    pa,
    n,
    rc,
    nb,
    sch,
    refs: doc.references,
    err: doc.errors,
  };
}

// ------------------------------------------------------------------------------------------ decode

function fail(what: string): never {
  throw new CompactIndexError(`The index cache is damaged (${what}).`);
}


/** Check that every value of a column is an integer in [min, max). */
function checkColumn(column: IntColumn, stride: number, field: number, min: number, max: number, what: string): void {
  for (let i = field; i < column.length; i += stride) {
    const v = column[i];
    if (!(v >= min && v < max) || !Number.isInteger(v)) fail(what);
  }
}

/** Check that the first value of each pair of a column strictly ascends (so that it can be searched). */
function checkAscending(column: IntColumn, what: string): void {
  for (let i = 2; i < column.length; i += 2) if (!(column[i] > column[i - 2])) fail(what);
}

/** The second value of the pair whose first is `id`, in a column of pairs ascending by their first; undefined when none. */
function pairValue(column: IntColumn, id: number): number | undefined {
  let low = 0;
  let high = column.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = column[middle * 2];
    if (at === id) return column[middle * 2 + 1];
    if (at < id) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

function checkShape(data: CompactIndex): void {
  if (data === null || typeof data !== 'object') fail('not an object');
  if (data.v !== COMPACT_INDEX_VERSION) fail(`format version ${String(data.v)}`);
  const arrays = ['s', 'av', 'sch', 'refs', 'err'] as const;
  for (const name of arrays) if (!Array.isArray(data[name])) fail(`field ${name}`);
  for (const name of INT_COLUMNS) if (!Array.isArray(data[name]) && !(data[name] instanceof Int32Array)) fail(`field ${name}`);
  if (typeof data.ver !== 'string') fail('field ver');
  const strings = data.s.length;
  for (const s of data.s) if (typeof s !== 'string') fail('string table');
  if (data.r.length % REF_FIELDS !== 0 || data.t.length % TYPE_FIELDS !== 0 || data.n.length % NAV_FIELDS !== 0) fail('row length');
  if (data.k.length % 2 !== 0 || data.rc.length % 2 !== 0 || data.pd.length % 2 !== 0 || data.pa.length % 2 !== 0) fail('pair length');
  if (data.pn.length !== data.pt.length) fail('property columns');
  const refs = data.r.length / REF_FIELDS;
  if (data.a.length % 3 !== 0 || data.al.length % 2 !== 0) fail('annotation row length');
  const anns = data.al.length / 2;
  checkColumn(data.a, 3, 0, 0, strings, 'annotation term');
  checkColumn(data.a, 3, 1, NONE, strings, 'annotation qualifier');
  checkColumn(data.a, 3, 2, -4 - data.av.length + 1, strings, 'annotation value');
  for (let i = 0; i < data.al.length; i += 2) {
    if (!(data.al[i] >= 0 && data.al[i + 1] >= 0 && (data.al[i] + data.al[i + 1]) * 3 <= data.a.length)) fail('annotation list range');
  }
  const props = data.pn.length;
  const navs = data.n.length / NAV_FIELDS;
  const types = data.t.length / TYPE_FIELDS;
  checkColumn(data.r, REF_FIELDS, 0, 0, strings, 'type reference name');
  checkColumn(data.r, REF_FIELDS, 6, NONE, strings, 'type reference srid');
  checkColumn(data.pn, 1, 0, 0, strings, 'property name');
  checkColumn(data.pt, 1, 0, 0, refs, 'property type');
  checkColumn(data.pd, 2, 0, 0, props, 'property default');
  checkAscending(data.pd, 'property default');
  checkAscending(data.pa, 'property annotations');
  checkColumn(data.pd, 2, 1, 0, strings, 'property default');
  checkColumn(data.pa, 2, 0, 0, props, 'property annotations');
  checkColumn(data.pa, 2, 1, 0, anns, 'property annotations');
  checkColumn(data.k, 2, 0, 0, strings, 'key name');
  checkColumn(data.k, 2, 1, NONE, strings, 'key alias');
  checkColumn(data.rc, 1, 0, 0, strings, 'referential constraint');
  checkColumn(data.nb, 1, 0, 0, strings, 'navigation property binding');
  checkColumn(data.n, NAV_FIELDS, 0, 0, strings, 'navigation property name');
  checkColumn(data.n, NAV_FIELDS, 1, 0, refs, 'navigation property type');
  checkColumn(data.n, NAV_FIELDS, 2, NONE, strings, 'navigation property partner');
  checkColumn(data.n, NAV_FIELDS, 4, NONE, strings, 'navigation property onDelete');
  checkColumn(data.n, NAV_FIELDS, 7, NONE, anns, 'navigation property annotations');
  for (let i = 0; i < navs; i++) {
    const start = data.n[i * NAV_FIELDS + 5];
    const count = data.n[i * NAV_FIELDS + 6];
    if (!(start >= 0 && count >= 0 && (start + count) * 2 <= data.rc.length)) fail('referential constraint range');
  }
  checkColumn(data.t, TYPE_FIELDS, 1, 0, strings, 'type name');
  checkColumn(data.t, TYPE_FIELDS, 2, NONE, strings, 'base type');
  checkColumn(data.t, TYPE_FIELDS, 10, NONE, anns, 'type annotations');
  for (let i = 0; i < types; i++) {
    const row = i * TYPE_FIELDS;
    const [keyStart, keyCount, propStart, propCount, navStart, navCount] = data.t.slice(row + 4, row + 10);
    if (!(keyStart >= 0 && keyCount >= 0 && (keyStart + keyCount) * 2 <= data.k.length)) fail('key range');
    if (!(propStart >= 0 && propCount >= 0 && propStart + propCount <= props)) fail('property range');
    if (!(navStart >= 0 && navCount >= 0 && navStart + navCount <= navs)) fail('navigation property range');
  }
  for (const schema of data.sch) {
    if (schema === null || typeof schema !== 'object' || !Array.isArray(schema.st) || schema.st.length !== 4) fail('schema');
    if (!(schema.ns >= 0 && schema.ns < strings) || !(schema.alias >= NONE && schema.alias < strings)) fail('schema namespace');
    const [es, ec, cs, cc] = schema.st;
    if (!(es >= 0 && ec >= 0 && es + ec <= types && cs >= 0 && cc >= 0 && cs + cc <= types)) fail('schema type range');
    for (const list of [schema.enums, schema.defs, schema.ops, schema.terms, schema.ann]) if (!Array.isArray(list)) fail('schema lists');
  }
}

/** Make `key` of `target` a value computed on first read (then a plain data property). */
function lazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get(this: T) {
      const value = compute();
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
      return value;
    },
    set(this: T, value: T[K]) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/** The member counts of decoded types (their members are decoded on first use): see declaredMemberCount. */
const decodedMemberCounts = new WeakMap<StructuredType, number>();

/**
 * How many properties and navigation properties a type declares (its own, not inherited), without decoding
 * the members of a type read from a compact index: for choosing the types whose first use is worth doing
 * ahead of time (lsp/prime.ts). Undefined when only reading the members would tell (a type read lazily from XML).
 */
export function declaredMemberCount(type: StructuredType): number | undefined {
  const decoded = decodedMemberCounts.get(type);
  if (decoded !== undefined) return decoded;
  const lazilyRead = (key: 'properties' | 'navigationProperties'): boolean => Object.getOwnPropertyDescriptor(type, key)?.get !== undefined;
  return lazilyRead('properties') || lazilyRead('navigationProperties') ? undefined : type.properties.length + type.navigationProperties.length;
}

class Decoder {
  private readonly typeRefs: (TypeRef | undefined)[];

  constructor(private readonly data: CompactIndex) {
    this.typeRefs = new Array<TypeRef | undefined>(data.r.length / REF_FIELDS);
  }

  /** Type references are shared between the elements that use the same one (they are read-only data). */
  private ref(id: number): TypeRef {
    let ref = this.typeRefs[id];
    if (ref !== undefined) return ref;
    const r = this.data.r;
    const s = this.data.s;
    const at = id * REF_FIELDS;
    ref = { name: s[r[at]], collection: r[at + 1] === 1, nullable: r[at + 2] === 1 };
    const maxLength = r[at + 3];
    if (maxLength !== NONE) ref.maxLength = maxLength === -2 ? 'max' : maxLength;
    if (r[at + 4] !== NONE) ref.precision = r[at + 4];
    const scale = r[at + 5];
    if (scale !== NONE) ref.scale = scale === -2 ? 'variable' : scale === -3 ? 'floating' : scale;
    if (r[at + 6] !== NONE) ref.srid = s[r[at + 6]];
    if (r[at + 7] !== NONE) ref.unicode = r[at + 7] === 1;
    this.typeRefs[id] = ref;
    return ref;
  }

  private annotations(id: number): Annotation[] {
    if (id === NONE) return [];
    const { a, al, av, s } = this.data;
    const out: Annotation[] = [];
    for (let i = al[id * 2], end = i + al[id * 2 + 1]; i < end; i++) {
      const code = a[i * 3 + 2];
      const value = code >= 0 ? s[code] : code === -1 ? true : code === -2 ? false : code === -3 ? null : av[-code - 4];
      const ann: Annotation = { term: s[a[i * 3]], value };
      if (a[i * 3 + 1] !== NONE) ann.qualifier = s[a[i * 3 + 1]];
      out.push(ann);
    }
    return out;
  }

  private properties(start: number, count: number): Property[] {
    // The sparse extras are searched (their pairs ascend by property, checkShape): no map over every property of the document.
    const { pn, pt, pd, pa, s } = this.data;
    const out: Property[] = new Array<Property>(count);
    for (let i = 0; i < count; i++) {
      const id = start + i;
      const ann = pairValue(pa, id);
      const p: Property = { kind: 'Property', name: s[pn[id]], type: this.ref(pt[id]), annotations: ann === undefined ? [] : this.annotations(ann) };
      const dv = pairValue(pd, id);
      if (dv !== undefined) p.defaultValue = s[dv];
      out[i] = p;
    }
    return out;
  }

  private navigationProperties(start: number, count: number): NavigationProperty[] {
    const { n, rc, s } = this.data;
    const out: NavigationProperty[] = new Array<NavigationProperty>(count);
    for (let i = 0; i < count; i++) {
      const at = (start + i) * NAV_FIELDS;
      const constraints = [];
      for (let c = n[at + 5], end = c + n[at + 6]; c < end; c++) {
        constraints.push({ property: s[rc[c * 2]], referencedProperty: s[rc[c * 2 + 1]] });
      }
      const nav: NavigationProperty = {
        kind: 'NavigationProperty',
        name: s[n[at]],
        type: this.ref(n[at + 1]),
        containsTarget: n[at + 3] === 1,
        referentialConstraints: constraints,
        annotations: this.annotations(n[at + 7]),
      };
      if (n[at + 2] !== NONE) nav.partner = s[n[at + 2]];
      if (n[at + 4] !== NONE) nav.onDelete = s[n[at + 4]];
      out[i] = nav;
    }
    return out;
  }

  /** A container whose sources read their bindings from the `nb` column on first use. */
  container(c: CompactContainer): EntityContainer {
    if (c === null || typeof c !== 'object' || !Array.isArray(c.entitySets) || !Array.isArray(c.singletons)) fail('container');
    return { ...c, entitySets: c.entitySets.map((set) => this.source(set)), singletons: c.singletons.map((singleton) => this.source(singleton)) };
  }

  private source<T extends EntitySet | Singleton>(compact: WithBindingRange<T>): T {
    if (compact === null || typeof compact !== 'object' || !Array.isArray(compact.nb)) fail('entity set or singleton');
    const { nb: range, ...rest } = compact;
    const [start, count] = range;
    if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0 && (start + count) * 2 <= this.data.nb.length)) fail('binding range');
    const source = rest as unknown as T;
    lazy(source, 'navigationPropertyBindings', () => {
      const { nb, s } = this.data;
      const out: NavigationPropertyBinding[] = new Array<NavigationPropertyBinding>(count);
      for (let i = 0; i < count; i++) out[i] = { path: s[nb[(start + i) * 2]], target: s[nb[(start + i) * 2 + 1]] };
      return out;
    });
    return source;
  }

  structuredType(row: number, namespace: string): StructuredType {
    const t = this.data.t;
    const s = this.data.s;
    const at = row * TYPE_FIELDS;
    const name = s[t[at + 1]];
    const flags = t[at + 3];
    const type = {
      kind: t[at] === 0 ? 'EntityType' : 'ComplexType',
      name,
      namespace,
      fullName: namespace + '.' + name,
      abstract: (flags & F_ABSTRACT) !== 0,
      openType: (flags & F_OPEN) !== 0,
      hasStream: (flags & F_STREAM) !== 0,
      annotations: this.annotations(t[at + 10]),
    } as StructuredType;
    if (t[at + 2] !== NONE) type.baseType = s[t[at + 2]];
    if ((flags & F_KEY) !== 0) {
      const key: PropertyRef[] = [];
      for (let i = t[at + 4], end = i + t[at + 5]; i < end; i++) {
        const alias = this.data.k[i * 2 + 1];
        key.push(alias === NONE ? { name: s[this.data.k[i * 2]] } : { name: s[this.data.k[i * 2]], alias: s[alias] });
      }
      type.key = key;
    }
    const propStart = t[at + 6];
    const propCount = t[at + 7];
    const navStart = t[at + 8];
    const navCount = t[at + 9];
    lazy(type, 'properties', () => this.properties(propStart, propCount));
    lazy(type, 'navigationProperties', () => this.navigationProperties(navStart, navCount));
    decodedMemberCounts.set(type, propCount + navCount);
    return type;
  }
}

/**
 * Decode a compact index into a document equal to the one it was encoded from (without source positions).
 * Throws CompactIndexError when the data is not a consistent compact index of this version.
 */
export function decodeCompactIndex(data: CompactIndex): CsdlDocument {
  checkShape(data);
  const decoder = new Decoder(data);
  const s = data.s;
  const schemas: Schema[] = data.sch.map((c) => {
    const namespace = s[c.ns];
    const entityTypes: StructuredType[] = [];
    const complexTypes: StructuredType[] = [];
    for (let i = 0; i < c.st[1]; i++) entityTypes.push(decoder.structuredType(c.st[0] + i, namespace));
    for (let i = 0; i < c.st[3]; i++) complexTypes.push(decoder.structuredType(c.st[2] + i, namespace));
    const schema: Schema = {
      namespace,
      entityTypes,
      complexTypes,
      enumTypes: c.enums,
      typeDefinitions: c.defs,
      operations: c.ops,
      terms: c.terms,
      annotations: c.ann,
    };
    if (c.alias !== NONE) schema.alias = s[c.alias];
    if (c.container !== undefined) schema.entityContainer = decoder.container(c.container);
    return schema;
  });
  return { version: data.ver, references: data.refs, schemas, errors: data.err };
}
