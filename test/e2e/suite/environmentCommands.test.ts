import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from './helpers';

interface Stored {
  name: string;
  url: string;
  flavor?: string;
  production?: boolean;
}

function workspaceEnvironments(): Stored[] {
  return vscode.workspace.getConfiguration('dynamicsOData').inspect<Stored[]>('environments')?.workspaceValue ?? [];
}

suite('edit, rename, switch and remove environments', () => {
  let settingsFile = '';
  let original = '';
  const odataFile = (): string => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'rename-me.odata');

  suiteSetup(async () => {
    settingsFile = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.vscode', 'settings.json');
    original = fs.readFileSync(settingsFile, 'utf8');
    fs.writeFileSync(odataFile(), '@environment = edit-me\n### one\nGET accounts?$top=1\n');
    const environments = [...workspaceEnvironments(), { name: 'edit-me', flavor: 'generic', url: 'https://example.invalid/odata/' }];
    await vscode.workspace.getConfiguration('dynamicsOData').update('environments', environments, vscode.ConfigurationTarget.Workspace);
  });

  suiteTeardown(async () => {
    fs.rmSync(odataFile(), { force: true });
    fs.writeFileSync(settingsFile, original);
    await waitFor('the original workspace settings', () => (workspaceEnvironments().some((env) => env.name.startsWith('edit-me') || env.name === 'renamed') ? undefined : true));
  });

  test('edit marks an environment as production and changes its URL through detection', async () => {
    assert.equal(await vscode.commands.executeCommand('dynamicsOData.editEnvironment', 'edit-me', { production: true, url: 'https://contoso.crm.dynamics.com' }), true);
    const entry = workspaceEnvironments().find((env) => env.name === 'edit-me');
    assert.deepEqual(entry, { name: 'edit-me', flavor: 'generic', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', production: true });
    assert.equal(await vscode.commands.executeCommand('dynamicsOData.editEnvironment', 'edit-me', { production: false }), true);
    assert.equal(workspaceEnvironments().find((env) => env.name === 'edit-me')?.production, undefined, 'unmarking removes the field');
  });

  test('rename refuses a taken name, then renames and rewrites @environment lines', async () => {
    assert.equal(await vscode.commands.executeCommand('dynamicsOData.renameEnvironment', 'edit-me', 'sample', false), undefined);
    assert.ok(workspaceEnvironments().some((env) => env.name === 'edit-me'), 'nothing changed');
    assert.equal(await vscode.commands.executeCommand('dynamicsOData.renameEnvironment', 'edit-me', 'renamed', true), 'renamed');
    const names = workspaceEnvironments().map((env) => env.name);
    assert.ok(names.includes('renamed') && !names.includes('edit-me'), names.join(', '));
    const document = await vscode.workspace.openTextDocument(odataFile());
    assert.match(document.getText(), /^@environment = renamed$/m);
    // The rewrite leaves the file modified but unsaved, as VS Code's own renames do: save it so that teardown's
    // delete is the end of it.
    assert.ok(await document.save());
  });

  test('switch sets the default environment; remove takes it out and clears the default', async () => {
    assert.equal(await vscode.commands.executeCommand('dynamicsOData.switchEnvironment', 'renamed'), 'renamed');
    assert.equal(vscode.workspace.getConfiguration('dynamicsOData').get('defaultEnvironment'), 'renamed');
    assert.equal(await vscode.commands.executeCommand('dynamicsOData.removeEnvironment', 'renamed', true), true);
    assert.ok(!workspaceEnvironments().some((env) => env.name === 'renamed'));
    assert.notEqual(vscode.workspace.getConfiguration('dynamicsOData').get('defaultEnvironment'), 'renamed');
    assert.ok(workspaceEnvironments().some((env) => env.name === 'sample'), 'the other environments are kept');
  });
});
