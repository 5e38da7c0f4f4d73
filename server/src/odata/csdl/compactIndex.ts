/**
 * The compact index: a CsdlDocument as columnar, string-table data that loads fast (the language server's
 * warm start), and back.
 *
 * What it keeps is what the language service reads from the model: schemas, aliases, structured types
 * with their properties, navigation properties and keys, enums, type definitions, operations, terms,
 * containers, annotations (inline and external) and the reader's errors. It drops source positions
 * (only the metadata linter uses them, and it reads the XML).
 *
 * Layout: every name is an index into one string table; type references are interned rows of integers;
 * the bulky parts (structured types, properties, navigation properties, annotations) are flat integer
 * columns; the small parts (enums, operations, containers) stay JSON values (an entity set as an array of its
 * fields). Decoding is lazy where it counts: a structured type's key, annotations, properties and navigation
 * properties become objects on first use, so a warm start creates a few thousand objects instead of hundreds of
 * thousands.
 *
 * Two forms: `CompactIndex`, a JSON value (`encodeCompactIndex`), and its bytes (`compactIndexToBytes`, the
 * index cache's body), read back by `compactIndexFromBytes` in sections that are each checked (a caller's
 * check, the index cache's keyed hash, then their shape) and decoded on their first use only: the integer
 * columns a chunk of whole rows at a time (the chunks a first use needs, not the column), the string table and
 * the annotation values a block at a time, one string or value at a time, never parsed whole.
 *
 * `decodeCompactIndex` checks every index it follows before it builds anything from it and throws
 * `CompactIndexError` on anything inconsistent: a damaged index is refused, never half-used. A section of the
 * bytes first used after the decode that fails its check is never read: what needs it gets an empty answer
 * (no properties, no annotations...) and the check's `onDamaged` is told, so that the caller can drop the
 * cache and read the metadata again.
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
export const COMPACT_INDEX_VERSION = 6;

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
 * A container with its entity sets and singletons as arrays of their fields (no field names: a warm start parses
 * the 1,180 sets of the 30 MB Dataverse document, 205 KB of JSON as objects, 80 KB so), their bindings in the `nb`
 * column ([start, count] in pairs): Dataverse binds every lookup of every set, the bulk of the container, read only
 * when a path follows one.
 */
type CompactContainer = Omit<EntityContainer, 'entitySets' | 'singletons'> & {
  entitySets: CompactEntitySet[];
  singletons: CompactSingleton[];
};
/** name, entityType, includeInServiceDocument, annotations, first binding, binding count. */
type CompactEntitySet = [string, string, boolean, Annotation[], number, number];
/** name, type, annotations, first binding, binding count. */
type CompactSingleton = [string, string, Annotation[], number, number];

export class CompactIndexError extends Error {}

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
  /** The first binding of a source's bindings, now in `nb`. */
  const bindingStart = (bindings: NavigationPropertyBinding[]): number => {
    const start = nb.length / 2;
    for (const b of bindings) nb.push(e.str(b.path), e.str(b.target));
    return start;
  };
  const compactSet = (set: EntitySet): CompactEntitySet => [
    set.name,
    set.entityType,
    set.includeInServiceDocument,
    set.annotations,
    bindingStart(set.navigationPropertyBindings),
    set.navigationPropertyBindings.length,
  ];
  const compactSingleton = (singleton: Singleton): CompactSingleton => [
    singleton.name,
    singleton.type,
    singleton.annotations,
    bindingStart(singleton.navigationPropertyBindings),
    singleton.navigationPropertyBindings.length,
  ];
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
  // The names a decode reads up front come first in the string table: its first blocks are all a warm start reads of it.
  for (const schema of doc.schemas) {
    e.str(schema.namespace);
    e.str(schema.alias);
    for (const type of [...schema.entityTypes, ...schema.complexTypes]) {
      e.str(type.name);
      e.str(type.baseType);
    }
  }
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
        entitySets: c.entitySets.map(compactSet),
        singletons: c.singletons.map(compactSingleton),
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

/** A column of integers: an array when encoded, 32-bit integers when read from bytes (compactIndexFromBytes). */
export type IntColumn = number[] | Int32Array;

/** The integer columns, which the bytes of an index hold as 32-bit integers, each in a section of its own. */
const INT_COLUMNS = ['r', 'a', 'al', 't', 'k', 'pn', 'pt', 'pd', 'pa', 'n', 'rc', 'nb'] as const;
type IntColumnName = (typeof INT_COLUMNS)[number];

/** The sizes an index's values are checked against: its string table, annotation values and column lengths. */
interface Counts {
  strings: number;
  values: number;
  columns: Record<IntColumnName, number>;
}

/** What a decode reads: the JSON parts up front, the columns, strings and annotation values as they are used. */
interface IndexStore {
  readonly counts: Counts;
  /**
   * A column whose values [start, end) are checked against the counts (throws CompactIndexError when they cannot
   * be used): only those may be read from it (read from bytes, the rest may not be checked yet, and reads as 0).
   */
  column(name: IntColumnName, start: number, end: number): IntColumn;
  /**
   * A sparse column (`pd`, `pa`) with the pairs whose first value may be in [firstId, endId) checked, and where they
   * are: pairs [firstPair, endPair) of it (the pairs of properties firstId to endId - 1 are searched there).
   */
  pairs(name: SparseColumnName, firstId: number, endId: number): { column: IntColumn; firstPair: number; endPair: number };
  str(id: number): string;
  value(id: number): Annotation['value'];
}

/** The sparse columns: pairs ascending by their first value (a property), searched. */
type SparseColumnName = 'pd' | 'pa';

/** The parts of an index that are JSON values (read up front). */
interface IndexHead {
  v: number;
  ver: string;
  sch: CompactSchema[];
  refs: Reference[];
  err: CsdlError[];
}

function fail(what: string): never {
  throw new CompactIndexError(`The index cache is damaged (${what}).`);
}

/** Check that every value of a column is an integer in [min, max). */
function checkColumn(column: IntColumn, stride: number, field: number, min: number, max: number, what: string): void {
  if (column instanceof Int32Array) {
    // Integers already: a tight loop (a warm start checks columns of hundreds of thousands of values in cold code).
    for (let i = field, n = column.length; i < n; i += stride) {
      const v = column[i];
      if (v < min || v >= max) fail(what);
    }
    return;
  }
  for (let i = field; i < column.length; i += stride) {
    const v = column[i];
    if (!(v >= min && v < max) || !Number.isInteger(v)) fail(what);
  }
}

