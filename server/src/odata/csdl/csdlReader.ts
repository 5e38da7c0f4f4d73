/**
 * CSDL XML reader: EDMX/CSDL 4.0 and 4.01 text -> CsdlDocument.
 *
 * Streaming: one pass of the fast scanner (xmlScanner.ts) over a well-formed document, else of saxes
 * (namespaces on), which also diagnoses malformed XML; the model is built directly from the events; no DOM.
 * Aliases (schema `Alias` and `edmx:Include Alias`) are resolved in every qualified name the reader
 * stores: type references, base types, terms, annotation targets, enum member paths, record types,
 * binding paths and targets, import targets. Aliases are collected by a cheap pre-scan before the
 * pass, so a schema may use an alias declared further down the document.
 *
 * Never throws: malformed XML stops the pass with an `xml-malformed` error (everything read before
 * it is kept), a non-EDMX document gives `not-edmx`, elements without their required attributes are
 * skipped with `missing-attribute`.
 *
 * Pure: no I/O.
 */
import { SaxesParser, type SaxesTagNS, type SaxesAttributeNS, type SaxesStartTagNS } from 'saxes';
import { XmlScanner, type ScanHandler, type ScannedTag, type SkippedBody } from './xmlScanner';
import type {
  ActionImport,
  Annotation,
  AnnotationValue,
  AnnotationsBlock,
  CsdlDocument,
  CsdlError,
  CsdlErrorCode,
  EntityContainer,
  EntitySet,
  EnumMember,
  EnumType,
  FunctionImport,
  NavigationProperty,
  Operation,
  Parameter,
  Property,
  Reference,
  Schema,
  Singleton,
  StructuredType,
  Term,
  TypeDefinition,
  TypeRef,
  XmlPosition,
} from './model';

export const EDMX_NS = 'http://docs.oasis-open.org/odata/ns/edmx';
export const EDM_NS = 'http://docs.oasis-open.org/odata/ns/edm';

// Element kinds on the context stack.
const K_NONE = 0;
const K_IGNORE = 1;
const K_EDMX = 2;
const K_REFERENCE = 3;
const K_DATASERVICES = 4;
const K_SCHEMA = 5;
const K_STRUCTURED = 6; // EntityType, ComplexType
const K_KEY = 7;
const K_PROPERTY = 8;
const K_NAVPROP = 9;
const K_ENUMTYPE = 10;
const K_MEMBER = 11;
const K_TYPEDEF = 12;
const K_OPERATION = 13;
const K_PARAMETER = 14;
const K_CONTAINER = 15;
const K_ENTITYSET = 16; // EntitySet, Singleton
const K_IMPORT = 17;
const K_TERM = 18;
const K_ANNOTATIONS = 19;
const K_ANNOTATION = 20;
const K_RECORD = 21;
const K_PROPERTYVALUE = 22;
const K_COLLECTION = 23;
const K_CONSTANT = 24; // String, Int, ... elements: value from text
const K_LEAF = 25; // elements read completely from attributes (PropertyRef, Include, ...), children ignored

/** How a constant expression's text becomes a value. */
const C_STRING = 0;
const C_BOOL = 1;
const C_NUMBER = 2;
const C_ENUM = 3;
const C_PATH = 4;
const C_NULL = 5;

const CONSTANT_ELEMENTS = new Map<string, number>([
  ['String', C_STRING],
  ['Bool', C_BOOL],
  ['Int', C_NUMBER],
  ['Decimal', C_NUMBER],
  ['Float', C_NUMBER],
  ['Date', C_STRING],
  ['DateTimeOffset', C_STRING],
  ['Duration', C_STRING],
  ['Guid', C_STRING],
  ['TimeOfDay', C_STRING],
  ['Binary', C_STRING],
  ['EnumMember', C_ENUM],
  ['Path', C_PATH],
  ['PropertyPath', C_PATH],
  ['NavigationPropertyPath', C_PATH],
  ['AnnotationPath', C_PATH],
  ['ModelElementPath', C_PATH],
  ['LabeledElementReference', C_PATH],
  ['Null', C_NULL],
]);

/** Constant-expression attribute names, most frequent first. */
const CONSTANT_ATTRIBUTES = [
  'String',
  'Bool',
  'EnumMember',
  'Int',
  'PropertyPath',
  'NavigationPropertyPath',
  'Path',
  'Decimal',
  'Float',
  'Date',
  'DateTimeOffset',
  'Duration',
  'Guid',
  'TimeOfDay',
  'Binary',
  'AnnotationPath',
  'ModelElementPath',
] as const;

type Attrs = Record<string, SaxesAttributeNS>;

interface PropertyValueFrame {
  record: Record<string, AnnotationValue>;
  property: string;
}

interface TypeName {
  name: string;
  collection: boolean;
}

/** Thrown from inside saxes callbacks to stop the pass; never escapes readCsdl. */
class StopParsing {}
const STOP = new StopParsing();

/** Read an EDMX (CSDL XML) document. Never throws; problems are in `errors`. */
export function readCsdl(xml: string): CsdlDocument {
  const doc = precheck(xml);
  if (doc.errors.length > 0) return doc;
  if (new Reader(xml, doc).runFast()) return doc;
  return readCsdlWithSaxes(xml);
}

/** `readCsdl` with the general XML parser only (no fast scanner): the reference the fast path is tested against. */
export function readCsdlWithSaxes(xml: string): CsdlDocument {
  const doc = precheck(xml);
  if (doc.errors.length === 0) new Reader(xml, doc).run();
  return doc;
}

/**
 * `readCsdl` in slices of `sliceLength` characters, awaiting `pause()` between slices so that the host
 * (the language server) keeps answering while a large document is read. Same result as `readCsdl`.
 */
export async function readCsdlIncrementally(xml: string, pause: () => Promise<void>, sliceLength = 1 << 19): Promise<CsdlDocument> {
  const slice = Math.max(1, sliceLength);
  const doc = precheck(xml);
  if (doc.errors.length > 0) return doc;
  if (await new Reader(xml, doc).runFastIncrementally(pause, slice)) return doc;
  const again = precheck(xml);
  await new Reader(xml, again).runIncrementally(pause, slice);
  return again;
}

