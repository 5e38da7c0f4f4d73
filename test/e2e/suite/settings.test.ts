// Each client-side `dynamicsOData.*` setting taking effect through the real path (issue 13, item 9): the test changes
// it as a user does (`WorkspaceConfiguration.update`, user level for the machine-scoped one), runs the runner's real
// commands against a service of its own on 127.0.0.1 (helpers.ts startScriptedService: it answers late or
// large on demand), observes the effect, and puts the setting back. The settings sent to the language server
// (name, url, flavor, metadataFile, variables, defaultEnvironment, checkAgainst) are proved over stdio in
// test/integration; csvNeutralizeFormulas and checkAgainst also have their own extension-host tests
// (trustRunner.test.ts, drift.test.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SendSummary } from '../../../client/src/features/runner/runnerCommands';
import { EXTENSION_ID, startScriptedService, updateSetting, waitFor, type ScriptedService } from './helpers';

/** What `dynamicsOData.results.snapshot` (test-only) returns. */
interface PanelSnapshot {
  title: string;
  httpStatus?: number;
  rowCount: number;
  busy: boolean;
  openPanels: number;
  notes: string[];
}

/** The slow service answers after this long: later than a 1 s timeout, well within the default 120 s. */
const SLOW_ANSWER_MS = 2_500;
/** Rows of the large answer: about 1.5 MB of JSON, over a 1 MB limit and under the default 25 MB. */
const BIG_ROWS = 3_000;
const AUTHORITY = 'https://adfs.contoso.example';
const SAMPLE_METADATA = '../../fixtures/metadata/dataverse-sample.xml';

function bigAnswer(): unknown {
  return { value: Array.from({ length: BIG_ROWS }, (_, n) => ({ n, text: `row ${n} `.padEnd(480, 'x') })) };
}

