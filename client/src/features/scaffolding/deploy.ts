/**
 * Deploying a custom API through the Dataverse Web API, as requests the user previews before they run:
 *
 * - `lookupRequest`: finds the API by unique name, with its parameters' and properties' names (read-only).
 * - `planDeploy`: create = one deep insert (`POST customapis` with `CustomAPIRequestParameters` and
 *   `CustomAPIResponseProperties`); update = `PATCH customapis({id})` with the columns that may change, plus a
 *   `POST customapis({id})/CustomAPIRequestParameters` (or `…ResponseProperties`) for each one that is missing.
 *   `MSCRM.SolutionUniqueName` adds the new components to a solution.
 * - `deploy`: sends them in order through the runner's `send` and reports each; stops at the first failure.
 *
 * Pure apart from the `send` it is given: the requests are PreparedRequests (no Authorization header; the
 * runner's engine adds the token for the environment's own host).
 */
import type { PreparedRequest, RunnerEnvironment, SendOutcome } from '../runner/types';
import { BINDING_TYPES, PARAMETER_TYPES, STEP_TYPES, type CustomApi, type CustomApiField, type RequestParameter } from './customApiModel';

export interface DeployOptions {
  /** Adds created components to this unmanaged solution (`MSCRM.SolutionUniqueName`). */
  solutionUniqueName?: string;
}

/** What `lookupRequest` finds: the existing API's id and the names it already has. */
export interface ExistingCustomApi {
  customapiid: string;
  requestParameters: string[];
  responseProperties: string[];
}

const ODATA_HEADERS: Array<[string, string]> = [
  ['Accept', 'application/json'],
  ['OData-MaxVersion', '4.0'],
  ['OData-Version', '4.0'],
];

function url(environment: RunnerEnvironment, path: string): string {
  return new URL(path, environment.serviceRoot).toString();
}

function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** GET the API by unique name with the names of its request parameters and response properties. */
export function lookupRequest(api: Pick<CustomApi, 'uniquename'>, environment: RunnerEnvironment): PreparedRequest {
  const query =
    `$select=customapiid,uniquename&$filter=${encodeURIComponent(`uniquename eq ${odataString(api.uniquename)}`)}` +
    `&$expand=CustomAPIRequestParameters($select=uniquename),CustomAPIResponseProperties($select=uniquename)`;
  return {
    method: 'GET',
    url: url(environment, `customapis?${query}`),
    headers: [...ODATA_HEADERS, ...(environment.flavor === 'dataverse' ? [['If-None-Match', 'null'] as [string, string]] : [])],
    title: `Find custom API ${api.uniquename}`,
    environment,
  };
}

/** Reads the answer of `lookupRequest`: the existing API, undefined when there is none; throws with a message when the answer is not one. */
export function readLookup(outcome: SendOutcome): ExistingCustomApi | undefined {
  if (!outcome.ok) throw new Error(`Could not look up the custom API: ${outcome.message}`);
  if (outcome.status !== 200) {
    throw new Error(`Looking up the custom API answered ${outcome.status} ${outcome.statusText}${outcome.error ? `: ${outcome.error.message}` : ''}. Check that the environment is a Dataverse environment and that you may read custom APIs.`);
  }
  const rows = (outcome.json as { value?: unknown } | undefined)?.value;
  if (!Array.isArray(rows)) throw new Error('Looking up the custom API gave an answer without a "value" list: the service does not look like the Dataverse Web API.');
  const row = rows[0] as Record<string, unknown> | undefined;
  if (!row) return undefined;
  const names = (list: unknown) => (Array.isArray(list) ? list.map((f) => String((f as { uniquename?: unknown }).uniquename)) : []);
  return {
    customapiid: String(row.customapiid),
    requestParameters: names(row.CustomAPIRequestParameters),
    responseProperties: names(row.CustomAPIResponseProperties),
  };
}

function fieldBody(field: CustomApiField): Record<string, unknown> {
  return {
    uniquename: field.uniquename,
    name: field.name,
    displayname: field.displayname,
    description: field.description,
    type: PARAMETER_TYPES.indexOf(field.type),
    ...(field.logicalentityname ? { logicalentityname: field.logicalentityname } : {}),
  };
}

function requestParameterBody(parameter: RequestParameter): Record<string, unknown> {
  return { ...fieldBody(parameter), isoptional: parameter.isoptional };
}

/** The columns that can change after a custom API is saved (the others need delete and create). */
function updatableColumns(api: CustomApi): Record<string, unknown> {
  return {
    name: api.name,
    displayname: api.displayname,
    description: api.description,
    isprivate: api.isprivate,
    executeprivilegename: api.executeprivilegename ?? null,
  };
}

