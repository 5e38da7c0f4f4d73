/**
 * Microsoft Entra sign-in per environment through `@azure/msal-node`: interactive (authorization code + PKCE
 * on a loopback redirect, the browser opened by the caller), device code, client secret and certificate.
 * Tokens come from MSAL's cache (kept in the secret store by secretCachePlugin) and are renewed silently
 * before they expire; when renewal is refused the environment goes to 'expired' and callers get a
 * SignInRequiredError ("Sign in to X again: …"), never a stale token. No `vscode` here; no token or secret is
 * ever logged or put in an error message.
 */
import { X509Certificate, createHash, createPrivateKey, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  ConfidentialClientApplication,
  CryptoProvider,
  InteractionRequiredAuthError,
  ProtocolMode,
  PublicClientApplication,
  ServerError,
  type AccountInfo,
  type AuthenticationResult,
  type AuthorizationUrlRequest,
  type Configuration,
  type DeviceCodeRequest,
  type NodeSystemOptions,
} from '@azure/msal-node';
import type { ExplainingNetworkModule } from '../network/msalNetworkClient';
import type { BearerTokenSource, RunnerEnvironment } from '../runner/types';
import { DEFAULT_PUBLIC_CLIENT_ID, isMicrosoftSignInPage, resolveAuth, type ResolvedAuth, type SignInEnvironment, type SignInTrust } from './authSettings';
import { listenForCode, SignInListenerError } from './loopbackListener';
import { certificatePassphraseKey, clientSecretKey, lastIdentityKey, legacyKeys, secretCachePlugin, tokenCacheKey, type SecretStore } from './secretCachePlugin';

export type SignInState = 'none' | 'signedOut' | 'signedIn' | 'expired';

/** Renew a token this long before it expires. */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

export interface DeviceCodeInfo {
  userCode: string;
  verificationUri: string;
  message: string;
  /** True only for an https Microsoft sign-in page (or the user's trusted authority): the only page ever opened. */
  openable: boolean;
}

export interface SignInManagerOptions {
  secrets: SecretStore;
  openBrowser(url: string): Promise<void>;
  showDeviceCode(info: DeviceCodeInfo): void;
  /** Use the device code flow for interactive sign-in (remote, WSL, Codespaces: the loopback is not reachable). */
  preferDeviceCode?: boolean;
  /** Progress lines for an output channel; never given a token or a secret. */
  log?(line: string): void;
  /** MSAL system options (the proxied network client; tests: one trusting the local authority's CA). */
  systemOptions?: NodeSystemOptions;
  /** What the user's own settings trust beyond Microsoft's sign-in hosts (read at each use: settings change). */
  trust?(): SignInTrust;
  /** Why no sign-in or token renewal may happen now (Restricted Mode), or undefined. */
  blocked?(): string | undefined;
  /** How long the browser has to come back to the loopback redirect (default 5 minutes). */
  loopbackTimeLimitMs?: number;
  /** Asks for the passphrase of an encrypted PEM private key (once: it is then kept in the secret store). */
  askPassphrase?(environment: string, file: string): Promise<string | undefined>;
}

export interface TokenOptions {
  forceRefresh?: boolean;
  signal?: AbortSignal;
  /** Sign in (browser or device code) when no token can be had silently. */
  interactive?: boolean;
}

/** No token could be had without the user: the message says which environment and why. */
export class SignInRequiredError extends Error {
  constructor(
    readonly environment: string,
    readonly reason: string,
    /** False when there was never a sign-in (or a secret) to renew. */
    again = true,
  ) {
    super(`Sign in to ${environment}${again ? ' again' : ''}: ${reason}`);
    this.name = 'SignInRequiredError';
  }
}

/** The environment's `auth` settings are not usable: the message lists what to change. */
export class SignInSettingsError extends Error {
  constructor(environment: string, problems: string[]) {
    super(`The sign-in settings of ${environment} need a change: ${problems.join(' ')}`);
    this.name = 'SignInSettingsError';
  }
}

