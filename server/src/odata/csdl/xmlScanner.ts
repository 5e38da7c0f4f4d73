/**
 * A fast XML scanner for the CSDL reader: the common, well-formed case of a `$metadata` document read
 * several times faster than the general parser (saxes), with the same events and values (namespaces
 * resolved, entities decoded, attribute values and line ends normalized as XML says).
 *
 * It does not diagnose: on anything it does not handle exactly like a conforming parser (a DOCTYPE, a
 * malformed or mismatched tag, an unknown entity, an unbound prefix, a duplicate attribute, non-ASCII
 * names, text outside the root element, an unclosed element at the end) it answers `bail`, and the
 * reader reads the document again with saxes, which reports the problem with its position.
 *
 * Pure: no I/O.
 */

export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface ScannedAttribute {
  value: string;
}

/** What the reader needs of a start tag (a subset of saxes' SaxesTagNS). */
export interface ScannedTag {
  name: string;
  local: string;
  uri: string;
  attributes: Record<string, ScannedAttribute>;
}

export interface ScanHandler {
  /** True while the handler wants the text content of the current element. */
  readonly collecting: boolean;
  /** A start tag. Returning true asks the scanner to skip the element's content (see `skipped`). */
  open(tag: ScannedTag, offset: number, line: number, column: number): boolean | void;
  close(): void;
  text(text: string): void;
  /**
   * The content of an element whose `open` returned true was skipped, unread: where it is, and what a
   * later `XmlScanner.fragment` over it needs (the namespace bindings in scope, where its line starts).
   * `close` follows as usual.
   */
  skipped?(body: SkippedBody): void;
}

/** The unread content of an element: `xml.slice(start, end)`, with what it takes to read it later. */
export interface SkippedBody {
  start: number;
  end: number;
  /** Namespace bindings in scope inside the element (shared, not to be changed). */
  scopes: readonly Map<string, string>[];
  /** Where the element's start tag is, its line, and the offset where that line starts. */
  tagStart: number;
  line: number;
  lineStart: number;
}

export type ScanState = 'more' | 'done' | 'bail';

const BAIL = 'bail';

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decode the entity and character references of a text; undefined when one is unknown or malformed. */
function decodeEntities(text: string): string | undefined {
  let out = '';
  let from = 0;
  for (let amp = text.indexOf('&'); amp >= 0; amp = text.indexOf('&', from)) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0) return undefined;
    const name = text.slice(amp + 1, semi);
    let replacement: string | undefined;
    if (name.charCodeAt(0) === 0x23 /* # */) {
      const hex = name.charCodeAt(1) === 0x78; /* x */
      const digits = name.slice(hex ? 2 : 1);
      if (digits.length === 0 || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) return undefined;
      const code = parseInt(digits, hex ? 16 : 10);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
      replacement = String.fromCodePoint(code);
    } else {
      replacement = PREDEFINED[name];
      if (replacement === undefined) return undefined;
    }
    out += text.slice(from, amp) + replacement;
    from = semi + 1;
  }
  return out + text.slice(from);
}

interface Element {
  name: string;
  /** Namespace bindings declared on this element (prefix -> uri; '' for the default namespace), if any. */
  bindings: Map<string, string> | undefined;
}

/**
 * Scans a whole document held in memory, in steps (so a host can pause between them). Events go to the
 * handler; exceptions thrown by the handler propagate to the caller of `step`.
 */
export class XmlScanner {
  private at = 0;
  private readonly stack: Element[] = [];
  private rootSeen = false;
  private line = 1;
  /** Offset of the first character of the current line, and of the next newline not counted yet (-1: none). */
  private lineStart = 0;
  private nextNewline: number;
  /** Prefix -> uri, innermost binding first (kept as a chain of maps along the stack). */
  /** The namespace of the last element's prefix, valid while no element declares namespaces. */
  private lastPrefix: string | undefined;
  private lastUri: string | undefined;
  private scopes: Map<string, string>[] = [new Map([['xml', XML_NS], ['xmlns', XMLNS_NS]])];
  /** Set when scanning the content of one element (`fragment`) rather than a whole document. */
  private fragmentEnd = -1;
  /** In a fragment: the offset up to which newlines are counted. */
  private counted = 0;

