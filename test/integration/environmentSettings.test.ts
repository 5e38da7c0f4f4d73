// Each server-side field of an environment entry, and defaultEnvironment, taking effect in the BUILT language
// server over --stdio: what the editor shows (diagnostics) and offers (completion) changes with it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CompletionRequest, type CompletionItem, type CompletionList, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { setEnvironments, type ServerConfig } from '../../server/src/protocol';
import { repoRoot, startServer, type TestServer } from './lspClient';

const bcMetadata = join(repoRoot, 'test', 'fixtures', 'metadata', 'bc-sample.xml');
const crmMetadata = join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');
const bcRoot = 'https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/production/api/v2.0/';
const company = '6f1bd9a3-0d2e-4c43-9a43-1b9e0b6f8a11';

// As "Add Environment" stores a Business Central environment, with the company it chose as a variable.
const config: ServerConfig = {
  environments: [
    { name: 'bc', flavor: 'bc', url: bcRoot, metadataFile: bcMetadata, variables: { company } },
    { name: 'bc-generic', flavor: 'generic', url: bcRoot, metadataFile: bcMetadata },
    { name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata },
  ],
  defaultEnvironment: 'crm',
};

let server: TestServer;
let counter = 0;
before(async () => {
  server = await startServer(config);
});
after(async () => server.stop());

async function diagnose(text: string): Promise<Diagnostic[]> {
  const uri = `file:///work/settings${++counter}.odata`;
  const published = server.nextDiagnostics(uri, 1);
  await server.open(uri, text, 1);
  return (await published).diagnostics;
}

const codes = (diagnostics: Diagnostic[]): unknown[] => diagnostics.map((d) => d.code);

test('variables: a Business Central {{company}} from the environment is no diagnostic, and the request is checked with it', async () => {
  assert.deepEqual(await diagnose('@environment = bc\nGET companies({{company}})/customers?$select=displayName\n'), []);
  const wrong = await diagnose('@environment = bc\nGET companies({{company}})/customers?$select=nmae\n');
  assert.deepEqual(codes(wrong), ['unknown-property']);
});

test('variables: without them the same file says the variable is unknown', async () => {
  const diagnostics = await diagnose('@environment = bc-generic\nGET companies({{company}})/customers?$select=displayName\n');
  assert.deepEqual(codes(diagnostics), ['request.unknown-variable']);
  assert.deepEqual(diagnostics[0]!.range, { start: { line: 1, character: 14 }, end: { line: 1, character: 25 } });
});

test('variables: completion after {{ offers the environment\'s variable with its value', async () => {
  const text = '@environment = bc\nGET companies({{';
  const uri = `file:///work/settings${++counter}.odata`;
  const published = server.nextDiagnostics(uri, 1);
  await server.open(uri, text, 1);
  await published;
  const result = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 16 } })) as
    | CompletionList
    | CompletionItem[];
  const items = Array.isArray(result) ? result : result.items;
  const offered = items.find((item) => item.label === 'company');
  assert.ok(offered, `expected 'company' among ${items.map((item) => item.label).join(', ')}`);
  assert.match(JSON.stringify(offered), new RegExp(company));
});

test('flavor: the Business Central flavour asks for the company segment, the generic one does not', async () => {
  assert.deepEqual(codes(await diagnose('@environment = bc\nGET customers\n')), ['bc.path-outside-company']);
  assert.deepEqual(codes(await diagnose('@environment = bc-generic\nGET customers\n')), []);
});

test('name and metadataFile: @environment picks the entry, whose metadata file is the model checked against', async () => {
  // `accounts` exists in the CRM metadata, not in Business Central's.
  assert.deepEqual(codes(await diagnose('@environment = crm\nGET accounts?$select=name\n')), []);
  assert.deepEqual(codes(await diagnose('@environment = bc-generic\nGET accounts\n')), ['unknown-entity-set']);
  assert.deepEqual(codes(await diagnose('@environment = nowhere\nGET accounts\n')), ['request.unknown-environment']);
});

test('defaultEnvironment: a file without @environment is checked against the default', async () => {
  assert.deepEqual(codes(await diagnose('GET accounts?$select=name\n')), []);
  assert.deepEqual(codes(await diagnose('GET accounts?$select=nmae\n')), ['unknown-property']);
});

test('url: an absolute URL on the environment\'s service root is checked like a relative one', async () => {
  const diagnostics = await diagnose(`@environment = bc\nGET ${bcRoot}companies({{company}})/customers?$select=nmae\n`);
  assert.deepEqual(codes(diagnostics), ['unknown-property']);
  const column = 4 + bcRoot.length + 'companies({{company}})/customers?$select='.length;
  assert.deepEqual(diagnostics[0]!.range, { start: { line: 1, character: column }, end: { line: 1, character: column + 4 } });
});

test('odata/setEnvironments: new variables and a new default take effect in open files', async () => {
  const uri = `file:///work/settings${++counter}.odata`;
  const first = server.nextDiagnostics(uri, 1);
  await server.open(uri, 'GET companies({{company}})/customers\n', 1);
  // The default is crm: no `companies` there, and no variable.
  assert.deepEqual(codes((await first).diagnostics), ['request.unknown-variable']);
  const next = server.nextDiagnostics(uri, 1);
  await server.connection.sendNotification(setEnvironments.type, { ...config, defaultEnvironment: 'bc' });
  assert.deepEqual((await next).diagnostics, []);
  const again = server.nextDiagnostics(uri, 1);
  await server.connection.sendNotification(setEnvironments.type, {
    environments: config.environments.map((env) => (env.name === 'bc' ? { ...env, variables: {} } : env)),
    defaultEnvironment: 'bc',
  });
  assert.deepEqual(codes((await again).diagnostics), ['request.unknown-variable']);
});
