/**
 * Prepares one request of an `.odata` file for sending: variables substituted, the URL resolved against the
 * environment's service root and encoded for real servers, the OData headers every request needs plus the
 * file's own (which win), and the body. Refuses what must not be sent: unresolved variables, variables past their
 * bounds (a cycle, too deep, too large), another host, and the headers a file may not set (the core's one list,
 * facts/forbiddenHeaders.ts, which the editor's diagnostics read too).
 */
import {
  forbiddenHeader,
  forbiddenHeaderMessage,
  parseRequestFile,
  requestMethod,
  expandPieces,
  expandRequestUrl,
  variableTable,
  VARIABLE_LIMITS,
  type SystemVariableResolver,
  type UnresolvedVariable,
} from '../../../../../server/src/odata/index';
import { redactUrl } from '../redaction';
import type { PreparedRequest, RequestFailure, RunnerEnvironment } from '../types';
import { sendingSystemVariables } from '../systemVariables';
import { encodeODataUrl } from './urlEncoding';

export type PrepareResult = { ok: true; request: PreparedRequest } | { ok: false; failure: RequestFailure };

const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'PUT', 'DELETE', 'MERGE']);

/** True for the methods that change data (asked for confirmation on production environments). */
export function isWriteMethod(method: string): boolean {
  return WRITE_METHODS.has(method.toUpperCase());
}

/** Prepares the request at `requestIndex` (0-based, in file order) of an `.odata` document. */
export function prepareRequest(
  text: string,
  requestIndex: number,
  environment: RunnerEnvironment,
  options: {
    systemVariables?: SystemVariableResolver;
    variables?: Readonly<Record<string, string>>;
    /** The environment sends a token (then a Cookie header is refused too); default: every flavour but generic. */
    signedIn?: boolean;
  } = {},
): PrepareResult {
  const file = parseRequestFile(text);
  const request = file.requests[requestIndex];
  if (!request) return invalid(`There is no request number ${requestIndex + 1} in this file (it has ${file.requests.length}).`);
  const system = options.systemVariables ?? sendingSystemVariables();
  const table = variableTable(file, options.variables);
  const method = requestMethod(request);

  const unresolved: UnresolvedVariable[] = [];
  const url = expandRequestUrl(request, table, system);
  unresolved.push(...url.unresolved);
  const headers = request.headers.map((header) => {
    const value = expandPieces([{ span: header.valueSpan, text: header.value }], table, system);
    unresolved.push(...value.unresolved);
    return [header.name, value.text] as [string, string];
  });
  const body = request.body ? expandPieces([request.body], table, system) : undefined;
  if (body) unresolved.push(...body.unresolved);
  const bounded = unresolved.find((u) => u.reason === 'tooDeep' || u.reason === 'tooLarge');
  if (bounded) {
    return invalid(
      bounded.reason === 'tooDeep'
        ? `Not sent: {{${bounded.name}}} nests other variables more than ${VARIABLE_LIMITS.maxDepth} levels deep. Give it a flatter value.`
        : `Not sent: {{${bounded.name}}} expands past the size limit (${VARIABLE_LIMITS.maxValueLength.toLocaleString('en-US')} characters a value, ${VARIABLE_LIMITS.maxRequestLength.toLocaleString('en-US')} a request). Definitions that use another variable twice double at every level: shorten them.`,
    );
  }
  const expandedLength = url.text.length + headers.reduce((sum, [name, value]) => sum + name.length + value.length, 0) + (body?.text.length ?? 0);
  if (expandedLength > VARIABLE_LIMITS.maxRequestLength) {
    return invalid(`Not sent: with its variables expanded this request is ${expandedLength.toLocaleString('en-US')} characters, over the limit of ${VARIABLE_LIMITS.maxRequestLength.toLocaleString('en-US')}. Shorten the variables it uses.`);
  }
  if (unresolved.length > 0) {
    const names = [...new Set(unresolved.map((u) => u.name))];
    const cycles = unresolved.filter((u) => u.reason === 'cycle').map((u) => u.name);
    return invalid(
      `Unresolved variable${names.length > 1 ? 's' : ''}: ${names.map((n) => `{{${n}}}`).join(', ')}. ` +
        (cycles.length > 0 ? `${[...new Set(cycles)].join(', ')} refer${cycles.length > 1 ? '' : 's'} to itself; ` : '') +
        'define each with `@name = value` in the file.',
    );
  }

  const signedIn = options.signedIn ?? environment.flavor !== 'generic';
  for (const [name] of headers) {
    const forbidden = forbiddenHeader(name, { signedIn });
    if (forbidden) return invalid(forbiddenHeaderMessage(name, forbidden));
  }

  const resolved = resolveUrl(url.text.trim(), environment);
  if (!resolved.ok) return resolved;

  const bodyText = body?.text;
  const contentType = headerValue(headers, 'content-type') ?? '';
  const defaults = defaultHeaders(method, environment, bodyText !== undefined);
  // A multipart $batch asks for a multipart answer (services answer a JSON Accept with a JSON batch).
  if (/^multipart\//i.test(contentType)) defaults[0] = ['Accept', 'multipart/mixed'];
  const finalHeaders = mergeHeaders(defaults, headers);
  const prepared: PreparedRequest = {
    method,
    url: resolved.url,
    headers: finalHeaders,
    // The title is shown and kept (panel, history): a URL's secret query parameters are not part of it.
    title: request.name ?? `${method} ${redactUrl(url.text.trim())}`,
    environment,
  };
  if (bodyText !== undefined) prepared.body = /^multipart\//i.test(contentType) ? toCrlf(bodyText) : bodyText;
  return { ok: true, request: prepared };
}

/** The OData headers every request needs (DESIGN §2). */
function defaultHeaders(method: string, environment: RunnerEnvironment, hasBody: boolean): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ['Accept', 'application/json'],
    ['OData-MaxVersion', '4.0'],
    ['OData-Version', '4.0'],
  ];
  if (environment.flavor === 'dataverse' && method === 'GET') headers.push(['If-None-Match', 'null']);
  if (hasBody) headers.push(['Content-Type', 'application/json']);
  return headers;
}

