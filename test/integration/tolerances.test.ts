// What Dynamics accepts beyond the OData grammar, through the BUILT language server over --stdio (issue 14): a next
// link as Dataverse writes it gets no diagnostic, a tolerated form gets a warning whose quick fix writes the canonical
// form, and after `accounts(…)/` the list cut to the server's limit keeps the navigation properties.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CodeActionRequest, CompletionRequest, DiagnosticSeverity, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol/node';
import { repoRoot, startServer, type TestServer } from './lspClient';

const crmMetadata = join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');
let server: TestServer;

before(async () => {
  server = await startServer({
    environments: [{ name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata }],
    defaultEnvironment: 'crm',
  });
});
after(async () => server.stop());

test('a Dataverse next link gets no diagnostic; a space around = is a warning with a quick fix', async () => {
  const uri = 'file:///work/tolerated.odata';
  const text = [
    '### next link of an expanded collection, as Dataverse writes it',
    'GET https://contoso.crm.dynamics.com/api/data/v9.1/accounts(36dbf27c-8efb-e511-80d2-00155db07c77)/Account_Tasks?$select%20=%20subject,%20scheduledstart',
    '',
    '### typed',
    "GET accounts?$filter = name eq 'x'",
    '',
  ].join('\n');
  const published = server.nextDiagnostics(uri, 1);
  await server.open(uri, text, 1);
  const diagnostics = (await published).diagnostics;
  assert.deepEqual(
    diagnostics.map((d) => [d.range.start.line, d.severity, d.code]),
    [[4, DiagnosticSeverity.Warning, 'syntax.space-around-equals']],
  );
  const warning = diagnostics[0]!;
  const actions = (await server.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: warning.range, context: { diagnostics: [warning] } })) as {
    title: string;
    isPreferred?: boolean;
    edit?: { changes?: Record<string, { newText: string }[]> };
  }[];
  const fix = actions.find((a) => a.title === "Remove the space around '='");
  assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
  assert.equal(fix.isPreferred, true);
  assert.deepEqual(fix.edit?.changes?.[uri]?.map((e) => e.newText), ['=']);
});

test('after accounts(…)/ the list the server sends keeps every navigation property', async () => {
  const uri = 'file:///work/members.odata';
  const text = 'GET accounts(36dbf27c-8efb-e511-80d2-00155db07c77)/\n';
  const published = server.nextDiagnostics(uri, 1);
  await server.open(uri, text, 1);
  await published;
  const result = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: text.length - 1 } })) as CompletionList | CompletionItem[] | null;
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  const labels = items.map((i) => i.label);
  assert.equal(items.length, 200, 'cut to the server limit');
  for (const navigation of ['Account_Tasks', 'primarycontactid', 'contact_customer_accounts', 'parentaccountid']) {
    assert.ok(labels.includes(navigation), `${navigation} kept among ${labels.slice(0, 30).join(', ')}`);
  }
});
