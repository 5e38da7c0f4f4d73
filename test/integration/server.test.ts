// The built language server over --stdio, configured as another editor would configure it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot, startServer } from './lspClient';

const crmMetadata = join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');

const environments = {
  environments: [
    { name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata },
    { name: 'broken', flavor: 'generic', url: 'https://example.invalid/odata/', metadataFile: join(repoRoot, 'does-not-exist.xml') },
  ],
  defaultEnvironment: 'crm',
};

test('publishes diagnostics with ranges for an .odata file, and clears them when the text is fixed', async () => {
  const server = await startServer(environments);
  try {
    const uri = 'file:///work/queries.odata';
    const text = '### Accounts\nGET accounts?$select=nmae,revenue\n';
    const first = server.nextDiagnostics(uri, 1);
    await server.open(uri, text, 1);
    const published = await first;
    const unknown = published.diagnostics.find((d) => d.code === 'unknown-property');
    assert.ok(unknown, `expected unknown-property, got ${JSON.stringify(published.diagnostics)}`);
    assert.deepEqual(unknown.range, { start: { line: 1, character: 21 }, end: { line: 1, character: 25 } });
    assert.match(String(unknown.message), /Did you mean 'name'/);

    const second = server.nextDiagnostics(uri, 2);
    await server.change(uri, '### Accounts\nGET accounts?$select=name,revenue\n', 2);
    assert.deepEqual((await second).diagnostics, []);
  } finally {
    await server.stop();
  }
});

test('an unreadable metadata file is one clear diagnostic, and the server keeps serving', async () => {
  const server = await startServer(environments);
  try {
    const uri = 'file:///work/broken.odata';
    const published = server.nextDiagnostics(uri, 1);
    await server.open(uri, '@environment = broken\nGET things\n', 1);
    const [diagnostic, ...rest] = (await published).diagnostics;
    assert.equal(rest.length, 0);
    assert.equal(diagnostic.code, 'metadata.unreadable');
    assert.match(String(diagnostic.message), /does-not-exist\.xml.*ENOENT/);

    const other = 'file:///work/unknown-env.odata';
    const next = server.nextDiagnostics(other, 1);
    await server.open(other, '@environment = nowhere\nGET things\n', 1);
    const [unknownEnvironment] = (await next).diagnostics;
    assert.equal(unknownEnvironment.code, 'request.unknown-environment');
    assert.deepEqual(unknownEnvironment.range, { start: { line: 0, character: 15 }, end: { line: 0, character: 22 } });
  } finally {
    await server.stop();
  }
});
