/**
 * Matchers for the textual forms of OData primitive literals (OData ABNF section 7).
 *
 * Each `matchX(text, pos, end)` returns the offset after the longest valid form starting at `pos`
 * (never beyond `end`), or -1 when there is none. They work on already percent-decoded text (URL
 * literals) as well as on raw payload values; they never allocate on the hot path.
 */

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function digitsAt(text: string, pos: number, end: number): number {
  let i = pos;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  return i - pos;
}

function twoDigits(text: string, pos: number, end: number): number {
  if (pos + 2 > end || !isDigit(text.charCodeAt(pos)) || !isDigit(text.charCodeAt(pos + 1))) return -1;
  return (text.charCodeAt(pos) - 48) * 10 + (text.charCodeAt(pos + 1) - 48);
}

/** `year "-" month "-" day`, year = ["-"] ("0" 3DIGIT / oneToNine 3*DIGIT). */
export function matchDate(text: string, pos: number, end: number): number {
  let i = pos;
  if (i < end && text.charCodeAt(i) === 45 /* - */) i++;
  const n = digitsAt(text, i, end);
  if (n < 4) return -1;
  if (n > 4 && text.charCodeAt(i) === 48) return -1;
  i += n;
  if (text.charCodeAt(i) !== 45) return -1;
  const month = twoDigits(text, i + 1, end);
  if (month < 1 || month > 12) return -1;
  i += 3;
  if (text.charCodeAt(i) !== 45) return -1;
  const day = twoDigits(text, i + 1, end);
  if (day < 1 || day > 31) return -1;
  i += 3;
  if (i < end && isDigit(text.charCodeAt(i))) return -1;
  return i;
}

/** `hour ":" minute [ ":" second [ "." fractionalSeconds ] ]` (hour 00-23, second 00-60, 1-12 fraction digits). */
export function matchTimeOfDay(text: string, pos: number, end: number): number {
  const hour = twoDigits(text, pos, end);
  if (hour < 0 || hour > 23) return -1;
  let i = pos + 2;
  if (text.charCodeAt(i) !== 58 /* : */) return -1;
  const minute = twoDigits(text, i + 1, end);
  if (minute < 0 || minute > 59) return -1;
  i += 3;
  if (i < end && text.charCodeAt(i) === 58) {
    const second = twoDigits(text, i + 1, end);
    if (second < 0 || second > 60) return -1;
    i += 3;
    if (i < end && text.charCodeAt(i) === 46 /* . */) {
      const f = digitsAt(text, i + 1, end);
      if (f < 1 || f > 12) return -1;
      i += 1 + f;
    }
  }
  if (i < end && isDigit(text.charCodeAt(i))) return -1;
  return i;
}

/** `date "T" timeOfDay ( "Z" / SIGN hour ":" minute )`. */
export function matchDateTimeOffset(text: string, pos: number, end: number): number {
  let i = matchDate(text, pos, end);
  if (i < 0 || i >= end || (text.charCodeAt(i) !== 84 && text.charCodeAt(i) !== 116) /* T t */) return -1;
  i = matchTimeOfDay(text, i + 1, end);
  if (i < 0 || i >= end) return -1;
  const c = text.charCodeAt(i);
  if (c === 90 || c === 122 /* Z z */) return i + 1;
  if (c === 43 || c === 45) {
    const hour = twoDigits(text, i + 1, end);
    if (hour < 0 || hour > 23 || text.charCodeAt(i + 3) !== 58) return -1;
    const minute = twoDigits(text, i + 4, end);
    if (minute < 0 || minute > 59) return -1;
    return i + 6;
  }
  return -1;
}

/** `8HEXDIG "-" 4HEXDIG "-" 4HEXDIG "-" 4HEXDIG "-" 12HEXDIG`. */
export function matchGuid(text: string, pos: number, end: number): number {
  if (pos + 36 > end) return -1;
  for (let k = 0; k < 36; k++) {
    const c = text.charCodeAt(pos + k);
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (c !== 45) return -1;
    } else if (!isHexDigit(c)) return -1;
  }
  const after = pos + 36;
  if (after < end && isIdentifierPart(text.charCodeAt(after))) return -1;
  return after;
}

/** `[ "-" ] "P" [ 1*DIGIT "D" ] [ "T" [ 1*DIGIT "H" ] [ 1*DIGIT "M" ] [ 1*DIGIT [ "." 1*DIGIT ] "S" ] ]`. */
export function matchDuration(text: string, pos: number, end: number): number {
  let i = pos;
  if (i < end && text.charCodeAt(i) === 45) i++;
  if (i >= end || (text.charCodeAt(i) | 32) !== 112 /* p */) return -1;
  i++;
  let n = digitsAt(text, i, end);
  if (n > 0) {
    if ((text.charCodeAt(i + n) | 32) !== 100 /* d */) return -1;
    i += n + 1;
  }
  if (i < end && (text.charCodeAt(i) | 32) === 116 /* t */) {
    i++;
    const units = [104 /* h */, 109 /* m */];
    for (const unit of units) {
      n = digitsAt(text, i, end);
      if (n > 0 && (text.charCodeAt(i + n) | 32) === unit) i += n + 1;
    }
    n = digitsAt(text, i, end);
    if (n > 0) {
      let j = i + n;
      if (text.charCodeAt(j) === 46) {
        const f = digitsAt(text, j + 1, end);
        if (f === 0) return -1;
        j += 1 + f;
      }
      if ((text.charCodeAt(j) | 32) !== 115 /* s */) return -1;
      i = j + 1;
    }
  }
  return i;
}

