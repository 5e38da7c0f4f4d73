/**
 * Context URL fragments (`$metadata#Customers(Name,Orders)/$entity`, OData 4.01 Part 1 §10, ABNF §3).
 * Fragments are not percent-decoded (a `#` qualifier is written literally there). Model-free: names
 * are kept for the binder to resolve.
 */
import type { Span, SyntaxError } from './ast';
import { isDigit, isIdentifierPart, isIdentifierStart } from './literals';

export interface ContextSelectItem {
  /** Path parts: `Address`, `Model.AddressWithLocation`, `*`, `Model.*`, `@Core.Messages#q`. */
  path: string[];
  span: Span;
  /** `nav+` (expanded navigation). */
  expanded?: boolean;
  selectList?: ContextSelectItem[];
}

export interface ContextSegment {
  name: string;
  span: Span;
  /** Raw key predicate text inside the parentheses. */
  key?: string;
  selectList?: ContextSelectItem[];
}

export interface ContextUrl {
  kind: 'ContextUrl';
  span: Span;
  /** `Collection(…)` wrapper, when present. */
  collection?: boolean;
  segments: ContextSegment[];
  /** `$entity`, `$delta`, `$deletedEntity`, `$link`, `$deletedLink`, `$ref`. */
  suffix?: string;
}

class ContextParser {
  pos = 0;
  readonly errors: SyntaxError[] = [];
  constructor(readonly text: string) {}

  private err(message: string, start = this.pos, end = start + 1): void {
    if (this.errors.length === 0) this.errors.push({ code: 'syntax.unexpected-token', message, span: { start, end: Math.min(Math.max(end, start), this.text.length) } });
  }

