/**
 * The CSDL reader's state and what every part of it uses: the element kinds on the context stack, the stack
 * itself, positions and errors, and alias resolution in qualified names.
 *
 * The parts (readTypes.ts, readOperations.ts, readContainer.ts, readAnnotations.ts) are functions taking this
 * state; the document walk (readerCore.ts) extends it. Pure: no I/O.
 */
import { SaxesParser, type SaxesAttributeNS, type SaxesStartTagNS } from 'saxes';
import type { AnnotationsBlock, CsdlDocument, CsdlError, CsdlErrorCode, Schema, XmlPosition } from './model';

/**
 * Element kinds on the context stack. Each file takes the kinds it uses as module constants
 * (`const { K_IGNORE, K_LEAF } = ELEMENT_KINDS;`) rather than importing them one by one: under the per-file
 * transform the tests and `npm run bench` run (tsx), every use of an imported binding is a property lookup
 * through the module's exports, and the walk compares kinds a dozen times per element.
 */
export const ELEMENT_KINDS = {
  K_NONE: 0,
  K_IGNORE: 1,
  K_EDMX: 2,
  K_REFERENCE: 3,
  K_DATASERVICES: 4,
  K_SCHEMA: 5,
  K_STRUCTURED: 6, // EntityType, ComplexType
  K_KEY: 7,
  K_PROPERTY: 8,
  K_NAVPROP: 9,
  K_ENUMTYPE: 10,
  K_MEMBER: 11,
  K_TYPEDEF: 12,
  K_OPERATION: 13,
  K_PARAMETER: 14,
  K_CONTAINER: 15,
  K_ENTITYSET: 16, // EntitySet, Singleton
  K_IMPORT: 17,
  K_TERM: 18,
  K_ANNOTATIONS: 19,
  K_ANNOTATION: 20,
  K_RECORD: 21,
  K_PROPERTYVALUE: 22,
  K_COLLECTION: 23,
  K_CONSTANT: 24, // String, Int, ... elements: value from text
  K_LEAF: 25, // elements read completely from attributes (PropertyRef, Include, ...), children ignored
} as const;

export type Attrs = Record<string, SaxesAttributeNS>;

interface TypeName {
  name: string;
  collection: boolean;
}

export function makeError(code: CsdlErrorCode, message: string, position: XmlPosition | undefined, severity: 'error' | 'warning'): CsdlError {
  const e: CsdlError = { code, message, severity };
  if (position) e.position = position;
  return e;
}

export function parseBool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (v === 'true') return true;
  if (v === 'false') return false;
  const l = v.trim().toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : dflt;
}

/** What the reader knows while it walks a document: read and written by the walk and by the parts. */
export class ReaderState {
  protected readonly parser: SaxesParser<{ xmlns: true }>;
  /** True once the fast scanner drives the reader (saxes is then not used). */
  fast = false;
  /** Set (to the broken-content callback) when types' content is read on first use: see readCsdlLazily. */
  lazyTypes: ((message: string) => void) | undefined;
  /** Set by opening a type whose content is to be skipped; read by the scanner handler. */
  skipContent = false;
  protected readonly kinds: number[] = [];
  protected readonly objs: unknown[] = [];
  protected depth = 0;

  /** alias -> namespace */
  private readonly aliases = new Map<string, string>();
  /** raw qualified name -> alias-resolved (interned) */
  private readonly qnames = new Map<string, string>();
  /** raw type attribute -> resolved name + collection flag */
  private readonly typeNames = new Map<string, TypeName>();

  schema: Schema | undefined;
  schemaBlock: AnnotationsBlock | undefined;

  // Start of the element being opened (from opentagstart).
  protected startLine = 1;
  protected startColumn = 1;
  protected startOffset = 0;

  protected collecting = false;
  protected text = '';
  private readonly onText = (t: string): void => {
    this.text += t;
  };

  constructor(
    protected readonly xml: string,
    public doc: CsdlDocument,
  ) {
    this.parser = new SaxesParser({ xmlns: true });
  }

  // ---------------------------------------------------------------- aliases

  /**
   * Collect every `Schema`/`Include` Namespace+Alias pair before the pass, so that names using an alias
   * declared later in the document resolve too. Scans for the few `Alias="` occurrences only.
   */
  protected prescanAliases(): void {
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

  protected addAlias(alias: string | undefined, ns: string): void {
    if (!alias || this.aliases.get(alias) === ns) return;
    this.aliases.set(alias, ns);
    this.qnames.clear();
    this.typeNames.clear();
  }

  /** Resolve the alias of a qualified name (`mscrm.account` -> `Microsoft.Dynamics.CRM.account`). Interned. */
  q(raw: string): string {
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

  typeName(raw: string): TypeName {
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
  qPath(path: string): string {
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
  qEnum(v: string): string {
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

  protected onOpenStart(tag: SaxesStartTagNS): void {
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

  pos(): XmlPosition {
    return { line: this.startLine, column: this.startColumn, offset: this.startOffset };
  }

  protected currentPosition(): XmlPosition {
    const p = this.parser;
    return { line: p.line, column: p.column, offset: Math.max(0, p.position - 1) };
  }

  missing(element: string, attribute: string, severity: 'error' | 'warning' = 'error'): void {
    this.doc.errors.push(
      makeError('missing-attribute', `${element} is missing its required ${attribute} attribute; it is skipped.`, this.pos(), severity),
    );
  }

  // ---------------------------------------------------------------- stack

  push(kind: number, obj: unknown): void {
    this.kinds.push(kind);
    this.objs.push(obj);
    this.depth++;
  }

  startText(): void {
    this.collecting = true;
    this.text = '';
    if (!this.fast) this.parser.on('text', this.onText);
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
