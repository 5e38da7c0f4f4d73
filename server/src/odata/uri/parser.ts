/**
 * Recovering recursive-descent parser of OData URLs (OData 4.01 URL conventions + Data Aggregation +
 * Temporal). It never throws: every problem becomes a `SyntaxError` (codes below), the parser
 * resynchronises at `&`, `;`, `)`, `,` or the end of the current part and goes on.
 *
 * Layout: `Parser` owns a `Scanner` over the percent-decoded text; parse functions follow the grammar
 * rules (resource path, query options, expressions, $select/$expand/$orderby/$compute/$search) and
 * `$apply` lives in applyParser.ts. Spans are offsets in the original (encoded) text.
 */
import type {
  Argument,
  ArgumentList,
  CallExpression,
  Expression,
  ExpandItem,
  JsonExpression,
  LambdaExpression,
  LiteralExpression,
  LiteralType,
  ODataUri,
  OrderByItem,
  ParseOptions,
  PathExpression,
  PathSegment,
  PathSegmentExpression,
  QueryOption,
  RawOption,
  ResourcePath,
  SearchExpression,
  SelectItem,
  ComputeItem,
  Span,
  SyntaxError,
  Transformation,
  BinaryOperator,
} from './ast';
import { applyQueryStringSpaces, decodeUrlText, isWhitespace, Scanner, TokenType, type DecodedText, type Token } from './scanner';
import {
  isDigit,
  isAsciiLetter,
  isHexDigit,
  isIdentifierPart,
  isIdentifierStart,
  matchBase64Url,
  matchDuration,
  matchEnumMembers,
  matchGeoBody,
} from './literals';
import { parseAggregateInPath, parseApplyExpr } from './applyParser';
import { validateContextFragment } from './contextUrl';
import { diagnosticCodes, isSyntaxErrorCode, syntaxErrorCodes, type SyntaxErrorCode } from '../diagnosticCodes';
import { canonicalFunctionNamesLower } from '../facts/canonicalFunctions';
import { binaryOperatorLevels } from '../facts/operators';
import { findSystemQueryOption, optionsAllowedIn, systemQueryOptionOf } from '../facts/systemQueryOptions';


// ---------------------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------------------

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

const NOT_JSON = Symbol('not-json');
/** Maximum nesting of expressions and search groups. */
const maxDepth = 200;

// ---------------------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------------------

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

export class Parser {
  readonly errors: SyntaxError[] = [];
  /** What Dynamics accepts although the grammar does not (lenient mode only; see `tolerate`). */
  readonly warnings: SyntaxError[] = [];
  /** Pure OASIS grammar: tolerated forms are errors. */
  strict = false;
  private readonly reported = new Set<string>();
  readonly sc: Scanner;
  readonly text: string;
  tok: Token;
  /** Decoded end of the last consumed token. */
  prevEnd: number;
  /** Depth of contexts where a bare qualified name is a type name (`cast`, `isof`, aggregate cast paths). */
  private typeNameContext = 0;

  /** Runs `fn` where a bare qualified name (`Ns.Type`) is accepted as a type name. */
  withTypeNames<T>(fn: () => T): T {
    this.typeNameContext++;
    try {
      return fn();
    } finally {
      this.typeNameContext--;
    }
  }

  constructor(readonly decoded: DecodedText) {
    this.sc = new Scanner(decoded);
    this.text = decoded.text;
    this.prevEnd = 0;
    this.tok = { type: TokenType.EOF, start: 0, end: 0, wsBefore: false, text: '' };
  }

  // ----- infrastructure -----

  span(start: number, end: number): Span {
    return { start: this.sc.offset(start), end: this.sc.offset(Math.max(start, end)) };
  }

  /** A syntax error between decoded positions `start` and `end`. */
  error(code: SyntaxErrorCode, start: number, end: number, message?: string): void {
    this.report(code, this.span(start, end), message);
  }

