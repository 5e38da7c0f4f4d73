/**
 * From a URL a person types or pastes (an org URL, a service root, a request URL, a Business Central web
 * client address…), the flavour, the service root and a suggested environment name. Pure: no `vscode`.
 */
import type { FlavorName } from '../../../../server/src/protocol';

export interface DetectedEnvironment {
  ok: true;
  flavor: FlavorName;
  /** Absolute, with a trailing slash: `<serviceRoot>$metadata` is the metadata document. */
  serviceRoot: string;
  /** A short name for settings and `@environment = name` (the org, the F&O host's first label, the BC environment). */
  suggestedName: string;
  /** Something the person should know (e.g. Business Central's company is chosen later). */
  note?: string;
}

export interface DetectionError {
  ok: false;
  error: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Dataverse org hosts: commercial (crm, crm2 … crm21), and the sovereign clouds' equivalents. */
const DATAVERSE_HOST = /^([a-z0-9][a-z0-9-]*)\.(crm\d*\.dynamics\.com|crm\.microsoftdynamics\.(?:us|de)|crm\.appsplatform\.us|crm\.dynamics\.cn)$/i;
/** F&O: `*.operations.dynamics.com` (also `*.sandbox.operations…`, regional `*.operations.eu…`), and the older `cloudax`/`axcloud`. */
const FNO_HOST = /^([a-z0-9][a-z0-9-]*)\.(?:[a-z0-9-]+\.)*(?:operations(?:\.[a-z]{2,4})?|cloudax|axcloud)\.dynamics\.com$/i;
const BC_API_HOST = /^api\.businesscentral\.dynamics\.com$/i;
const BC_WEB_HOST = /^businesscentral\.dynamics\.com$/i;
const DATAVERSE_VERSION = /^v9\.\d$/i;

function fail(error: string): DetectionError {
  return { ok: false, error };
}

/** A name that reads well in settings and in `@environment = name`: letters, digits, `-`, `_`, `.`. */
export function cleanName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned || 'environment';
}

export function detectEnvironment(input: string): DetectedEnvironment | DetectionError {
  const text = input.trim();
  if (!text) return fail('Enter the URL of the environment, e.g. https://contoso.crm.dynamics.com');
  let candidate = text;
  // "contoso.crm.dynamics.com" without a scheme: the Dynamics hosts are always https.
  if (!/^[a-z][a-z0-9+.-]*:/i.test(candidate) && /^[a-z0-9-]+(\.[a-z0-9-]+)+(\/|$)/i.test(candidate)) candidate = `https://${candidate}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return fail(`'${text}' is not a URL. Enter an address such as https://contoso.crm.dynamics.com or https://contoso.operations.dynamics.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail(`'${text}' is not an http(s) address (it uses ${url.protocol}). Enter the https:// address of the environment.`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    return fail(`'${url.host}' is reached over plain http. Use https:// (http is allowed only for localhost and 127.0.0.1, for local test services).`);
  }
  if (url.username || url.password) return fail('Remove the user name and password from the URL: sign-in is stored separately, never in settings.');
  const host = url.hostname.toLowerCase();
  const segments = url.pathname.split('/').filter(Boolean).map((segment) => decodeURIComponent(segment));

  const dataverse = DATAVERSE_HOST.exec(host);
  if (dataverse) {
    const api = segments.findIndex((segment, i) => segment.toLowerCase() === 'api' && segments[i + 1]?.toLowerCase() === 'data');
    const typed = api >= 0 ? segments[api + 2] : undefined;
    const version = typed && DATAVERSE_VERSION.test(typed) ? typed.toLowerCase() : 'v9.2';
    return { ok: true, flavor: 'dataverse', serviceRoot: `https://${host}/api/data/${version}/`, suggestedName: cleanName(dataverse[1]!) };
  }

  const fno = FNO_HOST.exec(host);
  if (fno) return { ok: true, flavor: 'fno', serviceRoot: `https://${host}/data/`, suggestedName: cleanName(fno[1]!) };

  if (BC_API_HOST.test(host) || BC_WEB_HOST.test(host)) {
    // API: /v2.0/{tenant}/{environment}[/api/v2.0/…] or /v2.0/{environment}/api/… (the tenant from sign-in).
    // Web client: /{tenant}/{environment}[/…] (or /{environment}).
    const rest = BC_API_HOST.test(host) ? (segments[0]?.toLowerCase() === 'v2.0' ? segments.slice(1) : undefined) : segments;
    if (!rest) return fail(`A Business Central API address starts with https://api.businesscentral.dynamics.com/v2.0/{tenant}/{environment}; '${text}' does not.`);
    const end = rest.findIndex((segment) => /^(api|odatav4)$/i.test(segment));
    const head = end >= 0 ? rest.slice(0, end) : rest.slice(0, 2);
    if (head.length === 0) return fail(`Add the environment name to the Business Central address: https://api.businesscentral.dynamics.com/v2.0/{tenant}/{environment}`);
    const environment = head[head.length - 1]!;
    const base = head.map(encodeURIComponent).join('/');
    return {
      ok: true,
      flavor: 'bc',
      serviceRoot: `https://api.businesscentral.dynamics.com/v2.0/${base}/api/v2.0/`,
      suggestedName: cleanName(environment),
      note: 'Business Central: the company (companies(id)) is chosen later; requests start with companies(…)/ until then.',
    };
  }

  let path = url.pathname.replace(/\/\$metadata$/i, '/');
  if (!path.endsWith('/')) path += '/';
  const first = host.split('.')[0] ?? host;
  return {
    ok: true,
    flavor: 'generic',
    serviceRoot: `${url.protocol}//${url.host}${path}`,
    suggestedName: cleanName(LOOPBACK.has(host) ? 'local' : first),
  };
}

/** A Business Central company, from `GET companies` (every entity lives under `companies({id})`). */
export interface Company {
  id: string;
  name: string;
  displayName?: string;
}

/** The companies in a `companies` answer, sorted by name; [] for anything else. */
export function companiesFrom(json: unknown): Company[] {
  const value = (json as { value?: unknown } | null)?.value;
  if (!Array.isArray(value)) return [];
  const companies: Company[] = [];
  for (const row of value) {
    const { id, name, displayName } = (row ?? {}) as Record<string, unknown>;
    if (typeof id !== 'string' || typeof name !== 'string') continue;
    companies.push({ id, name, ...(typeof displayName === 'string' && displayName !== name ? { displayName } : {}) });
  }
  return companies.sort((a, b) => a.name.localeCompare(b.name));
}

/** The company a person (or a test) named: by id, name or display name, case-insensitively. */
export function findCompany(companies: readonly Company[], wanted: string): Company | undefined {
  const text = wanted.trim().toLowerCase();
  return companies.find((company) => [company.id, company.name, company.displayName].some((value) => value?.toLowerCase() === text));
}
