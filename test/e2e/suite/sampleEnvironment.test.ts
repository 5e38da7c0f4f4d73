import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor, workspaceFolder } from './helpers';

interface SnapshotNode {
  label: string;
  contextValue?: string;
  children?: SnapshotNode[];
}

suite('the bundled sample environment', () => {
  let settingsFile = '';
  let original = '';

  suiteSetup(async () => {
    settingsFile = path.join(workspaceFolder().fsPath, '.vscode', 'settings.json');
    original = fs.readFileSync(settingsFile, 'utf8');
    // A workspace with no environment configured, as a new user has.
    fs.writeFileSync(settingsFile, '{}\n');
    await waitFor('no environment in the settings', () =>
      vscode.workspace.getConfiguration('dynamicsOData').get<unknown[]>('environments', []).length === 0 ? true : undefined,
    );
  });

  suiteTeardown(async () => {
    fs.writeFileSync(settingsFile, original);
    await waitFor('the original workspace settings', () =>
      vscode.workspace.getConfiguration('dynamicsOData').get<unknown[]>('environments', []).length > 0 ? true : undefined,
    );
  });

  test('with nothing configured, the sample is in the tree and a new .odata document is checked against it', async () => {
    await waitFor('the dataverse-sample environment ready in the tree', async () => {
      const nodes = await vscode.commands.executeCommand<SnapshotNode[]>('dynamicsOData.explorer.snapshot', ['dataverse-sample']);
      const sample = nodes?.find((node) => node.label === 'dataverse-sample');
      return sample?.contextValue === 'environment.ready' && sample.children?.some((child) => child.label === 'accounts') ? true : undefined;
    });
    const document = await vscode.workspace.openTextDocument({ language: 'odata', content: 'GET accounts?$select=nmae\n' });
    const diagnostics = await waitFor('a diagnostic from the sample metadata', () => {
      const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.code === 'unknown-property');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(document.getText(diagnostics[0].range), 'nmae');
    assert.match(diagnostics[0].message, /Did you mean 'name'/);
  });
});
