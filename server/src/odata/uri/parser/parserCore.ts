/**
 * The state every part of the URL parser shares: the scanner over the percent-decoded text, the current token,
 * the errors and warnings (every syntax error goes through `report`), and the token helpers (`consume`,
 * `expect`, `resync`, `closeParen`, `nested`). The grammar rules are functions taking this `Parser`:
 * parsePath.ts, parseOptions.ts, parseExpression.ts, parseJson.ts, parseSearch.ts and parseApply.ts.
 */
import type { Expression, Span, SyntaxError } from '../ast';
import { Scanner, TokenType, type DecodedText, type Token } from '../scanner';
import { diagnosticCodes, syntaxErrorCodes, type SyntaxErrorCode } from '../../diagnosticCodes';

/** Maximum nesting of expressions and search groups. */
export const maxDepth = 200;

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
  typeNameContext = 0;

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

  /** Nesting depth of expressions (guards the call stack against pathological input). */
  depth = 0;

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

  tooDeep(): Expression {
    const start = this.tok.start;
    this.error('syntax.too-deep', start, this.sc.end);
    while (!this.is(TokenType.EOF)) this.consume();
    return { kind: 'Error', span: this.span(start, this.prevEnd) };
  }
}
