/**
 * `{{name}}` substitution in `.odata` files, with a map from the expanded text back to document offsets
 * so that a diagnostic found in the expanded URL lands on the right characters of the file.
 */
import type { Span } from '../uri/ast';
import type { ODataRequest, RequestFile, VariableDefinition } from './requestFile';

/** Answers system variables (`{{$guid}}`, `{{$timestamp}}`…); undefined when it does not know the name. */
export type SystemVariableResolver = (name: string, args: string[]) => string | undefined;

/**
 * Values for checking (not sending): stable, well-typed stand-ins, so that a URL with `{{$guid}}` in a key
 * still binds. The request runner supplies real values when it sends.
 */
export const checkingSystemVariables: SystemVariableResolver = (name) => {
  switch (name) {
    case '$guid':
      return '00000000-0000-0000-0000-000000000000';
    case '$timestamp':
      return '0';
    case '$datetime':
    case '$localDatetime':
      return '2000-01-01T00:00:00Z';
    case '$randomInt':
      return '0';
    case '$processEnv':
    case '$dotenv':
      return '';
    default:
      return undefined;
  }
};

/**
 * Bounds on `{{…}}` expansion (issue 12, item 6): definitions that refer to each other twice would otherwise
 * double at every level (a 510-byte file expanding to hundreds of megabytes). Past a bound the value is not
 * built: the language server reports it on the definition and the runner refuses the request, both at once.
 */
export const VARIABLE_LIMITS = {
  /** Variables inside variables, this many levels at most. */
  maxDepth: 32,
  /** Characters of one variable's expanded value. */
  maxValueLength: 100_000,
  /** Characters of one request's expanded URL, headers and body together. */
  maxRequestLength: 2_000_000,
} as const;

export type UnresolvedReason = 'unknown' | 'cycle' | 'tooDeep' | 'tooLarge';

export interface UnresolvedVariable {
  name: string;
  /** Document span of the whole `{{…}}` reference. */
  span: Span;
  reason: UnresolvedReason;
}

export interface ExpandedText {
  text: string;
  /** Maps an offset in `text` (0..text.length) to a document offset. */
  toDocumentOffset(offset: number): number;
  /**
   * Maps a document offset to an offset in `text`, or undefined when the document offset is not inside
   * any piece (or falls inside a `{{reference}}`, which has no single place in the expanded text).
   */
  toTextOffset(documentOffset: number): number | undefined;
  unresolved: UnresolvedVariable[];
}

interface Piece {
  /** Offset in the expanded text where this piece starts. */
  from: number;
  to: number;
  /** Document span the piece came from. */
  doc: Span;
  /** True when the piece is the text of a variable (maps as a whole onto its `{{…}}`). */
  substituted: boolean;
}

const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Where an environment's variable is "defined": nowhere in the document (offset lookups never match it). */
export const ENVIRONMENT_VARIABLE_SPAN: Span = { start: -1, end: -1 };

/**
 * The variables in force: the environment's (`variables` in its settings) first, then the file's `@name = value`
 * lines; later definitions win, as in REST Client.
 */
export function variableTable(file: RequestFile, environmentVariables?: Readonly<Record<string, string>>): Map<string, VariableDefinition> {
  const table = new Map<string, VariableDefinition>();
  for (const [name, value] of Object.entries(environmentVariables ?? {})) {
    if (typeof value !== 'string' || !/^[\w.-]+$/.test(name)) continue;
    table.set(name, { name, value, nameSpan: ENVIRONMENT_VARIABLE_SPAN, valueSpan: ENVIRONMENT_VARIABLE_SPAN, span: ENVIRONMENT_VARIABLE_SPAN });
  }
  for (const variable of file.variables) table.set(variable.name, variable);
  return table;
}

type Resolution = { ok: true; value: string } | { ok: false; reason: UnresolvedReason };

/**
 * Resolves variables of one table, each at most once (memoised), within VARIABLE_LIMITS: the work is bounded by
 * the limits, however the definitions refer to each other.
 */
