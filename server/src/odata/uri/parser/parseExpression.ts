/** Expressions (`commonExpr` / `boolCommonExpr`): operators, literals, calls, member paths, lambdas. */
import type { Argument, ArgumentList, CallExpression, Expression, LambdaExpression, LiteralExpression, LiteralType, PathExpression, PathSegmentExpression, Span, BinaryOperator } from '../ast';
import { TokenType, type Token } from '../scanner';
import { isHexDigit, matchBase64Url, matchDuration, matchEnumMembers, matchGeoBody } from '../literals';
import { parseAggregateInPath } from './parseApply';
import { canonicalFunctionNamesLower } from '../../facts/canonicalFunctions';
import { binaryOperatorLevels } from '../../facts/operators';
import { isExpressionVariable } from '../../facts/urlKeywords';
import { maxDepth, type Parser } from './parserCore';
import { parseJson } from './parseJson';
import { parseNestedOptions } from './parseOptions';

/** `commonExpr` / `boolCommonExpr`. Reports and returns an Error node when nothing can start. */
export function parseExpression(p: Parser): Expression {
  if (p.depth >= maxDepth) return p.tooDeep();
  p.depth++;
  try {
    return parseBinary(p, 0) ?? missingExpression(p);
  } finally {
    p.depth--;
  }
}

function missingExpression(p: Parser): Expression {
  const t = p.tok;
  p.error('syntax.expected-expression', t.start, t.type === TokenType.EOF ? t.start : t.end);
  const start = t.start;
  if (t.type === TokenType.Unknown || t.type === TokenType.Equals || t.type === TokenType.Star || t.type === TokenType.Slash) {
    p.consume();
    return { kind: 'Error', span: p.span(start, p.prevEnd) };
  }
  return { kind: 'Error', span: p.span(start, start) };
}

function parseBinary(p: Parser, level: number): Expression | undefined {
  if (level === binaryOperatorLevels.length) return parseUnary(p, false);
  let left = parseBinary(p, level + 1);
  if (!left) return undefined;
  const ops = binaryOperatorLevels[level];
  for (;;) {
    const t = p.tok;
    if (!t.wsBefore) break;
    let opEnd = t.end;
    if (t.type === TokenType.TypedLiteral && ops.includes((t.typeName ?? '').toLowerCase())) {
      // `a eq'x'`: the operator glued to a quoted literal.
      opEnd = t.start + (t.typeName ?? '').length;
      p.error('syntax.expected-whitespace', t.start, opEnd + 1);
      p.sc.pos = opEnd;
      p.prevEnd = opEnd;
      p.next();
    } else if (t.type === TokenType.Identifier && ops.includes(t.text.toLowerCase())) {
      p.consume();
      if (!p.tok.wsBefore && p.tok.type !== TokenType.EOF) {
        p.error('syntax.expected-whitespace', t.start, p.tok.start + 1);
      }
    } else break;
    const op = p.text.slice(t.start, opEnd).toLowerCase();
    const right = op === 'in' ? parseUnary(p, true) : parseBinary(p, level + 1);
    if (!right) p.error('syntax.expected-expression', p.tok.start, p.tok.start);
    const end = right ? p.prevEnd : opEnd;
    left = {
      kind: 'Binary',
      span: { start: left.span.start, end: p.sc.offset(end) },
      operator: op as BinaryOperator,
      operatorSpan: p.span(t.start, opEnd),
      left,
      ...(right ? { right } : {}),
    };
  }
  return left;
}

export function parseUnary(p: Parser, allowList: boolean): Expression | undefined {
  if (p.depth >= maxDepth) return p.tooDeep();
  p.depth++;
  try {
    return parseUnaryInner(p, allowList);
  } finally {
    p.depth--;
  }
}

function parseUnaryInner(p: Parser, allowList: boolean): Expression | undefined {
  const t = p.tok;
  if (t.type === TokenType.Identifier && t.text.toLowerCase() === 'not') {
    const after = p.sc.peek();
    if (after.type !== TokenType.EOF && (after.wsBefore || after.type === TokenType.OpenParen) && !isTerminator(p, after)) {
      p.consume();
      const operand = parseUnary(p, false);
      if (!operand) p.error('syntax.expected-expression', p.tok.start, p.tok.start);
      return { kind: 'Unary', span: p.span(t.start, p.prevEnd), operator: 'not', operatorSpan: p.span(t.start, t.end), ...(operand ? { operand } : {}) };
    }
  }
  if (t.type === TokenType.Minus) {
    p.consume();
    const operand = parseUnary(p, false);
    if (!operand) p.error('syntax.expected-expression', p.tok.start, p.tok.start);
    return { kind: 'Unary', span: p.span(t.start, p.prevEnd), operator: '-', operatorSpan: p.span(t.start, t.end), ...(operand ? { operand } : {}) };
  }
  return parsePrimary(p, allowList);
}

