// The explorer tree's custom requests (`odata/environments`, `odata/entitySets`, `odata/entitySetDetails`,
// `odata/operations`) against the built language server over --stdio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot, startServer } from './lspClient';
import {
  explorerEntitySetDetails,
  explorerEntitySets,
  explorerEnvironments,
  explorerOperations,
  type EntitySetDetails,
  type EntitySetsResult,
  type ExplorerError,
  type ExplorerOperation,
} from '../../server/src/protocol';

const crmMetadata = join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');
const sampleMetadata = join(repoRoot, 'test', 'fixtures', 'metadata', 'dataverse-sample.xml');

const environments = {
  environments: [
    { name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata },
    { name: 'sample', flavor: 'dataverse', url: 'https://sample.crm.dynamics.com/api/data/v9.2/', metadataFile: sampleMetadata },
    { name: 'broken', flavor: 'generic', url: 'https://example.invalid/odata/', metadataFile: join(repoRoot, 'does-not-exist.xml') },
  ],
  defaultEnvironment: 'crm',
};

function ok<T extends object>(answer: T | ExplorerError): T {
  assert.ok(!('error' in answer), `expected data, got ${JSON.stringify(answer)}`);
  return answer as T;
}

test('the explorer requests answer from the server’s one parsed model, and errors are answers', async () => {
  const server = await startServer(environments);
  try {
    const { connection } = server;
    // Entity sets wait for the model: the first request loads it.
    const started = performance.now();
    const page = ok<EntitySetsResult>(await connection.sendRequest(explorerEntitySets.type, { environment: 'crm', limit: 50 }));
    const firstPageMs = performance.now() - started;
    assert.equal(page.total, 252);
    assert.equal(page.items.length, 50);
    assert.equal(page.items[1].name, 'accounts');
    const again = performance.now();
    const filtered = ok<EntitySetsResult>(await connection.sendRequest(explorerEntitySets.type, { environment: 'crm', filter: 'contact', offset: 0, limit: 500 }));
    const filteredMs = performance.now() - again;
    assert.ok(filtered.items.some((item) => item.name === 'contacts'));
    assert.ok(filtered.total < 252);
    console.log(`odata/entitySets, CRM (252 sets): first page incl. load ${firstPageMs.toFixed(0)} ms; filtered page ${filteredMs.toFixed(1)} ms`);

    const list = await connection.sendRequest(explorerEnvironments.type);
    assert.deepEqual(list.map((env) => env.name), ['crm', 'sample', 'broken']);
    const crm = list.find((env) => env.name === 'crm');
    assert.equal(crm?.state, 'ready');
    assert.equal(crm?.entitySetCount, 252);
    assert.equal(crm?.flavor, 'dataverse');
    assert.equal(crm?.url, 'https://contoso.crm.dynamics.com/api/data/v9.2/');

    const details = ok<EntitySetDetails>(await connection.sendRequest(explorerEntitySetDetails.type, { environment: 'sample', entitySet: 'accounts' }));
    assert.deepEqual(details.keys, [{ name: 'accountid', type: 'Edm.Guid' }]);
    assert.ok(details.properties.some((p) => p.name === '_primarycontactid_value' && p.lookupFor?.includes('primarycontactid')));
    assert.ok(details.navigationProperties.some((n) => n.name === 'primarycontactid' && n.targetEntitySet === 'contacts'));
    assert.ok(details.operations.some((op) => op.name === 'Microsoft.Dynamics.CRM.contoso_TopAccounts' && op.bound));

    const operations = ok<ExplorerOperation[]>(await connection.sendRequest(explorerOperations.type, { environment: 'crm' }));
    assert.ok(operations.some((op) => op.name === 'WhoAmI' && op.kind === 'Function'));

    // Errors are answers, never thrown: a missing file, an unknown environment, an unknown set.
    const broken = await connection.sendRequest(explorerEntitySets.type, { environment: 'broken' });
    assert.match((broken as ExplorerError).error, /does-not-exist\.xml.*ENOENT/);
    const brokenState = (await connection.sendRequest(explorerEnvironments.type)).find((env) => env.name === 'broken');
    assert.equal(brokenState?.state, 'error');
    assert.match(brokenState?.message ?? '', /ENOENT/);
    const unknown = await connection.sendRequest(explorerOperations.type, { environment: 'nowhere' });
    assert.match((unknown as ExplorerError).error, /No environment named 'nowhere'/);
    const noSet = await connection.sendRequest(explorerEntitySetDetails.type, { environment: 'sample', entitySet: 'nope' });
    assert.match((noSet as ExplorerError).error, /no entity set or singleton named 'nope'/);
  } finally {
    await server.stop();
  }
});