/** Check that the first value of each pair of a column strictly ascends (so that it can be searched). */
function checkAscending(column: IntColumn, what: string): void {
  if (column instanceof Int32Array) {
    for (let i = 2, n = column.length; i < n; i += 2) if (column[i] <= column[i - 2]) fail(what);
    return;
  }
  for (let i = 2; i < column.length; i += 2) if (!(column[i] > column[i - 2])) fail(what);
}

/**
 * The second value of the pair whose first is `id`, in a column of pairs ascending by their first (pairs
 * [firstPair, endPair) of it searched, the whole column by default); undefined when none.
 */
function pairValue(column: IntColumn, id: number, firstPair = 0, endPair = column.length / 2): number | undefined {
  let low = firstPair;
  let high = endPair - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = column[middle * 2];
    if (at === id) return column[middle * 2 + 1];
    if (at < id) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

/** The row lengths the counts imply hold (checked before any column is read). */
function checkCounts(counts: Counts): void {
  const c = counts.columns;
  for (const name of INT_COLUMNS) if (!(Number.isInteger(c[name]) && c[name] >= 0)) fail(`length of column ${name}`);
  if (!(Number.isInteger(counts.strings) && counts.strings >= 0 && Number.isInteger(counts.values) && counts.values >= 0)) fail('table sizes');
  if (c.r % REF_FIELDS !== 0 || c.t % TYPE_FIELDS !== 0 || c.n % NAV_FIELDS !== 0) fail('row length');
  if (c.k % 2 !== 0 || c.rc % 2 !== 0 || c.pd % 2 !== 0 || c.pa % 2 !== 0 || c.nb % 2 !== 0) fail('pair length');
  if (c.pn !== c.pt) fail('property columns');
  if (c.a % 3 !== 0 || c.al % 2 !== 0) fail('annotation row length');
}

/** Check every index a column holds against the counts (what it points into may not be read yet). */
function checkColumnValues(name: IntColumnName, col: IntColumn, counts: Counts): void {
  if (col.length !== counts.columns[name]) fail(`length of column ${name}`);
  checkValues(name, col, counts);
}

/**
 * Check every index a piece of a column holds (the whole column, or a chunk of whole rows of it) against the counts:
 * an index into another column or table is checked against that one's length as the counts give it, never against
 * its values (which may not be read yet), so a chunk is checked on its own. The pairs of a sparse column ascend
 * within the piece (checkChunk checks them across chunks).
 */
function checkValues(name: IntColumnName, col: IntColumn, counts: Counts): void {
  const strings = counts.strings;
  const c = counts.columns;
  const refs = c.r / REF_FIELDS;
  const anns = c.al / 2;
  const props = c.pn;
  const navs = c.n / NAV_FIELDS;
  const integers = col instanceof Int32Array;
  switch (name) {
    case 'r':
      checkColumn(col, REF_FIELDS, 0, 0, strings, 'type reference name');
      checkColumn(col, REF_FIELDS, 6, NONE, strings, 'type reference srid');
      break;
    case 'a':
      checkColumn(col, 3, 0, 0, strings, 'annotation term');
      checkColumn(col, 3, 1, NONE, strings, 'annotation qualifier');
      checkColumn(col, 3, 2, -4 - counts.values + 1, strings, 'annotation value');
      break;
    case 'al':
      for (let i = 0; i < col.length; i += 2) {
        if (!(col[i] >= 0 && col[i + 1] >= 0 && (col[i] + col[i + 1]) * 3 <= c.a) || !(integers || (Number.isInteger(col[i]) && Number.isInteger(col[i + 1])))) fail('annotation list range');
      }
      break;
    case 't':
      checkColumn(col, TYPE_FIELDS, 1, 0, strings, 'type name');
      checkColumn(col, TYPE_FIELDS, 2, NONE, strings, 'base type');
      checkColumn(col, TYPE_FIELDS, 10, NONE, anns, 'type annotations');
      for (let row = 0; row < col.length; row += TYPE_FIELDS) {
        const keyStart = col[row + 4];
        const keyCount = col[row + 5];
        const propStart = col[row + 6];
        const propCount = col[row + 7];
        const navStart = col[row + 8];
        const navCount = col[row + 9];
        if (!(keyStart >= 0 && keyCount >= 0 && (keyStart + keyCount) * 2 <= c.k)) fail('key range');
        if (!(propStart >= 0 && propCount >= 0 && propStart + propCount <= props)) fail('property range');
        if (!(navStart >= 0 && navCount >= 0 && navStart + navCount <= navs)) fail('navigation property range');
        if (!integers) for (let f = 3; f < 10; f++) if (!Number.isInteger(col[row + f])) fail('type row');
      }
      break;
    case 'k':
      checkColumn(col, 2, 0, 0, strings, 'key name');
      checkColumn(col, 2, 1, NONE, strings, 'key alias');
      break;
    case 'pn':
      checkColumn(col, 1, 0, 0, strings, 'property name');
      break;
    case 'pt':
      checkColumn(col, 1, 0, 0, refs, 'property type');
      break;
    case 'pd':
      checkColumn(col, 2, 0, 0, props, 'property default');
      checkAscending(col, 'property default');
      checkColumn(col, 2, 1, 0, strings, 'property default');
      break;
    case 'pa':
      checkColumn(col, 2, 0, 0, props, 'property annotations');
      checkAscending(col, 'property annotations');
      checkColumn(col, 2, 1, 0, anns, 'property annotations');
      break;
    case 'n':
      checkColumn(col, NAV_FIELDS, 0, 0, strings, 'navigation property name');
      checkColumn(col, NAV_FIELDS, 1, 0, refs, 'navigation property type');
      checkColumn(col, NAV_FIELDS, 2, NONE, strings, 'navigation property partner');
      checkColumn(col, NAV_FIELDS, 4, NONE, strings, 'navigation property onDelete');
      checkColumn(col, NAV_FIELDS, 7, NONE, anns, 'navigation property annotations');
      for (let at = 0; at < col.length; at += NAV_FIELDS) {
        const start = col[at + 5];
        const count = col[at + 6];
        if (!(start >= 0 && count >= 0 && (start + count) * 2 <= c.rc) || !(integers || (Number.isInteger(start) && Number.isInteger(count)))) fail('referential constraint range');
      }
      break;
    case 'rc':
      checkColumn(col, 1, 0, 0, strings, 'referential constraint');
      break;
    case 'nb':
      checkColumn(col, 1, 0, 0, strings, 'navigation property binding');
      break;
  }
}

/** Check the JSON parts of an index against the counts. */
function checkHead(head: IndexHead, counts: Counts): void {
  if (head === null || typeof head !== 'object') fail('not an object');
  if (head.v !== COMPACT_INDEX_VERSION) fail(`format version ${String(head.v)}`);
  for (const name of ['sch', 'refs', 'err'] as const) if (!Array.isArray(head[name])) fail(`field ${name}`);
  if (typeof head.ver !== 'string') fail('field ver');
  const strings = counts.strings;
  const types = counts.columns.t / TYPE_FIELDS;
  for (const schema of head.sch) {
    if (schema === null || typeof schema !== 'object' || !Array.isArray(schema.st) || schema.st.length !== 4) fail('schema');
    if (!(Number.isInteger(schema.ns) && schema.ns >= 0 && schema.ns < strings) || !(Number.isInteger(schema.alias) && schema.alias >= NONE && schema.alias < strings)) {
      fail('schema namespace');
    }
    const [es, ec, cs, cc] = schema.st;
    if (!(es >= 0 && ec >= 0 && es + ec <= types && cs >= 0 && cc >= 0 && cs + cc <= types) || !schema.st.every(Number.isInteger)) fail('schema type range');
    for (const list of [schema.enums, schema.defs, schema.ops, schema.terms, schema.ann]) if (!Array.isArray(list)) fail('schema lists');
  }
}

/** The JSON form as a store: everything checked up front. */
function jsonStore(data: CompactIndex): IndexStore {
  if (data === null || typeof data !== 'object') fail('not an object');
  for (const name of ['s', 'av'] as const) if (!Array.isArray(data[name])) fail(`field ${name}`);
  for (const name of INT_COLUMNS) if (!Array.isArray(data[name]) && !(data[name] instanceof Int32Array)) fail(`field ${name}`);
  for (const s of data.s) if (typeof s !== 'string') fail('string table');
  const columns = {} as Record<IntColumnName, number>;
  for (const name of INT_COLUMNS) columns[name] = data[name].length;
  const counts: Counts = { strings: data.s.length, values: data.av.length, columns };
  checkCounts(counts);
  checkHead(data, counts);
  for (const name of INT_COLUMNS) checkColumnValues(name, data[name], counts);
  return {
    counts,
    column: (name) => data[name],
    pairs: (name) => ({ column: data[name], firstPair: 0, endPair: data[name].length / 2 }),
    str: (id) => data.s[id],
    value: (id) => data.av[id],
  };
}

/** Where a decoded structured type or binding source keeps its row (not enumerable: not part of the document's data). */
const ROW = Symbol('compact index row');

/**
 * A property computed on first read from the object's row (then a plain data property). One descriptor is
 * shared by every object of a decode, so that they keep one shape. A section refused at that first read
 * gives `empty()` (the store has told its caller).
 */
function lazyMember(key: string, compute: (row: number) => unknown, empty: () => unknown): PropertyDescriptor {
  const settle = (target: object, value: unknown): void => void Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  return {
    configurable: true,
    enumerable: true,
    get(this: { [ROW]: number }) {
      let value: unknown;
      try {
        value = compute(this[ROW]);
      } catch (error) {
        if (!(error instanceof CompactIndexError)) throw error;
        value = empty();
      }
      settle(this, value);
      return value;
    },
    set(this: object, value: unknown) {
      settle(this, value);
    },
  };
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
  /** The lazy members of a structured type, without and with a declared key. */
  private readonly members: PropertyDescriptorMap;
  private readonly membersWithKey: PropertyDescriptorMap;
  /** The binding ranges ([start, count] in `nb`) of the entity sets and singletons decoded, by their row. */
  private readonly bindingRanges: number[] = [];
  private readonly bindings: PropertyDescriptor;

  constructor(private readonly store: IndexStore) {
    this.typeRefs = new Array<TypeRef | undefined>(store.counts.columns.r / REF_FIELDS);
    const field = (row: number, f: number): number => this.store.column('t', row * TYPE_FIELDS, (row + 1) * TYPE_FIELDS)[row * TYPE_FIELDS + f];
    this.members = {
      annotations: lazyMember('annotations', (row) => this.annotations(field(row, 10)), () => []),
      properties: lazyMember('properties', (row) => this.properties(field(row, 6), field(row, 7)), () => []),
      navigationProperties: lazyMember('navigationProperties', (row) => this.navigationProperties(field(row, 8), field(row, 9)), () => []),
    };
    this.membersWithKey = { ...this.members, key: lazyMember('key', (row) => this.key(field(row, 4), field(row, 5)), () => []) };
    this.bindings = lazyMember('navigationPropertyBindings', (row) => this.navigationPropertyBindings(this.bindingRanges[row * 2], this.bindingRanges[row * 2 + 1]), () => []);
  }

  /** Type references are shared between the elements that use the same one (they are read-only data). */
  private ref(id: number): TypeRef {
    let ref = this.typeRefs[id];
    if (ref !== undefined) return ref;
    const at = id * REF_FIELDS;
    const r = this.store.column('r', at, at + REF_FIELDS);
    const str = (i: number): string => this.store.str(i);
    ref = { name: str(r[at]), collection: r[at + 1] === 1, nullable: r[at + 2] === 1 };
    const maxLength = r[at + 3];
    if (maxLength !== NONE) ref.maxLength = maxLength === -2 ? 'max' : maxLength;
    if (r[at + 4] !== NONE) ref.precision = r[at + 4];
    const scale = r[at + 5];
    if (scale !== NONE) ref.scale = scale === -2 ? 'variable' : scale === -3 ? 'floating' : scale;
    if (r[at + 6] !== NONE) ref.srid = str(r[at + 6]);
    if (r[at + 7] !== NONE) ref.unicode = r[at + 7] === 1;
    this.typeRefs[id] = ref;
    return ref;
  }

  private annotations(id: number): Annotation[] {
    if (id === NONE) return [];
    const store = this.store;
    const al = store.column('al', id * 2, id * 2 + 2);
    const first = al[id * 2];
    const count = al[id * 2 + 1];
    const a = store.column('a', first * 3, (first + count) * 3);
    const out: Annotation[] = [];
    for (let i = first, end = first + count; i < end; i++) {
      const code = a[i * 3 + 2];
      const value = code >= 0 ? store.str(code) : code === -1 ? true : code === -2 ? false : code === -3 ? null : store.value(-code - 4);
      const ann: Annotation = { term: store.str(a[i * 3]), value };
      if (a[i * 3 + 1] !== NONE) ann.qualifier = store.str(a[i * 3 + 1]);
      out.push(ann);
    }
    return out;
  }

  private key(start: number, count: number): PropertyRef[] {
    const k = this.store.column('k', start * 2, (start + count) * 2);
    const key: PropertyRef[] = [];
    for (let i = start, end = start + count; i < end; i++) {
      const alias = k[i * 2 + 1];
      key.push(alias === NONE ? { name: this.store.str(k[i * 2]) } : { name: this.store.str(k[i * 2]), alias: this.store.str(alias) });
    }
    return key;
  }

  private properties(start: number, count: number): Property[] {
    // The sparse extras are searched (their pairs ascend by property, checkColumnValues): no map over every property of the document.
    const store = this.store;
    const pn = store.column('pn', start, start + count);
    const pt = store.column('pt', start, start + count);
    const pa = store.pairs('pa', start, start + count);
    const pd = store.pairs('pd', start, start + count);
    const out: Property[] = new Array<Property>(count);
    for (let i = 0; i < count; i++) {
      const id = start + i;
      const ann = pairValue(pa.column, id, pa.firstPair, pa.endPair);
      const p: Property = { kind: 'Property', name: store.str(pn[id]), type: this.ref(pt[id]), annotations: ann === undefined ? [] : this.annotations(ann) };
      const dv = pairValue(pd.column, id, pd.firstPair, pd.endPair);
      if (dv !== undefined) p.defaultValue = store.str(dv);
      out[i] = p;
    }
    return out;
  }

  private navigationProperties(start: number, count: number): NavigationProperty[] {
    const store = this.store;
    const n = store.column('n', start * NAV_FIELDS, (start + count) * NAV_FIELDS);
    // The referential constraints of these navigation properties (consecutive as written): their chunks checked at once.
    let rcLow = Infinity;
    let rcHigh = 0;
    for (let at = start * NAV_FIELDS, end = (start + count) * NAV_FIELDS; at < end; at += NAV_FIELDS) {
      if (n[at + 6] === 0) continue;
      rcLow = Math.min(rcLow, n[at + 5]);
      rcHigh = Math.max(rcHigh, n[at + 5] + n[at + 6]);
    }
    const rc = rcLow < rcHigh ? store.column('rc', rcLow * 2, rcHigh * 2) : NO_VALUES;
    const out: NavigationProperty[] = new Array<NavigationProperty>(count);
    for (let i = 0; i < count; i++) {
      const at = (start + i) * NAV_FIELDS;
      const constraints = [];
      for (let c = n[at + 5], end = c + n[at + 6]; c < end; c++) {
        constraints.push({ property: store.str(rc[c * 2]), referencedProperty: store.str(rc[c * 2 + 1]) });
      }
      const nav: NavigationProperty = {
        kind: 'NavigationProperty',
        name: store.str(n[at]),
        type: this.ref(n[at + 1]),
        containsTarget: n[at + 3] === 1,
        referentialConstraints: constraints,
        annotations: this.annotations(n[at + 7]),
      };
      if (n[at + 2] !== NONE) nav.partner = store.str(n[at + 2]);
      if (n[at + 4] !== NONE) nav.onDelete = store.str(n[at + 4]);
      out[i] = nav;
    }
    return out;
  }

  /** A container whose sources read their bindings from the `nb` column on first use. */
  container(c: CompactContainer): EntityContainer {
    if (c === null || typeof c !== 'object' || !Array.isArray(c.entitySets) || !Array.isArray(c.singletons)) fail('container');
    const entitySets = new Array<EntitySet>(c.entitySets.length);
    for (let i = 0; i < entitySets.length; i++) {
      const f = c.entitySets[i];
      if (!Array.isArray(f) || f.length !== 6 || typeof f[0] !== 'string' || typeof f[1] !== 'string' || typeof f[2] !== 'boolean' || !Array.isArray(f[3])) fail('entity set');
      const set = { kind: 'EntitySet', name: f[0], entityType: f[1], includeInServiceDocument: f[2], annotations: f[3] } as EntitySet;
      entitySets[i] = this.bound(set, f[4], f[5]);
    }
    const singletons = new Array<Singleton>(c.singletons.length);
    for (let i = 0; i < singletons.length; i++) {
      const f = c.singletons[i];
      if (!Array.isArray(f) || f.length !== 5 || typeof f[0] !== 'string' || typeof f[1] !== 'string' || !Array.isArray(f[2])) fail('singleton');
      singletons[i] = this.bound({ kind: 'Singleton', name: f[0], type: f[1], annotations: f[2] } as Singleton, f[3], f[4]);
    }
    return { ...c, entitySets, singletons };
  }

  /** An entity set or singleton that reads its bindings ([start, count] in `nb`) on first use. */
  private bound<T extends EntitySet | Singleton>(source: T, start: number, count: number): T {
    if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0 && (start + count) * 2 <= this.store.counts.columns.nb)) fail('binding range');
    Object.defineProperty(source, ROW, { value: this.bindingRanges.length / 2 });
    this.bindingRanges.push(start, count);
    Object.defineProperty(source, 'navigationPropertyBindings', this.bindings);
    return source;
  }

  private navigationPropertyBindings(start: number, count: number): NavigationPropertyBinding[] {
    const nb = this.store.column('nb', start * 2, (start + count) * 2);
    const out: NavigationPropertyBinding[] = new Array<NavigationPropertyBinding>(count);
    for (let i = 0; i < count; i++) out[i] = { path: this.store.str(nb[(start + i) * 2]), target: this.store.str(nb[(start + i) * 2 + 1]) };
    return out;
  }

  structuredType(row: number, namespace: string): StructuredType {
    const at = row * TYPE_FIELDS;
    const t = this.store.column('t', at, at + TYPE_FIELDS);
    const name = this.store.str(t[at + 1]);
    const flags = t[at + 3];
    const type = {
      kind: t[at] === 0 ? 'EntityType' : 'ComplexType',
      name,
      namespace,
      fullName: namespace + '.' + name,
      abstract: (flags & F_ABSTRACT) !== 0,
      openType: (flags & F_OPEN) !== 0,
      hasStream: (flags & F_STREAM) !== 0,
    } as StructuredType;
    if (t[at + 2] !== NONE) type.baseType = this.store.str(t[at + 2]);
    Object.defineProperty(type, ROW, { value: row });
    // One call per member: faster than Object.defineProperties here.
    const members = (flags & F_KEY) !== 0 ? this.membersWithKey : this.members;
    for (const key in members) Object.defineProperty(type, key, members[key]);
    decodedMemberCounts.set(type, t[at + 7] + t[at + 9]);
    return type;
  }
}

