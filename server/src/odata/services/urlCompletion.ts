/**
 * Completion inside request URLs: the resource path, query option names and values, nested `$expand(...)`
 * options to any depth, `$filter` expressions (members, paths, operators, canonical and Dataverse query
 * functions with their arguments, enum members, lambdas), `$orderby`, `$apply`, computed and parameter
 * aliases, and function parameter values.
 *
 * How it finds the context: the text before the cursor (variables expanded) is scanned forward by a small
 * tolerant tokenizer that keeps a stack of frames (query options, nested expand options, parentheses,
 * lambdas) — it works on any incomplete input. Types come from binding the resource path with the binder
 * (bindUri) and following navigation properties named in the frames; the binder's scope at the cursor is a
 * fallback when the text alone does not tell; `$compute`/`$apply` aliases come from the binder's scopes.
 * Work is proportional to the URL and to the members of the types in scope, never to the model: the item
 * data of the path start (per model) and of each type's members (per type and flavour) is built once and
 * reused, so a keystroke only copies it with the current range.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Range,
} from 'vscode-languageserver-types';
import type { EnumType, NavigationProperty, Operation, Parameter, Property, StructuredType, TypeRef } from '../csdl/model';
import type { ModelIndex } from '../csdl/modelIndex';
import type { Flavor } from '../diagnosticCodes';
import { HTTP_METHODS } from '../requestFile/requestFile';
import { bindUri } from '../uri/binder';
import { aggregationMethods, applyTransformations } from '../facts/applyTransformations';
import { canonicalFunctions, canonicalSnippet, signatureText } from '../facts/canonicalFunctions';
import { isDataverseQueryFunction, queryFunctionSnippet } from '../facts/dataverseQueryFunctions';
import { comparisonOperatorWords, operators, operatorWords } from '../facts/operators';
import { findFlavorQueryParameter, findSystemQueryOption, offeredOptions, systemQueryOptionOf } from '../facts/systemQueryOptions';
import { scopeAt } from '../uri/binderScope';
import type { BoundUri } from '../uri/binderTypes';
import { parseUri } from '../uri/parser';
import { matchesTyped } from './completionFilter';
import { setLazyDocumentation } from './lazyDocumentation';
import { requestAt, toRange, urlAtCursor, type ODataDocument, type ServiceContext } from './serviceContext';

// =========================================================================================== entry points

export function completeUrl(document: ODataDocument, offset: number, context: ServiceContext): CompletionList | null {
  const at = urlAtCursor(document, offset, context);
  if (at) {
    const session = new Session(document, context, at.expanded.text, (n) => at.expanded.toDocumentOffset(n), at.request.method !== undefined);
    session.run(at.offset);
    return session.result();
  }
  const request = requestAt(document, offset);
  // Whitespace typed after the URL (the request line is trimmed): `$filter=revenue |`.
  const lastPiece = request?.urlPieces[request.urlPieces.length - 1];
  if (request && lastPiece && lastPiece.text !== '' && offset > lastPiece.span.end) {
    const gap = document.text.slice(lastPiece.span.end, offset);
    const expandedAtEnd = gap.length > 0 && /^[ \t]+$/.test(gap) ? urlAtCursor(document, lastPiece.span.end, context) : undefined;
    if (expandedAtEnd) {
      const base = expandedAtEnd.expanded;
      const length = base.text.length;
      const session = new Session(document, context, base.text + gap, (n) => (n <= length ? base.toDocumentOffset(n) : lastPiece.span.end + (n - length)), request.method !== undefined);
      session.run(length + gap.length);
      return session.result();
    }
  }
  // `GET ` with the cursor after the space and no URL yet: the path start.
  if (request && request.url === '' && request.methodSpan && offset > request.methodSpan.end) {
    const between = document.text.slice(request.methodSpan.end, offset);
    if (/^[ \t]+$/.test(between)) {
      const session = new Session(document, context, '', () => offset, true);
      session.run(0);
      return session.result();
    }
  }
  // A blank line outside any request: a new request starts here.
  if (!request) {
    const lineStart = document.text.lastIndexOf('\n', offset - 1) + 1;
    const lineEnd = document.text.indexOf('\n', offset);
    if (document.text.slice(lineStart, lineEnd < 0 ? document.text.length : lineEnd).trim() === '') {
      const session = new Session(document, context, '', () => offset, false);
      session.run(0);
      return session.result();
    }
  }
  return null;
}



// =========================================================================================== tokenizer

type TokKind = 'id' | 'str' | 'ws' | 'p' | 'group';
interface Tok {
  k: TokKind;
  v: string;
  s: number;
  e: number;
}

interface OptionsFrame {
  kind: 'options';
  top: boolean;
  /** Expand (or select) path that opened this nested frame. */
  navPath?: string[];
  /** Current option name once its `=` was seen. */
  option?: string;
  /** Option names already given in this frame. */
  names: string[];
  /** Completed items of the current `$select` / `$expand` / `$orderby` value. */
  items: string[];
  toks: Tok[];
}

interface ParenFrame {
  kind: 'paren';
  callee?: string;
  /** The path before `/any(` or `/all(`. */
  lambdaPath?: string[];
  lambdaVar?: string;
  argIndex: number;
  argName?: string;
  /** Parameter names already given (`Name=`) in this call. */
  argNames: string[];
  /** A `[...]` collection literal rather than a parenthesis. */
  bracket?: boolean;
  /** True in the resource path (keys and operation parameters). */
  inPath: boolean;
  /** Offset of the `(`. */
  open: number;
  toks: Tok[];
}

type Frame = OptionsFrame | ParenFrame;

interface ScanResult {
  frames: Frame[];
  /** Offset of `?` when the cursor is in the query. */
  query?: number;
  /** Start of an unterminated string the cursor is in (offset after the quote). */
  stringStart?: number;
}

const WORD = /[A-Za-z0-9_.$@*\-%]/;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD.test(ch);
}

/** Length of a percent-encoded character that stands for `ch` at `i` (`%20` for space…), else 0. */
function encoded(text: string, i: number, hex: string): number {
  return text[i] === '%' && text.slice(i + 1, i + 3).toUpperCase() === hex ? 3 : 0;
}

