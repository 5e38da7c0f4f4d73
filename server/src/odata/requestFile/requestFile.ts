/**
 * The `.odata` request file (DESIGN §3): requests separated by `###`, an optional method, a URL that may
 * continue on indented `?`/`&` lines, headers, a body after a blank line, `@name = value` variables,
 * `{{name}}` substitution, `@environment = name`, `#` and `//` comments.
 *
 * Tolerant of anything: every input gives a RequestFile; nothing throws. All offsets are 0-based offsets
 * into the document text.
 */
import type { Span } from '../uri/ast';

export const HTTP_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'MERGE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Methods whose request carries a body; only these take the text after a blank line as a body without looking at it. */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT', 'MERGE']);

export interface VariableDefinition {
  name: string;
  nameSpan: Span;
  /** Raw value text (trimmed), may itself contain `{{…}}`. */
  value: string;
  valueSpan: Span;
  span: Span;
}

export interface RequestHeader {
  name: string;
  nameSpan: Span;
  value: string;
  valueSpan: Span;
  span: Span;
}

/** One piece of the request URL as written: a document range that continues the URL text. */
export interface UrlPiece {
  /** Document span of the piece (trimmed line text). */
  span: Span;
  text: string;
}

export interface ODataRequest {
  /** Text after `###` (trimmed), if any; or a `# @name x` / `// @name x` comment's name. */
  name?: string;
  nameSpan?: Span;
  /** From the `###` line (or the first line of the block) to the end of the block. */
  span: Span;
  /** The method as written (upper-cased), when written; an absent method means GET. */
  method?: HttpMethod;
  methodSpan?: Span;
  /** The URL exactly as written, joined across continuation lines (no substitution). */
  url: string;
  /** The pieces the URL was joined from, in order (one per line). */
  urlPieces: UrlPiece[];
  /** Document span from the first to the last URL character. */
  urlSpan: Span;
  /** `HTTP/1.1` or `HTTP/2` written after the URL, if any. */
  httpVersion?: string;
  headers: RequestHeader[];
  body?: { text: string; span: Span };
}

export interface RequestFile {
  /** All variable definitions in document order (file-level and inside blocks). */
  variables: VariableDefinition[];
  /** `@environment = name`, when present (the last one wins). */
  environment?: { name: string; span: Span };
  requests: ODataRequest[];
  /** Every line of the document, in order, with what the parser read it as (see `RequestFileLine`). */
  lines: RequestFileLine[];
}

/**
 * What a line of a `.odata` document is, as the parser read it. The services (completion of the request's parts,
 * folding) read these instead of their own copy of the line rules.
 * - `blank`: only whitespace.
 * - `separator`: `###`, with an optional request name after it.
 * - `comment`: `#` or `//` (but not `###`).
 * - `requestName`: `# @name x` or `// @name x` between requests: names the next request.
 * - `variable`: `@name = value` (also `@environment = name`).
 * - `request`: the request line, `[METHOD] URL [HTTP/x]`.
 * - `continuation`: an indented `?…`/`&…` line continuing the URL.
 * - `header`: `Name: value` under the request line.
 * - `body`: a line of the body, from its first line to the next `###` (blank lines in and after it included).
 */
export type RequestLineKind = 'blank' | 'separator' | 'comment' | 'requestName' | 'variable' | 'request' | 'continuation' | 'header' | 'body';

export interface RequestFileLine extends Line {
  kind: RequestLineKind;
  /**
   * Index in `RequestFile.requests` of the request the line belongs to: its request line, continuation lines,
   * headers and the comments among them, the blank lines after them and its body. Absent between requests.
   */
  request?: number;
  /** `separator` (when it has one) and `requestName`: the request name and where it stands. */
  name?: { name: string; span: Span };
  /** `request`: the method, when written. */
  methodSpan?: Span;
  /** `request` and `continuation`: the part of the URL this line holds (where the URL starts, on the request line). */
  urlSpan?: Span;
  /** `header`: its name and value. */
  header?: RequestHeader;
  /** `variable`: its name and value. */
  variable?: VariableDefinition;
}

