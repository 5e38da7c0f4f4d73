/**
 * Deploying custom APIs for real against the sample service (SAP CAP with Dataverse's customapis,
 * customapirequestparameters and customapiresponseproperties tables): the deep insert creates the API with its
 * parameters and properties (read back with $expand), the update path PATCHes it and adds what is missing,
 * and a failing request stops the deploy with the service's message. `send` is a plain fetch adapter producing
 * the runner's SendOutcome (the extension passes the runner's real sendRequest).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSampleService, type SampleService } from '../../sample-service/start.mjs';
import { BINDING_TYPES, PARAMETER_TYPES, STEP_TYPES, newCustomApi, type CustomApi } from '../../../client/src/features/scaffolding/customApiModel';
import { deploy, lookupRequest, planDeploy, readLookup } from '../../../client/src/features/scaffolding/deploy';
import { readCustomApiFolder, writeCustomApiFiles } from '../../../client/src/features/scaffolding/solutionXml';
import type { PreparedRequest, RunnerEnvironment, SendOutcome } from '../../../client/src/features/runner/types';

/** The runner's contract over plain fetch: enough for these requests (no token: the sample service needs none). */
async function send(request: PreparedRequest): Promise<SendOutcome> {
  const started = performance.now();
  try {
    const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
    const bodyText = await res.text();
    let json: unknown;
    try {
      json = bodyText ? JSON.parse(bodyText) : undefined;
    } catch {
      json = undefined;
    }
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    return {
      ok: true,
      status: res.status,
      statusText: res.statusText,
      headers: [...res.headers.entries()],
      bodyText,
      size: Buffer.byteLength(bodyText),
      truncated: false,
      json,
      ...(error ? { error: { code: error.code, message: error.message ?? '', raw: error } } : {}),
      elapsedMs: performance.now() - started,
      attempts: 1,
      notes: [],
    };
  } catch (error) {
    return { ok: false, kind: 'network', message: String(error), elapsedMs: performance.now() - started, attempts: 1 };
  }
}

interface RemoteField {
  uniquename: string;
  name: string;
  displayname: string;
  description: string;
  type: number;
  isoptional?: boolean;
  logicalentityname: string | null;
}
interface RemoteApi {
  customapiid: string;
  uniquename: string;
  displayname: string;
  bindingtype: number;
  boundentitylogicalname: string | null;
  isfunction: boolean;
  allowedcustomprocessingsteptype: number;
  isprivate: boolean;
  executeprivilegename: string | null;
  workflowsdkstepenabled: boolean;
  CustomAPIRequestParameters: RemoteField[];
  CustomAPIResponseProperties: RemoteField[];
}

function escalateCase(): CustomApi {
  const api = newCustomApi('contoso_EscalateCase');
  api.displayname = 'Escalate Case';
  api.description = 'Raises the priority of a case and assigns it.';
  api.bindingtype = 'Entity';
  api.boundentitylogicalname = 'incident';
  api.allowedcustomprocessingsteptype = 'SyncAndAsync';
  api.executeprivilegename = 'prvWriteIncident';
  api.requestParameters.push(
    { uniquename: 'Priority', name: 'contoso_EscalateCase.Priority', displayname: 'Priority', description: 'New priority', type: 'Picklist', isoptional: false },
    { uniquename: 'Reason', name: 'contoso_EscalateCase.Reason', displayname: 'Reason', description: 'Why', type: 'String', isoptional: true },
  );
  api.responseProperties.push({
    uniquename: 'AssignedTo',
    name: 'contoso_EscalateCase.AssignedTo',
    displayname: 'Assigned To',
    description: 'The new owner',
    type: 'EntityReference',
    logicalentityname: 'systemuser',
  });
  return api;
}