/** The passphrase did not decrypt the certificate's private key. */
export class WrongPassphraseError extends SignInSettingsError {
  constructor(environment: string, file: string) {
    super(environment, [`the passphrase does not decrypt the private key in ${file}; sign in again to enter it.`]);
    this.name = 'WrongPassphraseError';
  }
}

export interface StateChange {
  environment: string;
  state: SignInState;
  /** Why the state changed to 'expired' or 'signedOut' after a failure. */
  reason?: string;
}

interface Disposable {
  dispose(): void;
}

type App = { kind: 'public'; app: PublicClientApplication } | { kind: 'confidential'; app: ConfidentialClientApplication };

function abortError(): Error {
  const error = new Error('The sign-in was cancelled.');
  error.name = 'AbortError';
  return error;
}

/** Resolves like `promise`, or rejects when the signal aborts (MSAL calls themselves cannot be aborted). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A refused renewal: the refresh token is expired, revoked, or the user must consent or sign in again. */
function needsInteraction(error: unknown): boolean {
  if (error instanceof InteractionRequiredAuthError) return true;
  return error instanceof ServerError && (error.errorCode === 'invalid_grant' || error.errorCode === 'interaction_required');
}

/** An MSAL error as a short sentence: code and the server's first line, no token material (MSAL puts none there). */
function describeAuthError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { errorCode?: string }).errorCode;
    const first = (error as { errorMessage?: string }).errorMessage?.split(/\r?\n/)[0] || error.message.split(/\r?\n/)[0];
    return code && !first.includes(code) ? `${code}: ${first}` : first;
  }
  return String(error);
}

/** A failure that is not a refused sign-in: the sign-in service's own error, or the network. */
function failure(environment: string, error: unknown, network?: string): Error {
  const advice =
    error instanceof ServerError
      ? 'Try again; if it repeats, check the environment\'s sign-in settings (Dynamics OData: Configure Sign-In) or sign in again.'
      : (network ?? 'Check your network (or proxy), then try again.');
  return new Error(`Getting a token for ${environment} failed: ${describeAuthError(error)}. ${advice}`);
}

/** The PEM's private key and certificate, and the thumbprint MSAL sends (checked against the settings). */
async function readCertificate(
  auth: ResolvedAuth,
  environment: string,
  passphrase: () => Promise<string | undefined>,
): Promise<{ privateKey: string; x5c: string; thumbprintSha256: string }> {
  const file = auth.certificatePath!;
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    throw new SignInSettingsError(environment, [`the certificate file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); check auth.certificatePath.`]);
  }
  let privateKey = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(pem)?.[0];
  const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (!privateKey || !certificate) {
    throw new SignInSettingsError(environment, [`the file ${file} holds no ${!privateKey ? 'private key' : 'certificate'}; it must contain both the PRIVATE KEY and the CERTIFICATE in PEM form.`]);
  }
  if (privateKey.includes('ENCRYPTED')) {
    // PKCS#8 "ENCRYPTED PRIVATE KEY" or a legacy "Proc-Type: 4,ENCRYPTED" key: decrypted in memory only.
    const secret = await passphrase();
    if (secret === undefined) throw new SignInRequiredError(environment, `the private key in ${file} is encrypted: enter its passphrase to sign in.`, false);
    try {
      privateKey = createPrivateKey({ key: privateKey, format: 'pem', passphrase: secret }).export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch {
      throw new WrongPassphraseError(environment, file);
    }
  }
  const raw = new X509Certificate(certificate).raw;
  const sha1 = createHash('sha1').update(raw).digest('hex').toUpperCase();
  const sha256 = createHash('sha256').update(raw).digest('hex').toUpperCase();
  if (auth.certificateThumbprint && auth.certificateThumbprint !== sha1 && auth.certificateThumbprint !== sha256) {
    throw new SignInSettingsError(environment, [
      `the certificate in ${file} has thumbprint ${sha1} (SHA-1), not ${auth.certificateThumbprint}; fix auth.certificateThumbprint or the file.`,
    ]);
  }
  return { privateKey, x5c: certificate, thumbprintSha256: sha256 };
}

