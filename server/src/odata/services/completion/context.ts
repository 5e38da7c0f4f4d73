/**
 * Completion's context: the text before the cursor cut into frames (query options, nested expand options,
 * parentheses, lambdas) that say where the cursor is and what is in scope there.
 */
import { systemQueryOptionOf } from '../../facts/systemQueryOptions';

type TokKind = 'id' | 'str' | 'ws' | 'p' | 'group';
export interface Tok {
  k: TokKind;
  v: string;
  s: number;
  e: number;
}

export interface OptionsFrame {
  kind: 'options';
  top: boolean;
  /** Expand (or select) path that opened this nested frame. */
  navPath?: string[];
  /** Current option name once its `=` was seen. */
  option?: string;
  /** Option names already given in this frame. */
  names: string[];
  /** Completed items of the current `$select` / `$expand` / `$orderby` value. */
  items: string[];
  toks: Tok[];
}

export interface ParenFrame {
  kind: 'paren';
  callee?: string;
  /** The path before `/any(` or `/all(`. */
  lambdaPath?: string[];
  lambdaVar?: string;
  argIndex: number;
  argName?: string;
  /** Parameter names already given (`Name=`) in this call. */
  argNames: string[];
  /** A `[...]` collection literal rather than a parenthesis. */
  bracket?: boolean;
  /** True in the resource path (keys and operation parameters). */
  inPath: boolean;
  /** Offset of the `(`. */
  open: number;
  toks: Tok[];
}

export type Frame = OptionsFrame | ParenFrame;

export interface ScanResult {
  frames: Frame[];
  /** Offset of `?` when the cursor is in the query. */
  query?: number;
  /** Start of an unterminated string the cursor is in (offset after the quote). */
  stringStart?: number;
}

const WORD = /[A-Za-z0-9_.$@*\-%]/;

export function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD.test(ch);
}

/** Length of a percent-encoded character that stands for `ch` at `i` (`%20` for space…), else 0. */
function encoded(text: string, i: number, hex: string): number {
  return text[i] === '%' && text.slice(i + 1, i + 3).toUpperCase() === hex ? 3 : 0;
}