export function isTerminator(p: Parser, t: Token): boolean {
  switch (t.type) {
    case TokenType.EOF:
    case TokenType.CloseParen:
    case TokenType.Comma:
    case TokenType.Semicolon:
    case TokenType.CloseBracket:
    case TokenType.CloseBrace:
    case TokenType.Colon:
      return true;
    case TokenType.Identifier: {
      const w = t.text.toLowerCase();
      return t.wsBefore && (w === 'and' || w === 'or' || w === 'eq' || w === 'ne');
    }
    default:
      return false;
  }
}

export function parsePrimary(p: Parser, allowList: boolean): Expression | undefined {
  const t = p.tok;
  switch (t.type) {
    case TokenType.OpenParen:
      return parseParenOrList(p, allowList);
    case TokenType.OpenBracket:
    case TokenType.OpenBrace:
      return parseJson(p);
    case TokenType.String:
    case TokenType.Number:
    case TokenType.Guid:
    case TokenType.Date:
    case TokenType.DateTimeOffset:
    case TokenType.TimeOfDay:
    case TokenType.TypedLiteral:
      p.consume();
      return literalFromToken(p, t);
    case TokenType.JsonString:
      p.consume();
      p.error('syntax.invalid-literal', t.start, t.end, 'Double-quoted strings are only allowed inside JSON arrays and objects; use single quotes.');
      return { kind: 'Literal', span: p.span(t.start, t.end), type: 'string', value: t.value ?? '', raw: t.text };
    case TokenType.Identifier:
      return parseIdentifierPrimary(p);
    case TokenType.DollarName:
    case TokenType.AtName:
      return parseMemberPath(p);
    default:
      return undefined;
  }
}

export function literalFromToken(p: Parser, t: Token): LiteralExpression {
  const span = p.span(t.start, t.end);
  const raw = t.text;
  switch (t.type) {
    case TokenType.String:
      if (t.unterminated) p.error('syntax.unterminated-string', t.start, t.end);
      return { kind: 'Literal', span, type: 'string', value: t.value ?? '', raw };
    case TokenType.Number:
      return { kind: 'Literal', span, type: t.numberKind ?? 'int', value: numberValue(raw, t.numberKind ?? 'int'), raw };
    case TokenType.Guid:
      return { kind: 'Literal', span, type: 'guid', value: raw, raw };
    case TokenType.Date:
      return { kind: 'Literal', span, type: 'date', value: raw, raw };
    case TokenType.DateTimeOffset:
      return { kind: 'Literal', span, type: 'dateTimeOffset', value: raw, raw };
    case TokenType.TimeOfDay:
      return { kind: 'Literal', span, type: 'timeOfDay', value: raw, raw };
    default:
      return typedLiteral(p, t);
  }
}

function typedLiteral(p: Parser, t: Token): LiteralExpression {
  const span = p.span(t.start, t.end);
  const typeName = t.typeName ?? '';
  const value = t.value ?? '';
  const lower = typeName.toLowerCase();
  if (t.unterminated) p.error('syntax.unterminated-string', t.start, t.end);
  let type: LiteralType;
  let ok: boolean;
  if (lower === 'duration') {
    type = 'duration';
    ok = matchDuration(value, 0, value.length) === value.length;
  } else if (lower === 'binary') {
    type = 'binary';
    ok = matchBase64Url(value, 0, value.length) === value.length;
  } else if (lower === 'x') {
    type = 'binary';
    ok = value.length % 2 === 0 && [...value].every((ch) => isHexDigit(ch.charCodeAt(0)));
  } else if (lower === 'geography' || lower === 'geometry') {
    type = lower;
    ok = matchGeoBody(value, 0, value.length) === value.length;
  } else {
    type = 'enum';
    ok = typeName.includes('.') && matchEnumMembers(value, 0, value.length) === value.length;
  }
  if (!ok && !t.unterminated) p.error('syntax.invalid-literal', t.start, t.end, `Invalid ${type} literal.`);
  return { kind: 'Literal', span, type, value, raw: t.text, typeName };
}

