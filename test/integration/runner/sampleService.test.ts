// The runner (prepare + engine + paging + batch) against the real sample service (SAP CAP with Dataverse-shaped
// data): every query option, paging through @odata.nextLink, $count, writes with ETags (412 when stale), $batch
// with a change set (JSON and multipart), the WhoAmI function and the bound action new_CalculateRollup.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleService } from '../../sample-service/start.mjs';
import { useSampleService } from './sampleServiceHarness';
import { sendRequest, type SendOptions } from '../../../client/src/features/runner/http/engine';
import { countOf, loadAllPages, nextLinkOf, nextPageRequest, rowsOf } from '../../../client/src/features/runner/http/paging';
import { batchOperationCount, parseBatchResponse } from '../../../client/src/features/runner/http/batch';
import { prepareRequest } from '../../../client/src/features/runner/http/prepare';
import type { ResponseResult, RunnerEnvironment, SendOutcome } from '../../../client/src/features/runner/types';

const TOKEN = 'eyJsample.service.token-0123456789abcdef';
const token: SendOptions['token'] = async () => TOKEN;
type Row = Record<string, unknown>;

let service: SampleService;
let environment: RunnerEnvironment;

function ok(outcome: SendOutcome): ResponseResult {
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.kind}: ${outcome.message}`);
  assert.ok(!JSON.stringify(outcome).includes(TOKEN), 'the token appears in the outcome');
  return outcome;
}

/** Prepares request `index` of `text` and sends it; fails the test on anything but an HTTP answer. */
async function run(text: string, index = 0): Promise<ResponseResult> {
  const prepared = prepareRequest(text, index, environment);
  assert.ok(prepared.ok, prepared.ok ? '' : prepared.failure.message);
  return ok(await sendRequest(prepared.request, { token }));
}

function expectStatus(result: ResponseResult, status: number): void {
  assert.equal(result.status, status, `${result.status}: ${result.bodyText.slice(0, 400)}`);
}

useSampleService((started, env) => {
  service = started;
  environment = env;
});

describe('queries', () => {
  test('$select, $filter, nested $expand, $orderby, $top, $skip and $count in one request, across continuation lines', async () => {
    const result = await run(
      [
        'GET accounts?$select=name,revenue&$filter=revenue gt 1000000 and statecode eq 0',
        '    &$expand=primarycontactid($select=fullname;$expand=parentcustomerid_account($select=name))',
        '    &$orderby=revenue desc&$top=5&$skip=2&$count=true',
      ].join('\n'),
    );
    expectStatus(result, 200);
    const rows = rowsOf(result) as Row[];
    assert.equal(rows.length, 5);
    const revenues = rows.map((r) => Number(r.revenue));
    assert.ok(revenues.every((r) => r > 1_000_000));
    assert.deepEqual(revenues, [...revenues].sort((a, b) => b - a));
    const count = countOf(result);
    assert.ok(count !== undefined && count > 7 && count < 2000, `count ${count}`);
    const withContact = rows.find((r) => r.primarycontactid) as { primarycontactid: Row & { parentcustomerid_account?: Row } } | undefined;
    assert.ok(withContact, 'no account with a primary contact');
    assert.equal(typeof withContact.primarycontactid.fullname, 'string');
    assert.ok('parentcustomerid_account' in withContact.primarycontactid);
  });

  test('$skip moves the window: rows 3-5 of the unskipped query', async () => {
    const base = 'GET accounts?$select=name&$orderby=name&$top=5';
    const all = rowsOf(await run(base)) as Row[];
    const skipped = rowsOf(await run(`${base}&$skip=2`)) as Row[];
    assert.deepEqual(
      skipped.slice(0, 3).map((r) => r.name),
      all.slice(2).map((r) => r.name),
    );
  });

  test('$search and $apply', async () => {
    const search = rowsOf(await run('GET accounts?$search=Contoso&$select=name&$top=20')) as Row[];
    assert.ok(search.length > 0 && search.every((r) => String(r.name).includes('Contoso')));
    const groups = rowsOf(await run('GET accounts?$apply=groupby((statecode),aggregate($count as n))')) as Row[];
    assert.equal(
      groups.reduce((sum, g) => sum + Number(g.n), 0),
      2000,
    );
  });

  test('a lambda in $filter', async () => {
    const result = await run("GET accounts?$select=name&$filter=contact_customer_accounts/any(c:c/jobtitle ne null)&$top=3&$count=true");
    expectStatus(result, 200);
    assert.equal((rowsOf(result) as Row[]).length, 3);
  });

  test('a key access and a 404 error body', async () => {
    const first = (rowsOf(await run('GET accounts?$select=accountid&$top=1')) as Row[])[0];
    const one = await run(`GET accounts(${first.accountid})?$select=name`);
    expectStatus(one, 200);
    assert.equal((rowsOf(one) as Row[]).length, 1);
    const missing = await run('GET accounts(00000000-0000-0000-0000-00000000dead)');
    expectStatus(missing, 404);
    assert.ok(missing.error && missing.error.message.length > 0);
  });
});

describe('paging', () => {
  test('CAP pages at 50 with a relative nextLink; the next page continues it', async () => {
    const first = await run('GET accounts?$select=name&$orderby=accountid');
    assert.equal((rowsOf(first) as Row[]).length, 50);
    const link = nextLinkOf(first);
    assert.ok(link && !/^https?:/.test(link), `link ${link}`);
    const prepared = prepareRequest('GET accounts?$select=name&$orderby=accountid', 0, environment);
    assert.ok(prepared.ok);
    const next = nextPageRequest(prepared.request, link);
    assert.ok(next.ok);
    assert.ok(next.request.url.startsWith(service.serviceRoot));
    const second = ok(await sendRequest(next.request, { token }));
    const ids = (rows: unknown[] | undefined): string[] => (rows as Row[]).map((r) => String(r.accountid));
    const firstIds = ids(rowsOf(first));
    const secondIds = ids(rowsOf(second));
    assert.equal(secondIds.length, 50);
    assert.ok(secondIds[0] > firstIds[49], 'the second page does not continue the first');
  });

  test('load all: 2,000 accounts in 50-row pages, each once, matching $count', async () => {
    const prepared = prepareRequest('GET accounts?$select=name&$count=true', 0, environment);
    assert.ok(prepared.ok);
    const first = ok(await sendRequest(prepared.request, { token }));
    assert.equal(countOf(first), 2000);
    let pagesSeen = 0;
    const all = await loadAllPages(prepared.request, first, { token, maxRows: 100_000, onPage: () => pagesSeen++ });
    assert.equal(all.stoppedBecause, 'end');
    // CAP sends a next link after the full 40th page too; the 41st page is empty.
    assert.equal(all.pages, 41);
    assert.equal(pagesSeen, 40);
    assert.equal(all.rows.length, 2000);
    assert.equal(new Set((all.rows as Row[]).map((r) => r.accountid)).size, 2000);
  });

  test('load all with a cap', async () => {
    const prepared = prepareRequest('GET contacts?$select=fullname', 0, environment);
    assert.ok(prepared.ok);
    const first = ok(await sendRequest(prepared.request, { token }));
    const all = await loadAllPages(prepared.request, first, { token, maxRows: 120 });
    assert.equal(all.stoppedBecause, 'cap');
    assert.equal(all.rows.length, 120);
    assert.equal(all.pages, 3);
    assert.ok(all.nextLink);
  });
});

describe('writes with ETags', () => {
  test('POST, filter on the awkward name, PATCH with If-Match, 412 on a stale ETag, DELETE', async () => {
    const name = "O'Neil & Sons #1 Müller + Co = 100%";
    const created = await run(`POST accounts\nPrefer: return=representation\n\n${JSON.stringify({ name, revenue: 1234 })}`);
    expectStatus(created, 201);
    const account = created.json as Row;
    const id = String(account.accountid);
    const etag = String(account['@odata.etag']);
    assert.match(etag, /^W\/"\d+"$/);

    const literal = name.replace(/'/g, "''");
    const found = rowsOf(await run(`GET accounts?$select=name&$filter=name eq '${literal}'`)) as Row[];
    assert.deepEqual(
      found.map((r) => r.name),
      [name],
    );

    const patched = await run(`PATCH accounts(${id})\nIf-Match: ${etag}\n\n{"revenue": 5678}`);
    expectStatus(patched, 200);
    const newEtag = String((patched.json as Row)['@odata.etag']);
    assert.notEqual(newEtag, etag);

    const stale = await run(`PATCH accounts(${id})\nIf-Match: ${etag}\n\n{"revenue": 1}`);
    expectStatus(stale, 412);
    const staleDelete = await run(`DELETE accounts(${id})\nIf-Match: ${etag}`);
    expectStatus(staleDelete, 412);

    const deleted = await run(`DELETE accounts(${id})\nIf-Match: ${newEtag}`);
    expectStatus(deleted, 204);
    expectStatus(await run(`GET accounts(${id})`), 404);
  });
});

describe('$batch', () => {
  test('a JSON batch with a change set', async () => {
    const body = {
      requests: [
        { id: '1', method: 'GET', url: 'accounts?$select=name&$top=2' },
        { id: '2', atomicityGroup: 'create', method: 'POST', url: 'accounts', headers: { 'content-type': 'application/json' }, body: { name: 'Batch JSON A' } },
        { id: '3', atomicityGroup: 'create', method: 'POST', url: 'accounts', headers: { 'content-type': 'application/json' }, body: { name: 'Batch JSON B' } },
      ],
    };
    const text = `POST $batch\nContent-Type: application/json\n\n${JSON.stringify(body, null, 2)}`;
    const prepared = prepareRequest(text, 0, environment);
    assert.ok(prepared.ok);
    assert.equal(batchOperationCount(prepared.request), 3);
    const result = ok(await sendRequest(prepared.request, { token }));
    expectStatus(result, 200);
    const parts = parseBatchResponse(result);
    assert.deepEqual(
      parts?.map((p) => [p.id, p.status, p.atomicityGroup]),
      [
        ['1', 200, undefined],
        ['2', 201, 'create'],
        ['3', 201, 'create'],
      ],
    );
    assert.equal(((parts?.[0].json as { value: Row[] }).value).length, 2);
    const names = rowsOf(await run("GET accounts?$select=name&$filter=startswith(name,'Batch JSON')&$orderby=name")) as Row[];
    assert.deepEqual(
      names.map((r) => r.name),
      ['Batch JSON A', 'Batch JSON B'],
    );
  });

  test('a multipart batch with a change set and Content-ID', async () => {
    const text = [
      'POST $batch',
      'Content-Type: multipart/mixed; boundary=batch_runner',
      '',
      '--batch_runner',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'GET accounts?$select=name&$top=1 HTTP/1.1',
      'Accept: application/json',
      '',
      '--batch_runner',
      'Content-Type: multipart/mixed; boundary=changeset_runner',
      '',
      '--changeset_runner',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'POST accounts HTTP/1.1',
      'Content-Type: application/json',
      '',
      '{"name":"Batch multipart A"}',
      '--changeset_runner',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      'POST $1/contact_customer_accounts HTTP/1.1',
      'Content-Type: application/json',
      '',
      '{"lastname":"Batch multipart B"}',
      '--changeset_runner--',
      '--batch_runner--',
    ].join('\n');
    const prepared = prepareRequest(text, 0, environment);
    assert.ok(prepared.ok);
    assert.equal(batchOperationCount(prepared.request), 3);
    const result = ok(await sendRequest(prepared.request, { token }));
    expectStatus(result, 200);
    const parts = parseBatchResponse(result);
    assert.ok(parts, `not a batch answer: ${result.headers.find(([n]) => n === 'content-type')?.[1]}`);
    assert.deepEqual(
      parts.map((p) => p.status),
      [200, 201, 201],
    );
    assert.deepEqual(
      parts.slice(1).map((p) => p.id),
      ['1', '2'],
    );
    assert.ok(parts[1].atomicityGroup && parts[1].atomicityGroup === parts[2].atomicityGroup);
    assert.equal((parts[1].json as Row).name, 'Batch multipart A');
    // `$1` referred to the account created by the part with Content-ID 1.
    assert.equal((parts[2].json as Row)._parentcustomerid_value, (parts[1].json as Row).accountid);
    assert.equal(result.headers.find(([n]) => n === 'content-type')?.[1].startsWith('multipart/mixed'), true);
  });
});

describe('operations', () => {
  test('the WhoAmI function', async () => {
    const result = await run('GET WhoAmI()');
    expectStatus(result, 200);
    assert.deepEqual(
      { ...(result.json as Row), '@odata.context': undefined },
      { '@odata.context': undefined, BusinessUnitId: '5f8a3c1e-2b7d-4e90-9a61-0c4d8e2f7b13', UserId: '7d2e9b40-6c1a-4f38-b5e7-91a0c3d4e5f6', OrganizationId: 'c0ffee00-1d2e-4a3b-8c9d-0e1f2a3b4c5d' },
    );
  });

  test('the bound action new_CalculateRollup stores and returns the rollup', async () => {
    const [withOpportunity] = rowsOf(await run('GET opportunities?$select=_parentaccountid_value&$filter=statecode eq 0 and _parentaccountid_value ne null&$top=1')) as Row[];
    const id = String(withOpportunity._parentaccountid_value);
    const result = await run(`@account = ${id}\nPOST accounts({{account}})/Microsoft.Dynamics.CRM.new_CalculateRollup\n\n{}`);
    expectStatus(result, 200);
    const rollup = result.json as Row;
    assert.ok(Number(rollup.OpenOpportunityCount) >= 1);
    assert.ok(Number(rollup.OpenOpportunityValue) >= 0);
    const stored = (rowsOf(await run(`GET accounts(${id})?$select=new_openopportunitycount,new_openopportunityvalue`)) as Row[])[0];
    assert.equal(Number(stored.new_openopportunitycount), Number(rollup.OpenOpportunityCount));
  });
});
