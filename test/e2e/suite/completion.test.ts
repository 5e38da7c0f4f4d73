import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { completionLabels, openFixture, waitForDiagnostics } from './helpers';

suite('completion', () => {
  test('properties after accounts?$select=', async () => {
    const document = await openFixture('completion.odata');
    await waitForDiagnostics((await openFixture('diagnostics.odata')).uri); // the server is ready
    const line = document.lineAt(1).text;
    assert.equal(line, 'GET accounts?$select=');
    const labels = await completionLabels(document, new vscode.Position(1, line.length), ['name', 'revenue']);
    assert.ok(labels.includes('name'), `'name' offered; got: ${labels.slice(0, 40).join(', ')}`);
    assert.ok(labels.includes('revenue'), `'revenue' offered; got: ${labels.slice(0, 40).join(', ')}`);
  });

  test('entity sets at the path start', async () => {
    const document = await openFixture('completion.odata');
    const line = document.lineAt(4).text;
    assert.equal(line, 'GET ');
    const labels = await completionLabels(document, new vscode.Position(4, line.length), ['accounts', 'contacts']);
    assert.ok(labels.includes('accounts'), `'accounts' offered; got: ${labels.slice(0, 40).join(', ')}`);
    assert.ok(labels.includes('contacts'), `'contacts' offered; got: ${labels.slice(0, 40).join(', ')}`);
  });
});