export class SignInManager {
  private readonly apps = new Map<string, { fingerprint: string; app: App }>();
  private readonly states = new Map<string, SignInState>();
  private readonly expiries = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<string | undefined>>();
  private readonly listeners = new Set<(change: StateChange) => void>();

  constructor(private readonly options: SignInManagerOptions) {}

  /** The state last known for an environment (refreshState reads the secret store). */
  state(environment: SignInEnvironment): SignInState {
    const resolved = resolveAuth(environment, this.trust());
    if (resolved.ok && resolved.auth.method === 'none') return 'none';
    return (resolved.ok ? this.states.get(resolved.auth.identity) : undefined) ?? 'signedOut';
  }

  onDidChangeState(listener: (change: StateChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Looks at what the secret store holds (after a restart): an account in the cache, or a client secret. */
  async refreshState(environment: SignInEnvironment): Promise<SignInState> {
    const auth = this.resolve(environment);
    if (auth.method === 'none') return 'none';
    if (this.states.get(auth.identity) === 'expired') return 'expired';
    let signedIn: boolean;
    if (auth.method === 'clientSecret') signedIn = (await this.options.secrets.get(clientSecretKey(auth.identity))) !== undefined;
    else if (auth.method === 'certificate') signedIn = true;
    else signedIn = (await this.account(environment, auth)) !== undefined;
    this.setState(environment.name, auth.identity, signedIn ? 'signedIn' : 'signedOut');
    return this.state(environment);
  }

  /**
   * A token for the environment's API, or undefined for `method: 'none'`. Silent first (renewing when it
   * expires within RENEW_BEFORE_EXPIRY_MS); with `interactive`, signs in when that fails; otherwise throws
   * SignInRequiredError.
   */
  async getToken(environment: SignInEnvironment, options: TokenOptions = {}): Promise<string | undefined> {
    const auth = this.resolve(environment);
    if (auth.method === 'none') return undefined;
    const blocked = this.options.blocked?.();
    if (blocked) throw new SignInRequiredError(environment.name, blocked, false);
    const key = `${auth.identity}\u0000${options.forceRefresh ? 'force' : ''}\u0000${options.interactive ? 'interactive' : ''}`;
    return raceAbort(this.once(key, () => this.acquire(environment, auth, options)), options.signal);
  }

  /** Signs in now: browser (or device code), or checks the app credentials with a first token. */
  async signIn(environment: SignInEnvironment, options: { signal?: AbortSignal; deviceCode?: boolean } = {}): Promise<void> {
    const auth = this.resolve(environment);
    if (auth.method === 'none') return;
    const blocked = this.options.blocked?.();
    if (blocked) throw new SignInRequiredError(environment.name, blocked, false);
    const work =
      auth.method === 'clientSecret' || auth.method === 'certificate'
        ? this.acquireForApp(environment, auth, true)
        : this.interactive(environment, auth, options.deviceCode, options.signal);
    await raceAbort(work, options.signal);
  }

  /** Runs `work` unless the same work is already running, then joins it. */
  private once(key: string, work: () => Promise<string | undefined>): Promise<string | undefined> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  /** Removes the environment's accounts, its token cache and its client secret from the secret store. */
  async signOut(environment: SignInEnvironment): Promise<void> {
    // Works with settings that no longer validate: what is stored under the identity they name, and the old
    // name-keyed entries of earlier versions.
    const resolved = resolveAuth(environment, this.trust());
    const rawClientId = (environment.auth as { clientId?: unknown } | undefined)?.clientId;
    const clientId = resolved.ok ? resolved.auth.clientId : typeof rawClientId === 'string' && rawClientId.trim() ? rawClientId.trim() : DEFAULT_PUBLIC_CLIENT_ID;
    if (resolved.ok) {
      const identity = resolved.auth.identity;
      const entry = this.apps.get(identity);
      if (entry?.app.kind === 'public') {
        const cache = entry.app.app.getTokenCache();
        for (const account of await cache.getAllAccounts()) await cache.removeAccount(account);
      }
      this.apps.delete(identity);
      this.expiries.delete(identity);
      await this.options.secrets.delete(tokenCacheKey(identity));
      await this.options.secrets.delete(clientSecretKey(identity));
      await this.options.secrets.delete(certificatePassphraseKey(identity));
      this.setState(environment.name, identity, resolved.auth.method === 'none' ? 'none' : 'signedOut');
    }
    for (const key of legacyKeys(environment.name, clientId)) await this.options.secrets.delete(key);
    await this.options.secrets.delete(lastIdentityKey(environment.name));
    this.log(`${environment.name}: signed out; its token cache and client secret were removed.`);
  }

  /** Stores the client secret of an app registration (method 'clientSecret') in the secret store. */
  async setClientSecret(environment: SignInEnvironment, secret: string): Promise<void> {
    const auth = this.resolve(environment);
    if (!secret.trim()) throw new Error(`The client secret for ${environment.name} is empty: paste the secret's value (not its id).`);
    await this.options.secrets.store(clientSecretKey(auth.identity), secret.trim());
    this.apps.delete(auth.identity);
    this.expiries.delete(auth.identity);
    await this.options.secrets.delete(tokenCacheKey(auth.identity));
    await this.rememberIdentity(environment, auth);
    this.log(`${environment.name}: client secret stored in the secret storage (for ${auth.origin}, signing in at ${auth.authority}).`);
    this.setState(environment.name, auth.identity, auth.method === 'clientSecret' ? 'signedIn' : this.state(environment));
  }

  private resolve(environment: SignInEnvironment): ResolvedAuth {
    const resolved = resolveAuth(environment, this.trust());
    if (!resolved.ok) throw new SignInSettingsError(environment.name, resolved.problems);
    return resolved.auth;
  }

  private trust(): SignInTrust {
    return this.options.trust?.() ?? {};
  }

  /** Notes (no secret) which identity the name signed in with, so a later entry of that name can say it differs. */
  private async rememberIdentity(environment: SignInEnvironment, auth: ResolvedAuth): Promise<void> {
    const note = JSON.stringify({ identity: auth.identity, origin: auth.origin, authority: auth.authority });
    if ((await this.options.secrets.get(lastIdentityKey(environment.name))) !== note) await this.options.secrets.store(lastIdentityKey(environment.name), note);
  }

  /**
   * Why nothing is stored for this entry, when the same name signed in before for another origin or authority:
   * a sentence for the "sign in" message, or ''.
   */
  private async identityChange(environment: SignInEnvironment, auth: ResolvedAuth): Promise<string> {
    const saved = await this.options.secrets.get(lastIdentityKey(environment.name));
    if (!saved) return '';
    let previous: { identity?: unknown; origin?: unknown; authority?: unknown };
    try {
      previous = JSON.parse(saved) as typeof previous;
    } catch {
      return '';
    }
    if (previous.identity === auth.identity) return '';
    const what = previous.origin !== auth.origin ? `connects to ${auth.origin}, not ${String(previous.origin)}` : `signs in at ${auth.authority}, not ${String(previous.authority)}`;
    return ` "${environment.name}" now ${what}: the sign-in stored for the other one is not used for it.`;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private setState(environment: string, identity: string, state: SignInState, reason?: string): void {
    if (this.states.get(identity) === state) return;
    this.states.set(identity, state);
    const change: StateChange = reason ? { environment, state, reason } : { environment, state };
    for (const listener of [...this.listeners]) listener(change);
  }

  /** The MSAL application of an environment, rebuilt when its settings change. */
  private async app(environment: SignInEnvironment, auth: ResolvedAuth): Promise<App> {
    const fingerprint = JSON.stringify(auth);
    const existing = this.apps.get(auth.identity);
    if (existing && existing.fingerprint === fingerprint) return existing.app;
    const configuration: Configuration = {
      auth: {
        clientId: auth.clientId,
        authority: `${auth.authority}/`,
        ...(auth.customAuthorityHost ? { knownAuthorities: [new URL(auth.customAuthorityHost).host] } : {}),
      },
      cache: { cachePlugin: secretCachePlugin(this.options.secrets, tokenCacheKey(auth.identity)) },
      // A trusted authority of the user's own (dynamicsOData.trustedAuthorityHosts: ADFS, a test or company OpenID
      // provider) publishes its OpenID configuration at <authority>/.well-known/openid-configuration; MSAL's default
      // (Entra) mode would ask it for <authority>/v2.0/… and instance discovery, which only Microsoft's hosts serve.
      ...(this.options.systemOptions || auth.customAuthorityHost
        ? { system: { ...this.options.systemOptions, ...(auth.customAuthorityHost ? { protocolMode: ProtocolMode.OIDC } : {}) } }
        : {}),
    };
    let app: App;
    if (auth.method === 'clientSecret') {
      const clientSecret = await this.options.secrets.get(clientSecretKey(auth.identity));
      if (!clientSecret) {
        this.setState(environment.name, auth.identity, 'signedOut');
        const changed = await this.identityChange(environment, auth);
        throw new SignInRequiredError(environment.name, `no client secret is stored for it; run "Dynamics OData: Set Client Secret".${changed}`, false);
      }
      app = { kind: 'confidential', app: new ConfidentialClientApplication({ ...configuration, auth: { ...configuration.auth, clientSecret } }) };
    } else if (auth.method === 'certificate') {
      const key = certificatePassphraseKey(auth.identity);
      const clientCertificate = await readCertificate(auth, environment.name, async () => {
        const stored = await this.options.secrets.get(key);
        if (stored !== undefined) return stored;
        const asked = await this.options.askPassphrase?.(environment.name, auth.certificatePath!);
        // Kept once it decrypts the key (below); a wrong one is forgotten.
        if (asked !== undefined) await this.options.secrets.store(key, asked);
        return asked;
      }).catch(async (error: unknown) => {
        if (error instanceof WrongPassphraseError) await this.options.secrets.delete(key);
        throw error;
      });
      app = { kind: 'confidential', app: new ConfidentialClientApplication({ ...configuration, auth: { ...configuration.auth, clientCertificate } }) };
    } else {
      app = { kind: 'public', app: new PublicClientApplication(configuration) };
    }
    this.apps.set(auth.identity, { fingerprint, app });
    return app;
  }

  private async account(environment: SignInEnvironment, auth: ResolvedAuth): Promise<AccountInfo | undefined> {
    const app = await this.app(environment, auth);
    if (app.kind !== 'public') return undefined;
    const accounts = await app.app.getTokenCache().getAllAccounts();
    return accounts[0];
  }

  private async remember(environment: SignInEnvironment, auth: ResolvedAuth, result: AuthenticationResult | null, how: string): Promise<string> {
    if (!result?.accessToken) throw new SignInRequiredError(environment.name, `the sign-in service returned no access token (${how}).`);
    if (result.expiresOn) this.expiries.set(auth.identity, result.expiresOn.getTime());
    if (!result.fromCache) {
      const until = result.expiresOn ? `, valid until ${result.expiresOn.toISOString()}` : '';
      this.log(`${environment.name}: token ${how} for ${auth.origin}${until}.`);
      await this.rememberIdentity(environment, auth);
    }
    this.setState(environment.name, auth.identity, 'signedIn');
    return result.accessToken;
  }

  private closeToExpiry(identity: string): boolean {
    const expiresAt = this.expiries.get(identity);
    return expiresAt !== undefined && expiresAt - Date.now() <= RENEW_BEFORE_EXPIRY_MS;
  }

  /** Why the network client's last request since `since` failed (MSAL's own error drops the cause). */
  private networkFailureSince(since: number): string | undefined {
    const client = this.options.systemOptions?.networkClient as Partial<ExplainingNetworkModule> | undefined;
    return typeof client?.failureSince === 'function' ? client.failureSince(since) : undefined;
  }

  private async acquire(environment: SignInEnvironment, auth: ResolvedAuth, options: TokenOptions): Promise<string | undefined> {
    const started = Date.now();
    if (auth.method === 'clientSecret' || auth.method === 'certificate') return this.acquireForApp(environment, auth, options.forceRefresh === true);
    const app = await this.app(environment, auth);
    if (app.kind !== 'public') throw new Error('unreachable: a user sign-in method with a confidential app');
    const account = await this.account(environment, auth);
    if (!account) {
      if (options.interactive) return this.interactive(environment, auth, undefined, options.signal);
      this.setState(environment.name, auth.identity, 'signedOut');
      const changed = await this.identityChange(environment, auth);
      throw new SignInRequiredError(environment.name, `you are not signed in (run "Dynamics OData: Sign In").${changed}`, false);
    }
    const renew = options.forceRefresh === true || this.closeToExpiry(auth.identity);
    try {
      const result = await app.app.acquireTokenSilent({ account, scopes: [auth.scope], forceRefresh: renew });
      return await this.remember(environment, auth, result, 'renewed');
    } catch (error) {
      if (!needsInteraction(error)) throw failure(environment.name, error, this.networkFailureSince(started));
      const reason = `the sign-in expired or was revoked (${describeAuthError(error)}).`;
      this.expiries.delete(auth.identity);
      this.log(`${environment.name}: silent renewal refused: ${describeAuthError(error)}`);
      this.setState(environment.name, auth.identity, 'expired', reason);
      if (options.interactive) return this.interactive(environment, auth, undefined, options.signal);
      throw new SignInRequiredError(environment.name, reason);
    }
  }

  private async acquireForApp(environment: SignInEnvironment, auth: ResolvedAuth, forceRefresh: boolean): Promise<string> {
    const started = Date.now();
    const app = await this.app(environment, auth);
    if (app.kind !== 'confidential') throw new Error('unreachable: an app credential method with a public app');
    try {
      const renew = forceRefresh || this.closeToExpiry(auth.identity);
      const result = await app.app.acquireTokenByClientCredential({ scopes: [auth.scope], skipCache: renew });
      return await this.remember(environment, auth, result, 'requested for the app');
    } catch (error) {
      if (error instanceof SignInRequiredError || error instanceof SignInSettingsError) throw error;
      if (error instanceof ServerError) {
        const reason = `the app's ${auth.method === 'clientSecret' ? 'client secret' : 'certificate'} was refused (${describeAuthError(error)}). Check the tenant, client id and ${auth.method === 'clientSecret' ? 'secret ("Set Client Secret")' : 'certificate'}.`;
        this.setState(environment.name, auth.identity, 'expired', reason);
        throw new SignInRequiredError(environment.name, reason);
      }
      throw failure(environment.name, error, this.networkFailureSince(started));
    }
  }

  /** One user sign-in at a time per environment: a second request joins the first (one browser tab, one device code). */
  private interactive(environment: SignInEnvironment, auth: ResolvedAuth, deviceCode: boolean | undefined, signal: AbortSignal | undefined): Promise<string> {
    const key = `${auth.identity}\u0000signIn`;
    const work = this.once(key, () => this.userSignIn(environment, auth, deviceCode, signal)) as Promise<string>;
    // MSAL cannot stop waiting on its loopback: a cancelled sign-in is forgotten so the next one starts afresh.
    signal?.addEventListener('abort', () => this.inFlight.get(key) === work && this.inFlight.delete(key), { once: true });
    return work;
  }

  /** A user sign-in whose network failure (an untrusted certificate, say) is explained rather than MSAL's code alone. */
  private async userSignIn(environment: SignInEnvironment, auth: ResolvedAuth, deviceCode: boolean | undefined, signal: AbortSignal | undefined): Promise<string> {
    const started = Date.now();
    try {
      return await this.userSignInSteps(environment, auth, deviceCode, signal);
    } catch (error) {
      const settled = error instanceof ServerError || error instanceof SignInRequiredError || error instanceof SignInSettingsError || (error instanceof Error && error.name === 'AbortError');
      const why = settled ? undefined : this.networkFailureSince(started);
      throw why ? failure(environment.name, error, why) : error;
    }
  }

  private async userSignInSteps(environment: SignInEnvironment, auth: ResolvedAuth, deviceCode: boolean | undefined, signal: AbortSignal | undefined): Promise<string> {
    const app = await this.app(environment, auth);
    if (app.kind !== 'public') throw new Error('unreachable: interactive sign-in with a confidential app');
    const scopes = [auth.scope];
    const useDeviceCode = deviceCode ?? (auth.method === 'deviceCode' || this.options.preferDeviceCode === true);
    if (useDeviceCode) {
      const request: DeviceCodeRequest = {
        scopes,
        deviceCodeCallback: (response) => {
          this.log(`${environment.name}: waiting for the device code to be entered at ${response.verificationUri}.`);
          this.options.showDeviceCode({
            userCode: response.userCode,
            verificationUri: response.verificationUri,
            message: response.message,
            openable: isMicrosoftSignInPage(response.verificationUri, auth.customAuthorityHost),
          });
        },
      };
      signal?.addEventListener('abort', () => (request.cancel = true), { once: true });
      const result = await app.app.acquireTokenByDeviceCode(request);
      return await this.remember(environment, auth, result, 'signed in with a device code');
    }
    this.log(`${environment.name}: opening the browser to sign in.`);
    // Our own loopback listener: closed on cancel and after a time limit; its error page shows the error, escaped.
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const state = randomUUID();
    const listener = await listenForCode({ state, signal, timeLimitMs: this.options.loopbackTimeLimitMs });
    let result: AuthenticationResult;
    try {
      const url = await app.app.getAuthCodeUrl({
        scopes,
        redirectUri: listener.redirectUri,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        state,
        responseMode: 'form_post' as AuthorizationUrlRequest['responseMode'],
      });
      await this.options.openBrowser(url);
      const { code } = await listener.answer;
      result = await app.app.acquireTokenByCode({ code, scopes, redirectUri: listener.redirectUri, codeVerifier: verifier });
    } catch (error) {
      if (error instanceof SignInListenerError && error.reason !== 'cancelled') throw new SignInRequiredError(environment.name, `${error.message}.`, false);
      throw error;
    } finally {
      listener.close();
    }
    return await this.remember(environment, auth, result, 'signed in in the browser');
  }
}

/**
 * The runner's token source (silent: a failure throws SignInRequiredError, which the runner shows as a
 * 'signIn' failure). Environments are looked up by name for their `auth` settings; one that is not in
 * settings (the bundled sample) needs no token.
 */
export function asBearerTokenSource(manager: SignInManager, environments: () => SignInEnvironment[]): BearerTokenSource {
  return async (environment: RunnerEnvironment, options) => {
    const found = environments().find((candidate) => candidate.name === environment.name);
    return found ? manager.getToken(found, options) : undefined;
  };
}

/** metadataStore's TokenProvider (`$metadata` downloads): silent too; the same lookup by name. */
export function asTokenProvider(manager: SignInManager, environments: () => SignInEnvironment[]): (environment: { name: string; url: string }) => Promise<string | undefined> {
  return async (environment) => {
    const found = environments().find((candidate) => candidate.name === environment.name);
    return found ? manager.getToken(found) : undefined;
  };
}
