/**
 * The commands around environments' metadata:
 * - "Dynamics OData: Refresh Metadata" (palette, and the explorer's environment context menu): downloads
 *   `$metadata` into the cache with a cancellable progress notification (a conditional GET when the cached copy
 *   has an ETag), then tells the language server (`odata/metadataChanged`). An environment with its own
 *   `metadataFile` in settings is reloaded from that file instead (it is never overwritten).
 * - "Dynamics OData: Add Environment": URL -> detection -> name -> flavour -> production? -> user or workspace
 *   settings (no secrets) -> download. Accepts `{url, name?, flavor?, production?, target?}` (tests).
 * - Environments without `metadataFile` and without a cached copy are downloaded on first need (activation or a
 *   settings change), once a session each.
 * The download, validation and files are in metadataStore.ts; the token comes from the sign-in (features/auth),
 * silently: when the environment needs a sign-in first, the failure says so and offers "Sign In".
 */
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { metadataChanged, type FlavorName } from '../../../../server/src/protocol';
import { serviceRootProblem } from '../auth/authSettings';
import { sendRequest } from '../runner/http/engine';
import { companiesFrom, detectEnvironment, findCompany, type Company } from './detectEnvironment';
import { environmentNameFrom, environmentSettings, metadataStore, type EnvironmentSetting } from './environmentSettings';
import { formatSize, noSignIn, type RefreshOutcome, type TokenProvider } from './metadataStore';

export interface AddEnvironmentArgs {
  url: string;
  name?: string;
  flavor?: FlavorName;
  production?: boolean;
  target?: 'user' | 'workspace';
  /** Business Central: the company (id, name or display name) instead of asking. */
  company?: string;
}

export interface AddEnvironmentResult {
  environment: EnvironmentSetting;
  target: 'user' | 'workspace';
  outcome: RefreshOutcome;
  /** Business Central: the company chosen (stored as the environment's `company` variable). */
  company?: Company;
}

const FLAVORS: { flavor: FlavorName; label: string; detail: string }[] = [
  { flavor: 'dataverse', label: 'Dataverse', detail: 'Dynamics 365 Sales, Customer Service, Field Service, Power Apps' },
  { flavor: 'fno', label: 'Finance & Operations', detail: 'Dynamics 365 Finance, Supply Chain Management' },
  { flavor: 'bc', label: 'Business Central', detail: 'Dynamics 365 Business Central' },
  { flavor: 'generic', label: 'Generic OData v4', detail: 'Any other OData v4 service' },
];


