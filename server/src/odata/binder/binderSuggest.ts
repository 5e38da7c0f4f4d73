/**
 * "Did you mean": candidate names close to a misspelt one, by Damerau-Levenshtein distance (optimal
 * string alignment), case-insensitive. A candidate that differs only in case is reported specially,
 * since Dataverse and F&O names are case-sensitive.
 */

export interface Suggestion {
  /** Best candidates first (at most `limit`). */
  names: string[];
  /** Set when a candidate equals the name ignoring case. */
  caseOnly?: string;
}

/** Edit distance with adjacent transpositions; stops early (returns > max) beyond `max`. Three rolling rows. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  let before = new Int32Array(width);
  let previous = new Int32Array(width);
  let current = new Int32Array(width);
  for (let j = 0; j < width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j < width; j++) {
      const cb = b.charCodeAt(j - 1);
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

/** The largest distance still worth suggesting for a name of this length. */
export function suggestionCutoff(length: number): number {
  if (length <= 2) return 0;
  if (length <= 5) return 1;
  if (length <= 10) return 2;
  return 3;
}

export function suggest(name: string, candidates: Iterable<string>, limit = 3): Suggestion {
  const lower = name.toLowerCase();
  // Qualified names (`Ns.Type`) are judged by their last part, so a namespace does not widen the cutoff.
  const cutoff = suggestionCutoff(name.length - (name.lastIndexOf('.') + 1));
  const scored: { name: string; distance: number }[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate) || candidate === name) continue;
    seen.add(candidate);
    const candidateLower = candidate.toLowerCase();
    if (candidateLower === lower) return { names: [candidate], caseOnly: candidate };
    const distance = editDistance(lower, candidateLower, cutoff);
    if (distance <= cutoff) scored.push({ name: candidate, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || (x.name < y.name ? -1 : 1));
  return { names: scored.slice(0, limit).map((s) => s.name) };
}

/** The sentence appended to an "unknown name" message. */
export function suggestionSentence(suggestion: Suggestion): string {
  if (suggestion.caseOnly) return ` Names are case-sensitive: did you mean '${suggestion.caseOnly}'?`;
  if (suggestion.names.length === 0) return '';
  if (suggestion.names.length === 1) return ` Did you mean '${suggestion.names[0]}'?`;
  const quoted = suggestion.names.map((n) => `'${n}'`);
  return ` Did you mean ${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}?`;
}