function isBase64Char(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 45 || c === 95;
}

/** base64url per the ABNF `binaryValue` (the padding rules included). Returns end or -1. */
export function matchBase64Url(text: string, pos: number, end: number): number {
  let i = pos;
  while (i < end && isBase64Char(text.charCodeAt(i))) i++;
  const n = i - pos;
  const rest = n % 4;
  if (rest === 1) return -1;
  if (rest === 2) {
    if ('AQgw'.indexOf(text[i - 1]) < 0) return -1;
    if (text.startsWith('==', i)) i += 2;
  } else if (rest === 3) {
    if ('AEIMQUYcgkosw048'.indexOf(text[i - 1]) < 0) return -1;
    if (text.charCodeAt(i) === 61) i++;
  }
  return i;
}

/**
 * Decimal / double: `[SIGN] 1*DIGIT ["." 1*DIGIT] ["e" [SIGN] 1*DIGIT]` or NaN / INF / -INF.
 * `allowPlus` admits a leading '+'. Returns end or -1.
 */
export function matchDecimal(text: string, pos: number, end: number, allowPlus = true): number {
  let i = pos;
  const c0 = text.charCodeAt(i);
  if (text.startsWith('NaN', i) || text.startsWith('INF', i)) return i + 3;
  if (c0 === 45 && text.startsWith('-INF', i)) return i + 4;
  if (c0 === 45 || (allowPlus && c0 === 43)) i++;
  let n = digitsAt(text, i, end);
  if (n === 0) return -1;
  i += n;
  if (text.charCodeAt(i) === 46) {
    n = digitsAt(text, i + 1, end);
    if (n === 0) return -1;
    i += 1 + n;
  }
  if ((text.charCodeAt(i) | 32) === 101 /* e */) {
    let j = i + 1;
    const s = text.charCodeAt(j);
    if (s === 45 || s === 43) j++;
    n = digitsAt(text, j, end);
    if (n === 0) return -1;
    i = j + n;
  }
  return Math.min(i, end);
}

/** Integer with optional sign and at most `maxDigits` digits. */
export function matchInteger(text: string, pos: number, end: number, maxDigits: number, allowPlus = true): number {
  let i = pos;
  const c0 = text.charCodeAt(i);
  if (c0 === 45 || (allowPlus && c0 === 43)) i++;
  const n = digitsAt(text, i, end);
  if (n === 0 || n > maxDigits) return -1;
  return i + n;
}

export function isIdentifierStart(c: number): boolean {
  return isAsciiLetter(c) || c === 95 || (c > 127 && isUnicodeLetter(c));
}

export function isIdentifierPart(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 95 || (c > 127 && isUnicodeIdentifierPart(c));
}

const unicodeLetter = /[\p{L}\p{Nl}]/u;
const unicodeIdentifierPart = /[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}\p{Cf}]/u;

function isUnicodeLetter(c: number): boolean {
  return unicodeLetter.test(String.fromCharCode(c));
}

function isUnicodeIdentifierPart(c: number): boolean {
  return unicodeIdentifierPart.test(String.fromCharCode(c));
}

/** `odataIdentifier` (1 to 128 characters). Returns end or -1. */
export function matchIdentifier(text: string, pos: number, end: number): number {
  if (pos >= end || !isIdentifierStart(text.charCodeAt(pos))) return -1;
  let i = pos + 1;
  while (i < end && isIdentifierPart(text.charCodeAt(i))) i++;
  return i - pos > 128 ? -1 : i;
}

// ---------------------------------------------------------------------------------------------------------
// Geography / geometry
// ---------------------------------------------------------------------------------------------------------

class GeoMatcher {
  constructor(
    private readonly text: string,
    public pos: number,
    private readonly end: number,
  ) {}

  private word(w: string): boolean {
    if (this.pos + w.length > this.end) return false;
    if (this.text.substr(this.pos, w.length).toLowerCase() !== w.toLowerCase()) return false;
    this.pos += w.length;
    return true;
  }

  private ch(code: number): boolean {
    if (this.pos < this.end && this.text.charCodeAt(this.pos) === code) {
      this.pos++;
      return true;
    }
    return false;
  }

  private double(): boolean {
    const e = matchDecimal(this.text, this.pos, this.end);
    if (e < 0) return false;
    this.pos = e;
    return true;
  }

