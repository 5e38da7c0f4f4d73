// Running FetchXML in a real VS Code against the sample service: the "Run" CodeLens of a `.fetchxml` file (the
// file pattern selector: the `fetchxml` language comes from another branch), Run → rows in the results panel →
// Load next page (the paging cookie), a `fetchXml=` request of an `.odata` file, and the explorer's "New FetchXML
// Query on This Entity Set".
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SendSummary } from '../../../client/src/features/runner/runnerCommands';
import { waitFor } from './helpers';

const ENV = 'fetchxml-local';

interface Snapshot {
  title: string;
  httpStatus?: number;
  rowCount: number;
  columns: string[];
  hasNextLink: boolean;
  busy: boolean;
}
interface TreeNode {
  label: string;
  children?: TreeNode[];
}

function sampleServiceRoot(): string {
  const root = process.env.E2E_SAMPLE_SERVICE_ROOT ?? fs.readFileSync(path.join(__dirname, '..', 'sample-service-root.txt'), 'utf8').trim();
  assert.ok(root, 'runExtensionTests.mjs starts the sample service');
  return root;
}

const QUERY = [
  `<!-- @environment = ${ENV} -->`,
  '<fetch count="50">',
  '  <entity name="account">',
  '    <attribute name="name" />',
  '    <attribute name="revenue" />',
  '    <order attribute="name" />',
  '    <link-entity name="contact" from="contactid" to="primarycontactid" link-type="outer" alias="pc">',
  '      <attribute name="fullname" />',
  '    </link-entity>',
  '  </entity>',
  '</fetch>',
  '',
].join('\n');

