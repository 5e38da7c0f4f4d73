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

export interface UnresolvedVariable {
  name: string;
  /** Document span of the whole `{{…}}` reference. */
  span: Span;
  reason: 'unknown' | 'cycle';
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

/** Expands a variable's value recursively (for display, sending and checking). */
export function resolveVariableValue(
  name: string,
  table: Map<string, VariableDefinition>,
  system: SystemVariableResolver = checkingSystemVariables,
  visiting: Set<string> = new Set(),
): string | undefined {
  const [head, ...args] = name.split(/\s+/);
  if (head.startsWith('$')) return system(head, args);
  const definition = table.get(head);
  if (!definition || visiting.has(head)) return undefined;
  visiting.add(head);
  let failed = false;
  const value = definition.value.replace(REFERENCE, (_whole, inner: string) => {
    const resolved = resolveVariableValue(inner, table, system, visiting);
    if (resolved === undefined) failed = true;
    return resolved ?? '';
  });
  visiting.delete(head);
  return failed ? undefined : value;
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
      const name = match[1];
      const head = name.split(/\s+/)[0];
      const isCycle = !head.startsWith('$') && table.has(head) && refersToItself(head, table);
      const value = isCycle ? undefined : resolveVariableValue(name, table, system);
      if (value === undefined) {
        unresolved.push({ name, span: refSpan, reason: isCycle ? 'cycle' : 'unknown' });
        push(match[0], refSpan, true);
      } else {
        push(value, refSpan, true);
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

function refersToItself(name: string, table: Map<string, VariableDefinition>, seen: Set<string> = new Set()): boolean {
  if (seen.has(name)) return true;
  const definition = table.get(name);
  if (!definition) return false;
  seen.add(name);
  const references = [...definition.value.matchAll(REFERENCE)].map((match) => match[1].split(/\s+/)[0]);
  const cyclic = references.some((ref) => !ref.startsWith('$') && refersToItself(ref, table, seen));
  seen.delete(name);
  return cyclic;
}

/** The request's URL with variables expanded. */
export function expandRequestUrl(
  request: ODataRequest,
  table: Map<string, VariableDefinition>,
  system: SystemVariableResolver = checkingSystemVariables,
): ExpandedText {
  return expandPieces(request.urlPieces, table, system);
}
