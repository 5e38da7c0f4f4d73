/** Query options: the query string, each system option's value, nested options, $select/$expand/$orderby/$compute. */
import type { ExpandItem, OrderByItem, PathExpression, PathSegmentExpression, QueryOption, RawOption, SelectItem, ComputeItem, Span } from '../ast';
import { isWhitespace, TokenType } from '../scanner';
import { isDigit, isAsciiLetter, isIdentifierPart, isIdentifierStart } from '../literals';
import { parseApplyExpr } from './parseApply';
import { optionsAllowedIn, systemQueryOptionOf } from '../../facts/systemQueryOptions';
import type { Parser } from './parserCore';
import { parseExpression, isTerminator, parseArgs } from './parseExpression';
import { parseSearchAt } from './parseSearch';

/** Query options in decoded `[start, end)` separated by literal `&`. */
export function parseQueryString(p: Parser, start: number, end: number, into: QueryOption[]): void {
  if (start >= end) return;
  const seen = new Set<string>();
  let i = start;
  for (;;) {
    // An `&` inside a '…' string literal is part of the literal, not the next option: the runner encodes it
    // as %26 when it sends (a quote toggles; `''` toggles twice, so escaped quotes need no special case).
    // A quote left open to the end is a literal being typed: then the option ends at the first `&` after it,
    // so the options that follow still parse.
    let j = i;
    let quoteAt = -1;
    for (; j < end; j++) {
      const c = p.text.charCodeAt(j);
      if (p.sc.isEncoded(j)) continue;
      if (c === 39) quoteAt = quoteAt < 0 ? j : -1;
      else if (c === 38 && quoteAt < 0) break;
    }
    if (j >= end && quoteAt >= 0) {
      for (j = quoteAt; j < end && !(p.text.charCodeAt(j) === 38 && !p.sc.isEncoded(j)); j++);
    }
    if (j > i) {
      const opt = parseOption(p, i, j, 'top', end);
      if (opt) {
        if (opt.kind.startsWith('$')) {
          if (seen.has(opt.kind)) p.report('syntax.duplicate-option', opt.nameSpan, `'${opt.name}' is given more than once.`);
          seen.add(opt.kind);
        }
        into.push(opt);
      }
    } else {
      p.error('syntax.empty-option', i, Math.min(i + 1, end));
    }
    if (j >= end) break;
    i = j + 1;
    if (i >= end) {
      p.error('syntax.empty-option', j, end);
      break;
    }
  }
}

/**
 * One option `name[=value]` whose name starts at decoded `start`. Top level: the option ends at `end`
 * (the next `&`). Nested: the value ends at `;` or the closing `)`; `end` is the outer limit.
 */
