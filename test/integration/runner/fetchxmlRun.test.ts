// Running FetchXML with the runner's engine (client/src/features/runner/http/fetchXmlPaging.ts) against the real
// sample service: the GET, paging with the paging cookie (next page, load all), aggregates, link-entity columns by
// alias, formatted values, a `fetchXml=` request of an `.odata` file, and a query too long for a GET, sent inside
// `$batch` and read back as the GET's answer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleService } from '../../sample-service/start.mjs';
import { useSampleService } from './sampleServiceHarness';
import type { SendOptions } from '../../../client/src/features/runner/http/engine';
import {
  entitySetFromDefinitions,
  fetchXmlNextLink,
  fetchXmlRequest,
  fetchXmlNextPage,
  fetchXmlOfUrl,
  fetchXmlTooLong,
  isFetchXmlRequest,
  loadAllFetchXmlPages,
  MAX_GET_URL_LENGTH,
  sendableFetchXmlRequest,
  sendFetchXml,
  setFetchAttributes,
  withFetchXmlPrefer,
} from '../../../client/src/features/runner/http/fetchXmlPaging';
import { prepareRequest } from '../../../client/src/features/runner/http/prepare';
import type { PreparedRequest, ResponseResult, RunnerEnvironment, SendOutcome } from '../../../client/src/features/runner/types';
import { fetchXmlEnvironment } from '../../../server/src/odata/index';

const TOKEN = 'eyJfetchxml.sample.token-0123456789abcdef';
const options: SendOptions = { token: async () => TOKEN };
type Row = Record<string, unknown>;

let service: SampleService;
let environment: RunnerEnvironment;

