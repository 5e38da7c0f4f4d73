/**
 * Scanner of the OData URL parser.
 *
 * 1. `decodeUrlText` percent-decodes the input once (UTF-8 sequences included) and keeps, for every
 *    decoded character, its offset in the original text and whether it was written encoded. Encoded and
 *    plain input therefore scan alike (`%27` is a quote, `%20` a space, `%28` an open paren …), while the
 *    parser can still tell a structural `&`, `?`, `#`, `/` or `;` from an encoded one where the URL syntax
 *    needs it (`$search=more%26more` is one option; `Categories/Smartphone%2FTablet` one segment).
 * 2. `Scanner` cuts the decoded text into tokens on demand, from any position (the parser moves it
 *    between sub-languages: path, expressions, `$search`, raw option values).
 *
 * In strict mode `+` is never a space: OData URLs encode spaces as `%20`; a `+` is kept literally and acts as a
 * sign only where the grammar allows one (numbers such as `+42`, time-zone offsets, enum members). By default the
 * query string is read as Dynamics reads it (`applyQueryStringSpaces`): a `+` that is not a sign is a space.
 */
import {
  isDigit,
  isHexDigit,
  isIdentifierPart,
  isIdentifierStart,
  matchDate,
  matchDateTimeOffset,
  matchDecimal,
  matchGuid,
  matchTimeOfDay,
} from './literals';

export interface DecodedText {
  /** The original text. */
  source: string;
  /** Decoded characters. */
  text: string;
  /** `offsets[i]` = offset in `source` of decoded character i; `offsets[text.length]` = end in `source`. */
  offsets: Int32Array;
  /** 1 where the decoded character was written percent-encoded. */
  encoded: Uint8Array;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  return c - 87;
}

/** Percent-decodes `source` (or a copy without decoding when `decode` is false), keeping offsets. */
export function decodeUrlText(source: string, decode = true): DecodedText {
  const n = source.length;
  if (!decode || source.indexOf('%') < 0) {
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) offsets[i] = i;
    return { source, text: source, offsets, encoded: new Uint8Array(n) };
  }
  const chars: string[] = [];
  const offs: number[] = [];
  const enc: number[] = [];
  let i = 0;
  const byteAt = (p: number): number =>
    p + 2 < n + 0 + 1 && source.charCodeAt(p) === 37 && isHexDigit(source.charCodeAt(p + 1)) && isHexDigit(source.charCodeAt(p + 2))
      ? hexValue(source.charCodeAt(p + 1)) * 16 + hexValue(source.charCodeAt(p + 2))
      : -1;
  while (i < n) {
    const b = source.charCodeAt(i) === 37 ? byteAt(i) : -1;
    if (b < 0) {
      chars.push(source[i]);
      offs.push(i);
      enc.push(0);
      i++;
      continue;
    }
    if (b < 0x80) {
      chars.push(String.fromCharCode(b));
      offs.push(i);
      enc.push(1);
      i += 3;
      continue;
    }
    // UTF-8 multi-byte sequence.
    const len = b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    let cp = len === 4 ? b & 0x07 : len === 3 ? b & 0x0f : b & 0x1f;
    let ok = len > 0;
    for (let k = 1; ok && k < len; k++) {
      const cb = byteAt(i + 3 * k);
      if (cb < 0x80 || cb > 0xbf) ok = false;
      else cp = (cp << 6) | (cb & 0x3f);
    }
    if (!ok || cp > 0x10ffff) {
      // Not valid UTF-8: keep the escape as written.
      chars.push('%');
      offs.push(i);
      enc.push(0);
      i++;
      continue;
    }
    const s = String.fromCodePoint(cp);
    for (let k = 0; k < s.length; k++) {
      chars.push(s[k]);
      offs.push(i);
      enc.push(1);
    }
    i += 3 * len;
  }
  const text = chars.join('');
  const offsets = new Int32Array(text.length + 1);
  for (let k = 0; k < offs.length; k++) offsets[k] = offs[k];
  offsets[text.length] = n;
  return { source, text, offsets, encoded: Uint8Array.from(enc) };
}

/** Shared by every `plainUrlText`: offsets[i] = i, never written. */
let identityOffsets = new Int32Array(0);
/** Shared by every `plainUrlText`: all zero, never written. */
let noneEncoded = new Uint8Array(0);

/**
 * `source` as a `DecodedText` without decoding and without allocating: every character is itself and its own
 * offset (the offsets and encoded tables are shared, read-only, and may be longer than the text). For readers that
 * scan often and short texts (completion, on every keystroke), where `decodeUrlText`'s fresh tables would cost more
 * than the scan.
 */
