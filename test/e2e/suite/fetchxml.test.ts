import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { completionLabels, fixture, hoverText, waitForDiagnostics } from './helpers';

/** Opens a workspace file in an editor (the shared helper expects .odata documents). */
async function openFixture(name: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(fixture(name));
  await vscode.window.showTextDocument(document);
  return document;
}

suite('fetchxml', () => {
  test('a .fetchxml file gets the fetchxml language and a diagnostic with its code and exact range', async () => {
    const document = await openFixture('check.fetchxml');
    assert.equal(document.languageId, 'fetchxml');
    const diagnostics = await waitForDiagnostics(document.uri);
    const codes = diagnostics.map((d) => String(typeof d.code === 'object' ? d.code.value : d.code));
    assert.deepEqual(codes, ['fetchxml.unknown-attribute'], JSON.stringify(diagnostics.map((d) => [d.code, d.message])));
    const [diagnostic] = diagnostics;
    // line 3: `    <attribute name="nme" />` -> "nme" is characters 21..24
    assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line, diagnostic.range.end.character], [3, 21, 3, 24]);
    assert.equal(document.getText(diagnostic.range), 'nme');
    assert.match(diagnostic.message, /Did you mean 'name'\?/);
  });

  test('completion inside a link-entity offers the linked table’s columns', async () => {
    const document = await openFixture('check.fetchxml');
    await waitForDiagnostics(document.uri);
    const line = document.lineAt(5).text;
    assert.equal(line, '      <attribute name="" />');
    const labels = await completionLabels(document, new vscode.Position(5, line.indexOf('""') + 1), ['fullname']);
    assert.ok(labels.includes('fullname'), `'fullname' offered; got: ${labels.slice(0, 40).join(', ')}`);
    assert.ok(!labels.includes('revenue'), 'account columns are not offered inside the contact link-entity');
  });

  test('hover on a column shows its type', async () => {
    const document = await openFixture('check.fetchxml');
    await waitForDiagnostics(document.uri);
    const position = new vscode.Position(4, document.lineAt(4).text.indexOf('primarycontactid') + 3);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
    assert.match(hoverText(hovers), /primarycontactid.*Lookup \(contact\)/);
  });
});