/** The file's headers replace defaults of the same name (case-insensitive). */
function mergeHeaders(defaults: Array<[string, string]>, own: Array<[string, string]>): Array<[string, string]> {
  const ownNames = new Set(own.map(([name]) => name.toLowerCase()));
  return [...defaults.filter(([name]) => !ownNames.has(name.toLowerCase())), ...own];
}

export function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i][0].toLowerCase() === lower) return headers[i][1];
  return undefined;
}

/** Multipart bodies need CRLF line breaks and a line break after the closing delimiter. */
function toCrlf(text: string): string {
  const crlf = text.replace(/\r?\n/g, '\r\n');
  return crlf.endsWith('\r\n') ? crlf : `${crlf}\r\n`;
}

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The absolute, encoded URL of a request written relative to the service root (or absolute on its host). */
function resolveUrl(written: string, environment: RunnerEnvironment): { ok: true; url: string } | { ok: false; failure: RequestFailure } {
  if (written === '') return invalid('This request has no URL: write the path after the method, for example `GET accounts?$top=10`.');
  let root: URL;
  try {
    root = new URL(environment.serviceRoot);
  } catch {
    return invalid(`The environment ${environment.name} has an invalid service root (${environment.serviceRoot}): fix it in the environment settings.`);
  }
  const rootText = environment.serviceRoot.endsWith('/') ? environment.serviceRoot : `${environment.serviceRoot}/`;

  if (ABSOLUTE.test(written)) {
    const originEnd = written.indexOf('/', written.indexOf('//') + 2);
    const originText = originEnd < 0 ? written : written.slice(0, originEnd);
    let origin: string;
    try {
      origin = new URL(originText).origin;
    } catch {
      return invalid(`The URL ${written} is not valid: check its host name.`);
    }
    if (origin !== root.origin) {
      return {
        ok: false,
        failure: failure(
          'otherHost',
          `This request goes to ${origin}, but the environment ${environment.name} is ${root.origin}. ` +
            `Write the URL relative to the service root (${rootText}), or send it to an environment on that host; the sign-in token is only sent to the environment's own host.`,
        ),
      };
    }
    return { ok: true, url: root.origin + encodeODataUrl(originEnd < 0 ? '/' : written.slice(originEnd)) };
  }
  // `/api/data/v9.2/accounts` is from the host root; `/accounts` (as the Dataverse docs write it) is from the service root.
  if (written.startsWith('/')) {
    if (written.startsWith(root.pathname) || `${written}/` === root.pathname) return { ok: true, url: root.origin + encodeODataUrl(written) };
    return { ok: true, url: rootText + encodeODataUrl(written.replace(/^\/+/, '')) };
  }
  return { ok: true, url: rootText + encodeODataUrl(written) };
}

function invalid(message: string): { ok: false; failure: RequestFailure } {
  return { ok: false, failure: failure('invalidRequest', message) };
}

function failure(kind: RequestFailure['kind'], message: string): RequestFailure {
  return { ok: false, kind, message, elapsedMs: 0, attempts: 0 };
}
