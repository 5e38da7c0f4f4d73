/**
 * Completion's context: the text before the cursor cut into frames (query options, nested expand options,
 * parentheses, lambdas) that say where the cursor is and what is in scope there.
 */
import type { EnumType, NavigationProperty, Property, StructuredType } from '../../csdl/model';
import type { ModelIndex } from '../../csdl/modelIndex';
import type { Flavor } from '../../diagnosticCodes';
import { operatorWords } from '../../facts/operators';
import { systemQueryOptionOf } from '../../facts/systemQueryOptions';
import { bindUri } from '../../binder/binder';
import { scopeAt } from '../../binder/binderScope';
import type { BoundUri } from '../../binder/binderTypes';
import { parseUri } from '../../uri/parser';
import type { ODataDocument, ServiceContext } from '../serviceContext';
import { applyQueryStringSpaces, decodeUrlText, plainUrlText, Scanner, TokenType, type DecodedText, type Token } from '../../uri/scanner';

type TokKind = 'id' | 'str' | 'ws' | 'p' | 'group';
/** The scanner's token types, read once: under tsx (the tests, the bench) every read of an imported binding is a getter call. */
const Types = TokenType;

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

/**
 * Scanner tokens completion reads as (part of) the word being typed: names, numbers, dates and GUIDs, `*`, `-`,
 * and a lone `$`, `@`, `.` or `%` (`$|`, `@|`, `Microsoft.Dynamics.CRM.|`). Adjacent ones make one word
 * (`cross-company`).
 */
function isWordToken(tok: Token): boolean {
  switch (tok.type) {
    case Types.Identifier:
    case Types.DollarName:
    case Types.AtName:
    case Types.Number:
    case Types.Guid:
    case Types.Date:
    case Types.DateTimeOffset:
    case Types.TimeOfDay:
    case Types.Star:
    case Types.Minus:
      return true;
    case Types.Unknown:
      return tok.text === '$' || tok.text === '@' || tok.text === '.' || tok.text === '%';
    default:
      return false;
  }
}

/**
 * The frames at `end` (the cursor) of `text`, from the URL scanner's tokens (uri/scanner.ts): the text before the
 * cursor is percent-decoded once (`%27` is a quote, `%20` a space, `%28` a parenthesis …), the query string is read
 * as Dynamics reads it (`applyQueryStringSpaces`: a `+` that is not a sign is a space; the path keeps `+`), and the
 * query is cut into options at each `&` written as such. Offsets in the result are offsets in `text`.
 */
export function scan(text: string, end: number): ScanResult {
  const before = text.slice(0, end);
  return new FrameReader(before.indexOf('%') < 0 ? plainUrlText(before) : decodeUrlText(before)).read();
}

/** Reads the scanner's tokens of the text before the cursor into frames (see `scan`). */
class FrameReader {
  private readonly frames: Frame[] = [{ kind: 'options', top: true, names: [], items: [], toks: [] }];
  private readonly length: number;
  private stringStart: number | undefined;

  constructor(private decoded: DecodedText) {
    this.length = decoded.text.length;
  }

  read(): ScanResult {
    const length = this.length;
    // The resource path, up to the first `?` written as such: as the parser reads a URL, wherever it stands (a `?` in
    // a key's string is written %3F).
    let queryStart = 0;
    while (queryStart < length && !(this.decoded.text.charCodeAt(queryStart) === 63 /* ? */ && !this.decoded.encoded[queryStart])) queryStart++;
    {
      const scanner = new Scanner(this.decoded, 0, queryStart);
      let previous = 0;
      for (;;) {
        const tok = scanner.scan();
        if (tok.wsBefore) this.push({ k: 'ws', v: ' ', s: this.at(previous), e: this.at(tok.start) });
        if (tok.type === Types.EOF) break;
        if (tok.type === Types.JsonString) {
          // No JSON in the path: a `"` there is a character like any other.
          scanner.pos = tok.start + 1;
          this.push({ k: 'p', v: '"', s: this.at(tok.start), e: this.at(tok.start + 1) });
        } else if (!this.take(tok, false, queryStart)) return { frames: this.frames, stringStart: this.stringStart };
        previous = scanner.pos;
      }
    }
    if (queryStart >= length) return { frames: this.frames };
    const query = this.at(queryStart);
    queryStart++;

    // The query, option by option.
    const decoded = applyQueryStringSpaces(this.decoded, queryStart, length).decoded;
    this.decoded = decoded;
    const frames = this.frames;
    frames.length = 0;
    const root: OptionsFrame = { kind: 'options', top: true, names: [], items: [], toks: [] };
    frames.push(root);
    for (let optionStart = queryStart; ; ) {
      let optionEnd = optionStart;
      while (optionEnd < length && !(decoded.text.charCodeAt(optionEnd) === 38 /* & */ && !decoded.encoded[optionEnd])) optionEnd++;
      if (optionStart > queryStart) {
        frames.length = 1;
        root.option = undefined;
        root.items = [];
        root.toks = [];
      }
      const scanner = new Scanner(decoded, optionStart, optionEnd);
      let previous = optionStart;
      for (;;) {
        const tok = scanner.scan();
        if (tok.wsBefore) this.push({ k: 'ws', v: ' ', s: this.at(previous), e: this.at(tok.start) });
        if (tok.type === Types.EOF) break;
        if (!this.take(tok, true, optionEnd)) return { frames, query, stringStart: this.stringStart };
        previous = scanner.pos;
      }
      if (optionEnd >= length) return { frames, query };
      optionStart = optionEnd + 1;
    }
  }