  private position(): boolean {
    if (!this.double() || !this.ch(32) || !this.double()) return false;
    for (let k = 0; k < 2; k++) {
      const save = this.pos;
      if (!(this.ch(32) && this.double())) {
        this.pos = save;
        break;
      }
    }
    return true;
  }

  private list(item: () => boolean, min: number): boolean {
    if (!this.ch(40)) return false;
    let count = 0;
    if (this.text.charCodeAt(this.pos) !== 41) {
      do {
        if (!item()) return false;
        count++;
      } while (this.ch(44));
    }
    return count >= min && this.ch(41);
  }

  private pointData = (): boolean => this.list(() => this.position(), 1);
  private lineStringData = (): boolean => this.list(() => this.position(), 2);
  private ring = (): boolean => this.list(() => this.position(), 1);
  private polygonData = (): boolean => this.list(this.ring, 1);

  geoLiteral(): boolean {
    if (this.word('GeometryCollection')) return this.list(() => this.geoLiteral(), 1);
    if (this.word('MultiLineString')) return this.list(this.lineStringData, 0);
    if (this.word('MultiPoint')) return this.list(this.pointData, 0);
    if (this.word('MultiPolygon')) return this.list(this.polygonData, 0);
    if (this.word('LineString')) return this.lineStringData();
    if (this.word('Point')) return this.pointData();
    if (this.word('Polygon')) return this.polygonData();
    return false;
  }

  /** `[ "SRID=" 1*5DIGIT ";" ] geoLiteral` (the SRID is required by the ABNF; accepted without it). */
  full(requireSrid: boolean): boolean {
    if (this.word('SRID=')) {
      const n = digitsAt(this.text, this.pos, this.end);
      if (n < 1 || n > 5) return false;
      this.pos += n;
      if (!this.ch(59)) return false;
    } else if (requireSrid) return false;
    return this.geoLiteral();
  }
}

/** Matches the body of a `geography'…'` / `geometry'…'` literal. Returns end or -1. */
export function matchGeoBody(text: string, pos: number, end: number, requireSrid = false): number {
  const m = new GeoMatcher(text, pos, end);
  return m.full(requireSrid) ? m.pos : -1;
}

/** Enum member list `A,B,42` (members are identifiers or integers). Returns end or -1. */
export function matchEnumMembers(text: string, pos: number, end: number, allowPlus = true): number {
  let i = pos;
  for (;;) {
    let e = matchIdentifier(text, i, end);
    if (e < 0) e = matchInteger(text, i, end, 19, allowPlus);
    if (e < 0) return -1;
    i = e;
    if (i < end && text.charCodeAt(i) === 44) i++;
    else return i;
  }
}

/** Matches a whole string with a matcher. */
export function matchesAll(text: string, matcher: (t: string, p: number, e: number) => number): boolean {
  return matcher(text, 0, text.length) === text.length;
}

// ---------------------------------------------------------------------------------------------------------
// Payload values (CSDL DefaultValue, JSON): the `…Value` rules, never percent-decoded.
// ---------------------------------------------------------------------------------------------------------

export type PrimitiveValueType =
  | 'any'
  | 'boolean'
  | 'guid'
  | 'date'
  | 'dateTimeOffset'
  | 'timeOfDay'
  | 'duration'
  | 'decimal'
  | 'double'
  | 'single'
  | 'byte'
  | 'sbyte'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'enum'
  | 'binary'
  | 'geo';

const intValueDigits: Record<string, number> = { byte: 3, sbyte: 3, int16: 5, int32: 10, int64: 19 };

/** Whether `text` is a valid payload value of `type` (`any`: of some primitive type). */
export function checkPrimitiveValue(text: string, type: PrimitiveValueType): boolean {
  const n = text.length;
  const whole = (e: number): boolean => e === n;
  switch (type) {
    case 'boolean':
      return text === 'true' || text === 'false';
    case 'guid':
      return whole(matchGuid(text, 0, n));
    case 'date':
      return whole(matchDate(text, 0, n));
    case 'dateTimeOffset':
      return whole(matchDateTimeOffset(text, 0, n));
    case 'timeOfDay':
      return whole(matchTimeOfDay(text, 0, n));
    case 'duration':
      return whole(matchDuration(text, 0, n));
    case 'decimal':
    case 'double':
    case 'single':
      return whole(matchDecimal(text, 0, n));
    case 'byte':
      return whole(matchInteger(text, 0, n, 3, false)) && text[0] !== '-';
    case 'sbyte':
    case 'int16':
    case 'int32':
    case 'int64':
      return whole(matchInteger(text, 0, n, intValueDigits[type]));
    case 'enum':
      return whole(matchEnumMembers(text, 0, n));
    case 'binary':
      return whole(matchBase64Url(text, 0, n));
    case 'geo':
      return whole(matchGeoBody(text, 0, n, true));
    case 'any': {
      const all: PrimitiveValueType[] = ['boolean', 'guid', 'duration', 'dateTimeOffset', 'date', 'timeOfDay', 'enum', 'geo', 'decimal', 'int64', 'binary'];
      return all.some((t) => checkPrimitiveValue(text, t));
    }
  }
}
