import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SendSummary } from '../../../client/src/features/runner/runnerCommands';
import { waitFor } from './helpers';

function sampleServiceRoot(): string {
  const root = process.env.E2E_SAMPLE_SERVICE_ROOT ?? fs.readFileSync(path.join(__dirname, '..', 'sample-service-root.txt'), 'utf8').trim();
  assert.ok(root, 'runExtensionTests.mjs starts the sample service');
  return root;
}

const REQUESTS = [
  '@environment = runner-local',
  '@top = 5',
  '',
  '### First accounts',
  'GET accounts?$select=name,revenue&$orderby=name',
  '    &$top={{top}}',
  '',
  '### Every account, paged by the service',
  'GET accounts?$select=name,accountnumber',
  '',
  '### Create one',
  'POST accounts',
  'Content-Type: application/json',
  '',
  '{ "name": "E2E <img src=x onerror=alert(1)>" }',
  '',
].join('\n');

suite('the request runner', () => {
  const ENV = 'runner-local';
  let workspace = '';
  let settingsFile = '';
  let original = '';
  let file: vscode.Uri;

  suiteSetup(async () => {
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    settingsFile = path.join(workspace, '.vscode', 'settings.json');
    original = fs.readFileSync(settingsFile, 'utf8');
    file = vscode.Uri.file(path.join(workspace, 'runner.odata'));
    fs.writeFileSync(file.fsPath, REQUESTS);
    const configuration = vscode.workspace.getConfiguration('dynamicsOData');
    const current = configuration.inspect<unknown[]>('environments')?.workspaceValue ?? [];
    await configuration.update('environments', [...current, { name: ENV, flavor: 'dataverse', url: sampleServiceRoot() }, { name: 'unreachable', flavor: 'generic', url: 'https://unreachable.invalid/odata/' }], vscode.ConfigurationTarget.Workspace);
  });

  suiteTeardown(async () => {
    fs.rmSync(file.fsPath, { force: true });
    fs.writeFileSync(settingsFile, original);
    await waitFor('the original workspace settings', () => {
      const environments = vscode.workspace.getConfiguration('dynamicsOData').get<{ name: string }[]>('environments', []);
      return environments.some((env) => env.name === ENV) ? undefined : true;
    });
  });

  test('every request has a "Send request" CodeLens', async () => {
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const lenses = await waitFor('code lenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
      return found && found.length > 0 ? found : undefined;
    });
    const sends = lenses.filter((lens) => lens.command?.command === 'dynamicsOData.sendRequest');
    assert.equal(sends.length, 3);
    assert.deepEqual(sends.map((lens) => lens.range.start.line), [3, 7, 10]);
    assert.ok(lenses.some((lens) => lens.command?.command === 'dynamicsOData.sendAll'), 'a "Send all" lens above the first request');
  });

  test('sends a GET with variables and continuation lines to the file\'s environment', async () => {
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequest', { uri: file.toString(), index: 0 });
    assert.ok(summary, 'the command returns what happened');
    assert.equal(summary.failure, undefined, summary.message);
    assert.equal(summary.environment, ENV);
    assert.equal(summary.status, 200);
    assert.equal(summary.rows, 5);
  });

  test('a paged answer says there is a next page', async () => {
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequest', { uri: file.toString(), index: 1 });
    assert.equal(summary?.status, 200, summary?.message);
    assert.equal(summary?.rows, 50);
    assert.equal(summary?.nextLink, true);
  });

  test('the results panel shows the page, loads the next one, and exports every loaded row as CSV', async () => {
    interface Snapshot { title: string; httpStatus?: number; rowCount: number; columns: string[]; hasNextLink: boolean; busy: boolean }
    const first = await waitFor('the results panel', async () => {
      const snapshot = await vscode.commands.executeCommand<Snapshot | undefined>('dynamicsOData.results.snapshot');
      return snapshot?.title === 'Every account, paged by the service' && !snapshot.busy ? snapshot : undefined;
    });
    assert.equal(first.httpStatus, 200);
    assert.equal(first.rowCount, 50);
    assert.equal(first.hasNextLink, true);
    assert.ok(first.columns.includes('name') && first.columns.includes('accountnumber'), first.columns.join(', '));
    const second = await vscode.commands.executeCommand<Snapshot>('dynamicsOData.results.loadNextPage');
    assert.equal(second.rowCount, 100);
    const target = path.join(workspace, 'accounts-export.csv');
    try {
      const exported = await vscode.commands.executeCommand<{ path: string; rows: number }>('dynamicsOData.results.exportTo', target, 'csv');
      assert.equal(exported.rows, 100);
      const lines = fs.readFileSync(target, 'utf8').trimEnd().split(/\r?\n/);
      assert.equal(lines.length, 101, 'a header and one line per row');
      assert.ok(lines[0]!.split(',').includes('name'), lines[0]);
    } finally {
      fs.rmSync(target, { force: true });
    }
  });

  test('a POST creates the record (sent once)', async () => {
    const before = (await (await fetch(`${sampleServiceRoot()}accounts/$count?$filter=startswith(name,'E2E%20')`)).text()).trim();
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequest', { uri: file.toString(), index: 2 });
    assert.equal(summary?.status, 201, summary?.message);
    const after = (await (await fetch(`${sampleServiceRoot()}accounts/$count?$filter=startswith(name,'E2E%20')`)).text()).trim();
    assert.equal(Number(after), Number(before) + 1);
  });

  test('"Send to…" an environment that needs a sign-in says so instead of sending without a token', async () => {
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequestTo', { uri: file.toString(), index: 0, environment: 'sample' });
    assert.equal(summary?.environment, 'sample');
    assert.equal(summary?.failure, 'signIn', summary?.message);
    assert.match(summary?.message ?? '', /^Sign in to sample: you are not signed in \(run "Dynamics OData: Sign In"\)\.$/);
  });

  test('an unreachable host ends in a message that names it', async () => {
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequestTo', { uri: file.toString(), index: 0, environment: 'unreachable' });
    assert.equal(summary?.environment, 'unreachable');
    assert.ok(summary?.failure && ['dns', 'refused', 'network', 'timeout'].includes(summary.failure), `${summary?.failure}: ${summary?.message}`);
    assert.match(summary?.message ?? '', /unreachable\.invalid/);
  });

  test('the history lists what was sent, newest first, without secrets', async () => {
    const entries = await vscode.commands.executeCommand<{ title: string; status?: number; failure?: string; environment: string; url: string }[]>('dynamicsOData.history.entries');
    assert.ok(entries.length >= 4, `${entries.length} entries`);
    assert.equal(entries[0]!.environment, 'unreachable');
    assert.equal(entries[1]!.environment, 'sample');
    assert.equal(entries[1]!.failure, 'signIn');
    assert.equal(entries[2]!.title, 'Create one');
    assert.equal(entries[2]!.status, 201);
    assert.ok(entries.some((entry) => entry.title === 'First accounts' && entry.url.includes('%24top=5') === false && entry.url.includes('$top=5')), 'variables substituted in the URL sent');
  });
});
