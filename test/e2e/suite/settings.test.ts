// Each client-side `dynamicsOData.*` setting taking effect through the real path (issue 13, item 9): the test changes
// it as a user does (`WorkspaceConfiguration.update`, user level for the machine-scoped one), runs the runner's real
// commands against a service of its own on 127.0.0.1 (security/attackerServer.ts, the tests' scripted service: it answers late or
// large on demand), observes the effect, and puts the setting back. The settings sent to the language server
// (name, url, flavor, metadataFile, variables, defaultEnvironment, checkAgainst) are proved over stdio in
// test/integration; csvNeutralizeFormulas and checkAgainst also have their own extension-host tests
// (trustRunner.test.ts, drift.test.ts).
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import selfsigned from 'selfsigned';
import * as vscode from 'vscode';
import type { SendSummary } from '../../../client/src/features/runner/runnerCommands';
import { startAttackerServer, type AttackerServer } from '../../security/attackerServer';
import { EXTENSION_ID, updateSetting, waitFor } from './helpers';

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
const BC_METADATA = '../../fixtures/metadata/bc-sample.xml';
const COMPANY = '9c4f2ddc-9e75-ea11-bbf0-000d3a38a583';
const NOT_SIGNED_IN = (name: string): string => `Sign in to ${name}: you are not signed in (run "Dynamics OData: Sign In").`;

function bigAnswer(): unknown {
  return { value: Array.from({ length: BIG_ROWS }, (_, n) => ({ n, text: `row ${n} `.padEnd(480, 'x') })) };
}