function scan(text: string, end: number): ScanResult {
  const pathFrame: OptionsFrame = { kind: 'options', top: true, names: [], items: [], toks: [] };
  const frames: Frame[] = [pathFrame];
  let query: number | undefined;
  const top = (): Frame => frames[frames.length - 1]!;
  const push = (tok: Tok): void => {
    const toks = top().toks;
    const last = toks[toks.length - 1];
    if (tok.k === 'ws' && last?.k === 'ws') last.e = tok.e;
    else toks.push(tok);
  };
  let i = 0;
  while (i < end) {
    const ch = text[i]!;
    // Strings (in the query and in keys).
    const quote = ch === "'" ? 1 : encoded(text, i, '27');
    if (quote) {
      let j = i + quote;
      let closed = false;
      while (j < end) {
        const q = text[j] === "'" ? 1 : encoded(text, j, '27');
        if (q) {
          const q2 = text[j + q] === "'" ? 1 : encoded(text, j + q, '27');
          if (q2 && j + q < end) {
            j += q + q2;
            continue;
          }
          j += q;
          closed = true;
          break;
        }
        j++;
      }
      if (!closed) return { frames, query, stringStart: i + quote };
      push({ k: 'str', v: text.slice(i, j), s: i, e: j });
      i = j;
      continue;
    }
    const dquote = query !== undefined ? (ch === '"' ? 1 : encoded(text, i, '22')) : 0;
    if (dquote) {
      const closeAt = closingDoubleQuote(text, i + dquote, end);
      if (closeAt < 0) return { frames, query, stringStart: i + dquote };
      push({ k: 'str', v: text.slice(i, closeAt), s: i, e: closeAt });
      i = closeAt;
      continue;
    }
    const space = ch === ' ' || ch === '\t' || (ch === '+' && query !== undefined) ? 1 : encoded(text, i, '20');
    if (space) {
      push({ k: 'ws', v: ' ', s: i, e: i + space });
      i += space;
      continue;
    }
    if (ch === '?' && query === undefined && frames.length === 1) {
      query = i;
      frames.length = 0;
      frames.push({ kind: 'options', top: true, names: [], items: [], toks: [] });
      i++;
      continue;
    }
    if (query !== undefined && ch === '&') {
      frames.length = 1;
      const root = frames[0] as OptionsFrame;
      root.option = undefined;
      root.items = [];
      root.toks = [];
      i++;
      continue;
    }
    if (query !== undefined && ch === ';') {
      while (frames.length > 1 && top().kind !== 'options') frames.pop();
      const frame = top() as OptionsFrame;
      if (!frame.top) {
        frame.option = undefined;
        frame.items = [];
        frame.toks = [];
      }
      i++;
      continue;
    }
    const open = ch === '(' ? 1 : encoded(text, i, '28');
    if (open) {
      const frame = top();
      const last = frame.toks[frame.toks.length - 1];
      const callee = last && last.k === 'id' && last.e === i ? last.v : undefined;
      const option = frame.kind === 'options' ? normalizeOption(frame.option) : undefined;
      if (query !== undefined && frame.kind === 'options' && (option === '$expand' || option === '$select')) {
        frames.push({ kind: 'options', top: false, navPath: pathIds(frame.toks, false), names: [], items: [], toks: [] });
      } else {
        const paren: ParenFrame = { kind: 'paren', argIndex: 0, argNames: [], inPath: query === undefined, open: i, toks: [] };
        if (callee) paren.callee = callee;
        if (callee === 'any' || callee === 'all') paren.lambdaPath = pathIds(frame.toks.slice(0, -1), true);
        frames.push(paren);
      }
      i += open;
      continue;
    }
    const openBracket = query !== undefined ? (ch === '[' ? 1 : encoded(text, i, '5B')) : 0;
    if (openBracket) {
      frames.push({ kind: 'paren', argIndex: 0, argNames: [], inPath: false, open: i, toks: [], bracket: true });
      i += openBracket;
      continue;
    }
    const closeBracket = query !== undefined ? (ch === ']' ? 1 : encoded(text, i, '5D')) : 0;
    if (closeBracket) {
      const frame = top();
      if (frame.kind === 'paren' && frame.bracket) {
        frames.pop();
        push({ k: 'group', v: ']', s: i, e: i + closeBracket });
      } else push({ k: 'p', v: ']', s: i, e: i + closeBracket });
      i += closeBracket;
      continue;
    }
    const close = ch === ')' ? 1 : encoded(text, i, '29');
    if (close) {
      // An unclosed `[` ends with the parenthesis around it.
      while (frames.length > 2 && top().kind === 'paren' && (top() as ParenFrame).bracket) frames.pop();
      if (frames.length > 1) {
        frames.pop();
        push({ k: 'group', v: ')', s: i, e: i + close });
      }
      i += close;
      continue;
    }
    const comma = ch === ',' ? 1 : encoded(text, i, '2C');
    if (comma) {
      const frame = top();
      if (frame.kind === 'paren') {
        frame.argIndex++;
        frame.argName = undefined;
        frame.toks = [];
      } else {
        const item = frame.toks.filter((t) => t.k === 'id' || t.k === 'p').map((t) => t.v).join('');
        if (item) frame.items.push(item);
        frame.toks = [];
      }
      i += comma;
      continue;
    }
    if (ch === '=' || encoded(text, i, '3D')) {
      const frame = top();
      const width = ch === '=' ? 1 : 3;
      if (frame.kind === 'options' && query !== undefined && frame.option === undefined) {
        frame.option = frame.toks.map((t) => t.v).join('').trim();
        frame.names.push(frame.option);
        frame.items = [];
        frame.toks = [];
      } else {
        if (frame.kind === 'paren') {
          const last = lastSignificant(frame.toks);
          if (last?.k === 'id') {
            frame.argName = last.v;
            frame.argNames.push(last.v);
          }
          frame.toks = [];
        } else push({ k: 'p', v: '=', s: i, e: i + width });
      }
      i += width;
      continue;
    }
    if (ch === ':') {
      const frame = top();
      if (frame.kind === 'paren' && frame.lambdaPath) {
        const last = lastSignificant(frame.toks);
        if (last?.k === 'id') frame.lambdaVar = last.v;
        frame.toks = [];
      } else push({ k: 'p', v: ':', s: i, e: i + 1 });
      i++;
      continue;
    }
    if (ch === '/' || encoded(text, i, '2F')) {
      const width = ch === '/' ? 1 : 3;
      push({ k: 'p', v: '/', s: i, e: i + width });
      i += width;
      continue;
    }
    if (isWordChar(ch)) {
      let j = i + 1;
      while (j < end && isWordChar(text[j]) && !encoded(text, j, '20') && !encoded(text, j, '27') && !encoded(text, j, '28') && !encoded(text, j, '29') && !encoded(text, j, '2C') && !encoded(text, j, '3D') && !encoded(text, j, '2F')) j++;
      push({ k: 'id', v: decode(text.slice(i, j)), s: i, e: j });
      i = j;
      continue;
    }
    push({ k: 'p', v: ch, s: i, e: i + 1 });
    i++;
  }
  return { frames, query };
}

/**
 * Offset after the `"` (or `%22`) that closes a JSON string starting at `from`, or -1 when it is not closed
 * before `end`. An `&` ends it too (it would be percent-encoded inside a value), so a stray quote in one
 * option does not swallow the next ones.
 */
function closingDoubleQuote(text: string, from: number, end: number): number {
  let j = from;
  while (j < end) {
    if (text[j] === '&') return j;
    if (text[j] === '\\') {
      j += 2;
      continue;
    }
    const q = text[j] === '"' ? 1 : encoded(text, j, '22');
    if (q) return j + q;
    j++;
  }
  return -1;
}