  /** Offset in the text of a decoded position. */
  private at(pos: number): number {
    return this.decoded.offsets[pos]!;
  }

  private top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  private push(tok: Tok): void {
    const toks = this.top().toks;
    const last = toks[toks.length - 1];
    if (tok.k === 'ws' && last?.k === 'ws') last.e = tok.e;
    else toks.push(tok);
  }

  private punctuation(tok: Token): void {
    this.push({ k: 'p', v: tok.text, s: this.at(tok.start), e: this.at(tok.end) });
  }

  /** A word piece: joins the word directly before it. */
  private word(start: number, stop: number): void {
    const toks = this.top().toks;
    const last = toks[toks.length - 1];
    const s = this.at(start);
    if (last?.k === 'id' && last.e === s) {
      last.v += this.decoded.text.slice(start, stop);
      last.e = this.at(stop);
    } else this.push({ k: 'id', v: this.decoded.text.slice(start, stop), s, e: this.at(stop) });
  }

  /**
   * Takes one token into the frames; false when the cursor is inside a string it opens. A string left open in an
   * earlier query option ends with that option (`$search="blue&$filter=na|`).
   */
  private take(tok: Token, inQuery: boolean, regionEnd: number): boolean {
    const length = this.length;
    const frames = this.frames;
    switch (tok.type) {
      case Types.String:
        if (tok.unterminated && regionEnd === length) {
          this.stringStart = this.at(tok.start + 1);
          return false;
        }
        this.push({ k: 'str', v: tok.text, s: this.at(tok.start), e: this.at(tok.end) });
        return true;
      case Types.TypedLiteral: {
        // `Ns.Enum'A'`: the name, then the quoted part.
        const quote = tok.start + tok.typeName!.length;
        this.word(tok.start, quote);
        if (tok.unterminated && regionEnd === length) {
          this.stringStart = this.at(quote + 1);
          return false;
        }
        this.push({ k: 'str', v: this.decoded.text.slice(quote, tok.end), s: this.at(quote), e: this.at(tok.end) });
        return true;
      }
      case Types.JsonString:
        if (tok.unterminated && tok.end >= regionEnd && regionEnd === length) {
          this.stringStart = this.at(tok.start + 1);
          return false;
        }
        this.push({ k: 'str', v: tok.text, s: this.at(tok.start), e: this.at(tok.end) });
        return true;
      case Types.OpenParen: {
        const frame = this.top();
        const last = frame.toks[frame.toks.length - 1];
        const open = this.at(tok.start);
        const callee = last && last.k === 'id' && last.e === open ? last.v : undefined;
        const option = frame.kind === 'options' ? normalizeOption(frame.option) : undefined;
        if (inQuery && frame.kind === 'options' && (option === '$expand' || option === '$select')) {
          frames.push({ kind: 'options', top: false, navPath: pathIds(frame.toks, false), names: [], items: [], toks: [] });
        } else {
          const paren: ParenFrame = { kind: 'paren', argIndex: 0, argNames: [], inPath: !inQuery, open, toks: [] };
          if (callee) paren.callee = callee;
          if (callee === 'any' || callee === 'all') paren.lambdaPath = pathIds(frame.toks.slice(0, -1), true);
          frames.push(paren);
        }
        return true;
      }
      case Types.OpenBracket:
        if (inQuery) frames.push({ kind: 'paren', argIndex: 0, argNames: [], inPath: false, open: this.at(tok.start), toks: [], bracket: true });
        else this.punctuation(tok);
        return true;
      case Types.CloseBracket: {
        const frame = this.top();
        if (inQuery && frame.kind === 'paren' && frame.bracket) {
          frames.pop();
          this.push({ k: 'group', v: ']', s: this.at(tok.start), e: this.at(tok.end) });
        } else this.punctuation(tok);
        return true;
      }
      case Types.CloseParen:
        // An unclosed `[` ends with the parenthesis around it.
        while (frames.length > 2 && this.top().kind === 'paren' && (this.top() as ParenFrame).bracket) frames.pop();
        if (frames.length > 1) {
          frames.pop();
          this.push({ k: 'group', v: ')', s: this.at(tok.start), e: this.at(tok.end) });
        }
        return true;
      case Types.Comma: {
        const frame = this.top();
        if (frame.kind === 'paren') {
          frame.argIndex++;
          frame.argName = undefined;
          frame.toks = [];
        } else {
          const item = frame.toks.filter((t) => t.k === 'id' || t.k === 'p').map((t) => t.v).join('');
          if (item) frame.items.push(item);
          frame.toks = [];
        }
        return true;
      }
      case Types.Equals: {
        const frame = this.top();
        if (frame.kind === 'options' && inQuery && frame.option === undefined) {
          frame.option = frame.toks.map((t) => t.v).join('').trim();
          frame.names.push(frame.option);
          frame.items = [];
          frame.toks = [];
        } else if (frame.kind === 'paren') {
          const last = lastSignificant(frame.toks);
          if (last?.k === 'id') {
            frame.argName = last.v;
            frame.argNames.push(last.v);
          }
          frame.toks = [];
        } else this.punctuation(tok);
        return true;
      }
      case Types.Colon: {
        const frame = this.top();
        if (frame.kind === 'paren' && frame.lambdaPath) {
          const last = lastSignificant(frame.toks);
          if (last?.k === 'id') frame.lambdaVar = last.v;
          frame.toks = [];
        } else this.punctuation(tok);
        return true;
      }
      case Types.Semicolon:
        // A `;` written as such separates nested options (`$expand=nav($select=a;$top=1)`).
        if (inQuery && !this.decoded.encoded[tok.start]) {
          while (frames.length > 1 && this.top().kind !== 'options') frames.pop();
          const frame = this.top() as OptionsFrame;
          if (!frame.top) {
            frame.option = undefined;
            frame.items = [];
            frame.toks = [];
          }
        } else this.punctuation(tok);
        return true;
      default:
        if (isWordToken(tok)) this.word(tok.start, tok.end);
        else this.punctuation(tok);
        return true;
    }
  }
}

