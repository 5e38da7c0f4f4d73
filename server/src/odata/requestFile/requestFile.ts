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

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = i < text.length ? text.charCodeAt(i) : -1;
    if (ch === 10 /* \n */ || ch === -1) {
      const end = i > start && text.charCodeAt(i - 1) === 13 /* \r */ ? i - 1 : i;
      lines.push({ text: text.slice(start, end), start, end });
      start = i + 1;
    }
  }
  return lines;
}

const SEPARATOR = /^\s*###/;
const COMMENT = /^\s*(#|\/\/)/;
const VARIABLE = /^\s*@([A-Za-z_][\w.-]*)\s*=\s*(.*?)\s*$/;
const HEADER = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*:\s*(.*?)\s*$/;
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
  const file: RequestFile = { variables: [], requests: [] };
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
      blockStart = line.start;
      i++;
      continue;
    }
    if (isBlank(line)) {
      i++;
      continue;
    }
    const named = REQUEST_NAME_COMMENT.exec(line.text);
    if (named) {
      const nameStart = line.start + line.text.lastIndexOf(named[1]);
      pendingName = { name: named[1], span: { start: nameStart, end: nameStart + named[1].length } };
      i++;
      continue;
    }
    if (COMMENT.test(line.text)) {
      i++;
      continue;
    }
    const variable = readVariable(line);
    if (variable) {
      file.variables.push(variable);
      if (variable.name === 'environment') {
        file.environment = { name: variable.value, span: variable.valueSpan };
      }
      i++;
      continue;
    }
    // A request line.
    const start = pendingName ? Math.min(blockStart, line.start) : line.start;
    const { request, next } = readRequest(lines, i, start);
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

function readRequest(lines: Line[], first: number, blockStart: number): { request: ODataRequest; next: number } {
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

  let i = first + 1;
  // Continuation lines.
  while (i < lines.length && isContinuation(lines[i])) {
    const span = trimmedSpan(lines[i]);
    request.urlPieces.push({ span, text: lineSlice(lines[i], span) });
    i++;
  }
  request.url = request.urlPieces.map((piece) => piece.text).join('');
  request.urlSpan = { start: request.urlPieces[0].span.start, end: request.urlPieces[request.urlPieces.length - 1].span.end };
  request.span.end = lines[i - 1].end;

  // Headers until a blank line; a line that is neither a header nor a comment starts the next request.
  while (i < lines.length && !isBlank(lines[i]) && !SEPARATOR.test(lines[i].text)) {
    const current = lines[i];
    if (COMMENT.test(current.text)) {
      i++;
      continue;
    }
    const header = readHeader(current);
    if (!header) return { request, next: i };
    request.headers.push(header);
    request.span.end = current.end;
    i++;
  }

  // Body after the blank line(s), until the next separator.
  let j = i;
  while (j < lines.length && isBlank(lines[j])) j++;
  if (j >= lines.length || SEPARATOR.test(lines[j].text)) return { request, next: j };
  const takesBody = request.method !== undefined && BODY_METHODS.has(request.method);
  if (!takesBody && !looksLikeBody(lines[j])) return { request, next: j };
  let last = j;
  let k = j;
  while (k < lines.length && !SEPARATOR.test(lines[k].text)) {
    if (!isBlank(lines[k])) last = k;
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
