#!/usr/bin/env node
// Runs test/e2e/suite inside a real VS Code extension host, offline: VS Code's own server (from the
// code-server package, on Node 24) with --enable-smoke-test-driver, and headless Chromium opening the workbench
// with a URL payload naming this repository as extensionDevelopmentPath and the bundled suite as
// extensionTestsPath. The extension host reports log lines and its exit code back through
// window.codeAutomationLog / window.codeAutomationExit, which are exposed before the page loads.
//
//   node test/e2e/runExtensionTests.mjs [--no-build] [--timeout=SECONDS]     (E2E_SUITE=word,word: only those suite files)
// Exit status: 0 when every test passed, 1 otherwise (failures, timeout, crash).
import * as path from 'node:path';
import { format } from 'node:util';
import { buildTests } from './build.mjs';
import * as fs from 'node:fs';
import { startSampleService } from '../sample-service/start.mjs';
import { CACHE, ensureSetup, launchBrowser, log, makeRunDir, ROOT, run, runMain, startServerMain, tail } from './lib.mjs';

const args = process.argv.slice(2);
const timeoutArg = args.find((arg) => arg.startsWith('--timeout='));
const timeoutMs = Number(timeoutArg ? timeoutArg.split('=')[1] : process.env.E2E_TIMEOUT ?? 300) * 1000;
const WORKSPACE = path.join(ROOT, 'test/e2e/workspace');
const VERBOSE = Boolean(process.env.E2E_VERBOSE);
// The workbench's own chatter in an offline run (E2E_VERBOSE=1 shows it): no gallery, no service worker.
const NOISE = [/ENOTFOUND open-vsx\.org/, /\[Service Worker\]/, /socket \(renderer-/, /connection token/, /\[reconnection-grace-time\]/,
  /builtin extensions cache/, /\[AgentHost/, /\[AccountPolicyGate\]/, /vsda/];

async function main() {
  const env = ensureSetup();
  if (!args.includes('--no-build')) {
    log('building the extension (npm run build) and the test suite');
    run(process.execPath, [path.join(ROOT, 'esbuild.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const { index, count } = await buildTests(env);
  log(`${count} test files bundled into ${path.relative(ROOT, index)}`);

  // The sample OData service for the tests that download metadata (addEnvironment.test.ts): its service root
  // reaches the extension host through E2E_SAMPLE_SERVICE_ROOT and, where the host does not see the runner's
  // environment, through a file next to the bundled suite.
  const rootFile = path.join(CACHE, 'out', 'sample-service-root.txt');
  const sample = await startSampleService();
  process.env.E2E_SAMPLE_SERVICE_ROOT = sample.serviceRoot;
  fs.writeFileSync(rootFile, sample.serviceRoot);
  log(`sample OData service at ${sample.serviceRoot}`);
  try {
    return await runSuite(env, index);
  } finally {
    await sample.stop();
    fs.rmSync(rootFile, { force: true });
  }
}

/** The suite inside VS Code's extension host, through the smoke-test driver: the host's exit code. */
async function runSuite(env, index) {
  const runDir = makeRunDir('host');
  const server = await startServerMain(env, runDir, { folder: WORKSPACE });
  log(`VS Code server (smoke-test driver) on 127.0.0.1:${server.port}, logs in ${path.relative(ROOT, runDir)}`);

  const authority = `127.0.0.1:${server.port}`;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${ROOT}`],
    ['extensionTestsPath', `vscode-remote://${authority}${index}`],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ];
  const url = `http://${authority}/?folder=${encodeURIComponent(WORKSPACE)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const { context, page } = await launchBrowser(env, runDir);
  let resolveExit;
  const exited = new Promise((resolve) => (resolveExit = resolve));
  // The extension host's console (mocha's reporter among it) arrives here as console.* arguments.
  await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
    const line = format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
    if (!VERBOSE && NOISE.some((pattern) => pattern.test(line))) return;
    (type === 'error' ? console.error : console.log)(`  ${line.replace(/\n/g, '\n  ')}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
  page.on('pageerror', (error) => log('page error:', String(error).slice(0, 300)));
  log('opening the workbench; the suite runs in the extension host');
  await page.goto(url);

  const deadline = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const code = await Promise.race([exited, deadline]);
  await context.close().catch(() => {});
  await server.stop();
  if (code === 'timeout') {
    console.error(`[e2e:host] no result within ${timeoutMs / 1000} s. Server log tail:\n${tail(server.logFile)}`);
    return 1;
  }
  log(`extension host exit code ${code}`);
  return code === 0 ? 0 : 1;
}

runMain(main, { name: 'e2e:host', timeoutMs: timeoutMs + 120_000 });
