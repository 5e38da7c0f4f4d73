import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { hoverText, openFixture, waitFor, waitForDiagnostics } from './helpers';

suite('hover', () => {
  test('hovering a property shows its Edm type', async () => {
    await waitForDiagnostics((await openFixture('diagnostics.odata')).uri); // the server is ready
    const document = await openFixture('hover.odata');
    const line = document.lineAt(1).text;
    const position = new vscode.Position(1, line.indexOf('revenue') + 3);
    const text = await waitFor('a hover on revenue', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
      const value = hoverText(hovers ?? []);
      return value.includes('Edm.') ? value : undefined;
    }, 30_000).catch(() => '(no hover)');
    assert.match(text, /Edm\.Decimal/, `the hover names revenue's type; got: ${text}`);
  });
});
