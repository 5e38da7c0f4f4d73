/**
 * A full garbage collection on demand, for the background pass of a cold load: reading every type of a large
 * document for the index cache makes garbage faster than V8 chooses to collect it (measured on a 30 MB
 * Dataverse document: the heap grew from 58 to 164 MB without one full collection, then fell to 33 MB), and the
 * process keeps the high-water mark as resident memory. Collecting now and then during that pass keeps the
 * peak near what is live. The `gc` function is taken from a fresh context once `--expose-gc` is set (the
 * flag only affects contexts made after it); where that is refused, nothing is collected.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined | null = null;

export function collectGarbage(): void {
  if (gc === null) {
    try {
      setFlagsFromString('--expose-gc');
      const found: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
      gc = typeof found === 'function' ? (found as () => void) : undefined;
    } catch {
      gc = undefined;
    }
  }
  gc?.();
}

/** `collectGarbage` at most once per `intervalMs` of calls: for a pause between slices of background work. */
export function collectNowAndThen(intervalMs: number): () => void {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    collectGarbage();
    last = performance.now();
  };
}