/**
 * Decode a compact index (its JSON form, or read from bytes) into a document equal to the one it was encoded
 * from (without source positions). Throws CompactIndexError when what the decode reads now is not a consistent
 * compact index of this version; what it reads later (members, annotations) is checked then (see the top).
 */
export function decodeCompactIndex(data: CompactIndex | CompactIndexBytes): CsdlDocument {
  let head: IndexHead;
  let store: IndexStore;
  if (data instanceof CompactIndexBytes) ({ head, store } = data.open());
  else {
    store = jsonStore(data);
    head = data;
  }
  const decoder = new Decoder(store);
  const schemas: Schema[] = head.sch.map((c) => {
    const namespace = store.str(c.ns);
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
    if (c.alias !== NONE) schema.alias = store.str(c.alias);
    if (c.container !== undefined) schema.entityContainer = decoder.container(c.container);
    return schema;
  });
  return { version: head.ver, references: head.refs, schemas, errors: head.err };
}

// ------------------------------------------------------------------------------------------ bytes

/*
 * The bytes of an index (the index cache's body), all integers little-endian:
 *
 *   u32 length of the table, the table (ASCII JSON: [[name, offset, length], ...]), zeros up to a multiple of 8,
 *   then the sections in the table's order, each at the next multiple of 8 (offsets count from there).
 *
 * Sections: `head` (ASCII JSON: the JSON parts and the counts), the integer columns in chunks (`pn:0`, `pn:1`...:
 * 32-bit integers, `cv` values each, the last chunk of a column fewer), `s0`, `s1`... (the string table in blocks)
 * and `v0`, `v1`... (the annotation values as JSON text, in blocks). A chunk holds whole rows of its column (`cv`
 * is a multiple of every row length), so it is checked on its own, and a first use reads and checks only the
 * chunks it needs (a few of hundreds of KB). A block of texts: u32 count, u32 encoding (0: one byte per character, latin1; 1: UTF-16LE),
 * count + 1 u32 character offsets (ascending, from 0 to the text's length), then the text.
 */

