import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, openFixture, waitFor, waitForDiagnostics } from './helpers';

suite('activation', () => {
  test('the extension is installed and activates when an .odata file opens', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded in the extension host`);
    await openFixture('diagnostics.odata');
    await waitFor('the extension to activate', () => (extension.isActive ? true : undefined), 30_000);
  });

  test('the language client starts and the server publishes diagnostics', async () => {
    const document = await openFixture('diagnostics.odata');
    const diagnostics = await waitForDiagnostics(document.uri);
    assert.ok(diagnostics.every((d) => d.source === undefined || typeof d.source === 'string'));
  });
});
