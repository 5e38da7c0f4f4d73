/**
 * A request opened from History, or a next link followed from the results panel, checks clean: the runner's real
 * path (prepareRequest -> the URL as sent -> nextPageRequest for a next link -> historyEntry -> entryAsOdataText,
 * the `.odata` text History opens) adds no diagnostic to what the written query had, and the next links Dataverse
 * itself writes (paging cookies, `$select%20=%20…` with encoded line breaks) get none at all.
 */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { entryAsOdataText, historyEntry } from '../../../client/src/features/runner/history';
import { nextPageRequest } from '../../../client/src/features/runner/http/paging';
import { prepareRequest } from '../../../client/src/features/runner/http/prepare';
import type { PreparedRequest, ResponseResult, RunnerEnvironment } from '../../../client/src/features/runner/types';
import { checkDocument, type ODataDiagnostic } from '../../../server/src/odata/index';
import { crmModel, guid } from './binderHarness';
import { documentedQueries, prepare } from './documentedQueriesFixture';

const serviceRoot = 'https://contoso.crm.dynamics.com/api/data/v9.2/';
const environment: RunnerEnvironment = { name: 'contoso', flavor: 'dataverse', serviceRoot };
const organizationUri = /^\[Organization URI\]\/api\/data\/v9\.\d\//;

function outcome(): ResponseResult {
  return { ok: true, status: 200, statusText: 'OK', headers: [], bodyText: '{"value":[]}', size: 12, truncated: false, json: { value: [] }, elapsedMs: 40, attempts: 1, notes: [] };
}

function check(text: string): ODataDiagnostic[] {
  return checkDocument(text, crmModel(), { flavor: 'dataverse', serviceRoot });
}

function summary(diagnostics: ODataDiagnostic[]): string[] {
  return diagnostics.map((d) => `${d.severity} ${d.code}`).sort();
}

/** The `.odata` text History opens for a request sent as `prepared`. */
function historyText(prepared: PreparedRequest): string {
  return entryAsOdataText(historyEntry(prepared, outcome(), new Date('2026-01-01T00:00:00Z'), 'h1'));
}

function send(relative: string): PreparedRequest {
  const prepared = prepareRequest(`GET ${relative}\n`, 0, environment);
  assert.ok(prepared.ok, `prepared: ${JSON.stringify(prepared)}`);
  return prepared.request;
}

const dataverse = documentedQueries().filter((q) => q.flavour === 'dataverse');
const nextLinks = dataverse.filter((q) => organizationUri.test(q.query) && (q.query.includes('$skiptoken=') || q.query.includes('%20=%20subject') || q.query.includes('%0A')));

suite('History: the opened request checks as the written one did', () => {
  for (const q of dataverse) {
    const written = prepare(q).replace(organizationUri, '');
    test(`line ${q.line}: ${written.slice(0, 90)}`, () => {
      const before = summary(check(`GET ${written}\n`));
      const opened = historyText(send(written));
      const after = check(opened);
      assert.deepEqual(summary(after), before, `History text:\n${opened}`);
      assert.deepEqual(after.filter((d) => d.severity === 'error'), [], 'no error');
    });
  }
});

suite('next links followed from the results panel check clean', () => {
  test('the documentation shows next links of both kinds', () => {
    assert.ok(nextLinks.length >= 8, `only ${nextLinks.length}`);
  });
  for (const q of nextLinks) {
    const link = q.query.replace(organizationUri, serviceRoot);
    test(`line ${q.line}: ${link.slice(serviceRoot.length, serviceRoot.length + 90)}`, () => {
      const previous = send(`accounts(${guid})/Account_Tasks`);
      const next = nextPageRequest(previous, link);
      assert.ok(next.ok, 'followed');
      const opened = historyText(next.request);
      assert.deepEqual(check(opened), [], `History text of the followed link:\n${opened}`);
      // The link as the service wrote it, checked directly, is clean too.
      assert.deepEqual(check(`GET ${link}\n`), []);
    });
  }
});
