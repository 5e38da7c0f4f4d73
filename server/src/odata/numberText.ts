/**
 * Numbers as the server writes them in English text: digits grouped by thousands with commas (`5,000`), as
 * `toLocaleString('en-US')` writes an integer — without it: the first `toLocaleString` of a process loads ICU's
 * locale data (about 25 ms of CPU): facts/systemQueryOptions.ts writes its documentation when the server starts, and
 * a diagnostic or an agent's answer that writes a count would pay it inside the first such request.
 */

/** An integer with its digits grouped by thousands (`1234567` → `1,234,567`); other numbers as `toLocaleString('en-US')`. */
export function groupedDigits(value: number): string {
  if (!Number.isSafeInteger(value)) return value.toLocaleString('en-US');
  const digits = String(Math.abs(value));
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let at = grouped.length; at < digits.length; at += 3) grouped += ',' + digits.slice(at, at + 3);
  return value < 0 ? '-' + grouped : grouped;
}