  constructor(
    private readonly xml: string,
    private readonly handler: ScanHandler,
    body?: SkippedBody,
  ) {
    if (body !== undefined) {
      this.at = body.start;
      this.fragmentEnd = body.end;
      this.scopes = [...body.scopes];
      this.rootSeen = true;
      this.line = body.line;
      this.lineStart = body.lineStart;
      // Counted by position() within the fragment: a search for the next newline could run to the
      // end of a document written on one line, once per fragment.
      this.nextNewline = -1;
      this.counted = body.tagStart;
      return;
    }
    if (xml.charCodeAt(0) === 0xfeff) this.at = this.lineStart = 1;
    this.nextNewline = xml.indexOf('\n');
  }

  /**
   * A scanner over the content of an element skipped earlier (`ScanHandler.skipped`): the same events as
   * if the document scan had read it there, with the same positions. `step` answers 'done' when the
   * content is read and balanced, 'bail' when it is not well-formed (as a document scan would).
   */
  static fragment(xml: string, handler: ScanHandler, body: SkippedBody): XmlScanner {
    return new XmlScanner(xml, handler, body);
  }

  /** Scan until about `until` (an offset) is passed or the document ends. */
  step(until: number): ScanState {
    const xml = this.xml;
    const fragment = this.fragmentEnd >= 0;
    const n = fragment ? this.fragmentEnd : xml.length;
    while (this.at < n) {
      if (this.at >= until) return 'more';
      let lt = xml.indexOf('<', this.at);
      if (lt >= n) lt = -1;
      const end = lt < 0 ? n : lt;
      if (end > this.at && this.textSegment(this.at, end) === BAIL) return BAIL;
      if (lt < 0) break;
      const c = xml.charCodeAt(lt + 1);
      let next: number | typeof BAIL;
      if (c === 0x2f /* / */) next = this.endTag(lt);
      else if (c === 0x21 /* ! */) next = this.markup(lt);
      else if (c === 0x3f /* ? */) next = this.processingInstruction(lt);
      else next = this.startTag(lt);
      if (next === BAIL || next > n) return BAIL; // (past the end of a fragment: not well-formed there)
      this.at = next;
    }
    this.at = n;
    return this.stack.length === 0 && this.rootSeen ? 'done' : BAIL;
  }

  private position(offset: number): [number, number] {
    const xml = this.xml;
    if (this.fragmentEnd >= 0) {
      for (let i = this.counted; i < offset; i++) {
        if (xml.charCodeAt(i) === 0x0a) {
          this.line++;
          this.lineStart = i + 1;
        }
      }
      if (offset > this.counted) this.counted = offset;
      return [this.line, offset - this.lineStart + 1];
    }
    let nl = this.nextNewline;
    while (nl >= 0 && nl < offset) {
      this.line++;
      this.lineStart = nl + 1;
      nl = xml.indexOf('\n', nl + 1);
    }
    this.nextNewline = nl;
    return [this.line, offset - this.lineStart + 1];
  }

  private textSegment(from: number, to: number): void | typeof BAIL {
    const xml = this.xml;
    if (this.handler.collecting && this.stack.length > 0) {
      let text = xml.slice(from, to);
      if (text.indexOf('&') >= 0) {
        const decoded = decodeEntities(text);
        if (decoded === undefined) return BAIL;
        text = decoded;
      }
      if (text.indexOf('\r') >= 0) text = text.replace(/\r\n?/g, '\n');
      if (text.indexOf(']]>') >= 0) return BAIL;
      this.handler.text(text);
      return;
    }
    const inside = this.stack.length > 0 || this.fragmentEnd >= 0;
    for (let i = from; i < to; i++) {
      const c = xml.charCodeAt(i);
      if (!inside && !isSpace(c)) return BAIL;
      if (c === 0x26 /* & */ && decodeEntities(xml.slice(from, to)) === undefined) return BAIL;
      if (c === 0x3e /* > */ && xml.slice(from, to).indexOf(']]>') >= 0) return BAIL;
    }
  }

