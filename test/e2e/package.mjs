#!/usr/bin/env node
// npm run package: the production bundles, then a VSIX with @vscode/vsce (from the e2e cache: setup.sh --tools).
// esbuild bundles every runtime dependency into dist/*.js, so `--no-dependencies`; .vscodeignore lists what ships.
//   node test/e2e/package.mjs [--out file.vsix]     prints the VSIX path, its size and its files
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureSetup, ROOT, run, VSIX } from './lib.mjs';

export function packageVsix({ out = VSIX, quiet = false } = {}) {
  const env = ensureSetup(['--tools']);
  run(process.execPath, [path.join(ROOT, 'esbuild.mjs'), '--production'], { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
  const vsce = path.join(env.tools, '@vscode/vsce/vsce');
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--no-update-package-json', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], {
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  const bytes = fs.statSync(out).size;
  console.log(`VSIX: ${path.relative(process.cwd(), out) || out} (${(bytes / 1024).toFixed(1)} KiB, ${bytes} bytes)`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outIndex = process.argv.indexOf('--out');
  try {
    packageVsix({ out: outIndex > 0 ? path.resolve(process.argv[outIndex + 1]) : VSIX });
  } catch (error) {
    console.error(`package: ${error.message}`);
    process.exit(1);
  }
}