/** About how many characters a block of texts holds: a first use reads (and checks) one block, not the table. */
const BLOCK_CHARS = 1 << 15;
/** What the values of a chunk of an integer column come in multiples of: the least common multiple of the row lengths (2, 3, 8, 11). */
export const CHUNK_UNIT = 264;
/**
 * How many values a chunk of an integer column holds by default (16.5 KB). On the 30 MB Dataverse document a warm
 * start's first completion reads 8 chunks (143 KB) where it read 4.3 MB of whole columns; 4 KB chunks read 63 KB
 * for no measurable gain from spawn but triple the header (95 KB of hashes, 1,410 sections, against 31 KB and 459),
 * and 66 KB chunks read 440 KB and measured slower.
 */
export const CHUNK_VALUES = CHUNK_UNIT * 16;
const LATIN1 = 0;
const UTF16 = 1;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

interface BytesHead extends IndexHead {
  /** Lengths of the integer columns. */
  c: Record<IntColumnName, number>;
  /** Size of the string table and the first string of each of its blocks. */
  S: number;
  sb: number[];
  /** Number of annotation values and the first value of each block. */
  V: number;
  vb: number[];
  /** How many values each chunk of an integer column holds (its last chunk fewer): a multiple of CHUNK_UNIT. */
  cv: number;
  /** The first value (a property) of each chunk of the sparse columns: which chunk holds a property's pair. */
  pf: Record<SparseColumnName, number[]>;
}