function parseParenOrList(p: Parser, allowList: boolean): Expression {
  const open = p.consume();
  if (p.is(TokenType.CloseParen)) {
    p.consume();
    if (!allowList) p.error('syntax.expected-expression', open.end, open.end);
    return { kind: 'List', span: p.span(open.start, p.prevEnd), items: [] };
  }
  const first = parseExpression(p);
  if (p.is(TokenType.Comma)) {
    const items = [first];
    while (p.is(TokenType.Comma)) {
      p.consume();
      items.push(parseExpression(p));
    }
    p.closeParen();
    const span = p.span(open.start, p.prevEnd);
    if (!allowList) p.error('syntax.unexpected-list', open.start, p.prevEnd);
    else {
      for (const item of items) {
        if (!isLiteralLike(item)) {
          p.report('syntax.expected-literal', item.span, 'The items of an `in (…)` list must be literals; use a JSON array [...] for expressions.');
        }
      }
    }
    return { kind: 'List', span, items };
  }
  p.closeParen();
  return first;
}

function parseIdentifierPrimary(p: Parser): Expression {
  const t = p.tok;
  const name = t.text;
  const lower = name.toLowerCase();
  const nextChar = p.sc.charCode(t.end);
  const parenFollows = nextChar === 40;
  if (!parenFollows && nextChar !== 47 /* / */) {
    const span = p.span(t.start, t.end);
    if (lower === 'true' || lower === 'false') {
      p.consume();
      return { kind: 'Literal', span, type: 'boolean', value: lower === 'true', raw: name };
    }
    if (name === 'null') {
      p.consume();
      return { kind: 'Literal', span, type: 'null', value: null, raw: name };
    }
    if (name === 'INF' || name === 'NaN') {
      p.consume();
      return { kind: 'Literal', span, type: 'double', value: name === 'INF' ? Infinity : NaN, raw: name };
    }
  }
  if (parenFollows && canonicalFunctionNamesLower.has(lower)) return parseCanonicalCall(p);
  return parseMemberPath(p);
}

function parseCanonicalCall(p: Parser): CallExpression {
  const nameTok = p.consume();
  const lower = nameTok.text.toLowerCase();
  let args: ArgumentList;
  if (lower === 'cast' || lower === 'isof') {
    p.typeNameContext++;
    args = parseArgs(p, false);
    p.typeNameContext--;
  } else if (lower === 'case') {
    args = parseArgs(p, true);
  } else {
    args = parseArgs(p, false);
  }
  return { kind: 'Call', span: p.span(nameTok.start, p.prevEnd), name: nameTok.text, nameSpan: p.span(nameTok.start, nameTok.end), args };
}

/**
 * `( [name=]value, … )` starting at the current `(` token. `casePairs`: `cond:value` pairs.
 * `pathMode`: values must be literals or aliases (keys and function parameters in the resource path).
 */
export function parseArgs(p: Parser, casePairs: boolean, pathMode = false): ArgumentList {
  const open = p.consume();
  const args: Argument[] = [];
  if (p.is(TokenType.CloseParen)) {
    p.consume();
    return { kind: 'ArgumentList', span: p.span(open.start, p.prevEnd), args };
  }
  for (;;) {
    const start = p.tok.start;
    let name: string | undefined;
    let nameSpan: Span | undefined;
    if (p.tok.type === TokenType.Identifier && !casePairs) {
      const after = p.sc.peek();
      if (after.type === TokenType.Equals) {
        const n = p.consume();
        name = n.text;
        nameSpan = p.span(n.start, n.end);
        p.consume();
      }
    }
    const value = pathMode ? parsePathArgValue(p) : parseExpression(p);
    const arg: Argument = { kind: 'Argument', span: p.span(start, p.prevEnd), value };
    if (name !== undefined) {
      arg.name = name;
      arg.nameSpan = nameSpan;
    }
    if (casePairs) {
      if (p.is(TokenType.Colon)) {
        p.consume();
        arg.result = parseExpression(p);
        arg.span = p.span(start, p.prevEnd);
      } else {
        p.error('syntax.unexpected-token', p.tok.start, p.tok.end, "Expected ':' in case(condition:value).");
      }
    }
    args.push(arg);
    if (p.is(TokenType.Comma)) {
      p.consume();
      continue;
    }
    break;
  }
  p.closeParen();
  return { kind: 'ArgumentList', span: p.span(open.start, p.prevEnd), args };
}