/** The effective method of a request. */
export function requestMethod(request: ODataRequest): HttpMethod {
  return request.method ?? 'GET';
}

/** A line of the document without its line break. */
export interface Line {
  text: string;
  start: number;
  /** Offset after the line's text (before the line break). */
  end: number;
}

/** The lines of a document, each still `blank` with no parts: `parseRequestFile` fills in what each one is. */
export function splitLines(text: string): RequestFileLine[] {
  const lines: RequestFileLine[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = i < text.length ? text.charCodeAt(i) : -1;
    if (ch === 10 /* \n */ || ch === -1) {
      const end = i > start && text.charCodeAt(i - 1) === 13 /* \r */ ? i - 1 : i;
      // Every line has the same fields in the same order (one object shape: a document may have many lines).
      lines.push({
        text: text.slice(start, end),
        start,
        end,
        kind: 'blank',
        request: undefined,
        name: undefined,
        methodSpan: undefined,
        urlSpan: undefined,
        header: undefined,
        variable: undefined,
      });
      start = i + 1;
    }
  }
  return lines;
}

/** The characters of a header name (RFC 9110 `token`). */
const HEADER_NAME_CHARACTERS = "A-Za-z0-9!#$%&'*+.^_`|~-";
const HEADER_NAME_CHARACTER = new RegExp(`^[${HEADER_NAME_CHARACTERS}]$`);
const HEADER_NAME_PREFIX = new RegExp(`^[${HEADER_NAME_CHARACTERS}]*$`);

/** A character that may stand in a header name. */
export function isHeaderNameCharacter(ch: string): boolean {
  return HEADER_NAME_CHARACTER.test(ch);
}

/** Text that could be the start of a header name (empty included). */
export function isHeaderNamePrefix(text: string): boolean {
  return HEADER_NAME_PREFIX.test(text);
}

/** A method whose request carries a body: after it, the text after a blank line is the body, whatever it looks like. */
export function takesBody(method: string | undefined): boolean {
  return method !== undefined && BODY_METHODS.has(method);
}

