#!/usr/bin/env node
// npm run test:e2e:desktop: the same extension-host suite (test/e2e/suite) under @vscode/test-electron, which
// DOWNLOADS a desktop VS Code (into .vscode-test/) and runs it. For machines with internet access and a display
// (or xvfb-run). Offline CI machines use `npm run test:e2e` (the VS Code server route) instead.
//   node test/e2e/runDesktopTests.mjs [--version stable|insiders|1.91.0]
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildTests } from './build.mjs';
import { ensureSetup, log, ROOT, run } from './lib.mjs';

const args = process.argv.slice(2);
const versionIndex = args.indexOf('--version');
const version = versionIndex >= 0 ? args[versionIndex + 1] : 'stable';

async function main() {
  // only the tools (mocha, @vscode/test-electron): no code-server, Chromium or apt packages needed here
  const env = ensureSetup(['--tools', '--desktop']);
  run(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { index } = await buildTests(env);
  const require = createRequire(path.join(env.tools, 'noop.js'));
  const { runTests } = require('@vscode/test-electron');
  // @vscode/test-electron starts VS Code with --user-data-dir=.vscode-test/user-data: quiet settings there
  const userData = path.join(ROOT, '.vscode-test/user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'telemetry.telemetryLevel': 'off',
    'update.mode': 'none', 'security.workspace.trust.enabled': false,
  }, null, 2));
  log(`running the suite in VS Code ${version} (downloaded by @vscode/test-electron)`);
  await runTests({
    version,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: index,
    launchArgs: [path.join(ROOT, 'test/e2e/workspace'), '--disable-extensions'],
  });
}

main().then(
  () => {
    console.log('e2e (desktop): PASS');
    process.exit(0);
  },
  (error) => {
    console.error(`e2e (desktop): FAIL — ${error?.message ?? error}`);
    process.exit(1);
  },
);