  /**
   * Every syntax error goes through here: one error of a code per position is enough (recovery may revisit a
   * spot); the message is the parser's own or the code's in diagnosticCodes.ts. `span` is in the original text.
   */
  report(code: SyntaxErrorCode, span: Span, message?: string): void {
    const key = `${code}@${span.start}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.errors.push({ code, message: message ?? syntaxErrorCodes[code].message, span: { start: span.start, end: Math.max(span.start, span.end) } });
  }

  /**
   * A form the Dynamics services accept although the OASIS grammar does not: in strict mode the grammar's error
   * (`strictCode`); otherwise the warning `code`, or nothing when `code` is undefined (the services write it so).
   */
  tolerate(strictCode: SyntaxErrorCode, code: string | undefined, start: number, end: number, strictMessage?: string): void {
    if (this.strict) {
      this.error(strictCode, start, end, strictMessage);
      return;
    }
    if (code === undefined) return;
    const s = this.span(start, end);
    if (this.warnings.some((w) => w.code === code && w.span.start === s.start)) return;
    this.warnings.push({ code, message: diagnosticCodes[code]?.message ?? code, span: s });
  }

  /** Positions the scanner at decoded `pos` with region end `end` and reads the first token. */
  reset(pos: number, end = this.sc.end): void {
    this.sc.pos = pos;
    this.sc.end = end;
    this.prevEnd = pos;
    this.next();
  }

  next(): Token {
    this.tok = this.sc.scan();
    return this.tok;
  }

  consume(): Token {
    const t = this.tok;
    this.prevEnd = t.end;
    this.next();
    return t;
  }

  is(type: TokenType): boolean {
    return this.tok.type === type;
  }

  /** The current token follows the previous one without whitespace. */
  adjacent(): boolean {
    return !this.tok.wsBefore && this.tok.start === this.prevEnd;
  }

  isKeyword(word: string, caseSensitive = false): boolean {
    const t = this.tok;
    if (t.type !== TokenType.Identifier) return false;
    return caseSensitive ? t.text === word : t.text.toLowerCase() === word;
  }

  expect(type: TokenType, code: SyntaxErrorCode): boolean {
    if (this.tok.type === type) {
      this.consume();
      return true;
    }
    this.error(code, this.tok.start, this.tok.end);
    return false;
  }

  /** Skips tokens up to (not including) a `,` `;` `)` at depth 0 or the end. */
  resync(stopAtComma = true): void {
    let depth = 0;
    while (this.tok.type !== TokenType.EOF) {
      const t = this.tok.type;
      if (depth === 0 && (t === TokenType.CloseParen || t === TokenType.Semicolon || (stopAtComma && t === TokenType.Comma))) return;
      if (t === TokenType.OpenParen || t === TokenType.OpenBracket || t === TokenType.OpenBrace) depth++;
      else if (t === TokenType.CloseParen || t === TokenType.CloseBracket || t === TokenType.CloseBrace) depth--;
      this.consume();
    }
  }

  /** Closes a parenthesised group: consumes `)` or reports it missing and resynchronises. */
  closeParen(): void {
    if (this.is(TokenType.CloseParen)) {
      this.consume();
      return;
    }
    this.error(this.tok.type === TokenType.EOF ? 'syntax.expected-closing-paren' : 'syntax.unexpected-token', this.tok.start, this.tok.end,
      this.tok.type === TokenType.EOF ? undefined : `Expected ')' but found '${this.tok.text}'.`);
    this.resync(false);
    if (this.is(TokenType.CloseParen)) this.consume();
  }

  // ---------------------------------------------------------------------------------------------------
  // Expressions
  // ---------------------------------------------------------------------------------------------------

  /** `commonExpr` / `boolCommonExpr`. Reports and returns an Error node when nothing can start. */
  parseExpression(): Expression {
    if (this.depth >= maxDepth) return this.tooDeep();
    this.depth++;
    try {
      return this.parseBinary(0) ?? this.missingExpression();
    } finally {
      this.depth--;
    }
  }

  /** Nesting depth of expressions (guards the call stack against pathological input). */
  private depth = 0;

  /**
   * Runs a nested parse function one level deeper; beyond the limit it reports `syntax.too-deep`, skips
   * the rest of the current part and returns `fallback()`.
   */
  nested<T>(fn: () => T, fallback: () => T): T {
    if (this.depth >= maxDepth) {
      this.tooDeep();
      return fallback();
    }
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private tooDeep(): Expression {
    const start = this.tok.start;
    this.error('syntax.too-deep', start, this.sc.end);
    while (!this.is(TokenType.EOF)) this.consume();
    return { kind: 'Error', span: this.span(start, this.prevEnd) };
  }

  missingExpression(): Expression {
    const t = this.tok;
    this.error('syntax.expected-expression', t.start, t.type === TokenType.EOF ? t.start : t.end);
    const start = t.start;
    if (t.type === TokenType.Unknown || t.type === TokenType.Equals || t.type === TokenType.Star || t.type === TokenType.Slash) {
      this.consume();
      return { kind: 'Error', span: this.span(start, this.prevEnd) };
    }
    return { kind: 'Error', span: this.span(start, start) };
  }

  private parseBinary(level: number): Expression | undefined {
    if (level === binaryOperatorLevels.length) return this.parseUnary(false);
    let left = this.parseBinary(level + 1);
    if (!left) return undefined;
    const ops = binaryOperatorLevels[level];
    for (;;) {
      const t = this.tok;
      if (!t.wsBefore) break;
      let opEnd = t.end;
      if (t.type === TokenType.TypedLiteral && ops.includes((t.typeName ?? '').toLowerCase())) {
        // `a eq'x'`: the operator glued to a quoted literal.
        opEnd = t.start + (t.typeName ?? '').length;
        this.error('syntax.expected-whitespace', t.start, opEnd + 1);
        this.sc.pos = opEnd;
        this.prevEnd = opEnd;
        this.next();
      } else if (t.type === TokenType.Identifier && ops.includes(t.text.toLowerCase())) {
        this.consume();
        if (!this.tok.wsBefore && this.tok.type !== TokenType.EOF) {
          this.error('syntax.expected-whitespace', t.start, this.tok.start + 1);
        }
      } else break;
      const op = this.text.slice(t.start, opEnd).toLowerCase();
      const right = op === 'in' ? this.parseUnary(true) : this.parseBinary(level + 1);
      if (!right) this.error('syntax.expected-expression', this.tok.start, this.tok.start);
      const end = right ? this.prevEnd : opEnd;
      left = {
        kind: 'Binary',
        span: { start: left.span.start, end: this.sc.offset(end) },
        operator: op as BinaryOperator,
        operatorSpan: this.span(t.start, opEnd),
        left,
        ...(right ? { right } : {}),
      };
    }
    return left;
  }

  private parseUnary(allowList: boolean): Expression | undefined {
    if (this.depth >= maxDepth) return this.tooDeep();
    this.depth++;
    try {
      return this.parseUnaryInner(allowList);
    } finally {
      this.depth--;
    }
  }

  private parseUnaryInner(allowList: boolean): Expression | undefined {
    const t = this.tok;
    if (t.type === TokenType.Identifier && t.text.toLowerCase() === 'not') {
      const after = this.sc.peek();
      if (after.type !== TokenType.EOF && (after.wsBefore || after.type === TokenType.OpenParen) && !this.isTerminator(after)) {
        this.consume();
        const operand = this.parseUnary(false);
        if (!operand) this.error('syntax.expected-expression', this.tok.start, this.tok.start);
        return { kind: 'Unary', span: this.span(t.start, this.prevEnd), operator: 'not', operatorSpan: this.span(t.start, t.end), ...(operand ? { operand } : {}) };
      }
    }
    if (t.type === TokenType.Minus) {
      this.consume();
      const operand = this.parseUnary(false);
      if (!operand) this.error('syntax.expected-expression', this.tok.start, this.tok.start);
      return { kind: 'Unary', span: this.span(t.start, this.prevEnd), operator: '-', operatorSpan: this.span(t.start, t.end), ...(operand ? { operand } : {}) };
    }
    return this.parsePrimary(allowList);
  }

  private isTerminator(t: Token): boolean {
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

  private parsePrimary(allowList: boolean): Expression | undefined {
    const t = this.tok;
    switch (t.type) {
      case TokenType.OpenParen:
        return this.parseParenOrList(allowList);
      case TokenType.OpenBracket:
      case TokenType.OpenBrace:
        return this.parseJson();
      case TokenType.String:
      case TokenType.Number:
      case TokenType.Guid:
      case TokenType.Date:
      case TokenType.DateTimeOffset:
      case TokenType.TimeOfDay:
      case TokenType.TypedLiteral:
        this.consume();
        return this.literalFromToken(t);
      case TokenType.JsonString:
        this.consume();
        this.error('syntax.invalid-literal', t.start, t.end, 'Double-quoted strings are only allowed inside JSON arrays and objects; use single quotes.');
        return { kind: 'Literal', span: this.span(t.start, t.end), type: 'string', value: t.value ?? '', raw: t.text };
      case TokenType.Identifier:
        return this.parseIdentifierPrimary();
      case TokenType.DollarName:
      case TokenType.AtName:
        return this.parseMemberPath();
      default:
        return undefined;
    }
  }

  literalFromToken(t: Token): LiteralExpression {
    const span = this.span(t.start, t.end);
    const raw = t.text;
    switch (t.type) {
      case TokenType.String:
        if (t.unterminated) this.error('syntax.unterminated-string', t.start, t.end);
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
        return this.typedLiteral(t);
    }
  }

  private typedLiteral(t: Token): LiteralExpression {
    const span = this.span(t.start, t.end);
    const typeName = t.typeName ?? '';
    const value = t.value ?? '';
    const lower = typeName.toLowerCase();
    if (t.unterminated) this.error('syntax.unterminated-string', t.start, t.end);
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
    if (!ok && !t.unterminated) this.error('syntax.invalid-literal', t.start, t.end, `Invalid ${type} literal.`);
    return { kind: 'Literal', span, type, value, raw: t.text, typeName };
  }

  private parseParenOrList(allowList: boolean): Expression {
    const open = this.consume();
    if (this.is(TokenType.CloseParen)) {
      this.consume();
      if (!allowList) this.error('syntax.expected-expression', open.end, open.end);
      return { kind: 'List', span: this.span(open.start, this.prevEnd), items: [] };
    }
    const first = this.parseExpression();
    if (this.is(TokenType.Comma)) {
      const items = [first];
      while (this.is(TokenType.Comma)) {
        this.consume();
        items.push(this.parseExpression());
      }
      this.closeParen();
      const span = this.span(open.start, this.prevEnd);
      if (!allowList) this.error('syntax.unexpected-list', open.start, this.prevEnd);
      else {
        for (const item of items) {
          if (!isLiteralLike(item)) {
            this.report('syntax.expected-literal', item.span, 'The items of an `in (…)` list must be literals; use a JSON array [...] for expressions.');
          }
        }
      }
      return { kind: 'List', span, items };
    }
    this.closeParen();
    return first;
  }

  /** JSON array or object (`arrayOrObject`); values may be OData expressions. */
  parseJson(): JsonExpression {
    const start = this.tok.start;
    const value = this.parseJsonValue();
    const end = this.prevEnd;
    return {
      kind: 'Json',
      span: this.span(start, end),
      value: value === NOT_JSON ? undefined : value,
      raw: this.text.slice(start, end),
    };
  }

  private parseJsonValue(): unknown {
    return this.nested(() => this.parseJsonValueInner(), () => NOT_JSON);
  }

  private parseJsonValueInner(): unknown {
    const t = this.tok;
    if (t.type === TokenType.JsonString) {
      this.consume();
      if (t.unterminated) this.error('syntax.invalid-json', t.start, t.end, 'Unterminated or invalid JSON string.');
      return t.value;
    }
    if (t.type === TokenType.OpenBracket) {
      this.consume();
      const arr: unknown[] = [];
      let json = true;
      if (!this.is(TokenType.CloseBracket)) {
        for (;;) {
          const v = this.parseJsonValue();
          if (v === NOT_JSON) json = false;
          else arr.push(v);
          if (this.is(TokenType.Comma)) {
            this.consume();
            continue;
          }
          break;
        }
      }
      if (!this.is(TokenType.CloseBracket)) {
        this.error('syntax.invalid-json', this.tok.start, this.tok.end, "Expected ',' or ']' in JSON array.");
        this.resyncJson(TokenType.CloseBracket);
      }
      if (this.is(TokenType.CloseBracket)) this.consume();
      return json ? arr : NOT_JSON;
    }
    if (t.type === TokenType.OpenBrace) {
      this.consume();
      const obj: Record<string, unknown> = {};
      let json = true;
      let singleQuoted = false;
      if (!this.is(TokenType.CloseBrace)) {
        for (;;) {
          const key = this.tok;
          // Dataverse accepts single-quoted member names: `@p1={'@odata.id':'accounts(…)'}` is its documented form.
          if (key.type === TokenType.String && !key.unterminated && !this.strict) singleQuoted = true;
          else if (key.type !== TokenType.JsonString) {
            this.error('syntax.invalid-json', key.start, key.end, 'Expected a double-quoted member name.');
            this.resyncJson(TokenType.CloseBrace);
            json = false;
            break;
          }
          this.consume();
          if (!this.expect(TokenType.Colon, 'syntax.invalid-json')) {
            this.resyncJson(TokenType.CloseBrace);
            json = false;
            break;
          }
          const v = this.parseJsonValue();
          if (v === NOT_JSON) json = false;
          else obj[key.value ?? ''] = v;
          if (this.is(TokenType.Comma)) {
            this.consume();
            continue;
          }
          break;
        }
      }
      if (!this.is(TokenType.CloseBrace)) {
        this.error('syntax.invalid-json', this.tok.start, this.tok.end, "Expected ',' or '}' in JSON object.");
        this.resyncJson(TokenType.CloseBrace);
      }
      if (this.is(TokenType.CloseBrace)) this.consume();
      if (singleQuoted) this.tolerate('syntax.invalid-json', 'syntax.single-quoted-json', t.start, this.prevEnd);
      return json ? obj : NOT_JSON;
    }
    const expr = this.parseExpression();
    return jsonValueOf(expr);
  }

  private resyncJson(close: TokenType): void {
    let depth = 0;
    while (!this.is(TokenType.EOF)) {
      const t = this.tok.type;
      if (depth === 0 && (t === close || t === TokenType.Semicolon)) return;
      if (t === TokenType.OpenBracket || t === TokenType.OpenBrace || t === TokenType.OpenParen) depth++;
      else if (t === TokenType.CloseBracket || t === TokenType.CloseBrace || t === TokenType.CloseParen) {
        if (depth === 0) return;
        depth--;
      }
      this.consume();
    }
  }

  private parseIdentifierPrimary(): Expression {
    const t = this.tok;
    const name = t.text;
    const lower = name.toLowerCase();
    const nextChar = this.sc.charCode(t.end);
    const parenFollows = nextChar === 40;
    if (!parenFollows && nextChar !== 47 /* / */) {
      const span = this.span(t.start, t.end);
      if (lower === 'true' || lower === 'false') {
        this.consume();
        return { kind: 'Literal', span, type: 'boolean', value: lower === 'true', raw: name };
      }
      if (name === 'null') {
        this.consume();
        return { kind: 'Literal', span, type: 'null', value: null, raw: name };
      }
      if (name === 'INF' || name === 'NaN') {
        this.consume();
        return { kind: 'Literal', span, type: 'double', value: name === 'INF' ? Infinity : NaN, raw: name };
      }
    }
    if (parenFollows && canonicalFunctionNamesLower.has(lower)) return this.parseCanonicalCall();
    return this.parseMemberPath();
  }

  private parseCanonicalCall(): CallExpression {
    const nameTok = this.consume();
    const lower = nameTok.text.toLowerCase();
    let args: ArgumentList;
    if (lower === 'cast' || lower === 'isof') {
      this.typeNameContext++;
      args = this.parseArgs(false);
      this.typeNameContext--;
    } else if (lower === 'case') {
      args = this.parseArgs(true);
    } else {
      args = this.parseArgs(false);
    }
    return { kind: 'Call', span: this.span(nameTok.start, this.prevEnd), name: nameTok.text, nameSpan: this.span(nameTok.start, nameTok.end), args };
  }

  /**
   * `( [name=]value, … )` starting at the current `(` token. `casePairs`: `cond:value` pairs.
   * `pathMode`: values must be literals or aliases (keys and function parameters in the resource path).
   */
  parseArgs(casePairs: boolean, pathMode = false): ArgumentList {
    const open = this.consume();
    const args: Argument[] = [];
    if (this.is(TokenType.CloseParen)) {
      this.consume();
      return { kind: 'ArgumentList', span: this.span(open.start, this.prevEnd), args };
    }
    for (;;) {
      const start = this.tok.start;
      let name: string | undefined;
      let nameSpan: Span | undefined;
      if (this.tok.type === TokenType.Identifier && !casePairs) {
        const after = this.sc.peek();
        if (after.type === TokenType.Equals) {
          const n = this.consume();
          name = n.text;
          nameSpan = this.span(n.start, n.end);
          this.consume();
        }
      }
      const value = pathMode ? this.parsePathArgValue() : this.parseExpression();
      const arg: Argument = { kind: 'Argument', span: this.span(start, this.prevEnd), value };
      if (name !== undefined) {
        arg.name = name;
        arg.nameSpan = nameSpan;
      }
      if (casePairs) {
        if (this.is(TokenType.Colon)) {
          this.consume();
          arg.result = this.parseExpression();
          arg.span = this.span(start, this.prevEnd);
        } else {
          this.error('syntax.unexpected-token', this.tok.start, this.tok.end, "Expected ':' in case(condition:value).");
        }
      }
      args.push(arg);
      if (this.is(TokenType.Comma)) {
        this.consume();
        continue;
      }
      break;
    }
    this.closeParen();
    return { kind: 'ArgumentList', span: this.span(open.start, this.prevEnd), args };
  }

  /** A key value or function parameter in the resource path: literal, alias or (leniently) JSON. */
  private parsePathArgValue(): Expression {
    const t = this.tok;
    switch (t.type) {
      case TokenType.String:
      case TokenType.Number:
      case TokenType.Guid:
      case TokenType.Date:
      case TokenType.DateTimeOffset:
      case TokenType.TimeOfDay:
      case TokenType.TypedLiteral:
        this.consume();
        if (t.slashAt !== undefined) this.error('syntax.unencoded-slash', t.slashAt, t.slashAt + 1);
        return this.literalFromToken(t);
      case TokenType.AtName:
        this.consume();
        return { kind: 'Alias', span: this.span(t.start, t.end), name: t.text };
      case TokenType.OpenBracket:
      case TokenType.OpenBrace:
        return this.parseJson();
      case TokenType.Identifier: {
        const lower = t.text.toLowerCase();
        if (lower === 'true' || lower === 'false' || t.text === 'null' || t.text === 'INF' || t.text === 'NaN') return this.parseIdentifierPrimary();
        break;
      }
      default:
        break;
    }
    const start = t.start;
    const expr = this.parseExpression();
    if (expr.kind !== 'Error') this.error('syntax.expected-literal', start, this.prevEnd);
    return expr;
  }

  /**
   * Member path: `a/b/c`, `$it/x`, `$root/Set(1)/x`, `@alias/x`, `Ns.Type/x`, `Ns.Fn(a=1)/x`, `nav/any(v:…)`,
   * `nav/$count($filter=…)`, `nav/$filter(…)/…`, `Sales/aggregate(…)`.
   */
  parseMemberPath(): Expression {
    const startTok = this.tok;
    const segments: PathSegmentExpression[] = [];
    let lambda: LambdaExpression | undefined;
    let first = true;
    for (;;) {
      const t = this.tok;
      if (!first && t.type === TokenType.Identifier && (t.text === 'any' || t.text === 'all') && this.sc.charCode(t.end) === 40) {
        lambda = this.parseLambda();
        break;
      }
      const seg = this.parsePathSegmentExpr(first);
      if (!seg) break;
      segments.push(seg);
      if (this.is(TokenType.Slash) && this.adjacent()) {
        const slash = this.consume();
        first = false;
        if (!this.adjacent() || !this.startsSegment()) {
          this.error('syntax.expected-segment', slash.end, slash.end);
          break;
        }
        continue;
      }
      break;
    }
    const span = this.span(startTok.start, this.prevEnd);
    // A qualified first segment without arguments is a type cast and needs a following segment.
    if (segments.length === 1 && !lambda && this.typeNameContext === 0) {
      const s0 = segments[0];
      if (s0.name.includes('.') && !s0.args && !s0.name.startsWith('@')) {
        this.report('syntax.expected-open-paren', { start: span.end, end: span.end }, `'${s0.name}' needs '(…)' to be a function call, or '/' and a property to be a type cast.`);
      }
    }
    if (segments.length === 1 && !lambda && segments[0].name.startsWith('@') && !segments[0].name.includes('.') && !segments[0].args) {
      return { kind: 'Alias', span, name: segments[0].name };
    }
    // A lone qualified call is a CallExpression.
    if (segments.length === 1 && !lambda && segments[0].args && segments[0].name.includes('.') && !segments[0].key && !segments[0].name.startsWith('@')) {
      const s0 = segments[0];
      const nameEnd = startTok.end;
      return { kind: 'Call', span, name: s0.name, nameSpan: this.span(startTok.start, nameEnd), args: s0.args! };
    }
    const path: PathExpression = { kind: 'Path', span, segments };
    if (lambda) path.lambda = lambda;
    return path;
  }

  private startsSegment(): boolean {
    const t = this.tok.type;
    return t === TokenType.Identifier || t === TokenType.DollarName || t === TokenType.AtName || t === TokenType.Star;
  }

  private parsePathSegmentExpr(first: boolean): PathSegmentExpression | undefined {
    const t = this.tok;
    if (t.type === TokenType.Identifier) {
      this.consume();
      const seg: PathSegmentExpression = { kind: 'PathSegment', span: this.span(t.start, t.end), name: t.text };
      if (!first && t.text === 'aggregate' && this.is(TokenType.OpenParen) && this.adjacent()) {
        this.consume();
        seg.aggregate = parseAggregateInPath(this);
        this.closeParen();
        seg.span = this.span(t.start, this.prevEnd);
        return seg;
      }
      if (this.is(TokenType.OpenParen) && this.adjacent()) {
        const qualified = t.text.includes('.');
        if (!qualified && canonicalFunctionNamesLower.has(t.text.toLowerCase()) && first) {
          // Reached through a path start such as `length(x)/…` — parse as arguments anyway.
        }
        seg.args = this.parseArgs(false);
        if (first && !qualified && seg.args.args.length === 0) {
          this.error('syntax.empty-key', seg.args.span.start === this.sc.offset(this.prevEnd - 2) ? this.prevEnd - 1 : this.prevEnd - 1, this.prevEnd);
        }
        if (this.is(TokenType.OpenParen) && this.adjacent()) seg.key = this.parseArgs(false);
        seg.span = this.span(t.start, this.prevEnd);
      }
      return seg;
    }
    if (t.type === TokenType.DollarName) {
      this.consume();
      const seg: PathSegmentExpression = { kind: 'PathSegment', span: this.span(t.start, t.end), name: t.text };
      const name = t.text;
      if (name === '$count') {
        if (first) this.error('syntax.unexpected-token', t.start, t.end, "'$count' must follow a collection path.");
        if (this.is(TokenType.OpenParen) && this.adjacent()) {
          seg.options = this.parseNestedOptions('count');
          seg.span = this.span(t.start, this.prevEnd);
        }
      } else if (name === '$filter') {
        if (first) this.error('syntax.unexpected-token', t.start, t.end, "'$filter(…)' must follow a collection path.");
        if (this.is(TokenType.OpenParen) && this.adjacent()) {
          seg.args = this.parseArgs(false);
          if (this.is(TokenType.OpenParen) && this.adjacent()) seg.key = this.parseArgs(false);
          seg.span = this.span(t.start, this.prevEnd);
        } else this.error('syntax.expected-open-paren', this.prevEnd, this.prevEnd);
      } else if (name === '$it' || name === '$this' || name === '$root' || name === '$these') {
        if (!first) this.error('syntax.unexpected-segment', t.start, t.end, `'${name}' can only start a path.`);
        if (name === '$root' && !(this.is(TokenType.Slash) && this.adjacent())) this.error('syntax.expected-segment', t.end, t.end, "'$root' must be followed by '/' and a resource path.");
      } else {
        this.error('syntax.unknown-segment', t.start, t.end);
      }
      return seg;
    }
    if (t.type === TokenType.AtName) {
      this.consume();
      const seg: PathSegmentExpression = { kind: 'PathSegment', span: this.span(t.start, t.end), name: t.text };
      return seg;
    }
    if (t.type === TokenType.Star && !first) {
      this.consume();
      return { kind: 'PathSegment', span: this.span(t.start, t.end), name: '*' };
    }
    return undefined;
  }

  private parseLambda(): LambdaExpression {
    const opTok = this.consume();
    const operator = opTok.text as 'any' | 'all';
    const lambda: LambdaExpression = { kind: 'Lambda', span: this.span(opTok.start, opTok.end), operator, operatorSpan: this.span(opTok.start, opTok.end) };
    this.consume(); // '('
    if (this.is(TokenType.CloseParen)) {
      if (operator === 'all') this.error('syntax.expected-lambda', this.tok.start, this.tok.end);
      this.consume();
      lambda.span = this.span(opTok.start, this.prevEnd);
      return lambda;
    }
    if (this.is(TokenType.Identifier) && !this.tok.text.includes('.')) {
      const v = this.consume();
      lambda.variable = v.text;
      lambda.variableSpan = this.span(v.start, v.end);
      if (this.expect(TokenType.Colon, 'syntax.expected-lambda')) {
        lambda.body = this.parseExpression();
      } else this.resync(false);
    } else {
      this.error('syntax.expected-lambda', this.tok.start, this.tok.end);
      this.resync(false);
    }
    this.closeParen();
    lambda.span = this.span(opTok.start, this.prevEnd);
    return lambda;
  }

  // ---------------------------------------------------------------------------------------------------
  // Query options
  // ---------------------------------------------------------------------------------------------------

  /** Query options in decoded `[start, end)` separated by literal `&`. */
  parseQueryString(start: number, end: number, into: QueryOption[]): void {
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
        const c = this.text.charCodeAt(j);
        if (this.sc.isEncoded(j)) continue;
        if (c === 39) quoteAt = quoteAt < 0 ? j : -1;
        else if (c === 38 && quoteAt < 0) break;
      }
      if (j >= end && quoteAt >= 0) {
        for (j = quoteAt; j < end && !(this.text.charCodeAt(j) === 38 && !this.sc.isEncoded(j)); j++);
      }
      if (j > i) {
        const opt = this.parseOption(i, j, 'top', end);
        if (opt) {
          if (opt.kind.startsWith('$')) {
            if (seen.has(opt.kind)) this.report('syntax.duplicate-option', opt.nameSpan, `'${opt.name}' is given more than once.`);
            seen.add(opt.kind);
          }
          into.push(opt);
        }
      } else {
        this.error('syntax.empty-option', i, Math.min(i + 1, end));
      }
      if (j >= end) break;
      i = j + 1;
      if (i >= end) {
        this.error('syntax.empty-option', j, end);
        break;
      }
    }
  }

  /**
   * One option `name[=value]` whose name starts at decoded `start`. Top level: the option ends at `end`
   * (the next `&`). Nested: the value ends at `;` or the closing `)`; `end` is the outer limit.
   */
  parseOption(start: number, end: number, ctx: OptionContext, outerEnd: number): QueryOption | undefined {
    const text = this.text;
    const nested = ctx !== 'top';
    // Name: up to '=' (or ';' / ')' when nested).
    let i = start;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 61 && !this.sc.isEncoded(i)) break;
      if (nested && (c === 59 || c === 41 || c === 40 || c === 38)) break;
      i++;
    }
    const hasEq = i < end && text.charCodeAt(i) === 61;
    // Dynamics ignores spaces around '=' (Dataverse writes `$select%20=%20subject` in its next links).
    let nameEnd = i;
    if (hasEq && !this.strict) while (nameEnd > start && isWhitespace(text.charCodeAt(nameEnd - 1))) nameEnd--;
    let valueStart = hasEq ? i + 1 : nameEnd;
    if (hasEq && !this.strict && text.charCodeAt(start) !== 64 /* @ */) {
      let after = valueStart;
      while (after < end && isWhitespace(text.charCodeAt(after))) after++;
      const lower = text.slice(start, nameEnd).toLowerCase();
      if (lower === '$search' || lower === 'search') after = valueStart;
      if (nameEnd < i || after > valueStart) {
        let plain = false;
        for (let k = nameEnd; k < after; k++) if (k !== i && !this.sc.isEncoded(k)) plain = true;
        this.tolerate('syntax.unexpected-whitespace', plain ? 'syntax.space-around-equals' : undefined, nameEnd, after);
        valueStart = after;
      }
    }
    const name = text.slice(start, nameEnd);
    const nameSpan = this.span(start, nameEnd);
    const kind = systemQueryOptionOf(name)?.name;
    const base = { name, nameSpan, span: this.span(start, nameEnd) } as const;

    const finishSpan = (opt: QueryOption, valueEnd: number): QueryOption => {
      opt.span = this.span(start, Math.max(valueEnd, nameEnd));
      if (hasEq) opt.valueSpan = this.span(valueStart, Math.max(valueStart, valueEnd));
      return opt;
    };

    if (name.startsWith('@')) {
      if (!isAliasName(name)) this.error('syntax.expected-identifier', start, nameEnd, 'Invalid parameter alias name.');
      if (nested && !nestedAllowed[ctx].has('alias')) this.error('syntax.option-not-allowed', start, nameEnd);
      if (!hasEq) {
        this.error('syntax.expected-equals', start, nameEnd);
        return finishSpan({ kind: 'alias', ...base }, nameEnd);
      }
      this.reset(valueStart, end);
      const value = this.parseExpression();
      const valueEnd = this.finishValue(end, nested);
      return finishSpan({ kind: 'alias', ...base, value }, valueEnd);
    }

    if (!kind) {
      if (name.startsWith('$')) {
        this.error('syntax.unknown-system-option', start, nameEnd, `Unknown system query option '${name}'.`);
      } else if (nested) {
        this.error('syntax.option-not-allowed', start, nameEnd, `Custom option '${name}' is not allowed inside parentheses.`);
      } else if (name.length === 0) {
        this.error('syntax.expected-identifier', start, start + 1, 'Missing option name before "=".');
      } else {
        for (let k = start; k < nameEnd; k++) {
          const c = text.charCodeAt(k);
          if (!this.sc.isEncoded(k) && !isQChar(c)) {
            this.error('syntax.invalid-character', k, k + 1);
            break;
          }
        }
      }
      const valueEnd = nested ? this.scanRawValueEnd(valueStart, end) : end;
      this.checkRawChars(valueStart, valueEnd);
      // Nested: go on from the `;` or `)` after the value, as every other option does.
      if (nested) this.reset(valueEnd, outerEnd);
      const raw = text.slice(valueStart, valueEnd);
      if (name.startsWith('$')) return finishSpan({ kind: 'unknown', ...base, raw }, valueEnd);
      return finishSpan({ kind: 'custom', ...base, raw }, valueEnd);
    }

    if (nested) {
      if (!nestedAllowed[ctx].has(kind)) this.error('syntax.option-not-allowed', start, nameEnd, `'${name}' is not allowed here.`);
    } else if (kind === '$levels') {
      this.error('syntax.option-not-allowed', start, nameEnd, "'$levels' is only allowed inside $expand.");
    }
    if (!hasEq) {
      this.error('syntax.expected-equals', nameEnd, nameEnd);
      this.reset(nameEnd, end);
      return finishSpan(emptyOption(kind, base), nameEnd);
    }
    if (kind !== '$search' && valueStart < end && isWhitespace(text.charCodeAt(valueStart))) {
      this.error('syntax.unexpected-whitespace', valueStart, valueStart + 1);
    }

    switch (kind) {
      case '$filter': {
        this.reset(valueStart, end);
        const expression = this.parseExpression();
        const ve = this.finishValue(end, nested);
        return finishSpan({ kind: '$filter', ...base, expression }, ve);
      }
      case '$at':
      case '$from':
      case '$to':
      case '$toInclusive': {
        this.reset(valueStart, end);
        const expression = this.parseExpression();
        const ve = this.finishValue(end, nested);
        return finishSpan({ kind, ...base, expression }, ve);
      }
      case '$select': {
        this.reset(valueStart, end);
        const items = this.parseSelectItems();
        const ve = this.finishValue(end, nested);
        return finishSpan({ kind: '$select', ...base, items }, ve);
      }
      case '$expand': {
        this.reset(valueStart, end);
        const items = this.parseExpandItems();
        const ve = this.finishValue(end, nested);
        return finishSpan({ kind: '$expand', ...base, items }, ve);
      }
      case '$orderby': {
        this.reset(valueStart, end);
        const items = this.parseOrderByItems();
        const ve = this.finishValue(end, nested);
        return finishSpan({ kind: '$orderby', ...base, items }, ve);
      }
      case '$compute': {
        this.reset(valueStart, end);
        const items = this.parseComputeItems();
        const ve = this.finishValue(end, nested);
        return finishSpan({ kind: '$compute', ...base, items }, ve);
      }
      case '$apply': {
        this.reset(valueStart, end);
        const transformations = parseApplyExpr(this);
        const ve = this.finishValue(end, nested);
        return finishSpan({ kind: '$apply', ...base, transformations }, ve);
      }
      case '$top':
      case '$skip':
      case '$index': {
        this.reset(valueStart, end);
        const t = this.tok;
        let value: number | undefined;
        const re = kind === '$index' ? /^-?\d+$/ : /^\d+$/;
        if (t.type === TokenType.Number && re.test(t.text)) {
          value = Number(t.text);
          this.consume();
        } else {
          this.error('syntax.invalid-number', t.start, Math.max(t.end, t.start + 1), `${kind} needs ${kind === '$index' ? 'an integer' : 'a non-negative integer'}.`);
          if (t.type !== TokenType.EOF && !this.isTerminator(t)) this.consume();
        }
        const ve = this.finishValue(end, nested);
        const opt: QueryOption = { kind, ...base };
        if (value !== undefined) opt.value = value;
        return finishSpan(opt, ve);
      }
      case '$levels': {
        this.reset(valueStart, end);
        const t = this.tok;
        let value: number | 'max' | undefined;
        if (t.type === TokenType.Number && /^[1-9]\d*$/.test(t.text)) {
          value = Number(t.text);
          this.consume();
        } else if (t.type === TokenType.Identifier && t.text.toLowerCase() === 'max') {
          value = 'max';
          this.consume();
        } else {
          this.error('syntax.invalid-number', t.start, Math.max(t.end, t.start + 1), "$levels needs a positive integer or 'max'.");
          if (t.type !== TokenType.EOF && !this.isTerminator(t)) this.consume();
        }
        const ve = this.finishValue(end, nested);
        return finishSpan(value === undefined ? { kind: '$levels', ...base } : { kind: '$levels', ...base, value }, ve);
      }
      case '$count': {
        this.reset(valueStart, end);
        const t = this.tok;
        let value: boolean | undefined;
        const l = t.type === TokenType.Identifier ? t.text.toLowerCase() : '';
        if (l === 'true' || l === 'false') {
          value = l === 'true';
          this.consume();
        } else {
          this.error('syntax.invalid-literal', t.start, Math.max(t.end, t.start + 1), "$count needs 'true' or 'false'.");
          if (t.type !== TokenType.EOF && !this.isTerminator(t)) this.consume();
        }
        const ve = this.finishValue(end, nested);
        return finishSpan(value === undefined ? { kind: '$count', ...base } : { kind: '$count', ...base, value }, ve);
      }
      case '$search': {
        const r = this.parseSearchAt(valueStart, nested ? outerEnd : end, nested);
        if (nested) this.reset(r.end, outerEnd);
        else if (r.end < end) this.error('syntax.unexpected-token', r.end, end);
        return finishSpan(r.expression ? { kind: '$search', ...base, expression: r.expression } : { kind: '$search', ...base }, r.end);
      }
      default: {
        // $format, $skiptoken, $deltatoken, $schemaversion, $id: kept as text.
        const valueEnd = nested ? this.scanRawValueEnd(valueStart, end) : end;
        const raw = text.slice(valueStart, valueEnd);
        if (raw.length === 0) this.error('syntax.expected-expression', valueStart, valueStart, `${kind} needs a value.`);
        else if (kind === '$schemaversion') {
          if (!(raw === '*' || /^[A-Za-z0-9\-._~]+$/.test(raw))) this.error('syntax.invalid-literal', valueStart, valueEnd);
        } else this.checkRawChars(valueStart, valueEnd);
        if (nested) this.reset(valueEnd, outerEnd);
        return finishSpan({ kind: kind as RawOption['kind'], ...base, raw }, valueEnd);
      }
    }
  }

  /** After a token-parsed option value: top level must be at its end; nested stops at `;` / `)`. */
  private finishValue(end: number, nested: boolean): number {
    if (nested) {
      if (!this.is(TokenType.Semicolon) && !this.is(TokenType.CloseParen) && !this.is(TokenType.EOF)) {
        this.error('syntax.unexpected-token', this.tok.start, this.tok.end, `Unexpected '${this.tok.text}'.`);
        this.resync(false);
      }
      return this.prevEnd;
    }
    if (!this.is(TokenType.EOF)) {
      this.error('syntax.unexpected-token', this.tok.start, end, `Unexpected '${this.tok.text}'.`);
    }
    return end;
  }

  /** End of a raw nested value: the next `;` or unbalanced `)` outside quotes. */
  private scanRawValueEnd(start: number, end: number): number {
    let depth = 0;
    let quote = 0;
    for (let i = start; i < end; i++) {
      const c = this.text.charCodeAt(i);
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
  private checkRawChars(start: number, end: number): void {
    let quoted = false;
    for (let k = start; k < end; k++) {
      const c = this.text.charCodeAt(k);
      if (c === 39) quoted = !quoted;
      if (this.sc.isEncoded(k)) continue;
      // A space inside a quoted literal is sent encoded, as in $filter: `company='CRONUS International Ltd.'`.
      if (quoted && c === 32 && !this.strict) continue;
      if (c === 35 /* # */ || c === 32 || c === 34 || c === 60 || c === 62 || c === 96 || c === 123 || c === 125 || c === 124 || c === 92 || c === 94) {
        this.error('syntax.invalid-character', k, k + 1, `'${this.text[k]}' must be percent-encoded here.`);
        return;
      }
    }
  }

  /** `( option ; option … )` at the current `(` token. */
  parseNestedOptions(ctx: Exclude<OptionContext, 'top'>): QueryOption[] {
    return this.nested(() => this.parseNestedOptionsInner(ctx), () => []);
  }

  private parseNestedOptionsInner(ctx: Exclude<OptionContext, 'top'>): QueryOption[] {
    const open = this.tok;
    const outerEnd = this.sc.end;
    const options: QueryOption[] = [];
    let pos = open.end;
    for (;;) {
      // Skip whitespace before a name.
      while (pos < outerEnd && isWhitespace(this.text.charCodeAt(pos))) pos++;
      if (pos < outerEnd && this.text.charCodeAt(pos) === 41 && options.length === 0) {
        this.error('syntax.expected-identifier', pos, pos + 1, 'Empty option list.');
        this.reset(pos, outerEnd);
        break;
      }
      const opt = this.parseOption(pos, outerEnd, ctx, outerEnd);
      if (opt) options.push(opt);
      // parseOption leaves the token stream at ';' or ')' (or EOF); a ';' before `pos` would loop forever.
      if (this.is(TokenType.Semicolon) && this.tok.end > pos) {
        pos = this.tok.end;
        continue;
      }
      break;
    }
    this.closeParen();
    return options;
  }

  // ----- $select -----

  parseSelectItems(): SelectItem[] {
    const items: SelectItem[] = [];
    for (;;) {
      const item = this.parseSelectItem();
      if (item) items.push(item);
      else {
        this.error('syntax.expected-identifier', this.tok.start, this.tok.end, 'A property, navigation property, * or operation name was expected.');
        this.resync(true);
      }
      if (this.is(TokenType.Comma)) {
        const comma = this.consume();
        // Dynamics ignores a trailing comma in $select.
        if (!this.strict && (this.is(TokenType.EOF) || this.is(TokenType.Semicolon) || this.is(TokenType.CloseParen))) {
          this.tolerate('syntax.expected-identifier', 'syntax.trailing-comma', comma.start, comma.end);
          return items;
        }
        continue;
      }
      return items;
    }
  }

  private parseSelectItem(): SelectItem | undefined {
    const start = this.tok.start;
    const segments = this.parseOptionPathSegments(false);
    if (segments.length === 0) return undefined;
    const path: PathExpression = { kind: 'Path', span: this.span(start, this.prevEnd), segments };
    const item: SelectItem = { kind: 'SelectItem', span: path.span, path };
    if (this.is(TokenType.OpenParen) && this.adjacent()) {
      const after = this.sc.peek();
      const afterAfterIsEq = (() => {
        if (after.type !== TokenType.Identifier) return false;
        const save = this.sc.pos;
        this.sc.scan();
        const t2 = this.sc.scan();
        this.sc.pos = save;
        return t2.type === TokenType.Equals;
      })();
      if (after.type === TokenType.DollarName || after.type === TokenType.AtName || afterAfterIsEq) {
        const open = this.tok.start;
        item.options = this.parseNestedOptions('select');
        item.optionsSpan = this.span(open, this.prevEnd);
      } else {
        // Parameter names of a function overload: `Fn(p1,p2)`.
        const last = segments[segments.length - 1];
        last.args = this.parseArgs(false);
        for (const a of last.args.args) {
          if (a.value.kind !== 'Path' || a.value.segments.length !== 1 || a.name) {
            this.report('syntax.expected-identifier', a.span, 'Expected parameter names.');
          }
        }
        last.span = { start: last.span.start, end: this.sc.offset(this.prevEnd) };
      }
      item.span = this.span(start, this.prevEnd);
      path.span = { start: path.span.start, end: path.span.end };
    }
    return item;
  }

  /**
   * `a/b/Ns.T/c`, `*`, `Ns.*`, `@Ns.Term`, `$value` … for $select/$expand items.
   * Stops before `(`, `,`, `;`, `)`.
   */
  private parseOptionPathSegments(expand: boolean): PathSegmentExpression[] {
    const segments: PathSegmentExpression[] = [];
    for (;;) {
      const t = this.tok;
      if (t.type === TokenType.Identifier || t.type === TokenType.AtName || t.type === TokenType.Star) {
        this.consume();
        segments.push({ kind: 'PathSegment', span: this.span(t.start, t.end), name: t.type === TokenType.Star ? '*' : t.text });
      } else if (t.type === TokenType.DollarName && expand && (t.text === '$ref' || t.text === '$count' || (t.text === '$value' && segments.length === 0))) {
        this.consume();
        segments.push({ kind: 'PathSegment', span: this.span(t.start, t.end), name: t.text });
      } else {
        if (segments.length > 0) this.error('syntax.expected-segment', t.start, t.end);
        break;
      }
      if (this.is(TokenType.Slash) && this.adjacent()) {
        this.consume();
        continue;
      }
      break;
    }
    return segments;
  }

  // ----- $expand -----

  parseExpandItems(): ExpandItem[] {
    const items: ExpandItem[] = [];
    for (;;) {
      const start = this.tok.start;
      const segments = this.parseOptionPathSegments(true);
      if (segments.length === 0) {
        this.error('syntax.expected-identifier', this.tok.start, this.tok.end, 'A navigation property or * was expected.');
        this.resync(true);
      } else {
        const path: PathExpression = { kind: 'Path', span: this.span(start, this.prevEnd), segments };
        const item: ExpandItem = { kind: 'ExpandItem', span: path.span, path, options: [] };
        const names = segments.map((s) => s.name);
        const last = names[names.length - 1];
        for (let k = 0; k < names.length - 1; k++) {
          if (names[k] === '$ref' || names[k] === '$count' || names[k] === '$value') {
            this.report('syntax.unexpected-segment', segments[k + 1].span, `Nothing may follow '${names[k]}'.`);
          }
        }
        if (last === '$value' && names.length > 1) {
          this.report('syntax.unexpected-segment', segments[names.length - 1].span, "'$value' is only allowed alone.");
        }
        if (this.is(TokenType.OpenParen) && this.adjacent()) {
          const ctx: Exclude<OptionContext, 'top'> =
            last === '$ref' ? 'expandRef' : last === '$count' ? 'expandCount' : last === '*' ? 'expandStar' : 'expand';
          const open = this.tok.start;
          if (last === '$value') this.error('syntax.unexpected-token', this.tok.start, this.tok.end);
          item.options = this.parseNestedOptions(ctx);
          item.optionsSpan = this.span(open, this.prevEnd);
          item.span = this.span(start, this.prevEnd);
        }
        items.push(item);
      }
      if (this.is(TokenType.Comma)) {
        this.consume();
        continue;
      }
      return items;
    }
  }

  // ----- $orderby / $compute -----

  parseOrderByItems(): OrderByItem[] {
    const items: OrderByItem[] = [];
    for (;;) {
      const start = this.tok.start;
      const expression = this.parseExpression();
      const item: OrderByItem = { kind: 'OrderByItem', span: this.span(start, this.prevEnd), expression };
      const t = this.tok;
      if (t.type === TokenType.Identifier && t.wsBefore && (t.text.toLowerCase() === 'asc' || t.text.toLowerCase() === 'desc')) {
        this.consume();
        item.direction = t.text.toLowerCase() as 'asc' | 'desc';
        item.directionSpan = this.span(t.start, t.end);
        item.span = this.span(start, this.prevEnd);
      }
      items.push(item);
      if (this.is(TokenType.Comma)) {
        this.consume();
        continue;
      }
      return items;
    }
  }

  parseComputeItems(): ComputeItem[] {
    const items: ComputeItem[] = [];
    for (;;) {
      const start = this.tok.start;
      const expression = this.parseExpression();
      const item: ComputeItem = { kind: 'ComputeItem', span: this.span(start, this.prevEnd), expression };
      const alias = this.parseAsAlias();
      if (alias) {
        item.alias = alias.name;
        item.aliasSpan = alias.span;
        item.span = this.span(start, this.prevEnd);
      }
      items.push(item);
      if (this.is(TokenType.Comma)) {
        this.consume();
        continue;
      }
      return items;
    }
  }

  /** `RWS "as" RWS alias`; reports when missing. */
  parseAsAlias(required = true): { name: string; span: Span } | undefined {
    const t = this.tok;
    if (t.type === TokenType.Identifier && t.text === 'as' && t.wsBefore) {
      this.consume();
      const a = this.tok;
      if (a.type === TokenType.Identifier && a.wsBefore && !a.text.includes('.')) {
        this.consume();
        return { name: a.text, span: this.span(a.start, a.end) };
      }
      this.error('syntax.expected-alias', a.start, a.end);
      return undefined;
    }
    if (required) this.error('syntax.expected-alias', t.start, t.end);
    return undefined;
  }

  // ----- $search -----

  /**
   * `$search` value from decoded `start`. Nested (inside `(…)`): stops at a literal `;` or an unbalanced `)`.
   * Returns the decoded end of what was consumed.
   */
  parseSearchAt(start: number, end: number, nested: boolean): { expression?: SearchExpression; end: number } {
    const s = new SearchParser(this, start, end, nested);
    return s.parse();
  }

  // ---------------------------------------------------------------------------------------------------
  // Resource path
  // ---------------------------------------------------------------------------------------------------

  /** Resource path in decoded `[start, end)`; segments are separated by literal `/`. */
  parseResourcePath(start: number, end: number): ResourcePath {
    const segments: PathSegment[] = [];
    const text = this.text;
    let pos = start;
    while (pos < end) {
      const segStart = pos;
      const c = text.charCodeAt(pos);
      let seg: PathSegment | undefined;
      if (c === 36 /* $ */) {
        this.reset(pos, end);
        const t = this.tok;
        if (t.type === TokenType.DollarName) {
          this.consume();
          seg = { kind: 'Keyword', span: this.span(t.start, t.end), name: t.text };
          if (this.is(TokenType.OpenParen) && this.adjacent()) {
            if (t.text === '$filter') seg.args = this.parseArgs(false);
            else if (t.text === '$crossjoin') seg.args = this.parseArgs(false);
            else seg.args = this.parseArgs(false, true);
            seg.span = this.span(t.start, this.prevEnd);
          }
          if (this.is(TokenType.OpenParen) && this.adjacent() && t.text === '$filter') {
            // `$filter(…)(key)`: a key after a filter segment.
            const key = this.parseArgs(false, true);
            const keySeg: PathSegment = { kind: 'Identifier', span: key.span, name: '', nameSpan: { start: key.span.start, end: key.span.start }, args: key, keyAsSegment: true };
            segments.push(seg);
            seg = keySeg;
          }
          pos = this.prevEnd;
        }
      } else if (isIdentifierStart(c)) {
        this.reset(pos, end);
        const t = this.tok;
        if (t.type === TokenType.Identifier) {
          this.consume();
          const ident: PathSegment = { kind: 'Identifier', span: this.span(t.start, t.end), name: t.text, nameSpan: this.span(t.start, t.end) };
          if (this.is(TokenType.OpenParen) && this.adjacent()) {
            ident.args = this.parseArgs(false, true);
            if (this.is(TokenType.OpenParen) && this.adjacent()) ident.keyAfterCall = this.parseArgs(false, true);
            ident.span = this.span(t.start, this.prevEnd);
          }
          pos = this.prevEnd;
          seg = ident;
          if (t.text.endsWith('.*') || t.text.endsWith('.')) this.error('syntax.unexpected-token', t.start, t.end);
          if (segments.length === 0 && t.text.includes('.') && !(this.text.charCodeAt(pos) === 47 && segments.length === 0 && false)) {
            this.error('syntax.unexpected-token', t.start + t.text.indexOf('.'), t.end, 'A resource path cannot start with a namespace-qualified name.');
          }
        }
      }
      // Anything else up to the next literal '/' is a key-as-segment value (or garbage).
      const atBoundary = pos >= end || (text.charCodeAt(pos) === 47 && !this.sc.isEncoded(pos));
      if (!seg || !atBoundary) {
        let e = pos;
        while (e < end && !(text.charCodeAt(e) === 47 && !this.sc.isEncoded(e))) e++;
        if (seg && seg.kind === 'Identifier' && !seg.args && !seg.name.includes('.')) {
          // e.g. `O'Neil`, `Smartphone%2FTablet`, `A12-45`: a key value.
          seg = { kind: 'Identifier', span: this.span(segStart, e), name: text.slice(segStart, e), nameSpan: this.span(segStart, e), keyAsSegment: true };
          if (segments.length === 0) this.error('syntax.unexpected-token', pos, e, `Unexpected '${text.slice(pos, e)}'.`);
          else this.checkKeyText(segStart, e);
        } else if (!seg) {
          if (e === segStart) {
            this.error('syntax.expected-segment', segStart, segStart);
          } else {
            seg = { kind: 'Identifier', span: this.span(segStart, e), name: text.slice(segStart, e), nameSpan: this.span(segStart, e), keyAsSegment: true };
            this.checkKeyText(segStart, e);
            if (segments.length === 0) this.error('syntax.unexpected-token', segStart, e, 'A resource path must start with a name.');
          }
        } else {
          this.error('syntax.unexpected-token', pos, e, `Unexpected '${text.slice(pos, e)}'.`);
        }
        pos = e;
      }
      if (seg) segments.push(seg);
      if (pos < end) {
        // at a literal '/'
        pos++;
        // Dynamics ignores a trailing '/' (before '?' or at the end).
        if (pos >= end) this.tolerate('syntax.expected-segment', 'syntax.trailing-slash', pos - 1, pos, 'A path segment was expected after "/".');
      }
    }
    this.checkPathStructure(segments);
    return { kind: 'ResourcePath', span: this.span(start, end), segments };
  }

  private checkKeyText(start: number, end: number): void {
    for (let k = start; k < end; k++) {
      if (this.sc.isEncoded(k)) continue;
      const c = this.text.charCodeAt(k);
      if (!(isAsciiLetter(c) || isDigit(c) || c > 127 || "-._~!$&'()*+,;=:@".includes(this.text[k]))) {
        this.error('syntax.invalid-character', k, k + 1);
        return;
      }
    }
  }

  /** Segment order rules that need no model: what may follow `$count`, `$ref`, `$value`, `$batch` … */
  private checkPathStructure(segments: PathSegment[]): void {
    const terminal = new Set(['$count', '$ref', '$value', '$batch', '$metadata', '$query']);
    const firstOnly = new Set(['$batch', '$metadata', '$entity', '$crossjoin', '$all']);
    const known = new Set(['$count', '$ref', '$value', '$each', '$batch', '$metadata', '$entity', '$all', '$crossjoin', '$query', '$filter']);
    for (let k = 0; k < segments.length; k++) {
      const s = segments[k];
      if (s.kind !== 'Keyword') continue;
      if (!known.has(s.name)) this.report('syntax.unknown-segment', s.span, `Unknown segment '${s.name}'.`);
      else if (firstOnly.has(s.name) && k > 0) this.report('syntax.unexpected-segment', s.span, `'${s.name}' must be the first segment.`);
      else if ((s.name === '$count' || s.name === '$ref' || s.name === '$value' || s.name === '$each' || s.name === '$query' || s.name === '$filter') && k === 0) {
        this.report('syntax.unexpected-segment', s.span, `'${s.name}' must follow a resource.`);
      }
      if (terminal.has(s.name) && k + 1 < segments.length) {
        this.report('syntax.unexpected-segment', segments[k + 1].span, `Nothing may follow '${s.name}'.`);
      }
      if (s.name === '$crossjoin' && !s.args) this.report('syntax.expected-open-paren', s.span, "'$crossjoin' needs a list of entity sets.");
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// $search
// ---------------------------------------------------------------------------------------------------------

class SearchParser {
  private pos: number;
  private readonly text: string;

  constructor(
    private readonly p: Parser,
    start: number,
    private readonly end: number,
    private readonly nested: boolean,
  ) {
    this.pos = start;
    this.text = p.text;
  }

  private raw(i: number): boolean {
    return !this.p.sc.isEncoded(i);
  }

  private skipWs(): boolean {
    const s = this.pos;
    while (this.pos < this.end && isWhitespace(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos > s;
  }

  private atStop(): boolean {
    if (this.pos >= this.end) return true;
    const c = this.text.charCodeAt(this.pos);
    return this.nested && c === 59 && this.raw(this.pos);
  }

  parse(): { expression?: SearchExpression; end: number } {
    this.skipWs();
    // searchExpr-incomplete: the whole value in single quotes.
    if (this.text.charCodeAt(this.pos) === 39) {
      const start = this.pos;
      let i = this.pos + 1;
      let value = '';
      let closed = false;
      while (i < this.end) {
        const c = this.text.charCodeAt(i);
        if (c === 39) {
          if (this.text.charCodeAt(i + 1) === 39) {
            value += "'";
            i += 2;
            continue;
          }
          closed = true;
          i++;
          break;
        }
        if (this.nested && c === 59 && this.raw(i)) break;
        value += this.text[i];
        i++;
      }
      this.pos = i;
      if (!closed) this.p.error('syntax.unterminated-string', start, i);
      return { expression: { kind: 'SearchTerm', span: this.p.span(start, i), text: value, phrase: true }, end: i };
    }
    if (this.atStop()) {
      this.p.error('syntax.invalid-search', this.pos, this.pos, '$search needs a search expression.');
      return { end: this.pos };
    }
    const expression = this.parseOr(0);
    this.skipWs();
    if (!this.atStop() && !(this.nested && this.text.charCodeAt(this.pos) === 41)) {
      this.p.error('syntax.invalid-search', this.pos, this.pos + 1, `Unexpected '${this.text[this.pos]}' in $search.`);
      // Skip the rest.
      while (!this.atStop() && !(this.nested && this.text.charCodeAt(this.pos) === 41)) this.pos++;
    }
    return { expression, end: this.pos };
  }

  /** Peeks the next word (operator candidates) without consuming. */
  private peekWord(): { word: string; start: number; end: number; ws: boolean } | undefined {
    const save = this.pos;
    const ws = this.skipWs();
    const start = this.pos;
    let i = start;
    while (i < this.end && this.isWordChar(i, i === start)) i++;
    this.pos = save;
    if (i === start) return undefined;
    return { word: this.text.slice(start, i), start, end: i, ws };
  }

  private startsExpr(from: number): boolean {
    let i = from;
    while (i < this.end && isWhitespace(this.text.charCodeAt(i))) i++;
    if (i >= this.end) return false;
    const c = this.text.charCodeAt(i);
    if (this.nested && c === 59 && this.raw(i)) return false;
    if (c === 41) return false;
    return c === 40 || c === 34 || this.isWordChar(i, true);
  }

  private isWordChar(i: number, first: boolean): boolean {
    const c = this.text.charCodeAt(i);
    if (c === 40 || c === 41 || c === 34 || isWhitespace(c)) return false;
    if (!this.raw(i)) return !(first && c === 39);
    if (c === 39) return !first;
    if (isAsciiLetter(c) || isDigit(c) || c > 127) return true;
    return "-._~!*+,:@/?$=".includes(this.text[i]);
  }

  private parseOr(depth: number): SearchExpression | undefined {
    let left = this.parseAnd(depth);
    for (;;) {
      const w = this.peekWord();
      if (!left || !w || !w.ws || w.word !== 'OR' || !this.startsExprAfterOperator(w.end)) return left;
      this.pos = w.end;
      const right = this.parseAnd(depth);
      left = { kind: 'SearchBinary', span: { start: left.span.start, end: this.p.sc.offset(this.pos) }, operator: 'OR', left, ...(right ? { right } : {}) };
    }
  }

  private startsExprAfterOperator(from: number): boolean {
    if (from >= this.end || !isWhitespace(this.text.charCodeAt(from))) return false;
    return this.startsExpr(from);
  }

  private parseAnd(depth: number): SearchExpression | undefined {
    let left = this.parseUnary(depth);
    for (;;) {
      if (!left) return left;
      const save = this.pos;
      const ws = this.skipWs();
      if (this.atStop() || this.text.charCodeAt(this.pos) === 41) {
        this.pos = save;
        return left;
      }
      const w = this.peekWord();
      if (w && w.word === 'OR' && this.startsExprAfterOperator(w.end)) {
        this.pos = save;
        return left;
      }
      if (!ws) {
        // Two primaries must be separated by whitespace.
        this.pos = save;
        return left;
      }
      if (w && w.word === 'AND' && this.startsExprAfterOperator(w.end)) this.pos = w.end;
      const right = this.parseUnary(depth);
      if (!right) {
        this.pos = save;
        return left;
      }
      left = { kind: 'SearchBinary', span: { start: left.span.start, end: this.p.sc.offset(this.pos) }, operator: 'AND', left, right };
    }
  }

  private parseUnary(depth: number): SearchExpression | undefined {
    this.skipWs();
    const w = this.peekWord();
    if (w && w.word === 'NOT' && this.startsExprAfterOperator(w.end)) {
      const start = this.pos;
      this.pos = w.end;
      const operand = this.parseUnary(depth);
      return { kind: 'SearchNot', span: this.p.span(start, this.pos), ...(operand ? { operand } : {}) };
    }
    return this.parsePrimary(depth);
  }

  private parsePrimary(depth: number): SearchExpression | undefined {
    this.skipWs();
    if (this.atStop()) return undefined;
    const start = this.pos;
    const c = this.text.charCodeAt(start);
    if (c === 40) {
      if (depth >= maxDepth) {
        this.p.error('syntax.too-deep', start, this.end);
        this.pos = this.end;
        return undefined;
      }
      this.pos++;
      const inner = this.parseOr(depth + 1);
      this.skipWs();
      if (this.pos < this.end && this.text.charCodeAt(this.pos) === 41) this.pos++;
      else this.p.error('syntax.expected-closing-paren', this.pos, this.pos);
      if (!inner) this.p.error('syntax.invalid-search', start, this.pos, 'Empty parentheses in $search.');
      return inner;
    }
    if (c === 41) return undefined;
    if (c === 34) {
      let i = start + 1;
      while (i < this.end && this.text.charCodeAt(i) !== 34) i++;
      if (i >= this.end) {
        this.p.error('syntax.unterminated-string', start, i, 'The search phrase is missing its closing double quote.');
        this.pos = i;
        return { kind: 'SearchTerm', span: this.p.span(start, i), text: this.text.slice(start + 1, i), phrase: true };
      }
      this.pos = i + 1;
      if (i === start + 1) this.p.error('syntax.invalid-search', start, this.pos, 'Empty search phrase.');
      return { kind: 'SearchTerm', span: this.p.span(start, this.pos), text: this.text.slice(start + 1, i), phrase: true };
    }
    let i = start;
    while (i < this.end && this.isWordChar(i, i === start)) i++;
    if (i === start) {
      this.p.error('syntax.invalid-search', start, start + 1, `'${this.text[start]}' is not allowed in a search word; percent-encode it.`);
      // Take the rest of the word with it so that one error covers it.
      i = start + 1;
      while (i < this.end && this.isWordChar(i, false)) i++;
      this.pos = i;
      return { kind: 'SearchTerm', span: this.p.span(start, i), text: this.text.slice(start, i), phrase: false };
    }
    this.pos = i;
    return { kind: 'SearchTerm', span: this.p.span(start, i), text: this.text.slice(start, i), phrase: false };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

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

function jsonValueOf(e: Expression): unknown {
  if (e.kind === 'Literal') {
    if (e.type === 'null' || e.type === 'boolean' || e.type === 'string') return e.value;
    if ((e.type === 'int' || e.type === 'decimal' || e.type === 'double') && typeof e.value === 'number') return e.value;
    return e.raw;
  }
  if (e.kind === 'Json') return e.value === undefined ? NOT_JSON : e.value;
  return NOT_JSON;
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


// ---------------------------------------------------------------------------------------------------------
// Service root
// ---------------------------------------------------------------------------------------------------------

const versionSegment = /^v\d+(\.\d+)*$/i;

/**
 * Finds where the resource path starts in decoded `[0, end)`. Returns that offset (0 when there is no
 * recognised prefix) and reports a malformed scheme/authority.
 */
function findServiceRootEnd(p: Parser, end: number, options: ParseOptions | undefined): number {
  const text = p.text;
  if (options?.serviceRoot) {
    const root = options.serviceRoot;
    if (text.slice(0, root.length).toLowerCase() === root.toLowerCase()) {
      let e = root.length;
      if (!root.endsWith('/') && text.charCodeAt(e) === 47) e++;
      return Math.min(e, end);
    }
  }
  let pathStart = -1;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text.slice(0, Math.min(end, 40)));
  if (scheme) {
    let i = scheme[0].length;
    if (!/^https?:\/\/$/i.test(scheme[0])) p.error('syntax.invalid-service-root', 0, i - 3, 'Only http and https URLs are supported.');
    // Authority: [userinfo@] host [:port]; `[..]` hosts (IPv6, or documentation placeholders).
    const hostStart = i;
    if (text.charCodeAt(i) === 91) {
      const close = text.indexOf(']', i);
      i = close < 0 || close > end ? end : close + 1;
    } else {
      while (i < end && !'/:?#'.includes(text[i])) i++;
      if (i === hostStart) p.error('syntax.invalid-service-root', hostStart, hostStart + 1, 'Missing host name.');
    }
    if (text.charCodeAt(i) === 58) {
      const portStart = ++i;
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      if (i < end && text.charCodeAt(i) !== 47) {
        p.error('syntax.invalid-service-root', portStart, i + 1, 'Invalid port.');
        while (i < end && text.charCodeAt(i) !== 47) i++;
      }
    }
    if (i >= end) return end;
    pathStart = i + 1; // after '/'
  } else if (text.charCodeAt(0) === 91 /* [ */) {
    const close = text.indexOf(']', 0);
    if (close > 0 && close < end) {
      pathStart = close + 1;
      if (text.charCodeAt(pathStart) === 47) pathStart++;
      else if (pathStart >= end) return end;
    }
  } else if (text.charCodeAt(0) === 47) {
    pathStart = 1;
  }
  if (pathStart < 0) return 0;
  // Split the rest into segments (literal '/'), remembering where each starts.
  const segs: { start: number; end: number; text: string }[] = [];
  let s = pathStart;
  for (let k = pathStart; k <= end; k++) {
    if (k === end || (text.charCodeAt(k) === 47 && !p.sc.isEncoded(k))) {
      segs.push({ start: s, end: k, text: text.slice(s, k) });
      s = k + 1;
    }
  }
  const after = (idx: number): number => (idx + 1 < segs.length ? segs[idx + 1].start : end);
  // Dynamics markers: …/api/…/vX.Y/ (Dataverse, Business Central), …/ODataV4/, …/data/ (F&O).
  let apiIdx = -1;
  for (let k = 0; k < segs.length; k++) if (segs[k].text.toLowerCase() === 'api') apiIdx = k;
  if (apiIdx >= 0) {
    for (let k = apiIdx + 1; k < segs.length && k <= apiIdx + 4; k++) {
      if (versionSegment.test(segs[k].text)) return after(k);
    }
  }
  for (let k = 0; k < segs.length; k++) {
    const l = segs[k].text.toLowerCase();
    if (l === 'odatav4' || l === 'data') return after(k);
  }
  if (text.charCodeAt(0) === 47 && !scheme) return pathStart;
  // Generic: the first segment that looks like OData ($-segment or with parentheses) starts the path;
  // otherwise the last segment is the resource.
  for (let k = 0; k < segs.length; k++) {
    const t = segs[k].text;
    if (t.startsWith('$') || t.includes('(')) return segs[k].start;
  }
  return segs[segs.length - 1].start;
}

// ---------------------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------------------

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
    uri.path = p.parseResourcePath(pathStart, pathEnd);
  } else {
    uri.path = { kind: 'ResourcePath', span: p.span(0, 0), segments: [] };
  }
  if (queryStart >= 0) {
    uri.querySpan = p.span(queryStart, queryEnd);
    p.parseQueryString(queryStart, queryEnd, uri.queryOptions);
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
  const expression = p.parseExpression();
  if (!p.is(TokenType.EOF)) p.error('syntax.unexpected-token', p.tok.start, p.text.length, `Unexpected '${p.tok.text}'.`);
  return { expression, errors: p.errors };
}

/** Parses a query string without the leading `?` (`$top=2&$orderby=Name`). */
export function parseQueryOptions(text: string, parseOptions?: FragmentParseOptions): { options: QueryOption[]; errors: SyntaxError[] } {
  const p = fragmentParser(text, parseOptions);
  const options: QueryOption[] = [];
  p.parseQueryString(0, p.text.length, options);
  return { options, errors: p.errors };
}

/** Parses a resource path relative to the service root (`Categories(1)/Products`). */
export function parseResourcePath(text: string, options?: FragmentParseOptions): { path: ResourcePath; errors: SyntaxError[] } {
  const p = fragmentParser(text, options);
  const path = p.parseResourcePath(0, p.text.length);
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
export const parseSelect = valueParser((p) => p.parseSelectItems());
/** `$expand` value. */
export const parseExpand = valueParser((p) => p.parseExpandItems());
/** `$orderby` value. */
export const parseOrderBy = valueParser((p) => p.parseOrderByItems());
/** `$compute` value. */
export const parseCompute = valueParser((p) => p.parseComputeItems());
/** `$apply` value. */
export const parseApply = valueParser((p): Transformation[] => parseApplyExpr(p));

/** `$search` value. */
export function parseSearch(text: string, options?: FragmentParseOptions): { expression?: SearchExpression; errors: SyntaxError[] } {
  const p = fragmentParser(text, options);
  const r = p.parseSearchAt(0, p.text.length, false);
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
    const e = p.parseExpression();
    if (e.kind === 'Literal') literal = e;
  } else if (t.type === TokenType.Minus || t.type === TokenType.Plus) {
    p.error('syntax.invalid-literal', t.start, t.end);
  } else if (t.type !== TokenType.EOF && t.type !== TokenType.JsonString && t.type !== TokenType.AtName) {
    const e = p.parseExpression();
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
