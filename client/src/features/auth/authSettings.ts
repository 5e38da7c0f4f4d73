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

/** Business Central's API resource per cloud, where known; elsewhere the service URL's origin is used. */
const BUSINESS_CENTRAL_RESOURCE: Partial<Record<Cloud, string>> = {
  public: 'https://api.businesscentral.dynamics.com',
};

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
export function resolveAuth(environment: SignInEnvironment): AuthResolution {
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
    } else {
      customAuthorityHost = parsed.origin;
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

  if (problems.length > 0) return { ok: false, problems };
  const host = customAuthorityHost ?? CLOUD_AUTHORITY_HOSTS[cloud];
  return {
    ok: true,
    auth: {
      method,
      tenant,
      clientId,
      cloud,
      authority: `${host}/${tenant}`,
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
