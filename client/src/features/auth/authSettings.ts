/**
 * How an environment signs in: the `auth` object of its entry in `dynamicsOData.environments` (never a secret:
 * client secrets and tokens live in VS Code's SecretStorage), its validation, the Microsoft Entra authority per
 * cloud and tenant, and the scope to ask for. Pure: no `vscode`, no network.
 */

import { CLOUDS, SIGN_IN_METHODS, type AuthSettings, type Cloud, type EnvironmentSetting, type FlavorName, type SignInMethod } from '../../../../server/src/protocol/environmentSettings';

export { CLOUDS, SIGN_IN_METHODS, type AuthSettings, type Cloud, type SignInMethod };
export type EnvironmentFlavor = FlavorName;

/** The environment as the sign-in code needs it (a settings entry; `auth` is checked by resolveAuth). */
export type SignInEnvironment = Pick<EnvironmentSetting, 'name' | 'url' | 'auth' | 'flavor'>;

/**
 * The default public client: the Microsoft Azure CLI's well-known first-party app id. It is a public client
 * that allows the `http://localhost` loopback redirect (any port) and the device code flow, and it is
 * pre-consented in most tenants for Dataverse and Business Central (`az account get-access-token --resource
 * https://{org}.crm.dynamics.com` works with it), so most users sign in with no app registration. A tenant that
 * blocks it, and Finance & Operations (which only trusts apps registered in the environment), need their own
 * app registration: set `clientId`.
 */
export const DEFAULT_PUBLIC_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const DEFAULT_TENANT = 'organizations';

/** Microsoft Entra sign-in hosts. US Government (GCC) signs in through the public cloud's Entra ID. */
export const CLOUD_AUTHORITY_HOSTS: Record<Cloud, string> = {
  public: 'https://login.microsoftonline.com',
  usgov: 'https://login.microsoftonline.com',
  usgovhigh: 'https://login.microsoftonline.us',
  dod: 'https://login.microsoftonline.us',
  china: 'https://login.chinacloudapi.cn',
};

/**
 * Business Central's API resource per cloud, where known; elsewhere the service URL's origin is used. A Business
 * Central token has this fixed audience, so with a Microsoft authority it is only ever sent to this origin.
 */
export const BUSINESS_CENTRAL_RESOURCE: Partial<Record<Cloud, string>> = {
  public: 'https://api.businesscentral.dynamics.com',
};

/** The Microsoft Entra sign-in hosts an environment may name without the user trusting them first. */
export const MICROSOFT_AUTHORITY_HOSTS: ReadonlySet<string> = new Set([
  ...Object.values(CLOUD_AUTHORITY_HOSTS),
  'https://login.microsoft.com',
  'https://login.windows.net',
  'https://login.partner.microsoftonline.cn',
]);

/** What the user's own (user or machine level) settings trust beyond Microsoft: `dynamicsOData.trustedAuthorityHosts`. */
export interface SignInTrust {
  /** Origins such as https://adfs.contoso.com; a workspace cannot set them (the setting's scope is "machine"). */
  trustedAuthorityHosts?: readonly string[];
}

/** Settings after defaults, ready to use. */
export interface ResolvedAuth {
  method: SignInMethod;
  tenant: string;
  clientId: string;
  cloud: Cloud;
  /** `{host}/{tenant}`, without a trailing slash. */
  authority: string;
  /** Set when `authorityHost` overrides the cloud: MSAL must be told this host is trusted. */
  customAuthorityHost?: string;
  /** The one scope asked for: the API's `/.default`, derived from the service root (tokenTarget). */
  scope: string;
  /** The service root's origin: the only origin the token is sent to. */
  origin: string;
  /**
   * What the environment connects to and how it signs in (origin, authority, client id, method): token caches, client
   * secrets and sign-in state are kept under it, never under the environment's name alone.
   */
  identity: string;
  certificatePath?: string;
  certificateThumbprint?: string;
}

export type AuthResolution = { ok: true; auth: ResolvedAuth } | { ok: false; problems: string[] };

const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;
const GENERIC_TENANTS = new Set(['organizations', 'common', 'consumers']);

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An environment without an `auth` object signs in interactively, except a generic OData service and a service
 * on this machine (a local test or development server: Entra ID does not issue tokens for loopback hosts).
 */
