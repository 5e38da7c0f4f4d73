import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openFixture, waitFor, waitForDiagnostics } from './helpers';

suite('semantic highlighting', () => {
  test('VS Code gets the server\'s semantic tokens: the entity set and its column, by the announced legend', async () => {
    await waitForDiagnostics((await openFixture('diagnostics.odata')).uri); // the server is ready
    const document = await openFixture('hover.odata');
    const legend = await waitFor('the semantic tokens legend', async () =>
      vscode.commands.executeCommand<vscode.SemanticTokensLegend | undefined>('vscode.provideDocumentSemanticTokensLegend', document.uri),
    );
    assert.ok(legend.tokenTypes.includes('navigationProperty'), JSON.stringify(legend.tokenTypes));
    const words = await waitFor('semantic tokens of hover.odata', async () => {
      const tokens = await vscode.commands.executeCommand<vscode.SemanticTokens | undefined>('vscode.provideDocumentSemanticTokens', document.uri);
      if (!tokens || tokens.data.length === 0) return undefined;
      const out: string[] = [];
      let line = 0;
      let character = 0;
      for (let i = 0; i < tokens.data.length; i += 5) {
        line += tokens.data[i];
        character = tokens.data[i] === 0 ? character + tokens.data[i + 1] : tokens.data[i + 1];
        out.push(`${document.lineAt(line).text.slice(character, character + tokens.data[i + 2])}:${legend.tokenTypes[tokens.data[i + 3]]}`);
      }
      return out;
    }, 30_000);
    assert.ok(words.includes('accounts:class'), words.join(' '));
    assert.ok(words.includes('revenue:property'), words.join(' '));
  });
});