export function registerMetadataCache(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  output: vscode.LogOutputChannel,
  tokenProvider: TokenProvider = noSignIn,
): void {
  const inFlight = new Map<string, Promise<RefreshOutcome>>();
  const attempted = new Set<string>();

  const download = (env: EnvironmentSetting): Promise<RefreshOutcome> => {
    const running = inFlight.get(env.name);
    if (running) return running;
    const store = metadataStore();
    if (!store) return Promise.resolve({ status: 'failed', kept: false, message: 'The extension is not activated yet.' });
    const promise = Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Downloading the metadata of '${env.name}'`, cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          const cancel = token.onCancellationRequested(() => controller.abort());
          let reported = 0;
          try {
            return await store.refresh(env, {
              signal: controller.signal,
              tokenProvider,
              onProgress: (received, total) => {
                const increment = total ? ((received - reported) / total) * 100 : undefined;
                reported = received;
                progress.report({ message: total ? `${formatSize(received)} of ${formatSize(total)}` : formatSize(received), increment });
              },
            });
          } finally {
            cancel.dispose();
          }
        },
      ),
    ).then(async (outcome) => {
      if (outcome.status === 'updated' || outcome.status === 'unchanged') {
        output.info(`${outcome.message} ${outcome.file}`);
        if (outcome.status === 'updated') await client.sendNotification(metadataChanged.type, { name: env.name });
        void vscode.window.setStatusBarMessage(`$(check) ${outcome.message}`, 5000);
      } else if (outcome.status === 'cancelled') {
        output.info(outcome.message);
      } else {
        output.error(outcome.message);
        const signIn = outcome.signIn === true;
        const actions = signIn ? ['Sign In', 'Retry'] : ['Retry', 'Open Settings'];
        void vscode.window.showErrorMessage(outcome.message, ...actions).then(async (choice) => {
          if (choice === 'Sign In') {
            await vscode.commands.executeCommand('dynamicsOData.signIn', env.name);
            void vscode.commands.executeCommand('dynamicsOData.refreshMetadata', env.name);
          }
          if (choice === 'Retry') void vscode.commands.executeCommand('dynamicsOData.refreshMetadata', env.name);
          if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'dynamicsOData.environments');
        });
      }
      return outcome;
    }).finally(() => inFlight.delete(env.name));
    inFlight.set(env.name, promise);
    return promise;
  };

  const refresh = async (argument?: unknown): Promise<RefreshOutcome | undefined> => {
    const environments = environmentSettings();
    let name = environmentNameFrom(argument);
    if (name === undefined) {
      if (environments.length === 0) {
        void vscode.window.showInformationMessage('No Dynamics environment is configured yet.', 'Add Environment').then((choice) => {
          if (choice) void vscode.commands.executeCommand('dynamicsOData.addEnvironment');
        });
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        environments.map((env) => ({ label: env.name, description: env.url, detail: env.metadataFile ? `from the file ${env.metadataFile}` : undefined })),
        { title: 'Refresh the metadata of…', placeHolder: 'Environment' },
      );
      name = picked?.label;
      if (name === undefined) return undefined;
    }
    const env = environments.find((candidate) => candidate.name === name);
    if (!env) {
      void vscode.window.showErrorMessage(`No environment named '${name}' is configured.`);
      return undefined;
    }
    if (env.metadataFile) {
      // The person's own file: reload it, never overwrite it.
      await client.sendNotification(metadataChanged.type, { name: env.name });
      void vscode.window.setStatusBarMessage(`$(sync) Reloaded the metadata of '${env.name}' from ${env.metadataFile}`, 5000);
      return undefined;
    }
    return download(env);
  };

  /** Environments without a metadata file or a cached copy: downloaded once a session. */
  const downloadMissing = (): void => {
    const store = metadataStore();
    // Restricted Mode downloads nothing (and says nothing about it: the gate would refuse each one).
    if (!store || !vscode.workspace.isTrusted) return;
    for (const env of environmentSettings()) {
      if (env.metadataFile || !env.url || attempted.has(env.name) || existsSync(store.file(env.name))) continue;
      attempted.add(env.name);
      void download(env);
    }
  };

  const addEnvironment = async (given?: unknown): Promise<AddEnvironmentResult | undefined> => {
    const args: Partial<AddEnvironmentArgs> = typeof given === 'object' && given !== null ? (given as AddEnvironmentArgs) : {};
    const url =
      args.url ??
      (await vscode.window.showInputBox({
        title: 'Add Dynamics environment (1/4): URL',
        prompt: 'The address of the environment: an org URL, a service root, or any request URL',
        placeHolder: 'https://contoso.crm.dynamics.com  ·  https://contoso.operations.dynamics.com  ·  https://api.businesscentral.dynamics.com/v2.0/{tenant}/{env}',
        ignoreFocusOut: true,
        validateInput: (text) => {
          const result = detectEnvironment(text);
          return result.ok ? undefined : result.error;
        },
      }));
    if (url === undefined) return undefined;
    const detected = detectEnvironment(url);
    if (!detected.ok) {
      void vscode.window.showErrorMessage(detected.error);
      return undefined;
    }
    const unsafe = serviceRootProblem(detected.serviceRoot);
    if (unsafe) {
      void vscode.window.showErrorMessage(unsafe);
      return undefined;
    }
    if (detected.note) void vscode.window.showInformationMessage(detected.note);
    const taken = new Set(environmentSettings().map((env) => env.name));
    const nameError = (text: string): string | undefined =>
      !text.trim() ? 'Enter a name.' : taken.has(text.trim()) ? `An environment named '${text.trim()}' exists already: choose another name.` : undefined;
    let suggested = detected.suggestedName;
    for (let i = 2; taken.has(suggested); i++) suggested = `${detected.suggestedName}-${i}`;
    const name =
      args.name ??
      (await vscode.window.showInputBox({
        title: 'Add Dynamics environment (2/4): name',
        prompt: `Service root ${detected.serviceRoot}. A short name, used by "@environment = name" in .odata files`,
        value: suggested,
        ignoreFocusOut: true,
        validateInput: nameError,
      }));
    if (name === undefined) return undefined;
    const problem = nameError(name);
    if (problem) {
      void vscode.window.showErrorMessage(problem);
      return undefined;
    }
    let flavor = args.flavor;
    if (!flavor) {
      const items = FLAVORS.map((item) => ({ ...item, description: item.flavor === detected.flavor ? '(detected)' : undefined }));
      items.sort((a, b) => Number(b.flavor === detected.flavor) - Number(a.flavor === detected.flavor));
      flavor = (await vscode.window.showQuickPick(items, { title: 'Add Dynamics environment (3/4): flavour', ignoreFocusOut: true }))?.flavor;
      if (!flavor) return undefined;
    }
    let production = args.production;
    if (production === undefined) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'No', detail: 'A development, test or sandbox environment', production: false },
          { label: 'Yes, production', detail: 'Marked as production (requests that change data ask first)', production: true },
        ],
        { title: 'Add Dynamics environment (4/4): is it production?', ignoreFocusOut: true },
      );
      if (!picked) return undefined;
      production = picked.production;
    }
    let target = args.target;
    if (!target) {
      const hasFolder = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
      const picked = await vscode.window.showQuickPick(
        [
          ...(hasFolder ? [{ label: 'Workspace settings', detail: 'Shared with this workspace (.vscode/settings.json): no secrets are stored', target: 'workspace' as const }] : []),
          { label: 'User settings', detail: 'Available in every workspace', target: 'user' as const },
        ],
        { title: 'Save the environment in…', ignoreFocusOut: true },
      );
      if (!picked) return undefined;
      target = picked.target;
    }
    const environment: EnvironmentSetting = { name: name.trim(), flavor, url: detected.serviceRoot, ...(production ? { production: true } : {}) };
    const configuration = vscode.workspace.getConfiguration('dynamicsOData');
    const inspected = configuration.inspect<EnvironmentSetting[]>('environments');
    const current = (target === 'workspace' ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
    attempted.add(environment.name); // downloaded below, not by the settings listener
    await configuration.update(
      'environments',
      [...current, environment],
      target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
    );
    output.info(`Added the environment '${environment.name}' (${flavor}, ${environment.url}) to the ${target} settings.`);
    const outcome = await download(environment);
    const company = flavor === 'bc' && (outcome.status === 'updated' || outcome.status === 'unchanged') ? await chooseCompany(environment, target, args.company) : undefined;
    return { environment, target, outcome, ...(company ? { company } : {}) };
  };

  /**
   * Business Central puts every entity under `companies({id})`: list the companies, let the person choose one,
   * and store its id as the environment's `company` variable, so requests write `companies({{company}})/…`.
   */
  const chooseCompany = async (env: EnvironmentSetting, target: 'user' | 'workspace', wanted: string | undefined): Promise<Company | undefined> => {
    const serviceRoot = env.url.endsWith('/') ? env.url : `${env.url}/`;
    const outcome = await sendRequest(
      {
        method: 'GET',
        url: `${serviceRoot}companies?$select=id,name,displayName`,
        headers: [['Accept', 'application/json'], ['OData-Version', '4.0'], ['OData-MaxVersion', '4.0']],
        title: 'companies',
        environment: { name: env.name, flavor: 'bc', serviceRoot },
      },
      { token: (environment) => tokenProvider({ name: environment.name, url: environment.serviceRoot }) },
    );
    const companies = outcome.ok && outcome.status < 300 ? companiesFrom(outcome.json) : [];
    if (companies.length === 0) {
      const why = !outcome.ok ? outcome.message : outcome.status >= 300 ? `the service answered ${outcome.status} ${outcome.statusText}` : 'the service listed no company';
      output.warn(`'${env.name}': no company chosen (${why}).`);
      void vscode.window.showWarningMessage(
        `Could not list the companies of '${env.name}' (${why}). Add "variables": { "company": "<company id>" } to its settings entry, and write companies({{company}})/… in requests.`,
      );
      return undefined;
    }
    let company = wanted !== undefined ? findCompany(companies, wanted) : companies.length === 1 ? companies[0] : undefined;
    if (!company && wanted === undefined) {
      company = (
        await vscode.window.showQuickPick(
          companies.map((c) => ({ label: c.name, description: c.displayName, detail: c.id, company: c })),
          { title: `The company of '${env.name}' (stored as its {{company}} variable)`, ignoreFocusOut: true },
        )
      )?.company;
    }
    if (!company) return undefined;
    const configuration = vscode.workspace.getConfiguration('dynamicsOData');
    const inspected = configuration.inspect<EnvironmentSetting[]>('environments');
    const list = (target === 'workspace' ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
    const updated = list.map((entry) => (entry.name === env.name ? { ...entry, variables: { ...entry.variables, company: company!.id } } : entry));
    await configuration.update('environments', updated, target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
    output.info(`'${env.name}': company ${company.name} (${company.id}) stored as the variable {{company}}.`);
    return company;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('dynamicsOData.refreshMetadata', refresh),
    vscode.commands.registerCommand('dynamicsOData.addEnvironment', addEnvironment),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('dynamicsOData.environments')) downloadMissing();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => downloadMissing()),
  );
  downloadMissing();
}