function parseOption(p: Parser, start: number, end: number, ctx: OptionContext, outerEnd: number): QueryOption | undefined {
  const text = p.text;
  const nested = ctx !== 'top';
  // Name: up to '=' (or ';' / ')' when nested).
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 61 && !p.sc.isEncoded(i)) break;
    if (nested && (c === 59 || c === 41 || c === 40 || c === 38)) break;
    i++;
  }
  const hasEq = i < end && text.charCodeAt(i) === 61;
  // Dynamics ignores spaces around '=' (Dataverse writes `$select%20=%20subject` in its next links).
  let nameEnd = i;
  if (hasEq && !p.strict) while (nameEnd > start && isWhitespace(text.charCodeAt(nameEnd - 1))) nameEnd--;
  let valueStart = hasEq ? i + 1 : nameEnd;
  if (hasEq && !p.strict && text.charCodeAt(start) !== 64 /* @ */) {
    let after = valueStart;
    while (after < end && isWhitespace(text.charCodeAt(after))) after++;
    const lower = text.slice(start, nameEnd).toLowerCase();
    if (lower === '$search' || lower === 'search') after = valueStart;
    if (nameEnd < i || after > valueStart) {
      let plain = false;
      for (let k = nameEnd; k < after; k++) if (k !== i && !p.sc.isEncoded(k)) plain = true;
      p.tolerate('syntax.unexpected-whitespace', plain ? 'syntax.space-around-equals' : undefined, nameEnd, after);
      valueStart = after;
    }
  }
  const name = text.slice(start, nameEnd);
  const nameSpan = p.span(start, nameEnd);
  const kind = systemQueryOptionOf(name)?.name;
  const base = { name, nameSpan, span: p.span(start, nameEnd) } as const;

  const finishSpan = (opt: QueryOption, valueEnd: number): QueryOption => {
    opt.span = p.span(start, Math.max(valueEnd, nameEnd));
    if (hasEq) opt.valueSpan = p.span(valueStart, Math.max(valueStart, valueEnd));
    return opt;
  };

  if (name.startsWith('@')) {
    if (!isAliasName(name)) p.error('syntax.expected-identifier', start, nameEnd, 'Invalid parameter alias name.');
    if (nested && !nestedAllowed[ctx].has('alias')) p.error('syntax.option-not-allowed', start, nameEnd);
    if (!hasEq) {
      p.error('syntax.expected-equals', start, nameEnd);
      return finishSpan({ kind: 'alias', ...base }, nameEnd);
    }
    p.reset(valueStart, end);
    const value = parseExpression(p);
    const valueEnd = finishValue(p, end, nested);
    return finishSpan({ kind: 'alias', ...base, value }, valueEnd);
  }

  if (!kind) {
    if (name.startsWith('$')) {
      p.error('syntax.unknown-system-option', start, nameEnd, `Unknown system query option '${name}'.`);
    } else if (nested) {
      p.error('syntax.option-not-allowed', start, nameEnd, `Custom option '${name}' is not allowed inside parentheses.`);
    } else if (name.length === 0) {
      p.error('syntax.expected-identifier', start, start + 1, 'Missing option name before "=".');
    } else {
      for (let k = start; k < nameEnd; k++) {
        const c = text.charCodeAt(k);
        if (!p.sc.isEncoded(k) && !isQChar(c)) {
          p.error('syntax.invalid-character', k, k + 1);
          break;
        }
      }
    }
    const valueEnd = nested ? scanRawValueEnd(p, valueStart, end) : end;
    checkRawChars(p, valueStart, valueEnd);
    // Nested: go on from the `;` or `)` after the value, as every other option does.
    if (nested) p.reset(valueEnd, outerEnd);
    const raw = text.slice(valueStart, valueEnd);
    if (name.startsWith('$')) return finishSpan({ kind: 'unknown', ...base, raw }, valueEnd);
    return finishSpan({ kind: 'custom', ...base, raw }, valueEnd);
  }

  if (nested) {
    if (!nestedAllowed[ctx].has(kind)) p.error('syntax.option-not-allowed', start, nameEnd, `'${name}' is not allowed here.`);
  } else if (kind === '$levels') {
    p.error('syntax.option-not-allowed', start, nameEnd, "'$levels' is only allowed inside $expand.");
  }
  if (!hasEq) {
    p.error('syntax.expected-equals', nameEnd, nameEnd);
    p.reset(nameEnd, end);
    return finishSpan(emptyOption(kind, base), nameEnd);
  }
  if (kind !== '$search' && valueStart < end && isWhitespace(text.charCodeAt(valueStart))) {
    p.error('syntax.unexpected-whitespace', valueStart, valueStart + 1);
  }

  switch (kind) {
    case '$filter': {
      p.reset(valueStart, end);
      const expression = parseExpression(p);
      const ve = finishValue(p, end, nested);
      return finishSpan({ kind: '$filter', ...base, expression }, ve);
    }
    case '$at':
    case '$from':
    case '$to':
    case '$toInclusive': {
      p.reset(valueStart, end);
      const expression = parseExpression(p);
      const ve = finishValue(p, end, nested);
      return finishSpan({ kind, ...base, expression }, ve);
    }
    case '$select': {
      p.reset(valueStart, end);
      const items = parseSelectItems(p);
      const ve = finishValue(p, end, nested);
      return finishSpan({ kind: '$select', ...base, items }, ve);
    }
    case '$expand': {
      p.reset(valueStart, end);
      const items = parseExpandItems(p);
      const ve = finishValue(p, end, nested);
      return finishSpan({ kind: '$expand', ...base, items }, ve);
    }
    case '$orderby': {
      p.reset(valueStart, end);
      const items = parseOrderByItems(p);
      const ve = finishValue(p, end, nested);
      return finishSpan({ kind: '$orderby', ...base, items }, ve);
    }
    case '$compute': {
      p.reset(valueStart, end);
      const items = parseComputeItems(p);
      const ve = finishValue(p, end, nested);
      return finishSpan({ kind: '$compute', ...base, items }, ve);
    }
    case '$apply': {
      p.reset(valueStart, end);
      const transformations = parseApplyExpr(p);
      const ve = finishValue(p, end, nested);
      return finishSpan({ kind: '$apply', ...base, transformations }, ve);
    }
    case '$top':
    case '$skip':
    case '$index': {
      p.reset(valueStart, end);
      const t = p.tok;
      let value: number | undefined;
      const re = kind === '$index' ? /^-?\d+$/ : /^\d+$/;
      if (t.type === TokenType.Number && re.test(t.text)) {
        value = Number(t.text);
        p.consume();
      } else {
        p.error('syntax.invalid-number', t.start, Math.max(t.end, t.start + 1), `${kind} needs ${kind === '$index' ? 'an integer' : 'a non-negative integer'}.`);
        if (t.type !== TokenType.EOF && !isTerminator(p, t)) p.consume();
      }
      const ve = finishValue(p, end, nested);
      const opt: QueryOption = { kind, ...base };
      if (value !== undefined) opt.value = value;
      return finishSpan(opt, ve);
    }
    case '$levels': {
      p.reset(valueStart, end);
      const t = p.tok;
      let value: number | 'max' | undefined;
      if (t.type === TokenType.Number && /^[1-9]\d*$/.test(t.text)) {
        value = Number(t.text);
        p.consume();
      } else if (t.type === TokenType.Identifier && t.text.toLowerCase() === 'max') {
        value = 'max';
        p.consume();
      } else {
        p.error('syntax.invalid-number', t.start, Math.max(t.end, t.start + 1), "$levels needs a positive integer or 'max'.");
        if (t.type !== TokenType.EOF && !isTerminator(p, t)) p.consume();
      }
      const ve = finishValue(p, end, nested);
      return finishSpan(value === undefined ? { kind: '$levels', ...base } : { kind: '$levels', ...base, value }, ve);
    }
    case '$count': {
      p.reset(valueStart, end);
      const t = p.tok;
      let value: boolean | undefined;
      const l = t.type === TokenType.Identifier ? t.text.toLowerCase() : '';
      if (l === 'true' || l === 'false') {
        value = l === 'true';
        p.consume();
      } else {
        p.error('syntax.invalid-literal', t.start, Math.max(t.end, t.start + 1), "$count needs 'true' or 'false'.");
        if (t.type !== TokenType.EOF && !isTerminator(p, t)) p.consume();
      }
      const ve = finishValue(p, end, nested);
      return finishSpan(value === undefined ? { kind: '$count', ...base } : { kind: '$count', ...base, value }, ve);
    }
    case '$search': {
      const r = parseSearchAt(p, valueStart, nested ? outerEnd : end, nested);
      if (nested) p.reset(r.end, outerEnd);
      else if (r.end < end) p.error('syntax.unexpected-token', r.end, end);
      return finishSpan(r.expression ? { kind: '$search', ...base, expression: r.expression } : { kind: '$search', ...base }, r.end);
    }
    default: {
      // $format, $skiptoken, $deltatoken, $schemaversion, $id: kept as text.
      const valueEnd = nested ? scanRawValueEnd(p, valueStart, end) : end;
      const raw = text.slice(valueStart, valueEnd);
      if (raw.length === 0) p.error('syntax.expected-expression', valueStart, valueStart, `${kind} needs a value.`);
      else if (kind === '$schemaversion') {
        if (!(raw === '*' || /^[A-Za-z0-9\-._~]+$/.test(raw))) p.error('syntax.invalid-literal', valueStart, valueEnd);
      } else checkRawChars(p, valueStart, valueEnd);
      if (nested) p.reset(valueEnd, outerEnd);
      return finishSpan({ kind: kind as RawOption['kind'], ...base, raw }, valueEnd);
    }
  }
}