/** What a structured type holds in its content: what `readCsdlLazily` reads on first use. */
export type StructuredMembers = Pick<StructuredType, 'key' | 'properties' | 'navigationProperties' | 'annotations'>;

export interface LazyReadOptions {
  /**
   * Called once when the content of a type, read on first use, turns out not to be well-formed: what was
   * read of it is used, and the caller should read the document again with `readCsdl`/`readCsdlIncrementally`
   * for the exact error and its position.
   */
  onBroken?: (message: string) => void;
}

/** The readers of the types `readCsdlLazily` has not read yet. */
const unreadMembers = new WeakMap<StructuredType, () => StructuredMembers>();

/**
 * `readCsdlIncrementally`, except that the content of every EntityType and ComplexType (its key,
 * properties, navigation properties and annotations) is read on first use, from the text it keeps: the
 * first pass reads only the document's skeleton, a fraction of the work on a large document.
 *
 * The document is the same as `readCsdl`'s once every type is read, with two differences in `errors`:
 * problems inside a type's content are added when it is read, and content that is not well-formed XML
 * is reported through `onBroken` (the pass over the skeleton checks only that the document's outline is).
 * `peekStructuredMembers` reads a type's content without keeping it (to encode a cache, say).
 */
export async function readCsdlLazily(
  xml: string,
  pause: () => Promise<void>,
  options: LazyReadOptions = {},
  sliceLength = 1 << 19,
): Promise<CsdlDocument> {
  const slice = Math.max(1, sliceLength);
  const doc = precheck(xml);
  if (doc.errors.length > 0) return doc;
  const reader = new Reader(xml, doc);
  reader.lazyTypes = options.onBroken ?? ((): void => undefined);
  if (await reader.runFastIncrementally(pause, slice)) return doc;
  const again = precheck(xml);
  await new Reader(xml, again).runIncrementally(pause, slice);
  return again;
}

/**
 * The members of a structured type: the type's own when they are read (always, but for a type of
 * `readCsdlLazily` not used yet), else read now from its text without keeping them on the type.
 */
export function peekStructuredMembers(type: StructuredType): StructuredMembers {
  const read = unreadMembers.get(type);
  return read !== undefined ? read() : type;
}

/** A fresh document, with an error already when the input cannot be CSDL XML at all. */
function precheck(xml: string): CsdlDocument {
  const doc: CsdlDocument = { version: '', references: [], schemas: [], errors: [] };
  if (typeof xml !== 'string') {
    doc.errors.push(makeError('not-edmx', 'The metadata document is not text.', undefined, 'error'));
    return doc;
  }
  const first = firstNonSpace(xml);
  if (first < 0) {
    doc.errors.push(makeError('not-edmx', 'The metadata document is empty.', undefined, 'error'));
    return doc;
  }
  const c0 = xml.charCodeAt(first);
  if (c0 === 0x7b /* { */ || c0 === 0x5b /* [ */) {
    doc.errors.push(
      makeError(
        'not-edmx',
        'The document looks like JSON; expected CSDL XML (an edmx:Edmx document as served by $metadata).',
        { line: 1, column: first + 1, offset: first },
        'error',
      ),
    );
  }
  return doc;
}

function makeError(code: CsdlErrorCode, message: string, position: XmlPosition | undefined, severity: 'error' | 'warning'): CsdlError {
  const e: CsdlError = { code, message, severity };
  if (position) e.position = position;
  return e;
}

function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return i;
  }
  return -1;
}

function parseBool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (v === 'true') return true;
  if (v === 'false') return false;
  const l = v.trim().toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : dflt;
}