class VariableResolver {
  private readonly memo = new Map<string, Resolution>();
  private readonly visiting = new Set<string>();

  constructor(
    private readonly table: Map<string, VariableDefinition>,
    private readonly system: SystemVariableResolver,
  ) {}

  resolve(reference: string, depth = 0): Resolution {
    const [head = '', ...args] = reference.split(/\s+/);
    if (head.startsWith('$')) {
      const value = this.system(head, args);
      return value === undefined ? { ok: false, reason: 'unknown' } : { ok: true, value };
    }
    const definition = this.table.get(head);
    if (!definition) return { ok: false, reason: 'unknown' };
    if (this.visiting.has(head)) return { ok: false, reason: 'cycle' };
    const known = this.memo.get(head);
    if (known) return known;
    if (depth >= VARIABLE_LIMITS.maxDepth) return { ok: false, reason: 'tooDeep' };
    this.visiting.add(head);
    const result = this.expandValue(definition.value, depth);
    this.visiting.delete(head);
    this.memo.set(head, result);
    return result;
  }

  private expandValue(text: string, depth: number): Resolution {
    let out = '';
    let last = 0;
    let failure: UnresolvedReason | undefined;
    for (const match of text.matchAll(REFERENCE)) {
      const index = match.index ?? 0;
      out += text.slice(last, index);
      last = index + match[0].length;
      const inner = this.resolve(match[1] ?? '', depth + 1);
      if (!inner.ok) {
        // The worst reason wins: a cycle or a bound says more than an unknown name.
        if (failure === undefined || failure === 'unknown') failure = inner.reason;
        if (inner.reason !== 'unknown') return { ok: false, reason: inner.reason };
        continue;
      }
      out += inner.value;
      if (out.length > VARIABLE_LIMITS.maxValueLength) return { ok: false, reason: 'tooLarge' };
    }
    if (failure) return { ok: false, reason: failure };
    out += text.slice(last);
    if (out.length > VARIABLE_LIMITS.maxValueLength) return { ok: false, reason: 'tooLarge' };
    return { ok: true, value: out };
  }
}

/** Expands a variable's value recursively (for display, sending and checking); undefined when it cannot be. */
export function resolveVariableValue(
  name: string,
  table: Map<string, VariableDefinition>,
  system: SystemVariableResolver = checkingSystemVariables,
): string | undefined {
  const result = new VariableResolver(table, system).resolve(name);
  return result.ok ? result.value : undefined;
}

/** A definition whose value cannot be expanded within the bounds, with why. */
export interface UnboundedDefinition {
  definition: VariableDefinition;
  reason: 'cycle' | 'tooDeep' | 'tooLarge';
}

/**
 * The file's definitions that are on a cycle, nest too deep or expand past the size bound (the definitions in
 * force: a definition overridden later is not checked). Linear in the size of the definitions.
 */
export function unboundedDefinitions(
  file: RequestFile,
  table: Map<string, VariableDefinition> = variableTable(file),
  system: SystemVariableResolver = checkingSystemVariables,
): UnboundedDefinition[] {
  const onCycle = definitionsOnCycles(table);
  const resolver = new VariableResolver(table, system);
  const found: UnboundedDefinition[] = [];
  for (const definition of file.variables) {
    if (table.get(definition.name) !== definition) continue;
    if (onCycle.has(definition.name)) {
      found.push({ definition, reason: 'cycle' });
      continue;
    }
    const result = resolver.resolve(definition.name);
    if (!result.ok && (result.reason === 'tooDeep' || result.reason === 'tooLarge')) found.push({ definition, reason: result.reason });
  }
  return found;
}