const SPARSE_COLUMNS: readonly SparseColumnName[] = ['pd', 'pa'];

/** How many chunks of `chunkValues` values a column of `length` values is in. */
const chunkCount = (length: number, chunkValues: number): number => Math.ceil(length / chunkValues);

/** The chunking of the head checked against the counts (before any chunk is read). */
function checkChunking(head: BytesHead, counts: Counts): void {
  const cv = head.cv;
  if (!(Number.isInteger(cv) && cv > 0 && cv % CHUNK_UNIT === 0)) fail('chunk length');
  if (head.pf === null || typeof head.pf !== 'object') fail('chunk starts');
  for (const name of SPARSE_COLUMNS) {
    const firsts: unknown = head.pf[name];
    if (!Array.isArray(firsts) || firsts.length !== chunkCount(counts.columns[name], cv)) fail(`chunk starts of ${name}`);
    for (let j = 0; j < firsts.length; j++) {
      const first: unknown = firsts[j];
      if (!Number.isInteger(first) || (first as number) < 0 || (first as number) >= counts.columns.pn || (j > 0 && !((first as number) > (firsts[j - 1] as number)))) {
        fail(`chunk starts of ${name}`);
      }
    }
  }
}

/**
 * Check chunk `j` of a column (whole rows of it) on its own: its indexes against the counts, and the pairs of a sparse
 * column ascending within it, from the first the head gives for it to below the next chunk's (so across the column).
 */
function checkChunk(name: IntColumnName, j: number, values: Int32Array, counts: Counts, head: BytesHead): void {
  checkValues(name, values, counts);
  if (name === 'pd' || name === 'pa') {
    const firsts = head.pf[name];
    const what = name === 'pd' ? 'property default' : 'property annotations';
    if (values[0] !== firsts[j] || (j + 1 < firsts.length && !(values[values.length - 2] < firsts[j + 1]))) fail(what);
  }
}

const align8 = (n: number): number => (n + 7) & ~7;

/** JSON text with every character outside ASCII escaped: read as one-byte text without decoding UTF-8. */
function asciiJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')), 'latin1');
}

/** Texts in blocks of about BLOCK_CHARS characters (see the format above); with the first text of each. */
function textBlocks(texts: string[]): { starts: number[]; blocks: Uint8Array[] } {
  const starts: number[] = [];
  const blocks: Uint8Array[] = [];
  for (let first = 0; first < texts.length; ) {
    let end = first;
    let chars = 0;
    let wide = false;
    while (end < texts.length && (end === first || chars < BLOCK_CHARS)) {
      const text = texts[end++];
      chars += text.length;
      if (!wide && /[^\u0000-\u00ff]/.test(text)) wide = true;
    }
    const count = end - first;
    const joined = texts.slice(first, end).join('');
    const text = Buffer.from(joined, wide ? 'utf16le' : 'latin1');
    const block = new Uint8Array(8 + 4 * (count + 1) + text.length);
    const view = new DataView(block.buffer);
    view.setUint32(0, count, true);
    view.setUint32(4, wide ? UTF16 : LATIN1, true);
    let offset = 0;
    for (let i = 0; i <= count; i++) {
      view.setUint32(8 + 4 * i, offset, true);
      if (i < count) offset += texts[first + i].length;
    }
    block.set(text, 8 + 4 * (count + 1));
    starts.push(first);
    blocks.push(block);
    first = end;
  }
  return { starts, blocks };
}

