// The production confirmation's question: writes to production ask, reads do not, and a $batch says how many reads
// and writes it holds (multipart with change sets, and JSON batches).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { batchReadsAndWrites } from '../../../client/src/features/runner/http/batch';
import { productionQuestion } from '../../../client/src/features/runner/productionConfirmation';
import type { PreparedRequest } from '../../../client/src/features/runner/types';

const ROOT = 'https://contoso.crm.dynamics.com/api/data/v9.2/';
const production = { name: 'prod', flavor: 'dataverse' as const, serviceRoot: ROOT, production: true };

function request(method: string, path: string, body?: string, contentType?: string): PreparedRequest {
  const headers: Array<[string, string]> = contentType ? [['Content-Type', contentType]] : [];
  return { method, url: `${ROOT}${path}`, headers, body, title: path, environment: production };
}

const MULTIPART = [
  '--batch_1',
  'Content-Type: application/http',
  '',
  'GET accounts?$top=1 HTTP/1.1',
  '',
  '--batch_1',
  'Content-Type: multipart/mixed; boundary=changeset_1',
  '',
  '--changeset_1',
  'Content-Type: application/http',
  'Content-ID: 1',
  '',
  'POST accounts HTTP/1.1',
  'Content-Type: application/json',
  '',
  '{"name":"a"}',
  '--changeset_1',
  'Content-Type: application/http',
  'Content-ID: 2',
  '',
  'DELETE accounts(1) HTTP/1.1',
  '',
  '--changeset_1--',
  '--batch_1--',
  '',
].join('\r\n');

describe('production confirmation', () => {
  test('a write asks (URL redacted), a read does not, a non-production write does not', () => {
    const question = productionQuestion(request('PATCH', 'accounts(1)?code=secret'));
    assert.equal(question?.message, '"prod" is a production environment. Send PATCH https://contoso.crm.dynamics.com/api/data/v9.2/accounts(1)?code=•••?');
    assert.equal(productionQuestion(request('GET', 'accounts')), undefined);
    assert.equal(productionQuestion({ ...request('POST', 'accounts'), environment: { ...production, production: false } }), undefined);
    assert.match(productionQuestion(request('DELETE', 'accounts(1)'), { again: true })!.message, /Send again DELETE/);
  });

  test('a $batch lists its reads and writes; one with only reads does not ask', () => {
    const batch = request('POST', '$batch', MULTIPART, 'multipart/mixed; boundary=batch_1');
    assert.deepEqual(batchReadsAndWrites(batch), { reads: 1, writes: 2 });
    const question = productionQuestion(batch)!;
    assert.equal(question.message, '"prod" is a production environment. Send this $batch (1 read and 2 writes)?');
    assert.match(question.detail, /1 read and 2 writes/);
    const json = request('POST', '$batch', JSON.stringify({ requests: [{ id: '1', method: 'get', url: 'accounts' }, { id: '2', method: 'GET', url: 'contacts' }] }), 'application/json');
    assert.deepEqual(batchReadsAndWrites(json), { reads: 2, writes: 0 });
    assert.equal(productionQuestion(json), undefined);
    assert.equal(batchReadsAndWrites(request('POST', 'accounts', '{}')), undefined);
  });
});
