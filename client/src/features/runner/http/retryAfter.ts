/**
 * How long to wait before retrying a 429 or 503: the `Retry-After` header (delay-seconds or an HTTP date),
 * or exponential back-off with jitter when the service did not say.
 */

/** Milliseconds to wait from `Retry-After`, or undefined when absent or unreadable. A date in the past is 0. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Back-off for retry number `retry` (0-based): 1 s, 2 s, 4 s… with jitter (50 to 100 % of it), at most `capMs`. */
export function backoffDelay(retry: number, capMs: number, random: () => number = Math.random): number {
  const full = Math.min(capMs, 1000 * 2 ** retry);
  return Math.round(full * (0.5 + random() * 0.5));
}

/** "2 s", "0.3 s", "1.5 min" for notes. */
export function formatWait(ms: number): string {
  if (ms >= 90_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