/**
 * A compact index as bytes (the index cache's body; the format above), made in one buffer holding the whole body:
 * the integer columns are written straight into it, and no second copy of the body is made by joining pieces —
 * the peak of a cold load's background pass (10 MB each on the 30 MB Dataverse document).
 */
export function compactIndexToBytes(index: CompactIndex, chunkValues = CHUNK_VALUES): Uint8Array {
  if (!(Number.isInteger(chunkValues) && chunkValues > 0 && chunkValues % CHUNK_UNIT === 0)) throw new RangeError(`chunkValues must be a positive multiple of ${CHUNK_UNIT}`);
  const strings = textBlocks(index.s);
  const values = textBlocks(index.av.map((value) => JSON.stringify(value)));
  const columns = {} as Record<IntColumnName, number>;
  for (const name of INT_COLUMNS) columns[name] = index[name].length;
  const firsts = (column: IntColumn): number[] => Array.from({ length: chunkCount(column.length, chunkValues) }, (_, j) => column[j * chunkValues]);
  const head: BytesHead = {
    v: index.v,
    ver: index.ver,
    sch: index.sch,
    refs: index.refs,
    err: index.err,
    c: columns,
    S: index.s.length,
    sb: strings.starts,
    V: index.av.length,
    vb: values.starts,
    cv: chunkValues,
    pf: { pd: firsts(index.pd), pa: firsts(index.pa) },
  };
  // Each section: its name, its length, and what writes it at an offset of the body.
  type Section = [string, number, (into: Uint8Array, at: number) => void];
  const copied = (name: string, bytes: Uint8Array): Section => [name, bytes.length, (into, at) => into.set(bytes, at)];
  const chunks = (name: IntColumnName): Section[] => {
    const column = index[name];
    return Array.from({ length: chunkCount(column.length, chunkValues) }, (_, j): Section => {
      const start = j * chunkValues;
      const end = Math.min(column.length, start + chunkValues);
      return [
        `${name}:${j}`,
        (end - start) * 4,
        (into, at) => {
          const view = new DataView(into.buffer, into.byteOffset + at, (end - start) * 4);
          for (let i = start; i < end; i++) view.setInt32((i - start) * 4, column[i], true);
        },
      ];
    });
  };
  // What a decode reads up front comes first (the head, the types, the first blocks of strings): a reader on demand reads it in one piece.
  const sections: Section[] = [copied('head', asciiJson(head)), ...chunks('t')];
  strings.blocks.forEach((block, i) => sections.push(copied(`s${i}`, block)));
  for (const name of INT_COLUMNS) if (name !== 't') sections.push(...chunks(name));
  values.blocks.forEach((block, i) => sections.push(copied(`v${i}`, block)));
  const table: [string, number, number][] = [];
  let offset = 0;
  for (const [name, length] of sections) {
    offset = align8(offset);
    table.push([name, offset, length]);
    offset += length;
  }
  const tableBytes = asciiJson(table);
  const dataStart = align8(4 + tableBytes.length);
  const body = new Uint8Array(dataStart + offset);
  body.set(u32(tableBytes.length), 0);
  body.set(tableBytes, 4);
  sections.forEach(([, , write], i) => write(body, dataStart + table[i][1]));
  return body;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

/** Where the bytes of an index are read from a section at a time (a cache file read on demand); `read` may throw. */
export interface IndexBytesSource {
  readonly length: number;
  read(offset: number, length: number): Uint8Array;
}

/** How the sections of an index read from bytes are checked at their first use. */
export interface SectionCheck {
  /** True when section `index` of the table (named `name`) holds the bytes it was written with. */
  verify(index: number, name: string, bytes: Uint8Array): boolean;
  /** Told of each section refused (its check or its shape), with why; the decode goes on without it. */
  onDamaged?(reason: string): void;
}

/** Bytes in memory as a source. */
function bytesSource(bytes: Uint8Array): IndexBytesSource {
  return { length: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/**
 * Where the table at the start of an index's bytes ends and its sections start (reads the table's length only);
 * undefined when the bytes are too short to hold it.
 */
export function compactIndexTable(bytes: Uint8Array | IndexBytesSource): { tableEnd: number; dataStart: number } | undefined {
  const source = bytes instanceof Uint8Array ? bytesSource(bytes) : bytes;
  if (source.length < 4) return undefined;
  const first = source.read(0, 4);
  const length = new DataView(first.buffer, first.byteOffset, 4).getUint32(0, true);
  if (4 + length > source.length) return undefined;
  return { tableEnd: 4 + length, dataStart: align8(4 + length) };
}

/**
 * A compact index in bytes made by compactIndexToBytes, read section by section as the decode uses it.
 * Keeps the bytes (its columns are views of them when aligned).
 */
export class CompactIndexBytes {
  /** name -> [index in the table, offset in the bytes, length]. */
  private readonly sections = new Map<string, [number, number, number]>();
  private readonly checked = new Map<string, Uint8Array>();
  /** The integer columns first used: all their values, those of the chunks not checked yet 0 (never their bytes). */
  private readonly columns = new Map<IntColumnName, ChunkedColumn>();
  private counts: Counts | undefined;
  private head: BytesHead | undefined;
  private readonly strings = new PagedCache<string>();
  private stringBlocks: (BlockTexts | undefined)[] = [];
  private readonly values = new PagedCache<Annotation['value']>();
  private valueBlocks: (BlockTexts | undefined)[] = [];
  private readonly refused = new Set<string>();
  private store: IndexStore | undefined;
  /** The sections in the table's order, and the first that checkNextSection has not passed yet. */
  private unchecked: string[] | undefined;
  private nextUnchecked = 0;

  /** Throws CompactIndexError when the bytes are not framed as compactIndexToBytes frames them. */
  private readonly source: IndexBytesSource;

  constructor(
    bytes: Uint8Array | IndexBytesSource,
    private readonly check?: SectionCheck,
  ) {
    const source = bytes instanceof Uint8Array ? bytesSource(bytes) : bytes;
    this.source = source;
    const table = compactIndexTable(source);
    if (table === undefined) fail('length of the table');
    let entries: unknown;
    try {
      const text = source.read(4, table.tableEnd - 4);
      entries = JSON.parse(Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('latin1'));
    } catch (error) {
      fail(`table: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!Array.isArray(entries) || entries.length === 0) fail('table');
    let expected = 0;
    entries.forEach((entry: unknown, index) => {
      if (!Array.isArray(entry) || entry.length !== 3) fail('table entry');
      const [name, offset, length] = entry as unknown[];
      if (typeof name !== 'string' || this.sections.has(name) || !Number.isInteger(offset) || !Number.isInteger(length) || (length as number) < 0) fail('table entry');
      if (offset !== align8(expected)) fail(`offset of section ${name}`);
      expected = (offset as number) + (length as number);
      this.sections.set(name, [index, table.dataStart + (offset as number), length as number]);
    });
    if (table.dataStart + expected !== source.length) fail(table.dataStart + expected > source.length ? 'a section past the end' : 'bytes after the last section');
    if (!this.sections.has('head')) fail('no head');
  }

  /** How many sections the table lists. */
  get sectionCount(): number {
    return this.sections.size;
  }

  /** The sections in the table's order, with their bytes (unchecked): what a writer hashes. */
  sectionsInOrder(): { name: string; bytes: Uint8Array }[] {
    return [...this.sections].map(([name, [, offset, length]]) => ({ name, bytes: this.source.read(offset, length) }));
  }

  /** A section's bytes once checked; throws CompactIndexError (after telling the check's onDamaged) when refused. */
  private section(name: string): Uint8Array {
    const known = this.checked.get(name);
    if (known !== undefined) return known;
    if (this.refused.has(name)) fail(`section ${name}`);
    const entry = this.sections.get(name);
    if (entry === undefined) return this.refuse(name, `section ${name} is missing`);
    const [index, offset, length] = entry;
    let bytes: Uint8Array;
    try {
      bytes = this.source.read(offset, length);
      if (bytes.byteLength !== length) throw new Error('short read');
    } catch (error) {
      if (error instanceof CompactIndexError) throw error;
      return this.refuse(name, `section ${name} could not be read (${error instanceof Error ? error.message : String(error)})`);
    }
    if (this.check !== undefined && !this.check.verify(index, name, bytes)) return this.refuse(name, `section ${name} does not match its hash`);
    this.checked.set(name, bytes);
    return bytes;
  }

  private refuse(name: string, reason: string): never {
    this.refused.add(name);
    this.check?.onDamaged?.(reason);
    fail(reason);
  }

  /** Run a first use's shape check: what it finds wrong refuses the section. */
  private shaped<T>(name: string, read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof CompactIndexError) || this.refused.has(name)) throw error;
      return this.refuse(name, `section ${name}: ${error.message}`);
    }
  }

  /** The JSON parts, checked, and the store the decode reads the rest from. */
  open(): { head: IndexHead; store: IndexStore } {
    if (this.head === undefined || this.counts === undefined) {
      const bytes = this.section('head');
      const head = this.shaped('head', () => {
        let parsed: BytesHead;
        try {
          parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')) as BytesHead;
        } catch (error) {
          fail(`head: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (parsed === null || typeof parsed !== 'object' || parsed.c === null || typeof parsed.c !== 'object') fail('head');
        const counts: Counts = { strings: parsed.S, values: parsed.V, columns: parsed.c };
        checkCounts(counts);
        checkHead(parsed, counts);
        checkChunking(parsed, counts);
        checkBlockStarts(parsed.sb, parsed.S, 'string blocks');
        checkBlockStarts(parsed.vb, parsed.V, 'value blocks');
        this.counts = counts;
        return parsed;
      });
      this.head = head;
      this.stringBlocks = new Array<BlockTexts | undefined>(head.sb.length);
      this.valueBlocks = new Array<BlockTexts | undefined>(head.vb.length);
    }
    if (this.store === undefined) {
      this.store = {
        counts: this.counts!,
        column: (name, start, end) => this.column(name, start, end),
        pairs: (name, firstId, endId) => this.pairs(name, firstId, endId),
        str: (id) => this.str(id),
        value: (id) => this.value(id),
      };
      // Bytes this process made (no check): their columns are checked now, as the decode of an index always did, not
      // on a first use that would then fall inside a request (the strings are still read a block at a time).
      if (this.check === undefined) for (const name of INT_COLUMNS) this.column(name, 0, this.counts!.columns[name]);
    }
    return { head: this.head, store: this.store };
  }

  /**
   * Check the next section not checked yet (in the table's order; a column's shape too), so that later requests
   * find it ready: false once none is left. A refused section is reported (the check's onDamaged), not thrown.
   */
  checkNextSection(): boolean {
    // From where the last call stopped (the sections before it are checked or refused): hundreds of chunks, not a scan each.
    this.unchecked ??= [...this.sections.keys()];
    while (this.nextUnchecked < this.unchecked.length) {
      const name = this.unchecked[this.nextUnchecked++];
      if (this.checked.has(name) || this.refused.has(name)) continue;
      try {
        const chunk = this.counts === undefined ? undefined : chunkOf(name, this.counts, this.head!.cv);
        if (chunk !== undefined) this.column(chunk.column, chunk.start, chunk.start + 1);
        else this.section(name);
      } catch (error) {
        if (!(error instanceof CompactIndexError)) throw error;
      }
      return true;
    }
    return false;
  }

  /**
   * Column `name` with its values [start, end) checked: each chunk they fall in is read, checked (its hash, then its
   * shape) and copied into the column on its first use, before any of its values is read.
   */
  private column(name: IntColumnName, start: number, end: number): Int32Array {
    let column = this.columns.get(name);
    if (column === undefined) {
      const count = this.counts!.columns[name];
      column = { values: new Int32Array(count), ready: new Uint8Array(chunkCount(count, this.head!.cv)) };
      this.columns.set(name, column);
    }
    if (!(start >= 0 && start <= end && end <= column.values.length)) fail(`range of column ${name}`);
    if (start === end) return column.values;
    const cv = this.head!.cv;
    for (let j = Math.floor(start / cv), last = Math.floor((end - 1) / cv); j <= last; j++) if (column.ready[j] === 0) this.chunk(name, j, column);
    return column.values;
  }

  private chunk(name: IntColumnName, j: number, column: ChunkedColumn): void {
    const section = `${name}:${j}`;
    if (this.refused.has(section)) fail(`section ${section}`);
    const bytes = this.section(section);
    const cv = this.head!.cv;
    const start = j * cv;
    const count = Math.min(cv, column.values.length - start);
    this.shaped(section, () => {
      if (bytes.byteLength !== count * 4) fail(`length of section ${section}`);
      let values: Int32Array;
      if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) values = new Int32Array(bytes.buffer, bytes.byteOffset, count);
      else {
        values = new Int32Array(count);
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let i = 0; i < count; i++) values[i] = view.getInt32(i * 4, true);
      }
      checkChunk(name, j, values, this.counts!, this.head!);
      column.values.set(values, start);
    });
    // Its values are in the column now: the bytes are not kept twice.
    this.checked.set(section, NO_BYTES);
    column.ready[j] = 1;
  }

  /** The pairs of a sparse column that may be those of properties [firstId, endId): only the chunks that may hold them are read. */
  private pairs(name: SparseColumnName, firstId: number, endId: number): { column: IntColumn; firstPair: number; endPair: number } {
    const firsts = this.head!.pf[name];
    if (firsts.length === 0 || endId <= firstId || endId - 1 < firsts[0]) return { column: NO_VALUES, firstPair: 0, endPair: 0 };
    const cv = this.head!.cv;
    const start = (firstId < firsts[0] ? 0 : blockOf(firsts, firstId)) * cv;
    const end = Math.min(this.counts!.columns[name], (blockOf(firsts, endId - 1) + 1) * cv);
    return { column: this.column(name, start, end), firstPair: start / 2, endPair: end / 2 };
  }

  private str(id: number): string {
    const known = this.strings.get(id);
    if (known !== undefined) return known;
    if (!(id >= 0 && id < this.head!.S)) fail('string index');
    const text = this.text(id, 's', this.head!.sb, this.head!.S, this.stringBlocks);
    this.strings.set(id, text);
    return text;
  }

  private value(id: number): Annotation['value'] {
    const known = this.values.get(id);
    if (known !== undefined) return known;
    if (!(id >= 0 && id < this.head!.V)) fail('annotation value index');
    const block = blockOf(this.head!.vb, id);
    const value = this.shaped(`v${block}`, () => {
      try {
        return JSON.parse(this.text(id, 'v', this.head!.vb, this.head!.V, this.valueBlocks)) as Annotation['value'];
      } catch (error) {
        if (error instanceof CompactIndexError) throw error;
        fail(`annotation value ${id}`);
      }
    });
    this.values.set(id, value);
    return value;
  }

  /** Text `id` of a table in blocks (strings or values): its block is checked and read on first use. */
  private text(id: number, prefix: string, starts: number[], total: number, blocks: (BlockTexts | undefined)[]): string {
    const block = blockOf(starts, id);
    let texts = blocks[block];
    if (texts === undefined) {
      const name = `${prefix}${block}`;
      const bytes = this.section(name);
      const count = (block + 1 < starts.length ? starts[block + 1] : total) - starts[block];
      texts = this.shaped(name, () => readBlock(bytes, count));
      blocks[block] = texts;
    }
    const at = id - starts[block];
    return texts.text.slice(texts.offsets[at], texts.offsets[at + 1]);
  }
}

