/**
 * Percent-encoding of an OData URL as a person writes it, for real servers: spaces as `%20` (CAP rejects `+`),
 * `+` as `%2B`, non-ASCII as UTF-8, and `#`, `&`, `=` (and `?`) inside string literals, while the OData
 * syntax characters ($ ( ) ' , = / : @ ; * and the `&`/`=` between query options) stay as written and an
 * existing `%XX` is kept.
 *
 * String literals are `'…'` with `''` as the escaped quote, and `"…"` (JSON strings in parameter aliases,
 * `$search` phrases) with `\"` escapes. A quote that never closes is an ordinary character.
 */

/** Characters kept as written outside literals (RFC 3986 unreserved + the sub-delims and gen-delims OData uses). */
const KEEP_OUTSIDE = /[A-Za-z0-9\-._~$()',;=/:@*!&?]/;
/** Inside a literal, the characters that would end a query option, a path or the URL are encoded too. */
const KEEP_INSIDE = /[A-Za-z0-9\-._~$()',;/:@*!]/;

/** Encodes `raw` (a path and query, or a whole URL after its origin). */
export function encodeODataUrl(raw: string): string {
  const inside = literalInteriors(raw);
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const ch = String.fromCodePoint(raw.codePointAt(i)!);
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) {
      out += raw.slice(i, i + 3);
      i += 3;
      continue;
    }
    if ((inside[i] ? KEEP_INSIDE : KEEP_OUTSIDE).test(ch)) {
      out += ch;
    } else {
      out += percentEncode(ch);
    }
    i += ch.length;
  }
  return out;
}

function percentEncode(ch: string): string {
  let out = '';
  for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/** For each offset: true when it is strictly between a literal's opening and closing quotes. */
function literalInteriors(text: string): boolean[] {
  const inside = new Array<boolean>(text.length).fill(false);
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const end = ch === "'" || ch === '"' ? closingQuote(text, i) : undefined;
    if (end === undefined) {
      i++;
      continue;
    }
    inside.fill(true, i + 1, end);
    i = end + 1;
  }
  return inside;
}

function closingQuote(text: string, open: number): number | undefined {
  const quote = text[open];
  for (let j = open + 1; j < text.length; j++) {
    if (quote === '"' && text[j] === '\\') {
      j++;
    } else if (text[j] === quote) {
      if (quote === "'" && text[j + 1] === "'") j++;
      else return j;
    }
  }
  return undefined;
}