suite('settings take effect in the extension host (issue 13, item 9)', () => {
  let service: AttackerServer;
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
  /** Puts `entry` in place of the workspace's environment of the same name (as the user editing settings.json). */
  const setEnvironment = async (entry: { name: string } & Record<string, unknown>): Promise<void> => {
    const current = vscode.workspace.getConfiguration('dynamicsOData').inspect<Array<{ name: string }>>('environments')?.workspaceValue ?? [];
    await updateSetting('environments', [...current.filter((env) => env.name !== entry.name), entry]);
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
    service = await startAttackerServer((request) => {
      if (request.url.endsWith('/$metadata')) return { xml: fs.readFileSync(path.join(workspace, BC_METADATA), 'utf8') };
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
      `To sign in there (ADFS, a test authority), add "${AUTHORITY}" to the user setting "dynamicsOData.trustedAuthorityHosts" (in a remote window — SSH, WSL, a container, Codespaces — the Remote settings; a workspace cannot set it). Sign in again.`;
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
  test('environments[].variables: a Business Central {{company}} gives no diagnostic in the editor, is sent by the runner, and a change of it is sent next', async () => {
    await setEnvironment({ name: 'settings-bc', flavor: 'bc', url: `${service.url}/bc/`, metadataFile: BC_METADATA, variables: { company: COMPANY } });
    const file = writeFile(
      'settings-variables.odata',
      '@environment = settings-bc\n\n### Customers of the company\nGET companies({{company}})/customers?$top=2\n\n### Defined nowhere\nGET companies({{nope}})/customers\n',
    );
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    // The undefined one is there to know the file was checked; company, defined by the environment, must not be flagged
    // (the language server gets the environments by a notification of its own: its first look may come before them).
    let diagnostics: vscode.Diagnostic[] = [];
    await waitFor('nope flagged and company not', () => {
      diagnostics = vscode.languages.getDiagnostics(file);
      return diagnostics.some((d) => d.message.startsWith("Unknown variable 'nope'")) && !diagnostics.some((d) => /company/.test(d.message)) ? true : undefined;
    }, 20_000).catch(() => undefined);
    assert.ok(diagnostics.some((d) => d.message.startsWith("Unknown variable 'nope'")), diagnostics.map((d) => d.message).join(' | '));
    assert.deepEqual(diagnostics.filter((d) => /company/.test(d.message)).map((d) => d.message), [], 'company is defined by the environment');
    const sent = await send(file, 0);
    assert.equal(sent.status, 200, sent.message);
    assert.deepEqual(receivedUnder('/bc/'), [`/bc/companies(${COMPANY})/customers?$top=2`]);

    const other = '11111111-2222-3333-4444-555555555555';
    await setEnvironment({ name: 'settings-bc', flavor: 'bc', url: `${service.url}/bc/`, metadataFile: BC_METADATA, variables: { company: other } });
    assert.equal((await send(file, 0)).status, 200);
    assert.equal(receivedUnder('/bc/').at(-1), `/bc/companies(${other})/customers?$top=2`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('environments[].flavor and auth.method: who must sign in before a request leaves', async () => {
    const file = writeFile('settings-who.odata', '@environment = settings-who\n\n### Who signs in\nGET things\n');
    const url = 'https://settings-who.invalid/odata/';
    // Dataverse without an auth object signs in interactively: nothing is sent without a token.
    await setEnvironment({ name: 'settings-who', flavor: 'dataverse', url });
    const dataverse = await send(file);
    assert.equal(dataverse.failure, 'signIn', dataverse.message);
    assert.equal(dataverse.message, NOT_SIGNED_IN('settings-who'));
    // A generic service needs no sign-in: the request goes out (and finds no such host).
    await setEnvironment({ name: 'settings-who', flavor: 'generic', url });
    const generic = await send(file);
    assert.equal(generic.failure, 'dns', generic.message);
    assert.match(generic.message ?? '', /^Could not find host settings-who\.invalid/);
    // auth.method "none" on Dataverse: no sign-in either.
    await setEnvironment({ name: 'settings-who', flavor: 'dataverse', url, auth: { method: 'none' } });
    assert.equal((await send(file)).failure, 'dns');
    // And "interactive" on a service on this machine, which would need none by default.
    await setEnvironment({ name: 'settings-who', flavor: 'dataverse', url: `${service.url}/who/` });
    assert.equal((await send(file)).status, 200);
    await setEnvironment({ name: 'settings-who', flavor: 'dataverse', url: `${service.url}/who/`, auth: { method: 'interactive' } });
    assert.equal((await send(file)).message, NOT_SIGNED_IN('settings-who'));
    assert.deepEqual(receivedUnder('/who/'), ['/who/things'], 'only the request without a sign-in reached the service');
    assert.equal(service.received.find((request) => request.url === '/who/things')?.headers.authorization, undefined);
  });

  test('environments[].auth.tenant and auth.clientId: an app sign-in needs both, each refusal says which', async () => {
    const file = writeFile('settings-app.odata', '@environment = settings-app\n\n### App sign-in\nGET things\n');
    const entry = { name: 'settings-app', flavor: 'dataverse', url: `${service.url}/app/` };
    const tenantProblem = '"settings-app": auth.tenant: an app signing in with a client secret needs the tenant id or domain, not "organizations".';
    const clientProblem = '"settings-app": auth.clientId: set the application (client) id of your app registration; the default public client cannot use a client secret.';
    await setEnvironment({ ...entry, auth: { method: 'clientSecret' } });
    const neither = await send(file);
    assert.equal(neither.failure, 'signIn');
    assert.ok(neither.message?.includes(tenantProblem) && neither.message.includes(clientProblem), neither.message);
    await setEnvironment({ ...entry, auth: { method: 'clientSecret', tenant: 'contoso.onmicrosoft.com' } });
    const noClient = await send(file);
    assert.ok(!noClient.message?.includes(tenantProblem) && noClient.message?.includes(clientProblem), noClient.message);
    await setEnvironment({ ...entry, auth: { method: 'clientSecret', tenant: 'contoso.onmicrosoft.com', clientId: '0c0ffee0-1111-2222-3333-444444444444' } });
    const settled = await send(file);
    assert.equal(settled.message, 'Sign in to settings-app: no client secret is stored for it; run "Dynamics OData: Set Client Secret".');
    assert.deepEqual(receivedUnder('/app/'), []);
  });

  test('environments[].auth.cloud: a Business Central token is for its cloud\'s API host only', async () => {
    const file = writeFile('settings-cloud.odata', '@environment = settings-cloud\n\n### Cloud\nGET companies\n');
    const entry = { name: 'settings-cloud', flavor: 'bc', url: `${service.url}/cloud/`, metadataFile: BC_METADATA };
    await setEnvironment({ ...entry, auth: { method: 'interactive' } });
    const publicCloud = await send(file);
    assert.equal(publicCloud.failure, 'signIn');
    assert.match(publicCloud.message ?? '', /"settings-cloud" is a Business Central environment, but its service root http:\/\/127\.0\.0\.1:\d+ is not the Business Central API \(https:\/\/api\.businesscentral\.dynamics\.com\/v2\.0\/\{tenant\}\/\{environment\}\/api\/v2\.0\/\)/);
    // In a cloud without a fixed Business Central API host the token is for the service root: accepted, not signed in yet.
    await setEnvironment({ ...entry, auth: { method: 'interactive', cloud: 'china' } });
    assert.equal((await send(file)).message, NOT_SIGNED_IN('settings-cloud'));
    await setEnvironment({ ...entry, auth: { method: 'interactive', cloud: 'mars' } });
    assert.match((await send(file)).message ?? '', /"settings-cloud": auth\.cloud "mars" is not one of public, usgov, usgovhigh, dod, china\./);
  });

  test('environments[].auth.certificatePath and certificateThumbprint: the file is read and its thumbprint checked', async () => {
    const file = writeFile('settings-certificate.odata', '@environment = settings-certificate\n\n### Certificate\nGET things\n');
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'settings-certificate' }], { keySize: 2048, algorithm: 'sha256' });
    const pem = path.join(workspace, 'settings-certificate.pem');
    fs.writeFileSync(pem, `${pems.private}\n${pems.cert}`);
    files.push(pem);
    const sha1 = new X509Certificate(pems.cert).fingerprint.replace(/:/g, '');
    const auth = { method: 'certificate', tenant: 'contoso.onmicrosoft.com', clientId: '0c0ffee0-1111-2222-3333-444444444444' };
    const entry = { name: 'settings-certificate', flavor: 'dataverse', url: `${service.url}/certificate/` };
    const missing = path.join(workspace, 'settings-no-such.pem');
    await setEnvironment({ ...entry, auth: { ...auth, certificatePath: missing } });
    assert.match((await send(file)).message ?? '', new RegExp(`the certificate file ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be read \\(ENOENT\\); check auth\\.certificatePath\\.`));
    const wrong = '0'.repeat(40);
    await setEnvironment({ ...entry, auth: { ...auth, certificatePath: pem, certificateThumbprint: wrong } });
    const mismatch = await send(file);
    assert.equal(mismatch.failure, 'signIn');
    assert.ok(mismatch.message?.includes(`the certificate in ${pem} has thumbprint ${sha1} (SHA-1), not ${wrong}; fix auth.certificateThumbprint or the file.`), mismatch.message);
    assert.deepEqual(receivedUnder('/certificate/'), []);
  });
  test('environments[].metadataFile: without one the metadata is downloaded from the url; with one, Refresh Metadata reloads the file and downloads nothing', async () => {
    const downloads = (): number => service.received.filter((request) => request.url === '/download/$metadata').length;
    const entry = { name: 'settings-download', flavor: 'bc', url: `${service.url}/download/` };
    await setEnvironment(entry);
    // A new environment without a file is downloaded on its first need (now), and again on Refresh Metadata.
    await waitFor('the first download of its $metadata', () => (downloads() === 1 ? true : undefined));
    const refresh = (): Thenable<{ status: string; message: string } | undefined> => vscode.commands.executeCommand('dynamicsOData.refreshMetadata', 'settings-download');
    // The first Refresh may join the download still under way; the next one, after it, downloads again.
    await refresh();
    const settled = downloads();
    const refreshed = await refresh();
    assert.notEqual(refreshed?.status, 'failed', refreshed?.message);
    assert.equal(downloads(), settled + 1, 'Refresh Metadata downloaded the environment\'s $metadata');
    await setEnvironment({ ...entry, metadataFile: BC_METADATA });
    const reloaded = await vscode.commands.executeCommand<unknown>('dynamicsOData.refreshMetadata', 'settings-download');
    assert.equal(reloaded, undefined, 'reloaded from the file: no download outcome');
    assert.equal(downloads(), settled + 1, 'nothing downloaded for an environment with a metadata file');
    // None of this suite's environments with a file was ever downloaded.
    assert.deepEqual(service.received.filter((request) => request.url.endsWith('$metadata') && !request.url.startsWith('/download/') && !request.url.startsWith('/who/') && !request.url.startsWith('/app/') && !request.url.startsWith('/certificate/')).map((request) => request.url), []);
  });
  test('runner.timeoutSeconds and defaultEnvironment also govern the agents\' run_query tool', async () => {
    const runQuery = async (): Promise<string> => {
      const result = await vscode.lm.invokeTool('dynamicsOData_run_query', { input: { query: 'accounts?$top=1' }, toolInvocationToken: undefined });
      return result.content.map((part) => (part as { value?: unknown }).value).filter((value): value is string => typeof value === 'string').join('');
    };
    const before = await updateSetting('defaultEnvironment', 'settings-slow');
    try {
      await updateSetting('runner.timeoutSeconds', 1);
      try {
        const stopped = await runQuery();
        assert.match(stopped, /on 'settings-slow' failed \(timeout\): No complete answer from 127\.0\.0\.1:\d+ within 1 s:/);
      } finally {
        await updateSetting('runner.timeoutSeconds', undefined);
      }
      const answered = await runQuery();
      assert.match(answered, /on 'settings-slow': 200 OK\./);
      assert.match(answered, /late/, 'the late answer\'s row');
      assert.equal(receivedUnder('/slow/').filter((url) => url.startsWith('/slow/accounts')).length, 2);
    } finally {
      await updateSetting('defaultEnvironment', before);
    }
  });
});
