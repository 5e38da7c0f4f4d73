/** groupedDigits writes what toLocaleString('en-US') writes, without loading ICU at start-up. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { groupedDigits } from '../../../server/src/odata/numberText';

describe('groupedDigits', () => {
  test('writes integers as toLocaleString("en-US") does', () => {
    const values = [0, 1, -1, 9, 10, 99, 100, 999, 1000, -1000, 5000, 9999, 10000, 32768, 99999, 100000, 999999, 1000000, 1234567, -987654321, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    for (const value of values) assert.equal(groupedDigits(value), value.toLocaleString('en-US'), String(value));
    for (let value = 1; value < 1e15; value = value * 7 + 3) assert.equal(groupedDigits(value), value.toLocaleString('en-US'), String(value));
  });

  test('other numbers fall back to toLocaleString("en-US")', () => {
    for (const value of [1.5, -2.25, 1234.5678, NaN, Infinity, -Infinity, 2 ** 60]) assert.equal(groupedDigits(value), value.toLocaleString('en-US'));
  });

  test('the query options keep their documented Dataverse limit, and loading them does not load ICU', () => {
    // A fresh process: importing the facts must not call toLocaleString (its first call loads ICU's data).
    const script = [
      "const real = Number.prototype.toLocaleString; let calls = 0;",
      "Number.prototype.toLocaleString = function (...args) { calls++; return real.apply(this, args); };",
      `const { systemQueryOptions } = require(${JSON.stringify(join(__dirname, '..', '..', '..', 'server', 'src', 'odata', 'facts', 'systemQueryOptions.ts'))});`,
      "const top = systemQueryOptions.find((o) => o.name === '$top');",
      "process.stdout.write(JSON.stringify({ calls, doc: top.doc }));",
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const { calls, doc } = JSON.parse(result.stdout) as { calls: number; doc: string };
    assert.equal(calls, 0);
    assert.match(doc, /at most 5,000\)/);
  });
});
