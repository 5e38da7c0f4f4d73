// A real OAuth 2.0 / OpenID Connect authority for the sign-in tests: oidc-provider 9 over https on 127.0.0.1,
// with a self-signed certificate made at start (SAN localhost and 127.0.0.1) written to a temporary folder.
// It stands in for Microsoft Entra ID: the provider is mounted under `/<tenant>` so that the sign-in code's
// "authority host + tenant" URL is the issuer, access tokens are JWTs whose audience is the resource of the
// requested `{resource}/.default` scope, and MSAL's device code requests are accepted (endpoint `/devicecode`,
// its short `grant_type=device_code` rewritten to the RFC 8628 URN, an `interval` in the answer).
//
// It also plays the user: `browse(url)` follows an authorization URL through the provider's development
// login and consent pages (any login and password are accepted) to wherever it redirects at the end (MSAL's
// loopback), and `approveDeviceCode(userCode)` enters a device code and signs in.
import { createServer } from 'node:https';
import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import selfsigned from 'selfsigned';
import { Agent, fetch } from 'undici';

const DEVICE_CODE_URN = 'urn:ietf:params:oauth:grant-type:device_code';

/** oidc-provider's storage, in memory, with a way to drop every refresh token ("revoked by the admin"). */
function memoryStorage() {
  const entries = new Map();
  const now = () => Math.floor(Date.now() / 1000);
  class MemoryAdapter {
    constructor(model) {
      this.model = model;
    }
    key(id) {
      return `${this.model}:${id}`;
    }
    async upsert(id, payload, expiresIn) {
      entries.set(this.key(id), { payload, expiresAt: expiresIn ? now() + expiresIn : undefined });
    }
    async find(id) {
      const entry = entries.get(this.key(id));
      if (!entry || (entry.expiresAt && entry.expiresAt <= now())) return undefined;
      return entry.payload;
    }
    async findByUid(uid) {
      return this.findBy((payload) => payload.uid === uid);
    }
    async findByUserCode(userCode) {
      return this.findBy((payload) => payload.userCode === userCode);
    }
    async findBy(test) {
      for (const [key, entry] of entries) {
        if (key.startsWith(`${this.model}:`) && test(entry.payload) && !(entry.expiresAt && entry.expiresAt <= now())) return entry.payload;
      }
      return undefined;
    }
    async consume(id) {
      const entry = entries.get(this.key(id));
      if (entry) entry.payload.consumed = now();
    }
    async destroy(id) {
      entries.delete(this.key(id));
    }
    async revokeByGrantId(grantId) {
      for (const [key, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(key);
    }
  }
  const revokeRefreshTokens = () => {
    let count = 0;
    for (const key of [...entries.keys()]) {
      if (key.startsWith('RefreshToken:')) {
        entries.delete(key);
        count++;
      }
    }
    return count;
  };
  return { MemoryAdapter, revokeRefreshTokens };
}

/** The resource of a `{resource}/.default` scope (Entra's way of naming the API a token is for). */
function resourceOfScope(scope) {
  for (const item of String(scope ?? '').split(' ')) {
    if (item.endsWith('/.default')) return item.slice(0, -'/.default'.length);
  }
  return undefined;
}

async function readRequestBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts the authority. Options: `tenant` (path segment, default 'test-tenant'), `accessTokenTtl` seconds
 * (default 3600; short values make renewal testable).
 */
export async function startAuthServer(options = {}) {
  const tenant = options.tenant ?? 'test-tenant';
  const accessTokenTtl = options.accessTokenTtl ?? 3600;
  const dir = await mkdtemp(join(tmpdir(), 'auth-server-'));

  const tls = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, tls.cert);

  // The confidential client's certificate (private_key_jwt): a PEM with key and certificate, and its thumbprints.
  const clientCert = await selfsigned.generate([{ name: 'commonName', value: 'test-confidential-cert' }], { keySize: 2048, algorithm: 'sha256' });
  const x509 = new X509Certificate(clientCert.cert);
  const certificateFile = join(dir, 'client-certificate.pem');
  await writeFile(certificateFile, `${clientCert.private}\n${clientCert.cert}`);
  const certificate = {
    file: certificateFile,
    thumbprint: createHash('sha1').update(x509.raw).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(x509.raw).digest('hex').toUpperCase(),
  };

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const clientSecret = randomBytes(24).toString('base64url');
  const storage = memoryStorage();
  const issued = [];

  // The port is known only after listen, and the issuer needs it: listen first, then build the provider.
  let handler = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer({ key: tls.private, cert: tls.cert }, (req, res) => handler(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const authorityHost = `https://localhost:${port}`;
  const issuer = `${authorityHost}/${tenant}`;

  const provider = new Provider(issuer, {
    adapter: storage.MemoryAdapter,
    jwks: { keys: [{ ...signingKey, kid: 'signing-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    clients: [
      {
        client_id: 'test-public',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE_URN],
        response_types: ['code'],
        redirect_uris: ['http://localhost', 'http://localhost/', 'http://127.0.0.1', 'http://127.0.0.1/'],
      },
      {
        client_id: 'test-confidential',
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: 'test-certificate',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ ...x509.publicKey.export({ format: 'jwk' }), use: 'sig' }] },
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    routes: { device_authorization: '/devicecode' },
    scopes: ['openid', 'profile', 'offline_access'],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    async findAccount(_ctx, id) {
      return { accountId: id, claims: async () => ({ sub: id, name: `Test user ${id}`, preferred_username: `${id}@example.test` }) };
    },
    // Like Entra: a public client gets a refresh token without `offline_access` + `prompt=consent`.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    pkce: { required: () => true },
    ttl: { AccessToken: accessTokenTtl, ClientCredentials: accessTokenTtl, DeviceCode: 600, Interaction: 600, Session: 3600, Grant: 3600, IdToken: 3600, RefreshToken: 86400, AuthorizationCode: 60 },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx) => resourceOfScope(ctx.oidc.params?.scope) ?? resourceOfScope(ctx.oidc.entities?.RefreshToken?.scope),
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => ({
          scope: `${resource}/.default`,
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: accessTokenTtl,
        }),
      },
    },
  });
  provider.proxy = false;

  // MSAL's device code requests: `grant_type=device_code` → the URN; the answer gets an `interval`.
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/token') {
      const body = await readRequestBody(ctx.req);
      const params = new URLSearchParams(body);
      if (params.get('grant_type') === 'device_code') params.set('grant_type', DEVICE_CODE_URN);
      // MSAL asks for `offline_access` again on refresh; the provider only granted it implicitly (issueRefreshToken).
      if (params.get('grant_type') === 'refresh_token' && params.has('scope')) {
        params.set('scope', params.get('scope').split(' ').filter((scope) => scope !== 'offline_access').join(' '));
      }
      ctx.req.body = params.toString();
    }
    await next();
    if (ctx.path === '/devicecode' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') ctx.body = { ...ctx.body, interval: 1 };
  });
  provider.on('grant.success', (ctx) => {
    const body = ctx.body;
    if (body && typeof body === 'object') {
      issued.push({ accessToken: body.access_token, refreshToken: body.refresh_token, idToken: body.id_token, at: Date.now() });
    }
  });

  const callback = provider.callback();
  const prefix = `/${tenant}`;
  handler = (req, res) => {
    if (req.url === prefix || req.url.startsWith(`${prefix}/`) || req.url.startsWith(`${prefix}?`)) {
      req.originalUrl = req.url;
      req.url = req.url.slice(prefix.length) || '/';
      callback(req, res);
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  };

  const dispatcher = new Agent({ connect: { ca: tls.cert } });
  const browser = new ScriptedBrowser(dispatcher, port);

  return {
    issuer,
    authorityHost,
    tenant,
    port,
    caFile,
    ca: tls.cert,
    /** An undici dispatcher that trusts the authority's certificate (for fetch in tests). */
    dispatcher,
    publicClientId: 'test-public',
    confidentialClientId: 'test-confidential',
    certificateClientId: 'test-certificate',
    clientSecret,
    certificate,
    /** Every token answer so far (access, refresh and ID tokens). */
    tokensIssued: () => issued.map((entry) => ({ ...entry })),
    /** Drops every refresh token (as an admin revoking sessions would): the next renewal fails with invalid_grant. */
    revokeAll: () => storage.revokeRefreshTokens(),
    /** Plays the user's browser through the authorization URL: the final answer of the redirect target (MSAL's loopback). */
    browse: (url, login = 'alice') => browser.authorize(url, login),
    /** Plays the user entering the device code at the verification URI and signing in. */
    approveDeviceCode: (userCode, login = 'alice') => browser.approveDeviceCode(`${issuer}/device`, userCode, login),
    async stop() {
      await new Promise((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await dispatcher.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Just enough of a browser for the provider's development pages: cookies, redirects, and submitting forms. */
class ScriptedBrowser {
  constructor(dispatcher, port) {
    this.dispatcher = dispatcher;
    this.port = port;
    this.cookies = new Map();
  }

  isAuthority(url) {
    return url.protocol === 'https:' && url.port === String(this.port);
  }

  cookieHeader(url) {
    const pairs = [];
    for (const [, cookie] of this.cookies) if (url.pathname.startsWith(cookie.path)) pairs.push(`${cookie.name}=${cookie.value}`);
    return pairs.join('; ');
  }

  keepCookies(url, response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const pathAttribute = attributes.find((attribute) => attribute.toLowerCase().startsWith('path='));
      const path = pathAttribute ? pathAttribute.slice(5) : '/';
      const expired = attributes.some((attribute) => /^expires=/i.test(attribute) && Date.parse(attribute.slice(8)) < Date.now());
      if (expired || value === '') this.cookies.delete(`${name} ${path}`);
      else this.cookies.set(`${name} ${path}`, { name, value, path });
    }
  }

  async request(url, init = {}) {
    const target = new URL(url);
    const headers = { ...(init.headers ?? {}) };
    const options = { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' };
    if (this.isAuthority(target)) {
      const cookie = this.cookieHeader(target);
      if (cookie) headers.cookie = cookie;
      options.dispatcher = this.dispatcher;
    }
    const response = await fetch(target, options);
    if (this.isAuthority(target)) this.keepCookies(target, response);
    return response;
  }

  /** Follows redirects and submits each page's first form (filling login, password and user code) until a page has none. */
  async run(url, fields, init) {
    let response = await this.request(url, init);
    let current = new URL(url);
    for (let step = 0; step < 30; step++) {
      if (response.status >= 300 && response.status < 400) {
        current = new URL(response.headers.get('location'), current);
        await response.body?.cancel();
        response = await this.request(current);
        continue;
      }
      const text = await response.text();
      const form = parseFirstForm(text);
      if (!form || !this.isAuthority(current)) return { status: response.status, url: current.href, text };
      const body = new URLSearchParams(form.inputs);
      for (const [name, value] of Object.entries(fields)) if (body.has(name)) body.set(name, value);
      current = new URL(form.action || current.href, current);
      response = await this.request(current, { method: form.method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
    }
    throw new Error('the scripted browser went through 30 pages without reaching the end');
  }

  authorize(url, login) {
    return this.run(url, { login, password: 'any password' });
  }

  approveDeviceCode(deviceUrl, userCode, login) {
    return this.run(deviceUrl, { user_code: userCode, login, password: 'any password' });
  }
}

/** The first `<form>` of a page: its action, method and inputs (hidden values kept; buttons ignored). */
function parseFirstForm(html) {
  const formMatch = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!formMatch) return undefined;
  const attribute = (source, name) => {
    const match = new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i').exec(source);
    return match ? decodeEntities(match[1]) : undefined;
  };
  const inputs = [];
  for (const input of formMatch[2].matchAll(/<input\b([^>]*)>/gi)) {
    const name = attribute(input[1], 'name');
    if (name) inputs.push([name, attribute(input[1], 'value') ?? '']);
  }
  return { action: attribute(formMatch[1], 'action'), method: (attribute(formMatch[1], 'method') ?? 'GET').toUpperCase(), inputs };
}

function decodeEntities(text) {
  return text.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