suite('settings take effect in the extension host (issue 13, item 9)', () => {
  let service: ScriptedService;
  let workspace = '';
  let settingsFile = '';
  let original = '';
  const files: string[] = [];
  const receivedUnder = (prefix: string): string[] => service.received.map((request) => request.url).filter((url) => url.startsWith(prefix) && !url.includes('$metadata'));

  const writeFile = (name: string, text: string): vscode.Uri => {
    const file = path.join(workspace, name);
    fs.writeFileSync(file, text);
    files.push(file);
    return vscode.Uri.file(file);
  };
  const send = async (file: vscode.Uri, index = 0): Promise<SendSummary> => {
    const summary = await vscode.commands.executeCommand<SendSummary | undefined>('dynamicsOData.sendRequest', { uri: file.toString(), index });
    assert.ok(summary, 'the send command returns what happened');
    return summary;
  };
  const panel = (): Thenable<PanelSnapshot | undefined> => vscode.commands.executeCommand<PanelSnapshot | undefined>('dynamicsOData.results.snapshot');
  const panelOf = (title: string): Promise<PanelSnapshot> => waitFor(`the results panel of "${title}"`, async () => {
    const snapshot = await panel();
    return snapshot?.title === title && !snapshot.busy ? snapshot : undefined;
  });
  const closeAllPanels = async (): Promise<void> => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('no results panel open', async () => ((await panel()) === undefined ? true : undefined));
  };

  suiteSetup(async () => {
    // Test-only commands are not in the manifest, so calling one does not activate the extension.
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    service = await startScriptedService((request) => {
      if (request.url.startsWith('/slow/')) return { json: { value: [{ answered: 'late' }] }, delayMs: SLOW_ANSWER_MS };
      if (request.url.startsWith('/big/')) return { json: bigAnswer() };
      return { json: { value: [{ path: request.url }] } };
    });
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    settingsFile = path.join(workspace, '.vscode', 'settings.json');
    original = fs.readFileSync(settingsFile, 'utf8');
    const current = vscode.workspace.getConfiguration('dynamicsOData').inspect<unknown[]>('environments')?.workspaceValue ?? [];
    // Saved metadata for each: no download traffic mixes with what the runner sends.
    const environment = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, flavor: 'generic', url: `${service.url}/${name.replace('settings-', '')}/`, metadataFile: SAMPLE_METADATA, ...extra });
    await updateSetting('environments', [
      ...current,
      environment('settings-slow'),
      environment('settings-big'),
      environment('settings-panel'),
      environment('settings-a'),
      environment('settings-b'),
      environment('settings-authority', { flavor: 'dataverse', auth: { method: 'interactive', tenant: 'contoso.onmicrosoft.com', authorityHost: AUTHORITY } }),
    ]);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const file of files) fs.rmSync(file, { force: true });
    await vscode.workspace.getConfiguration('dynamicsOData').update('trustedAuthorityHosts', undefined, vscode.ConfigurationTarget.Global);
    fs.writeFileSync(settingsFile, original);
    await service.stop();
    await waitFor('the original workspace settings', () =>
      vscode.workspace.getConfiguration('dynamicsOData').get<{ name: string }[]>('environments', []).some((env) => env.name.startsWith('settings-')) ? undefined : true,
    );
  });

  test('dynamicsOData.runner.timeoutSeconds: 1 s stops a request the service answers after 2.5 s; the default waits for it', async () => {
    const file = writeFile('settings-timeout.odata', '@environment = settings-slow\n\n### Slow answer\nGET things\n');
    await updateSetting('runner.timeoutSeconds', 1);
    try {
      const started = Date.now();
      const stopped = await send(file);
      const waited = Date.now() - started;
      assert.equal(stopped.failure, 'timeout', stopped.message);
      assert.match(stopped.message ?? '', /^No complete answer from 127\.0\.0\.1:\d+ within 1 s: the service may be slow or unreachable\. Narrow the query or try again\./);
      assert.ok(waited >= 1_000, `stopped after the configured second, not before (${waited} ms)`);
      assert.equal(receivedUnder('/slow/').length, 1, 'the request reached the service, which had not answered yet');
    } finally {
      await updateSetting('runner.timeoutSeconds', undefined);
    }
    const answered = await send(file);
    assert.equal(answered.failure, undefined, answered.message);
    assert.equal(answered.status, 200);
    assert.equal(answered.rows, 1);
  });

  test('dynamicsOData.runner.maxResponseMB: a 1.5 MB answer shows whole under the default 25 MB and is cut at 1 MB, with the panel saying so', async () => {
    const file = writeFile('settings-size.odata', '@environment = settings-big\n\n### Large answer\nGET things\n');
    const whole = await send(file);
    assert.equal(whole.status, 200, whole.message);
    assert.equal(whole.rows, BIG_ROWS);
    const shown = await panelOf('Large answer');
    assert.equal(shown.rowCount, BIG_ROWS);
    assert.ok(!shown.notes.some((note) => /size limit/.test(note)), shown.notes.join(' | '));

    await updateSetting('runner.maxResponseMB', 1);
    try {
      const cut = await send(file);
      assert.equal(cut.status, 200, cut.message);
      assert.equal(cut.rows, undefined, 'a body cut at the limit is not read as rows');
      const snapshot = await waitFor('the panel of the cut answer', async () => {
        const current = await panelOf('Large answer');
        return current.rowCount === 0 ? current : undefined;
      });
      assert.ok(
        snapshot.notes.includes('The answer is larger than 1 MB: reading stopped there and only the first 1 MB are kept. Narrow the query ($select, $filter, $top) or raise the size limit.'),
        snapshot.notes.join(' | '),
      );
      assert.ok(snapshot.notes.includes('The body passed the size limit and was cut: the rows shown may be incomplete.'), snapshot.notes.join(' | '));
    } finally {
      await updateSetting('runner.maxResponseMB', undefined);
    }
  });

  test('dynamicsOData.results.reusePanel: on (the default), sending twice shows one panel; off, each send opens its own', async () => {
    await closeAllPanels();
    const file = writeFile('settings-panel.odata', '@environment = settings-panel\n\n### Panel per send\nGET things\n');
    for (let round = 0; round < 2; round += 1) assert.equal((await send(file)).status, 200);
    assert.equal((await panelOf('Panel per send')).openPanels, 1, 'the second result replaced the first in its panel');

    await updateSetting('results.reusePanel', false);
    try {
      for (let round = 0; round < 2; round += 1) assert.equal((await send(file)).status, 200);
      assert.equal((await panelOf('Panel per send')).openPanels, 3, 'two more sends, two more panels');
    } finally {
      await updateSetting('results.reusePanel', undefined);
    }
    await closeAllPanels();
  });

  test('dynamicsOData.defaultEnvironment: a file without @environment is sent to the default environment, and follows a change of it', async () => {
    const file = writeFile('settings-default.odata', '### Where does it go\nGET things?$top=1\n');
    const before = await updateSetting('defaultEnvironment', 'settings-a');
    try {
      const first = await send(file);
      assert.equal(first.environment, 'settings-a', first.message);
      assert.equal(first.status, 200, first.message);
      assert.deepEqual(receivedUnder('/a/'), ['/a/things?$top=1']);
      await updateSetting('defaultEnvironment', 'settings-b');
      const second = await send(file);
      assert.equal(second.environment, 'settings-b', second.message);
      assert.deepEqual(receivedUnder('/b/'), ['/b/things?$top=1']);
      assert.equal(receivedUnder('/a/').length, 1, 'nothing more went to the old default');
    } finally {
      await updateSetting('defaultEnvironment', before);
    }
  });

  test('dynamicsOData.trustedAuthorityHosts: a non-Microsoft authority is refused until the user trusts it; a workspace cannot trust it', async () => {
    const file = writeFile('settings-authority.odata', '@environment = settings-authority\n\n### Custom authority\nGET things\n');
    const refusal =
      `Could not get a token for settings-authority: The sign-in settings of settings-authority need a change: "settings-authority": auth.authorityHost ${AUTHORITY} is not a Microsoft sign-in host. ` +
      `To sign in there (ADFS, a test authority), add "${AUTHORITY}" to the user setting "dynamicsOData.trustedAuthorityHosts" (a workspace cannot set it). Sign in again.`;
    const refused = await send(file);
    assert.equal(refused.failure, 'signIn', refused.message);
    assert.equal(refused.message, refusal);

    // The workspace's own settings naming the host change nothing (the setting is machine-scoped and read from the user's level).
    const withWorkspaceTrust = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    withWorkspaceTrust['dynamicsOData.trustedAuthorityHosts'] = [AUTHORITY];
    withWorkspaceTrust['dynamicsOData.checkAgainst'] = ['settings-marker'];
    const saved = fs.readFileSync(settingsFile, 'utf8');
    fs.writeFileSync(settingsFile, JSON.stringify(withWorkspaceTrust, null, 2));
    try {
      // checkAgainst is a marker: once it is read back, so is the rest of the file.
      await waitFor('the workspace settings file read again', () => (vscode.workspace.getConfiguration('dynamicsOData').get<string[]>('checkAgainst')?.includes('settings-marker') ? true : undefined));
      const stillRefused = await send(file);
      assert.equal(stillRefused.message, refusal, 'a workspace cannot trust an authority');
    } finally {
      fs.writeFileSync(settingsFile, saved);
      await waitFor('the workspace settings file restored', () => (vscode.workspace.getConfiguration('dynamicsOData').get<string[]>('checkAgainst')?.length ? undefined : true));
    }

    await updateSetting('trustedAuthorityHosts', [AUTHORITY], vscode.ConfigurationTarget.Global);
    try {
      const accepted = await send(file);
      assert.equal(accepted.failure, 'signIn', accepted.message);
      assert.equal(accepted.message, 'Sign in to settings-authority: you are not signed in (run "Dynamics OData: Sign In").', 'the settings are accepted: what is missing now is a sign-in');
    } finally {
      await updateSetting('trustedAuthorityHosts', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal(receivedUnder('/authority/').length, 0, 'nothing is sent without a token');
  });
});