/** After a token-parsed option value: top level must be at its end; nested stops at `;` / `)`. */
function finishValue(p: Parser, end: number, nested: boolean): number {
  if (nested) {
    if (!p.is(TokenType.Semicolon) && !p.is(TokenType.CloseParen) && !p.is(TokenType.EOF)) {
      p.error('syntax.unexpected-token', p.tok.start, p.tok.end, `Unexpected '${p.tok.text}'.`);
      p.resync(false);
    }
    return p.prevEnd;
  }
  if (!p.is(TokenType.EOF)) {
    p.error('syntax.unexpected-token', p.tok.start, end, `Unexpected '${p.tok.text}'.`);
  }
  return end;
}

/** End of a raw nested value: the next `;` or unbalanced `)` outside quotes. */
function scanRawValueEnd(p: Parser, start: number, end: number): number {
  let depth = 0;
  let quote = 0;
  for (let i = start; i < end; i++) {
    const c = p.text.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
      continue;
    }
    if (c === 39 || c === 34) quote = c;
    else if (c === 40) depth++;
    else if (c === 41) {
      if (depth === 0) return i;
      depth--;
    } else if (c === 59 && depth === 0) return i;
  }
  return end;
}

/** Characters that must be percent-encoded in a query value. */
function checkRawChars(p: Parser, start: number, end: number): void {
  let quoted = false;
  for (let k = start; k < end; k++) {
    const c = p.text.charCodeAt(k);
    if (c === 39) quoted = !quoted;
    if (p.sc.isEncoded(k)) continue;
    // A space inside a quoted literal is sent encoded, as in $filter: `company='CRONUS International Ltd.'`.
    if (quoted && c === 32 && !p.strict) continue;
    if (c === 35 /* # */ || c === 32 || c === 34 || c === 60 || c === 62 || c === 96 || c === 123 || c === 125 || c === 124 || c === 92 || c === 94) {
      p.error('syntax.invalid-character', k, k + 1, `'${p.text[k]}' must be percent-encoded here.`);
      return;
    }
  }
}

