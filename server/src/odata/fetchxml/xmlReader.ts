/**
 * A recovering XML reader for FetchXML: elements, attributes and text with their offsets, from any input.
 *
 * The CSDL scanner (csdl/xmlScanner.ts) gives up ("bail") at the first flaw, which is right for `$metadata` and wrong
 * for a query being typed. This reader never throws and always ends (each step consumes at least one character): an
 * unterminated tag, a missing quote, a stray or mismatched end tag becomes an error with its span and the reading goes
 * on, so completion and checking see the structure around the flaw. Namespaces are not resolved (FetchXML has none).
 * Pure: no I/O.
 */
import type { Span } from '../uri/ast';

export interface XmlAttribute {
  name: string;
  nameSpan: Span;
  /** Decoded value; undefined when the attribute has no `=value`. */
  value: string | undefined;
  /** The raw value between the quotes (or the unquoted run). */
  valueSpan: Span | undefined;
  /** The whole `name="value"`. */
  span: Span;
}

export interface XmlText {
  value: string;
  span: Span;
}

export interface XmlElement {
  name: string;
  nameSpan: Span;
  attributes: XmlAttribute[];
  children: XmlElement[];
  texts: XmlText[];
  parent: XmlElement | undefined;
  /** From `<` to the end of the end tag (or where the element was cut short). */
  span: Span;
  /** Offset just after the start tag's `>` (or `/>`); -1 when the start tag is unterminated. */
  startTagEnd: number;
  selfClosing: boolean;
  /** Whether an end tag (or `/>`) closed it. */
  closed: boolean;
}

export interface XmlProblem {
  message: string;
  span: Span;
}

export interface XmlComment {
  text: string;
  span: Span;
}

export interface XmlDocument {
  text: string;
  /** Top-level elements (a well-formed document has one). */
  roots: XmlElement[];
  problems: XmlProblem[];
  comments: XmlComment[];
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c > 0x7f;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes entity and character references; an unknown one is kept as written. */
export function decodeXmlText(text: string): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[name] ?? whole;
  });
}

