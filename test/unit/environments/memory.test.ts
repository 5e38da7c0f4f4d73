// lsp/memory.ts: the hold on the young generation's growth that a cold load's background pass takes (issue 15: the
// young generation doubled during that pass and never gave its pages back). Run in a process of its own (node's
// test runner gives each file one), whose young generation starts at V8's initial size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapSpaceStatistics } from 'node:v8';
import { holdYoungGeneration } from '../../../server/src/lsp/memory';

function newSpaceSize(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? NaN;
}

/** Allocations that mostly survive their first scavenges: what makes V8 grow the young generation. */
function survivingBurst(): number {
  const kept: { id: number; name: string }[] = [];
  for (let i = 0; i < 400_000; i++) kept.push({ id: i, name: `n${i}` });
  return kept.length;
}

test('held, the young generation keeps its size through surviving allocations; released, it grows again as V8 chooses', () => {
  const outer = holdYoungGeneration();
  const inner = holdYoungGeneration();
  const before = newSpaceSize();
  survivingBurst();
  inner();
  inner(); // released twice: counted once, the outer hold still holds
  survivingBurst();
  assert.equal(newSpaceSize(), before, 'no growth while held');
  outer();
  survivingBurst();
  survivingBurst();
  assert.ok(newSpaceSize() > before, `grows once released (${before} -> ${newSpaceSize()} bytes)`);
});
