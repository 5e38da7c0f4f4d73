// Dataverse schema staleness against the real sample service: its collection responses carry
// @Microsoft.Dynamics.CRM.globalmetadataversion when Prefer asks, and creating a custom API changes the schema (as in
// Dataverse, where it adds an operation to $metadata). The runner's responses, fed to MetadataVersionWatch, say when
// the cached metadata became stale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSampleService } from './sampleServiceHarness';
import { sendRequest } from '../../../client/src/features/runner/http/engine';
import { prepareRequest } from '../../../client/src/features/runner/http/prepare';
import type { ResponseResult, RunnerEnvironment } from '../../../client/src/features/runner/types';
import { globalMetadataVersionOf, MetadataVersionWatch, type VersionRecord } from '../../../client/src/features/drift/metadataVersion';

let environment: RunnerEnvironment;

async function run(text: string): Promise<ResponseResult> {
  const prepared = prepareRequest(text, 0, environment);
  assert.ok(prepared.ok, prepared.ok ? '' : prepared.failure.message);
  const outcome = await sendRequest(prepared.request, { token: async () => undefined });
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
  assert.ok(outcome.status < 300, `${outcome.status}: ${outcome.bodyText.slice(0, 300)}`);
  return outcome;
}

useSampleService((_service, env) => {
  environment = env;
});

const query = 'GET accounts?$select=name&$top=1\nPrefer: odata.include-annotations="*"\n';

test('the version appears only when asked for, and a schema change makes the cached metadata stale', async () => {
  const plain = await run('GET accounts?$select=name&$top=1\n');
  assert.equal(globalMetadataVersionOf(plain.json), undefined, 'not asked for: not sent');

  const records = new Map<string, VersionRecord>();
  const watch = new MetadataVersionWatch({ get: (k) => records.get(k), set: (k, v) => void records.set(k, v) });
  const first = globalMetadataVersionOf((await run(query)).json);
  assert.ok(first, 'the annotation is in the response');
  assert.deepEqual(await watch.observe('sample', 'download-1', first), { stale: false });
  assert.deepEqual(await watch.observe('sample', 'download-1', globalMetadataVersionOf((await run(query)).json)!), { stale: false }, 'no change: same version');

  await run(
    [
      'POST customapis',
      'Content-Type: application/json',
      '',
      JSON.stringify({ uniquename: 'new_DriftProbe', name: 'new_DriftProbe', displayname: 'Drift probe', bindingtype: 0, isfunction: false, allowedcustomprocessingsteptype: 0 }),
    ].join('\n'),
  );
  const after = globalMetadataVersionOf((await run(query)).json)!;
  assert.notEqual(after, first);
  const observed = await watch.observe('sample', 'download-1', after);
  assert.deepEqual(observed, { stale: true, known: first, seen: after, firstTime: true });
  assert.equal(watch.isStale('sample'), true);
});