export function scan(text: string, end: number): ScanResult {
  const pathFrame: OptionsFrame = { kind: 'options', top: true, names: [], items: [], toks: [] };
  const frames: Frame[] = [pathFrame];
  let query: number | undefined;
  const top = (): Frame => frames[frames.length - 1]!;
  const push = (tok: Tok): void => {
    const toks = top().toks;
    const last = toks[toks.length - 1];
    if (tok.k === 'ws' && last?.k === 'ws') last.e = tok.e;
    else toks.push(tok);
  };
  let i = 0;
  while (i < end) {
    const ch = text[i]!;
    // Strings (in the query and in keys).
    const quote = ch === "'" ? 1 : encoded(text, i, '27');
    if (quote) {
      let j = i + quote;
      let closed = false;
      while (j < end) {
        const q = text[j] === "'" ? 1 : encoded(text, j, '27');
        if (q) {
          const q2 = text[j + q] === "'" ? 1 : encoded(text, j + q, '27');
          if (q2 && j + q < end) {
            j += q + q2;
            continue;
          }
          j += q;
          closed = true;
          break;
        }
        j++;
      }
      if (!closed) return { frames, query, stringStart: i + quote };
      push({ k: 'str', v: text.slice(i, j), s: i, e: j });
      i = j;
      continue;
    }
    const dquote = query !== undefined ? (ch === '"' ? 1 : encoded(text, i, '22')) : 0;
    if (dquote) {
      const closeAt = closingDoubleQuote(text, i + dquote, end);
      if (closeAt < 0) return { frames, query, stringStart: i + dquote };
      push({ k: 'str', v: text.slice(i, closeAt), s: i, e: closeAt });
      i = closeAt;
      continue;
    }
    const space = ch === ' ' || ch === '\t' || (ch === '+' && query !== undefined) ? 1 : encoded(text, i, '20');
    if (space) {
      push({ k: 'ws', v: ' ', s: i, e: i + space });
      i += space;
      continue;
    }
    if (ch === '?' && query === undefined && frames.length === 1) {
      query = i;
      frames.length = 0;
      frames.push({ kind: 'options', top: true, names: [], items: [], toks: [] });
      i++;
      continue;
    }
    if (query !== undefined && ch === '&') {
      frames.length = 1;
      const root = frames[0] as OptionsFrame;
      root.option = undefined;
      root.items = [];
      root.toks = [];
      i++;
      continue;
    }
    if (query !== undefined && ch === ';') {
      while (frames.length > 1 && top().kind !== 'options') frames.pop();
      const frame = top() as OptionsFrame;
      if (!frame.top) {
        frame.option = undefined;
        frame.items = [];
        frame.toks = [];
      }
      i++;
      continue;
    }
    const open = ch === '(' ? 1 : encoded(text, i, '28');
    if (open) {
      const frame = top();
      const last = frame.toks[frame.toks.length - 1];
      const callee = last && last.k === 'id' && last.e === i ? last.v : undefined;
      const option = frame.kind === 'options' ? normalizeOption(frame.option) : undefined;
      if (query !== undefined && frame.kind === 'options' && (option === '$expand' || option === '$select')) {
        frames.push({ kind: 'options', top: false, navPath: pathIds(frame.toks, false), names: [], items: [], toks: [] });
      } else {
        const paren: ParenFrame = { kind: 'paren', argIndex: 0, argNames: [], inPath: query === undefined, open: i, toks: [] };
        if (callee) paren.callee = callee;
        if (callee === 'any' || callee === 'all') paren.lambdaPath = pathIds(frame.toks.slice(0, -1), true);
        frames.push(paren);
      }
      i += open;
      continue;
    }
    const openBracket = query !== undefined ? (ch === '[' ? 1 : encoded(text, i, '5B')) : 0;
    if (openBracket) {
      frames.push({ kind: 'paren', argIndex: 0, argNames: [], inPath: false, open: i, toks: [], bracket: true });
      i += openBracket;
      continue;
    }
    const closeBracket = query !== undefined ? (ch === ']' ? 1 : encoded(text, i, '5D')) : 0;
    if (closeBracket) {
      const frame = top();
      if (frame.kind === 'paren' && frame.bracket) {
        frames.pop();
        push({ k: 'group', v: ']', s: i, e: i + closeBracket });
      } else push({ k: 'p', v: ']', s: i, e: i + closeBracket });
      i += closeBracket;
      continue;
    }
    const close = ch === ')' ? 1 : encoded(text, i, '29');
    if (close) {
      // An unclosed `[` ends with the parenthesis around it.
      while (frames.length > 2 && top().kind === 'paren' && (top() as ParenFrame).bracket) frames.pop();
      if (frames.length > 1) {
        frames.pop();
        push({ k: 'group', v: ')', s: i, e: i + close });
      }
      i += close;
      continue;
    }
    const comma = ch === ',' ? 1 : encoded(text, i, '2C');
    if (comma) {
      const frame = top();
      if (frame.kind === 'paren') {
        frame.argIndex++;
        frame.argName = undefined;
        frame.toks = [];
      } else {
        const item = frame.toks.filter((t) => t.k === 'id' || t.k === 'p').map((t) => t.v).join('');
        if (item) frame.items.push(item);
        frame.toks = [];
      }
      i += comma;
      continue;
    }
    if (ch === '=' || encoded(text, i, '3D')) {
      const frame = top();
      const width = ch === '=' ? 1 : 3;
      if (frame.kind === 'options' && query !== undefined && frame.option === undefined) {
        frame.option = frame.toks.map((t) => t.v).join('').trim();
        frame.names.push(frame.option);
        frame.items = [];
        frame.toks = [];
      } else {
        if (frame.kind === 'paren') {
          const last = lastSignificant(frame.toks);
          if (last?.k === 'id') {
            frame.argName = last.v;
            frame.argNames.push(last.v);
          }
          frame.toks = [];
        } else push({ k: 'p', v: '=', s: i, e: i + width });
      }
      i += width;
      continue;
    }
    if (ch === ':') {
      const frame = top();
      if (frame.kind === 'paren' && frame.lambdaPath) {
        const last = lastSignificant(frame.toks);
        if (last?.k === 'id') frame.lambdaVar = last.v;
        frame.toks = [];
      } else push({ k: 'p', v: ':', s: i, e: i + 1 });
      i++;
      continue;
    }
    if (ch === '/' || encoded(text, i, '2F')) {
      const width = ch === '/' ? 1 : 3;
      push({ k: 'p', v: '/', s: i, e: i + width });
      i += width;
      continue;
    }
    if (isWordChar(ch)) {
      let j = i + 1;
      while (j < end && isWordChar(text[j]) && !encoded(text, j, '20') && !encoded(text, j, '27') && !encoded(text, j, '28') && !encoded(text, j, '29') && !encoded(text, j, '2C') && !encoded(text, j, '3D') && !encoded(text, j, '2F')) j++;
      push({ k: 'id', v: decode(text.slice(i, j)), s: i, e: j });
      i = j;
      continue;
    }
    push({ k: 'p', v: ch, s: i, e: i + 1 });
    i++;
  }
  return { frames, query };
}

/**
 * Offset after the `"` (or `%22`) that closes a JSON string starting at `from`, or -1 when it is not closed
 * before `end`. An `&` ends it too (it would be percent-encoded inside a value), so a stray quote in one
 * option does not swallow the next ones.
 */
function closingDoubleQuote(text: string, from: number, end: number): number {
  let j = from;
  while (j < end) {
    if (text[j] === '&') return j;
    if (text[j] === '\\') {
      j += 2;
      continue;
    }
    const q = text[j] === '"' ? 1 : encoded(text, j, '22');
    if (q) return j + q;
    j++;
  }
  return -1;
}

function decode(text: string): string {
  if (text.indexOf('%') < 0) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function lastSignificant(toks: Tok[]): Tok | undefined {
  for (let i = toks.length - 1; i >= 0; i--) if (toks[i]!.k !== 'ws') return toks[i];
  return undefined;
}

/**
 * The identifiers of a path written just before the end of `toks`: `a/b/` gives [a, b] (`trailingSlash`)
 * or `a/b` gives [a, b] (without).
 */
export function pathIds(toks: Tok[], trailingSlash: boolean): string[] {
  const ids: string[] = [];
  let i = toks.length - 1;
  if (trailingSlash) {
    if (toks[i]?.v !== '/' || toks[i]?.k !== 'p') return [];
    i--;
  }
  while (i >= 0) {
    const tok = toks[i]!;
    if (tok.k !== 'id') break;
    ids.unshift(tok.v);
    if (toks[i - 1]?.k === 'p' && toks[i - 1]?.v === '/') i -= 2;
    else break;
  }
  return ids;
}

export function normalizeOption(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const lower = name.toLowerCase();
  if (lower.startsWith('$') || lower.startsWith('@')) return lower;
  return systemQueryOptionOf(name)?.name.toLowerCase() ?? lower;
}