function decode(text: string): string {
  if (text.indexOf('%') < 0) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function lastSignificant(toks: Tok[]): Tok | undefined {
  for (let i = toks.length - 1; i >= 0; i--) if (toks[i]!.k !== 'ws') return toks[i];
  return undefined;
}

/**
 * The identifiers of a path written just before the end of `toks`: `a/b/` gives [a, b] (`trailingSlash`)
 * or `a/b` gives [a, b] (without).
 */
function pathIds(toks: Tok[], trailingSlash: boolean): string[] {
  const ids: string[] = [];
  let i = toks.length - 1;
  if (trailingSlash) {
    if (toks[i]?.v !== '/' || toks[i]?.k !== 'p') return [];
    i--;
  }
  while (i >= 0) {
    const tok = toks[i]!;
    if (tok.k !== 'id') break;
    ids.unshift(tok.v);
    if (toks[i - 1]?.k === 'p' && toks[i - 1]?.v === '/') i -= 2;
    else break;
  }
  return ids;
}

function normalizeOption(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const lower = name.toLowerCase();
  if (lower.startsWith('$') || lower.startsWith('@')) return lower;
  return systemQueryOptionOf(name)?.name.toLowerCase() ?? lower;
}

// =========================================================================================== knowledge

/** The operators completion offers after an operand, with their documentation. */
const offeredOperators = operators.filter((o) => o.offered);

/** The `$apply` transformations completion offers, in the facts' order. */
const offeredTransformations = applyTransformations.filter((t) => t.offer);


// =========================================================================================== the session

interface Resolved {
  structured?: StructuredType;
  collection: boolean;
  property?: Property;
  navigation?: NavigationProperty;
  enumType?: EnumType;
  typeName?: string;
}

interface Place {
  it?: StructuredType;
  vars: Map<string, StructuredType | undefined>;
  nestedDepth: number;
  /** The nearest options frame. */
  options: OptionsFrame;
  inLambda: boolean;
}

const queryFunctionCache = new WeakMap<ModelIndex, Operation[]>();

interface AddOptions {
  detail?: string;
  /** Markdown; a function for documentation that is costly to make (computed when the item is shown). */
  doc?: string | (() => string | undefined);
  insert?: string;
  snippet?: boolean;
  filter?: string;
  retrigger?: boolean;
}

/** What `add` needs for one item, computed once per model (or type) for the long lists. */
interface Entry {
  label: string;
  kind: CompletionItemKind;
  sort: string;
  options: AddOptions;
}

/** Members of a type: structural properties (`lookup` marks Dataverse `_x_value` lookups) and navigation properties. */
interface MemberEntries {
  properties: (Entry & { lookup: boolean })[];
  navigation: Entry[];
}

const pathStartCache = new WeakMap<ModelIndex, Entry[]>();
/** Per type and flavour (lookups are a Dataverse notion). */
const memberCache = new WeakMap<StructuredType, Map<Flavor, MemberEntries>>();

class Session {
  private readonly items: CompletionItem[] = [];
  private readonly labels = new Set<string>();
  private range: Range | undefined;
  private word = '';
  private wordStart = 0;
  private cursor = 0;
  private frames: Frame[] = [];
  private readonly model: ModelIndex | undefined;
  private readonly flavor: Flavor;
  private bound: BoundUri | undefined | null = null;

  constructor(
    private readonly document: ODataDocument,
    private readonly context: ServiceContext,
    private readonly text: string,
    private readonly toDocument: (offset: number) => number,
    private readonly hasMethod: boolean,
  ) {
    this.model = context.model;
    this.flavor = context.flavor;
  }

  result(): CompletionList {
    return { isIncomplete: this.leftOut, items: this.items };
  }

  /** Set when a long list left entries out (ServiceContext.completionLimit): the editor must ask again. */
  private leftOut = false;

  /**
   * Add cached entries (kept in sort order). Under a completion limit, a list longer than it adds only the
   * entries that match the typed text, and no more than the limit of them: the client's cut to the first N
   * by sort text keeps nothing beyond those.
   */
  private addEntries<E extends Entry>(entries: readonly E[], accept?: (entry: E) => boolean, sortPrefix = ''): void {
    const limit = this.context.completionLimit;
    if (limit === undefined || entries.length <= limit) {
      for (const entry of entries) if (accept === undefined || accept(entry)) this.add(entry.label, entry.kind, sortPrefix + entry.sort, entry.options);
      return;
    }
    const typed = this.typedText();
    let added = 0;
    for (const entry of entries) {
      if (accept !== undefined && !accept(entry)) continue;
      if (added >= limit || (typed !== '' && !matchesTyped(entry.options.filter ?? entry.label, typed))) {
        this.leftOut = true;
        if (added >= limit) break;
        continue;
      }
      if (this.add(entry.label, entry.kind, sortPrefix + entry.sort, entry.options)) added++;
    }
  }

  /** What was typed of the word being completed (its start to the cursor), in lower case, as the client filters it. */
  private typedText(): string {
    if (!this.range) return '';
    const start = this.toDocument(this.wordStart);
    const end = this.toDocument(this.cursor);
    return end > start ? this.document.text.slice(start, end).toLowerCase() : '';
  }

  private setRange(start: number, end: number): void {
    this.wordStart = start;
    this.word = this.text.slice(start, end);
    this.range = toRange(this.document, { start: this.toDocument(start), end: this.toDocument(end) });
  }

  private add(label: string, kind: CompletionItemKind, sort: string, options: AddOptions = {}): boolean {
    if (this.labels.has(label) || !this.range) return false;
    this.labels.add(label);
    const item: CompletionItem = {
      label,
      kind,
      sortText: `${sort}${label}`,
      textEdit: { range: this.range, newText: options.insert ?? label },
      insertTextFormat: options.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    };
    if (options.detail) item.detail = options.detail;
    const doc = options.doc;
    if (typeof doc === 'function') {
      setLazyDocumentation(item, () => {
        const value = doc();
        return value ? { kind: MarkupKind.Markdown, value } : undefined;
      });
    } else if (doc) {
      item.documentation = { kind: MarkupKind.Markdown, value: doc };
    }
    if (options.filter) item.filterText = options.filter;
    if (options.retrigger) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
    this.items.push(item);
    return true;
  }

  /** filterText for qualified names: the short name until the user types a dot. */
  private qualifiedFilter(fullName: string): string {
    return this.word.includes('.') ? fullName : fullName.slice(fullName.lastIndexOf('.') + 1);
  }

  // ------------------------------------------------------------------------------------------ dispatch

  run(cursor: number): void {
    const text = this.text;
    const scanned = scan(text, cursor);
    this.cursor = cursor;
    this.frames = scanned.frames;
    if (scanned.stringStart !== undefined) {
      let end = cursor;
      while (end < text.length && isWordChar(text[end]) && text[end] !== '%') end++;
      this.setRange(scanned.stringStart, end);
      this.completeInString(scanned);
      return;
    }
    let start = cursor;
    while (start > 0 && isWordChar(text[start - 1])) start--;
    let end = cursor;
    while (end < text.length && isWordChar(text[end]) && text[end] !== '%') end++;
    const frames = scanned.frames;
    const inner = frames[frames.length - 1]!;
    // The word being typed is the last token; take it out of the context.
    const last = inner.toks[inner.toks.length - 1];
    if (last && last.k === 'id' && last.e === cursor) {
      inner.toks.pop();
      start = last.s;
    }
    this.setRange(start, end);
    if (scanned.query === undefined) this.completePath(inner, start);
    else this.completeQuery(frames, inner, start);
  }

  // ------------------------------------------------------------------------------------------ path

  private pathStart(): number {
    const uri = parseUri(this.text.slice(0, Math.min(this.text.length, this.text.indexOf('?') < 0 ? this.text.length : this.text.indexOf('?'))), this.parseOptions());
    return uri.serviceRoot?.end ?? 0;
  }

  private parseOptions(): { serviceRoot: string } | undefined {
    return this.context.serviceRoot ? { serviceRoot: this.context.serviceRoot } : undefined;
  }

  private bindText(text: string): BoundUri | undefined {
    if (!this.model) return undefined;
    return bindUri(parseUri(text, this.parseOptions()), this.model, { flavor: this.flavor, suggestions: false });
  }

  private completePath(inner: Frame, wordStart: number): void {
    if (inner.kind === 'paren') {
      this.completePathParens(inner);
      return;
    }
    const rootEnd = this.pathStart();
    let slash = -1;
    for (const tok of inner.toks) if (tok.k === 'p' && tok.v === '/' && tok.s >= rootEnd && tok.e <= wordStart) slash = tok.s;
    // A leading `/` (`/accounts`) is still the path start.
    const leading = this.text.slice(rootEnd, wordStart).replace(/^\/+/, '');
    if (slash < 0 || leading.indexOf('/') < 0) {
      this.completePathStart(wordStart);
      return;
    }
    if (!this.model) return;
    const bound = this.bindText(this.text.slice(0, slash));
    if (!bound) return;
    const lastSegment = bound.segments[bound.segments.length - 1];
    const type = bound.resultType;
    const model = this.model;
    if (type.structured) {
      const structured = type.structured;
      if (!type.collection) {
        this.addMembersAfterEntity(structured);
        const typed = model.findNavigationProperty(structured, this.word);
        if (typed?.type.collection) this.addKeySnippetItem(typed.name, model.findStructuredType(typed.type.name));
        if (structured.hasStream) this.add('$value', CompletionItemKind.Keyword, '4', { detail: 'media stream', doc: 'The media resource (stream) of the entity.' });
      } else {
        this.add('$count', CompletionItemKind.Keyword, '0', { detail: 'Edm.Int32', doc: 'The number of entities in the collection.' });
      }
      if (lastSegment?.kind === 'navigation' || lastSegment?.kind === 'entitySet') {
        if (lastSegment.kind === 'navigation' || !type.collection) this.add('$ref', CompletionItemKind.Keyword, '4', { detail: 'entity reference', doc: 'The reference(s) (`@odata.id`) instead of the entities.' });
      }
      this.addCasts(structured);
      // After a single entity, bound operations rank with its navigation properties, before its columns.
      for (const operation of model.boundOperations(structured.fullName, type.collection)) this.addOperation(operation, true, type.collection ? '6' : '1');
    } else if (type.name && !type.collection && lastSegment && lastSegment.kind === 'property') {
      this.add('$value', CompletionItemKind.Keyword, '0', { detail: type.name, doc: 'The raw value of the property.' });
    }
  }

  private completePathStart(wordStart: number): void {
    const model = this.model;
    const lineStart = this.toDocument(wordStart);
    if (!this.hasMethod && this.text.slice(0, wordStart).trim() === '' && this.isLineStart(lineStart)) {
      for (const method of HTTP_METHODS) {
        this.add(method, CompletionItemKind.Keyword, '9', { detail: 'HTTP method', insert: `${method} `, doc: `Send the request with \`${method}\`.` });
      }
    }
    this.add('$metadata', CompletionItemKind.Keyword, '8', { detail: 'service metadata (CSDL)', doc: 'The service\'s metadata document.' });
    this.add('$batch', CompletionItemKind.Keyword, '8', { detail: 'batch request', doc: 'Several requests in one (`multipart/mixed` or JSON batch), sent with POST.' });
    if (!model) return;
    this.addEntries(this.pathStartEntries(model));
    const exact = model.findEntitySet(this.word);
    if (exact) this.addKeySnippetItem(exact.name, model.findStructuredType(exact.entityType));
  }

  /** Entity sets, singletons, function and action imports: the same for every path start of a model. */
  private pathStartEntries(model: ModelIndex): Entry[] {
    let entries = pathStartCache.get(model);
    if (entries) return entries;
    entries = [];
    const container = model.container?.fullName;
    // Documented when shown: describing every set reads every entity type (see lazyDocumentation.ts).
    for (const set of model.entitySets()) {
      const detail = `Collection(${shortName(set.entityType)})`;
      const doc = (): string | undefined => describe(model, container ? `${container}/${set.name}` : undefined, set.entityType);
      entries.push({ label: set.name, kind: CompletionItemKind.Class, sort: '1', options: { detail, doc } });
    }
    for (const singleton of model.singletons()) {
      const doc = (): string | undefined => describe(model, container ? `${container}/${singleton.name}` : undefined, singleton.type);
      const options = { detail: `${shortName(singleton.type)} (singleton)`, doc };
      entries.push({ label: singleton.name, kind: CompletionItemKind.Class, sort: '2', options });
    }
    for (const fi of model.functionImports()) {
      const operation = model.findOperations(fi.function)[0];
      const parameters = operation ? operation.parameters : [];
      entries.push({
        label: fi.name,
        kind: CompletionItemKind.Function,
        sort: '3',
        options: {
          detail: `function${operation?.returnType ? ` → ${typeText(operation.returnType)}` : ''}`,
          doc: this.describe(fi.function, undefined) ?? signature(fi.name, parameters),
          insert: callSnippet(fi.name, parameters),
          snippet: true,
          filter: fi.name,
        },
      });
    }
    for (const ai of model.actionImports()) {
      const operation = model.findOperations(ai.action)[0];
      entries.push({
        label: ai.name,
        kind: CompletionItemKind.Method,
        sort: '4',
        options: {
          detail: `action (POST)${operation?.returnType ? ` → ${typeText(operation.returnType)}` : ''}`,
          doc: this.describe(ai.action, undefined) ?? signature(ai.name, operation?.parameters ?? []),
        },
      });
    }
    inSortOrder(entries);
    pathStartCache.set(model, entries);
    return entries;
  }

  private isLineStart(documentOffset: number): boolean {
    const text = this.document.text;
    const lineStart = text.lastIndexOf('\n', documentOffset - 1) + 1;
    return text.slice(lineStart, documentOffset).trim() === '';
  }

  private addKeySnippetItem(name: string, type: StructuredType | undefined): void {
    if (!type || !this.model) return;
    const key = this.keyText(type);
    if (!key) return;
    this.add(`${name}(${key.label})`, CompletionItemKind.Snippet, '0', {
      detail: `${shortName(type.fullName)} by key`,
      doc: `Address one \`${shortName(type.fullName)}\` by its key.`,
      insert: `${name}(${key.snippet})`,
      snippet: true,
      filter: name,
    });
  }

  /** The key contents as a snippet: a GUID for Dataverse, named parts elsewhere. */
  private keyText(type: StructuredType): { label: string; snippet: string } | undefined {
    const model = this.model!;
    const key = model.key(type);
    if (key.length === 0) return undefined;
    if (key.length === 1) {
      const property = model.findProperty(type, key[0]!.name);
      if (this.flavor === 'dataverse' || property?.type.name === 'Edm.Guid') {
        if (property?.type.name === 'Edm.Guid') return { label: key[0]!.name, snippet: '${1:00000000-0000-0000-0000-000000000000}' };
      }
      if (this.flavor !== 'fno' && this.flavor !== 'bc' && property) {
        return { label: key[0]!.name, snippet: literalPlaceholder(property.type.name, 1) };
      }
    }
    const parts = key.map((ref, i) => `${ref.alias ?? ref.name}=${literalPlaceholder(model.findProperty(type, ref.name)?.type.name, i + 1)}`);
    return { label: key.map((ref) => ref.alias ?? ref.name).join(','), snippet: parts.join(',') };
  }

  /** Inside `(` in the path: key values or operation parameters. */
  private completePathParens(frame: ParenFrame): void {
    if (!this.model || !frame.callee) return;
    const model = this.model;
    const bound = this.bindText(this.text.slice(0, frame.open));
    const lastSegment = bound?.segments[bound.segments.length - 1];
    const callee = frame.callee;
    const operation = model.findFunctionImport(callee) ? model.findOperations(model.findFunctionImport(callee)!.function)[0] : callee.includes('.') ? model.findOperations(callee)[0] : undefined;
    if (operation) {
      const parameters = operation.isBound ? operation.parameters.slice(1) : operation.parameters;
      if (frame.argName !== undefined) {
        const parameter = parameters.find((p) => p.name === frame.argName);
        if (parameter && !lastSignificant(frame.toks)) {
          this.addLiteralHints(operation, parameter);
          this.addParameterAliases();
        }
        return;
      }
      for (const parameter of parameters) {
        if (frame.argNames.includes(parameter.name)) continue;
        this.add(`${parameter.name}=`, CompletionItemKind.Variable, '0', { detail: `${typeText(parameter.type)}${parameter.type.nullable ? ' (nullable)' : ''}`, insert: `${parameter.name}=`, retrigger: true });
      }
      return;
    }
    const type = bound?.resultType;
    if (!type?.structured || !type.collection || (lastSegment && lastSegment.kind !== 'entitySet' && lastSegment.kind !== 'navigation')) return;
    if (frame.argName !== undefined || frame.argIndex > 0 || lastSignificant(frame.toks)) return;
    const structured = type.structured;
    const key = this.keyText(structured);
    if (key) {
      this.add(key.label, CompletionItemKind.Snippet, '0', {
        detail: `key of ${shortName(structured.fullName)}`,
        doc: `The key of \`${shortName(structured.fullName)}\`: ${model.key(structured).map((k) => `\`${k.name}\``).join(', ')}.`,
        insert: key.snippet,
        snippet: true,
      });
    }
    for (const alternate of model.alternateKeys(structured)) {
      const label = alternate.parts.map((p) => p.alias ?? p.name).join(',');
      const snippet = alternate.parts.map((p, i) => `${p.alias ?? p.name}=${literalPlaceholder(model.findProperty(structured, p.name)?.type.name, i + 1)}`).join(',');
      this.add(label, CompletionItemKind.Snippet, '1', { detail: 'alternate key', doc: `Alternate key of \`${shortName(structured.fullName)}\`.`, insert: snippet, snippet: true });
    }
  }

  // ------------------------------------------------------------------------------------------ query

  /** Resolves the frames to the types in scope at the cursor. */
  private place(frames: Frame[]): Place {
    let it: StructuredType | undefined;
    if (this.model) {
      const queryStart = this.text.indexOf('?');
      const bound = this.bindText(this.text.slice(0, queryStart < 0 ? this.text.length : queryStart));
      if (bound && bound.resultType.structured) it = bound.resultType.structured;
    }
    const vars = new Map<string, StructuredType | undefined>();
    let options = frames[0] as OptionsFrame;
    let nestedDepth = 0;
    let inLambda = false;
    for (const frame of frames) {
      if (frame.kind === 'options') {
        options = frame;
        if (!frame.top) {
          nestedDepth++;
          const resolved = frame.navPath && this.resolvePath(frame.navPath, it, vars);
          it = resolved?.structured;
        }
      } else if (frame.lambdaPath) {
        const resolved = this.resolvePath(frame.lambdaPath, it, vars);
        if (frame.lambdaVar) vars.set(frame.lambdaVar, resolved?.structured);
        inLambda = true;
      }
    }
    return { it, vars, nestedDepth, options, inLambda };
  }

  /** The member path written just before `operator` (`status` in `status eq |`, `status in (|`), resolved. */
  private resolveOperandBefore(toks: Tok[], operator: Tok, place: Place): Resolved | undefined {
    const operandToks = toks.slice(0, toks.lastIndexOf(operator));
    while (operandToks.length && operandToks[operandToks.length - 1]!.k === 'ws') operandToks.pop();
    const ids = pathIds(operandToks, false);
    return ids.length ? this.resolvePath(ids, place.it, place.vars) : undefined;
  }

  /** Follows `a/b/c` from `it` (lambda variables, `$it`, `$this`, properties, navigation, casts). */
  private resolvePath(ids: string[], it: StructuredType | undefined, vars: Map<string, StructuredType | undefined>): Resolved | undefined {
    const model = this.model;
    if (!model) return undefined;
    let current: Resolved = { structured: it, collection: false };
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index]!;
      if (index === 0 && vars.has(id)) {
        current = { structured: vars.get(id), collection: false };
        continue;
      }
      if (index === 0 && (id === '$it' || id === '$this')) continue;
      const type = current.structured;
      if (!type) return undefined;
      const navigation = model.findNavigationProperty(type, id);
      if (navigation) {
        current = { structured: model.findStructuredType(navigation.type.name), collection: navigation.type.collection, navigation };
        continue;
      }
      const property = model.findProperty(type, id);
      if (property) {
        current = {
          structured: model.findStructuredType(property.type.name),
          collection: property.type.collection,
          property,
          enumType: model.findEnumType(property.type.name),
          typeName: property.type.name,
        };
        continue;
      }
      const cast = id.includes('.') ? model.findStructuredType(id) : undefined;
      if (!cast) return undefined;
      current = { structured: cast, collection: current.collection };
    }
    return current;
  }

  /** The scope the binder recorded at the cursor (fallback for the type in scope). */
  private scopeType(offset: number): StructuredType | undefined {
    if (!this.model) return undefined;
    if (this.bound === null) this.bound = this.bindText(this.text);
    if (!this.bound) return undefined;
    return scopeAt(this.bound, offset)?.type;
  }

  private completeQuery(frames: Frame[], inner: Frame, wordStart: number): void {
    const place = this.place(frames);
    if (!place.it) place.it = this.scopeType(wordStart);
    const optionsFrame = place.options;
    const option = normalizeOption(optionsFrame.option);
    if (option === undefined) {
      if (inner.kind === 'options') this.completeOptionNames(optionsFrame, place.nestedDepth > 0, place.nestedDepth > 0 && this.isRecursiveExpand(frames));
      return;
    }
    if (option.startsWith('@')) {
      if (inner.kind === 'options' && !lastSignificant(inner.toks) && this.completeAliasValue(optionsFrame.option ?? '')) return;
      this.completeExpression(inner, place, 'filter');
      return;
    }
    switch (option) {
      case '$select':
        if (inner.kind === 'options') this.completeSelect(inner, place);
        else this.completeExpression(inner, place, 'filter');
        return;
      case '$expand':
        if (inner.kind === 'options') this.completeExpand(inner, place);
        return;
      case '$filter':
        this.completeExpression(inner, place, 'filter');
        return;
      case '$orderby':
        this.completeExpression(inner, place, inner.kind === 'options' ? 'orderby' : 'filter');
        return;
      case '$compute':
        this.completeExpression(inner, place, 'compute');
        return;
      case '$apply':
        this.completeApply(frames, inner, place);
        return;
      case '$count':
      case 'cross-company':
        this.add('true', CompletionItemKind.Value, '0', { detail: 'Edm.Boolean' });
        this.add('false', CompletionItemKind.Value, '1', { detail: 'Edm.Boolean' });
        return;
      case '$levels':
        this.add('max', CompletionItemKind.Value, '0', { detail: 'all levels', doc: 'Follow the recursive expansion to the end.' });
        for (const n of ['1', '2', '3']) this.add(n, CompletionItemKind.Value, '1', { detail: `${n} level(s)` });
        return;
      case '$format':
        this.add('json', CompletionItemKind.Value, '0', { detail: 'application/json' });
        this.add('application/json;odata.metadata=minimal', CompletionItemKind.Value, '1', { detail: 'JSON, minimal metadata' });
        this.add('application/json;odata.metadata=full', CompletionItemKind.Value, '1', { detail: 'JSON, full metadata' });
        this.add('application/json;odata.metadata=none', CompletionItemKind.Value, '1', { detail: 'JSON, no metadata' });
        return;
      case '$schemaversion':
        this.add('2.0', CompletionItemKind.Value, '0', { detail: 'schema version' });
        this.add('2.1', CompletionItemKind.Value, '1', { detail: 'schema version' });
        return;
      default:
        return;
    }
  }

  private completeOptionNames(frame: OptionsFrame, nested: boolean, recursive: boolean): void {
    const given = new Set(frame.names.map((n) => normalizeOption(n)));
    const offered = offeredOptions[this.flavor];
    const names = [...(nested ? offered.nested : offered.top)];
    if (recursive && offered.levels) names.push('$levels');
    names.forEach((name, index) => {
      if (given.has(name)) return;
      const option = findSystemQueryOption(name);
      const parameter = option ? undefined : findFlavorQueryParameter(name);
      this.add(name, CompletionItemKind.Keyword, String(index).padStart(2, '0'), {
        detail: nested ? 'nested query option' : 'query option',
        doc: option?.doc ?? parameter?.doc,
        insert: parameter?.insert ?? `${name}=`,
        filter: name,
        retrigger: option?.retrigger,
      });
    });
    if (nested) return;
    // Parameter aliases used in the URL but not defined yet.
    const defined = new Set(frame.names.filter((n) => n.startsWith('@')));
    const used = this.text.match(/@[A-Za-z_]\w*/g) ?? [];
    for (const alias of used) {
      if (defined.has(alias)) continue;
      this.add(alias, CompletionItemKind.Variable, '0', { detail: 'parameter alias (used, not defined)', insert: `${alias}=`, doc: `Define the value of the parameter alias \`${alias}\`.` });
    }
  }

  private completeSelect(frame: OptionsFrame, place: Place): void {
    const prefix = pathIds(frame.toks, true);
    let type = place.it;
    if (prefix.length > 0) type = this.resolvePath(prefix, place.it, new Map())?.structured;
    if (!type || !this.model) {
      if (prefix.length === 0) this.add('*', CompletionItemKind.Keyword, '9', { detail: 'all properties' });
      return;
    }
    const skip = new Set(frame.items);
    if (prefix.length === 0) {
      this.add('*', CompletionItemKind.Keyword, '9', { detail: 'all properties', doc: 'Select all structural properties (avoid it on Dataverse: it is slow).' });
      this.addComputedAliases(skip);
    }
    this.addMembers(type, { lookups: true, navigation: false, complexOnly: false, skip });
  }

  private completeExpand(frame: OptionsFrame, place: Place): void {
    const prefix = pathIds(frame.toks, true);
    let type = place.it;
    if (prefix.length > 0) type = this.resolvePath(prefix, place.it, new Map())?.structured;
    if (prefix.length === 0) this.add('*', CompletionItemKind.Keyword, '9', { detail: 'all navigation properties' });
    if (!type || !this.model) return;
    const model = this.model;
    const skip = new Set(frame.items.map((item) => item.split('(')[0]!));
    for (const navigation of model.navigationProperties(type)) {
      if (skip.has(navigation.name)) continue;
      this.addNavigation(type, navigation, '0');
    }
    // Complex properties can lead to navigation properties.
    for (const property of model.properties(type)) {
      if (!model.findStructuredType(property.type.name)) continue;
      this.addProperty(type, property, '5');
    }
    this.addCasts(type);
  }

  // ------------------------------------------------------------------------------------------ expressions

  private completeExpression(frame: Frame, place: Place, mode: 'filter' | 'orderby' | 'compute'): void {
    if (frame.kind === 'paren' && this.completeArguments(frame, place)) return;
    const toks = frame.toks;
    const model = this.model;
    // After `path/`: the members of the path's target.
    const prefix = pathIds(toks, true);
    if (prefix.length > 0) {
      const resolved = this.resolvePath(prefix, place.it, place.vars);
      if (!resolved || !resolved.structured) return;
      if (resolved.collection) {
        this.add('any', CompletionItemKind.Function, '0', { detail: 'lambda: true if any item matches', insert: 'any(${1:x}:${1:x}/$0)', snippet: true, doc: 'True when at least one related item satisfies the condition: `nav/any(x:x/name eq \'a\')`.' });
        this.add('all', CompletionItemKind.Function, '0', { detail: 'lambda: true if every item matches', insert: 'all(${1:x}:${1:x}/$0)', snippet: true, doc: 'True when every related item satisfies the condition.' });
        this.add('$count', CompletionItemKind.Keyword, '1', { detail: 'Edm.Int32', doc: 'The number of related items.' });
        this.addCasts(resolved.structured);
        return;
      }
      this.addMembers(resolved.structured, { lookups: this.flavor === 'dataverse', navigation: true, complexOnly: false });
      this.addCasts(resolved.structured);
      return;
    }
    if (lastSignificant(toks)?.k === 'p' && lastSignificant(toks)?.v === '/') return;
    const last = lastSignificant(toks);
    const afterSpace = toks.length > 0 && toks[toks.length - 1]!.k === 'ws';
    if (last && afterSpace && isOperand(last)) {
      if (mode === 'orderby') {
        this.add('asc', CompletionItemKind.Keyword, '0', { detail: 'ascending (default)' });
        this.add('desc', CompletionItemKind.Keyword, '0', { detail: 'descending' });
        return;
      }
      if (mode === 'compute') this.add('as', CompletionItemKind.Keyword, '0', { detail: 'name the computed value', insert: 'as ${1:alias}', snippet: true });
      // After a complete comparison (`name eq 'x' |`), `and` / `or` come first.
      const before = lastSignificant(toks.slice(0, toks.lastIndexOf(last)));
      const compared = before?.k === 'id' && comparisonOperatorWords.has(before.v);
      this.addOperators(compared);
      return;
    }
    if (last && isOperand(last) && !afterSpace) return; // `name|` directly after a string or `)`: nothing sensible.
    // A value position after a comparison: enum members / Booleans for the operand's type.
    if (last && last.k === 'id' && (last.v === 'eq' || last.v === 'ne' || last.v === 'has') && model) {
      const resolved = this.resolveOperandBefore(toks, last, place);
      if (resolved?.enumType) {
        this.addEnumMembers(resolved.enumType);
        this.add('null', CompletionItemKind.Value, '8', { detail: 'null' });
        return;
      }
      if (resolved?.typeName === 'Edm.Boolean') {
        this.add('true', CompletionItemKind.Value, '0', { detail: 'Edm.Boolean' });
        this.add('false', CompletionItemKind.Value, '0', { detail: 'Edm.Boolean' });
        this.add('null', CompletionItemKind.Value, '8', { detail: 'null' });
        return;
      }
    }
    this.addExpressionStart(place, mode);
  }

  private addOperators(logicalFirst: boolean): void {
    offeredOperators.forEach(({ name: op, doc, unsupported }, index) => {
      if (unsupported?.[this.flavor] !== undefined) return;
      const logical = op === 'and' || op === 'or';
      const sort = logicalFirst ? `${logical ? 0 : 1}${String(index).padStart(2, '0')}` : String(index).padStart(2, '0');
      this.add(op, CompletionItemKind.Operator, sort, { detail: 'operator', doc: `\`${op}\`: ${doc}`, insert: `${op} ` });
    });
  }

  private addEnumMembers(enumType: EnumType): void {
    enumType.members.forEach((member, index) => {
      const literal = `${enumType.fullName}'${member.name}'`;
      this.add(literal, CompletionItemKind.EnumMember, String(index).padStart(4, '0'), {
        detail: `${enumType.name} = ${member.value}`,
        doc: this.describe(`${enumType.fullName}/${member.name}`, undefined),
        filter: this.word.includes('.') ? literal : member.name,
      });
    });
    if (this.flavor !== 'fno') return;
    enumType.members.forEach((member, index) => {
      this.add(`'${member.name}'`, CompletionItemKind.EnumMember, `1${String(index).padStart(4, '0')}`, {
        detail: `${enumType.name} = ${member.value} (short form)`,
        doc: this.describe(`${enumType.fullName}/${member.name}`, undefined),
        filter: member.name,
      });
    });
  }

  private addExpressionStart(place: Place, mode: 'filter' | 'orderby' | 'compute'): void {
    const model = this.model;
    if (place.it && model) this.addMembers(place.it, { lookups: this.flavor === 'dataverse', navigation: true, complexOnly: false });
    for (const [name, type] of place.vars) {
      this.add(name, CompletionItemKind.Variable, '0', { detail: type ? `lambda variable: ${shortName(type.fullName)}` : 'lambda variable', insert: name });
    }
    if (normalizeOption(place.options.option) !== '$compute') this.addComputedAliases(undefined);
    if (mode === 'orderby') return;
    this.add('$it', CompletionItemKind.Keyword, '8', { detail: place.it ? shortName(place.it.fullName) : 'the current instance', doc: 'The instance being filtered.' });
    if (place.inLambda || place.nestedDepth > 0) this.add('$this', CompletionItemKind.Keyword, '8', { detail: 'the current instance', doc: 'The current instance of the collection (inside lambdas and nested options).' });
    this.add('$root', CompletionItemKind.Keyword, '8', { detail: 'service root', doc: 'Start a path at the service root: `$root/accounts(…)/name`.' });
    for (const f of canonicalFunctions()) {
      const snippet = canonicalSnippet(f);
      this.add(f.name, CompletionItemKind.Function, '6', { detail: signatureText(f, f.overloads[0], '→'), doc: f.description, insert: snippet, snippet: true, filter: f.name });
    }
    if (model && this.flavor === 'dataverse') {
      for (const operation of this.queryFunctions()) {
        const parameters = operation.parameters;
        const snippet = queryFunctionSnippet(operation);
        this.add(operation.fullName, CompletionItemKind.Function, '7', {
          detail: `query function (${parameters.map((p) => p.name).join(', ')})`,
          doc: this.describe(operation.fullName, undefined) ?? `Dataverse query function \`${operation.name}\`.`,
          insert: snippet,
          snippet: true,
          filter: this.qualifiedFilter(operation.fullName),
        });
      }
    }
    if (mode === 'filter') this.add('not', CompletionItemKind.Operator, '8', { detail: 'logical negation', insert: 'not ' });
    this.add('true', CompletionItemKind.Value, '9', { detail: 'Edm.Boolean' });
    this.add('false', CompletionItemKind.Value, '9', { detail: 'Edm.Boolean' });
    this.add('null', CompletionItemKind.Value, '9', { detail: 'null' });
    this.addParameterAliases();
  }

  /** Dataverse query functions (unbound functions with a PropertyName parameter), once per model. */
  private queryFunctions(): Operation[] {
    const model = this.model!;
    let cached = queryFunctionCache.get(model);
    if (!cached) {
      cached = [];
      for (const schema of model.document.schemas) {
        for (const operation of schema.operations) {
          if (isDataverseQueryFunction(operation)) cached.push(operation);
        }
      }
      queryFunctionCache.set(model, cached);
    }
    return cached;
  }

  /** Inside a string: property names for `PropertyName='…'` of a query function. */
  private completeInString(scanned: ScanResult): void {
    if (!this.model || scanned.query === undefined) return;
    const frames = scanned.frames;
    const inner = frames[frames.length - 1]!;
    if (inner.kind !== 'paren' || inner.argName !== 'PropertyName' || lastSignificant(inner.toks)) return;
    const place = this.place(frames);
    const type = place.it ?? this.scopeType(inner.open);
    if (!type) return;
    const preferred = inner.callee ? preferredPropertyTypes(inner.callee) : undefined;
    for (const property of this.model.properties(type)) this.addProperty(type, property, preferred && !preferred.has(property.type.name) ? '1' : '0');
  }

  // ------------------------------------------------------------------------------------------ call arguments

  /**
   * Positions inside the parentheses of a function call with a known operation (`Microsoft.Dynamics.CRM.In(`),
   * a `[…]` collection literal given to one, and `operand in (…)` lists. True when the position was one of those.
   */
  private completeArguments(frame: ParenFrame, place: Place): boolean {
    const index = this.frames.lastIndexOf(frame);
    const parent = index > 0 ? this.frames[index - 1] : undefined;
    const typed = lastSignificant(frame.toks) !== undefined;
    if (frame.bracket) {
      if (parent?.kind !== 'paren' || !parent.argName || !this.callOperation(parent)) return false;
      if (!typed) {
        this.add('"…"', CompletionItemKind.Value, '0', {
          detail: 'one value (as a string)',
          doc: 'Values in the collection are JSON strings, also for numbers and option-set values: `["1","2"]`. Option-set values are not in $metadata.',
          insert: '"${1}"',
          snippet: true,
          filter: '"',
        });
      }
      return true;
    }
    const operation = frame.callee ? this.callOperation(frame) : undefined;
    if (operation) {
      this.completeOperationArgument(operation, frame, typed, place);
      return true;
    }
    if (frame.callee === undefined && parent && !typed) return this.completeInList(parent, place);
    return false;
  }

  /** The unbound function a call in an expression names (`Microsoft.Dynamics.CRM.LastXDays`), if the model has it. */
  private callOperation(frame: ParenFrame): Operation | undefined {
    const callee = frame.callee;
    if (!this.model || frame.inPath || !callee || !callee.includes('.')) return undefined;
    return this.model.findOperations(callee).find((operation) => operation.kind === 'Function' && !operation.isBound);
  }

  /** `Fn(|`, `Fn(A=1,|`: parameter names not given yet; `Fn(A=|`: values for the parameter's type and aliases. */
  private completeOperationArgument(operation: Operation, frame: ParenFrame, typed: boolean, place: Place): void {
    if (typed) return;
    const parameters = operation.parameters;
    if (frame.argName === undefined) {
      parameters.forEach((parameter, index) => {
        if (frame.argNames.includes(parameter.name)) return;
        const quoted = parameter.name === 'PropertyName';
        this.add(`${parameter.name}=`, CompletionItemKind.Variable, String(index), {
          detail: `${typeText(parameter.type)}${parameter.type.nullable ? ' (nullable)' : ''}`,
          doc: quoted ? 'The name of the property (column) the function tests, in quotes.' : undefined,
          insert: quoted ? `${parameter.name}='\${1}'` : `${parameter.name}=`,
          snippet: quoted,
          filter: parameter.name,
          retrigger: true,
        });
      });
      return;
    }
    const parameter = parameters.find((p) => p.name === frame.argName);
    if (!parameter) return;
    if (parameter.name === 'PropertyName') {
      const type = place.it ?? this.scopeType(frame.open);
      if (type && this.model) {
        const preferred = preferredPropertyTypes(operation.name);
        for (const property of this.model.properties(type)) {
          const nullable = property.type.nullable ? ' (nullable)' : '';
          this.add(`'${property.name}'`, CompletionItemKind.Property, preferred && !preferred.has(property.type.name) ? '1' : '0', {
            detail: `${typeText(property.type)}${nullable}`,
            doc: this.describe(`${type.fullName}/${property.name}`, undefined),
            filter: property.name,
          });
        }
      }
    } else {
      this.addLiteralHints(operation, parameter);
    }
    this.addParameterAliases();
  }

  /** Literal placeholders for a parameter value, by the parameter's type (and for query functions, what they compare). */
  private addLiteralHints(operation: Operation, parameter: Parameter): void {
    const typeName = parameter.type.name;
    if (parameter.type.collection) {
      const strings = typeName === 'Edm.String';
      this.add(strings ? '["…"]' : '[…]', CompletionItemKind.Value, '0', {
        detail: typeText(parameter.type),
        doc: strings ? 'A JSON array of strings: `["a","b"]` (numbers and option-set values too, as strings).' : 'A JSON array of values.',
        insert: strings ? '["${1}"]' : '[${1}]',
        snippet: true,
        filter: '[',
      });
      return;
    }
    const enumType = this.model?.findEnumType(typeName);
    if (enumType) {
      this.addEnumMembers(enumType);
      return;
    }
    for (const hint of literalHints(typeName, operation.name)) {
      this.add(hint.label, CompletionItemKind.Value, '0', { detail: hint.detail, insert: hint.insert, snippet: true, filter: hint.label });
    }
  }

  /** `@name` parameter aliases of the URL: those defined (`&@p1=…`, with their value) and those only used so far. */
  private addParameterAliases(): void {
    const query = this.text.indexOf('?');
    if (query < 0) return;
    const defined = new Map<string, string>();
    const definitions = /[?&]@([A-Za-z_]\w*)=([^&]*)/g;
    for (let match = definitions.exec(this.text); match; match = definitions.exec(this.text)) {
      if (!defined.has(match[1]!)) defined.set(match[1]!, match[2]!);
    }
    for (const [name, value] of defined) {
      const shown = value.length > 40 ? `${value.slice(0, 39)}…` : value;
      this.add(`@${name}`, CompletionItemKind.Variable, '5', { detail: `parameter alias = ${shown}`, doc: `The value of \`@${name}\` is given later in the URL: \`@${name}=${value}\`.` });
    }
    const uses = /@([A-Za-z_]\w*)/g;
    for (let match = uses.exec(this.text); match; match = uses.exec(this.text)) {
      if (match.index === this.wordStart || defined.has(match[1]!)) continue;
      this.add(match[0], CompletionItemKind.Variable, '6', { detail: 'parameter alias (not defined yet)', doc: `Define it with \`&${match[0]}=…\` at the end of the URL.` });
    }
  }

  /**
   * `&@p1=|` where `@p1` is given to a function parameter (`LastXDays(PropertyName=@p1,…)`): the values of that
   * parameter (quoted property names for a PropertyName). False when the alias is not used as a parameter.
   */
  private completeAliasValue(alias: string): boolean {
    if (!this.model) return false;
    const use = new RegExp(`([A-Za-z_]\\w*)=${alias.replace(/[^\w@]/g, '')}(?![\\w])`).exec(this.text);
    if (!use) return false;
    const open = this.text.lastIndexOf('(', use.index);
    const callee = open > 0 ? /[A-Za-z_][\w.]*$/.exec(this.text.slice(Math.max(0, open - 200), open))?.[0] : undefined;
    const operation = callee ? this.model.findOperations(callee).find((o) => o.kind === 'Function') : undefined;
    const parameter = operation?.parameters.find((p) => p.name === use[1]);
    if (!operation || !parameter) return false;
    if (parameter.name !== 'PropertyName') {
      this.addLiteralHints(operation, parameter);
      return true;
    }
    if (this.bound === null) this.bound = this.bindText(this.text);
    const type = this.bound ? scopeAt(this.bound, use.index)?.type : undefined;
    if (!type) return true;
    const preferred = preferredPropertyTypes(operation.name);
    for (const property of this.model.properties(type)) {
      this.add(`'${property.name}'`, CompletionItemKind.Property, preferred && !preferred.has(property.type.name) ? '1' : '0', {
        detail: `${typeText(property.type)}${property.type.nullable ? ' (nullable)' : ''}`,
        doc: this.describe(`${type.fullName}/${property.name}`, undefined),
        filter: property.name,
      });
    }
    return true;
  }

  /** `$compute` and `$apply` aliases (`… as total`) visible at the cursor, with their computed types. */
  private addComputedAliases(skip: Set<string> | undefined): void {
    // Binding the whole URL costs more than the rest of a completion: only when it can define aliases.
    if (!this.model || !/compute|apply/i.test(this.text)) return;
    if (this.bound === null) this.bound = this.bindText(this.text);
    const aliases = this.bound ? scopeAt(this.bound, this.cursor)?.aliases : undefined;
    if (!aliases) return;
    for (const [name, type] of aliases) {
      if (skip?.has(name)) continue;
      const typeName = type.name === undefined ? 'unknown type' : type.name.startsWith('Edm.') ? type.name : shortName(type.name);
      this.add(name, CompletionItemKind.Field, '0', {
        detail: `${type.collection ? `Collection(${typeName})` : typeName} (computed)`,
        doc: `An alias defined with \`as ${name}\` in $compute or $apply.`,
      });
    }
  }

  /** True when the innermost nested `$expand` follows a navigation property back to its own type (`$levels` applies). */
  private isRecursiveExpand(frames: Frame[]): boolean {
    let index = frames.length - 1;
    while (index > 0 && frames[index]!.kind !== 'options') index--;
    const frame = frames[index];
    if (!this.model || index === 0 || frame?.kind !== 'options' || !frame.navPath?.length) return false;
    const source = this.place(frames.slice(0, index)).it;
    const resolved = this.resolvePath(frame.navPath, source, new Map());
    const target = resolved?.structured;
    if (!source || !target || !resolved.navigation) return false;
    const related = (a: StructuredType, b: StructuredType): boolean => a === b || this.model!.baseTypes(a).includes(b);
    return related(target, source) || related(source, target);
  }

  /** `operand in (|`: the members of an enum operand, or true/false. */
  private completeInList(parent: Frame, place: Place): boolean {
    const toks = parent.toks;
    const last = lastSignificant(toks);
    if (!last || last.k !== 'id' || last.v !== 'in' || !this.model) return false;
    const resolved = this.resolveOperandBefore(toks, last, place);
    if (resolved?.enumType) {
      this.addEnumMembers(resolved.enumType);
      return true;
    }
    if (resolved?.typeName === 'Edm.Boolean') {
      this.add('true', CompletionItemKind.Value, '0', { detail: 'Edm.Boolean' });
      this.add('false', CompletionItemKind.Value, '0', { detail: 'Edm.Boolean' });
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------ $apply

  private completeApply(frames: Frame[], inner: Frame, place: Place): void {
    if (inner.kind === 'options') {
      this.addTransformations();
      return;
    }
    const toks = inner.toks;
    const last = lastSignificant(toks);
    const afterSpace = toks.length > 0 && toks[toks.length - 1]!.k === 'ws';
    const callee = inner.callee;
    if (callee === 'aggregate') {
      if (last && afterSpace) {
        if (last.k === 'id' && last.v === 'with') {
          aggregationMethods.forEach((m, i) => this.add(m, CompletionItemKind.Function, String(i), { detail: 'aggregation method', insert: `${m} as ` }));
          return;
        }
        if (last.k === 'id' && (aggregationMethods.includes(last.v) || last.v === '$count')) {
          this.add('as', CompletionItemKind.Keyword, '0', { detail: 'name the aggregate', insert: 'as ${1:alias}', snippet: true });
          return;
        }
        if (last.k === 'id' && last.v !== 'as') {
          this.add('with', CompletionItemKind.Keyword, '0', { detail: 'aggregation method', insert: 'with ' });
          return;
        }
        if (last.k === 'id' && last.v === 'as') return;
      }
      this.add('$count as', CompletionItemKind.Keyword, '0', { detail: 'count of entities', insert: '$count as ${1:count}', snippet: true, filter: '$count' });
      if (place.it && this.model) {
        for (const property of this.model.properties(place.it)) {
          if (!isNumericType(property.type.name) && property.type.name !== 'Edm.Guid' && !property.name.endsWith('_value')) continue;
          this.add(`${property.name} with sum as`, CompletionItemKind.Snippet, '5', {
            detail: typeText(property.type),
            insert: `${property.name} with \${1|sum,min,max,average,countdistinct|} as \${2:${property.name}_\${1}}`,
            snippet: true,
            filter: property.name,
          });
        }
        this.addMembers(place.it, { lookups: false, navigation: true, complexOnly: false });
      }
      return;
    }
    // `groupby((` — the grouping properties; after `),` the transformations.
    const outer = frames[frames.length - 2];
    if (callee === undefined && outer?.kind === 'paren' && outer.callee === 'groupby') {
      this.completeExpression(inner, place, 'orderby');
      // no asc/desc in groupby: drop them
      this.dropLabels(['asc', 'desc']);
      return;
    }
    if (callee === 'groupby') {
      if (inner.argIndex > 0) this.addTransformations();
      return;
    }
    if (callee === 'filter') {
      this.completeExpression(inner, place, 'filter');
      return;
    }
    if (callee === 'orderby') {
      this.completeExpression(inner, place, 'orderby');
      return;
    }
    if (callee === 'compute') {
      this.completeExpression(inner, place, 'compute');
      return;
    }
    if (callee === 'expand') {
      if (inner.argIndex === 0 && place.it && this.model) for (const nav of this.model.navigationProperties(place.it)) this.addNavigation(place.it, nav, '0');
      else if (inner.argIndex > 0) this.addTransformations();
      return;
    }
    if (callee === 'concat') {
      this.addTransformations();
      return;
    }
    if (callee && /^(top|bottom)(count|sum|percent)$/.test(callee) && inner.argIndex > 0) {
      this.completeExpression(inner, place, 'filter');
    }
  }

  private dropLabels(labels: string[]): void {
    for (let i = this.items.length - 1; i >= 0; i--) if (labels.includes(this.items[i]!.label)) this.items.splice(i, 1);
  }

  private addTransformations(): void {
    offeredTransformations.forEach(({ name, offer }, index) => {
      this.add(name, CompletionItemKind.Function, String(index).padStart(2, '0'), { detail: 'transformation', doc: offer!.doc, insert: offer!.snippet, snippet: true, filter: name });
    });
  }

  // ------------------------------------------------------------------------------------------ members

  /**
   * The members after `entity(…)/`: what most likely comes next (navigation properties, then bound operations)
   * sorts before the columns, so a list cut to the completion limit with nothing typed keeps them.
   */
  private addMembersAfterEntity(type: StructuredType): void {
    const model = this.model;
    if (!model) return;
    const entries = this.memberEntries(model, type);
    this.addEntries(entries.navigation, undefined, '0');
    this.addEntries(entries.properties, undefined, '5');
  }

  private addMembers(type: StructuredType, options: { lookups: boolean; navigation: boolean; complexOnly: boolean; skip?: Set<string> }): void {
    const model = this.model;
    if (!model) return;
    const entries = this.memberEntries(model, type);
    this.addEntries(entries.properties, (entry) => (!entry.lookup || options.lookups === true) && !options.skip?.has(entry.label));
    if (!options.navigation) return;
    this.addEntries(entries.navigation, (entry) => !options.skip?.has(entry.label));
  }

  /** The member items of a type, built once per type and flavour. */
  private memberEntries(model: ModelIndex, type: StructuredType): MemberEntries {
    let byFlavor = memberCache.get(type);
    const cached = byFlavor?.get(this.flavor);
    if (cached) return cached;
    const entries: MemberEntries = { properties: [], navigation: [] };
    const keys = new Set(model.key(type).map((k) => k.name));
    for (const property of model.properties(type)) {
      const target = `${type.fullName}/${property.name}`;
      const lookup = this.flavor === 'dataverse' && property.name.startsWith('_') && property.name.endsWith('_value') ? model.findLookupProperty(type, property.name) : undefined;
      if (lookup) {
        const targets = lookup.navigationProperties.map((n) => shortName(n.type.name));
        const detail = `${typeText(property.type)} → ${[...new Set(targets)].join(' | ') || 'lookup'} (lookup)`;
        entries.properties.push({ label: property.name, kind: CompletionItemKind.Reference, sort: '2', options: describedOnUse(model, target, { detail }), lookup: true });
        continue;
      }
      const lookupLike = this.flavor === 'dataverse' && property.name.startsWith('_') && property.name.endsWith('_value');
      entries.properties.push({ label: property.name, kind: CompletionItemKind.Property, sort: keys.has(property.name) ? '0' : '1', options: describedOnUse(model, target, { detail: propertyDetail(property) }), lookup: lookupLike });
    }
    for (const navigation of model.navigationProperties(type)) {
      const target = shortName(navigation.type.name);
      const detail = navigation.type.collection ? `→ Collection(${target})` : `→ ${target} (single)`;
      entries.navigation.push({ label: navigation.name, kind: CompletionItemKind.Module, sort: '3', options: describedOnUse(model, `${type.fullName}/${navigation.name}`, { detail }) });
    }
    inSortOrder(entries.properties);
    inSortOrder(entries.navigation);
    if (!byFlavor) {
      byFlavor = new Map();
      memberCache.set(type, byFlavor);
    }
    byFlavor.set(this.flavor, entries);
    return entries;
  }

  private addProperty(type: StructuredType, property: Property, sort: string): void {
    this.add(property.name, CompletionItemKind.Property, sort, { detail: propertyDetail(property), doc: this.describe(`${type.fullName}/${property.name}`, undefined) });
  }

  private addNavigation(type: StructuredType, navigation: NavigationProperty, sort: string): void {
    const target = shortName(navigation.type.name);
    this.add(navigation.name, CompletionItemKind.Module, sort, {
      detail: navigation.type.collection ? `→ Collection(${target})` : `→ ${target} (single)`,
      doc: this.describe(`${type.fullName}/${navigation.name}`, undefined),
    });
  }

  private addCasts(type: StructuredType): void {
    const model = this.model;
    if (!model) return;
    const derived = model.derivedTypes(type);
    for (let i = 0; i < derived.length && i < 200; i++) {
      const d = derived[i]!;
      this.add(d.fullName, CompletionItemKind.Class, '7', { detail: `cast to ${d.name}`, doc: this.describe(d.fullName, undefined), filter: this.qualifiedFilter(d.fullName) });
    }
  }

  private addOperation(operation: Operation, bound: boolean, sort = '6'): void {
    const parameters = bound ? operation.parameters.slice(1) : operation.parameters;
    const isFunction = operation.kind === 'Function';
    this.add(operation.fullName, isFunction ? CompletionItemKind.Function : CompletionItemKind.Method, sort, {
      detail: `${isFunction ? 'bound function' : 'bound action (POST)'}${operation.returnType ? ` → ${typeText(operation.returnType)}` : ''}`,
      doc: this.describe(operation.fullName, undefined) ?? signature(operation.fullName, parameters),
      insert: isFunction ? callSnippet(operation.fullName, parameters) : operation.fullName,
      snippet: isFunction,
      filter: this.qualifiedFilter(operation.fullName),
    });
  }

  private describe(target: string | undefined, fallbackType: string | undefined): string | undefined {
    return this.model ? describe(this.model, target, fallbackType) : undefined;
  }
}

/**
 * Cached entries in the order an editor shows them (sortText = sort + label): the items of a long list then
 * come out nearly sorted, and cutting it to the first few hundred (server/src/lsp/languageFeatures.ts) is a
 * merge of runs instead of a full sort on every keystroke.
 */
function inSortOrder(entries: Entry[]): void {
  entries.sort((a, b) => (a.sort !== b.sort ? (a.sort < b.sort ? -1 : 1) : a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/**
 * Options whose `doc` is looked up when an item is made of them: a cached member list of thousands (systemuser's
 * navigation properties) describes only the members that pass the completion limit (perf, issue 15).
 */
function describedOnUse(model: ModelIndex, target: string, options: AddOptions): AddOptions {
  return Object.defineProperty(options, 'doc', { enumerable: true, get: () => describe(model, target, undefined) });
}

/** The description of `target`, else of `fallbackType`. */
function describe(model: ModelIndex, target: string | undefined, fallbackType: string | undefined): string | undefined {
  if (target) {
    const description = cachedDescription(model, target);
    if (description) return description;
  }
  return fallbackType ? cachedDescription(model, fallbackType) : undefined;
}

// =========================================================================================== helpers

/** Descriptions by target, per model: completion asks for the same members on every keystroke. */
const descriptionCache = new WeakMap<ModelIndex, Map<string, string | null>>();

function cachedDescription(model: ModelIndex, target: string): string | undefined {
  let cache = descriptionCache.get(model);
  if (!cache) {
    cache = new Map();
    descriptionCache.set(model, cache);
  }
  let value = cache.get(target);
  if (value === undefined) {
    value = model.description(target) ?? null;
    cache.set(target, value);
  }
  return value ?? undefined;
}

/** `Edm.String (nullable) max 100`. */
function propertyDetail(property: Property): string {
  const nullable = property.type.nullable ? ' (nullable)' : '';
  const length = property.type.maxLength !== undefined ? ` max ${property.type.maxLength}` : '';
  return `${typeText(property.type)}${nullable}${length}`;
}

function isOperand(tok: Tok): boolean {
  if (tok.k === 'str' || tok.k === 'group') return true;
  if (tok.k !== 'id') return false;
  return !operatorWords.has(tok.v) && tok.v !== 'as' && tok.v !== 'with';
}

function shortName(name: string): string {
  const collection = /^Collection\((.*)\)$/.exec(name);
  const inner = collection ? collection[1]! : name;
  if (inner.startsWith('Edm.')) return collection ? name : inner;
  const short = inner.slice(inner.lastIndexOf('.') + 1);
  return collection ? `Collection(${short})` : short;
}

function typeText(type: TypeRef): string {
  const name = type.name.startsWith('Edm.') ? type.name : shortName(type.name);
  return type.collection ? `Collection(${name})` : name;
}

function isNumericType(name: string): boolean {
  return /^Edm\.(Decimal|Double|Single|Int16|Int32|Int64|Byte|SByte)$/.test(name);
}

function literalPlaceholder(typeName: string | undefined, index: number): string {
  switch (typeName) {
    case 'Edm.Guid':
      return `\${${index}:00000000-0000-0000-0000-000000000000}`;
    case 'Edm.String':
    case undefined:
      return `'\${${index}}'`;
    default:
      return `\${${index}}`;
  }
}

/**
 * For a Dataverse query function, the property types its PropertyName usually names (offered first):
 * dates for the date functions, GUIDs (lookups, keys) for the user, business unit and hierarchy functions.
 */
function preferredPropertyTypes(functionName: string): Set<string> | undefined {
  const name = functionName.slice(functionName.lastIndexOf('.') + 1);
  if (/Day|Week|Month|Year|Hour|Minute|Fiscal|^On|^Today$|^Yesterday$|^Tomorrow$/.test(name)) return dateTypes;
  if (/User|Business|Under|Above/.test(name)) return guidTypes;
  return undefined;
}
const dateTypes = new Set(['Edm.DateTimeOffset', 'Edm.Date']);
const guidTypes = new Set(['Edm.Guid']);

interface LiteralHint {
  label: string;
  insert: string;
  detail: string;
}

/** Example literals (snippets) for a value of a primitive type; `functionName` refines strings of query functions. */
function literalHints(typeName: string, functionName: string): LiteralHint[] {
  switch (typeName) {
    case 'Edm.Int64':
    case 'Edm.Int32':
    case 'Edm.Int16':
    case 'Edm.Byte':
    case 'Edm.SByte':
      return [{ label: '1', insert: '${1:1}', detail: `${typeName}: a whole number` }];
    case 'Edm.Decimal':
    case 'Edm.Double':
    case 'Edm.Single':
      return [{ label: '0.0', insert: '${1:0.0}', detail: `${typeName}: a number` }];
    case 'Edm.Boolean':
      return [
        { label: 'true', insert: 'true', detail: typeName },
        { label: 'false', insert: 'false', detail: typeName },
      ];
    case 'Edm.Guid':
      return [{ label: '00000000-0000-0000-0000-000000000000', insert: '${1:00000000-0000-0000-0000-000000000000}', detail: `${typeName}: unquoted` }];
    case 'Edm.Date':
      return [{ label: '2025-01-31', insert: '${1:2025-01-31}', detail: `${typeName}: unquoted` }];
    case 'Edm.DateTimeOffset':
      return [{ label: '2025-01-31T00:00:00Z', insert: '${1:2025-01-31T00:00:00Z}', detail: `${typeName}: unquoted` }];
    case 'Edm.String': {
      const name = functionName.slice(functionName.lastIndexOf('.') + 1);
      if (/^On/.test(name)) return [{ label: "'2025-01-31'", insert: "'${1:2025-01-31}'", detail: 'Edm.String: a date in quotes' }];
      if (/Under|Above/.test(name)) return [{ label: "'00000000-0000-0000-0000-000000000000'", insert: "'${1:00000000-0000-0000-0000-000000000000}'", detail: 'Edm.String: the id of the record, in quotes' }];
      return [{ label: "''", insert: "'${1}'", detail: 'Edm.String: text in quotes' }];
    }
    default:
      return [{ label: "''", insert: "'${1}'", detail: `${typeName}` }];
  }
}

function callSnippet(name: string, parameters: Parameter[]): string {
  return `${name}(${parameters.map((p, i) => `${p.name}=${literalPlaceholder(p.type.collection ? 'Collection' : p.type.name, i + 1)}`).join(',')})`;
}

function signature(name: string, parameters: Parameter[]): string {
  return `\`${name}(${parameters.map((p) => `${p.name}: ${typeText(p.type)}`).join(', ')})\``;
}