function ok(outcome: SendOutcome): ResponseResult {
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.kind}: ${outcome.message}`);
  assert.ok(!JSON.stringify(outcome).includes(TOKEN), 'the token appears in the outcome');
  assert.equal(outcome.status, 200, outcome.bodyText.slice(0, 400));
  return outcome;
}
const rows = (result: ResponseResult): Row[] => (result.json as { value: Row[] }).value;

/** A `.fetchxml` file's request, with the Prefer header the runner adds. */
function fileRequest(xml: string, entitySet = 'accounts'): PreparedRequest {
  return withFetchXmlPrefer(fetchXmlRequest(xml, environment, entitySet, 'test.fetchxml'));
}

useSampleService((started, env) => {
  service = started;
  environment = env;
});

describe('running FetchXML', () => {
  test('a .fetchxml file becomes GET {entityset}?fetchXml= (indentation and the environment comment left out) and answers rows', async () => {
    const text = '<!-- @environment = sample -->\n<fetch count="5">\n  <entity name="account">\n    <attribute name="name" />\n  </entity>\n</fetch>\n';
    // The runner reads the file's environment as the language server does (the core's fetchXmlEnvironment).
    assert.equal(fetchXmlEnvironment(text)?.name, 'sample');
    const request = fileRequest(text);
    assert.equal(request.url, `${service.serviceRoot}accounts?fetchXml=${encodeURIComponent('<fetch count="5"><entity name="account"><attribute name="name" /></entity></fetch>')}`);
    assert.ok(isFetchXmlRequest(request));
    assert.deepEqual(request.headers.find(([name]) => name === 'Prefer'), ['Prefer', 'odata.include-annotations="*"']);
    const { sent, outcome } = await sendFetchXml(request, options);
    assert.equal(sent, request, 'a short query goes as a GET');
    assert.equal(rows(ok(outcome)).length, 5);
  });

  test('Load next page follows the paging cookie: page 2 continues page 1 without repeats', async () => {
    const request = fileRequest('<fetch count="40"><entity name="contact"><attribute name="fullname" /><order attribute="fullname" /></entity></fetch>', 'contacts');
    const first = ok((await sendFetchXml(request, options)).outcome);
    const link = fetchXmlNextLink(request.url, first);
    assert.ok(link, 'a next page');
    const next = fetchXmlOfUrl(link)!;
    assert.match(next, /^<fetch count="40" page="2" paging-cookie="&lt;cookie page=&quot;1&quot;&gt;&lt;fullname last=/);
    const page2 = await fetchXmlNextPage(request, link, options);
    assert.ok('rows' in page2, 'failure' in page2 ? page2.failure : '');
    assert.equal(page2.rows.length, 40);
    const ids = [...rows(first), ...(page2.rows as Row[])].map((r) => r.contactid);
    assert.equal(new Set(ids).size, 80);
    const names = [...rows(first), ...(page2.rows as Row[])].map((r) => String(r.fullname).toLowerCase());
    assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'page 2 sorts after page 1');
    assert.match(page2.nextLink ?? '', /page%3D%223%22/);
  });

  test('Load all reads every page to the end (2,000 accounts in pages of 500), then there is no next link', async () => {
    const request = fileRequest('<fetch count="500"><entity name="account"><attribute name="name" /></entity></fetch>');
    const first = ok((await sendFetchXml(request, options)).outcome);
    const pages: number[] = [];
    const all = await loadAllFetchXmlPages(request, first, { ...options, maxRows: 10_000, onPage: (added, total) => pages.push(added.length, total) });
    assert.equal(all.stoppedBecause, 'end');
    assert.equal(all.pages, 4);
    assert.equal(all.rows.length, 2000);
    assert.equal(new Set((all.rows as Row[]).map((r) => r.accountid)).size, 2000);
    assert.deepEqual(pages, [500, 1000, 500, 1500, 500, 2000]);
    assert.equal(all.nextLink, undefined);
  });

  test('Load all stops at the row cap with a link to go on', async () => {
    const request = fileRequest('<fetch count="300"><entity name="account"><attribute name="name" /></entity></fetch>');
    const first = ok((await sendFetchXml(request, options)).outcome);
    const all = await loadAllFetchXmlPages(request, first, { ...options, maxRows: 700 });
    assert.equal(all.stoppedBecause, 'cap');
    assert.equal(all.rows.length, 700);
    assert.match(fetchXmlOfUrl(all.nextLink!)!, /page="4"/);
  });

  test('a query with top has no next page', async () => {
    const request = fileRequest('<fetch top="10"><entity name="account"><attribute name="name" /></entity></fetch>');
    assert.equal(fetchXmlNextLink(request.url, ok((await sendFetchXml(request, options)).outcome)), undefined);
  });

  test('aggregate results, link-entity columns by alias and formatted values come through as rows', async () => {
    const aggregate = ok((await sendFetchXml(fileRequest('<fetch aggregate="true"><entity name="account"><attribute name="accountid" alias="count" aggregate="count" /><attribute name="statecode" alias="state" groupby="true" /></entity></fetch>'), options)).outcome);
    const groups = rows(aggregate);
    assert.deepEqual(groups.map((g) => g['state@OData.Community.Display.V1.FormattedValue']).sort(), ['Active', 'Inactive']);
    assert.equal(groups.reduce((n, g) => n + Number(g.count), 0), 2000);
    const linked = rows(ok((await sendFetchXml(fileRequest('<fetch top="3"><entity name="account"><attribute name="revenue" /><link-entity name="contact" from="contactid" to="primarycontactid" alias="pc"><attribute name="fullname" /></link-entity></entity></fetch>'), options)).outcome));
    assert.ok(linked.every((r) => typeof r['pc.fullname'] === 'string'), JSON.stringify(linked[0]));
    assert.ok(linked.some((r) => /^\$/.test(String(r['revenue@OData.Community.Display.V1.FormattedValue']))));
  });

  test('a fetchXml= request of an .odata file is a FetchXML request: the runner adds the Prefer header and pages it', async () => {
    const xml = '<fetch count="25"><entity name="lead"><attribute name="subject" /></entity></fetch>';
    const prepared = prepareRequest(`GET leads?fetchXml=${encodeURIComponent(xml)}\n`, 0, environment);
    assert.ok(prepared.ok);
    assert.ok(isFetchXmlRequest(prepared.request));
    const request = withFetchXmlPrefer(prepared.request);
    const first = ok((await sendFetchXml(request, options)).outcome);
    assert.equal(rows(first).length, 25);
    assert.ok(fetchXmlNextLink(request.url, first));
    const plain = prepareRequest('GET leads?fetchXml=<fetch count="5"><entity name="lead"><attribute name="subject" /><order attribute="subject" /></entity></fetch>\n', 0, environment);
    assert.ok(plain.ok, 'FetchXML written plainly in the URL');
    const plainFirst = ok((await sendFetchXml(withFetchXmlPrefer(plain.request), options)).outcome);
    assert.equal(rows(plainFirst).length, 5);
    const plainNext = await fetchXmlNextPage(plain.request, fetchXmlNextLink(plain.request.url, plainFirst)!, options);
    assert.ok('rows' in plainNext && plainNext.rows.length === 5);
    const own = prepareRequest(`GET leads?fetchXml=${encodeURIComponent(xml)}\nPrefer: odata.maxpagesize=10\n`, 0, environment);
    assert.ok(own.ok);
    assert.equal(withFetchXmlPrefer(own.request), own.request, 'a request with its own Prefer header keeps it');
  });

  test('a query whose URL passes 32,768 characters goes inside $batch and answers as the GET would, pages included', async () => {
    const res = await fetch(`${service.serviceRoot}accounts?$select=accountid&$orderby=accountid&$top=30`);
    const ids = ((await res.json()) as { value: Row[] }).value.map((r) => r.accountid as string);
    const filler = Array.from({ length: 700 }, (_, i) => `<value>00000000-0000-4000-8000-${String(i).padStart(12, '0')}</value>`).join('');
    const xml = `<fetch count="20"><entity name="account"><attribute name="name" /><order attribute="accountid" /><filter><condition attribute="accountid" operator="in">${filler}${ids.map((id) => `<value>${id}</value>`).join('')}</condition></filter></entity></fetch>`;
    const request = fileRequest(xml);
    assert.ok(request.url.length > MAX_GET_URL_LENGTH, String(request.url.length));
    assert.equal(fetchXmlTooLong(request.url), undefined);
    const batch = sendableFetchXmlRequest(request);
    assert.equal(batch.method, 'POST');
    assert.equal(batch.url, `${service.serviceRoot}$batch`);
    assert.match(batch.body ?? '', /\r\nGET accounts\?fetchXml=%3Cfetch%20count%3D%2220%22/);
    assert.match(batch.body ?? '', /\r\nPrefer: odata\.include-annotations="\*"\r\n/);
    const { sent, outcome } = await sendFetchXml(request, options);
    assert.equal(sent.method, 'POST');
    const first = ok(outcome);
    assert.ok(first.notes.some((note) => /^Sent inside \$batch: the URL has [\d,]+ characters/.test(note)), first.notes.join(' | '));
    assert.deepEqual(rows(first).map((r) => r.accountid), ids.slice(0, 20));
    const link = fetchXmlNextLink(request.url, first);
    assert.ok(link);
    const page2 = await fetchXmlNextPage(request, link, options);
    assert.ok('rows' in page2, 'failure' in page2 ? page2.failure : '');
    assert.deepEqual((page2.rows as Row[]).map((r) => r.accountid), ids.slice(20, 30));
    assert.equal(page2.nextLink, undefined);
  });

  test('a query too long even for $batch is refused with what to do', () => {
    const huge = `${service.serviceRoot}accounts?fetchXml=${'x'.repeat(70_000)}`;
    assert.match(fetchXmlTooLong(huge) ?? '', /at most 65,536 even inside \$batch/);
  });

  test('an error of the service inside $batch is the GET\'s error', async () => {
    const filler = Array.from({ length: 1500 }, (_, i) => `<value>${i}</value>`).join('');
    const request = fileRequest(`<fetch><entity name="account"><attribute name="nope" /><filter><condition attribute="numberofemployees" operator="in">${filler}</condition></filter></entity></fetch>`);
    assert.ok(request.url.length > MAX_GET_URL_LENGTH);
    const { outcome } = await sendFetchXml(request, options);
    assert.ok(outcome.ok);
    assert.equal(outcome.status, 400);
    assert.equal(outcome.error?.code, '0x80041103');
  });

  test('the entity set of a logical name from the service\'s EntityDefinitions', async () => {
    assert.equal(await entitySetFromDefinitions(environment, 'opportunity', options), 'opportunities');
    assert.equal(await entitySetFromDefinitions(environment, 'invoice', options), undefined);
    assert.equal(await entitySetFromDefinitions(environment, "x')/../y", options), undefined, 'a name that is not a logical name is not sent');
  });

  test('setFetchAttributes changes only the fetch start tag', () => {
    const xml = '<?xml version="1.0"?>\n<fetch top="3" distinct="true">\n  <entity name="account" />\n</fetch>';
    assert.equal(setFetchAttributes(xml, { page: '2', top: undefined }), '<?xml version="1.0"?>\n<fetch distinct="true" page="2">\n  <entity name="account" />\n</fetch>');
    assert.equal(setFetchAttributes('<fetch/>', { 'paging-cookie': '<cookie page="1" />' }), '<fetch paging-cookie="&lt;cookie page=&quot;1&quot; /&gt;" />');
  });
});
