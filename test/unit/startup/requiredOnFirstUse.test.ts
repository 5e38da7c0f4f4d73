/**
 * The server bundle's build (server/bundle.mjs): a built-in marked "required on first use" is not loaded with the
 * module that imports it, is loaded when first used, and then works as the built-in itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import { MODULE_WRAPPER_END, MODULE_WRAPPER_START, requiredOnFirstUse } from '../../../server/bundle.mjs';

const loaded = (name: string): string => `process.moduleLoadList.includes('NativeModule ${name}')`;

describe('required on first use', () => {
  test('child_process is loaded when a function of it is first called, and that function works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odata-first-use-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        [
          `import { spawnSync } from 'node:child_process';`,
          `import * as cp from 'child_process';`,
          `const atLoad = ${loaded('child_process')};`,
          `const hasFork = 'fork' in cp;`,
          `const result = spawnSync(process.execPath, ['-e', 'process.stdout.write("ran")'], { encoding: 'utf8' });`,
          `process.stdout.write(JSON.stringify({ atLoad, hasFork, afterUse: ${loaded('child_process')}, output: result.stdout, sameFunction: cp.spawnSync === require('node:child_process').spawnSync }));`,
        ].join('\n'),
      );
      const out = join(dir, 'out.js');
      await esbuild.build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent', plugins: [requiredOnFirstUse(['child_process'])] });
      const run = spawnSync(process.execPath, [out], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), { atLoad: false, hasFork: true, afterUse: true, output: 'ran', sameFunction: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bundle wrapped in the module wrapper is one function expression of the five module arguments', async () => {
    const result = await esbuild.build({
      stdin: { contents: 'module.exports = { dir: __dirname, same: require === globalThis.requireGiven };', loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      logLevel: 'silent',
      banner: { js: MODULE_WRAPPER_START },
      footer: { js: MODULE_WRAPPER_END },
    });
    const fn = (0, eval)(result.outputFiles[0].text) as (exports: object, require: unknown, module: { exports: unknown }, filename: string, dirname: string) => void;
    assert.equal(typeof fn, 'function');
    const requireGiven = (): void => undefined;
    (globalThis as { requireGiven?: unknown }).requireGiven = requireGiven;
    const module = { exports: {} };
    fn(module.exports, requireGiven, module, '/x/server-main.js', '/x');
    delete (globalThis as { requireGiven?: unknown }).requireGiven;
    assert.deepEqual(module.exports, { dir: '/x', same: true });
  });
});
