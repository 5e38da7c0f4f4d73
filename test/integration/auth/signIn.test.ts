// Sign-in for real against a local OAuth authority (oidc-provider over https, test/auth-server/): client secret,
// certificate, authorization code + PKCE with the login scripted, device code; the token reaching a service as a
// bearer header; the token cache surviving a restart; silent renewal; a revoked refresh token ending in
// 'expired'; sign out; and no token or secret in any file the run wrote, in the settings or in the log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAuthServer, type AuthServer } from '../../auth-server/start.mjs';
import type { AuthSettings, SignInEnvironment } from '../../../client/src/features/auth/authSettings';
import { asBearerTokenSource, asTokenProvider, SignInRequiredError, type StateChange } from '../../../client/src/features/auth/signIn';
import { MetadataStore } from '../../../client/src/features/environments/metadataStore';
import { proxiedNetworkClient } from '../../../client/src/features/network/msalNetworkClient';
import { Agent } from 'undici';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { filesContaining, filesUnder, jwtPayload, MemorySecretStore, startEchoService, testManager, type EchoService } from './helpers';

const startedAt = Date.now();
let server: AuthServer;
let shortServer: AuthServer;
let echo: EchoService;
let workDir: string;
const allLogs: string[] = [];
const settingsWritten: SignInEnvironment[] = [];
/** Tokens of authorities stopped before the last test. */
const extraNeedles: string[] = [];

function environment(name: string, on: AuthServer, auth: Partial<AuthSettings>): SignInEnvironment {
  const env: SignInEnvironment = {
    name,
    url: echo.url,
    flavor: 'dataverse',
    auth: { method: 'interactive', authorityHost: on.authorityHost, tenant: on.tenant, clientId: on.publicClientId, ...auth },
  };
  settingsWritten.push(env);
  return env;
}

before(async () => {
  [server, shortServer, echo] = await Promise.all([startAuthServer(), startAuthServer({ accessTokenTtl: 60 }), startEchoService()]);
  workDir = await mkdtemp(join(tmpdir(), 'signin-test-'));
});

after(async () => {
  await Promise.all([server?.stop(), shortServer?.stop(), echo?.stop()]);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('client credentials', { timeout: 60_000 }, () => {
  test('a client secret from the secret store gets a token whose audience is the service', async () => {
    const secrets = new MemorySecretStore();
    const { manager, logs } = testManager(server, secrets);
    const env = environment('app-secret', server, { method: 'clientSecret', clientId: server.confidentialClientId });
    await assert.rejects(manager.getToken(env), (error: unknown) => error instanceof SignInRequiredError && /Set Client Secret/.test(error.message));
    await manager.setClientSecret(env, server.clientSecret);
    const token = await manager.getToken(env);
    assert.ok(token);
    assert.equal(jwtPayload(token).aud, new URL(echo.url).origin);
    assert.equal(manager.state(env), 'signedIn');
    allLogs.push(...logs);
  });

  test('a wrong client secret ends in "sign in again", not a token', async () => {
    const { manager, logs } = testManager(server, new MemorySecretStore());
    const env = environment('app-wrong-secret', server, { method: 'clientSecret', clientId: server.confidentialClientId });
    await manager.setClientSecret(env, 'not-the-secret-value');
    await assert.rejects(manager.getToken(env), (error: unknown) => error instanceof SignInRequiredError && /client secret was refused/.test(error.message));
    assert.equal(manager.state(env), 'expired');
    allLogs.push(...logs);
  });

  test('an authority whose certificate is not trusted: the error names the host, the certificate and how to trust a root (app and user sign-in)', async () => {
    // The product's network client with Node's own roots only, as in a VS Code started without NODE_EXTRA_CA_CERTS.
    const { manager, logs } = testManager(server, new MemorySecretStore(), { systemOptions: { networkClient: proxiedNetworkClient(() => new Agent()) } });
    const host = new URL(server.authorityHost).host;
    const explained = (error: unknown): boolean =>
      error instanceof Error && error.message.includes(`The secure connection to ${host} failed`) && /certificate is not trusted/.test(error.message) && /NODE_EXTRA_CA_CERTS/.test(error.message);
    const app = environment('app-untrusted-ca', server, { method: 'clientSecret', clientId: server.confidentialClientId });
    await manager.setClientSecret(app, server.clientSecret);
    await assert.rejects(manager.getToken(app), explained);
    const user = environment('user-untrusted-ca', server, { method: 'deviceCode' });
    await assert.rejects(manager.signIn(user), explained);
    allLogs.push(...logs);
  });

  test('an authority that cannot be reached: the error names the host and the network code, and says to check the network', async () => {
    // A port nothing listens on (taken, then freed).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const down = `https://127.0.0.1:${port}`;
    const { manager, logs } = testManager(server, new MemorySecretStore(), { trust: () => ({ trustedAuthorityHosts: [down] }) });
    const app = environment('app-authority-down', server, { method: 'clientSecret', clientId: server.confidentialClientId, authorityHost: down });
    await manager.setClientSecret(app, server.clientSecret);
    await assert.rejects(manager.getToken(app), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, new RegExp(`The sign-in request to 127\\.0\\.0\\.1:${port} failed \\(ECONNREFUSED\\): check your network \\(or proxy\\), then try again\\.`));
      return true;
    });
    allLogs.push(...logs);
  });

  test('a certificate (PEM + thumbprint) gets a token through private_key_jwt', async () => {
    const { manager, logs } = testManager(server, new MemorySecretStore());
    const env = environment('app-certificate', server, {
      method: 'certificate',
      clientId: server.certificateClientId,
      certificatePath: server.certificate.file,
      certificateThumbprint: server.certificate.thumbprint,
    });
    const token = await manager.getToken(env);
    assert.ok(token);
    assert.equal(jwtPayload(token).client_id, server.certificateClientId);
    allLogs.push(...logs);
  });

  test('a thumbprint that is not the file’s certificate is refused with a clear message', async () => {
    const { manager } = testManager(server, new MemorySecretStore());
    const env = environment('app-bad-thumbprint', server, {
      method: 'certificate',
      clientId: server.certificateClientId,
      certificatePath: server.certificate.file,
      certificateThumbprint: '0'.repeat(40),
    });
    await assert.rejects(manager.getToken(env), /has thumbprint [0-9A-F]{40} \(SHA-1\), not 0{40}/);
  });
});

