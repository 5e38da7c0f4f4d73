/**
 * Completion for the parts of a `.odata` file that are not a request URL (URL completion is
 * `urlCompletion.ts`): the method at the start of a request line, header names and values, property
 * names in the JSON body of POST/PATCH/PUT (from the target entity type of the request URL), and
 * `{{variables}}` in header values and bodies.
 *
 * The cursor's place comes from the request file's parser: what kind each line before the cursor is and which
 * request it belongs to (`RequestFile.lines`); the cursor's own line is read as the start of what it continues,
 * because a half-typed line (`Pre` under a request line) is not yet a header for the parser.
 * An exception is caught once, in languageService.ts.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
} from 'vscode-languageserver-types';
import type { ModelIndex } from '../csdl/modelIndex';
import type { EntitySet, NavigationProperty, Property, Singleton, StructuredType } from '../csdl/model';
import type { Flavor } from '../diagnosticCodes';
import { HTTP_METHODS, isHeaderNameCharacter, isHeaderNamePrefix, takesBody, type Line, type ODataRequest, type RequestFile, type RequestFileLine, type RequestHeader } from '../requestFile/requestFile';
import { expandRequestUrl, variableTable } from '../requestFile/variables';
import type { Span } from '../uri/ast';
import { analyzeUrl } from './checkUrl';
import { findHeader, REQUEST_HEADERS } from '../facts/headers';
import { flavorNames } from '../facts/flavorRules';
import { toRange, type ODataDocument, type ServiceContext } from './serviceContext';

export function completeRequestParts(document: ODataDocument, offset: number, context: ServiceContext): CompletionList | null {
  const items = complete(document, Math.max(0, Math.min(offset, document.text.length)), context);
  return items && items.length > 0 ? { isIncomplete: false, items } : null;
}

// ---------------------------------------------------------------------------------------------------------
// Where the cursor is
// ---------------------------------------------------------------------------------------------------------

type State = 'pre' | 'request' | 'headers' | 'gap' | 'body';

interface BlockInfo {
  state: State;
  /** The request the cursor's line continues (undefined in `pre`). */
  request?: ODataRequest;
  method?: string;
  /** Header names written on earlier lines of the request (lower-cased). */
  headers: Set<string>;
  /** Document offset where the body (or the blank line before it) starts. */
  bodyStart?: number;
  /** Document offset where the block ends (next `###` line or the end of the text). */
  blockEnd: number;
}

/**
 * What the request file's parser read up to line `target`: the state a line typed there continues. It comes
 * from the line before (its kind and its request), not from the target line itself, which is half-typed (`Pre`
 * under a request line is a new request for the parser, a header name being written for completion).
 */
function blockInfo(file: RequestFile, target: number, textLength: number): BlockInfo {
  const lines = file.lines;
  let blockEnd = textLength;
  for (let i = target + 1; i < lines.length; i++) {
    if (lines[i].kind === 'separator') {
      blockEnd = lines[i].start;
      break;
    }
  }
  const info: BlockInfo = { state: 'pre', headers: new Set(), blockEnd };
  const previous = target > 0 ? lines[target - 1] : undefined;
  if (previous?.request === undefined) return info;
  const request = file.requests[previous.request];
  info.request = request;
  info.method = request.method;
  // The request's lines before the cursor's (they are consecutive): its headers, and where its blank line starts.
  for (let i = target - 1; i >= 0 && lines[i].request === previous.request; i--) {
    const line = lines[i];
    if (line.header) info.headers.add(line.header.name.toLowerCase());
    if (line.kind === 'blank' || line.kind === 'body') info.bodyStart = line.start;
  }
  switch (previous.kind) {
    case 'request':
    case 'continuation':
      info.state = 'request';
      break;
    case 'header':
    case 'comment':
      info.state = 'headers';
      break;
    case 'blank':
      info.state = 'gap';
      break;
    default:
      info.state = 'body';
  }
  return info;
}

