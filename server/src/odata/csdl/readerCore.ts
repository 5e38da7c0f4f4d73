/**
 * The CSDL reader's document walk: drives the fast scanner (xmlScanner.ts) or saxes over the text, keeps the
 * context stack, reads the document's outline (edmx:Edmx, edmx:Reference, DataServices, Schema) and hands each
 * schema child to its part (readTypes.ts, readOperations.ts, readContainer.ts, readAnnotations.ts); reads the
 * content of types skipped by a lazy read on first use. The public functions are in csdlReader.ts.
 */
import type { SaxesTagNS } from 'saxes';
import { XmlScanner, type ScanHandler, type ScannedTag, type SkippedBody } from './xmlScanner';
import type {
  CsdlError,
  EntityContainer,
  EntitySet,
  EnumType,
  NavigationProperty,
  Operation,
  Reference,
  Schema,
  StructuredType,
  XmlPosition,
} from './model';
import { ELEMENT_KINDS, makeError, ReaderState, type Attrs } from './readerState';
import { openEnumType, openKeyChild, openMember, openNavigationPropertyChild, openStructuredChild, openStructuredType, openTypeDefinition } from './readTypes';
import { openOperation, openOperationChild } from './readOperations';
import { openContainerChild, openEntityContainer, openEntitySetChild } from './readContainer';
import { constantValue, deliver, openAnnotation, openAnnotationsBlock, openExpression, openRecordChild, openTerm } from './readAnnotations';

const {
  K_ANNOTATION,
  K_COLLECTION,
  K_CONSTANT,
  K_CONTAINER,
  K_DATASERVICES,
  K_EDMX,
  K_ENTITYSET,
  K_ENUMTYPE,
  K_IGNORE,
  K_KEY,
  K_LEAF,
  K_NAVPROP,
  K_NONE,
  K_OPERATION,
  K_PROPERTYVALUE,
  K_RECORD,
  K_REFERENCE,
  K_SCHEMA,
  K_STRUCTURED,
} = ELEMENT_KINDS;

export const EDMX_NS = 'http://docs.oasis-open.org/odata/ns/edmx';
export const EDM_NS = 'http://docs.oasis-open.org/odata/ns/edm';

/** Thrown from inside saxes callbacks to stop the pass; never escapes readCsdl. */
class StopParsing {}
const STOP = new StopParsing();

/** What a structured type holds in its content: what `readCsdlLazily` reads on first use. */
export type StructuredMembers = Pick<StructuredType, 'key' | 'properties' | 'navigationProperties' | 'annotations'>;

/** The readers of the types `readCsdlLazily` has not read yet. */
export const unreadMembers = new WeakMap<StructuredType, () => StructuredMembers>();

const MEMBER_KEYS = ['key', 'properties', 'navigationProperties', 'annotations'] as const;

export class Reader extends ReaderState {
  private handler: ScanHandler | undefined;
  private brokenReported = false;
  private stopped = false;

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
      openAnnotation(this, parentKind, this.objs[depth - 1], a);
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
        return openStructuredChild(this, local, parent as StructuredType, a);
      case K_KEY:
        return openKeyChild(this, local, parent as StructuredType, a);
      case K_NAVPROP:
        return openNavigationPropertyChild(this, local, parent as NavigationProperty, a);
      case K_ENUMTYPE:
        if (local === 'Member') return openMember(this, parent as EnumType, a);
        break;
      case K_OPERATION:
        return openOperationChild(this, local, parent as Operation, a);
      case K_CONTAINER:
        return openContainerChild(this, local, parent as EntityContainer, a);
      case K_ENTITYSET:
        return openEntitySetChild(this, local, parent as EntitySet, a);
      case K_ANNOTATION:
      case K_PROPERTYVALUE:
      case K_COLLECTION:
        return openExpression(this, local, parentKind, parent, a);
      case K_RECORD:
        return openRecordChild(this, local, parent, a);
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
      case 'ComplexType':
        return openStructuredType(this, local, schema, a);
      case 'EnumType':
        return openEnumType(this, schema, a);
      case 'TypeDefinition':
        return openTypeDefinition(this, schema, a);
      case 'Action':
      case 'Function':
        return openOperation(this, local, schema, a);
      case 'EntityContainer':
        return openEntityContainer(this, schema, a);
      case 'Term':
        return openTerm(this, schema, a);
      case 'Annotations':
        return openAnnotationsBlock(this, schema, a);
      default:
        break;
    }
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
      if (d > 0) deliver(this.kinds[d - 1], this.objs[d - 1], constantValue(this, obj as number, text));
    } else if (kind === K_SCHEMA) {
      this.schema = undefined;
      this.schemaBlock = undefined;
    }
  }
}
