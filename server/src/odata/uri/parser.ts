/**
 * Recovering recursive-descent parser of OData URLs (OData 4.01 URL conventions + Data Aggregation +
 * Temporal). It never throws: every problem becomes a `SyntaxError` (codes below), the parser
 * resynchronises at `&`, `;`, `)`, `,` or the end of the current part and goes on.
 *
 * Layout: this file holds the entry points. `Parser` (parser/parserCore.ts) owns a `Scanner` over the
 * percent-decoded text; the grammar rules are functions taking it, one file per part: parser/parsePath.ts
 * (resource path), parser/parseOptions.ts (query options, $select/$expand/$orderby/$compute),
 * parser/parseExpression.ts, parser/parseJson.ts, parser/parseSearch.ts; `$apply` in parser/parseApply.ts.
 * Spans are offsets in the original (encoded) text.
 */
import type { Expression, LiteralExpression, LiteralType, ODataUri, ParseOptions, QueryOption, ResourcePath, SearchExpression, SyntaxError, Transformation } from './ast';
import { applyQueryStringSpaces, decodeUrlText, TokenType } from './scanner';
import { matchDuration, matchEnumMembers } from './literals';
import { parseApplyExpr } from './parser/parseApply';
import { validateContextFragment } from './contextUrl';
import { isSyntaxErrorCode } from '../diagnosticCodes';
import { findSystemQueryOption } from '../facts/systemQueryOptions';
import { Parser } from './parser/parserCore';
import { parseExpression as parseExpressionRule } from './parser/parseExpression';
import { parseQueryString, parseSelectItems, parseExpandItems, parseOrderByItems, parseComputeItems } from './parser/parseOptions';
import { parseSearchAt } from './parser/parseSearch';
import { parseResourcePath as parseResourcePathRule, findServiceRootEnd } from './parser/parsePath';

export interface ParseResult<T> {
  errors: SyntaxError[];
  value: T;
}

/** Parses a whole OData URL (absolute, service-relative, or only a query string). */
export function parseUri(text: string, options?: ParseOptions): ODataUri {
  let decoded = decodeUrlText(text);
  const d = decoded.text;
  const n = d.length;
  let queryAt = -1;
  let hashAt = -1;
  for (let i = 0; i < n; i++) {
    const c = d.charCodeAt(i);
    if (decoded.encoded[i]) continue;
    if (c === 63 && queryAt < 0 && hashAt < 0) queryAt = i;
    else if (c === 35 && hashAt < 0) {
      hashAt = i;
      break;
    }
  }
  const pathEndAll = queryAt >= 0 ? queryAt : hashAt >= 0 ? hashAt : n;
  const queryEnd = hashAt >= 0 ? hashAt : n;
  let pathStart = 0;
  let pathEnd = pathEndAll;
  let queryStart = queryAt >= 0 ? queryAt + 1 : -1;
  // A bare query string: `$filter=…`, `filter=…` is ambiguous, so only `$x=` or `@x=` forms.
  if (queryAt < 0 && looksLikeQueryOnly(d, pathEndAll)) {
    pathEnd = 0;
    queryStart = 0;
  }
  const strict = options?.strict === true;
  let plusAt: number[] = [];
  if (!strict && queryStart >= 0) ({ decoded, plusAt } = applyQueryStringSpaces(decoded, queryStart, queryEnd));
  const p = new Parser(decoded);
  p.strict = strict;
  if (plusAt.length > 0) p.tolerate('syntax.unexpected-token', 'syntax.plus-as-space', plusAt[0]!, plusAt[plusAt.length - 1]! + 1);
  const uri: ODataUri = {
    kind: 'Uri',
    span: { start: 0, end: text.length },
    path: { kind: 'ResourcePath', span: { start: 0, end: 0 }, segments: [] },
    queryOptions: [],
    errors: p.errors,
    warnings: p.warnings,
  };
  if (pathEnd > 0) {
    pathStart = findServiceRootEnd(p, pathEnd, options);
    if (pathStart > 0) uri.serviceRoot = p.span(0, pathStart);
    uri.path = parseResourcePathRule(p, pathStart, pathEnd);
  } else {
    uri.path = { kind: 'ResourcePath', span: p.span(0, 0), segments: [] };
  }
  if (queryStart >= 0) {
    uri.querySpan = p.span(queryStart, queryEnd);
    parseQueryString(p, queryStart, queryEnd, uri.queryOptions);
  }
  checkOptionsForPath(p, uri);
  if (hashAt >= 0) {
    const segs = uri.path.segments;
    const last = segs[segs.length - 1];
    if (!(last && last.kind === 'Keyword' && last.name === '$metadata')) {
      p.error('syntax.unexpected-fragment', hashAt, n);
    } else {
      const ctxErrors = validateContextFragment(text.slice(p.sc.offset(hashAt)));
      for (const e of ctxErrors) {
        const base = p.sc.offset(hashAt);
        p.report(isSyntaxErrorCode(e.code) ? e.code : 'syntax.unexpected-token', { start: base + e.span.start, end: base + e.span.end }, e.message);
      }
    }
  }
  return uri;
}

