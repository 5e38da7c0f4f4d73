/**
 * Work that blocks the event loop for a while, done when the server is not answering anyone: the code cache's
 * write (serverLoader.ts) takes 20-25 ms on the Dataverse-at-scale bench (issue 15), a stall in the middle of
 * someone's typing. Idle: the event loop busy for less than IDLE_UTILIZATION of the last IDLE_CHECK_MS; after
 * GIVE_UP_WAITING_MS the work is done anyway. The timers do not keep the process alive.
 */
const IDLE_CHECK_MS = 250;
const IDLE_UTILIZATION = 0.02;
const GIVE_UP_WAITING_MS = 60_000;

/** Run `work` once `afterMs` have passed and the event loop has been idle since the last check (timers unref'd). */
export function whenIdle(afterMs: number, work: () => void, checkMs = IDLE_CHECK_MS, giveUpMs = GIVE_UP_WAITING_MS): void {
  const started = performance.now();
  let last = performance.eventLoopUtilization();
  const check = (): void => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    if (busy < IDLE_UTILIZATION || performance.now() - started >= giveUpMs) work();
    else setTimeout(check, checkMs).unref();
  };
  setTimeout(() => {
    last = performance.eventLoopUtilization();
    setTimeout(check, checkMs).unref();
  }, Math.max(0, afterMs - checkMs)).unref();
}