/**
 * The texts or values of a table read so far, by index, in pages of 1,024 entries made on first use: one array of
 * the table's length (115,613 strings on the 30 MB Dataverse document) took 3 ms of the warm start to make.
 */
class PagedCache<T> {
  private readonly pages: ((T | undefined)[] | undefined)[] = [];

  get(id: number): T | undefined {
    const page = this.pages[id >>> PAGE_BITS];
    return page === undefined ? undefined : page[id & PAGE_MASK];
  }

  set(id: number, value: T): void {
    const at = id >>> PAGE_BITS;
    let page = this.pages[at];
    if (page === undefined) {
      page = new Array<T | undefined>(1 << PAGE_BITS);
      this.pages[at] = page;
    }
    page[id & PAGE_MASK] = value;
  }
}

const PAGE_BITS = 10;
const PAGE_MASK = (1 << PAGE_BITS) - 1;

/** An integer column read from bytes a chunk at a time: its values, and which chunks are in (1) or not yet (0). */
interface ChunkedColumn {
  values: Int32Array;
  ready: Uint8Array;
}

const NO_BYTES = new Uint8Array(0);
const NO_VALUES = new Int32Array(0);

/** The column and first value of a chunk's section (`pn:3`), when the name is one of a chunk of the counts' columns. */
function chunkOf(section: string, counts: Counts, chunkValues: number): { column: IntColumnName; start: number } | undefined {
  const match = /^([a-z]+):(\d+)$/.exec(section);
  if (match === null || !(INT_COLUMNS as readonly string[]).includes(match[1])) return undefined;
  const column = match[1] as IntColumnName;
  const j = Number(match[2]);
  return j < chunkCount(counts.columns[column], chunkValues) ? { column, start: j * chunkValues } : undefined;
}