describe('authorization code + PKCE (browser scripted)', { timeout: 60_000 }, () => {
  const secrets = new MemorySecretStore();
  let env: SignInEnvironment;
  let firstToken: string;

  test('without sign-in, a silent getToken asks to sign in', async () => {
    env = environment('user-browser', server, { method: 'interactive' });
    const { manager } = testManager(server, secrets);
    await assert.rejects(manager.getToken(env), (error: unknown) => error instanceof SignInRequiredError && error.message.startsWith('Sign in to user-browser: you are not signed in'));
    assert.equal(manager.state(env), 'signedOut');
  });

  test('signs in through the browser on a loopback redirect, and the token reaches the service as a bearer header', async () => {
    const { manager, logs, browserOpened, userDone } = testManager(server, secrets);
    const changes: StateChange[] = [];
    manager.onDidChangeState((change) => changes.push(change));
    const token = await manager.getToken(env, { interactive: true });
    const page = (await userDone()) as { url: string; status: number };
    assert.ok(token);
    assert.equal(browserOpened.length, 1);
    const authorize = new URL(browserOpened[0]);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.match(authorize.searchParams.get('redirect_uri') ?? '', /^http:\/\/localhost:\d+/);
    assert.match(page.url, /^http:\/\/localhost:\d+/);
    assert.equal(jwtPayload(token).aud, new URL(echo.url).origin);
    assert.deepEqual(changes, [{ environment: 'user-browser', state: 'signedIn' }]);
    firstToken = token;

    // Through the metadata store's TokenProvider seam: the service receives it as a bearer header.
    const store = new MetadataStore(join(workDir, 'metadata'));
    const outcome = await store.refresh(env, { tokenProvider: asTokenProvider(manager, () => [env]) });
    assert.equal(outcome.status, 'updated', outcome.message);
    assert.equal(echo.authorizations.at(-1), `Bearer ${token}`);

    // And through the runner's BearerTokenSource.
    const source = asBearerTokenSource(manager, () => [env]);
    assert.equal(await source({ name: env.name, flavor: 'dataverse', serviceRoot: echo.url }, { forceRefresh: false }), token);
    assert.equal(await source({ name: 'not-in-settings', flavor: 'dataverse', serviceRoot: echo.url }, { forceRefresh: false }), undefined);
    allLogs.push(...logs);
  });

  test('the token cache survives a restart: a new manager over the same secret store gets a token silently', async () => {
    // Stored under what the environment connects to and how it signs in, not under its name.
    const key = `dynamicsOData.tokenCache.v2/${new URL(echo.url).origin} ${server.authorityHost}/${server.tenant.toLowerCase()} ${server.publicClientId.toLowerCase()} interactive`;
    assert.ok(secrets.values.has(key), [...secrets.values.keys()].join(', '));
    const issuedBefore = server.tokensIssued().length;
    const { manager, browserOpened, logs } = testManager(server, secrets);
    assert.equal(await manager.refreshState(env), 'signedIn');
    const token = await manager.getToken(env);
    assert.equal(token, firstToken, 'the cached, still valid access token');
    assert.equal(browserOpened.length, 0);
    assert.equal(server.tokensIssued().length, issuedBefore, 'no request to the authority');
    allLogs.push(...logs);
  });

  test('sign out removes the account, the token cache and the secret; the next silent getToken asks to sign in', async () => {
    const { manager, logs } = testManager(server, secrets);
    await manager.getToken(env);
    await manager.signOut(env);
    assert.deepEqual([...secrets.values.keys()], []);
    assert.equal(manager.state(env), 'signedOut');
    await assert.rejects(manager.getToken(env), SignInRequiredError);
    const restarted = testManager(server, secrets);
    assert.equal(await restarted.manager.refreshState(env), 'signedOut');
    allLogs.push(...logs);
  });
});

