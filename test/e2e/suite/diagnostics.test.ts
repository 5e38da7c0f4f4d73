import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openFixture, waitForDiagnostics } from './helpers';

suite('diagnostics', () => {
  test('a misspelt property is reported with its code and exact range', async () => {
    const document = await openFixture('diagnostics.odata');
    const diagnostics = await waitForDiagnostics(document.uri);
    const unknown = diagnostics.filter((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'unknown-property');
    assert.equal(unknown.length, 1, `one unknown-property diagnostic, got: ${JSON.stringify(diagnostics.map((d) => [d.code, d.message]))}`);
    const [diagnostic] = unknown;
    // line 1: `GET accounts?$select=name,revnue` -> "revnue" is characters 26..32
    assert.deepEqual(
      [diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line, diagnostic.range.end.character],
      [1, 26, 1, 32],
    );
    assert.equal(document.getText(diagnostic.range), 'revnue');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic.message, /revenue/, 'the message suggests "revenue"');
  });
});