/** The deep-insert body of a new custom API. */
export function createBody(api: CustomApi): Record<string, unknown> {
  return {
    uniquename: api.uniquename,
    ...updatableColumns(api),
    bindingtype: BINDING_TYPES.indexOf(api.bindingtype),
    ...(api.bindingtype !== 'Global' ? { boundentitylogicalname: api.boundentitylogicalname } : {}),
    isfunction: api.isfunction,
    allowedcustomprocessingsteptype: STEP_TYPES.indexOf(api.allowedcustomprocessingsteptype),
    workflowsdkstepenabled: api.workflowsdkstepenabled,
    CustomAPIRequestParameters: api.requestParameters.map(requestParameterBody),
    CustomAPIResponseProperties: api.responseProperties.map(fieldBody),
  };
}

function writeRequest(method: string, path: string, body: unknown, title: string, environment: RunnerEnvironment, options: DeployOptions): PreparedRequest {
  const headers: Array<[string, string]> = [...ODATA_HEADERS, ['Content-Type', 'application/json; charset=utf-8']];
  if (options.solutionUniqueName) headers.push(['MSCRM.SolutionUniqueName', options.solutionUniqueName]);
  return { method, url: url(environment, path), headers, body: JSON.stringify(body, null, 2), title, environment };
}

/** The requests that create the API (no `existing`) or bring an existing one up to date. */
export function planDeploy(api: CustomApi, environment: RunnerEnvironment, existing: ExistingCustomApi | undefined, options: DeployOptions = {}): PreparedRequest[] {
  if (!existing) return [writeRequest('POST', 'customapis', createBody(api), `Create custom API ${api.uniquename}`, environment, options)];
  const id = existing.customapiid;
  const requests = [writeRequest('PATCH', `customapis(${id})`, updatableColumns(api), `Update custom API ${api.uniquename}`, environment, options)];
  const has = (names: string[], name: string) => names.some((n) => n.toLowerCase() === name.toLowerCase());
  for (const p of api.requestParameters) {
    if (has(existing.requestParameters, p.uniquename)) continue;
    requests.push(writeRequest('POST', `customapis(${id})/CustomAPIRequestParameters`, requestParameterBody(p), `Add request parameter ${p.uniquename}`, environment, options));
  }
  for (const p of api.responseProperties) {
    if (has(existing.responseProperties, p.uniquename)) continue;
    requests.push(writeRequest('POST', `customapis(${id})/CustomAPIResponseProperties`, fieldBody(p), `Add response property ${p.uniquename}`, environment, options));
  }
  return requests;
}

/** Parameters and properties the environment has that the files do not (deploy never deletes: the user is told). */
export function extraInEnvironment(api: CustomApi, existing: ExistingCustomApi): string[] {
  const lower = (list: CustomApiField[]) => new Set(list.map((f) => f.uniquename.toLowerCase()));
  const request = lower(api.requestParameters);
  const response = lower(api.responseProperties);
  return [
    ...existing.requestParameters.filter((n) => !request.has(n.toLowerCase())).map((n) => `request parameter ${n}`),
    ...existing.responseProperties.filter((n) => !response.has(n.toLowerCase())).map((n) => `response property ${n}`),
  ];
}

/** A preview document of the requests, in `.odata` form (nothing secret: no Authorization header). */
export function previewText(requests: readonly PreparedRequest[]): string {
  const parts = requests.map((r) => {
    const head = [`### ${r.title}`, `${r.method} ${r.url}`, ...r.headers.map(([n, v]) => `${n}: ${v}`)];
    return r.body === undefined ? head.join('\n') : `${head.join('\n')}\n\n${r.body}`;
  });
  return `${parts.join('\n\n')}\n`;
}

export interface DeployStep {
  request: PreparedRequest;
  ok: boolean;
  /** HTTP status when an answer came. */
  status?: number;
  /** One line for the user: what happened (and what to do when it failed). */
  message: string;
}

export interface DeployReport {
  ok: boolean;
  steps: DeployStep[];
  /** Requests not sent because an earlier one failed. */
  skipped: PreparedRequest[];
}

function describe(request: PreparedRequest, outcome: SendOutcome): DeployStep {
  if (!outcome.ok) return { request, ok: false, message: `${request.title}: ${outcome.message}` };
  const ok = outcome.status >= 200 && outcome.status < 300;
  const detail = outcome.error?.message ?? (ok ? '' : outcome.statusText);
  return {
    request,
    ok,
    status: outcome.status,
    message: ok
      ? `${request.title}: done (${outcome.status}).`
      : `${request.title}: failed with ${outcome.status}${detail ? `: ${detail}` : ''}. Fix the definition or the environment and deploy again; the requests before this one were applied.`,
  };
}

/** Sends the requests in order and reports each; stops at the first failure. */
export async function deploy(requests: readonly PreparedRequest[], send: (request: PreparedRequest) => Promise<SendOutcome>): Promise<DeployReport> {
  const steps: DeployStep[] = [];
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i]!;
    const step = describe(request, await send(request));
    steps.push(step);
    if (!step.ok) return { ok: false, steps, skipped: requests.slice(i + 1) };
  }
  return { ok: true, steps, skipped: [] };
}
