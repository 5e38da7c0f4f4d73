/** JSON arrays and objects in URLs (`arrayOrObject`), whose values may be OData expressions. */
import type { Expression, JsonExpression } from '../ast';
import { TokenType } from '../scanner';
import type { Parser } from './parserCore';
import { parseExpression } from './parseExpression';

/** JSON array or object (`arrayOrObject`); values may be OData expressions. */
export function parseJson(p: Parser): JsonExpression {
  const start = p.tok.start;
  const value = parseJsonValue(p);
  const end = p.prevEnd;
  return {
    kind: 'Json',
    span: p.span(start, end),
    value: value === NOT_JSON ? undefined : value,
    raw: p.text.slice(start, end),
  };
}

function parseJsonValue(p: Parser): unknown {
  return p.nested(() => parseJsonValueInner(p), () => NOT_JSON);
}

function parseJsonValueInner(p: Parser): unknown {
  const t = p.tok;
  if (t.type === TokenType.JsonString) {
    p.consume();
    if (t.unterminated) p.error('syntax.invalid-json', t.start, t.end, 'Unterminated or invalid JSON string.');
    return t.value;
  }
  if (t.type === TokenType.OpenBracket) {
    p.consume();
    const arr: unknown[] = [];
    let json = true;
    if (!p.is(TokenType.CloseBracket)) {
      for (;;) {
        const v = parseJsonValue(p);
        if (v === NOT_JSON) json = false;
        else arr.push(v);
        if (p.is(TokenType.Comma)) {
          p.consume();
          continue;
        }
        break;
      }
    }
    if (!p.is(TokenType.CloseBracket)) {
      p.error('syntax.invalid-json', p.tok.start, p.tok.end, "Expected ',' or ']' in JSON array.");
      resyncJson(p, TokenType.CloseBracket);
    }
    if (p.is(TokenType.CloseBracket)) p.consume();
    return json ? arr : NOT_JSON;
  }
  if (t.type === TokenType.OpenBrace) {
    p.consume();
    const obj: Record<string, unknown> = {};
    let json = true;
    let singleQuoted = false;
    if (!p.is(TokenType.CloseBrace)) {
      for (;;) {
        const key = p.tok;
        // Dataverse accepts single-quoted member names: `@p1={'@odata.id':'accounts(…)'}` is its documented form.
        if (key.type === TokenType.String && !key.unterminated && !p.strict) singleQuoted = true;
        else if (key.type !== TokenType.JsonString) {
          p.error('syntax.invalid-json', key.start, key.end, 'Expected a double-quoted member name.');
          resyncJson(p, TokenType.CloseBrace);
          json = false;
          break;
        }
        p.consume();
        if (!p.expect(TokenType.Colon, 'syntax.invalid-json')) {
          resyncJson(p, TokenType.CloseBrace);
          json = false;
          break;
        }
        const v = parseJsonValue(p);
        if (v === NOT_JSON) json = false;
        else obj[key.value ?? ''] = v;
        if (p.is(TokenType.Comma)) {
          p.consume();
          continue;
        }
        break;
      }
    }
    if (!p.is(TokenType.CloseBrace)) {
      p.error('syntax.invalid-json', p.tok.start, p.tok.end, "Expected ',' or '}' in JSON object.");
      resyncJson(p, TokenType.CloseBrace);
    }
    if (p.is(TokenType.CloseBrace)) p.consume();
    if (singleQuoted) p.tolerate('syntax.invalid-json', 'syntax.single-quoted-json', t.start, p.prevEnd);
    return json ? obj : NOT_JSON;
  }
  const expr = parseExpression(p);
  return jsonValueOf(expr);
}

function resyncJson(p: Parser, close: TokenType): void {
  let depth = 0;
  while (!p.is(TokenType.EOF)) {
    const t = p.tok.type;
    if (depth === 0 && (t === close || t === TokenType.Semicolon)) return;
    if (t === TokenType.OpenBracket || t === TokenType.OpenBrace || t === TokenType.OpenParen) depth++;
    else if (t === TokenType.CloseBracket || t === TokenType.CloseBrace || t === TokenType.CloseParen) {
      if (depth === 0) return;
      depth--;
    }
    p.consume();
  }
}

const NOT_JSON = Symbol('not-json');

function jsonValueOf(e: Expression): unknown {
  if (e.kind === 'Literal') {
    if (e.type === 'null' || e.type === 'boolean' || e.type === 'string') return e.value;
    if ((e.type === 'int' || e.type === 'decimal' || e.type === 'double') && typeof e.value === 'number') return e.value;
    return e.raw;
  }
  if (e.kind === 'Json') return e.value === undefined ? NOT_JSON : e.value;
  return NOT_JSON;
}