/** A key value or function parameter in the resource path: literal, alias or (leniently) JSON. */
function parsePathArgValue(p: Parser): Expression {
  const t = p.tok;
  switch (t.type) {
    case TokenType.String:
    case TokenType.Number:
    case TokenType.Guid:
    case TokenType.Date:
    case TokenType.DateTimeOffset:
    case TokenType.TimeOfDay:
    case TokenType.TypedLiteral:
      p.consume();
      if (t.slashAt !== undefined) p.error('syntax.unencoded-slash', t.slashAt, t.slashAt + 1);
      return literalFromToken(p, t);
    case TokenType.AtName:
      p.consume();
      return { kind: 'Alias', span: p.span(t.start, t.end), name: t.text };
    case TokenType.OpenBracket:
    case TokenType.OpenBrace:
      return parseJson(p);
    case TokenType.Identifier: {
      const lower = t.text.toLowerCase();
      if (lower === 'true' || lower === 'false' || t.text === 'null' || t.text === 'INF' || t.text === 'NaN') return parseIdentifierPrimary(p);
      break;
    }
    default:
      break;
  }
  const start = t.start;
  const expr = parseExpression(p);
  if (expr.kind !== 'Error') p.error('syntax.expected-literal', start, p.prevEnd);
  return expr;
}

/**
 * Member path: `a/b/c`, `$it/x`, `$root/Set(1)/x`, `@alias/x`, `Ns.Type/x`, `Ns.Fn(a=1)/x`, `nav/any(v:…)`,
 * `nav/$count($filter=…)`, `nav/$filter(…)/…`, `Sales/aggregate(…)`.
 */
function parseMemberPath(p: Parser): Expression {
  const startTok = p.tok;
  const segments: PathSegmentExpression[] = [];
  let lambda: LambdaExpression | undefined;
  let first = true;
  for (;;) {
    const t = p.tok;
    if (!first && t.type === TokenType.Identifier && (t.text === 'any' || t.text === 'all') && p.sc.charCode(t.end) === 40) {
      lambda = parseLambda(p);
      break;
    }
    const seg = parsePathSegmentExpr(p, first);
    if (!seg) break;
    segments.push(seg);
    if (p.is(TokenType.Slash) && p.adjacent()) {
      const slash = p.consume();
      first = false;
      if (!p.adjacent() || !startsSegment(p)) {
        p.error('syntax.expected-segment', slash.end, slash.end);
        break;
      }
      continue;
    }
    break;
  }
  const span = p.span(startTok.start, p.prevEnd);
  // A qualified first segment without arguments is a type cast and needs a following segment.
  if (segments.length === 1 && !lambda && p.typeNameContext === 0) {
    const s0 = segments[0];
    if (s0.name.includes('.') && !s0.args && !s0.name.startsWith('@')) {
      p.report('syntax.expected-open-paren', { start: span.end, end: span.end }, `'${s0.name}' needs '(…)' to be a function call, or '/' and a property to be a type cast.`);
    }
  }
  if (segments.length === 1 && !lambda && segments[0].name.startsWith('@') && !segments[0].name.includes('.') && !segments[0].args) {
    return { kind: 'Alias', span, name: segments[0].name };
  }
  // A lone qualified call is a CallExpression.
  if (segments.length === 1 && !lambda && segments[0].args && segments[0].name.includes('.') && !segments[0].key && !segments[0].name.startsWith('@')) {
    const s0 = segments[0];
    const nameEnd = startTok.end;
    return { kind: 'Call', span, name: s0.name, nameSpan: p.span(startTok.start, nameEnd), args: s0.args! };
  }
  const path: PathExpression = { kind: 'Path', span, segments };
  if (lambda) path.lambda = lambda;
  return path;
}

function startsSegment(p: Parser): boolean {
  const t = p.tok.type;
  return t === TokenType.Identifier || t === TokenType.DollarName || t === TokenType.AtName || t === TokenType.Star;
}

