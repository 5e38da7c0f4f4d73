#!/usr/bin/env node
// npm run demo:vscode: a real VS Code (code-server, in your browser) with the packaged extension and a sample
// workspace (test/e2e/demo-workspace: completion, validation and query files; environment "sample" from the
// saved Dataverse metadata). When test/sample-service/start.mjs is there, the sample OData service starts too,
// its $metadata is saved into the workspace and an environment "local" points at it. Ctrl-C stops everything.
//
//   node test/e2e/demo.mjs [--port N] [--no-service] [--desktop] [--check]
//     --desktop   install the VSIX into a local `code` on PATH and open the workspace there instead
//     --check     open the demo in headless Chromium, save screenshots to test/artifacts/demo/, and stop
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addCleanup, ARTIFACTS, CACHE, ensureSetup, launchBrowser, log, makeRunDir, prepareWorkspace, ROOT, runMain, startCodeServer, VSIX } from './lib.mjs';
import { packageVsix } from './package.mjs';
import { quickOpen } from './ui/workbench.mjs';

const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
const DESKTOP = args.includes('--desktop');
const SAMPLE_SERVICE = path.join(ROOT, 'test/sample-service/start.mjs');

/** Starts the sample OData service and writes an environment for it; undefined when there is none. */
async function startLocalService(workspace) {
  if (args.includes('--no-service')) return undefined;
  // HOOK (issue 4, item 2): the sample service (test/sample-service/start.mjs exports startSampleService({ port })
  // -> { url, serviceRoot, stop() }). Without it the demo still runs against the saved sample metadata.
  if (!fs.existsSync(SAMPLE_SERVICE)) {
    log('no test/sample-service/start.mjs: the demo runs without the local OData service');
    return undefined;
  }
  log('starting the sample OData service (test/sample-service)');
  const { startSampleService } = await import(SAMPLE_SERVICE);
  const service = await startSampleService({ port: 0 });
  addCleanup(() => service.stop());
  const response = await fetch(`${service.serviceRoot}$metadata`);
  if (!response.ok) throw new Error(`${service.serviceRoot}$metadata answered ${response.status}`);
  const metadataFile = path.join(workspace, 'metadata/local-service.xml');
  fs.mkdirSync(path.dirname(metadataFile), { recursive: true });
  fs.writeFileSync(metadataFile, await response.text());
  fs.writeFileSync(path.join(workspace, '4-local-service.odata'), [
    '# Queries against the sample OData service running on this machine (environment "local").',
    '# Its $metadata was fetched at startup into metadata/local-service.xml.',
    '@environment = local',
    '',
    '### The first accounts (the service pages: see @odata.nextLink)',
    'GET accounts?$select=name,revenue&$top=5',
    '',
    '### Contacts of an account',
    'GET accounts?$select=name,revenue&$expand=contact_customer_accounts($select=fullname,emailaddress1)&$top=20',
    '',
    '### Create an account (then find it: the runner encodes the quote and the ampersand)',
    'POST accounts',
    'Content-Type: application/json',
    'Prefer: return=representation',
    '',
    '{ "name": "O\'Neil & Sons", "revenue": 125000 }',
    '',
    '### Find it',
    "GET accounts?$select=name,revenue&$filter=name eq 'O''Neil & Sons'",
    '',
  ].join('\n'));
  log(`sample service: ${service.serviceRoot} (started in ${Math.round(service.startupMs ?? 0)} ms)`);
  return { service, environment: { name: 'local', flavor: 'dataverse', url: service.serviceRoot, metadataFile } };
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

async function main() {
  const started = Date.now();
  if (DESKTOP && !onPath('code')) {
    throw new Error('--desktop needs a `code` command on PATH (in VS Code: "Shell Command: Install \'code\' command in PATH")');
  }
  packageVsix({ quiet: true });
  const demoDir = path.join(CACHE, 'demo');
  const workspace = path.join(demoDir, 'workspace');
  prepareWorkspace(path.join(ROOT, 'test/e2e/demo-workspace'), workspace);
  const local = await startLocalService(workspace);
  if (local) prepareWorkspaceEnvironment(workspace, local.environment);

  if (DESKTOP) {
    spawnSync('code', ['--install-extension', VSIX, '--force'], { stdio: 'inherit' });
    spawnSync('code', ['--new-window', workspace], { stdio: 'inherit' });
    log(`opened ${workspace} in your VS Code, with ${path.basename(VSIX)} installed`);
    if (!local) return 0;
    log('the sample service keeps running: Ctrl-C stops it');
    return new Promise(() => {});
  }

  const env = ensureSetup();
  const runDir = makeRunDir('demo');
  const server = await startCodeServer(env, runDir, { folder: workspace, vsix: [VSIX], port: portIndex >= 0 ? Number(args[portIndex + 1]) : undefined });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
  Dynamics OData Tools demo is ready (${seconds} s):

      ${server.url}

  Open it in a browser. The workspace has 1-completion.odata, 2-validation.odata, 3-queries.odata${local ? ' and 4-local-service.odata' : ''}.
  Environment "sample" uses the saved Dataverse metadata${local ? `; "local" is the sample OData service at ${local.environment.url}` : ''}.
  Logs: ${path.relative(ROOT, runDir)}. Ctrl-C stops everything.
`);
  if (args.includes('--check')) return check(env, runDir, server.url, local);
  return new Promise((resolve) => server.child.on('exit', (code) => {
    log(`code-server exited (${code})`);
    resolve(1);
  }));
}

/** --check: what a person sees when opening the demo URL, as screenshots (also proves the demo comes up). */
async function check(env, runDir, url, local) {
  const shots = path.join(ARTIFACTS, 'demo');
  fs.mkdirSync(shots, { recursive: true });
  const { context, page } = await launchBrowser(env, runDir);
  page.setDefaultTimeout(60_000);
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench .part.activitybar .action-item', { timeout: 90_000 });
  const open = (file, text) => quickOpen(page, file, text);
  const shot = async (name) => {
    await page.waitForTimeout(800);
    const file = path.join(shots, `${name}.png`);
    await page.screenshot({ path: file });
    log(`screenshot ${path.relative(ROOT, file)}`);
  };
  await open('2-validation.odata', 'revnue');
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel', { hasText: "Unknown property 'revnue'" }).first().waitFor();
  await shot('1-validation');
  if (local) {
    await open('4-local-service.odata', '@environment = local');
    await shot('2-local-service');
    // Send the second request (contacts expanded under accounts) and show its rows.
    await page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Send request' }).nth(1).click();
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await frame.locator('.status', { hasText: 'rows loaded' }).first().waitFor();
    await shot('3-results');
  }
  await context.close();
  return 0;
}

function prepareWorkspaceEnvironment(workspace, environment) {
  const settingsFile = path.join(workspace, '.vscode/settings.json');
  const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
  settings['dynamicsOData.environments'] = [...settings['dynamicsOData.environments'], environment];
  fs.writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
}

runMain(main, { name: 'demo' });
