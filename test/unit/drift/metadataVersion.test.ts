// Dataverse schema staleness: reading @Microsoft.Dynamics.CRM.globalmetadataversion and comparing it with the
// version of the cached metadata (MetadataVersionWatch over a plain store).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globalMetadataVersionOf, MetadataVersionWatch, staleMessage, type VersionRecord } from '../../../client/src/features/drift/metadataVersion';

function memoryStore() {
  const map = new Map<string, VersionRecord>();
  return { map, store: { get: (k: string) => map.get(k), set: (k: string, v: VersionRecord) => void map.set(k, v) } };
}

test('globalMetadataVersionOf reads the annotation of a collection response, and nothing else', () => {
  assert.equal(globalMetadataVersionOf({ '@Microsoft.Dynamics.CRM.globalmetadataversion': '84271433', value: [] }), '84271433');
  assert.equal(globalMetadataVersionOf({ '@Microsoft.Dynamics.CRM.globalmetadataversion': 1144249 }), '1144249');
  for (const body of [undefined, null, [], 'x', { value: [] }, { '@Microsoft.Dynamics.CRM.globalmetadataversion': 'abc' }, { '@Microsoft.Dynamics.CRM.globalmetadataversion': -1 }]) {
    assert.equal(globalMetadataVersionOf(body), undefined, JSON.stringify(body));
  }
});

test('the first version after a download is the baseline; a different one is stale, told once; the same again is not', async () => {
  const { store } = memoryStore();
  const watch = new MetadataVersionWatch(store);
  assert.deepEqual(await watch.observe('dev', 'copy-1', '100'), { stale: false });
  assert.deepEqual(await watch.observe('dev', 'copy-1', '100'), { stale: false });
  assert.equal(watch.isStale('dev'), false);
  assert.deepEqual(await watch.observe('dev', 'copy-1', '101'), { stale: true, known: '100', seen: '101', firstTime: true });
  assert.deepEqual(await watch.observe('dev', 'copy-1', '101'), { stale: true, known: '100', seen: '101', firstTime: false });
  assert.equal(watch.isStale('dev'), true);
  assert.equal(watch.isStale('other'), false);
  // A new copy (metadata refreshed) starts from what the service says now.
  assert.deepEqual(await watch.observe('dev', 'copy-2', '101'), { stale: false });
  assert.equal(watch.isStale('dev'), false);
});

test('a version recorded with the download is the baseline, so a change before the first response is seen', async () => {
  const watch = new MetadataVersionWatch(memoryStore().store);
  assert.deepEqual(await watch.observe('dev', 'copy-1', '205', '200'), { stale: true, known: '200', seen: '205', firstTime: true });
  assert.match(staleMessage('dev', { known: '200', seen: '205' }), /^The schema of "dev" changed since its metadata was cached \(globalmetadataversion 200 → 205\)/);
});
