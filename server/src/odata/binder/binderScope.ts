/**
 * Finding what is in scope at an offset of a bound URL (completion), and what a name there resolved
 * to (hover).
 */
import type { BoundUri, Resolution, ScopeEntry } from './binderTypes';

/**
 * The innermost scope whose span contains `offset` (both ends inclusive, so a cursor right after the
 * last character of a name still belongs to it). Among equal spans, the one recorded last (deeper) wins.
 */
export function scopeAt(bound: BoundUri, offset: number): ScopeEntry | undefined {
  let best: ScopeEntry | undefined;
  for (const scope of bound.scopes) {
    if (offset < scope.span.start || offset > scope.span.end) continue;
    if (!best || length(scope) <= length(best)) best = scope;
  }
  return best;
}

/** The resolution of the name at `offset` (end exclusive), innermost first. */
export function resolutionAt(bound: BoundUri, offset: number): Resolution | undefined {
  let best: Resolution | undefined;
  for (const resolution of bound.resolutions) {
    if (offset < resolution.span.start || offset >= resolution.span.end) continue;
    if (!best || length(resolution) <= length(best)) best = resolution;
  }
  return best;
}

function length(entry: { span: { start: number; end: number } }): number {
  return entry.span.end - entry.span.start;
}
