/**
 * The VS Code side of sign-in: the commands (Sign In, Sign Out, Set Client Secret, Configure Sign-In), the
 * secret store over VS Code's SecretStorage, the system browser through `vscode.env.openExternal`, the
 * device code notification, and one "Sign in again" warning per failed renewal. The logic is in signIn.ts.
 */
import * as vscode from 'vscode';
import { updateEnvironment, type StoredEnvironment } from '../environments/environmentEdits';
import { environmentNameFrom, environmentScope } from '../environments/environmentSettings';
import { CLOUDS, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_TENANT, resolveAuth, type AuthSettings, type Cloud, type SignInEnvironment, type SignInMethod } from './authSettings';
import { trustedAuthorityHosts } from '../environments/configuration';
import { checkNetworkAccess } from '../network/networkGate';
import { proxiedNetworkClient } from '../network/msalNetworkClient';
import type { SecretStore } from './secretCachePlugin';
import { SignInManager, type DeviceCodeInfo, type StateChange } from './signIn';

export interface SignInWiring {
  output: vscode.LogOutputChannel;
  /** The environments in settings, as written there (with their `auth` objects). */
  environments(): SignInEnvironment[];
  /** Called on every sign-in state change (the explorer shows the state). */
  onStateChanged?(change: StateChange): void;
}

const METHOD_ITEMS: Array<vscode.QuickPickItem & { method: SignInMethod }> = [
  { method: 'interactive', label: 'Browser (interactive)', detail: 'Sign in in the system browser (authorization code + PKCE). Uses a device code when VS Code runs remotely.' },
  { method: 'deviceCode', label: 'Device code', detail: 'Enter a code at microsoft.com/devicelogin from any browser (remote, WSL, Codespaces, or no browser here).' },
  { method: 'clientSecret', label: 'App: client secret', detail: 'An app registration with a client secret (kept in VS Code secret storage).' },
  { method: 'certificate', label: 'App: certificate', detail: 'An app registration with a certificate: a PEM file with the private key and the certificate.' },
  { method: 'none', label: 'No sign-in', detail: 'The service needs no token.' },
];

const CLOUD_LABELS: Record<Cloud, string> = {
  public: 'Public (worldwide)',
  usgov: 'US Government (GCC)',
  usgovhigh: 'US Government GCC High',
  dod: 'US Government DoD',
  china: 'China (21Vianet)',
};

function secretStorageStore(secrets: vscode.SecretStorage): SecretStore {
  return {
    get: async (key) => secrets.get(key),
    store: async (key, value) => secrets.store(key, value),
    delete: async (key) => secrets.delete(key),
  };
}