/** `( option ; option … )` at the current `(` token. */
export function parseNestedOptions(p: Parser, ctx: Exclude<OptionContext, 'top'>): QueryOption[] {
  return p.nested(() => parseNestedOptionsInner(p, ctx), () => []);
}

function parseNestedOptionsInner(p: Parser, ctx: Exclude<OptionContext, 'top'>): QueryOption[] {
  const open = p.tok;
  const outerEnd = p.sc.end;
  const options: QueryOption[] = [];
  let pos = open.end;
  for (;;) {
    // Skip whitespace before a name.
    while (pos < outerEnd && isWhitespace(p.text.charCodeAt(pos))) pos++;
    if (pos < outerEnd && p.text.charCodeAt(pos) === 41 && options.length === 0) {
      p.error('syntax.expected-identifier', pos, pos + 1, 'Empty option list.');
      p.reset(pos, outerEnd);
      break;
    }
    const opt = parseOption(p, pos, outerEnd, ctx, outerEnd);
    if (opt) options.push(opt);
    // parseOption leaves the token stream at ';' or ')' (or EOF); a ';' before `pos` would loop forever.
    if (p.is(TokenType.Semicolon) && p.tok.end > pos) {
      pos = p.tok.end;
      continue;
    }
    break;
  }
  p.closeParen();
  return options;
}

export function parseSelectItems(p: Parser): SelectItem[] {
  const items: SelectItem[] = [];
  for (;;) {
    const item = parseSelectItem(p);
    if (item) items.push(item);
    else {
      p.error('syntax.expected-identifier', p.tok.start, p.tok.end, 'A property, navigation property, * or operation name was expected.');
      p.resync(true);
    }
    if (p.is(TokenType.Comma)) {
      const comma = p.consume();
      // Dynamics ignores a trailing comma in $select.
      if (!p.strict && (p.is(TokenType.EOF) || p.is(TokenType.Semicolon) || p.is(TokenType.CloseParen))) {
        p.tolerate('syntax.expected-identifier', 'syntax.trailing-comma', comma.start, comma.end);
        return items;
      }
      continue;
    }
    return items;
  }
}

