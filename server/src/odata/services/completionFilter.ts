/**
 * The match an editor makes between what was typed and a completion item (the letters in order, in any
 * case), shared by the service (which leaves out of a long list what cannot match) and the language
 * server (which cuts long lists to what matches).
 *
 * Pure: no I/O.
 */

/** True when the letters of `typed` (lower case) occur in `label` in order, in any case. */
export function matchesTyped(label: string, typed: string): boolean {
  let at = 0;
  for (let i = 0; i < typed.length; i++) {
    const wanted = typed.charCodeAt(i);
    for (;;) {
      if (at >= label.length) return false;
      let c = label.charCodeAt(at++);
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      else if (c > 0x7f || wanted > 0x7f) return matchesTypedSlowly(label, typed);
      if (c === wanted) break;
    }
  }
  return true;
}

/** matchesTyped for text beyond ASCII, where lower case can change lengths. */
function matchesTypedSlowly(label: string, typed: string): boolean {
  let at = 0;
  const lower = label.toLowerCase();
  for (const char of typed) {
    at = lower.indexOf(char, at) + 1;
    if (at === 0) return false;
  }
  return true;
}