function parsePathSegmentExpr(p: Parser, first: boolean): PathSegmentExpression | undefined {
  const t = p.tok;
  if (t.type === TokenType.Identifier) {
    p.consume();
    const seg: PathSegmentExpression = { kind: 'PathSegment', span: p.span(t.start, t.end), name: t.text };
    if (!first && t.text === 'aggregate' && p.is(TokenType.OpenParen) && p.adjacent()) {
      p.consume();
      seg.aggregate = parseAggregateInPath(p);
      p.closeParen();
      seg.span = p.span(t.start, p.prevEnd);
      return seg;
    }
    if (p.is(TokenType.OpenParen) && p.adjacent()) {
      const qualified = t.text.includes('.');
      if (!qualified && canonicalFunctionNamesLower.has(t.text.toLowerCase()) && first) {
        // Reached through a path start such as `length(x)/…` — parse as arguments anyway.
      }
      seg.args = parseArgs(p, false);
      if (first && !qualified && seg.args.args.length === 0) {
        p.error('syntax.empty-key', seg.args.span.start === p.sc.offset(p.prevEnd - 2) ? p.prevEnd - 1 : p.prevEnd - 1, p.prevEnd);
      }
      if (p.is(TokenType.OpenParen) && p.adjacent()) seg.key = parseArgs(p, false);
      seg.span = p.span(t.start, p.prevEnd);
    }
    return seg;
  }
  if (t.type === TokenType.DollarName) {
    p.consume();
    const seg: PathSegmentExpression = { kind: 'PathSegment', span: p.span(t.start, t.end), name: t.text };
    const name = t.text;
    if (name === '$count') {
      if (first) p.error('syntax.unexpected-token', t.start, t.end, "'$count' must follow a collection path.");
      if (p.is(TokenType.OpenParen) && p.adjacent()) {
        seg.options = parseNestedOptions(p, 'count');
        seg.span = p.span(t.start, p.prevEnd);
      }
    } else if (name === '$filter') {
      if (first) p.error('syntax.unexpected-token', t.start, t.end, "'$filter(…)' must follow a collection path.");
      if (p.is(TokenType.OpenParen) && p.adjacent()) {
        seg.args = parseArgs(p, false);
        if (p.is(TokenType.OpenParen) && p.adjacent()) seg.key = parseArgs(p, false);
        seg.span = p.span(t.start, p.prevEnd);
      } else p.error('syntax.expected-open-paren', p.prevEnd, p.prevEnd);
    } else if (isExpressionVariable(name)) {
      if (!first) p.error('syntax.unexpected-segment', t.start, t.end, `'${name}' can only start a path.`);
      if (name === '$root' && !(p.is(TokenType.Slash) && p.adjacent())) p.error('syntax.expected-segment', t.end, t.end, "'$root' must be followed by '/' and a resource path.");
    } else {
      p.error('syntax.unknown-segment', t.start, t.end);
    }
    return seg;
  }
  if (t.type === TokenType.AtName) {
    p.consume();
    const seg: PathSegmentExpression = { kind: 'PathSegment', span: p.span(t.start, t.end), name: t.text };
    return seg;
  }
  if (t.type === TokenType.Star && !first) {
    p.consume();
    return { kind: 'PathSegment', span: p.span(t.start, t.end), name: '*' };
  }
  return undefined;
}

function parseLambda(p: Parser): LambdaExpression {
  const opTok = p.consume();
  const operator = opTok.text as 'any' | 'all';
  const lambda: LambdaExpression = { kind: 'Lambda', span: p.span(opTok.start, opTok.end), operator, operatorSpan: p.span(opTok.start, opTok.end) };
  p.consume(); // '('
  if (p.is(TokenType.CloseParen)) {
    if (operator === 'all') p.error('syntax.expected-lambda', p.tok.start, p.tok.end);
    p.consume();
    lambda.span = p.span(opTok.start, p.prevEnd);
    return lambda;
  }
  if (p.is(TokenType.Identifier) && !p.tok.text.includes('.')) {
    const v = p.consume();
    lambda.variable = v.text;
    lambda.variableSpan = p.span(v.start, v.end);
    if (p.expect(TokenType.Colon, 'syntax.expected-lambda')) {
      lambda.body = parseExpression(p);
    } else p.resync(false);
  } else {
    p.error('syntax.expected-lambda', p.tok.start, p.tok.end);
    p.resync(false);
  }
  p.closeParen();
  lambda.span = p.span(opTok.start, p.prevEnd);
  return lambda;
}

function numberValue(raw: string, kind: 'int' | 'decimal' | 'double'): number | string {
  if (raw === 'INF' || raw === '+INF') return Infinity;
  if (raw === '-INF') return -Infinity;
  if (raw === 'NaN') return NaN;
  const n = Number(raw);
  if (kind === 'int' && !Number.isSafeInteger(n)) return raw;
  return n;
}

function isLiteralLike(e: Expression): boolean {
  if (e.kind === 'Literal') return true;
  return e.kind === 'Unary' && e.operator === '-' && e.operand?.kind === 'Literal';
}