function looksLikeQueryOnly(d: string, end: number): boolean {
  if (end === 0) return false;
  const c = d.charCodeAt(0);
  if (c === 38 /* & */) return true;
  if (c === 64 /* @ */) return /^@[A-Za-z_][A-Za-z0-9_]*=/.test(d);
  if (c !== 36) return false;
  const m = /^\$([A-Za-z]+)=/.exec(d.slice(0, 20));
  return !!m && findSystemQueryOption('$' + m[1]) !== undefined;
}

/** Which options a `$entity`, `$metadata` or `$batch` request accepts. */
function checkOptionsForPath(p: Parser, uri: ODataUri): void {
  const first = uri.path.segments[0];
  if (!first || first.kind !== 'Keyword') return;
  const name = first.name;
  if (name !== '$entity' && name !== '$metadata' && name !== '$batch') return;
  const cast = name === '$entity' && uri.path.segments.length > 1;
  const allowed = new Set(['$format', 'custom', 'alias']);
  if (name === '$entity') {
    allowed.add('$id');
    if (cast) {
      allowed.add('$select');
      allowed.add('$expand');
    }
  }
  let hasId = false;
  for (const o of uri.queryOptions) {
    if (o.kind === '$id') hasId = true;
    if (!allowed.has(o.kind)) p.report('syntax.option-not-allowed', o.nameSpan, `'${o.name}' is not allowed on ${name}${cast ? '/type' : ''}.`);
  }
  if (name === '$entity' && !hasId) {
    p.report('syntax.missing-option', uri.querySpan ?? first.span, '$entity needs $id.');
  }
}

/** Options of the fragment parsers below (the ABNF conformance run passes `strict: true`). */
export interface FragmentParseOptions {
  /** The pure OASIS grammar: what Dynamics tolerates is a syntax error (see `ParseOptions.strict`). */
  strict?: boolean;
}

function fragmentParser(text: string, options: FragmentParseOptions | undefined): Parser {
  const p = new Parser(decodeUrlText(text));
  p.strict = options?.strict === true;
  return p;
}

/** Parses a `$filter`-style expression (the option value only). */
export function parseExpression(text: string, options?: FragmentParseOptions): { expression: Expression; errors: SyntaxError[] } {
  const p = fragmentParser(text, options);
  p.reset(0, p.text.length);
  const expression = parseExpressionRule(p);
  if (!p.is(TokenType.EOF)) p.error('syntax.unexpected-token', p.tok.start, p.text.length, `Unexpected '${p.tok.text}'.`);
  return { expression, errors: p.errors };
}

/** Parses a query string without the leading `?` (`$top=2&$orderby=Name`). */
export function parseQueryOptions(text: string, parseOptions?: FragmentParseOptions): { options: QueryOption[]; errors: SyntaxError[] } {
  const p = fragmentParser(text, parseOptions);
  const options: QueryOption[] = [];
  parseQueryString(p, 0, p.text.length, options);
  return { options, errors: p.errors };
}

/** Parses a resource path relative to the service root (`Categories(1)/Products`). */
export function parseResourcePath(text: string, options?: FragmentParseOptions): { path: ResourcePath; errors: SyntaxError[] } {
  const p = fragmentParser(text, options);
  const path = parseResourcePathRule(p, 0, p.text.length);
  return { path, errors: p.errors };
}

