/**
 * The deploy requests as previewed: the lookup, the deep insert for a new API, the PATCH of the changeable
 * columns plus POSTs of missing parameters for an existing one, the solution header, no Authorization header;
 * and `deploy` reporting each request and stopping at the first failure. (Against a real service:
 * test/integration/scaffolding/deploy.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newCustomApi, type CustomApi } from '../../../client/src/features/scaffolding/customApiModel';
import { deploy, extraInEnvironment, lookupRequest, planDeploy, previewText, readLookup } from '../../../client/src/features/scaffolding/deploy';
import type { PreparedRequest, RunnerEnvironment, SendOutcome } from '../../../client/src/features/runner/types';

const environment: RunnerEnvironment = { name: 'contoso-dev', flavor: 'dataverse', serviceRoot: 'https://contoso.crm.dynamics.com/api/data/v9.2/' };

function api(): CustomApi {
  const a = newCustomApi("contoso_O'Brien");
  a.bindingtype = 'Entity';
  a.boundentitylogicalname = 'account';
  a.requestParameters.push({ uniquename: 'Amount', name: 'n.Amount', displayname: 'Amount', description: 'd', type: 'Money', isoptional: true });
  a.responseProperties.push({ uniquename: 'Owner', name: 'n.Owner', displayname: 'Owner', description: 'd', type: 'EntityReference', logicalentityname: 'systemuser' });
  return a;
}

function answer(status: number, json?: unknown): SendOutcome {
  return { ok: true, status, statusText: String(status), headers: [], bodyText: JSON.stringify(json ?? {}), size: 0, truncated: false, json, elapsedMs: 1, attempts: 1, notes: [] };
}

describe('deploy requests', () => {
  test('the lookup filters by unique name (quotes doubled) and expands the names', () => {
    const r = lookupRequest(api(), environment);
    assert.equal(r.method, 'GET');
    const url = new URL(r.url);
    assert.equal(url.origin + url.pathname, 'https://contoso.crm.dynamics.com/api/data/v9.2/customapis');
    assert.equal(url.searchParams.get('$filter'), "uniquename eq 'contoso_O''Brien'");
    assert.equal(url.searchParams.get('$expand'), 'CustomAPIRequestParameters($select=uniquename),CustomAPIResponseProperties($select=uniquename)');
    assert.ok(r.headers.some(([n, v]) => n === 'If-None-Match' && v === 'null'));
  });

  test('reading the lookup: none, one, or a message on failure', () => {
    assert.equal(readLookup(answer(200, { value: [] })), undefined);
    assert.deepEqual(readLookup(answer(200, { value: [{ customapiid: 'id1', CustomAPIRequestParameters: [{ uniquename: 'Amount' }], CustomAPIResponseProperties: [] }] })), {
      customapiid: 'id1',
      requestParameters: ['Amount'],
      responseProperties: [],
    });
    assert.throws(() => readLookup(answer(404, {})), /answered 404/);
    assert.throws(() => readLookup({ ok: false, kind: 'dns', message: 'The host was not found.', elapsedMs: 1, attempts: 1 }), /Could not look up the custom API: The host was not found\./);
  });

  test('create: one deep insert with the documented choice values and the solution header', () => {
    const [create, ...rest] = planDeploy(api(), environment, undefined, { solutionUniqueName: 'ContosoCore' });
    assert.equal(rest.length, 0);
    assert.equal(create!.method, 'POST');
    assert.equal(create!.url, 'https://contoso.crm.dynamics.com/api/data/v9.2/customapis');
    assert.ok(create!.headers.some(([n, v]) => n === 'MSCRM.SolutionUniqueName' && v === 'ContosoCore'));
    assert.ok(!create!.headers.some(([n]) => n.toLowerCase() === 'authorization'));
    const body = JSON.parse(create!.body!) as Record<string, unknown>;
    assert.equal(body.bindingtype, 1);
    assert.equal(body.boundentitylogicalname, 'account');
    assert.equal(body.allowedcustomprocessingsteptype, 0);
    assert.deepEqual(body.CustomAPIRequestParameters, [{ uniquename: 'Amount', name: 'n.Amount', displayname: 'Amount', description: 'd', type: 8, isoptional: true }]);
    assert.deepEqual(body.CustomAPIResponseProperties, [{ uniquename: 'Owner', name: 'n.Owner', displayname: 'Owner', description: 'd', type: 5, logicalentityname: 'systemuser' }]);
    assert.equal(planDeploy(api(), environment, undefined)[0]!.headers.some(([n]) => n === 'MSCRM.SolutionUniqueName'), false);
  });

  test('update: PATCH the changeable columns, POST the missing parameters and properties', () => {
    const a = api();
    a.requestParameters.push({ uniquename: 'Note', name: 'n.Note', displayname: 'Note', description: '', type: 'String', isoptional: true });
    const existing = { customapiid: 'abc', requestParameters: ['amount', 'Legacy'], responseProperties: [] };
    const requests = planDeploy(a, environment, existing);
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.url.slice(environment.serviceRoot.length)}`),
      ['PATCH customapis(abc)', 'POST customapis(abc)/CustomAPIRequestParameters', 'POST customapis(abc)/CustomAPIResponseProperties'],
    );
    assert.deepEqual(Object.keys(JSON.parse(requests[0]!.body!) as object), ['name', 'displayname', 'description', 'isprivate', 'executeprivilegename']);
    assert.equal((JSON.parse(requests[1]!.body!) as { uniquename: string }).uniquename, 'Note');
    assert.deepEqual(extraInEnvironment(a, existing), ['request parameter Legacy']);
    const preview = previewText(requests);
    assert.match(preview, /^### Update custom API contoso_O'Brien\nPATCH https:\/\/contoso\.crm\.dynamics\.com\/api\/data\/v9\.2\/customapis\(abc\)\n/);
  });

  test('deploy reports each request and stops at the first failure', async () => {
    const requests = planDeploy(api(), environment, { customapiid: 'abc', requestParameters: [], responseProperties: [] });
    assert.equal(requests.length, 3);
    const sent: PreparedRequest[] = [];
    const outcomes = [answer(204), { ...answer(400, { error: { message: 'Bad type' } }), error: { message: 'Bad type', raw: {} } }];
    const report = await deploy(requests, async (r) => {
      sent.push(r);
      return outcomes.shift()!;
    });
    assert.equal(report.ok, false);
    assert.equal(sent.length, 2);
    assert.deepEqual(report.steps.map((s) => [s.ok, s.status]), [
      [true, 204],
      [false, 400],
    ]);
    assert.match(report.steps[1]!.message, /^Add request parameter Amount: failed with 400: Bad type\. Fix the definition/);
    assert.deepEqual(report.skipped, [requests[2]]);
  });
});
