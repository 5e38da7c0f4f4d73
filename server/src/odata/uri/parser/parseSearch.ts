/** `$search` values: terms, phrases, AND/OR/NOT and groups, on the raw text. */
import type { SearchExpression } from '../ast';
import { isWhitespace } from '../scanner';
import { isDigit, isAsciiLetter } from '../literals';
import { maxDepth, type Parser } from './parserCore';

/**
 * `$search` value from decoded `start`. Nested (inside `(…)`): stops at a literal `;` or an unbalanced `)`.
 * Returns the decoded end of what was consumed.
 */
export function parseSearchAt(p: Parser, start: number, end: number, nested: boolean): { expression?: SearchExpression; end: number } {
  const s = new SearchParser(p, start, end, nested);
  return s.parse();
}

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