describe('concurrent sign-ins', { timeout: 60_000 }, () => {
  test('sign-ins of one environment at the same time open one browser and share its result', async () => {
    const { manager, browserOpened, logs } = testManager(server, new MemorySecretStore());
    const env = environment('user-twice', server, { method: 'interactive' });
    await Promise.all([manager.signIn(env), manager.signIn(env), manager.getToken(env, { interactive: true })]);
    assert.equal(browserOpened.length, 1, 'one browser sign-in, joined by the others');
    assert.equal(manager.state(env), 'signedIn');
    allLogs.push(...logs);
  });
});

describe('cancelling', { timeout: 60_000 }, () => {
  test('a cancelled browser sign-in rejects with AbortError, and the next sign-in starts afresh', async () => {
    const opened: string[] = [];
    const { manager, logs } = testManager(server, new MemorySecretStore(), {
      // The user abandons the first browser tab and completes the second.
      openBrowser: async (url) => {
        opened.push(url);
        if (opened.length > 1) void server.browse(url);
      },
    });
    const env = environment('user-cancel', server, { method: 'interactive' });
    const controller = new AbortController();
    const pending = manager.signIn(env, { signal: controller.signal });
    while (opened.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    assert.equal(manager.state(env), 'signedOut');

    await manager.signIn(env);
    assert.equal(opened.length, 2, 'a new browser sign-in, not the abandoned one');
    assert.equal(manager.state(env), 'signedIn');
    // The abandoned tab's loopback listener was closed when the sign-in was cancelled.
    await assert.rejects(server.browse(opened[0]), (error: unknown) => /ECONNREFUSED/.test(String((error as { cause?: unknown }).cause ?? error)));
    allLogs.push(...logs);
  });
});

describe('device code (user approval scripted)', { timeout: 60_000 }, () => {
  test('signs in with a device code shown to the user, then gets tokens silently', async () => {
    const secrets = new MemorySecretStore();
    const { manager, deviceCodes, browserOpened, userDone, logs } = testManager(server, secrets);
    const env = environment('user-device', server, { method: 'deviceCode' });
    await manager.signIn(env);
    await userDone();
    assert.equal(deviceCodes.length, 1);
    assert.match(deviceCodes[0].verificationUri, /\/device$/);
    assert.ok(deviceCodes[0].userCode.length > 0);
    assert.equal(browserOpened.length, 0);
    const token = await manager.getToken(env);
    assert.ok(token);
    assert.equal(jwtPayload(token).aud, new URL(echo.url).origin);
    allLogs.push(...logs);
  });

  test('preferDeviceCode (remote, WSL, Codespaces) turns an interactive sign-in into a device code one', async () => {
    const { manager, deviceCodes, browserOpened, userDone, logs } = testManager(server, new MemorySecretStore(), { preferDeviceCode: true });
    const env = environment('user-remote', server, { method: 'interactive' });
    const token = await manager.getToken(env, { interactive: true });
    await userDone();
    assert.ok(token);
    assert.equal(deviceCodes.length, 1);
    assert.equal(browserOpened.length, 0);
    allLogs.push(...logs);
  });
});

describe('renewal (access tokens valid 60 s, inside the 5-minute renewal window; then 2 s) and revocation', { timeout: 60_000 }, () => {
  const secrets = new MemorySecretStore();
  let env: SignInEnvironment;

  test('a token close to expiry is renewed silently with the refresh token', async () => {
    env = environment('user-renew', shortServer, { method: 'interactive' });
    const { manager, browserOpened, logs } = testManager(shortServer, secrets);
    const first = await manager.getToken(env, { interactive: true });
    const issued = shortServer.tokensIssued().length;
    const second = await manager.getToken(env);
    assert.ok(first && second);
    assert.notEqual(second, first, 'a new access token');
    assert.equal(shortServer.tokensIssued().length, issued + 1, 'one token request (refresh), no interaction');
    assert.equal(browserOpened.length, 1, 'the browser opened only for the first sign-in');
    assert.ok(logs.some((line) => /token renewed/.test(line)));
    allLogs.push(...logs);
  });

  test('after the access token expired, the next getToken gets a new one without interaction', async () => {
    const brief = await startAuthServer({ accessTokenTtl: 2 });
    try {
      const briefEnv = environment('user-expiry', brief, { method: 'interactive' });
      const { manager, browserOpened, logs } = testManager(brief, new MemorySecretStore());
      const first = await manager.getToken(briefEnv, { interactive: true });
      const expiresAt = Number(jwtPayload(first ?? '').exp) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 1000));
      const second = await manager.getToken(briefEnv);
      assert.ok(first && second);
      assert.notEqual(second, first);
      assert.ok(Number(jwtPayload(second).exp) * 1000 > Date.now(), 'the new token is valid');
      assert.equal(browserOpened.length, 1, 'no second browser sign-in');
      assert.equal(manager.state(briefEnv), 'signedIn');
      allLogs.push(...logs);
      for (const entry of brief.tokensIssued()) extraNeedles.push(...[entry.accessToken, entry.refreshToken, entry.idToken].filter((value): value is string => !!value));
    } finally {
      await brief.stop();
    }
  });

  test('a revoked refresh token ends in "expired" and SignInRequiredError, never the old token', async () => {
    const { manager, logs } = testManager(shortServer, secrets);
    const changes: StateChange[] = [];
    manager.onDidChangeState((change) => changes.push(change));
    await manager.getToken(env);
    assert.ok(shortServer.revokeAll() > 0);
    await assert.rejects(manager.getToken(env), (error: unknown) => {
      assert.ok(error instanceof SignInRequiredError);
      assert.match(error.message, /^Sign in to user-renew again: the sign-in expired or was revoked/);
      return true;
    });
    assert.equal(manager.state(env), 'expired');
    assert.equal(changes.at(-1)?.state, 'expired');
    // The runner's source fails the same way (its 'signIn' failure), again without a token.
    const source = asBearerTokenSource(manager, () => [env]);
    await assert.rejects(source({ name: env.name, flavor: 'dataverse', serviceRoot: echo.url }, { forceRefresh: true }), SignInRequiredError);
    allLogs.push(...logs);
  });

  test('signing in again after "expired" gets a working token and state "signedIn"', async () => {
    const { manager, logs, userDone } = testManager(shortServer, secrets);
    await manager.signIn(env);
    await userDone();
    assert.equal(manager.state(env), 'signedIn');
    assert.ok(await manager.getToken(env));
    allLogs.push(...logs);
  });
});