export function plainUrlText(source: string): DecodedText {
  const n = source.length;
  if (identityOffsets.length <= n) {
    const size = Math.max(n + 1, identityOffsets.length * 2, 256);
    identityOffsets = new Int32Array(size);
    for (let i = 0; i < size; i++) identityOffsets[i] = i;
    noneEncoded = new Uint8Array(size);
  }
  return { source, text: source, offsets: identityOffsets, encoded: noneEncoded };
}

export enum TokenType {
  EOF,
  Identifier, // name, possibly dotted: `name`, `Ns.Type`, `geo.distance`, `Ns.*`
  DollarName, // `$it`, `$count`, `$filter` …
  AtName, // `@p1`, `@Core.Messages`, `@Core.Messages#q` (the `#` written %23)
  String, // '…' with '' escapes
  JsonString, // "…" with JSON escapes
  Number,
  Guid,
  Date,
  DateTimeOffset,
  TimeOfDay,
  TypedLiteral, // Ns.Enum'A', duration'P1D', binary'…', X'…', geography'…', geometry'…'
  OpenParen,
  CloseParen,
  Comma,
  Slash,
  Colon,
  Semicolon,
  Equals,
  Star,
  OpenBracket,
  CloseBracket,
  OpenBrace,
  CloseBrace,
  Minus,
  Plus,
  Unknown,
}

export interface Token {
  type: TokenType;
  /** Decoded offsets. */
  start: number;
  end: number;
  /** Whitespace (space, tab, %20, %09) directly before the token. */
  wsBefore: boolean;
  /** Decoded text of the token. */
  text: string;
  /** String / typed literal content (quotes removed, escapes undone). */
  value?: string;
  /** TypedLiteral: the prefix before the quote. */
  typeName?: string;
  /** Number kind. */
  numberKind?: 'int' | 'decimal' | 'double';
  /** Quoted token without its closing quote. */
  unterminated?: boolean;
  /** Decoded offset of a literal (not encoded) '/' inside a quoted literal (invalid in a path segment). */
  slashAt?: number;
}

export function isWhitespace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * On-demand tokenizer over a decoded text region. `pos` may be moved by the parser; `scan()` skips
 * whitespace and returns the next token.
 */
export class Scanner {
  readonly text: string;
  pos: number;
  end: number;

  constructor(
    readonly decoded: DecodedText,
    start = 0,
    end = decoded.text.length,
  ) {
    this.text = decoded.text;
    this.pos = start;
    this.end = end;
  }

  /** Original offset of a decoded position. */
  offset(pos: number): number {
    return this.decoded.offsets[Math.min(pos, this.decoded.text.length)];
  }

  isEncoded(pos: number): boolean {
    return this.decoded.encoded[pos] === 1;
  }

  charCode(pos = this.pos): number {
    return pos < this.end ? this.text.charCodeAt(pos) : -1;
  }

