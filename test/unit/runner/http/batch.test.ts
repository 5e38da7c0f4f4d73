// $batch: counting authored operations (JSON and multipart with change sets), the flavour limits, and parsing
// JSON and multipart/mixed answers with nested change sets and Content-ID.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { batchOperationCount, checkBatchLimits, parseBatchResponse } from '../../../../client/src/features/runner/http/batch';
import { prepareRequest } from '../../../../client/src/features/runner/http/prepare';
import type { PreparedRequest, ResponseResult, RunnerEnvironment } from '../../../../client/src/features/runner/types';

const bc: RunnerEnvironment = { name: 'bc', flavor: 'bc', serviceRoot: 'https://api.businesscentral.dynamics.com/v2.0/t/Live/api/v2.0/' };
const dataverse: RunnerEnvironment = { name: 'dv', flavor: 'dataverse', serviceRoot: 'https://contoso.crm.dynamics.com/api/data/v9.2/' };

function prepare(text: string, environment = bc): PreparedRequest {
  const result = prepareRequest(text, 0, environment);
  assert.ok(result.ok, result.ok ? '' : result.failure.message);
  return result.request;
}

const MULTIPART = [
  'POST $batch',
  'Content-Type: multipart/mixed; boundary=batch_AAA123',
  '',
  '--batch_AAA123',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  '',
  'GET accounts?$select=name&$top=1 HTTP/1.1',
  'Accept: application/json',
  '',
  '--batch_AAA123',
  'Content-Type: multipart/mixed; boundary=changeset_BBB456',
  '',
  '--changeset_BBB456',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  'Content-ID: 1',
  '',
  'POST accounts HTTP/1.1',
  'Content-Type: application/json',
  '',
  '{"name":"Batch account"}',
  '--changeset_BBB456',
  'Content-Type: application/http',
  'Content-Transfer-Encoding: binary',
  'Content-ID: 2',
  '',
  'POST $1/contact_customer_accounts HTTP/1.1',
  'Content-Type: application/json',
  '',
  '{"lastname":"Batch"}',
  '--changeset_BBB456--',
  '--batch_AAA123--',
].join('\n');

function jsonBatch(operations: number): string {
  const requests = Array.from({ length: operations }, (_, i) => ({ id: String(i + 1), method: 'GET', url: `customers?$top=${i}` }));
  return `POST $batch\nContent-Type: application/json\n\n${JSON.stringify({ requests })}`;
}

describe('batchOperationCount and checkBatchLimits', () => {
  test('a multipart batch counts its operations, inside change sets too', () => {
    assert.equal(batchOperationCount(prepare(MULTIPART)), 3);
  });
  test('a JSON batch counts its requests', () => {
    assert.equal(batchOperationCount(prepare(jsonBatch(7))), 7);
  });
  test('not a $batch: undefined', () => {
    assert.equal(batchOperationCount(prepare('POST accounts\n\n{}')), undefined);
    assert.equal(batchOperationCount(prepare('GET accounts')), undefined);
  });
  test('Business Central: 100 operations pass, 101 are refused with a message that says what to do', () => {
    assert.equal(checkBatchLimits(prepare(jsonBatch(100))), undefined);
    const message = checkBatchLimits(prepare(jsonBatch(101)));
    assert.match(message ?? '', /Business Central accepts at most 100 operations.*has 101.*Split it/);
  });
  test('Dataverse allows 1,000; a generic service has no limit here', () => {
    assert.equal(checkBatchLimits(prepare(jsonBatch(101), dataverse)), undefined);
    assert.match(checkBatchLimits(prepare(jsonBatch(1001), dataverse)) ?? '', /Dataverse accepts at most 1000/);
    assert.equal(checkBatchLimits(prepare(jsonBatch(5000), { ...dataverse, flavor: 'generic' })), undefined);
  });
});

function response(contentType: string, bodyText: string, json?: unknown): ResponseResult {
  return { ok: true, status: 200, statusText: 'OK', headers: [['content-type', contentType]], bodyText, size: bodyText.length, truncated: false, json, elapsedMs: 1, attempts: 1, notes: [] };
}

describe('parseBatchResponse', () => {
  test('a JSON batch answer', () => {
    const json = {
      responses: [
        { id: '1', status: 200, headers: { 'content-type': 'application/json' }, body: { value: [{ name: 'A' }] } },
        { id: '2', atomicityGroup: 'g1', status: 201, headers: { location: 'https://x/accounts(1)' }, body: { accountid: '1' } },
        { id: '3', atomicityGroup: 'g1', status: 204, headers: {} },
      ],
    };
    const parts = parseBatchResponse(response('application/json', JSON.stringify(json), json));
    assert.equal(parts?.length, 3);
    assert.deepEqual(parts?.[0].json, { value: [{ name: 'A' }] });
    assert.equal(parts?.[1].atomicityGroup, 'g1');
    assert.deepEqual(parts?.[1].headers, [['location', 'https://x/accounts(1)']]);
    assert.equal(parts?.[2].status, 204);
    assert.equal(parts?.[2].bodyText, '');
  });

  test('a multipart/mixed answer with a nested change set and Content-ID (CRLF)', () => {
    const body = [
      '--batchresponse_1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'HTTP/1.1 200 OK',
      'Content-Type: application/json; odata.metadata=minimal',
      'OData-Version: 4.0',
      '',
      '{"value":[{"name":"A"}]}',
      '--batchresponse_1',
      'Content-Type: multipart/mixed; boundary="changesetresponse_2"',
      '',
      '--changesetresponse_2',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'HTTP/1.1 201 Created',
      'Content-Type: application/json',
      'Location: https://x/accounts(1)',
      '',
      '{"accountid":"1"}',
      '--changesetresponse_2',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      'HTTP/1.1 204 No Content',
      '',
      '',
      '--changesetresponse_2--',
      '--batchresponse_1--',
      '',
    ].join('\r\n');
    const parts = parseBatchResponse(response('multipart/mixed; boundary=batchresponse_1', body));
    assert.equal(parts?.length, 3);
    assert.deepEqual(
      parts?.map((p) => [p.id, p.atomicityGroup, p.status, p.statusText]),
      [
        [undefined, undefined, 200, 'OK'],
        ['1', 'changesetresponse_2', 201, 'Created'],
        ['2', 'changesetresponse_2', 204, 'No Content'],
      ],
    );
    assert.deepEqual(parts?.[0].json, { value: [{ name: 'A' }] });
    assert.deepEqual(parts?.[1].headers.find(([n]) => n === 'Location'), ['Location', 'https://x/accounts(1)']);
    assert.equal(parts?.[2].bodyText, '');
  });

  test('not a batch answer: undefined', () => {
    assert.equal(parseBatchResponse(response('application/json', '{"value":[]}', { value: [] })), undefined);
  });
});