  private ch(c: string): boolean {
    if (this.text[this.pos] === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** Identifier with optional dotted parts and optional final `.*`. */
  private name(allowStar: boolean): string | undefined {
    const start = this.pos;
    const t = this.text;
    if (allowStar && t[this.pos] === '*') {
      this.pos++;
      return '*';
    }
    if (!isIdentifierStart(t.charCodeAt(this.pos))) return undefined;
    this.pos++;
    for (;;) {
      while (this.pos < t.length && isIdentifierPart(t.charCodeAt(this.pos))) this.pos++;
      if (t[this.pos] === '.' && isIdentifierStart(t.charCodeAt(this.pos + 1))) {
        this.pos += 2;
        continue;
      }
      if (allowStar && t[this.pos] === '.' && t[this.pos + 1] === '*') this.pos += 2;
      break;
    }
    return t.slice(start, this.pos);
  }

  private annotation(): string | undefined {
    const start = this.pos;
    if (!this.ch('@')) return undefined;
    const n = this.name(false);
    if (!n) {
      this.err('Expected an annotation term after @.');
      return undefined;
    }
    if (this.ch('#')) {
      if (!this.name(false)) this.err('Expected a qualifier after #.');
    }
    return this.text.slice(start, this.pos);
  }

  parse(): ContextUrl | undefined {
    const t = this.text;
    if (!this.ch('#')) {
      this.err("A context URL fragment starts with '#'.", 0, 1);
      return undefined;
    }
    const ctx: ContextUrl = { kind: 'ContextUrl', span: { start: 0, end: t.length }, segments: [] };
    if (t.startsWith('$ref', this.pos)) {
      this.pos += 4;
      ctx.suffix = '$ref';
      this.end();
      return ctx;
    }
    if (t.startsWith('Collection(', this.pos)) {
      this.pos += 11;
      ctx.collection = true;
      if (t.startsWith('$ref)', this.pos)) {
        this.pos += 5;
        ctx.suffix = '$ref';
        this.end();
        return ctx;
      }
      const s = this.pos;
      const n = this.name(false);
      if (!n || !n.includes('.')) {
        this.err('Expected a qualified type name in Collection(…).', s);
        return ctx;
      }
      ctx.segments.push({ name: n, span: { start: s, end: this.pos } });
      if (!this.ch(')')) {
        this.err("Expected ')'.");
        return ctx;
      }
      if (t[this.pos] === '(') ctx.segments[0].selectList = this.selectList();
      this.end();
      return ctx;
    }
    for (;;) {
      const s = this.pos;
      if (t[this.pos] === '$') {
        const m = /^\$(entity|delta|deletedEntity|link|deletedLink)/.exec(t.slice(this.pos));
        if (!m || ctx.segments.length === 0) {
          this.err('Unexpected $-segment in context URL.', s);
          return ctx;
        }
        this.pos += m[0].length;
        ctx.suffix = m[0];
        break;
      }
      const n = this.name(false);
      if (!n) {
        this.err('Expected a name in the context URL.', s);
        return ctx;
      }
      const seg: ContextSegment = { name: n, span: { start: s, end: this.pos } };
      ctx.segments.push(seg);
      if (t[this.pos] === '(') {
        const c = t[this.pos + 1];
        if (c === "'" || isDigit(t.charCodeAt(this.pos + 1)) || c === '-' || /^\([A-Za-z_]\w*=/.test(t.slice(this.pos, this.pos + 130))) {
          const close = this.keyEnd(this.pos);
          if (close < 0) {
            this.err('Unterminated key predicate.');
            return ctx;
          }
          seg.key = t.slice(this.pos + 1, close);
          this.pos = close + 1;
        } else {
          seg.selectList = this.selectList();
          if (this.errors.length) return ctx;
        }
      }
      if (this.pos >= t.length) break;
      if (!this.ch('/')) {
        this.err(`Unexpected '${t[this.pos]}' in context URL.`);
        return ctx;
      }
    }
    this.end();
    return ctx;
  }

  private keyEnd(open: number): number {
    const t = this.text;
    let quote = false;
    for (let i = open + 1; i < t.length; i++) {
      const c = t[i];
      if (quote) {
        if (c === "'") {
          if (t[i + 1] === "'") i++;
          else quote = false;
        }
      } else if (c === "'") quote = true;
      else if (c === ')') return i;
    }
    return -1;
  }

  private end(): void {
    if (this.errors.length === 0 && this.pos < this.text.length) this.err(`Unexpected '${this.text[this.pos]}' at the end of the context URL.`);
  }

  private selectList(): ContextSelectItem[] {
    const items: ContextSelectItem[] = [];
    this.ch('(');
    if (this.ch(')')) return items;
    for (;;) {
      const item = this.selectItem();
      if (!item) return items;
      items.push(item);
      if (this.ch(',')) continue;
      if (this.ch(')')) return items;
      this.err(`Expected ',' or ')' but found '${this.text[this.pos] ?? 'end'}'.`);
      return items;
    }
  }

  private selectItem(): ContextSelectItem | undefined {
    const start = this.pos;
    const path: string[] = [];
    for (;;) {
      const part = this.text[this.pos] === '@' ? this.annotation() : this.name(true);
      if (!part) {
        this.err('Expected a property, *, or annotation in the select list.');
        return undefined;
      }
      path.push(part);
      if (this.text[this.pos] === '/' ) {
        this.pos++;
        continue;
      }
      break;
    }
    const item: ContextSelectItem = { path, span: { start, end: this.pos } };
    if (this.ch('+')) item.expanded = true;
    if (this.text[this.pos] === '(') {
      item.selectList = this.selectList();
    }
    item.span = { start, end: this.pos };
    return item;
  }
}

/** Parses `#fragment` (the `#` included). */
export function parseContextUrl(text: string): { context?: ContextUrl; errors: SyntaxError[] } {
  const p = new ContextParser(text);
  const context = p.parse();
  return context ? { context, errors: p.errors } : { errors: p.errors };
}

/** Errors of a `#fragment` (spans relative to the fragment text). */
export function validateContextFragment(fragment: string): SyntaxError[] {
  return parseContextUrl(fragment).errors;
}
