// Schema drift through the built language server over --stdio: `odata/compareEnvironments` on the models the server
// holds, and `checkAgainst` (a file also checked against other environments, diagnostics naming them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, startServer } from './lspClient';
import { compareEnvironments, setEnvironments, type ServerConfig, type CompareEnvironmentsResult, type ExplorerError } from '../../server/src/protocol';

const sampleMetadata = join(repoRoot, 'test', 'fixtures', 'metadata', 'dataverse-sample.xml');
const dir = mkdtempSync(join(tmpdir(), 'odata-drift-'));
const sampleXml = readFileSync(sampleMetadata, 'utf8');
const telephone = /<Property Name="telephone1"[^>]*>[\s\S]*?<\/Property>/.exec(sampleXml)![0];
// "prod" lags behind: account/telephone1 was never deployed there.
const prodMetadata = join(dir, 'prod.xml');
writeFileSync(prodMetadata, sampleXml.replace(telephone, ''));

const config = (checkAgainst: string[] = []): ServerConfig => ({
  environments: [
    { name: 'dev', flavor: 'dataverse', url: 'https://dev.crm.dynamics.com/api/data/v9.2/', metadataFile: sampleMetadata },
    { name: 'prod', flavor: 'dataverse', url: 'https://prod.crm.dynamics.com/api/data/v9.2/', metadataFile: prodMetadata },
    { name: 'broken', flavor: 'generic', url: 'https://example.invalid/odata/', metadataFile: join(dir, 'missing.xml') },
  ],
  defaultEnvironment: 'dev',
  checkAgainst,
});

test('odata/compareEnvironments: the differences between two loaded environments, grouped by entity set', async () => {
  const server = await startServer(config());
  try {
    const answer = (await server.connection.sendRequest(compareEnvironments.type, { from: 'dev', to: 'prod' })) as CompareEnvironmentsResult;
    assert.ok(!('error' in answer), JSON.stringify(answer));
    assert.equal(answer.summary.removed, 1);
    assert.equal(answer.summary.breaking, 1);
    const accounts = answer.groups.find((g) => g.entitySet === 'accounts');
    assert.ok(accounts, answer.groups.map((g) => g.title).join(', '));
    assert.deepEqual(accounts.changes.map((c) => `${c.change} ${c.kind} ${c.path} ${c.breaking}`), ['removed property account/telephone1 true']);

    const same = (await server.connection.sendRequest(compareEnvironments.type, { from: 'dev', to: 'dev' })) as ExplorerError;
    assert.match(same.error, /two different environments/);
    const unknown = (await server.connection.sendRequest(compareEnvironments.type, { from: 'dev', to: 'nope' })) as ExplorerError;
    assert.match(unknown.error, /^nope: /);
    const broken = (await server.connection.sendRequest(compareEnvironments.type, { from: 'broken', to: 'dev' })) as ExplorerError;
    assert.match(broken.error, /^broken: /);
  } finally {
    await server.stop();
  }
});

test('checkAgainst: a query valid in its environment but not in another says so, naming both', async () => {
  const server = await startServer(config(['prod', 'dev', 'unknown-env']));
  try {
    const uri = pathToFileURL(join(dir, 'q.odata')).href;
    const diagnostics = server.nextDiagnostics(uri);
    await server.open(uri, '### phone\nGET accounts?$select=name,telephone1\n\n### typo\nGET accounts?$select=nmae\n');
    const published = (await diagnostics).diagnostics;
    assert.equal(published.length, 2, JSON.stringify(published));
    assert.match(String(published[0]!.message), /^valid in dev; in prod: .*telephone1/);
    assert.deepEqual(published[0]!.range.start, { line: 1, character: 26 });
    assert.doesNotMatch(String(published[1]!.message), /valid in|in prod/, 'a problem in every environment reads as usual');
  } finally {
    await server.stop();
  }
});

test('checkAgainst follows the configuration: without it a file has only its own problems; set, it is checked again', async () => {
  const server = await startServer(config());
  try {
    const uri = pathToFileURL(join(dir, 'r.odata')).href;
    const diagnostics = server.nextDiagnostics(uri);
    await server.open(uri, 'GET accounts?$select=name,telephone1\n');
    assert.deepEqual((await diagnostics).diagnostics, []);
    // The client sends the setting as it changes: the open file is checked again, now against prod too.
    const again = server.nextDiagnostics(uri);
    await server.connection.sendNotification(setEnvironments.type, config(['prod']));
    assert.match(String((await again).diagnostics[0]?.message), /^valid in dev; in prod: /);
  } finally {
    await server.stop();
  }
});