/** The line holding `offset`: the last line starting at or before it (an offset inside a `\r\n` is that line's end). */
function lineAt(lines: readonly RequestFileLine[], offset: number): number {
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lines[middle].start <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

const isComment = (line: RequestFileLine): boolean => line.kind === 'comment' || line.kind === 'requestName';

function complete(document: ODataDocument, cursor: number, context: ServiceContext): CompletionItem[] | null {
  const text = document.text;
  const file = document.file;
  const index = lineAt(file.lines, cursor);
  const line = file.lines[index];
  const offset = Math.min(cursor, line.end);
  const column = offset - line.start;
  const prefix = line.text.slice(0, column);
  if (line.kind === 'separator') return null;

  const info = blockInfo(file, index, text.length);

  switch (info.state) {
    case 'pre': {
      if (isComment(line)) return null;
      if (line.kind === 'variable') return null; // `{{` in a value: variableCompletion.ts
      return methodCompletion(document, offset, line, true);
    }
    case 'request':
    case 'headers': {
      if (line.kind === 'continuation' || isComment(line)) return null;
      const colon = prefix.indexOf(':');
      if (colon >= 0 && line.header) return headerValueCompletion(document, offset, line, line.header, context);
      if (isHeaderNamePrefix(prefix)) return headerNameCompletion(document, offset, line, info, context);
      return null;
    }
    case 'gap':
    case 'body': {
      if (!takesBody(info.method)) {
        // After a GET and a blank line, a new line is the next request (the parser reads it so).
        return info.state === 'gap' && !isComment(line) ? methodCompletion(document, offset, line, true) : null;
      }
      return bodyCompletion(document, offset, info, context);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------------------------------------

function markdown(value: string): { kind: typeof MarkupKind.Markdown; value: string } {
  return { kind: MarkupKind.Markdown, value };
}

function item(
  document: ODataDocument,
  span: Span,
  label: string,
  kind: CompletionItem['kind'],
  detail: string,
  documentation: string,
  newText: string,
  extra: Partial<CompletionItem> = {},
): CompletionItem {
  return {
    label,
    kind,
    detail,
    documentation: markdown(documentation),
    textEdit: { range: toRange(document, span), newText },
    insertTextFormat: newText.includes('$') ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    ...extra,
  };
}

/** Escapes text for a snippet. */
function snippetText(value: string): string {
  return value.replace(/[\\$}]/g, (ch) => '\\' + ch);
}

const retrigger = { title: 'Suggest', command: 'editor.action.triggerSuggest' };

// ---------------------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------------------

const METHOD_DOCS: Record<string, string> = {
  GET: 'Read an entity set, an entity, a property or call a function. A request line without a method is a GET.',
  POST: 'Create an entity (`POST accounts` with a JSON body), call an action, or send a `$batch`.',
  PATCH: 'Update an entity: only the properties in the body change. Dataverse creates the record when it does not exist (upsert) unless `If-Match: *` is sent.',
  PUT: 'Replace a single property value (`PUT accounts(id)/name` with `{"value": …}`), or a whole entity.',
  DELETE: 'Delete an entity, a property value, or a reference (`…/nav/$ref`).',
};

function methodCompletion(document: ODataDocument, offset: number, line: Line, allowSeparator: boolean): CompletionItem[] | null {
  const column = offset - line.start;
  const prefix = line.text.slice(0, column);
  const match = /^(\s*)([A-Za-z]*)$/.exec(prefix);
  if (!match) return null;
  const typed = match[2];
  const after = /^[A-Za-z]*/.exec(line.text.slice(column))![0];
  const word = typed + after;
  const wordStart = line.start + match[1].length;
  const rest = line.text.slice(column + after.length);
  const isMethodPrefix = (w: string): boolean => HTTP_METHODS.some((m) => m.startsWith(w.toUpperCase()));
  if (!isMethodPrefix(typed)) return null;
  let span: Span;
  let space = true;
  if (isMethodPrefix(word)) {
    span = { start: wordStart, end: wordStart + word.length };
    space = rest.length === 0 || !/^\s/.test(rest);
  } else if (typed.length === 0) {
    // `|accounts`: put a method in front of the URL.
    span = { start: offset, end: offset };
  } else {
    return null;
  }
  const items: CompletionItem[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].map((method, i) =>
    item(document, span, method, CompletionItemKind.Keyword, 'HTTP method', METHOD_DOCS[method], space ? method + ' ' : method, {
      sortText: `0${i}`,
      ...(space && rest.trim().length === 0 ? { command: retrigger } : {}),
    }),
  );
  if (allowSeparator && line.text.trim().length === 0) {
    items.push(
      item(
        document,
        { start: line.start, end: line.end },
        '###',
        CompletionItemKind.Snippet,
        'New request',
        'Starts a new request: `### name`, then the request line, headers, a blank line and the body.',
        '### ${1:name}\n${2|GET,POST,PATCH,PUT,DELETE|} $0',
        { sortText: '1', filterText: '###' },
      ),
    );
  }
  return items;
}

// ---------------------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------------------

function flavorName(flavors: Flavor[] | undefined): string {
  if (!flavors) return 'OData';
  return flavors.map((f) => (f === 'generic' ? 'OData' : flavorNames[f])).join(', ');
}

function headerNameCompletion(document: ODataDocument, offset: number, line: Line, info: BlockInfo, context: ServiceContext): CompletionItem[] | null {
  const column = offset - line.start;
  let end = column;
  while (end < line.text.length && isHeaderNameCharacter(line.text[end])) end++;
  const rest = line.text.slice(end);
  const hasColon = /^\s*:/.test(rest);
  const span = { start: line.start, end: line.start + end };
  const items: CompletionItem[] = [];
  REQUEST_HEADERS.forEach((header, i) => {
    if (header.notOffered || info.headers.has(header.name.toLowerCase())) return;
    const own = header.flavors === undefined || header.flavors.includes(context.flavor);
    if (!own && context.flavor !== 'generic') return;
    const values = header.values.map((v) => `- \`${v.value}\`: ${v.doc}`).join('\n');
    items.push(
      item(document, span, header.name, CompletionItemKind.Field, `${flavorName(header.flavors)} header`, `${header.doc}\n\n${values}`, hasColon ? header.name : header.name + ': ', {
        sortText: `${own ? 0 : 1}${String(i).padStart(2, '0')}`,
        ...(hasColon ? {} : { command: retrigger }),
      }),
    );
  });
  return items;
}

function headerValueCompletion(document: ODataDocument, offset: number, line: Line, written: RequestHeader, context: ServiceContext): CompletionItem[] | null {
  const header = findHeader(written.name);
  if (!header || header.notOffered) return null;
  let valueStart = written.valueSpan.start - line.start;
  const column = offset - line.start;
  if (column < valueStart) valueStart = column;
  let start = valueStart;
  let end = line.text.trimEnd().length;
  const present = new Set<string>();
  if (header.list) {
    // The comma-separated item under the cursor (commas inside quotes do not count).
    const items = splitList(line.text, valueStart);
    for (const piece of items) {
      if (column >= piece.start && column <= piece.end) {
        start = piece.start;
        end = piece.end;
      } else {
        present.add(piece.text.split('=')[0].trim().toLowerCase());
      }
    }
  }
  if (end < column) end = column;
  const span = { start: line.start + start, end: line.start + end };
  const items: CompletionItem[] = [];
  header.values.forEach((value, i) => {
    if (present.has(value.value.split('=')[0].toLowerCase())) return;
    items.push(
      item(document, span, value.value, CompletionItemKind.Value, `${header.name} value`, value.doc, value.insert ?? snippetText(value.value), {
        sortText: String(i).padStart(2, '0'),
        filterText: value.value,
      }),
    );
  });
  if (/^if-(none-)?match$/i.test(header.name)) {
    for (const variable of variableTable(document.file, context.variables).values()) {
      if (!/etag/i.test(variable.name)) continue;
      items.push(
        item(document, span, `{{${variable.name}}}`, CompletionItemKind.Variable, 'Variable', `\`@${variable.name} = ${variable.value}\``, `{{${variable.name}}}`, {
          sortText: '00',
        }),
      );
    }
  }
  return items;
}

function splitList(text: string, from: number): { start: number; end: number; text: string }[] {
  const pieces: { start: number; end: number; text: string }[] = [];
  let start = from;
  let quoted = false;
  const push = (end: number): void => {
    let s = start;
    while (s < end && /\s/.test(text[s])) s++;
    let e = end;
    while (e > s && /\s/.test(text[e - 1])) e--;
    pieces.push({ start: s, end: e, text: text.slice(s, e) });
  };
  for (let i = from; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === ',' && !quoted) {
      push(i);
      start = i + 1;
    }
  }
  push(text.length);
  return pieces;
}

// ---------------------------------------------------------------------------------------------------------
// JSON body
// ---------------------------------------------------------------------------------------------------------

interface JsonFrame {
  type: 'object' | 'array';
  expect: 'key' | 'colon' | 'value' | 'comma';
}

interface JsonScan {
  stack: JsonFrame[];
  /** Offset (in the scanned text) of an unterminated string's opening quote at the end. */
  openString?: number;
  /** The string was in a key position. */
  openStringIsKey?: boolean;
  /** Start of a bare word being typed at the end. */
  bareWord?: number;
  bareWordIsKey?: boolean;
  /** Keys of the top-level object, with their spans. */
  keys: { name: string; start: number; end: number }[];
}

/** A tolerant JSON scanner: enough to know what is expected at the end of `text`. */
export function scanJson(text: string): JsonScan {
  const scan: JsonScan = { stack: [], keys: [] };
  const top = (): JsonFrame | undefined => scan.stack[scan.stack.length - 1];
  const valueDone = (): void => {
    const frame = top();
    if (frame) frame.expect = 'comma';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      const frame = top();
      const isKey = frame?.type === 'object' && frame.expect === 'key';
      if (i >= text.length) {
        scan.openString = start;
        scan.openStringIsKey = isKey;
        return scan;
      }
      i++;
      if (isKey) {
        if (scan.stack.length === 1) scan.keys.push({ name: text.slice(start + 1, i - 1), start, end: i });
        frame.expect = 'colon';
      } else valueDone();
      continue;
    }
    if (ch === '{' && text[i + 1] === '{') {
      // A `{{variable}}` standing for a value.
      const close = text.indexOf('}}', i + 2);
      if (close < 0) return scan;
      i = close + 2;
      valueDone();
      continue;
    }
    if (ch === '{' || ch === '[') {
      const frame = top();
      if (frame) frame.expect = 'comma';
      scan.stack.push({ type: ch === '{' ? 'object' : 'array', expect: ch === '{' ? 'key' : 'value' });
      i++;
      continue;
    }
    if (ch === '}' || ch === ']') {
      scan.stack.pop();
      i++;
      continue;
    }
    if (ch === ':') {
      const frame = top();
      if (frame?.type === 'object') frame.expect = 'value';
      i++;
      continue;
    }
    if (ch === ',') {
      const frame = top();
      if (frame) frame.expect = frame.type === 'object' ? 'key' : 'value';
      i++;
      continue;
    }
    // A bare word: number, true/false/null, or a key being typed without quotes.
    const start = i;
    while (i < text.length && !/[\s,:{}[\]"]/.test(text[i])) i++;
    const frame = top();
    if (i >= text.length) {
      scan.bareWord = start;
      scan.bareWordIsKey = frame?.type === 'object' && frame.expect === 'key';
      return scan;
    }
    if (frame?.type === 'object' && frame.expect === 'key') frame.expect = 'colon';
    else valueDone();
  }
  return scan;
}

interface BodyTarget {
  model: ModelIndex;
  type: StructuredType;
  set?: EntitySet | Singleton;
}

const NOT_ENTITY_SEGMENTS: ReadonlySet<string> = new Set(['operation', 'function', 'functionImport', 'actionImport', 'ref', 'count', 'value', 'property', 'lookup']);

function bodyTarget(document: ODataDocument, info: BlockInfo, context: ServiceContext): BodyTarget | undefined {
  const model = context.model;
  const request = info.request;
  if (!model || !request || !request.url.trim()) return undefined;
  const expanded = expandRequestUrl(request, variableTable(document.file, context.variables), context.system);
  const { bound } = analyzeUrl(expanded.text, model, { flavor: context.flavor, serviceRoot: context.serviceRoot });
  // Entities only: an action's parameters, a `$ref` or a property value are other bodies.
  const last = bound.segments[bound.segments.length - 1];
  if (!last || NOT_ENTITY_SEGMENTS.has(last.kind)) return undefined;
  const type = bound.resultType.structured;
  if (!type || type.kind !== 'EntityType') return undefined;
  return { model, type, set: bound.entitySet };
}

const NUMBER_TYPES = new Set(['Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double', 'Edm.Single', 'Edm.Byte', 'Edm.SByte']);

function valueSnippet(model: ModelIndex, property: Property): string {
  const ref = property.type;
  if (ref.collection) return '[ $1 ]';
  if (ref.name === 'Edm.Boolean') return '${1|true,false|}';
  if (NUMBER_TYPES.has(ref.name)) return '$1';
  const resolved = model.resolveTypeRef(ref);
  if (resolved?.kind === 'EnumType') {
    const members = resolved.members.map((m) => m.name.replace(/[,|\\$}]/g, '')).filter(Boolean);
    return members.length > 0 ? `"\${1|${members.join(',')}|}"` : '"$1"';
  }
  if (resolved?.kind === 'ComplexType') return '{ $1 }';
  if (resolved?.kind === 'TypeDefinition' && NUMBER_TYPES.has(resolved.underlyingType.name)) return '$1';
  return '"$1"';
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

function declaringType(model: ModelIndex, type: StructuredType, member: Property | NavigationProperty): StructuredType {
  for (const t of [type, ...model.baseTypes(type)]) {
    if ((t.properties as (Property | NavigationProperty)[]).includes(member) || (t.navigationProperties as (Property | NavigationProperty)[]).includes(member)) return t;
  }
  return type;
}

function isReadOnly(model: ModelIndex, type: StructuredType, property: Property): boolean {
  const annotations = [...property.annotations, ...safeAnnotations(model, `${declaringType(model, type, property).fullName}/${property.name}`)];
  for (const a of annotations) {
    if (a.term === 'Org.OData.Core.V1.Computed' && isTrue(a.value ?? true)) return true;
    if (a.term === 'Org.OData.Core.V1.Immutable' && isTrue(a.value ?? true)) continue;
    if (a.term === 'Org.OData.Core.V1.Permissions') {
      const text = JSON.stringify(a.value);
      if (/PermissionType\/Read"/.test(text) && !/Write|ReadWrite/.test(text)) return true;
    }
  }
  return false;
}

function safeAnnotations(model: ModelIndex, target: string): { term: string; value: unknown }[] {
  try {
    return model.annotationsFor(target);
  } catch {
    return [];
  }
}

function describe(model: ModelIndex, type: StructuredType, member: Property | NavigationProperty): string | undefined {
  try {
    return model.description(`${declaringType(model, type, member).fullName}/${member.name}`);
  } catch {
    return undefined;
  }
}

function typeText(ref: { name: string; collection: boolean }): string {
  return ref.collection ? `Collection(${ref.name})` : ref.name;
}

function bodyCompletion(document: ODataDocument, offset: number, info: BlockInfo, context: ServiceContext): CompletionItem[] | null {
  const bodyStart = info.bodyStart;
  if (bodyStart === undefined) return null;
  const before = document.text.slice(bodyStart, offset);
  const scan = scanJson(before);

  if (scan.stack.length === 0 && scan.openString === undefined && scan.bareWord === undefined) {
    // Nothing open: an empty body (offer the object), or after it.
    if (before.trim().length > 0) return null;
    const target = bodyTarget(document, info, context);
    const name = target ? target.type.name : 'entity';
    return [
      item(document, { start: offset, end: offset }, '{ }', CompletionItemKind.Snippet, 'JSON body', `A JSON object for the ${name}.`, '{\n\t$0\n}', {
        command: retrigger,
      }),
    ];
  }
  if (scan.stack.length !== 1) return null;

  let span: Span;
  let insertValue = true;
  let quoted = false;
  if (scan.openString !== undefined) {
    if (!scan.openStringIsKey) return null;
    quoted = true;
    const start = bodyStart + scan.openString;
    const restMatch = /^[^"\r\n,:{}]*"?(\s*:)?/.exec(document.text.slice(offset))!;
    const nameRest = /^[^"\r\n,:{}]*"?/.exec(document.text.slice(offset))![0];
    insertValue = restMatch[1] === undefined;
    span = { start, end: offset + nameRest.length };
  } else if (scan.bareWord !== undefined) {
    if (!scan.bareWordIsKey) return null;
    const start = bodyStart + scan.bareWord;
    const rest = /^[\w@.]*/.exec(document.text.slice(offset))![0];
    span = { start, end: offset + rest.length };
  } else {
    if (scan.stack[0].expect !== 'key') return null;
    span = { start: offset, end: offset };
  }

  const target = bodyTarget(document, info, context);
  if (!target) return null;
  const { model, type, set } = target;

  // Keys already written: before the cursor (the scan stops at the key being typed) and after it.
  const present = new Set<string>(scan.keys.map((key) => key.name));
  for (const key of scanAfter(document.text.slice(offset, info.blockEnd))) present.add(key);

  const keyNames = new Set(model.key(type).map((k) => k.name));
  const lookups = new Set(safeLookups(model, type));
  const items: CompletionItem[] = [];
  const push = (label: string, kind: CompletionItem['kind'], detail: string, doc: string, value: string, sortText: string): void => {
    const key = `"${snippetText(label)}"`;
    const newText = insertValue ? `${key}: ${value}` : key;
    items.push(item(document, span, label, kind, detail, doc, newText, { sortText, filterText: quoted ? `"${label}"` : label, insertTextFormat: InsertTextFormat.Snippet }));
  };

  for (const property of model.properties(type)) {
    if (present.has(property.name) || lookups.has(property.name)) continue;
    if (isReadOnly(model, type, property)) continue;
    const isKey = keyNames.has(property.name);
    const description = describe(model, type, property);
    const doc = [`\`${property.name}\`: \`${typeText(property.type)}\`${isKey ? ' (key)' : ''}${property.type.nullable ? '' : ', not nullable'}`, description]
      .filter(Boolean)
      .join('\n\n');
    push(property.name, CompletionItemKind.Property, typeText(property.type) + (isKey ? ' (key)' : ''), doc, valueSnippet(model, property), `${isKey ? 2 : 0}${property.name}`);
  }

  for (const nav of model.navigationProperties(type)) {
    const description = describe(model, type, nav);
    if (!nav.type.collection) {
      const label = `${nav.name}@odata.bind`;
      if (present.has(label) || present.has(nav.name)) continue;
      const targetSet = navigationSet(model, set, nav);
      const path = targetSet ? `/${snippetText(targetSet.name)}(\${1:id})` : '/${1:entityset}(${2:id})';
      const doc = [
        `Associate with an existing \`${nav.type.name.split('.').pop()}\`${targetSet ? ` of \`${targetSet.name}\`` : ''} through the single-valued navigation property \`${nav.name}\` (sets the lookup).`,
        description,
      ]
        .filter(Boolean)
        .join('\n\n');
      push(label, CompletionItemKind.Reference, `bind ${nav.type.name}`, doc, `"${path}"`, `1${nav.name}`);
    } else {
      if (present.has(nav.name)) continue;
      const doc = [`Deep insert: create related \`${nav.type.name.split('.').pop()}\` records together with this one through \`${nav.name}\`.`, description]
        .filter(Boolean)
        .join('\n\n');
      push(nav.name, CompletionItemKind.Module, typeText(nav.type), doc, '[ { $1 } ]', `3${nav.name}`);
    }
  }
  return items;
}

/** Top-level keys after the cursor (the object continues after the key being typed). */
function scanAfter(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = true;
  let i = 0;
  // Skip the rest of the key or word under the cursor.
  while (i < text.length && !/[,{}[\]\r\n]/.test(text[i])) i++;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (depth === 0 && expectKey) keys.push(text.slice(start + 1, i));
      expectKey = false;
      i++;
      continue;
    }
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth < 0) break;
    } else if (ch === ',' && depth === 0) expectKey = true;
    i++;
  }
  return keys;
}

function safeLookups(model: ModelIndex, type: StructuredType): string[] {
  try {
    return model.lookupProperties(type).map((l) => l.name);
  } catch {
    return [];
  }
}

function navigationSet(model: ModelIndex, set: EntitySet | Singleton | undefined, nav: NavigationProperty): EntitySet | Singleton | undefined {
  const bound = set ? model.navigationTarget(set, nav.name) : undefined;
  if (bound) return bound;
  const sets = model.entitySetsOfType(nav.type.name);
  return sets.length === 1 ? sets[0] : undefined;
}