export function registerSignIn(context: vscode.ExtensionContext, wiring: SignInWiring): SignInManager {
  const { output } = wiring;
  const remote = vscode.env.remoteName;

  const showDeviceCode = (info: DeviceCodeInfo): void => {
    const why = remote ? ` (VS Code runs remotely (${remote}): the browser cannot reach the sign-in redirect, so a device code is used)` : '';
    if (!info.openable) {
      // Only an https Microsoft page is opened: any other address is shown, never opened.
      output.warn(`Device code sign-in names the page ${info.verificationUri}, which is not an https Microsoft sign-in page: it is not opened.`);
      void vscode.window.showWarningMessage(`Sign in: the sign-in service asks you to enter the code ${info.userCode} at ${info.verificationUri}, which is not an https Microsoft address. It is not opened; enter the code there yourself only if you trust it.`);
      return;
    }
    const action = 'Copy code and open';
    void vscode.window.showInformationMessage(`Sign in: open ${info.verificationUri} and enter the code ${info.userCode}${why}.`, action).then(async (choice) => {
      if (choice !== action) return;
      await vscode.env.clipboard.writeText(info.userCode);
      await vscode.env.openExternal(vscode.Uri.parse(info.verificationUri));
    });
  };

  const manager = new SignInManager({
    secrets: secretStorageStore(context.secrets),
    openBrowser: async (url) => {
      const opened = await vscode.env.openExternal(vscode.Uri.parse(url));
      if (!opened) throw new Error('The browser could not be opened. Use "Dynamics OData: Configure Sign-In" to sign in with a device code instead.');
    },
    showDeviceCode,
    preferDeviceCode: remote !== undefined,
    log: (line) => output.info(line),
    // A non-Microsoft authority only when the user's own settings trust it; sign-in goes through the proxy settings.
    trust: () => ({ trustedAuthorityHosts: trustedAuthorityHosts() }),
    blocked: () => (vscode.workspace.isTrusted ? undefined : 'this workspace is in Restricted Mode: no sign-in and no token until you trust it (Manage Workspace Trust).'),
    systemOptions: { networkClient: proxiedNetworkClient() },
    askPassphrase: (environment, file) =>
      Promise.resolve(
        vscode.window.showInputBox({
          title: `Passphrase of the certificate key of ${environment}`,
          prompt: `The private key in ${file} is encrypted. Its passphrase is kept in VS Code's secret storage (asked once).`,
          password: true,
          ignoreFocusOut: true,
        }),
      ),
  });

  const find = async (argument: unknown, title: string): Promise<SignInEnvironment | undefined> => {
    const environments = wiring.environments();
    if (environments.length === 0) {
      void vscode.window.showInformationMessage('No environment is configured: add one with "Dynamics OData: Add Environment" first.');
      return undefined;
    }
    const name = environmentNameFrom(argument) ?? (await vscode.window.showQuickPick(environments.map((env) => ({ label: env.name, description: env.url })), { title }))?.label;
    if (name === undefined) return undefined;
    const env = environments.find((candidate) => candidate.name === name);
    if (!env) void vscode.window.showErrorMessage(`No environment named '${name}' is configured in settings.`);
    return env;
  };

  const signIn = async (env: SignInEnvironment): Promise<void> => {
    // Restricted Mode signs in nowhere; a host only the workspace names is asked about first.
    const refused = await checkNetworkAccess(env.url, 'signIn');
    if (refused) {
      void vscode.window.showWarningMessage(`Not signing in to ${env.name}: ${refused}`);
      return;
    }
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Signing in to ${env.name}…`, cancellable: true },
        async (_progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          await manager.signIn(env, { signal: controller.signal });
        },
      );
      void vscode.window.showInformationMessage(`Signed in to ${env.name}.`);
    } catch (error) {
      if ((error as Error).name === 'AbortError') {
        void vscode.window.showInformationMessage(`Signing in to ${env.name} was cancelled.`);
        return;
      }
      output.error(`${env.name}: sign-in failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`Signing in to ${env.name} failed: ${(error as Error).message}`);
    }
  };

  const configure = async (env: SignInEnvironment): Promise<void> => {
    const scope = environmentScope<StoredEnvironment>(env.name);
    if (!scope) {
      void vscode.window.showErrorMessage(`'${env.name}' is not in your user or workspace settings, so its sign-in cannot be changed here.`);
      return;
    }
    const current = (typeof env.auth === 'object' && env.auth !== null ? env.auth : {}) as Partial<AuthSettings>;
    const method = (await vscode.window.showQuickPick(METHOD_ITEMS, { title: `Sign-in method of ${env.name}` }))?.method;
    if (!method) return;
    const next: Partial<AuthSettings> = { ...current, method };
    if (method !== 'none') {
      const tenant = await vscode.window.showInputBox({
        title: `Tenant of ${env.name}`,
        prompt: 'Tenant id (GUID) or domain (contoso.onmicrosoft.com); "organizations" for any work or school account.',
        value: current.tenant ?? DEFAULT_TENANT,
        ignoreFocusOut: true,
      });
      if (tenant === undefined) return;
      const clientId = await vscode.window.showInputBox({
        title: `Application (client) id for ${env.name}`,
        prompt: method === 'clientSecret' || method === 'certificate' ? 'The app registration’s application (client) id.' : `Leave empty for the default public client (${DEFAULT_PUBLIC_CLIENT_ID}).`,
        value: current.clientId ?? '',
        ignoreFocusOut: true,
      });
      if (clientId === undefined) return;
      const cloud = (await vscode.window.showQuickPick(CLOUDS.map((id) => ({ label: CLOUD_LABELS[id], id, picked: id === (current.cloud ?? 'public') })), { title: 'Cloud' }))?.id;
      if (!cloud) return;
      next.tenant = tenant.trim() || undefined;
      next.clientId = clientId.trim() || undefined;
      next.cloud = cloud === 'public' ? undefined : cloud;
      if (method === 'certificate') {
        const file = await vscode.window.showOpenDialog({ title: 'PEM file with the private key and the certificate', filters: { 'PEM certificate': ['pem', 'crt', 'key'] }, canSelectMany: false });
        if (!file?.[0]) return;
        const thumbprint = await vscode.window.showInputBox({ title: 'Certificate thumbprint (optional: checked against the file)', value: current.certificateThumbprint ?? '', ignoreFocusOut: true });
        if (thumbprint === undefined) return;
        next.certificatePath = file[0].fsPath;
        next.certificateThumbprint = thumbprint.trim() || undefined;
      }
    }
    const resolved = resolveAuth({ ...env, auth: next });
    if (!resolved.ok) {
      void vscode.window.showErrorMessage(resolved.problems.join(' '));
      return;
    }
    const cleaned = Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined));
    const result = updateEnvironment(scope.list, env.name, { auth: cleaned });
    if (!result.ok) {
      void vscode.window.showErrorMessage(result.message);
      return;
    }
    await vscode.workspace.getConfiguration('dynamicsOData').update('environments', result.environments, scope.target);
    const updated = { ...env, auth: cleaned };
    if (method === 'clientSecret') await setSecret(updated);
    else if (method !== 'none') {
      const choice = await vscode.window.showInformationMessage(`Sign-in of ${env.name} saved.`, 'Sign in now');
      if (choice) await signIn(updated);
    }
  };

  const setSecret = async (env: SignInEnvironment): Promise<void> => {
    const secret = await vscode.window.showInputBox({
      title: `Client secret for ${env.name}`,
      prompt: 'The secret’s value (not its id). It is kept in VS Code’s secret storage only.',
      password: true,
      ignoreFocusOut: true,
    });
    if (!secret) return;
    try {
      await manager.setClientSecret(env, secret);
      const method = resolveAuth(env);
      const note = method.ok && method.auth.method !== 'clientSecret' ? ' Its sign-in method is not "client secret": change it with "Dynamics OData: Configure Sign-In".' : '';
      void vscode.window.showInformationMessage(`The client secret of ${env.name} is stored.${note}`);
    } catch (error) {
      void vscode.window.showErrorMessage((error as Error).message);
    }
  };

  // One warning per failure: shown when an environment turns 'expired', again only after it was fine again.
  const warned = new Set<string>();
  context.subscriptions.push(
    manager.onDidChangeState((change) => {
      wiring.onStateChanged?.(change);
      if (change.state !== 'expired') {
        warned.delete(change.environment);
        return;
      }
      if (warned.has(change.environment)) return;
      warned.add(change.environment);
      output.warn(`${change.environment}: ${change.reason ?? 'the sign-in expired'}`);
      const action = 'Sign in again';
      void vscode.window.showWarningMessage(`Sign in to ${change.environment} again: ${change.reason ?? 'the sign-in expired.'}`, action).then(async (choice) => {
        const env = wiring.environments().find((candidate) => candidate.name === change.environment);
        if (choice === action && env) await signIn(env);
      });
    }),
  );

  const refreshStates = (): void => {
    for (const env of wiring.environments()) {
      manager.refreshState(env).catch((error: unknown) => output.warn(`${env.name}: ${(error as Error).message}`));
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('dynamicsOData.signIn', async (argument?: unknown) => {
      const env = await find(argument, 'Sign in to which environment?');
      if (env) await signIn(env);
    }),
    vscode.commands.registerCommand('dynamicsOData.signOut', async (argument?: unknown) => {
      const env = await find(argument, 'Sign out of which environment?');
      if (!env) return;
      try {
        await manager.signOut(env);
        void vscode.window.showInformationMessage(`Signed out of ${env.name}: its tokens and client secret were removed.`);
      } catch (error) {
        void vscode.window.showErrorMessage(`Signing out of ${env.name} failed: ${(error as Error).message}`);
      }
    }),
    vscode.commands.registerCommand('dynamicsOData.setClientSecret', async (argument?: unknown) => {
      const env = await find(argument, 'Set the client secret of which environment?');
      if (env) await setSecret(env);
    }),
    vscode.commands.registerCommand('dynamicsOData.configureSignIn', async (argument?: unknown) => {
      const env = await find(argument, 'Configure the sign-in of which environment?');
      if (env) await configure(env);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('dynamicsOData.environments') || event.affectsConfiguration('dynamicsOData.trustedAuthorityHosts')) refreshStates();
    }),
  );
  refreshStates();
  return manager;
}