  skipWhitespace(): boolean {
    const start = this.pos;
    while (this.pos < this.end && isWhitespace(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  private token(type: TokenType, start: number, wsBefore: boolean, extra?: Partial<Token>): Token {
    this.pos = Math.max(this.pos, start);
    const tok: Token = { type, start, end: this.pos, wsBefore, text: this.text.slice(start, this.pos) };
    if (extra) Object.assign(tok, extra);
    return tok;
  }

  /** Scans the next token. */
  scan(): Token {
    const ws = this.skipWhitespace();
    const start = this.pos;
    if (start >= this.end) return { type: TokenType.EOF, start, end: start, wsBefore: ws, text: '' };
    const text = this.text;
    const c = text.charCodeAt(start);

    // GUIDs may start with a letter; check them before identifiers and numbers.
    if (isHexDigit(c) && text.charCodeAt(start + 8) === 45) {
      const e = matchGuid(text, start, this.end);
      if (e > 0) {
        this.pos = e;
        return this.token(TokenType.Guid, start, ws);
      }
    }
    if (isDigit(c) || ((c === 45 || c === 43) && (isDigit(text.charCodeAt(start + 1)) || text.startsWith('INF', start + 1)))) {
      return this.scanNumberLike(start, ws);
    }
    if (isIdentifierStart(c)) return this.scanIdentifier(start, ws);
    switch (c) {
      case 36 /* $ */: {
        let i = start + 1;
        while (i < this.end && isIdentifierPart(text.charCodeAt(i))) i++;
        this.pos = i;
        return this.token(i > start + 1 ? TokenType.DollarName : TokenType.Unknown, start, ws);
      }
      case 64 /* @ */:
        return this.scanAtName(start, ws);
      case 39 /* ' */: {
        const r = this.scanQuoted(start + 1);
        return this.token(TokenType.String, start, ws, r);
      }
      case 34 /* " */:
        return this.scanJsonString(start, ws);
      case 40:
        this.pos++;
        return this.token(TokenType.OpenParen, start, ws);
      case 41:
        this.pos++;
        return this.token(TokenType.CloseParen, start, ws);
      case 44:
        this.pos++;
        return this.token(TokenType.Comma, start, ws);
      case 47:
        this.pos++;
        return this.token(TokenType.Slash, start, ws);
      case 58:
        this.pos++;
        return this.token(TokenType.Colon, start, ws);
      case 59:
        this.pos++;
        return this.token(TokenType.Semicolon, start, ws);
      case 61:
        this.pos++;
        return this.token(TokenType.Equals, start, ws);
      case 42:
        this.pos++;
        return this.token(TokenType.Star, start, ws);
      case 91:
        this.pos++;
        return this.token(TokenType.OpenBracket, start, ws);
      case 93:
        this.pos++;
        return this.token(TokenType.CloseBracket, start, ws);
      case 123:
        this.pos++;
        return this.token(TokenType.OpenBrace, start, ws);
      case 125:
        this.pos++;
        return this.token(TokenType.CloseBrace, start, ws);
      case 45:
        this.pos++;
        return this.token(TokenType.Minus, start, ws);
      case 43:
        this.pos++;
        return this.token(TokenType.Plus, start, ws);
      default: {
        // One unknown code point.
        this.pos += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
        return this.token(TokenType.Unknown, start, ws);
      }
    }
  }

  /** Returns the next token without consuming it. */
  peek(): Token {
    const save = this.pos;
    const tok = this.scan();
    this.pos = save;
    return tok;
  }

  private scanNumberLike(start: number, ws: boolean): Token {
    const text = this.text;
    const end = this.end;
    let e = matchDateTimeOffset(text, start, end);
    if (e > 0) {
      this.pos = e;
      return this.token(TokenType.DateTimeOffset, start, ws);
    }
    e = matchDate(text, start, end);
    if (e > 0) {
      this.pos = e;
      return this.token(TokenType.Date, start, ws);
    }
    if (text.charCodeAt(start + 2) === 58 /* : */) {
      e = matchTimeOfDay(text, start, end);
      if (e > 0) {
        this.pos = e;
        return this.token(TokenType.TimeOfDay, start, ws);
      }
    }
    e = matchDecimal(text, start, end);
    if (e < 0) {
      // A sign alone, or digits followed by a bad fraction/exponent: take the digits.
      let i = start + 1;
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      this.pos = i;
      return this.token(TokenType.Number, start, ws, { numberKind: 'int' });
    }
    this.pos = e;
    const body = text.slice(start, e);
    let kind: 'int' | 'decimal' | 'double' = 'int';
    if (/[eE]|INF|NaN/.test(body)) kind = 'double';
    else if (body.indexOf('.') >= 0) kind = 'decimal';
    return this.token(TokenType.Number, start, ws, { numberKind: kind });
  }

  private scanIdentifier(start: number, ws: boolean): Token {
    const text = this.text;
    const end = this.end;
    let i = start + 1;
    for (;;) {
      while (i < end && isIdentifierPart(text.charCodeAt(i))) i++;
      // Dotted continuation: `.Name` or a final `.*`.
      if (i + 1 < end && text.charCodeAt(i) === 46) {
        const n = text.charCodeAt(i + 1);
        if (isIdentifierStart(n)) {
          i += 2;
          continue;
        }
        if (n === 42) {
          i += 2;
        }
      }
      break;
    }
    this.pos = i;
    if (i < end && text.charCodeAt(i) === 39 /* ' */) {
      const typeName = text.slice(start, i);
      const r = this.scanQuoted(i + 1);
      return this.token(TokenType.TypedLiteral, start, ws, { ...r, typeName });
    }
    return this.token(TokenType.Identifier, start, ws);
  }

  private scanAtName(start: number, ws: boolean): Token {
    const text = this.text;
    const end = this.end;
    let i = start + 1;
    if (i < end && isIdentifierStart(text.charCodeAt(i))) {
      i++;
      for (;;) {
        while (i < end && isIdentifierPart(text.charCodeAt(i))) i++;
        if (i + 1 < end && text.charCodeAt(i) === 46 && isIdentifierStart(text.charCodeAt(i + 1))) {
          i += 2;
          continue;
        }
        break;
      }
      // Qualifier: `#q` (written %23 in a query).
      if (i + 1 < end && text.charCodeAt(i) === 35 && isIdentifierStart(text.charCodeAt(i + 1))) {
        i += 2;
        while (i < end && isIdentifierPart(text.charCodeAt(i))) i++;
      }
      this.pos = i;
      return this.token(TokenType.AtName, start, ws);
    }
    this.pos = i;
    return this.token(TokenType.Unknown, start, ws);
  }

  /** Scans the rest of a '…' literal from after the opening quote. */
  private scanQuoted(from: number): Partial<Token> {
    const text = this.text;
    const end = this.end;
    let i = from;
    let value = '';
    let chunk = from;
    let slashAt: number | undefined;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 39) {
        if (i + 1 < end && text.charCodeAt(i + 1) === 39) {
          value += text.slice(chunk, i + 1);
          i += 2;
          chunk = i;
          continue;
        }
        value += text.slice(chunk, i);
        this.pos = i + 1;
        return slashAt === undefined ? { value } : { value, slashAt };
      }
      if (c === 47 && slashAt === undefined && !this.isEncoded(i)) slashAt = i;
      i++;
    }
    value += text.slice(chunk, end);
    this.pos = end;
    return { value, unterminated: true, ...(slashAt === undefined ? {} : { slashAt }) };
  }

  private scanJsonString(start: number, ws: boolean): Token {
    const text = this.text;
    const end = this.end;
    let i = start + 1;
    let value = '';
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return this.token(TokenType.JsonString, start, ws, { value });
      }
      if (c === 92 /* \ */ && i + 1 < end) {
        const n = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (n in simple) {
          value += simple[n];
          i += 2;
          continue;
        }
        if (n === 'u' && i + 5 < end && /^[0-9a-fA-F]{4}$/.test(text.substr(i + 2, 4))) {
          value += String.fromCharCode(parseInt(text.substr(i + 2, 4), 16));
          i += 6;
          continue;
        }
        // Invalid escape: keep it and let the parser report it.
        this.pos = i + 2;
        return this.token(TokenType.JsonString, start, ws, { value, unterminated: true });
      }
      value += text[i];
      i++;
    }
    this.pos = end;
    return this.token(TokenType.JsonString, start, ws, { value, unterminated: true });
  }
}