/**
 * Where the word at `cursor` ends: the word tokens that follow it directly, as the scanner reads them (not decoded:
 * a percent escape ends the word, and so does the quote of a typed literal).
 */
export function wordEnd(text: string, cursor: number): number {
  const rest = plainUrlText(text.slice(cursor));
  const scanner = new Scanner(rest);
  let end = 0;
  for (;;) {
    const tok = scanner.scan();
    if (tok.wsBefore || tok.start !== end) return cursor + end;
    if (tok.type === Types.TypedLiteral) return cursor + tok.start + tok.typeName!.length;
    if (!isWordToken(tok) || tok.text === '%') return cursor + end;
    end = tok.end;
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

export function isOperand(tok: Tok): boolean {
  if (tok.k === 'str' || tok.k === 'group') return true;
  if (tok.k !== 'id') return false;
  return !operatorWords.has(tok.v) && tok.v !== 'as' && tok.v !== 'with';
}

export interface Resolved {
  structured?: StructuredType;
  collection: boolean;
  property?: Property;
  navigation?: NavigationProperty;
  enumType?: EnumType;
  typeName?: string;
}

export interface Place {
  it?: StructuredType;
  vars: Map<string, StructuredType | undefined>;
  nestedDepth: number;
  /** The nearest options frame. */
  options: OptionsFrame;
  inLambda: boolean;
}

/**
 * Where the cursor is and what is in scope there: the service root, the resource path bound with the binder, the
 * types the frames lead to (nested `$expand`, lambda variables), and the binder's scope at an offset.
 */
export class CompletionScope {
  protected readonly model: ModelIndex | undefined;
  protected readonly flavor: Flavor;
  protected bound: BoundUri | undefined | null = null;

  constructor(
    protected readonly document: ODataDocument,
    protected readonly context: ServiceContext,
    protected readonly text: string,
    protected readonly toDocument: (offset: number) => number,
    protected readonly hasMethod: boolean,
  ) {
    this.model = context.model;
    this.flavor = context.flavor;
  }

  protected pathStart(): number {
    const uri = parseUri(this.text.slice(0, Math.min(this.text.length, this.text.indexOf('?') < 0 ? this.text.length : this.text.indexOf('?'))), this.parseOptions());
    return uri.serviceRoot?.end ?? 0;
  }

  protected parseOptions(): { serviceRoot: string } | undefined {
    return this.context.serviceRoot ? { serviceRoot: this.context.serviceRoot } : undefined;
  }

  protected bindText(text: string): BoundUri | undefined {
    if (!this.model) return undefined;
    return bindUri(parseUri(text, this.parseOptions()), this.model, { flavor: this.flavor, suggestions: false });
  }

  protected isLineStart(documentOffset: number): boolean {
    const text = this.document.text;
    const lineStart = text.lastIndexOf('\n', documentOffset - 1) + 1;
    return text.slice(lineStart, documentOffset).trim() === '';
  }

  /** Resolves the frames to the types in scope at the cursor. */
  protected place(frames: Frame[]): Place {
    let it: StructuredType | undefined;
    if (this.model) {
      const queryStart = this.text.indexOf('?');
      const bound = this.bindText(this.text.slice(0, queryStart < 0 ? this.text.length : queryStart));
      if (bound && bound.resultType.structured) it = bound.resultType.structured;
    }
    const vars = new Map<string, StructuredType | undefined>();
    let options = frames[0] as OptionsFrame;
    let nestedDepth = 0;
    let inLambda = false;
    for (const frame of frames) {
      if (frame.kind === 'options') {
        options = frame;
        if (!frame.top) {
          nestedDepth++;
          const resolved = frame.navPath && this.resolvePath(frame.navPath, it, vars);
          it = resolved?.structured;
        }
      } else if (frame.lambdaPath) {
        const resolved = this.resolvePath(frame.lambdaPath, it, vars);
        if (frame.lambdaVar) vars.set(frame.lambdaVar, resolved?.structured);
        inLambda = true;
      }
    }
    return { it, vars, nestedDepth, options, inLambda };
  }

  /** The member path written just before `operator` (`status` in `status eq |`, `status in (|`), resolved. */
  protected resolveOperandBefore(toks: Tok[], operator: Tok, place: Place): Resolved | undefined {
    const operandToks = toks.slice(0, toks.lastIndexOf(operator));
    while (operandToks.length && operandToks[operandToks.length - 1]!.k === 'ws') operandToks.pop();
    const ids = pathIds(operandToks, false);
    return ids.length ? this.resolvePath(ids, place.it, place.vars) : undefined;
  }

  /** Follows `a/b/c` from `it` (lambda variables, `$it`, `$this`, properties, navigation, casts). */
  protected resolvePath(ids: string[], it: StructuredType | undefined, vars: Map<string, StructuredType | undefined>): Resolved | undefined {
    const model = this.model;
    if (!model) return undefined;
    let current: Resolved = { structured: it, collection: false };
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index]!;
      if (index === 0 && vars.has(id)) {
        current = { structured: vars.get(id), collection: false };
        continue;
      }
      if (index === 0 && (id === '$it' || id === '$this')) continue;
      const type = current.structured;
      if (!type) return undefined;
      const navigation = model.findNavigationProperty(type, id);
      if (navigation) {
        current = { structured: model.findStructuredType(navigation.type.name), collection: navigation.type.collection, navigation };
        continue;
      }
      const property = model.findProperty(type, id);
      if (property) {
        current = {
          structured: model.findStructuredType(property.type.name),
          collection: property.type.collection,
          property,
          enumType: model.findEnumType(property.type.name),
          typeName: property.type.name,
        };
        continue;
      }
      const cast = id.includes('.') ? model.findStructuredType(id) : undefined;
      if (!cast) return undefined;
      current = { structured: cast, collection: current.collection };
    }
    return current;
  }

  /** The scope the binder recorded at the cursor (fallback for the type in scope). */
  protected scopeType(offset: number): StructuredType | undefined {
    if (!this.model) return undefined;
    if (this.bound === null) this.bound = this.bindText(this.text);
    if (!this.bound) return undefined;
    return scopeAt(this.bound, offset)?.type;
  }

  /** True when the innermost nested `$expand` follows a navigation property back to its own type (`$levels` applies). */
  protected isRecursiveExpand(frames: Frame[]): boolean {
    let index = frames.length - 1;
    while (index > 0 && frames[index]!.kind !== 'options') index--;
    const frame = frames[index];
    if (!this.model || index === 0 || frame?.kind !== 'options' || !frame.navPath?.length) return false;
    const source = this.place(frames.slice(0, index)).it;
    const resolved = this.resolvePath(frame.navPath, source, new Map());
    const target = resolved?.structured;
    if (!source || !target || !resolved.navigation) return false;
    const related = (a: StructuredType, b: StructuredType): boolean => a === b || this.model!.baseTypes(a).includes(b);
    return related(target, source) || related(source, target);
  }
}