function valueParser<T>(fn: (p: Parser) => T): (text: string, options?: FragmentParseOptions) => { value: T; errors: SyntaxError[] } {
  return (text: string, options?: FragmentParseOptions) => {
    const p = fragmentParser(text, options);
    p.reset(0, p.text.length);
    const value = fn(p);
    if (!p.is(TokenType.EOF)) p.error('syntax.unexpected-token', p.tok.start, p.text.length, `Unexpected '${p.tok.text}'.`);
    return { value, errors: p.errors };
  };
}

/** `$select` value. */
export const parseSelect = valueParser((p) => parseSelectItems(p));

/** `$expand` value. */
export const parseExpand = valueParser((p) => parseExpandItems(p));

/** `$orderby` value. */
export const parseOrderBy = valueParser((p) => parseOrderByItems(p));

/** `$compute` value. */
export const parseCompute = valueParser((p) => parseComputeItems(p));

/** `$apply` value. */
export const parseApply = valueParser((p): Transformation[] => parseApplyExpr(p));

/** `$search` value. */
export function parseSearch(text: string, options?: FragmentParseOptions): { expression?: SearchExpression; errors: SyntaxError[] } {
  const p = fragmentParser(text, options);
  const r = parseSearchAt(p, 0, p.text.length, false);
  if (r.end < p.text.length) p.error('syntax.unexpected-token', r.end, p.text.length);
  return r.expression ? { expression: r.expression, errors: p.errors } : { errors: p.errors };
}

export type LiteralTypeHint = LiteralType | 'byte' | 'sbyte' | 'int16' | 'int32' | 'int64' | 'single';

const intDigits: Record<string, number> = { byte: 3, sbyte: 3, int16: 5, int32: 10, int64: 19 };

/**
 * Parses one URL literal (percent-encoded allowed). With a type hint, the literal must have that type
 * (a quoted string is accepted for duration and enum, as the ABNF allows `'P1D'` and `'Red'`).
 */
export function parseLiteral(text: string, typeHint?: LiteralTypeHint, options?: FragmentParseOptions): { literal?: LiteralExpression; errors: SyntaxError[] } {
  const p = fragmentParser(text, options);
  p.reset(0, p.text.length);
  const t = p.tok;
  let literal: LiteralExpression | undefined;
  if (t.type === TokenType.Identifier) {
    const e = parseExpressionRule(p);
    if (e.kind === 'Literal') literal = e;
  } else if (t.type === TokenType.Minus || t.type === TokenType.Plus) {
    p.error('syntax.invalid-literal', t.start, t.end);
  } else if (t.type !== TokenType.EOF && t.type !== TokenType.JsonString && t.type !== TokenType.AtName) {
    const e = parseExpressionRule(p);
    if (e.kind === 'Literal') literal = e;
  }
  if (!literal) {
    if (p.errors.length === 0) p.error('syntax.invalid-literal', 0, p.text.length, 'A literal was expected.');
    return { errors: p.errors };
  }
  if (!p.is(TokenType.EOF)) p.error('syntax.unexpected-token', p.tok.start, p.text.length);
  if (typeHint && !literalFitsHint(literal, typeHint)) {
    p.error('syntax.invalid-literal', 0, p.text.length, `Not a valid ${typeHint} literal.`);
  }
  return { literal, errors: p.errors };
}

function literalFitsHint(l: LiteralExpression, hint: LiteralTypeHint): boolean {
  const raw = l.raw;
  switch (hint) {
    case 'byte':
    case 'sbyte':
    case 'int16':
    case 'int32':
    case 'int64': {
      if (l.type !== 'int') return false;
      const digits = raw.replace(/^[+-]/, '');
      if (digits.length > intDigits[hint]) return false;
      if (hint === 'byte' && /^[+-]/.test(raw)) return false;
      return true;
    }
    case 'decimal':
    case 'double':
    case 'single':
      return l.type === 'int' || l.type === 'decimal' || l.type === 'double';
    case 'duration':
      return l.type === 'duration' || (l.type === 'string' && matchDuration(String(l.value), 0, String(l.value).length) === String(l.value).length);
    case 'enum':
      return l.type === 'enum' || (l.type === 'string' && matchEnumMembers(String(l.value), 0, String(l.value).length) === String(l.value).length);
    case 'binary':
      return l.type === 'binary' && /^binary'/i.test(raw);
    default:
      return l.type === hint;
  }
}

export { decodeUrlText } from './scanner';

export type { SearchExpression };
