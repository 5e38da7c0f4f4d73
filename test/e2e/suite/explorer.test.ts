import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor } from './helpers';

interface SnapshotNode {
  label: string;
  description?: string;
  contextValue?: string;
  icon?: string;
  children?: SnapshotNode[];
}

const snapshot = (expand: string[]): Thenable<SnapshotNode[]> => vscode.commands.executeCommand<SnapshotNode[]>('dynamicsOData.explorer.snapshot', expand);

function find(nodes: SnapshotNode[] | undefined, label: string): SnapshotNode | undefined {
  return nodes?.find((node) => node.label === label);
}

suite('explorer tree', () => {
  test('shows the sample environment -> accounts -> its key, properties and navigation properties', async () => {
    // The command activates the extension; the tree asks the language server, which loads the metadata.
    const tree = await waitFor('the sample environment ready in the tree', async () => {
      const nodes = await snapshot(['sample', 'accounts', 'Properties', 'Navigation properties']);
      const sample = find(nodes, 'sample');
      return sample?.contextValue === 'environment.ready' && find(sample.children, 'accounts') ? nodes : undefined;
    });
    const sample = find(tree, 'sample')!;
    assert.equal(sample.icon, 'database');
    assert.match(sample.description ?? '', /Dataverse · \d+ entity sets/);
    assert.ok(find(sample.children, 'Actions and functions'), 'the unbound operations folder');
    const accounts = find(sample.children, 'accounts')!;
    assert.equal(accounts.contextValue, 'entitySet');
    assert.equal(accounts.icon, 'table');
    const accountid = find(accounts.children, 'accountid');
    assert.deepEqual({ ...accountid }, { label: 'accountid', description: 'Edm.Guid', contextValue: 'key', icon: 'key' });
    const properties = find(accounts.children, 'Properties');
    assert.ok(find(properties?.children, 'name'), 'the name property');
    const lookup = find(properties?.children, '_primarycontactid_value');
    assert.equal(lookup?.description, 'Edm.Guid? → primarycontactid');
    const navigation = find(accounts.children, 'Navigation properties');
    const primarycontactid = find(navigation?.children, 'primarycontactid');
    assert.equal(primarycontactid?.description, '→ contacts');
    assert.equal(primarycontactid?.icon, 'references');
  });

  test('the filter narrows the entity sets (name or type), and clearing it brings them back', async () => {
    await vscode.commands.executeCommand('dynamicsOData.explorer.filter', 'CONTACT');
    try {
      const filtered = find(await snapshot(['sample']), 'sample')?.children ?? [];
      const names = filtered.filter((node) => node.contextValue === 'entitySet').map((node) => node.label);
      assert.deepEqual(names, ['contacts']);
      assert.equal(find(filtered, 'Actions and functions'), undefined, 'the operations folder hides while filtering');
    } finally {
      await vscode.commands.executeCommand('dynamicsOData.explorer.clearFilter');
    }
    const all = find(await snapshot(['sample']), 'sample')?.children ?? [];
    assert.ok(all.filter((node) => node.contextValue === 'entitySet').length >= 10);
  });

  test('"New query on this entity set" opens a runnable .odata request', async () => {
    const node = {
      kind: 'entitySet',
      environment: { name: 'sample', flavor: 'dataverse', url: 'https://sample.crm.dynamics.com/api/data/v9.2/', state: 'ready' },
      entitySet: { name: 'accounts', entityType: 'Microsoft.Dynamics.CRM.account', kind: 'EntitySet' },
    };
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('dynamicsOData.explorer.newQuery', node);
    assert.ok(document, 'a document opened');
    assert.equal(document.languageId, 'odata');
    const text = document.getText();
    assert.match(text, /^@environment = sample\n\n### accounts\nGET accounts\?\$select=accountid,[a-z0-9_,]+&\$top=10\n$/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
