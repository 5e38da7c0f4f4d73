/**
 * A full garbage collection on demand, for the background pass of a cold load: reading every type of a large
 * document for the index cache makes garbage faster than V8 chooses to collect it (measured on a 30 MB
 * Dataverse document: the heap grew from 58 to 164 MB without one full collection, then fell to 33 MB), and the
 * process keeps the high-water mark as resident memory. Collecting now and then during that pass keeps the
 * peak near what is live. The `gc` function is taken from a fresh context once `--expose-gc` is set (the
 * flag only affects contexts made after it); where that is refused, nothing is collected.
 * And a hold on the young generation's growth for the same pass (`holdYoungGeneration`).
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

/** V8's default for --semi-space-growth-factor (node 20 to 24). */
const DEFAULT_SEMI_SPACE_GROWTH_FACTOR = 2;
let youngHolds = 0;

/**
 * Keep the young generation at the size it has now until the returned function is called (once; holds nest).
 * V8 doubles the young generation's semi-spaces when much of it survives a scavenge, as it does while the
 * background pass of a cold load builds the compact index, and never gives those pages back: measured on
 * the 30 MB Dataverse document, new space went from 16 to 32 MB during that pass, 16 MB more at the
 * process's peak. Held, the pass scavenges more often instead (it runs in the background: no answer waits).
 * Released at the end of the pass, the flag is back at V8's default, so that the code cache the server
 * writes after its start (lsp/serverLoader.ts) is made under the flags the next start reads it with (a pass still
 * running when that cache is written makes the next start compile the bundle once more, and write it again).
 */
export function holdYoungGeneration(): () => void {
  if (youngHolds++ === 0) setGrowthFactor(1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--youngHolds === 0) setGrowthFactor(DEFAULT_SEMI_SPACE_GROWTH_FACTOR);
  };
}

function setGrowthFactor(factor: number): void {
  try {
    setFlagsFromString(`--semi-space-growth-factor=${factor}`);
  } catch {
    // Refused: the young generation grows as V8 chooses.
  }
}