/** Escapes a value for an XML attribute in single quotes or for text. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function readXml(text: string): XmlDocument {
  return new Reader(text).read();
}

class Reader {
  private at = 0;
  private readonly roots: XmlElement[] = [];
  private readonly problems: XmlProblem[] = [];
  private readonly comments: XmlComment[] = [];
  private readonly stack: XmlElement[] = [];
  /** Elements whose start tag was reported unterminated: not reported again as unclosed. */
  private readonly cutShort = new Set<XmlElement>();

  constructor(private readonly text: string) {}

  read(): XmlDocument {
    const text = this.text;
    while (this.at < text.length) {
      const lt = text.indexOf('<', this.at);
      const end = lt < 0 ? text.length : lt;
      if (end > this.at) this.textRun(this.at, end);
      if (lt < 0) break;
      this.at = lt;
      if (text.startsWith('<!--', lt)) this.comment(lt);
      else if (text.startsWith('<![CDATA[', lt)) this.cdata(lt);
      else if (text.startsWith('<?', lt)) this.skipTo(lt, '?>', 'processing instruction');
      else if (text.startsWith('<!', lt)) this.skipTo(lt, '>', 'declaration');
      else if (text.charCodeAt(lt + 1) === 0x2f /* / */) this.endTag(lt);
      else if (isNameStart(text.charCodeAt(lt + 1))) this.startTag(lt);
      else {
        this.problem(lt, lt + 1, "'<' must start a tag; write &lt; for a literal '<'.");
        this.at = lt + 1;
      }
    }
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const open = this.stack[i]!;
      if (!this.cutShort.has(open)) this.problem(open.nameSpan.start - 1, open.nameSpan.end, `<${open.name}> is not closed: add </${open.name}>.`);
      open.span = { start: open.span.start, end: text.length };
    }
    this.stack.length = 0;
    return { text, roots: this.roots, problems: this.problems, comments: this.comments };
  }

  private problem(start: number, end: number, message: string): void {
    const length = this.text.length;
    const from = Math.min(start, length);
    this.problems.push({ message, span: { start: from, end: Math.min(length, Math.max(from, end)) } });
  }

  private textRun(start: number, end: number): void {
    const raw = this.text.slice(start, end);
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (raw.trim() !== '') {
        const first = start + raw.search(/\S/);
        this.problem(first, start + raw.trimEnd().length, 'Text outside the root element.');
      }
      return;
    }
    top.texts.push({ value: decodeXmlText(raw), span: { start, end } });
  }

  private comment(lt: number): void {
    const close = this.text.indexOf('-->', lt + 4);
    const end = close < 0 ? this.text.length : close + 3;
    if (close < 0) this.problem(lt, lt + 4, 'The comment is not closed: add -->.');
    this.comments.push({ text: this.text.slice(lt + 4, close < 0 ? end : close), span: { start: lt, end } });
    this.at = end;
  }

  private cdata(lt: number): void {
    const close = this.text.indexOf(']]>', lt + 9);
    const end = close < 0 ? this.text.length : close + 3;
    if (close < 0) this.problem(lt, lt + 9, 'The CDATA section is not closed: add ]]>.');
    const top = this.stack[this.stack.length - 1];
    if (top) top.texts.push({ value: this.text.slice(lt + 9, close < 0 ? end : close), span: { start: lt, end } });
    this.at = end;
  }

  private skipTo(lt: number, closeMark: string, what: string): void {
    const close = this.text.indexOf(closeMark, lt + 2);
    if (close < 0) {
      this.problem(lt, lt + 2, `The ${what} is not closed.`);
      this.at = this.text.length;
    } else this.at = close + closeMark.length;
  }

  private readName(from: number): number {
    let i = from;
    while (i < this.text.length && isNameChar(this.text.charCodeAt(i))) i++;
    return i;
  }

  private startTag(lt: number): void {
    const text = this.text;
    const nameEnd = this.readName(lt + 1);
    const parent = this.stack[this.stack.length - 1];
    const element: XmlElement = {
      name: text.slice(lt + 1, nameEnd),
      nameSpan: { start: lt + 1, end: nameEnd },
      attributes: [],
      children: [],
      texts: [],
      parent,
      span: { start: lt, end: nameEnd },
      startTagEnd: -1,
      selfClosing: false,
      closed: false,
    };
    if (parent) parent.children.push(element);
    else {
      if (this.roots.length > 0) this.problem(lt, nameEnd, 'A document has one root element; this is a second one.');
      this.roots.push(element);
    }
    let i = nameEnd;
    for (;;) {
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      if (i >= text.length) {
        this.problem(lt, nameEnd, `The start tag <${element.name}> is not closed: add '>'.`);
        this.cutShort.add(element);
        element.span.end = text.length;
        this.at = text.length;
        this.stack.push(element);
        return;
      }
      const c = text.charCodeAt(i);
      if (c === 0x3e /* > */) {
        element.startTagEnd = i + 1;
        element.span.end = i + 1;
        this.at = i + 1;
        this.stack.push(element);
        return;
      }
      if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x3e) {
        element.startTagEnd = i + 2;
        element.span.end = i + 2;
        element.selfClosing = element.closed = true;
        this.at = i + 2;
        return;
      }
      if (c === 0x3c /* < */) {
        // The tag was left unterminated; the next tag starts here.
        this.problem(lt, nameEnd, `The start tag <${element.name}> is not closed: add '>'.`);
        this.cutShort.add(element);
        element.span.end = i;
        this.at = i;
        this.stack.push(element);
        return;
      }
      if (!isNameStart(c)) {
        this.problem(i, i + 1, `Unexpected '${text[i]}' in the start tag <${element.name}>.`);
        i++;
        continue;
      }
      i = this.attribute(element, i);
    }
  }

  private attribute(element: XmlElement, from: number): number {
    const text = this.text;
    const nameEnd = this.readName(from);
    const name = text.slice(from, nameEnd);
    const attribute: XmlAttribute = { name, nameSpan: { start: from, end: nameEnd }, value: undefined, valueSpan: undefined, span: { start: from, end: nameEnd } };
    if (element.attributes.some((a) => a.name === name)) this.problem(from, nameEnd, `The attribute '${name}' is repeated.`);
    element.attributes.push(attribute);
    let i = nameEnd;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 0x3d /* = */) {
      this.problem(from, nameEnd, `The attribute '${name}' has no value: write ${name}="…".`);
      return nameEnd;
    }
    i++;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    const quote = text.charCodeAt(i);
    if (quote === 0x22 || quote === 0x27) {
      let close = text.indexOf(quote === 0x22 ? '"' : "'", i + 1);
      const lt = text.indexOf('<', i + 1);
      if (close < 0 || (lt >= 0 && lt < close)) {
        // Unterminated: the value runs to the end of the line (or the next tag), as a person typing sees it.
        let stop = i + 1;
        while (stop < text.length && !'\n<>'.includes(text[stop]!)) stop++;
        close = stop;
        this.problem(i, close, `The value of '${name}' is missing its closing quote.`);
        attribute.valueSpan = { start: i + 1, end: close };
        attribute.value = decodeXmlText(text.slice(i + 1, close));
        attribute.span.end = close;
        return close;
      }
      attribute.valueSpan = { start: i + 1, end: close };
      attribute.value = decodeXmlText(text.slice(i + 1, close).replace(/\r\n|[\t\n\r]/g, ' '));
      attribute.span.end = close + 1;
      return close + 1;
    }
    let stop = i;
    while (stop < text.length && !isSpace(text.charCodeAt(stop)) && !'<>'.includes(text[stop]!) && !text.startsWith('/>', stop)) stop++;
    this.problem(i, Math.max(stop, i + 1), `The value of '${name}' must be in quotes.`);
    attribute.valueSpan = { start: i, end: stop };
    attribute.value = decodeXmlText(text.slice(i, stop));
    attribute.span.end = stop;
    return stop;
  }

  private endTag(lt: number): void {
    const text = this.text;
    const nameEnd = this.readName(lt + 2);
    const name = text.slice(lt + 2, nameEnd);
    let i = nameEnd;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    let end = i;
    if (text.charCodeAt(i) === 0x3e) end = i + 1;
    else this.problem(lt, nameEnd, `The end tag </${name}> is not closed: add '>'.`);
    this.at = Math.max(end, lt + 2);
    const index = this.stack.map((e) => e.name).lastIndexOf(name);
    if (index < 0) {
      this.problem(lt, end, name === '' ? 'An end tag needs a name.' : `</${name}> closes nothing: no <${name}> is open here.`);
      return;
    }
    for (let k = this.stack.length - 1; k > index; k--) {
      const open = this.stack[k]!;
      if (!this.cutShort.has(open)) this.problem(open.nameSpan.start - 1, open.nameSpan.end, `<${open.name}> is not closed before </${name}>.`);
      open.span = { start: open.span.start, end: lt };
    }
    const element = this.stack[index]!;
    element.closed = true;
    element.span = { start: element.span.start, end };
    this.stack.length = index;
  }
}

/** The attribute of an element by name. */
export function attributeOf(element: XmlElement, name: string): XmlAttribute | undefined {
  return element.attributes.find((a) => a.name === name);
}

/** All elements, depth first. */
export function* walkElements(roots: readonly XmlElement[]): Generator<XmlElement> {
  for (const root of roots) {
    yield root;
    yield* walkElements(root.children);
  }
}
