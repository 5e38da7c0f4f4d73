/** The resource path: segments, keys, keywords and their order; where the service root ends. */
import type { ParseOptions, PathSegment, ResourcePath } from '../ast';
import { TokenType } from '../scanner';
import { isDigit, isAsciiLetter, isIdentifierStart } from '../literals';
import type { Parser } from './parserCore';
import { parseArgs } from './parseExpression';
import { findPathKeyword } from '../../facts/urlKeywords';

/** Resource path in decoded `[start, end)`; segments are separated by literal `/`. */
export function parseResourcePath(p: Parser, start: number, end: number): ResourcePath {
  const segments: PathSegment[] = [];
  const text = p.text;
  let pos = start;
  while (pos < end) {
    const segStart = pos;
    const c = text.charCodeAt(pos);
    let seg: PathSegment | undefined;
    if (c === 36 /* $ */) {
      p.reset(pos, end);
      const t = p.tok;
      if (t.type === TokenType.DollarName) {
        p.consume();
        seg = { kind: 'Keyword', span: p.span(t.start, t.end), name: t.text };
        if (p.is(TokenType.OpenParen) && p.adjacent()) {
          if (t.text === '$filter') seg.args = parseArgs(p, false);
          else if (t.text === '$crossjoin') seg.args = parseArgs(p, false);
          else seg.args = parseArgs(p, false, true);
          seg.span = p.span(t.start, p.prevEnd);
        }
        if (p.is(TokenType.OpenParen) && p.adjacent() && t.text === '$filter') {
          // `$filter(…)(key)`: a key after a filter segment.
          const key = parseArgs(p, false, true);
          const keySeg: PathSegment = { kind: 'Identifier', span: key.span, name: '', nameSpan: { start: key.span.start, end: key.span.start }, args: key, keyAsSegment: true };
          segments.push(seg);
          seg = keySeg;
        }
        pos = p.prevEnd;
      }
    } else if (isIdentifierStart(c)) {
      p.reset(pos, end);
      const t = p.tok;
      if (t.type === TokenType.Identifier) {
        p.consume();
        const ident: PathSegment = { kind: 'Identifier', span: p.span(t.start, t.end), name: t.text, nameSpan: p.span(t.start, t.end) };
        if (p.is(TokenType.OpenParen) && p.adjacent()) {
          ident.args = parseArgs(p, false, true);
          if (p.is(TokenType.OpenParen) && p.adjacent()) ident.keyAfterCall = parseArgs(p, false, true);
          ident.span = p.span(t.start, p.prevEnd);
        }
        pos = p.prevEnd;
        seg = ident;
        if (t.text.endsWith('.*') || t.text.endsWith('.')) p.error('syntax.unexpected-token', t.start, t.end);
        if (segments.length === 0 && t.text.includes('.') && !(p.text.charCodeAt(pos) === 47 && segments.length === 0 && false)) {
          p.error('syntax.unexpected-token', t.start + t.text.indexOf('.'), t.end, 'A resource path cannot start with a namespace-qualified name.');
        }
      }
    }
    // Anything else up to the next literal '/' is a key-as-segment value (or garbage).
    const atBoundary = pos >= end || (text.charCodeAt(pos) === 47 && !p.sc.isEncoded(pos));
    if (!seg || !atBoundary) {
      let e = pos;
      while (e < end && !(text.charCodeAt(e) === 47 && !p.sc.isEncoded(e))) e++;
      if (seg && seg.kind === 'Identifier' && !seg.args && !seg.name.includes('.')) {
        // e.g. `O'Neil`, `Smartphone%2FTablet`, `A12-45`: a key value.
        seg = { kind: 'Identifier', span: p.span(segStart, e), name: text.slice(segStart, e), nameSpan: p.span(segStart, e), keyAsSegment: true };
        if (segments.length === 0) p.error('syntax.unexpected-token', pos, e, `Unexpected '${text.slice(pos, e)}'.`);
        else checkKeyText(p, segStart, e);
      } else if (!seg) {
        if (e === segStart) {
          p.error('syntax.expected-segment', segStart, segStart);
        } else {
          seg = { kind: 'Identifier', span: p.span(segStart, e), name: text.slice(segStart, e), nameSpan: p.span(segStart, e), keyAsSegment: true };
          checkKeyText(p, segStart, e);
          if (segments.length === 0) p.error('syntax.unexpected-token', segStart, e, 'A resource path must start with a name.');
        }
      } else {
        p.error('syntax.unexpected-token', pos, e, `Unexpected '${text.slice(pos, e)}'.`);
      }
      pos = e;
    }
    if (seg) segments.push(seg);
    if (pos < end) {
      // at a literal '/'
      pos++;
      // Dynamics ignores a trailing '/' (before '?' or at the end).
      if (pos >= end) p.tolerate('syntax.expected-segment', 'syntax.trailing-slash', pos - 1, pos, 'A path segment was expected after "/".');
    }
  }
  checkPathStructure(p, segments);
  return { kind: 'ResourcePath', span: p.span(start, end), segments };
}

function checkKeyText(p: Parser, start: number, end: number): void {
  for (let k = start; k < end; k++) {
    if (p.sc.isEncoded(k)) continue;
    const c = p.text.charCodeAt(k);
    if (!(isAsciiLetter(c) || isDigit(c) || c > 127 || "-._~!$&'()*+,;=:@".includes(p.text[k]))) {
      p.error('syntax.invalid-character', k, k + 1);
      return;
    }
  }
}

/** Segment order rules that need no model: what may follow `$count`, `$ref`, `$value`, `$batch` … (facts/urlKeywords.ts). */
function checkPathStructure(p: Parser, segments: PathSegment[]): void {
  for (let k = 0; k < segments.length; k++) {
    const s = segments[k];
    if (s.kind !== 'Keyword') continue;
    const keyword = findPathKeyword(s.name);
    if (!keyword) p.report('syntax.unknown-segment', s.span, `Unknown segment '${s.name}'.`);
    else if (keyword.place === 'first' && k > 0) p.report('syntax.unexpected-segment', s.span, `'${s.name}' must be the first segment.`);
    else if (keyword.place === 'afterResource' && k === 0) {
      p.report('syntax.unexpected-segment', s.span, `'${s.name}' must follow a resource.`);
    }
    if (keyword?.terminal && k + 1 < segments.length) {
      p.report('syntax.unexpected-segment', segments[k + 1].span, `Nothing may follow '${s.name}'.`);
    }
    if (s.name === '$crossjoin' && !s.args) p.report('syntax.expected-open-paren', s.span, "'$crossjoin' needs a list of entity sets.");
  }
}

const versionSegment = /^v\d+(\.\d+)*$/i;

/**
 * Finds where the resource path starts in decoded `[0, end)`. Returns that offset (0 when there is no
 * recognised prefix) and reports a malformed scheme/authority.
 */
export function findServiceRootEnd(p: Parser, end: number, options: ParseOptions | undefined): number {
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