/** A block of texts read: its characters and where each text starts (and the last ends). */
interface BlockTexts {
  text: string;
  offsets: Uint32Array;
}

function checkBlockStarts(starts: unknown, total: number, what: string): void {
  if (!Array.isArray(starts) || (total > 0 && starts[0] !== 0)) fail(what);
  for (let i = 0; i < starts.length; i++) {
    const start: unknown = starts[i];
    if (!Number.isInteger(start) || (start as number) >= total || (i > 0 && !((start as number) > (starts[i - 1] as number)))) fail(what);
  }
}

/** The block holding text `id`: the last whose first text is at or before it. */
function blockOf(starts: number[], id: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (starts[middle] <= id) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** A block of `count` texts, its shape checked (throws CompactIndexError). */
function readBlock(bytes: Uint8Array, count: number): BlockTexts {
  if (bytes.byteLength < 8 + 4 * (count + 1)) fail('block length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== count) fail('block count');
  const encoding = view.getUint32(4, true);
  if (encoding !== LATIN1 && encoding !== UTF16) fail('block encoding');
  const offsets = new Uint32Array(count + 1);
  for (let i = 0; i <= count; i++) offsets[i] = view.getUint32(8 + 4 * i, true);
  const textStart = 8 + 4 * (count + 1);
  const textBytes = bytes.byteLength - textStart;
  const chars = encoding === UTF16 ? textBytes / 2 : textBytes;
  if (!Number.isInteger(chars) || offsets[0] !== 0 || offsets[count] !== chars) fail('block offsets');
  for (let i = 1; i <= count; i++) if (offsets[i] < offsets[i - 1]) fail('block offsets');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + textStart, textBytes).toString(encoding === UTF16 ? 'utf16le' : 'latin1');
  return { text, offsets };
}

/**
 * The compact index in bytes made by compactIndexToBytes, its sections checked by `check` on their first use
 * (none when absent: bytes this process made). Throws CompactIndexError when the bytes are not framed so.
 * The index keeps the bytes (its sections are read from them as used).
 */
export function compactIndexFromBytes(source: Uint8Array | IndexBytesSource, check?: SectionCheck): CompactIndexBytes {
  return new CompactIndexBytes(source, check);
}