/**
 * Whether the `+` at `i` of a query string stands for a space, as Dynamics (ASP.NET) decodes it, rather than a
 * sign: a sign follows a separator or an opening bracket (`eq +5`, `(+5`), and a digit before it is a time-zone
 * offset or an exponent (`…T10:00:00+01:00`, `1e+5`).
 */
export function isPlusSpace(text: string, i: number): boolean {
  if (text.charCodeAt(i) !== 43) return false;
  const next = text.charCodeAt(i + 1);
  const signed = isDigit(next) || text.startsWith('INF', i + 1);
  if (!signed) return true;
  if (i === 0) return false;
  const prev = text.charCodeAt(i - 1);
  if (isWhitespace(prev) || '(,=:[&'.includes(text[i - 1]!)) return false;
  if (isDigit(prev)) return false;
  if ((prev === 101 || prev === 69) && i >= 2 && isDigit(text.charCodeAt(i - 2))) return false;
  return true;
}

/**
 * The query string `[start, end)` of `decoded` as Dynamics reads it (lenient mode): a `+` that is not a sign is a
 * space, and encoded line breaks at the end of an option value (`$select=name%0A&…`, as Dataverse writes next
 * links) are whitespace. Offsets and lengths are unchanged. Returns the decoded offsets of the `+` turned into spaces.
 */
export function applyQueryStringSpaces(decoded: DecodedText, start: number, end: number): { decoded: DecodedText; plusAt: number[] } {
  const text = decoded.text;
  let chars: string[] | undefined;
  const plusAt: number[] = [];
  let quoted = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 39) quoted = !quoted;
    if (decoded.encoded[i]) {
      if ((c === 10 || c === 13) && !quoted && trailingBreak(decoded, i, end)) (chars ??= text.split(''))[i] = ' ';
      continue;
    }
    if (c === 38) quoted = false;
    if (c === 43 && isPlusSpace(text, i)) {
      (chars ??= text.split(''))[i] = ' ';
      plusAt.push(i);
    }
  }
  if (!chars) return { decoded, plusAt };
  return { decoded: { ...decoded, text: chars.join('') }, plusAt };
}

/** Only encoded whitespace follows `i` up to the end of the option (an unencoded `&`) or of the query. */
function trailingBreak(decoded: DecodedText, i: number, end: number): boolean {
  for (let k = i; k < end; k++) {
    const c = decoded.text.charCodeAt(k);
    if (c === 38 && !decoded.encoded[k]) return true;
    if (!(decoded.encoded[k] && (c === 10 || c === 13 || c === 32 || c === 9))) return false;
  }
  return true;
}
