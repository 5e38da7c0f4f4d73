// Bundles the extension-host test suite with esbuild into test/.cache/e2e/out:
//   out/index.js         the extensionTestsPath entry (suite/index.js with mocha from the cache bundled in)
//   out/suite/*.test.js  one bundle per test file (`vscode` is provided by the extension host)
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CACHE, ROOT } from './lib.mjs';

export async function buildTests(env) {
  const out = path.join(CACHE, 'out');
  fs.rmSync(out, { recursive: true, force: true });
  const suiteDir = path.join(ROOT, 'test/e2e/suite');
  // E2E_SUITE=runner,explorer runs only the suite files whose names contain one of those words (a developer's loop).
  const only = (process.env.E2E_SUITE ?? '').split(',').filter(Boolean);
  const tests = fs.readdirSync(suiteDir)
    .filter((file) => file.endsWith('.test.ts') && (only.length === 0 || only.some((word) => file.includes(word))))
    .map((file) => path.join(suiteDir, file));
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning', external: ['vscode'] };
  await esbuild.build({ ...common, entryPoints: tests, outdir: path.join(out, 'suite') });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(suiteDir, 'index.js')],
    outfile: path.join(out, 'index.js'),
    nodePaths: [env.tools],
    // mocha's optional and browser-only requires, never reached in the extension host
    logOverride: { 'unsupported-dynamic-import': 'silent', 'unsupported-require-call': 'silent', 'require-resolve-not-external': 'silent' },
    sourcemap: false,
  });
  return { index: path.join(out, 'index.js'), count: tests.length };
}
