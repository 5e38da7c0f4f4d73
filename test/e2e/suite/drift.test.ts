import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from './helpers';

interface Change {
  change: string;
  kind: string;
  path: string;
  breaking: boolean;
}
interface Group {
  title: string;
  entitySet?: string;
  changes: Change[];
}
interface Compared {
  from: string;
  to: string;
  groups: Group[];
  summary: { added: number; removed: number; changed: number; breaking: number; total: number };
}

// A second environment whose metadata lags behind the sample's: account/telephone1 was never deployed there, and it
// has a column the sample lacks.
suite('schema drift: Compare Environments and checkAgainst', () => {
  let settingsFile = '';
  let original = '';
  const folder = (): string => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const prodMetadata = (): string => path.join(folder(), 'drift-prod.xml');
  const queryFile = (): string => path.join(folder(), 'drift.odata');

  suiteSetup(async () => {
    settingsFile = path.join(folder(), '.vscode', 'settings.json');
    original = fs.readFileSync(settingsFile, 'utf8');
    const sample = fs.readFileSync(path.join(folder(), '..', '..', 'fixtures', 'metadata', 'dataverse-sample.xml'), 'utf8');
    const telephone = /<Property Name="telephone1"[^>]*>[\s\S]*?<\/Property>/.exec(sample)![0];
    fs.writeFileSync(prodMetadata(), sample.replace(telephone, '<Property Name="new_region" Type="Edm.String" />'));
    fs.writeFileSync(queryFile(), '@environment = sample\n### phone\nGET accounts?$select=name,telephone1\n');
    const config = vscode.workspace.getConfiguration('dynamicsOData');
    const environments = config.inspect<object[]>('environments')?.workspaceValue ?? [];
    await config.update(
      'environments',
      [...environments, { name: 'drift-prod', flavor: 'dataverse', url: 'https://drift-prod.crm.dynamics.com/api/data/v9.2/', metadataFile: 'drift-prod.xml' }],
      vscode.ConfigurationTarget.Workspace,
    );
  });

  suiteTeardown(async () => {
    // "Show in Explorer" filtered the explorer to an entity set: the next suites expect the whole tree.
    await vscode.commands.executeCommand('dynamicsOData.explorer.clearFilter');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(prodMetadata(), { force: true });
    fs.rmSync(queryFile(), { force: true });
    fs.writeFileSync(settingsFile, original);
    await waitFor('the original workspace settings', () =>
      vscode.workspace.getConfiguration('dynamicsOData').get<unknown[]>('checkAgainst')?.length ? undefined : true,
    );
  });

  test('Compare Environments lists the differences grouped by entity set, filters to breaking, opens as Markdown', async () => {
    const result = await waitFor('a comparison of sample and drift-prod', async () =>
      await vscode.commands.executeCommand<Compared | undefined>('dynamicsOData.compareEnvironments', 'sample', 'drift-prod'),
    );
    assert.equal(result.from, 'sample');
    assert.equal(result.to, 'drift-prod');
    const accounts = result.groups.find((group) => group.entitySet === 'accounts');
    assert.ok(accounts, result.groups.map((group) => group.title).join(', '));
    assert.deepEqual(
      accounts.changes.map((c) => `${c.change} ${c.path} ${c.breaking}`).sort(),
      ['added account/new_region false', 'removed account/telephone1 true'],
    );
    assert.equal(result.summary.breaking, 1);

    const breaking = await vscode.commands.executeCommand<Group[]>('dynamicsOData.drift.breakingOnly');
    assert.deepEqual(breaking.flatMap((group) => group.changes.map((c) => c.path)), ['account/telephone1']);
    const all = await vscode.commands.executeCommand<Group[]>('dynamicsOData.drift.allChanges');
    assert.equal(all.flatMap((group) => group.changes).length, 2);

    const shown = await vscode.commands.executeCommand<boolean>('dynamicsOData.drift.showInExplorer', { kind: 'group', group: accounts });
    assert.equal(shown, true, 'an entity set group jumps to the explorer');

    const document = await vscode.commands.executeCommand<vscode.TextDocument>('dynamicsOData.drift.openMarkdown');
    assert.equal(document.languageId, 'markdown');
    assert.match(document.getText(), /^# Schema differences: sample → drift-prod$/m);
    assert.match(document.getText(), /\*\*breaking\*\* removed property `account\/telephone1`/);
  });

  test('dynamicsOData.checkAgainst: a query valid in its environment says where it fails', async () => {
    await vscode.workspace.getConfiguration('dynamicsOData').update('checkAgainst', ['drift-prod'], vscode.ConfigurationTarget.Workspace);
    const document = await vscode.workspace.openTextDocument(queryFile());
    await vscode.window.showTextDocument(document);
    const diagnostic = await waitFor('a diagnostic naming drift-prod', () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => d.message.startsWith('valid in sample; in drift-prod:')),
    );
    assert.equal(document.getText(diagnostic.range), 'telephone1');
  });
});