export function defaultMethod(flavor: EnvironmentFlavor | undefined, url?: string): SignInMethod {
  if (flavor === 'generic') return 'none';
  try {
    if (url && LOOPBACK_HOSTS.has(new URL(url).hostname)) return 'none';
  } catch {
    // not a URL: the flavour decides
  }
  return 'interactive';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an `auth` object and fills in the defaults; each problem says what to change. */
export function resolveAuth(environment: SignInEnvironment, trust: SignInTrust = {}): AuthResolution {
  const where = `"${environment.name}": auth`;
  if (environment.auth !== undefined && !isRecord(environment.auth)) {
    return { ok: false, problems: [`${where} must be an object such as { "method": "interactive" }.`] };
  }
  const raw = (environment.auth ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value = raw[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') {
      problems.push(`${where}.${key} must be a string.`);
      return undefined;
    }
    return value.trim();
  };

  const method = (text('method') ?? defaultMethod(environment.flavor, environment.url)) as SignInMethod;
  if (!(SIGN_IN_METHODS as readonly string[]).includes(method)) problems.push(`${where}.method "${method}" is not one of ${SIGN_IN_METHODS.join(', ')}.`);

  const cloud = (text('cloud') ?? 'public') as Cloud;
  if (!(CLOUDS as readonly string[]).includes(cloud)) problems.push(`${where}.cloud "${cloud}" is not one of ${CLOUDS.join(', ')}.`);

  const tenant = text('tenant') ?? DEFAULT_TENANT;
  if (!TENANT.test(tenant)) problems.push(`${where}.tenant "${tenant}" is not a tenant id (GUID) or domain (contoso.onmicrosoft.com).`);
  if ((method === 'clientSecret' || method === 'certificate') && GENERIC_TENANTS.has(tenant.toLowerCase())) {
    problems.push(`${where}.tenant: an app signing in with a ${method === 'clientSecret' ? 'client secret' : 'certificate'} needs the tenant id or domain, not "${tenant}".`);
  }

  const clientId = text('clientId') ?? DEFAULT_PUBLIC_CLIENT_ID;
  if (/\s/.test(clientId)) problems.push(`${where}.clientId must be an application (client) id, usually a GUID, without spaces.`);
  if ((method === 'clientSecret' || method === 'certificate') && clientId === DEFAULT_PUBLIC_CLIENT_ID) {
    problems.push(`${where}.clientId: set the application (client) id of your app registration; the default public client cannot use a ${method === 'clientSecret' ? 'client secret' : 'certificate'}.`);
  }

  let customAuthorityHost: string | undefined;
  const authorityHost = text('authorityHost');
  if (authorityHost !== undefined) {
    const parsed = URL.canParse(authorityHost) ? new URL(authorityHost) : undefined;
    if (!parsed || parsed.protocol !== 'https:' || (parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash) {
      problems.push(`${where}.authorityHost "${authorityHost}" must be an https origin such as https://login.microsoftonline.com (no path).`);
    } else if (!MICROSOFT_AUTHORITY_HOSTS.has(parsed.origin)) {
      const trusted = (trust.trustedAuthorityHosts ?? []).some((host) => URL.canParse(host) && new URL(host).origin === parsed.origin);
      if (trusted) customAuthorityHost = parsed.origin;
      else {
        problems.push(
          `${where}.authorityHost ${parsed.origin} is not a Microsoft sign-in host. To sign in there (ADFS, a test authority), add "${parsed.origin}" to the user setting "dynamicsOData.trustedAuthorityHosts" (in a remote window — SSH, WSL, a container, Codespaces — the Remote settings; a workspace cannot set it).`,
        );
      }
    }
  }

  const certificatePath = text('certificatePath');
  const certificateThumbprint = text('certificateThumbprint')?.replace(/[:\s]/g, '');
  if (method === 'certificate') {
    if (!certificatePath) problems.push(`${where}.certificatePath: set the path of a PEM file holding the private key and the certificate.`);
    else if (/\.(pfx|p12)$/i.test(certificatePath)) {
      problems.push(`${where}.certificatePath: PFX files are not read; convert it once with "openssl pkcs12 -in cert.pfx -out cert.pem -nodes" and point to the PEM.`);
    }
  }
  if (certificateThumbprint !== undefined && !/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(certificateThumbprint)) {
    problems.push(`${where}.certificateThumbprint must be 40 (SHA-1) or 64 (SHA-256) hexadecimal digits.`);
  }

  const target = method === 'none' ? undefined : tokenTarget(environment, cloud, customAuthorityHost !== undefined);
  if (target && !target.ok) problems.push(...target.problems);
  if (problems.length > 0) return { ok: false, problems };
  const host = customAuthorityHost ?? CLOUD_AUTHORITY_HOSTS[cloud];
  const scope = target?.ok ? target.scope : '';
  const origin = target?.ok ? target.origin : URL.canParse(environment.url) ? new URL(environment.url).origin : '';
  return {
    ok: true,
    auth: {
      method,
      tenant,
      clientId,
      cloud,
      authority: `${host}/${tenant}`,
      scope,
      origin,
      identity: [origin, `${host}/${tenant.toLowerCase()}`, clientId.toLowerCase(), method === 'deviceCode' ? 'interactive' : method].join(' '),
      ...(customAuthorityHost ? { customAuthorityHost } : {}),
      ...(certificatePath ? { certificatePath } : {}),
      ...(certificateThumbprint ? { certificateThumbprint: certificateThumbprint.toUpperCase() } : {}),
    },
  };
}

/** The scope a token is asked for: the API's `/.default` (the permissions the app was granted for it). */
export function scopeFor(environment: Pick<SignInEnvironment, 'url' | 'flavor'>, cloud: Cloud = 'public'): string {
  if (environment.flavor === 'bc') {
    const known = BUSINESS_CENTRAL_RESOURCE[cloud];
    if (known) return `${known}/.default`;
  }
  return `${new URL(environment.url).origin}/.default`;
}

/** True for a host on this machine (http is allowed there: nothing crosses the network). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Why a service root may not be connected to (not a URL, or plain http off this machine), or undefined. */
export function serviceRootProblem(url: string, name?: string): string | undefined {
  const who = name ? `"${name}": ` : '';
  if (!URL.canParse(url)) return `${who}the service root "${url}" is not a URL; set "url" to e.g. https://contoso.crm.dynamics.com/api/data/v9.2/.`;
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return undefined;
  return `${who}the service root ${parsed.origin} is not https. Only a service on this machine (localhost, 127.0.0.1) may use http: a token or data sent over plain http can be read on the way. Use the https address.`;
}

export type TokenTarget = { ok: true; scope: string; origin: string } | { ok: false; problems: string[] };

/**
 * Where a token may go and what it is asked for, before any sign-in: the service root must be https (loopback aside);
 * the scope is derived from it; and a Business Central token — whose audience is fixed per cloud — is only asked for
 * when the service root is that cloud's Business Central API host (with a Microsoft authority).
 */
export function tokenTarget(environment: Pick<SignInEnvironment, 'name' | 'url' | 'flavor'>, cloud: Cloud = 'public', customAuthority = false): TokenTarget {
  const problem = serviceRootProblem(environment.url, environment.name);
  if (problem) return { ok: false, problems: [problem] };
  const origin = new URL(environment.url).origin;
  const resource = environment.flavor === 'bc' && !customAuthority ? BUSINESS_CENTRAL_RESOURCE[cloud] : undefined;
  if (resource && origin !== resource) {
    return {
      ok: false,
      problems: [
        `"${environment.name}" is a Business Central environment, but its service root ${origin} is not the Business Central API (${resource}/v2.0/{tenant}/{environment}/api/v2.0/). A Business Central token is only sent to ${resource}; fix "url", or change "flavor" if this is another service.`,
      ],
    };
  }
  return { ok: true, scope: `${resource ?? origin}/.default`, origin };
}

/** Microsoft's device-code and sign-in pages: the only pages the extension opens for a device code. */
const MICROSOFT_SIGN_IN_PAGE_HOSTS: ReadonlySet<string> = new Set([
  'microsoft.com',
  'www.microsoft.com',
  'aka.ms',
  ...[...MICROSOFT_AUTHORITY_HOSTS].map((origin) => new URL(origin).host),
]);

/** True for an https Microsoft sign-in page, or a page of the authority the user's own settings trust. */
export function isMicrosoftSignInPage(url: string, trustedAuthorityHost?: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  if (trustedAuthorityHost !== undefined && parsed.origin === trustedAuthorityHost) return true;
  return parsed.port === '' && MICROSOFT_SIGN_IN_PAGE_HOSTS.has(parsed.hostname.toLowerCase());
}
