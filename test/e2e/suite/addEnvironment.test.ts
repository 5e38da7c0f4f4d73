import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from './helpers';

interface SnapshotNode {
  label: string;
  description?: string;
  contextValue?: string;
  children?: SnapshotNode[];
}

/** The sample service the runner started (runExtensionTests.mjs): from the environment, or the file it wrote next to the suite. */
function sampleServiceRoot(): string | undefined {
  if (process.env.E2E_SAMPLE_SERVICE_ROOT) return process.env.E2E_SAMPLE_SERVICE_ROOT;
  try {
    return fs.readFileSync(path.join(__dirname, '..', 'sample-service-root.txt'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

suite('add environment and download its metadata', () => {
  const NAME = 'downloaded';
  let settingsFile = '';
  let original: string | undefined;

  suiteSetup(() => {
    // The runner starts the sample service and fails the run when it cannot: never a silent skip.
    assert.ok(sampleServiceRoot(), 'the sample OData service root is not known: runExtensionTests.mjs should have started it');
    settingsFile = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.vscode', 'settings.json');
    original = fs.readFileSync(settingsFile, 'utf8');
  });

  suiteTeardown(async () => {
    // Put the fixture workspace's settings back byte for byte, and wait until VS Code has read them.
    if (original === undefined) return;
    fs.writeFileSync(settingsFile, original);
    await waitFor('the original workspace settings', () => {
      const environments = vscode.workspace.getConfiguration('dynamicsOData').get<{ name: string }[]>('environments', []);
      return environments.some((env) => env.name === NAME || env.name === 'bc-local') ? undefined : true;
    });
  });

  test('"Add Environment" saves the environment without a metadata file, downloads $metadata, and the tree shows it', async () => {
    const root = sampleServiceRoot()!;
    const result = await vscode.commands.executeCommand<{ environment: Record<string, unknown>; target: string; outcome: { status: string; message: string; file?: string } }>(
      'dynamicsOData.addEnvironment',
      { url: root, name: NAME, flavor: 'dataverse', production: false, target: 'workspace' },
    );
    assert.ok(result, 'the command returns what it did');
    assert.equal(result.outcome.status, 'updated', result.outcome.message);
    assert.deepEqual(result.environment, { name: NAME, flavor: 'dataverse', url: root });
    assert.ok(result.outcome.file && fs.existsSync(result.outcome.file), 'metadata.xml in the global storage');
    assert.match(fs.readFileSync(result.outcome.file, 'utf8'), /EntitySet Name="accounts"/);
    assert.ok(fs.existsSync(path.join(path.dirname(result.outcome.file), 'info.json')));

    const saved = vscode.workspace.getConfiguration('dynamicsOData').inspect<Record<string, unknown>[]>('environments')?.workspaceValue ?? [];
    const entry = saved.find((env) => env.name === NAME);
    assert.deepEqual(entry, { name: NAME, flavor: 'dataverse', url: root }, 'no metadataFile, no secret in settings');
    assert.ok(saved.some((env) => env.name === 'sample'), 'the existing environment is kept');

    const tree = await waitFor('the downloaded environment ready in the tree', async () => {
      const nodes = await vscode.commands.executeCommand<SnapshotNode[]>('dynamicsOData.explorer.snapshot', [NAME]);
      const node = nodes.find((candidate) => candidate.label === NAME);
      return node?.contextValue === 'environment.ready' && node.children?.some((child) => child.label === 'accounts') ? node : undefined;
    });
    assert.match(tree.description ?? '', /Dataverse · \d+ entity sets/);
  });

  test('"Refresh Metadata" downloads again (or keeps it when unchanged)', async () => {
    const outcome = await vscode.commands.executeCommand<{ status: string; message: string }>('dynamicsOData.refreshMetadata', NAME);
    assert.ok(outcome && (outcome.status === 'updated' || outcome.status === 'unchanged'), outcome?.message);
  });

  test('a Business Central environment chooses its company and stores it as the {{company}} variable', async () => {
    const result = await vscode.commands.executeCommand<{ outcome: { status: string; message: string }; company?: { id: string; name: string } }>(
      'dynamicsOData.addEnvironment',
      { url: sampleServiceRoot(), name: 'bc-local', flavor: 'bc', production: false, target: 'workspace', company: 'CRONUS USA, Inc.' },
    );
    assert.ok(result, 'the command returns what it did');
    assert.ok(['updated', 'unchanged'].includes(result.outcome.status), result.outcome.message);
    assert.deepEqual(result.company && { id: result.company.id, name: result.company.name }, { id: '9c4f2ddc-9e75-ea11-bbf0-000d3a38a583', name: 'CRONUS USA' });
    const saved = vscode.workspace.getConfiguration('dynamicsOData').inspect<{ name: string; variables?: Record<string, string> }[]>('environments')?.workspaceValue ?? [];
    assert.deepEqual(saved.find((env) => env.name === 'bc-local')?.variables, { company: '9c4f2ddc-9e75-ea11-bbf0-000d3a38a583' });
  });

  test('a second environment with the same name is refused', async () => {
    const result = await vscode.commands.executeCommand('dynamicsOData.addEnvironment', { url: sampleServiceRoot(), name: NAME, flavor: 'generic', production: false, target: 'workspace' });
    assert.equal(result, undefined);
  });
});