suite('running FetchXML', () => {
  let workspace = '';
  let settingsFile = '';
  let original = '';
  let file: vscode.Uri;
  let odataFile: vscode.Uri;
  let metadataFile = '';

  suiteSetup(async () => {
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    settingsFile = path.join(workspace, '.vscode', 'settings.json');
    original = fs.readFileSync(settingsFile, 'utf8');
    metadataFile = path.join(workspace, 'fetchxml-local-metadata.xml');
    fs.writeFileSync(metadataFile, await (await fetch(`${sampleServiceRoot()}$metadata`)).text());
    file = vscode.Uri.file(path.join(workspace, 'accounts.fetchxml'));
    fs.writeFileSync(file.fsPath, QUERY);
    odataFile = vscode.Uri.file(path.join(workspace, 'fetchxml-request.odata'));
    const xml = '<fetch count="20"><entity name="contact"><attribute name="fullname" /><order attribute="fullname" /></entity></fetch>';
    fs.writeFileSync(odataFile.fsPath, `@environment = ${ENV}\n\n### Contacts by FetchXML\nGET contacts?fetchXml=${encodeURIComponent(xml)}\n`);
    const configuration = vscode.workspace.getConfiguration('dynamicsOData');
    const current = configuration.inspect<unknown[]>('environments')?.workspaceValue ?? [];
    await configuration.update('environments', [...current, { name: ENV, flavor: 'dataverse', url: sampleServiceRoot(), metadataFile: 'fetchxml-local-metadata.xml' }], vscode.ConfigurationTarget.Workspace);
    await waitFor(`the metadata of ${ENV} loaded by the language server`, async () => {
      const tree = await vscode.commands.executeCommand<TreeNode[]>('dynamicsOData.explorer.snapshot', [ENV]);
      const env = tree?.find((node) => node.label === ENV);
      return env?.children?.some((node) => node.label === 'accounts') ? true : undefined;
    });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const f of [file.fsPath, odataFile.fsPath, metadataFile, `${metadataFile}.odata-index.json`]) fs.rmSync(f, { force: true });
    fs.writeFileSync(settingsFile, original);
    await waitFor('the original workspace settings', () => {
      const environments = vscode.workspace.getConfiguration('dynamicsOData').get<{ name: string }[]>('environments', []);
      return environments.some((env) => env.name === ENV) ? undefined : true;
    });
  });

  test('a .fetchxml file has "Run" and "Run on…" CodeLenses on its <fetch>', async () => {
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const lenses = await waitFor('code lenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
      return found?.some((lens) => lens.command?.command === 'dynamicsOData.runFetchXml') ? found : undefined;
    });
    const run = lenses.find((lens) => lens.command?.command === 'dynamicsOData.runFetchXml')!;
    assert.equal(run.range.start.line, 1, 'on the <fetch> line');
    assert.match(run.command!.title, /Run$/);
    assert.ok(lenses.some((lens) => lens.command?.command === 'dynamicsOData.runFetchXmlOn'));
  });

  test('accounts.fetchxml has no problems against the sample service, whose $metadata names entity types by logical name', async () => {
    // A copy with a misspelt table first: its problem shows that the file is checked against this environment's
    // metadata (an empty list could otherwise be a check that has not happened yet). Then the real query: none.
    const copy = vscode.Uri.file(path.join(workspace, 'accounts-problems.fetchxml'));
    fs.writeFileSync(copy.fsPath, QUERY.replace('<entity name="account">', '<entity name="acount">'));
    try {
      const document = await vscode.workspace.openTextDocument(copy);
      await vscode.window.showTextDocument(document);
      const messages = () => vscode.languages.getDiagnostics(copy).map((d) => d.message);
      await waitFor("the problem \"Unknown table 'acount'\"", () => (messages().some((m) => /Unknown table 'acount'/.test(m)) ? true : undefined));
      const edit = new vscode.WorkspaceEdit();
      edit.replace(copy, new vscode.Range(new vscode.Position(0, 0), document.lineAt(document.lineCount - 1).range.end), QUERY);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.equal(document.getText(), QUERY);
      await waitFor('no problems in the query', () => {
        const left = messages();
        if (left.length > 0) throw new Error(`its problems: ${JSON.stringify(left)}`);
        return true;
      });
      await document.save();
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      fs.rmSync(copy.fsPath, { force: true });
    }
  });

  test('Run → rows in the results panel, with the link-entity column by alias; Load next page follows the paging cookie', async () => {
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.runFetchXml', { uri: file.toString() });
    assert.ok(summary, 'the command returns what happened');
    assert.equal(summary.failure, undefined, summary.message);
    assert.equal(summary.environment, ENV);
    assert.equal(summary.status, 200);
    assert.equal(summary.rows, 50);
    assert.equal(summary.nextLink, true, 'morerecords: a next page');
    assert.equal(summary.sentAs, 'GET');
    const first = await waitFor('the results panel', async () => {
      const snapshot = await vscode.commands.executeCommand<Snapshot | undefined>('dynamicsOData.results.snapshot');
      return snapshot?.title === 'accounts.fetchxml' && !snapshot.busy ? snapshot : undefined;
    });
    assert.equal(first.rowCount, 50);
    assert.equal(first.hasNextLink, true);
    for (const column of ['name', 'revenue', 'pc.fullname', 'accountid']) assert.ok(first.columns.includes(column), `${column} in ${first.columns.join(', ')}`);
    const second = await vscode.commands.executeCommand<Snapshot>('dynamicsOData.results.loadNextPage');
    assert.equal(second.rowCount, 100);
    assert.equal(second.hasNextLink, true);
    const target = path.join(workspace, 'fetchxml-export.json');
    try {
      const exported = await vscode.commands.executeCommand<{ rows: number }>('dynamicsOData.results.exportTo', target, 'json');
      assert.equal(exported.rows, 100);
      const rows = JSON.parse(fs.readFileSync(target, 'utf8')) as Array<{ accountid: string; name: string }>;
      assert.equal(new Set(rows.map((row) => row.accountid)).size, 100, 'page 2 repeats no row of page 1');
      const names = rows.map((row) => row.name.toLowerCase());
      assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'page 2 continues the order of page 1');
    } finally {
      fs.rmSync(target, { force: true });
    }
  });

  test('the run is in the history', async () => {
    const entries = await vscode.commands.executeCommand<Array<{ title: string; method: string; url: string; status?: number }>>('dynamicsOData.history.entries');
    const entry = entries.find((e) => e.title === 'accounts.fetchxml');
    assert.ok(entry, entries.map((e) => e.title).join(', '));
    assert.equal(entry.method, 'GET');
    assert.match(entry.url, /\/accounts\?fetchXml=%3Cfetch%20count%3D%2250%22%3E/);
    assert.equal(entry.status, 200);
  });

  test('a fetchXml= request in an .odata file has a "Run FetchXML" CodeLens and pages with the cookie', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(odataFile));
    const lenses = await waitFor('code lenses', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', odataFile);
      return found && found.length > 0 ? found : undefined;
    });
    assert.ok(lenses.some((lens) => lens.command?.command === 'dynamicsOData.sendRequest' && /Run FetchXML/.test(lens.command.title)), lenses.map((l) => l.command?.title).join(' | '));
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.sendRequest', { uri: odataFile.toString(), index: 0 });
    assert.equal(summary?.status, 200, summary?.message);
    assert.equal(summary?.rows, 20);
    assert.equal(summary?.nextLink, true);
    const next = await vscode.commands.executeCommand<Snapshot>('dynamicsOData.results.loadNextPage');
    assert.equal(next.rowCount, 40);
  });

  test('"New FetchXML Query on This Entity Set" opens a .fetchxml query that runs', async () => {
    const node = {
      kind: 'entitySet',
      environment: { name: ENV, flavor: 'dataverse', url: sampleServiceRoot(), state: 'ready' },
      entitySet: { name: 'contacts', entityType: 'Microsoft.Dynamics.CRM.contact', kind: 'EntitySet' },
    };
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('dynamicsOData.explorer.newFetchXmlQuery', node);
    assert.ok(document, 'a document opened');
    assert.match(document.uri.path, /contacts(-\d+)?\.fetchxml$/);
    const text = document.getText();
    assert.match(text, new RegExp(`^<!-- @environment = ${ENV} -->\\n<fetch count="50">\\n  <entity name="contact">\\n    <attribute name="contactid" />\\n(    <attribute name="[a-z0-9_]+" />\\n)+  </entity>\\n</fetch>\\n$`));
    const summary = await vscode.commands.executeCommand<SendSummary>('dynamicsOData.runFetchXml', { uri: document.uri.toString() });
    assert.equal(summary?.status, 200, summary?.message);
    assert.equal(summary?.rows, 50);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('an entity the metadata does not have is refused with what to check', async () => {
    const bad = vscode.Uri.file(path.join(workspace, 'unknown.fetchxml'));
    fs.writeFileSync(bad.fsPath, `<!-- @environment = ${ENV} -->\n<fetch><entity name="invoice"><attribute name="name" /></entity></fetch>\n`);
    try {
      const summary = await vscode.commands.executeCommand<{ failure?: string; message?: string }>('dynamicsOData.runFetchXml', { uri: bad.toString() });
      assert.equal(summary?.failure, 'invalidRequest');
      assert.match(summary?.message ?? '', /have an entity set for the entity "invoice"/);
    } finally {
      fs.rmSync(bad.fsPath, { force: true });
    }
  });
});