const SEPARATOR = /^\s*###/;
const COMMENT = /^\s*(#|\/\/)/;
const VARIABLE = /^\s*@([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$/;
const HEADER = new RegExp(`^([${HEADER_NAME_CHARACTERS}]+)\\s*:\\s*(.*?)\\s*$`);
const REQUEST_NAME_COMMENT = /^\s*(?:#|\/\/)\s*@name\s+(\S.*?)\s*$/;
const METHOD_LINE = new RegExp(`^\\s*(${HTTP_METHODS.join('|')})(?=\\s|$)\\s*(.*?)\\s*$`, 'i');
const HTTP_VERSION_SUFFIX = /\s+(HTTP\/\d(?:\.\d)?)$/i;

function isBlank(line: Line): boolean {
  return line.text.trim().length === 0;
}

function trimmedSpan(line: Line): Span {
  const leading = line.text.length - line.text.trimStart().length;
  const trailing = line.text.length - line.text.trimEnd().length;
  return { start: line.start + leading, end: line.end - trailing };
}

function isContinuation(line: Line): boolean {
  return /^\s+[?&]/.test(line.text);
}

/** A line that looks like a body (JSON, XML, multipart boundary) rather than a new request. */
function looksLikeBody(line: Line): boolean {
  return /^\s*([{["<]|--)/.test(line.text);
}

/** Parses a whole `.odata` document. */
export function parseRequestFile(text: string): RequestFile {
  const lines = splitLines(text);
  const file: RequestFile = { variables: [], requests: [], lines };
  const kinds = new LineKinds(lines);
  let i = 0;
  let pendingName: { name: string; span: Span } | undefined;
  let blockStart = 0;

  while (i < lines.length) {
    const line = lines[i];
    if (SEPARATOR.test(line.text)) {
      const after = line.text.replace(/^\s*#{3,}/, '');
      const name = after.trim();
      const nameOffset = line.start + line.text.indexOf(after) + (after.length - after.trimStart().length);
      pendingName = name ? { name, span: { start: nameOffset, end: nameOffset + name.length } } : undefined;
      kinds.mark(i, 'separator', pendingName ? { name: pendingName } : undefined);
      blockStart = line.start;
      i++;
      continue;
    }
    if (isBlank(line)) {
      kinds.mark(i, 'blank');
      i++;
      continue;
    }
    const named = REQUEST_NAME_COMMENT.exec(line.text);
    if (named) {
      const nameStart = line.start + line.text.lastIndexOf(named[1]);
      pendingName = { name: named[1], span: { start: nameStart, end: nameStart + named[1].length } };
      kinds.mark(i, 'requestName', { name: pendingName });
      i++;
      continue;
    }
    if (COMMENT.test(line.text)) {
      kinds.mark(i, 'comment');
      i++;
      continue;
    }
    const variable = readVariable(line);
    if (variable) {
      file.variables.push(variable);
      if (variable.name === 'environment') {
        file.environment = { name: variable.value, span: variable.valueSpan };
      }
      kinds.mark(i, 'variable', { variable });
      i++;
      continue;
    }
    // A request line.
    const start = pendingName ? Math.min(blockStart, line.start) : line.start;
    const { request, next } = readRequest(lines, i, start, kinds.of(file.requests.length));
    if (pendingName) {
      request.name = pendingName.name;
      request.nameSpan = pendingName.span;
      pendingName = undefined;
    }
    file.requests.push(request);
    i = next;
  }
  return file;
}

/** Fills in `RequestFile.lines`: each line is marked once, by the step of the parser that read it. */
class LineKinds {
  constructor(private readonly lines: readonly RequestFileLine[]) {}

  mark(index: number, kind: RequestLineKind, parts?: LineParts, request?: number): void {
    const line = this.lines[index];
    line.kind = kind;
    line.request = request;
    if (parts) {
      line.name = parts.name;
      line.methodSpan = parts.methodSpan;
      line.urlSpan = parts.urlSpan;
      line.header = parts.header;
      line.variable = parts.variable;
    }
  }

  /** A marker for the lines of one request. */
  of(request: number): RequestLineMarker {
    return (index, kind, parts) => this.mark(index, kind, parts, request);
  }
}

type LineParts = Pick<RequestFileLine, 'name' | 'methodSpan' | 'urlSpan' | 'header' | 'variable'>;
type RequestLineMarker = (index: number, kind: RequestLineKind, parts?: LineParts) => void;

function readVariable(line: Line): VariableDefinition | undefined {
  const match = VARIABLE.exec(line.text);
  if (!match) return undefined;
  const nameStart = line.start + line.text.indexOf('@') + 1;
  return namedValue(line, nameStart, match[1], '=', match[2]);
}

/** `name <separator> value` on one line, with the spans of both (the value starts after the separator's blanks). */
function namedValue(line: Line, nameStart: number, name: string, separator: string, value: string): VariableDefinition & RequestHeader {
  const at = line.text.indexOf(separator, nameStart - line.start + name.length);
  let valueStart = line.start + at + 1;
  while (valueStart < line.end && /\s/.test(text(line, valueStart))) valueStart++;
  return {
    name,
    nameSpan: { start: nameStart, end: nameStart + name.length },
    value,
    valueSpan: { start: valueStart, end: valueStart + value.length },
    span: trimmedSpan(line),
  };
}

function text(line: Line, offset: number): string {
  return line.text.charAt(offset - line.start);
}

function readRequest(lines: Line[], first: number, blockStart: number, mark: RequestLineMarker): { request: ODataRequest; next: number } {
  const line = lines[first];
  const request: ODataRequest = {
    span: { start: blockStart, end: line.end },
    url: '',
    urlPieces: [],
    urlSpan: trimmedSpan(line),
    headers: [],
  };

  // Request line: [METHOD] URL [HTTP/x]
  let urlLine = trimmedSpan(line);
  const methodMatch = METHOD_LINE.exec(line.text);
  if (methodMatch) {
    const methodStart = line.start + line.text.search(/\S/);
    request.method = methodMatch[1].toUpperCase() as HttpMethod;
    request.methodSpan = { start: methodStart, end: methodStart + methodMatch[1].length };
    const rest = methodMatch[2];
    const restStart = rest ? line.start + line.text.indexOf(rest, methodStart - line.start + methodMatch[1].length) : request.methodSpan.end;
    urlLine = { start: restStart, end: restStart + rest.length };
  }
  let urlText = lineSlice(line, urlLine);
  const version = HTTP_VERSION_SUFFIX.exec(urlText);
  if (version) {
    request.httpVersion = version[1];
    urlText = urlText.slice(0, version.index);
    urlLine = { start: urlLine.start, end: urlLine.start + urlText.length };
  }
  request.urlPieces.push({ span: urlLine, text: urlText });
  mark(first, 'request', { methodSpan: request.methodSpan, urlSpan: urlLine });

  let i = first + 1;
  // Continuation lines.
  while (i < lines.length && isContinuation(lines[i])) {
    const span = trimmedSpan(lines[i]);
    request.urlPieces.push({ span, text: lineSlice(lines[i], span) });
    mark(i, 'continuation', { urlSpan: span });
    i++;
  }
  request.url = request.urlPieces.map((piece) => piece.text).join('');
  request.urlSpan = { start: request.urlPieces[0].span.start, end: request.urlPieces[request.urlPieces.length - 1].span.end };
  request.span.end = lines[i - 1].end;

  // Headers until a blank line; a line that is neither a header nor a comment starts the next request.
  while (i < lines.length && !isBlank(lines[i]) && !SEPARATOR.test(lines[i].text)) {
    const current = lines[i];
    if (COMMENT.test(current.text)) {
      mark(i, 'comment');
      i++;
      continue;
    }
    const header = readHeader(current);
    if (!header) return { request, next: i };
    request.headers.push(header);
    mark(i, 'header', { header });
    request.span.end = current.end;
    i++;
  }

  // Body after the blank line(s), until the next separator.
  let j = i;
  while (j < lines.length && isBlank(lines[j])) mark(j++, 'blank');
  if (j >= lines.length || SEPARATOR.test(lines[j].text)) return { request, next: j };
  const takesBody = request.method !== undefined && BODY_METHODS.has(request.method);
  if (!takesBody && !looksLikeBody(lines[j])) return { request, next: j };
  let last = j;
  let k = j;
  while (k < lines.length && !SEPARATOR.test(lines[k].text)) {
    if (!isBlank(lines[k])) last = k;
    mark(k, 'body');
    k++;
  }
  const bodySpan = { start: lines[j].start, end: lines[last].end };
  request.body = { text: sliceLines(lines, j, last), span: bodySpan };
  request.span.end = bodySpan.end;
  return { request, next: k };
}

function readHeader(line: Line): RequestHeader | undefined {
  const match = HEADER.exec(line.text);
  // `https://host/...` on its own line is a request line, not a header named "https".
  if (!match || (/^https?$/i.test(match[1]) && match[2].startsWith('//'))) return undefined;
  return namedValue(line, line.start, match[1], ':', match[2]);
}

function lineSlice(line: Line, span: Span): string {
  return line.text.slice(span.start - line.start, span.end - line.start);
}

function sliceLines(lines: Line[], from: number, to: number): string {
  const parts: string[] = [];
  for (let n = from; n <= to; n++) parts.push(lines[n].text);
  return parts.join('\n');
}