describe('deploying a custom API to the sample service', () => {
  let service: SampleService;
  let environment: RunnerEnvironment;

  before(
    async () => {
      service = await startSampleService();
      environment = { name: 'sample', flavor: 'dataverse', serviceRoot: service.serviceRoot };
    },
    { timeout: 20 * 60_000 },
  );
  after(async () => {
    await service?.stop();
  });

  async function readBack(uniquename: string): Promise<RemoteApi | undefined> {
    const url = `${service.serviceRoot}customapis?$filter=${encodeURIComponent(`uniquename eq '${uniquename}'`)}&$expand=CustomAPIRequestParameters,CustomAPIResponseProperties`;
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { value: RemoteApi[] }).value[0];
  }

  function assertMatches(remote: RemoteApi, api: CustomApi): void {
    assert.equal(remote.uniquename, api.uniquename);
    assert.equal(remote.displayname, api.displayname);
    assert.equal(remote.bindingtype, BINDING_TYPES.indexOf(api.bindingtype));
    assert.equal(remote.boundentitylogicalname, api.boundentitylogicalname ?? null);
    assert.equal(remote.isfunction, api.isfunction);
    assert.equal(remote.allowedcustomprocessingsteptype, STEP_TYPES.indexOf(api.allowedcustomprocessingsteptype));
    assert.equal(remote.isprivate, api.isprivate);
    assert.equal(remote.executeprivilegename, api.executeprivilegename ?? null);
    assert.equal(remote.workflowsdkstepenabled, api.workflowsdkstepenabled);
    const byName = (a: { uniquename: string }, b: { uniquename: string }) => a.uniquename.localeCompare(b.uniquename);
    assert.deepEqual(
      [...remote.CustomAPIRequestParameters].sort(byName).map((p) => [p.uniquename, p.name, p.displayname, p.description, p.type, p.isoptional, p.logicalentityname]),
      [...api.requestParameters].sort(byName).map((p) => [p.uniquename, p.name, p.displayname, p.description, PARAMETER_TYPES.indexOf(p.type), p.isoptional, p.logicalentityname ?? null]),
    );
    assert.deepEqual(
      [...remote.CustomAPIResponseProperties].sort(byName).map((p) => [p.uniquename, p.name, p.displayname, p.type, p.logicalentityname]),
      [...api.responseProperties].sort(byName).map((p) => [p.uniquename, p.name, p.displayname, PARAMETER_TYPES.indexOf(p.type), p.logicalentityname ?? null]),
    );
  }

  test('create (deep insert), then update (PATCH + missing parameters), then nothing new to add', async () => {
    // The API as committed: written to solution files and read back, as the deploy command does.
    const api = readCustomApiFolder(writeCustomApiFiles(escalateCase()));

    assert.equal(readLookup(await send(lookupRequest(api, environment))), undefined, 'not there yet');
    const create = planDeploy(api, environment, undefined, { solutionUniqueName: 'ContosoCore' });
    assert.deepEqual(create.map((r) => r.method), ['POST']);
    const created = await deploy(create, send);
    assert.equal(created.ok, true, created.steps.map((s) => s.message).join('\n'));
    assert.equal(created.steps[0]!.status, 201);
    const remote = await readBack(api.uniquename);
    assert.ok(remote, 'created');
    assertMatches(remote, api);

    // Edit and re-deploy: a new parameter, a new property, a changed display name and privacy.
    api.displayname = 'Escalate a case';
    api.isprivate = true;
    api.requestParameters.push({ uniquename: 'Notify', name: 'contoso_EscalateCase.Notify', displayname: 'Notify', description: 'Send mail', type: 'Boolean', isoptional: true });
    api.responseProperties.push({ uniquename: 'EscalatedOn', name: 'contoso_EscalateCase.EscalatedOn', displayname: 'Escalated On', description: 'When', type: 'DateTime' });
    const existing = readLookup(await send(lookupRequest(api, environment)));
    assert.ok(existing, 'found by unique name');
    assert.equal(existing.customapiid, remote.customapiid);
    assert.deepEqual([...existing.requestParameters].sort(), ['Priority', 'Reason']);
    assert.deepEqual(existing.responseProperties, ['AssignedTo']);
    const update = planDeploy(api, environment, existing);
    assert.deepEqual(update.map((r) => r.title), ['Update custom API contoso_EscalateCase', 'Add request parameter Notify', 'Add response property EscalatedOn']);
    const updated = await deploy(update, send);
    assert.equal(updated.ok, true, updated.steps.map((s) => s.message).join('\n'));
    const afterUpdate = await readBack(api.uniquename);
    assert.ok(afterUpdate);
    assert.equal(afterUpdate.customapiid, remote.customapiid, 'the same record');
    assertMatches(afterUpdate, api);

    // Deploying the same definition again only PATCHes (no duplicate parameters).
    const again = planDeploy(api, environment, readLookup(await send(lookupRequest(api, environment))));
    assert.deepEqual(again.map((r) => r.method), ['PATCH']);
    assert.equal((await deploy(again, send)).ok, true);
  });

  test('a request the service refuses stops the deploy with its message; the rest is not sent', async () => {
    const api = newCustomApi('contoso_Twice');
    api.requestParameters.push({ uniquename: 'A', name: 'contoso_Twice.A', displayname: 'A', description: '', type: 'String', isoptional: false });
    assert.equal((await deploy(planDeploy(api, environment, undefined), send)).ok, true);
    // Creating it again as if it were new: the unique name is taken.
    const requests = [...planDeploy(api, environment, undefined), ...planDeploy(api, environment, undefined)];
    const report = await deploy(requests, send);
    assert.equal(report.ok, false);
    assert.equal(report.steps.length, 1);
    assert.equal(report.steps[0]!.status, 400);
    assert.match(report.steps[0]!.message, /Create custom API contoso_Twice: failed with 400: A custom API with the unique name 'contoso_Twice' already exists\./);
    assert.equal(report.skipped.length, 1);
  });
});
