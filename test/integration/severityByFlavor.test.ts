// Severity by flavour through the BUILT language server over --stdio: the same request against two environments of
// the same metadata but different flavours (the environments' `flavor` setting) is published with two severities.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { repoRoot, startServer, type TestServer } from './lspClient';

const crmMetadata = join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');
const initializeFrom =
  "GET InitializeFrom(EntityMoniker=@p1,TargetEntityName=@p2,TargetFieldType=@p3)?@p1={'@odata.id':'accounts(c65127ed-2097-e711-80eb-00155db75426)'}&@p2='account'&@p3=Microsoft.Dynamics.CRM.TargetFieldType'ValidForCreate'";
let server: TestServer;

before(async () => {
  server = await startServer({
    environments: [
      { name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata },
      { name: 'crm-as-generic', flavor: 'generic', url: 'https://odata.example.com/service/', metadataFile: crmMetadata },
    ],
    defaultEnvironment: 'crm',
  });
});
after(async () => server.stop());

async function published(uri: string, text: string): Promise<[number, DiagnosticSeverity | undefined, unknown, string][]> {
  const next = server.nextDiagnostics(uri, 1);
  await server.open(uri, text, 1);
  const lines = text.split('\n');
  return (await next).diagnostics.map((d) => [d.range.start.line, d.severity, d.code, lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character)]);
}

test('single-quoted JSON in a parameter alias: Information on Dataverse (documented there), Warning on a generic service', async () => {
  const json = "{'@odata.id':'accounts(c65127ed-2097-e711-80eb-00155db75426)'}";
  assert.deepEqual(await published('file:///work/dataverse.odata', `@environment = crm\n${initializeFrom}\n`), [
    [1, DiagnosticSeverity.Information, 'syntax.single-quoted-json', json],
  ]);
  assert.deepEqual(await published('file:///work/generic.odata', `@environment = crm-as-generic\n${initializeFrom}\n`), [
    [1, DiagnosticSeverity.Warning, 'syntax.single-quoted-json', json],
  ]);
});