function parseNonNegInt(v: string): number | undefined {
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

const MEMBER_KEYS = ['key', 'properties', 'navigationProperties', 'annotations'] as const;

class Reader {
  private readonly parser: SaxesParser<{ xmlns: true }>;
  /** Set (to the broken-content callback) when types' content is read on first use: see readCsdlLazily. */
  lazyTypes: ((message: string) => void) | undefined;
  /** Set by opening a type whose content is to be skipped; read by the scanner handler. */
  private skipContent = false;
  private handler: ScanHandler | undefined;
  private brokenReported = false;
  private readonly kinds: number[] = [];
  private readonly objs: unknown[] = [];
  private depth = 0;

  /** alias -> namespace */
  private readonly aliases = new Map<string, string>();
  /** raw qualified name -> alias-resolved (interned) */
  private readonly qnames = new Map<string, string>();
  /** raw type attribute -> resolved name + collection flag */
  private readonly typeNames = new Map<string, TypeName>();

  private schema: Schema | undefined;
  private schemaBlock: AnnotationsBlock | undefined;

  // Start of the element being opened (from opentagstart).
  private startLine = 1;
  private startColumn = 1;
  private startOffset = 0;

  private collecting = false;
  private text = '';
  private readonly onText = (t: string): void => {
    this.text += t;
  };

  constructor(
    private readonly xml: string,
    private doc: CsdlDocument,
  ) {
    this.parser = new SaxesParser({ xmlns: true });
  }

  /** True once the fast scanner drives the reader (saxes is then not used). */
  private fast = false;

  private scanner(): XmlScanner {
    this.fast = true;
    this.prescanAliases();
    const handler: ScanHandler = {
      collecting: false,
      open: (tag: ScannedTag, offset: number, line: number, column: number) => {
        this.startOffset = offset;
        this.startLine = line;
        this.startColumn = column;
        this.onOpen(tag as unknown as SaxesTagNS);
        const skip = this.skipContent;
        this.skipContent = false;
        return skip;
      },
      close: () => this.onClose(),
      text: (text: string) => {
        this.text += text;
      },
      skipped: (body: SkippedBody) => this.deferMembers(this.objs[this.depth - 1] as StructuredType, this.schema!, body),
    };
    Object.defineProperty(handler, 'collecting', { get: () => this.collecting });
    this.handler = handler;
    return new XmlScanner(this.xml, handler);
  }

  // ---------------------------------------------------------------- types read on first use

  /** Make the members of `type` (content skipped by the scanner) read from `body` on first use. */
  private deferMembers(type: StructuredType, schema: Schema, body: SkippedBody): void {
    let errorsReported = false;
    const read = (into: StructuredMembers): void => {
      const ok = this.readMembers(into, schema, body, errorsReported ? [] : this.doc.errors);
      errorsReported = true;
      if (!ok && !this.brokenReported) {
        this.brokenReported = true;
        this.lazyTypes?.(`The content of ${type.kind} ${type.fullName} is not well-formed XML.`);
      }
    };
    const materialize = (): void => {
      unreadMembers.delete(type);
      for (const key of MEMBER_KEYS) {
        // No Key element, no `key` (as the one-pass read leaves it).
        if (key === 'key') delete type.key;
        else Object.defineProperty(type, key, { value: [], writable: true, enumerable: true, configurable: true });
      }
      read(type);
    };
    for (const key of MEMBER_KEYS) {
      Object.defineProperty(type, key, {
        configurable: true,
        enumerable: true,
        get(this: StructuredType) {
          materialize();
          return this[key];
        },
        set(this: StructuredType, value: unknown) {
          materialize();
          Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
        },
      });
    }
    unreadMembers.set(type, () => {
      const members: StructuredMembers = { key: undefined, properties: [], navigationProperties: [], annotations: [] };
      read(members);
      return members;
    });
  }

  /**
   * Read a skipped type content into `into`, as the document pass would have (errors go to `errors`).
   * False when the content is not well-formed (what was read before the problem is kept).
   */
  private readMembers(into: StructuredMembers, schema: Schema, body: SkippedBody, errors: CsdlError[]): boolean {
    // The reader's own state is set aside and put back, so a type may be read at any moment.
    const saved = {
      kinds: this.kinds.splice(0),
      objs: this.objs.splice(0),
      depth: this.depth,
      collecting: this.collecting,
      text: this.text,
      schema: this.schema,
      schemaBlock: this.schemaBlock,
      doc: this.doc,
    };
    this.depth = 0;
    this.collecting = false;
    this.text = '';
    this.schemaBlock = undefined;
    this.doc = { ...saved.doc, errors };
    this.schema = schema;
    this.push(K_SCHEMA, schema);
    this.push(K_STRUCTURED, into);
    try {
      return XmlScanner.fragment(this.xml, this.handler!, body).step(Infinity) === 'done';
    } catch {
      return false;
    } finally {
      this.kinds.length = 0;
      this.objs.length = 0;
      this.kinds.push(...saved.kinds);
      this.objs.push(...saved.objs);
      this.depth = saved.depth;
      this.collecting = saved.collecting;
      this.text = saved.text;
      this.schema = saved.schema;
      this.schemaBlock = saved.schemaBlock;
      this.doc = saved.doc;
    }
  }

  /** Read with the fast scanner; false when it cannot (the document must then be read with saxes, afresh). */
  runFast(): boolean {
    const scanner = this.scanner();
    try {
      if (scanner.step(Infinity) === 'bail') return false;
    } catch (e) {
      if (e !== STOP) return false;
      this.stopped = true;
    }
    this.finish();
    return true;
  }

  async runFastIncrementally(pause: () => Promise<void>, sliceLength: number): Promise<boolean> {
    const scanner = this.scanner();
    try {
      // One pause per slice of the text, as with saxes.
      for (let until = sliceLength; ; until += sliceLength) {
        const state = scanner.step(until);
        if (state === 'bail') return false;
        await pause();
        if (state === 'done' && until >= this.xml.length) break;
      }
    } catch (e) {
      if (e !== STOP) return false;
      this.stopped = true;
    }
    this.finish();
    return true;
  }

  run(): void {
    this.start();
    this.feed(this.xml);
    this.finish();
  }

  /**
   * The same pass in slices of the text, pausing between them (`pause` is the host's way of yielding,
   * e.g. setImmediate), so a server keeps answering requests while a 30 MB document is read.
   */
  async runIncrementally(pause: () => Promise<void>, sliceLength: number): Promise<void> {
    this.start();
    for (let at = 0; at < this.xml.length && !this.stopped; at += sliceLength) {
      this.feed(this.xml.slice(at, at + sliceLength));
      await pause();
    }
    this.finish();
  }

  private stopped = false;

  private start(): void {
    const p = this.parser;
    this.prescanAliases();
    p.on('opentagstart', (t) => this.onOpenStart(t));
    p.on('opentag', (t) => this.onOpen(t));
    p.on('closetag', () => this.onClose());
    p.on('cdata', (t) => {
      if (this.collecting) this.text += t;
    });
    p.on('error', (err) => {
      const message = err.message.replace(/^\d+:\d+: /, '');
      const pos: XmlPosition = { line: p.line, column: p.column, offset: Math.max(0, p.position - 1) };
      this.doc.errors.push(makeError('xml-malformed', `Malformed XML: ${message}`, pos, 'error'));
      throw STOP;
    });
  }

  private feed(text: string): void {
    if (this.stopped) return;
    try {
      this.parser.write(text);
    } catch (e) {
      this.stop(e);
    }
  }

  private finish(): void {
    if (!this.stopped && !this.fast) {
      try {
        this.parser.close();
      } catch (e) {
        this.stop(e);
      }
    }
    if (this.doc.schemas.length === 0 && this.doc.errors.length === 0) {
      this.doc.errors.push(makeError('not-edmx', 'The document declares no schema (no edmx:DataServices/Schema).', undefined, 'warning'));
    }
  }

  private stop(e: unknown): void {
    this.stopped = true;
    if (e !== STOP) {
      const msg = e instanceof Error ? e.message : String(e);
      this.doc.errors.push(makeError('xml-malformed', `Could not read the metadata document: ${msg}`, this.currentPosition(), 'error'));
    }
  }

  // ---------------------------------------------------------------- aliases

  /**
   * Collect every `Schema`/`Include` Namespace+Alias pair before the pass, so that names using an alias
   * declared later in the document resolve too. Scans for the few `Alias="` occurrences only.
   */
  private prescanAliases(): void {
    const xml = this.xml;
    let i = xml.indexOf('Alias=');
    while (i >= 0) {
      // Find the start of the tag holding this attribute.
      const lt = xml.lastIndexOf('<', i);
      const gt = xml.indexOf('>', i);
      if (lt >= 0 && gt > i) {
        let nameEnd = lt + 1;
        while (nameEnd < gt) {
          const c = xml.charCodeAt(nameEnd);
          if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x2f) break;
          nameEnd++;
        }
        const tagName = xml.slice(lt + 1, nameEnd);
        const local = tagName.slice(tagName.indexOf(':') + 1);
        if (local === 'Schema' || local === 'Include') {
          const head = xml.slice(nameEnd, gt);
          const ns = attrFromText(head, 'Namespace');
          const alias = attrFromText(head, 'Alias');
          if (ns && alias && !this.aliases.has(alias)) this.aliases.set(alias, ns);
        }
      }
      i = xml.indexOf('Alias=', i + 6);
    }
  }

  private addAlias(alias: string | undefined, ns: string): void {
    if (!alias || this.aliases.get(alias) === ns) return;
    this.aliases.set(alias, ns);
    this.qnames.clear();
    this.typeNames.clear();
  }

  /** Resolve the alias of a qualified name (`mscrm.account` -> `Microsoft.Dynamics.CRM.account`). Interned. */
  private q(raw: string): string {
    const hit = this.qnames.get(raw);
    if (hit !== undefined) return hit;
    let result = raw;
    const dot = raw.lastIndexOf('.');
    if (dot > 0) {
      const ns = this.aliases.get(raw.slice(0, dot));
      if (ns !== undefined) result = ns + raw.slice(dot);
    }
    this.qnames.set(raw, result);
    return result;
  }

  private typeName(raw: string): TypeName {
    let t = this.typeNames.get(raw);
    if (t === undefined) {
      const s = raw.trim();
      if (s.startsWith('Collection(') && s.endsWith(')')) {
        t = { name: this.q(s.slice(11, -1).trim()), collection: true };
      } else {
        t = { name: this.q(s), collection: false };
      }
      this.typeNames.set(raw, t);
    }
    return t;
  }

  /**
   * Resolve aliases inside a path / target expression: `mscrm.account/name`,
   * `Alias.Container/Set`, `Alias.Action(Alias.T,Collection(Alias.U))/Param`, `Alias.Type/nav@Alias.Term`.
   */
  private qPath(path: string): string {
    if (path.indexOf('.') < 0) return path;
    let out = '';
    let i = 0;
    const n = path.length;
    while (i < n) {
      // Read a name token (anything up to a delimiter).
      let j = i;
      while (j < n) {
        const c = path.charCodeAt(j);
        // / ( ) , @ # space
        if (c === 0x2f || c === 0x28 || c === 0x29 || c === 0x2c || c === 0x40 || c === 0x23 || c === 0x20) break;
        j++;
      }
      if (j > i) {
        const token = path.slice(i, j);
        out += token === 'Collection' || token.indexOf('.') < 0 ? token : this.q(token);
      }
      if (j < n) out += path[j];
      i = j + 1;
    }
    return out;
  }

  /** Resolve aliases in an EnumMember value: `Core.Permission/Read Core.Permission/Insert`. */
  private qEnum(v: string): string {
    const s = v.trim();
    if (s.indexOf('.') < 0) return s;
    const parts = s.split(/\s+/);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      const slash = p.indexOf('/');
      parts[i] = slash > 0 ? this.q(p.slice(0, slash)) + p.slice(slash) : this.q(p);
    }
    return parts.join(' ');
  }

  // ---------------------------------------------------------------- positions / errors

  private onOpenStart(tag: SaxesStartTagNS): void {
    const p = this.parser;
    const n = tag.name.length;
    this.startOffset = p.position - n - 2;
    const col = p.column - n - 1;
    if (col >= 1) {
      this.startLine = p.line;
      this.startColumn = col;
    } else {
      // The character that ended the name was a newline: the tag started on the previous line.
      this.startLine = p.line - 1;
      this.startColumn = this.startOffset - this.xml.lastIndexOf('\n', this.startOffset - 1);
    }
  }

  private pos(): XmlPosition {
    return { line: this.startLine, column: this.startColumn, offset: this.startOffset };
  }

  private currentPosition(): XmlPosition {
    const p = this.parser;
    return { line: p.line, column: p.column, offset: Math.max(0, p.position - 1) };
  }

  private missing(element: string, attribute: string, severity: 'error' | 'warning' = 'error'): void {
    this.doc.errors.push(
      makeError('missing-attribute', `${element} is missing its required ${attribute} attribute; it is skipped.`, this.pos(), severity),
    );
  }

  // ---------------------------------------------------------------- stack

  private push(kind: number, obj: unknown): void {
    this.kinds.push(kind);
    this.objs.push(obj);
    this.depth++;
  }

  private startText(): void {
    this.collecting = true;
    this.text = '';
    if (!this.fast) this.parser.on('text', this.onText);
  }

  // ---------------------------------------------------------------- open

  private onOpen(tag: SaxesTagNS): void {
    const depth = this.depth;
    const parentKind = depth === 0 ? K_NONE : this.kinds[depth - 1];
    if (parentKind === K_IGNORE || parentKind === K_LEAF || parentKind === K_CONSTANT) {
      this.push(K_IGNORE, null);
      return;
    }
    const local = tag.local;
    const a = tag.attributes as Attrs;
    if (local === 'Annotation' && depth > 1) {
      this.openAnnotation(parentKind, this.objs[depth - 1], a);
      return;
    }
    const parent = depth === 0 ? null : this.objs[depth - 1];
    switch (parentKind) {
      case K_NONE:
        return this.openRoot(tag, a);
      case K_EDMX:
        if (local === 'DataServices') return this.push(K_DATASERVICES, null);
        if (local === 'Reference') return this.openReference(a);
        break;
      case K_REFERENCE:
        return this.openReferenceChild(local, parent as Reference, a);
      case K_DATASERVICES:
        if (local === 'Schema') return this.openSchema(a);
        break;
      case K_SCHEMA:
        return this.openSchemaChild(local, parent as Schema, a);
      case K_STRUCTURED:
        return this.openStructuredChild(local, parent as StructuredType, a);
      case K_KEY:
        if (local === 'PropertyRef') {
          const name = a.Name?.value;
          if (name === undefined) {
            this.missing('PropertyRef', 'Name');
          } else {
            const key = (parent as StructuredType).key!;
            const alias = a.Alias?.value;
            key.push(alias !== undefined ? { name, alias } : { name });
          }
          return this.push(K_LEAF, null);
        }
        break;
      case K_NAVPROP:
        if (local === 'ReferentialConstraint') {
          const property = a.Property?.value;
          const referencedProperty = a.ReferencedProperty?.value;
          if (property === undefined || referencedProperty === undefined) {
            this.missing('ReferentialConstraint', property === undefined ? 'Property' : 'ReferencedProperty', 'warning');
          } else {
            (parent as NavigationProperty).referentialConstraints.push({ property, referencedProperty });
          }
          return this.push(K_LEAF, null);
        }
        if (local === 'OnDelete') {
          const action = a.Action?.value;
          if (action !== undefined) (parent as NavigationProperty).onDelete = action;
          return this.push(K_LEAF, null);
        }
        break;
      case K_ENUMTYPE:
        if (local === 'Member') return this.openMember(parent as EnumType, a);
        break;
      case K_OPERATION:
        if (local === 'Parameter') return this.openParameter(parent as Operation, a);
        if (local === 'ReturnType') {
          const t = a.Type?.value;
          if (t === undefined) this.missing('ReturnType', 'Type', 'warning');
          else (parent as Operation).returnType = this.typeRef(t, a);
          return this.push(K_LEAF, null);
        }
        break;
      case K_CONTAINER:
        return this.openContainerChild(local, parent as EntityContainer, a);
      case K_ENTITYSET:
        if (local === 'NavigationPropertyBinding') {
          const path = a.Path?.value;
          const target = a.Target?.value;
          if (path === undefined || target === undefined) {
            this.missing('NavigationPropertyBinding', path === undefined ? 'Path' : 'Target', 'warning');
          } else {
            (parent as EntitySet).navigationPropertyBindings.push({ path: this.qPath(path), target: this.qPath(target) });
          }
          return this.push(K_LEAF, null);
        }
        break;
      case K_ANNOTATION:
      case K_PROPERTYVALUE:
      case K_COLLECTION:
        return this.openExpression(local, parentKind, parent, a);
      case K_RECORD:
        if (local === 'PropertyValue') {
          const property = a.Property?.value;
          const rec = (parent as { $record: Record<string, AnnotationValue> }).$record;
          if (property === undefined) {
            this.missing('PropertyValue', 'Property', 'warning');
            return this.push(K_IGNORE, null);
          }
          const frame: PropertyValueFrame = { record: rec, property };
          const v = this.constantFromAttributes(a);
          // No value: a Boolean property value defaults to true (as for tag terms).
          rec[property] = v === undefined ? true : v;
          return this.push(K_PROPERTYVALUE, frame);
        }
        break;
      default:
        break;
    }
    this.push(K_IGNORE, null);
  }

  private openRoot(tag: SaxesTagNS, a: Attrs): void {
    const local = tag.local;
    if (local === 'Edmx' && tag.uri === EDMX_NS) {
      const version = a.Version?.value ?? '';
      this.doc.version = version;
      if (version !== '4.0' && version !== '4.01') {
        this.doc.errors.push(
          makeError('unsupported-version', `Unsupported EDMX version "${version}"; reading it as CSDL 4.01.`, this.pos(), 'warning'),
        );
      }
      this.push(K_EDMX, null);
      return;
    }
    if (local === 'Edmx') {
      this.doc.errors.push(
        makeError(
          'unsupported-version',
          `Unsupported EDMX namespace "${tag.uri ?? ''}" (OData v2/v3 metadata); only OData v4 CSDL is supported.`,
          this.pos(),
          'error',
        ),
      );
      throw STOP;
    }
    if (local === 'Schema' && tag.uri === EDM_NS) {
      // A bare CSDL schema without the edmx wrapper: read it, but say so.
      this.doc.errors.push(makeError('not-edmx', 'The document is a bare CSDL Schema without edmx:Edmx; reading it anyway.', this.pos(), 'warning'));
      this.doc.version = '4.0';
      this.push(K_DATASERVICES, null);
      this.openSchema(a);
      // Keep the stack balanced: the Schema's close pops the schema frame; the virtual DataServices
      // frame stays underneath, harmless at the end of the document.
      return;
    }
    this.doc.errors.push(
      makeError('not-edmx', `Not an OData metadata document: the root element is <${tag.name}>, expected <edmx:Edmx>.`, this.pos(), 'error'),
    );
    throw STOP;
  }

  private openReference(a: Attrs): void {
    const ref: Reference = { uri: a.Uri?.value ?? '', includes: [], includeAnnotations: [] };
    if (a.Uri === undefined) this.missing('edmx:Reference', 'Uri', 'warning');
    this.doc.references.push(ref);
    this.push(K_REFERENCE, ref);
  }

  private openReferenceChild(local: string, ref: Reference, a: Attrs): void {
    if (local === 'Include') {
      const ns = a.Namespace?.value;
      if (ns === undefined) {
        this.missing('edmx:Include', 'Namespace');
      } else {
        const alias = a.Alias?.value;
        ref.includes.push(alias !== undefined ? { namespace: ns, alias } : { namespace: ns });
        this.addAlias(alias, ns);
      }
      return this.push(K_LEAF, null);
    }
    if (local === 'IncludeAnnotations') {
      const termNamespace = a.TermNamespace?.value;
      if (termNamespace === undefined) {
        this.missing('edmx:IncludeAnnotations', 'TermNamespace', 'warning');
      } else {
        const inc: { termNamespace: string; qualifier?: string; targetNamespace?: string } = { termNamespace };
        const qualifier = a.Qualifier?.value;
        const targetNamespace = a.TargetNamespace?.value;
        if (qualifier !== undefined) inc.qualifier = qualifier;
        if (targetNamespace !== undefined) inc.targetNamespace = targetNamespace;
        ref.includeAnnotations.push(inc);
      }
      return this.push(K_LEAF, null);
    }
    this.push(K_IGNORE, null);
  }

  private openSchema(a: Attrs): void {
    const ns = a.Namespace?.value;
    if (ns === undefined) {
      this.missing('Schema', 'Namespace');
      this.push(K_IGNORE, null);
      return;
    }
    const alias = a.Alias?.value;
    const schema: Schema = {
      namespace: ns,
      entityTypes: [],
      complexTypes: [],
      enumTypes: [],
      typeDefinitions: [],
      operations: [],
      terms: [],
      annotations: [],
    };
    if (alias !== undefined) schema.alias = alias;
    this.addAlias(alias, ns);
    this.doc.schemas.push(schema);
    this.schema = schema;
    this.schemaBlock = undefined;
    this.push(K_SCHEMA, schema);
  }

  private openSchemaChild(local: string, schema: Schema, a: Attrs): void {
    switch (local) {
      case 'EntityType':
      case 'ComplexType': {
        const name = a.Name?.value;
        if (name === undefined) {
          this.missing(local, 'Name');
          break;
        }
        const t: StructuredType = {
          kind: local,
          name,
          namespace: schema.namespace,
          fullName: schema.namespace + '.' + name,
          abstract: parseBool(a.Abstract?.value, false),
          openType: parseBool(a.OpenType?.value, false),
          hasStream: parseBool(a.HasStream?.value, false),
          properties: [],
          navigationProperties: [],
          annotations: [],
          position: this.pos(),
        };
        const base = a.BaseType?.value;
        if (base !== undefined) t.baseType = this.q(base.trim());
        if (local === 'EntityType') schema.entityTypes.push(t);
        else schema.complexTypes.push(t);
        if (this.lazyTypes !== undefined && this.fast) this.skipContent = true;
        return this.push(K_STRUCTURED, t);
      }
      case 'EnumType': {
        const name = a.Name?.value;
        if (name === undefined) {
          this.missing(local, 'Name');
          break;
        }
        const t: EnumType = {
          kind: 'EnumType',
          name,
          namespace: schema.namespace,
          fullName: schema.namespace + '.' + name,
          underlyingType: a.UnderlyingType ? this.q(a.UnderlyingType.value.trim()) : 'Edm.Int32',
          isFlags: parseBool(a.IsFlags?.value, false),
          members: [],
          annotations: [],
          position: this.pos(),
        };
        schema.enumTypes.push(t);
        return this.push(K_ENUMTYPE, t);
      }
      case 'TypeDefinition': {
        const name = a.Name?.value;
        const ut = a.UnderlyingType?.value;
        if (name === undefined || ut === undefined) {
          this.missing(local, name === undefined ? 'Name' : 'UnderlyingType');
          break;
        }
        const t: TypeDefinition = {
          kind: 'TypeDefinition',
          name,
          namespace: schema.namespace,
          fullName: schema.namespace + '.' + name,
          underlyingType: this.typeRef(ut, a),
          annotations: [],
          position: this.pos(),
        };
        schema.typeDefinitions.push(t);
        return this.push(K_TYPEDEF, t);
      }
      case 'Action':
      case 'Function': {
        const name = a.Name?.value;
        if (name === undefined) {
          this.missing(local, 'Name');
          break;
        }
        const op: Operation = {
          kind: local,
          name,
          namespace: schema.namespace,
          fullName: schema.namespace + '.' + name,
          isBound: parseBool(a.IsBound?.value, false),
          isComposable: parseBool(a.IsComposable?.value, false),
          parameters: [],
          annotations: [],
          position: this.pos(),
        };
        const esp = a.EntitySetPath?.value;
        if (esp !== undefined) op.entitySetPath = esp;
        schema.operations.push(op);
        return this.push(K_OPERATION, op);
      }
      case 'EntityContainer': {
        const name = a.Name?.value;
        if (name === undefined) {
          this.missing(local, 'Name');
          break;
        }
        const c: EntityContainer = {
          name,
          namespace: schema.namespace,
          fullName: schema.namespace + '.' + name,
          entitySets: [],
          singletons: [],
          actionImports: [],
          functionImports: [],
          annotations: [],
        };
        const ext = a.Extends?.value;
        if (ext !== undefined) c.extends = this.q(ext.trim());
        if (schema.entityContainer === undefined) schema.entityContainer = c;
        else this.doc.errors.push(makeError('duplicate-name', `Schema ${schema.namespace} declares more than one EntityContainer.`, this.pos(), 'warning'));
        return this.push(K_CONTAINER, c);
      }
      case 'Term': {
        const name = a.Name?.value;
        const type = a.Type?.value;
        if (name === undefined || type === undefined) {
          this.missing(local, name === undefined ? 'Name' : 'Type');
          break;
        }
        const t: Term = {
          kind: 'Term',
          name,
          namespace: schema.namespace,
          fullName: schema.namespace + '.' + name,
          type: this.typeRef(type, a),
          annotations: [],
        };
        const baseTerm = a.BaseTerm?.value;
        if (baseTerm !== undefined) t.baseTerm = this.q(baseTerm.trim());
        const appliesTo = a.AppliesTo?.value;
        if (appliesTo !== undefined) t.appliesTo = appliesTo.split(/\s+/).filter((x) => x.length > 0);
        const dv = a.DefaultValue?.value;
        if (dv !== undefined) t.defaultValue = dv;
        schema.terms.push(t);
        return this.push(K_TERM, t);
      }
      case 'Annotations': {
        const target = a.Target?.value;
        if (target === undefined) {
          this.missing(local, 'Target');
          break;
        }
        const block: AnnotationsBlock = { target: this.qPath(target.trim()), annotations: [] };
        const qualifier = a.Qualifier?.value;
        if (qualifier !== undefined) block.qualifier = qualifier;
        schema.annotations.push(block);
        return this.push(K_ANNOTATIONS, block);
      }
      default:
        break;
    }
    this.push(K_IGNORE, null);
  }

  private openStructuredChild(local: string, t: StructuredType, a: Attrs): void {
    switch (local) {
      case 'Property': {
        const name = a.Name?.value;
        const type = a.Type?.value;
        if (name === undefined || type === undefined) {
          this.missing('Property', name === undefined ? 'Name' : 'Type');
          break;
        }
        const dv = a.DefaultValue?.value;
        const p: Property = {
          kind: 'Property',
          name,
          type: this.typeRef(type, a),
          annotations: [],
          position: this.pos(),
        };
        if (dv !== undefined) p.defaultValue = dv;
        t.properties.push(p);
        return this.push(K_PROPERTY, p);
      }
      case 'NavigationProperty': {
        const name = a.Name?.value;
        const type = a.Type?.value;
        if (name === undefined || type === undefined) {
          this.missing('NavigationProperty', name === undefined ? 'Name' : 'Type');
          break;
        }
        const tn = this.typeName(type);
        const nav: NavigationProperty = {
          kind: 'NavigationProperty',
          name,
          type: { name: tn.name, collection: tn.collection, nullable: parseBool(a.Nullable?.value, true) },
          containsTarget: parseBool(a.ContainsTarget?.value, false),
          referentialConstraints: [],
          annotations: [],
          position: this.pos(),
        };
        const partner = a.Partner?.value;
        if (partner !== undefined) nav.partner = partner;
        t.navigationProperties.push(nav);
        return this.push(K_NAVPROP, nav);
      }
      case 'Key':
        if (t.key === undefined) t.key = [];
        return this.push(K_KEY, t);
      default:
        break;
    }
    this.push(K_IGNORE, null);
  }

  private openMember(t: EnumType, a: Attrs): void {
    const name = a.Name?.value;
    if (name === undefined) {
      this.missing('Member', 'Name');
      this.push(K_IGNORE, null);
      return;
    }
    const raw = a.Value?.value;
    let value: number;
    if (raw !== undefined && raw.trim() !== '' && Number.isFinite(Number(raw))) {
      value = Number(raw);
    } else {
      const members = t.members;
      value = members.length === 0 ? 0 : members[members.length - 1].value + 1;
    }
    const m: EnumMember = { name, value, annotations: [] };
    t.members.push(m);
    this.push(K_MEMBER, m);
  }

  private openParameter(op: Operation, a: Attrs): void {
    const name = a.Name?.value;
    const type = a.Type?.value;
    if (name === undefined || type === undefined) {
      this.missing('Parameter', name === undefined ? 'Name' : 'Type');
      this.push(K_IGNORE, null);
      return;
    }
    const p: Parameter = { name, type: this.typeRef(type, a), annotations: [] };
    op.parameters.push(p);
    this.push(K_PARAMETER, p);
  }

  private openContainerChild(local: string, c: EntityContainer, a: Attrs): void {
    const name = a.Name?.value;
    switch (local) {
      case 'EntitySet': {
        const et = a.EntityType?.value;
        if (name === undefined || et === undefined) {
          this.missing(local, name === undefined ? 'Name' : 'EntityType');
          break;
        }
        const s: EntitySet = {
          kind: 'EntitySet',
          name,
          entityType: this.q(et.trim()),
          includeInServiceDocument: parseBool(a.IncludeInServiceDocument?.value, true),
          navigationPropertyBindings: [],
          annotations: [],
          position: this.pos(),
        };
        c.entitySets.push(s);
        return this.push(K_ENTITYSET, s);
      }
      case 'Singleton': {
        const type = a.Type?.value;
        if (name === undefined || type === undefined) {
          this.missing(local, name === undefined ? 'Name' : 'Type');
          break;
        }
        const s: Singleton = {
          kind: 'Singleton',
          name,
          type: this.q(type.trim()),
          navigationPropertyBindings: [],
          annotations: [],
          position: this.pos(),
        };
        c.singletons.push(s);
        return this.push(K_ENTITYSET, s);
      }
      case 'ActionImport': {
        const action = a.Action?.value;
        if (name === undefined || action === undefined) {
          this.missing(local, name === undefined ? 'Name' : 'Action');
          break;
        }
        const imp: ActionImport = { kind: 'ActionImport', name, action: this.q(action.trim()), annotations: [], position: this.pos() };
        const es = a.EntitySet?.value;
        if (es !== undefined) imp.entitySet = this.qPath(es);
        c.actionImports.push(imp);
        return this.push(K_IMPORT, imp);
      }
      case 'FunctionImport': {
        const fn = a.Function?.value;
        if (name === undefined || fn === undefined) {
          this.missing(local, name === undefined ? 'Name' : 'Function');
          break;
        }
        const imp: FunctionImport = {
          kind: 'FunctionImport',
          name,
          function: this.q(fn.trim()),
          includeInServiceDocument: parseBool(a.IncludeInServiceDocument?.value, false),
          annotations: [],
          position: this.pos(),
        };
        const es = a.EntitySet?.value;
        if (es !== undefined) imp.entitySet = this.qPath(es);
        c.functionImports.push(imp);
        return this.push(K_IMPORT, imp);
      }
      default:
        break;
    }
    this.push(K_IGNORE, null);
  }

  // ---------------------------------------------------------------- types

  /** A type reference with its facets (Nullable defaults to true). */
  private typeRef(raw: string, a: Attrs): TypeRef {
    const tn = this.typeName(raw);
    const ref: TypeRef = { name: tn.name, collection: tn.collection, nullable: true };
    const nullable = a.Nullable;
    if (nullable !== undefined) ref.nullable = parseBool(nullable.value, true);
    const maxLength = a.MaxLength;
    if (maxLength !== undefined) {
      const v = maxLength.value;
      if (v === 'max' || v.trim().toLowerCase() === 'max') ref.maxLength = 'max';
      else {
        const n = parseNonNegInt(v);
        if (n !== undefined) ref.maxLength = n;
      }
    }
    const unicode = a.Unicode;
    if (unicode !== undefined) ref.unicode = parseBool(unicode.value, true);
    const precision = a.Precision;
    if (precision !== undefined) {
      const n = parseNonNegInt(precision.value);
      if (n !== undefined) ref.precision = n;
    }
    const scale = a.Scale;
    if (scale !== undefined) {
      const v = scale.value.trim();
      const l = v.toLowerCase();
      if (l === 'variable') ref.scale = 'variable';
      else if (l === 'floating') ref.scale = 'floating';
      else {
        const n = parseNonNegInt(v);
        if (n !== undefined) ref.scale = n;
      }
    }
    const srid = a.SRID;
    if (srid !== undefined) ref.srid = srid.value;
    return ref;
  }

  // ---------------------------------------------------------------- annotations

  private openAnnotation(parentKind: number, parent: unknown, a: Attrs): void {
    const term = a.Term?.value;
    if (term === undefined) {
      this.missing('Annotation', 'Term', 'warning');
      this.push(K_IGNORE, null);
      return;
    }
    const ann: Annotation = { term: this.q(term.trim()), value: null };
    const qualifier = a.Qualifier?.value;
    if (qualifier !== undefined) ann.qualifier = qualifier;
    const v = this.constantFromAttributes(a);
    // No value: a tag term (Core.Computed, ...) whose value defaults to true.
    ann.value = v === undefined ? true : v;
    switch (parentKind) {
      case K_STRUCTURED:
      case K_PROPERTY:
      case K_NAVPROP:
      case K_ENUMTYPE:
      case K_MEMBER:
      case K_TYPEDEF:
      case K_OPERATION:
      case K_PARAMETER:
      case K_CONTAINER:
      case K_ENTITYSET:
      case K_IMPORT:
      case K_TERM:
      case K_ANNOTATIONS:
        (parent as { annotations: Annotation[] }).annotations.push(ann);
        break;
      case K_SCHEMA: {
        // Inline annotations of the schema itself: kept as a block targeting the namespace.
        const schema = parent as Schema;
        let block = this.schemaBlock;
        if (block === undefined || this.schema !== schema) {
          block = { target: schema.namespace, annotations: [] };
          schema.annotations.push(block);
          this.schemaBlock = block;
        }
        block.annotations.push(ann);
        break;
      }
      default:
        // Annotations of records, annotations, references...: read (to keep the stack right) but not kept.
        break;
    }
    this.push(K_ANNOTATION, ann);
  }

  /** Value of a constant expression given in attribute form, or undefined when none. */
  private constantFromAttributes(a: Attrs): AnnotationValue | undefined {
    const s = a.String;
    if (s !== undefined) return s.value;
    for (let i = 1; i < CONSTANT_ATTRIBUTES.length; i++) {
      const name = CONSTANT_ATTRIBUTES[i];
      const attr = a[name];
      if (attr !== undefined) return this.constantValue(CONSTANT_ELEMENTS.get(name)!, attr.value);
    }
    return undefined;
  }

  private constantValue(kind: number, text: string): AnnotationValue {
    switch (kind) {
      case C_STRING:
        return text;
      case C_BOOL:
        return parseBool(text, false);
      case C_NUMBER: {
        const t = text.trim();
        const n = Number(t);
        if (t !== '' && Number.isFinite(n)) return n;
        return t; // INF, -INF, NaN, or out of shape: keep the text
      }
      case C_ENUM:
        return { $enumMember: this.qEnum(text) };
      case C_PATH:
        return { $path: this.qPath(text.trim()) };
      default:
        return null;
    }
  }

  /** Deliver an expression's value to the enclosing Annotation / PropertyValue / Collection. */
  private deliver(kind: number, target: unknown, v: AnnotationValue): void {
    if (kind === K_ANNOTATION) (target as Annotation).value = v;
    else if (kind === K_PROPERTYVALUE) {
      const f = target as PropertyValueFrame;
      f.record[f.property] = v;
    } else if (kind === K_COLLECTION) (target as AnnotationValue[]).push(v);
  }

  private openExpression(local: string, parentKind: number, parent: unknown, a: Attrs): void {
    if (local === 'Record') {
      const rec: { $record: Record<string, AnnotationValue>; $type?: string } = { $record: {} };
      const type = a.Type?.value;
      if (type !== undefined) rec.$type = this.q(type.trim());
      this.deliver(parentKind, parent, rec);
      this.push(K_RECORD, rec);
      return;
    }
    if (local === 'Collection') {
      const arr: AnnotationValue[] = [];
      this.deliver(parentKind, parent, arr);
      this.push(K_COLLECTION, arr);
      return;
    }
    const ck = CONSTANT_ELEMENTS.get(local);
    if (ck !== undefined) {
      this.push(K_CONSTANT, ck);
      this.startText();
      return;
    }
    // Dynamic expressions (If, Apply, Cast, UrlRef, ...): not evaluated; the value is null.
    this.deliver(parentKind, parent, null);
    this.push(K_IGNORE, null);
  }

  // ---------------------------------------------------------------- close

  private onClose(): void {
    if (this.depth === 0) return;
    const kind = this.kinds.pop()!;
    const obj = this.objs.pop();
    this.depth--;
    if (kind === K_CONSTANT) {
      this.collecting = false;
      if (!this.fast) this.parser.off('text');
      const text = this.text;
      this.text = '';
      const d = this.depth;
      if (d > 0) this.deliver(this.kinds[d - 1], this.objs[d - 1], this.constantValue(obj as number, text));
    } else if (kind === K_SCHEMA) {
      this.schema = undefined;
      this.schemaBlock = undefined;
    }
  }
}

/** Read `name="value"` (or single quotes) out of the text of a start tag. Used by the alias pre-scan only. */
function attrFromText(head: string, name: string): string | undefined {
  let i = head.indexOf(name);
  while (i >= 0) {
    const before = i === 0 ? 0x20 : head.charCodeAt(i - 1);
    let j = i + name.length;
    while (j < head.length && head.charCodeAt(j) <= 0x20) j++;
    if ((before <= 0x20) && head.charCodeAt(j) === 0x3d /* = */) {
      j++;
      while (j < head.length && head.charCodeAt(j) <= 0x20) j++;
      const quote = head[j];
      if (quote === '"' || quote === "'") {
        const end = head.indexOf(quote, j + 1);
        if (end > j) return head.slice(j + 1, end);
      }
      return undefined;
    }
    i = head.indexOf(name, i + name.length);
  }
  return undefined;
}
