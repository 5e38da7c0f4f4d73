#!/usr/bin/env node
// UI tests as a person sees it: the packaged VSIX installed into code-server (--auth none on 127.0.0.1), the
// workbench driven in headless Chromium with playwright-core. Each test/e2e/ui/*.ui.mjs exports
// `default async ({ page, url, shot, step, workspace, runDir, authority, metadataFile, sampleServiceRoot }) => {}`; `shot(name)` saves test/artifacts/ui/<test>-NN-<name>.png.
//
//   node test/e2e/runUiTests.mjs [--no-package] [name-filter]     E2E_HEADED=1 shows the browser (needs a display)
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  addCleanup, ARTIFACTS, ensureSetup, extensionHostErrors, extensionHostLogLengths, launchBrowser, log, makeRunDir, prepareWorkspace, ROOT, runMain, startCodeServer, tail, VSIX,
} from './lib.mjs';
import { packageVsix } from './package.mjs';
import { startSampleService } from '../sample-service/start.mjs';

const args = process.argv.slice(2);
const filter = args.find((arg) => !arg.startsWith('--'));
const UI_DIR = path.join(ROOT, 'test/e2e/ui');
const SHOTS = path.join(ARTIFACTS, 'ui');

async function main() {
  const env = ensureSetup();
  if (!args.includes('--no-package') || !fs.existsSync(VSIX)) packageVsix({ quiet: true });
  const runDir = makeRunDir('ui');
  const files = fs.readdirSync(UI_DIR).filter((file) => file.endsWith('.ui.mjs') && (!filter || file.includes(filter))).sort();
  // The sample OData service, as the environment "local" (its $metadata saved first), for the runner's UI test.
  const sample = await startSampleService();
  addCleanup(() => sample.stop());
  const metadataFile = path.join(runDir, 'local-metadata.xml');
  const metadata = await fetch(`${sample.serviceRoot}$metadata`);
  if (!metadata.ok) throw new Error(`the sample service's $metadata answered ${metadata.status}`);
  fs.writeFileSync(metadataFile, await metadata.text());
  const local = { name: 'local', flavor: 'dataverse', url: sample.serviceRoot, metadataFile };
  const workspace = prepareWorkspace(path.join(ROOT, 'test/e2e/workspace'), path.join(runDir, 'workspace'), { extraEnvironments: [local] });
  log(`sample OData service at ${sample.serviceRoot}`);
  // The sign-in test's OAuth authority (test/auth-server) on https with a certificate of its own: code-server starts
  // with NODE_EXTRA_CA_CERTS naming it, as a user behind a TLS-inspecting proxy starts VS Code with their root.
  const extraEnv = {};
  let authority;
  if (files.some((file) => file.startsWith('signin'))) {
    const { startAuthServer } = await import('../auth-server/start.mjs'); // only then: oidc-provider warns as it loads
    authority = await startAuthServer();
    addCleanup(() => authority.stop());
    extraEnv.NODE_EXTRA_CA_CERTS = authority.caFile;
    log(`OAuth authority at ${authority.issuer} (its certificate trusted through NODE_EXTRA_CA_CERTS)`);
  }
  const server = await startCodeServer(env, runDir, { folder: workspace, vsix: [VSIX], extraEnv });
  log(`code-server on ${server.url} (logs in ${path.relative(ROOT, runDir)})`);
  fs.mkdirSync(SHOTS, { recursive: true });

  const { context } = await launchBrowser(env, runDir, { headless: !process.env.E2E_HEADED });
  const results = [];
  const closedHosts = new Map();
  for (const file of files) {
    const name = file.replace(/\.ui\.mjs$/, '');
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    let count = 0;
    const shot = async (label) => {
      await page.waitForTimeout(400); // notifications and widgets fade in
      const target = path.join(SHOTS, `${name}-${String(++count).padStart(2, '0')}-${label}.png`);
      await page.screenshot({ path: target });
      log(`  screenshot ${path.relative(ROOT, target)}`);
    };
    const step = (text) => log(`  ${name}: ${text}`);
    const started = Date.now();
    try {
      const { default: test } = await import(path.join(UI_DIR, file));
      await test({ page, url: server.url, shot, step, workspace, runDir, authority, metadataFile, sampleServiceRoot: sample.serviceRoot });
      results.push({ name, ok: true, ms: Date.now() - started });
      log(`✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      results.push({ name, ok: false, ms: Date.now() - started });
      const failed = path.join(SHOTS, `${name}-FAILED.png`);
      await page.screenshot({ path: failed }).catch(() => {});
      console.error(`✘ ${name}: ${error?.message ?? error}\n  failure screenshot: ${path.relative(ROOT, failed)}`);
    }
    if (file !== files.at(-1)) {
      // This test's extension host ends with its page: what it logs from then on is teardown.
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the log service flushes about every second
      for (const [log, length] of extensionHostLogLengths(runDir)) if (!closedHosts.has(log)) closedHosts.set(log, length);
      await page.close().catch(() => {});
    }
  }

  // Checked while the workbench is still connected: closing it ends the extension host, and requests still in
  // flight then fail with "Channel has been closed" (teardown, not the extension's doing).
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the log service flushes about every second
  const errors = extensionHostErrors(runDir, { upTo: closedHosts });
  await context.close().catch(() => {});
  if (errors.length > 0) {
    results.push({ name: 'extension host log has no errors', ok: false });
    console.error(`✘ errors from the extension in the extension host logs:\n  ${errors.join('\n  ')}`);
  } else {
    results.push({ name: 'extension host log has no errors', ok: true });
    log('✔ no errors from the extension in the extension host logs');
  }
  await server.stop();
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) console.error(`server log tail:\n${tail(server.logFile, 20)}`);
  log(`UI tests: ${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${path.relative(ROOT, SHOTS)}`);
  return failed.length === 0 && files.length > 0 ? 0 : 1;
}

runMain(main, { name: 'e2e:ui', timeoutMs: 600_000 });
