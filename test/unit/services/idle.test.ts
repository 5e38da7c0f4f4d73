// Work done when the server is idle (server/src/lsp/idle.ts, used for the code cache's write by lsp/serverLoader.ts):
// not before its delay, not while the event loop is kept busy, soon once it is idle, and after the longest wait
// even if it never is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { whenIdle } from '../../../server/src/lsp/idle';

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the event loop busy (~10 ms of every ~11) until `until()` is true. */
function keepBusy(until: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const tick = (): void => {
      if (until()) return resolve();
      const end = performance.now() + 10;
      while (performance.now() < end);
      setTimeout(tick, 1);
    };
    tick();
  });
}

test('idle work waits for its delay, then runs once the event loop is idle', async () => {
  let ran = 0;
  const started = performance.now();
  let ranAt = 0;
  whenIdle(100, () => {
    ran++;
    ranAt = performance.now() - started;
  }, 20, 60_000);
  await wait(60);
  assert.equal(ran, 0, 'not before its delay');
  for (let i = 0; i < 200 && ran === 0; i++) await wait(10);
  assert.equal(ran, 1);
  // Timers may fire up to a millisecond before performance.now() says their time has come.
  assert.ok(ranAt >= 99, `ran at ${ranAt} ms`);
  await wait(100);
  assert.equal(ran, 1, 'once');
});

test('idle work does not run while the event loop is busy, and runs when it no longer is', async () => {
  let ran = false;
  whenIdle(20, () => (ran = true), 20, 60_000);
  let busyUntil = performance.now() + 400;
  await keepBusy(() => performance.now() > busyUntil);
  assert.equal(ran, false, 'not while busy');
  busyUntil = 0;
  for (let i = 0; i < 200 && !ran; i++) await wait(10);
  assert.equal(ran, true, 'once idle');
});

test('idle work runs after the longest wait even if the loop never becomes idle', async () => {
  let ran = false;
  whenIdle(20, () => (ran = true), 20, 200);
  const started = performance.now();
  await keepBusy(() => ran || performance.now() - started > 3000);
  assert.equal(ran, true, 'ran while still busy, after the longest wait');
});