  /** `<!-- -->`, `<![CDATA[ ]]>`; anything else (DOCTYPE) is left to the full parser. */
  private markup(lt: number): number | typeof BAIL {
    const xml = this.xml;
    if (xml.startsWith('<!--', lt)) {
      const close = xml.indexOf('-->', lt + 4);
      if (close < 0 || xml.indexOf('--', lt + 4) < close) return BAIL;
      return close + 3;
    }
    if (xml.startsWith('<![CDATA[', lt) && this.stack.length > 0) {
      const close = xml.indexOf(']]>', lt + 9);
      if (close < 0) return BAIL;
      if (this.handler.collecting) this.handler.text(xml.slice(lt + 9, close).replace(/\r\n?/g, '\n'));
      return close + 3;
    }
    return BAIL;
  }

  private processingInstruction(lt: number): number | typeof BAIL {
    const close = this.xml.indexOf('?>', lt + 2);
    if (close < 0) return BAIL;
    const target = this.xml.slice(lt + 2, Math.min(close, lt + 6));
    // The XML declaration is only allowed first; other PIs are skipped as the reader ignores them.
    if (/^xml\s/i.test(target) && lt !== (this.xml.charCodeAt(0) === 0xfeff ? 1 : 0)) return BAIL;
    return close + 2;
  }

  private readName(from: number): number {
    const xml = this.xml;
    if (!isNameStart(xml.charCodeAt(from))) return -1;
    let i = from + 1;
    while (isNameChar(xml.charCodeAt(i))) i++;
    return i;
  }

