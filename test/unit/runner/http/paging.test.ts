// Paging helpers on answers: rows, @odata.count, @odata.nextLink, and the next page's request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countOf, nextLinkOf, nextPageRequest, rowsOf } from '../../../../client/src/features/runner/http/paging';
import type { PreparedRequest, ResponseResult } from '../../../../client/src/features/runner/types';

const environment = { name: 'dev', flavor: 'dataverse' as const, serviceRoot: 'http://127.0.0.1:4004/api/data/v9.2/' };
const previous: PreparedRequest = {
  method: 'POST',
  url: 'http://127.0.0.1:4004/api/data/v9.2/accounts?$select=name',
  headers: [
    ['Accept', 'application/json'],
    ['Content-Type', 'application/json'],
  ],
  body: '{}',
  title: 'Accounts',
  environment,
};

function result(json: unknown, status = 200): ResponseResult {
  const bodyText = JSON.stringify(json);
  return { ok: true, status, statusText: '', headers: [], bodyText, size: bodyText.length, truncated: false, json, elapsedMs: 0, attempts: 1, notes: [] };
}

test('rows, count and next link of a collection; a single entity is one row; an error has none', () => {
  const page = result({ '@odata.count': 2000, value: [{ a: 1 }, { a: 2 }], '@odata.nextLink': 'accounts?$skiptoken=50' });
  assert.deepEqual(rowsOf(page), [{ a: 1 }, { a: 2 }]);
  assert.equal(countOf(page), 2000);
  assert.equal(nextLinkOf(page), 'accounts?$skiptoken=50');
  assert.deepEqual(rowsOf(result({ accountid: '1', name: 'A' })), [{ accountid: '1', name: 'A' }]);
  assert.equal(rowsOf(result({ error: { message: 'no' } }, 404)), undefined);
  assert.equal(countOf(result({ value: [] })), undefined);
  assert.equal(nextLinkOf(result({ value: [] })), undefined);
});

test('a relative next link resolves against the previous URL; an absolute one on the same host is kept', () => {
  const next = nextPageRequest(previous, 'accounts?$select=name&$skiptoken=50');
  assert.ok(next.ok);
  assert.equal(next.request.url, 'http://127.0.0.1:4004/api/data/v9.2/accounts?$select=name&$skiptoken=50');
  assert.equal(next.request.method, 'GET');
  assert.equal(next.request.body, undefined);
  assert.deepEqual(next.request.headers, [['Accept', 'application/json']]);
  const absolute = nextPageRequest(previous, 'http://127.0.0.1:4004/api/data/v9.2/accounts?$skiptoken=100');
  assert.ok(absolute.ok && absolute.request.url.endsWith('$skiptoken=100'));
});

test('a next link to another origin is refused', () => {
  const next = nextPageRequest(previous, 'https://evil.example.com/api/data/v9.2/accounts?$skiptoken=50');
  assert.ok(!next.ok);
  assert.equal(next.failure.kind, 'otherHost');
  assert.match(next.failure.message, /evil\.example\.com/);
});