describe('no token or secret in clear', { timeout: 60_000 }, () => {
  test('no file the run wrote, no settings entry and no log line holds a token or the client secret', async () => {
    const needles = [...extraNeedles, ...[server, shortServer].flatMap((authority) => [
      authority.clientSecret,
      ...authority.tokensIssued().flatMap((entry) => [entry.accessToken, entry.refreshToken, entry.idToken].filter((value): value is string => !!value)),
    ])];
    assert.ok(needles.length > 10, 'the run issued tokens to look for');

    // Files: the test's own folder (metadata cache), both authorities' folders, and every file or folder
    // written in the temp dir during the run. The MemorySecretStore is not searched: it stands in for VS Code's
    // SecretStorage, which is the OS keychain (encrypted, not a file this code writes).
    const files = new Set(await filesUnder(workDir));
    for (const name of await readdir(tmpdir())) {
      const full = join(tmpdir(), name);
      const info = await stat(full).catch(() => undefined);
      if (!info || info.mtimeMs < startedAt) continue;
      if (info.isDirectory()) for (const file of await filesUnder(full)) files.add(file);
      else if (info.isFile() && info.size < 5_000_000) files.add(full);
    }
    for (const file of await filesUnder(join(server.caFile, '..'))) files.add(file);
    assert.ok([...files].some((file) => file.endsWith('metadata.xml')), 'the metadata cache was searched');
    assert.deepEqual(await filesContaining([...files], needles), []);

    const settingsText = JSON.stringify(settingsWritten);
    assert.deepEqual(needles.filter((needle) => settingsText.includes(needle)), []);
    assert.ok(allLogs.length > 5);
    assert.deepEqual(allLogs.filter((line) => needles.some((needle) => line.includes(needle))), []);
  });
});
