/**
 * Issue 12, items 3 and 6 through the real path: the BUILT language server over --stdio marks a forbidden header and
 * an exponential {{variable}} definition in an `.odata` file a cloned repository ships, answers at once, and keeps
 * answering afterwards (a hover on the same document).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { repoRoot, startServer, type TestServer } from '../integration/lspClient';

const crmMetadata = join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');
let server: TestServer;

before(async () => {
  server = await startServer({
    environments: [{ name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata }],
    defaultEnvironment: 'crm',
  });
});
after(async () => server.stop());

describe('security: hostile .odata files in the language server', () => {
  test('a Host header and a 510-byte exponential variable file: errors on the header line and the definitions, and the server still answers', async () => {
    // The attack: opening a cloned repository's .odata file hangs the language server (exponential variables) and hides a Host header that would route the token elsewhere.
    const lines = ['@v0 = xxxxxxxx'];
    for (let n = 1; lines.join('\n').length < 470; n++) lines.push(`@v${n} = {{v${n - 1}}}{{v${n - 1}}}`);
    const last = lines.at(-1)!.split(' ')[0]!.slice(1);
    const text = `${lines.join('\n')}\n\nGET accounts?$select=name&$filter=name eq '{{${last}}}'\nHost: attacker.example\n`;
    const uri = 'file:///work/hostile.odata';
    const published = server.nextDiagnostics(uri, 1);
    await server.open(uri, text, 1);
    const { diagnostics } = await published;
    const lineOf = (code: string): number[] => diagnostics.filter((d) => d.code === code).map((d) => d.range.start.line);
    assert.deepEqual(lineOf('request.forbidden-header'), [lines.length + 2]);
    assert.match(String(diagnostics.find((d) => d.code === 'request.forbidden-header')!.message), /The header 'Host' cannot be set in an \.odata file/);
    assert.ok(lineOf('request.variable-too-large').includes(lines.length - 1), JSON.stringify(diagnostics.map((d) => [d.code, d.range.start.line])));
    const hover = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: lines.length + 1, character: 'GET acc'.length } });
    assert.ok(hover, 'the server still answers');
  });
});