function parseSelectItem(p: Parser): SelectItem | undefined {
  const start = p.tok.start;
  const segments = parseOptionPathSegments(p, false);
  if (segments.length === 0) return undefined;
  const path: PathExpression = { kind: 'Path', span: p.span(start, p.prevEnd), segments };
  const item: SelectItem = { kind: 'SelectItem', span: path.span, path };
  if (p.is(TokenType.OpenParen) && p.adjacent()) {
    const after = p.sc.peek();
    const afterAfterIsEq = (() => {
      if (after.type !== TokenType.Identifier) return false;
      const save = p.sc.pos;
      p.sc.scan();
      const t2 = p.sc.scan();
      p.sc.pos = save;
      return t2.type === TokenType.Equals;
    })();
    if (after.type === TokenType.DollarName || after.type === TokenType.AtName || afterAfterIsEq) {
      const open = p.tok.start;
      item.options = parseNestedOptions(p, 'select');
      item.optionsSpan = p.span(open, p.prevEnd);
    } else {
      // Parameter names of a function overload: `Fn(p1,p2)`.
      const last = segments[segments.length - 1];
      last.args = parseArgs(p, false);
      for (const a of last.args.args) {
        if (a.value.kind !== 'Path' || a.value.segments.length !== 1 || a.name) {
          p.report('syntax.expected-identifier', a.span, 'Expected parameter names.');
        }
      }
      last.span = { start: last.span.start, end: p.sc.offset(p.prevEnd) };
    }
    item.span = p.span(start, p.prevEnd);
    path.span = { start: path.span.start, end: path.span.end };
  }
  return item;
}

/**
 * `a/b/Ns.T/c`, `*`, `Ns.*`, `@Ns.Term`, `$value` … for $select/$expand items.
 * Stops before `(`, `,`, `;`, `)`.
 */
function parseOptionPathSegments(p: Parser, expand: boolean): PathSegmentExpression[] {
  const segments: PathSegmentExpression[] = [];
  for (;;) {
    const t = p.tok;
    if (t.type === TokenType.Identifier || t.type === TokenType.AtName || t.type === TokenType.Star) {
      p.consume();
      segments.push({ kind: 'PathSegment', span: p.span(t.start, t.end), name: t.type === TokenType.Star ? '*' : t.text });
    } else if (t.type === TokenType.DollarName && expand && (t.text === '$ref' || t.text === '$count' || (t.text === '$value' && segments.length === 0))) {
      p.consume();
      segments.push({ kind: 'PathSegment', span: p.span(t.start, t.end), name: t.text });
    } else {
      if (segments.length > 0) p.error('syntax.expected-segment', t.start, t.end);
      break;
    }
    if (p.is(TokenType.Slash) && p.adjacent()) {
      p.consume();
      continue;
    }
    break;
  }
  return segments;
}

export function parseExpandItems(p: Parser): ExpandItem[] {
  const items: ExpandItem[] = [];
  for (;;) {
    const start = p.tok.start;
    const segments = parseOptionPathSegments(p, true);
    if (segments.length === 0) {
      p.error('syntax.expected-identifier', p.tok.start, p.tok.end, 'A navigation property or * was expected.');
      p.resync(true);
    } else {
      const path: PathExpression = { kind: 'Path', span: p.span(start, p.prevEnd), segments };
      const item: ExpandItem = { kind: 'ExpandItem', span: path.span, path, options: [] };
      const names = segments.map((s) => s.name);
      const last = names[names.length - 1];
      for (let k = 0; k < names.length - 1; k++) {
        if (names[k] === '$ref' || names[k] === '$count' || names[k] === '$value') {
          p.report('syntax.unexpected-segment', segments[k + 1].span, `Nothing may follow '${names[k]}'.`);
        }
      }
      if (last === '$value' && names.length > 1) {
        p.report('syntax.unexpected-segment', segments[names.length - 1].span, "'$value' is only allowed alone.");
      }
      if (p.is(TokenType.OpenParen) && p.adjacent()) {
        const ctx: Exclude<OptionContext, 'top'> =
          last === '$ref' ? 'expandRef' : last === '$count' ? 'expandCount' : last === '*' ? 'expandStar' : 'expand';
        const open = p.tok.start;
        if (last === '$value') p.error('syntax.unexpected-token', p.tok.start, p.tok.end);
        item.options = parseNestedOptions(p, ctx);
        item.optionsSpan = p.span(open, p.prevEnd);
        item.span = p.span(start, p.prevEnd);
      }
      items.push(item);
    }
    if (p.is(TokenType.Comma)) {
      p.consume();
      continue;
    }
    return items;
  }
}

