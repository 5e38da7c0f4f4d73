// Workspace trust in the extension host: a workspace environment's first metadata download asks the user (the
// modal question answered here by replacing VS Code's showWarningMessage for this suite), the answer is remembered,
// the explorer marks the environment as the workspace's, and a workspace entry cannot clear the user's production
// flag. Restricted Mode itself cannot be entered here (the harness opens a trusted folder): test/security/
// workspaceTrust.test.ts drives the same gate (network/networkGate.ts) with the workspace untrusted.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SendSummary } from '../../../client/src/features/runner/runnerCommands';
import { EXTENSION_ID, waitFor } from './helpers';

interface SnapshotNode {
  label: string;
  description?: string;
  children?: SnapshotNode[];
}

function sampleServiceRoot(): string {
  const root = process.env.E2E_SAMPLE_SERVICE_ROOT ?? fs.readFileSync(path.join(__dirname, '..', 'sample-service-root.txt'), 'utf8').trim();
  assert.ok(root, 'runExtensionTests.mjs starts the sample service');
  return root;
}

type Warning = (message: string, ...rest: unknown[]) => Thenable<unknown>;

suite('workspace trust', () => {
  const questions: Array<{ message: string; detail?: string }> = [];
  const original = vscode.window.showWarningMessage as unknown as Warning;
  let settingsFile = '';
  let savedSettings = '';

  suiteSetup(async () => {
    // Active before the settings change, so that adding an environment starts its download.
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    settingsFile = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.vscode', 'settings.json');
    savedSettings = fs.readFileSync(settingsFile, 'utf8');
    // The person at the modal questions: "Do Not Connect" to a workspace-only host, "no" to a production write.
    (vscode.window as { showWarningMessage: Warning }).showWarningMessage = (message: string, ...rest: unknown[]) => {
      const options = rest[0] as { modal?: boolean; detail?: string } | undefined;
      if (options?.modal && message.startsWith('Connect to ')) {
        questions.push({ message, detail: options.detail });
        return Promise.resolve('Do Not Connect');
      }
      if (options?.modal && message.includes('is a production environment')) {
        questions.push({ message, detail: options.detail });
        return Promise.resolve(undefined);
      }
      return original(message, ...rest);
    };
  });

  suiteTeardown(async () => {
    (vscode.window as { showWarningMessage: Warning }).showWarningMessage = original;
    await vscode.workspace.getConfiguration('dynamicsOData').update('environments', undefined, vscode.ConfigurationTarget.Global);
    fs.writeFileSync(settingsFile, savedSettings);
    await waitFor('the original workspace settings', () => {
      const names = vscode.workspace.getConfiguration('dynamicsOData').get<{ name: string }[]>('environments', []).map((env) => env.name);
      return names.includes('ws-only') || names.includes('prod-e2e') ? undefined : true;
    });
  });

  test('the harness opens a trusted workspace (Restricted Mode is covered by test/security/workspaceTrust.test.ts)', () => {
    assert.equal(vscode.workspace.isTrusted, true);
  });

  test('a workspace environment\'s first metadata download asks; "Do Not Connect" is remembered and nothing is downloaded', async () => {
    const configuration = vscode.workspace.getConfiguration('dynamicsOData');
    const current = configuration.inspect<unknown[]>('environments')?.workspaceValue ?? [];
    await configuration.update('environments', [...current, { name: 'ws-only', flavor: 'generic', url: 'https://ws-only.example/odata/' }], vscode.ConfigurationTarget.Workspace);
    // Adding it starts its download (no metadata file, no cached copy): the question comes first.
    const asked = await waitFor('the question about ws-only.example', () => questions.find((q) => q.message.includes('https://ws-only.example')));
    assert.match(asked.detail ?? '', /Only this workspace's settings name this host \(environment 'ws-only'\).*download its \$metadata/);
    const outcome = await vscode.commands.executeCommand<{ status: string; message: string }>('dynamicsOData.refreshMetadata', 'ws-only');
    assert.equal(outcome?.status, 'failed');
    assert.match(outcome?.message ?? '', /only this workspace's settings name: you chose not to connect/);
    assert.equal(questions.filter((q) => q.message.includes('ws-only.example')).length, 1, 'asked once per host');
  });

  test('the explorer marks an environment defined by the workspace\'s settings', async () => {
    const nodes = await waitFor('ws-only in the explorer', async () => {
      const all = await vscode.commands.executeCommand<SnapshotNode[]>('dynamicsOData.explorer.snapshot', []);
      return all.some((node) => node.label === 'ws-only') ? all : undefined;
    });
    assert.match(nodes.find((node) => node.label === 'ws-only')?.description ?? '', /workspace settings/);
  });

  test('a workspace entry of the same name cannot clear the user\'s production flag: a POST still asks first', async () => {
    const root = sampleServiceRoot();
    const configuration = vscode.workspace.getConfiguration('dynamicsOData');
    await configuration.update('environments', [{ name: 'prod-e2e', flavor: 'dataverse', url: root, production: true }], vscode.ConfigurationTarget.Global);
    const current = configuration.inspect<unknown[]>('environments')?.workspaceValue ?? [];
    await configuration.update('environments', [...current, { name: 'prod-e2e', flavor: 'dataverse', url: root, production: false }], vscode.ConfigurationTarget.Workspace);
    const file = vscode.Uri.file(path.join(path.dirname(settingsFile), '..', 'trust-production.odata'));
    fs.writeFileSync(file.fsPath, '@environment = prod-e2e\n\n### Create\nPOST accounts\nContent-Type: application/json\n\n{ "name": "must not be created" }\n');
    try {
      const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequestTo', { uri: file.toString(), index: 0, environment: 'prod-e2e' });
      assert.equal(summary?.cancelled, true, JSON.stringify(summary));
      assert.match(summary?.message ?? '', /production write was not confirmed/);
      assert.ok(questions.some((q) => q.message.startsWith('"prod-e2e" is a production environment')));
    } finally {
      fs.rmSync(file.fsPath, { force: true });
    }
  });
});