/** Names that reach themselves through references (Tarjan's strongly connected components, iterative). */
function definitionsOnCycles(table: Map<string, VariableDefinition>): Set<string> {
  const edges = new Map<string, string[]>();
  for (const [name, definition] of table) {
    const targets = [...definition.value.matchAll(REFERENCE)].map((m) => (m[1] ?? '').split(/\s+/)[0] ?? '').filter((t) => table.has(t));
    edges.set(name, [...new Set(targets)]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const result = new Set<string>();
  let counter = 0;
  for (const root of table.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = edges.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        for (;;) {
          const member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
          if (member === frame.node) break;
        }
        const selfLoop = (edges.get(frame.node) ?? []).includes(frame.node);
        if (component.length > 1 || selfLoop) for (const member of component) result.add(member);
      }
    }
  }
  return result;
}

/**
 * Expands `{{…}}` in a sequence of document pieces (a request URL's lines, a header value, a body)
 * and keeps the offset map.
 */
export function expandPieces(
  pieces: readonly { span: Span; text: string }[],
  table: Map<string, VariableDefinition>,
  system: SystemVariableResolver = checkingSystemVariables,
): ExpandedText {
  const parts: string[] = [];
  const map: Piece[] = [];
  const unresolved: UnresolvedVariable[] = [];
  let length = 0;
  const resolver = new VariableResolver(table, system);
  const push = (value: string, doc: Span, substituted: boolean): void => {
    parts.push(value);
    map.push({ from: length, to: length + value.length, doc, substituted });
    length += value.length;
  };

  for (const piece of pieces) {
    let last = 0;
    // A regex of its own: resolving a value below uses the shared one.
    const references = new RegExp(REFERENCE.source, 'g');
    for (let match = references.exec(piece.text); match; match = references.exec(piece.text)) {
      if (match.index > last) {
        push(piece.text.slice(last, match.index), { start: piece.span.start + last, end: piece.span.start + match.index }, false);
      }
      const refSpan = { start: piece.span.start + match.index, end: piece.span.start + match.index + match[0].length };
      const name = match[1] ?? '';
      const resolved = resolver.resolve(name);
      if (!resolved.ok || length + resolved.value.length > VARIABLE_LIMITS.maxRequestLength) {
        unresolved.push({ name, span: refSpan, reason: resolved.ok ? 'tooLarge' : resolved.reason });
        push(match[0], refSpan, true);
      } else {
        push(resolved.value, refSpan, true);
      }
      last = match.index + match[0].length;
    }
    if (last < piece.text.length) {
      push(piece.text.slice(last), { start: piece.span.start + last, end: piece.span.end }, false);
    }
  }

  const text = parts.join('');
  const fallback = pieces.length > 0 ? pieces[pieces.length - 1].span.end : 0;
  return {
    text,
    unresolved,
    toDocumentOffset(offset: number): number {
      if (map.length === 0) return fallback;
      // Binary search for the piece containing the offset; an offset at a boundary belongs to the later piece.
      let lo = 0;
      let hi = map.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (map[mid].from <= offset) lo = mid;
        else hi = mid - 1;
      }
      const piece = map[lo];
      if (offset >= piece.to && lo === map.length - 1) return piece.doc.end;
      if (piece.substituted) return offset <= piece.from ? piece.doc.start : piece.doc.end;
      return piece.doc.start + Math.min(offset - piece.from, piece.doc.end - piece.doc.start);
    },
    toTextOffset(documentOffset: number): number | undefined {
      for (const piece of map) {
        if (documentOffset < piece.doc.start || documentOffset > piece.doc.end) continue;
        if (!piece.substituted) return piece.from + (documentOffset - piece.doc.start);
        if (documentOffset === piece.doc.start) return piece.from;
        if (documentOffset === piece.doc.end) return piece.to;
        return undefined;
      }
      return undefined;
    },
  };
}

/** The request's URL with variables expanded. */
export function expandRequestUrl(
  request: ODataRequest,
  table: Map<string, VariableDefinition>,
  system: SystemVariableResolver = checkingSystemVariables,
): ExpandedText {
  return expandPieces(request.urlPieces, table, system);
}