export function parseOrderByItems(p: Parser): OrderByItem[] {
  const items: OrderByItem[] = [];
  for (;;) {
    const start = p.tok.start;
    const expression = parseExpression(p);
    const item: OrderByItem = { kind: 'OrderByItem', span: p.span(start, p.prevEnd), expression };
    const t = p.tok;
    if (t.type === TokenType.Identifier && t.wsBefore && (t.text.toLowerCase() === 'asc' || t.text.toLowerCase() === 'desc')) {
      p.consume();
      item.direction = t.text.toLowerCase() as 'asc' | 'desc';
      item.directionSpan = p.span(t.start, t.end);
      item.span = p.span(start, p.prevEnd);
    }
    items.push(item);
    if (p.is(TokenType.Comma)) {
      p.consume();
      continue;
    }
    return items;
  }
}

export function parseComputeItems(p: Parser): ComputeItem[] {
  const items: ComputeItem[] = [];
  for (;;) {
    const start = p.tok.start;
    const expression = parseExpression(p);
    const item: ComputeItem = { kind: 'ComputeItem', span: p.span(start, p.prevEnd), expression };
    const alias = parseAsAlias(p);
    if (alias) {
      item.alias = alias.name;
      item.aliasSpan = alias.span;
      item.span = p.span(start, p.prevEnd);
    }
    items.push(item);
    if (p.is(TokenType.Comma)) {
      p.consume();
      continue;
    }
    return items;
  }
}

/** `RWS "as" RWS alias`; reports when missing. */
export function parseAsAlias(p: Parser, required = true): { name: string; span: Span } | undefined {
  const t = p.tok;
  if (t.type === TokenType.Identifier && t.text === 'as' && t.wsBefore) {
    p.consume();
    const a = p.tok;
    if (a.type === TokenType.Identifier && a.wsBefore && !a.text.includes('.')) {
      p.consume();
      return { name: a.text, span: p.span(a.start, a.end) };
    }
    p.error('syntax.expected-alias', a.start, a.end);
    return undefined;
  }
  if (required) p.error('syntax.expected-alias', t.start, t.end);
  return undefined;
}

type OptionContext = 'top' | 'expand' | 'expandRef' | 'expandCount' | 'expandStar' | 'select' | 'count';

/** Which options each parenthesised place allows (`alias`: parameter aliases), from the facts. */
const nestedAllowed: Record<Exclude<OptionContext, 'top'>, ReadonlySet<string>> = {
  expand: optionsAllowedIn('expand'),
  expandRef: optionsAllowedIn('expandRef'),
  expandCount: optionsAllowedIn('expandCount'),
  expandStar: optionsAllowedIn('expandStar'),
  select: optionsAllowedIn('select'),
  count: optionsAllowedIn('count'),
};

type OptionBaseFields = { name: string; nameSpan: Span; span: Span };

/** An option written without `=`: the shape of its kind, with nothing in it (the binder relies on the shape). */
function emptyOption(kind: string, base: OptionBaseFields): QueryOption {
  switch (kind) {
    case '$select':
    case '$expand':
    case '$orderby':
    case '$compute':
      return { kind, ...base, items: [] } as QueryOption;
    case '$apply':
      return { kind, ...base, transformations: [] };
    case '$filter':
    case '$search':
    case '$at':
    case '$from':
    case '$to':
    case '$toInclusive':
    case '$top':
    case '$skip':
    case '$index':
    case '$count':
    case '$levels':
      return { kind, ...base } as QueryOption;
    default:
      return { kind: kind as RawOption['kind'], ...base, raw: '' };
  }
}

function isAliasName(name: string): boolean {
  if (name.length < 2 || !isIdentifierStart(name.charCodeAt(1))) return false;
  for (let i = 2; i < name.length; i++) if (!isIdentifierPart(name.charCodeAt(i))) return false;
  return true;
}

/** qchar-no-AMP-EQ (unencoded). */
function isQChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c > 127 || "-._~!()*+,;:@/?$'".includes(String.fromCharCode(c));
}
