#!/usr/bin/env node
// npm run test:e2e: the whole end-to-end run, for CI and for people. Setup (seconds when cached; minutes the
// first time), then the suite inside the real extension host, then the UI tests against code-server with the
// packaged VSIX. Ends with one summary line; exit status 0 only when every part passed.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './lib.mjs';

const started = Date.now();
const parts = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function part(name, command, args) {
  const t0 = Date.now();
  console.log(`\n== e2e: ${name}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  const ok = result.status === 0;
  parts.push({ name, ok, ms: Date.now() - t0 });
  return ok;
}

if (part('setup', 'bash', [path.join(ROOT, 'test/e2e/setup.sh')])) {
  part('extension host tests', process.execPath, [path.join(ROOT, 'test/e2e/runExtensionTests.mjs')]);
  part('UI tests (code-server + VSIX)', process.execPath, [path.join(ROOT, 'test/e2e/runUiTests.mjs')]);
  // the UI tests packaged the production bundles: leave the development build in dist/ as `npm run build` does
  spawnSync(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'ignore' });
}
const failed = parts.filter((p) => !p.ok);
console.log(`\ne2e: ${failed.length === 0 ? 'PASS' : 'FAIL'} — ${parts.map((p) => `${p.name} ${p.ok ? 'ok' : 'FAILED'} (${seconds(p.ms)})`).join(', ')}; total ${seconds(Date.now() - started)}`);
process.exit(failed.length === 0 ? 0 : 1);