  private resolve(prefix: string): string | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const uri = this.scopes[i].get(prefix);
      if (uri !== undefined) return uri;
    }
    return undefined;
  }

  private startTag(lt: number): number | typeof BAIL {
    const xml = this.xml;
    if (this.rootSeen && this.stack.length === 0 && this.fragmentEnd < 0) return BAIL; // a second root element
    const nameEnd = this.readName(lt + 1);
    if (nameEnd < 0) return BAIL;
    const name = xml.slice(lt + 1, nameEnd);
    const attributes: Record<string, ScannedAttribute> = {};
    let bindings: Map<string, string> | undefined;
    let prefixedAttribute = false;
    let i = nameEnd;
    let selfClosing = false;
    for (;;) {
      const spaceStart = i;
      while (isSpace(xml.charCodeAt(i))) i++;
      const c = xml.charCodeAt(i);
      if (c === 0x3e /* > */) {
        i++;
        break;
      }
      if (c === 0x2f /* / */) {
        if (xml.charCodeAt(i + 1) !== 0x3e) return BAIL;
        selfClosing = true;
        i += 2;
        break;
      }
      if (i === spaceStart) return BAIL; // attributes must be separated by white space
      const attrEnd = this.readName(i);
      if (attrEnd < 0) return BAIL;
      const attrName = xml.slice(i, attrEnd);
      if (!prefixedAttribute && attrName.indexOf(':') >= 0) prefixedAttribute = true;
      i = attrEnd;
      while (isSpace(xml.charCodeAt(i))) i++;
      if (xml.charCodeAt(i) !== 0x3d /* = */) return BAIL;
      i++;
      while (isSpace(xml.charCodeAt(i))) i++;
      const quote = xml.charCodeAt(i);
      if (quote !== 0x22 && quote !== 0x27) return BAIL;
      const close = xml.indexOf(quote === 0x22 ? '"' : "'", i + 1);
      if (close < 0) return BAIL;
      let value = xml.slice(i + 1, close);
      let plain = true;
      for (let j = 0; j < value.length; j++) {
        const v = value.charCodeAt(j);
        if (v === 0x3c /* < */) return BAIL;
        if (v === 0x26 || v === 0x09 || v === 0x0a || v === 0x0d) plain = false;
      }
      if (!plain) {
        value = value.replace(/\r\n|[\t\n\r]/g, ' ');
        if (value.indexOf('&') >= 0) {
          const decoded = decodeEntities(value);
          if (decoded === undefined) return BAIL;
          value = decoded;
        }
      }
      i = close + 1;
      if (attributes[attrName] !== undefined) return BAIL;
      attributes[attrName] = { value };
      if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
        const prefix = attrName === 'xmlns' ? '' : attrName.slice(6);
        if (prefix === 'xmlns' || prefix === 'xml' || (prefix !== '' && value === '')) return BAIL;
        (bindings ??= new Map()).set(prefix, value);
      }
    }
    if (bindings !== undefined) this.scopes.push(bindings);
    const colon = name.indexOf(':');
    const prefix = colon < 0 ? '' : name.slice(0, colon);
    const local = colon < 0 ? name : name.slice(colon + 1);
    if (colon >= 0 && (local.length === 0 || local.indexOf(':') >= 0 || prefix.length === 0)) return BAIL;
    const uri = bindings === undefined && prefix === this.lastPrefix ? this.lastUri : this.resolve(prefix);
    this.lastPrefix = prefix;
    this.lastUri = uri;
    if (uri === undefined && prefix !== '') return BAIL; // an unbound prefix
    if (prefixedAttribute) for (const attrName in attributes) {
      const ac = attrName.indexOf(':');
      if (ac >= 0 && attrName.slice(0, ac) !== 'xmlns' && this.resolve(attrName.slice(0, ac)) === undefined) return BAIL;
    }
    const [line, column] = this.position(lt);
    this.rootSeen = true;
    this.stack.push({ name, bindings });
    const skip = this.handler.open({ name, local, uri: uri ?? '', attributes }, lt, line, column) === true;
    if (selfClosing) this.closeElement();
    else if (skip) return this.skipContent(name, lt, i, line);
    return i;
  }

  /**
   * Step over the content of the element just opened, to its end tag (left for `endTag`): the first
   * `</name>` after `from`. Content that holds such a text in a comment or CDATA ends early here, and the
   * real end tag then mismatches, so the scan bails as it should.
   */
  private skipContent(name: string, tagStart: number, from: number, line: number): number | typeof BAIL {
    const xml = this.xml;
    const closeTag = '</' + name;
    const limit = this.fragmentEnd >= 0 ? this.fragmentEnd : xml.length;
    for (let at = xml.indexOf(closeTag, from); at >= 0 && at < limit; at = xml.indexOf(closeTag, at + 2)) {
      const c = xml.charCodeAt(at + closeTag.length);
      if (c !== 0x3e /* > */ && !isSpace(c)) continue; // a longer name
      this.handler.skipped?.({ start: from, end: at, scopes: this.scopes.slice(), tagStart, line, lineStart: this.lineStart });
      return at;
    }
    return BAIL;
  }

  private endTag(lt: number): number | typeof BAIL {
    const xml = this.xml;
    const nameEnd = this.readName(lt + 2);
    if (nameEnd < 0) return BAIL;
    let i = nameEnd;
    while (isSpace(xml.charCodeAt(i))) i++;
    if (xml.charCodeAt(i) !== 0x3e) return BAIL;
    const top = this.stack[this.stack.length - 1];
    if (top === undefined || top.name.length !== nameEnd - lt - 2 || !xml.startsWith(top.name, lt + 2)) return BAIL;
    this.closeElement();
    return i + 1;
  }

  private closeElement(): void {
    const element = this.stack.pop()!;
    if (element.bindings !== undefined) {
      this.scopes.pop();
      this.lastPrefix = undefined;
    }
    this.handler.close();
  }
}
