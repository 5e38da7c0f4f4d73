/**
 * Environments from settings (`dynamicsOData.environments`, `dynamicsOData.defaultEnvironment`), sent to the
 * language server with `odata/setEnvironments`, again whenever the settings change; the server's
 * `odata/environmentStatus` shows in the status bar. An environment's `metadataFile` names a saved `$metadata`
 * document; without one, the server reads the downloaded copy in the extension's global storage (metadataCache.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  environmentStatus,
  setEnvironments,
  type EnvironmentConfig,
  type EnvironmentSetting,
  type EnvironmentStatus,
  type ServerConfig,
} from '../../../../server/src/protocol';
import { parseRequestFile } from '../../../../server/src/odata/index';
import { checkAgainst, defaultEnvironment, effectsOf, readEnvironments } from './configuration';
import type { ConfiguredEnvironment } from './environmentSources';
import { MetadataStore } from './metadataStore';
import { withSampleEnvironment } from './sampleEnvironment';

/** An environment as written in settings (server/src/protocol/environmentSettings.ts). */
export type { EnvironmentSetting };

let store: MetadataStore | undefined;
/** The bundled sample metadata's absolute path (known from activation on). */
let sampleMetadataFile: string | undefined;
/** The downloaded metadata of every environment, under the extension's global storage (set on activation). */
export function metadataStore(): MetadataStore | undefined {
  return store;
}

/**
 * The environments in use (valid entries only): the user's, and in a trusted workspace the workspace's merged in,
 * each marked with its source (configuration.ts).
 */
export function environmentSettings(): ConfiguredEnvironment[] {
  return readEnvironments().environments;
}

/** The environment name of a command argument: a name, an explorer environment node, or an environment. */
export function environmentNameFrom(argument: unknown): string | undefined {
  if (typeof argument === 'string') return argument;
  const node = argument as { kind?: unknown; environment?: { name?: unknown }; name?: unknown } | undefined;
  if (node?.kind === 'environment' && typeof node.environment?.name === 'string') return node.environment.name;
  return typeof node?.name === 'string' ? node.name : undefined;
}

/** The settings scope that holds an environment, with that scope's list (the workspace wins, as it does for the effective value). */
export function environmentScope<T extends { name: string }>(name: string): { target: vscode.ConfigurationTarget; list: T[] } | undefined {
  const inspected = vscode.workspace.getConfiguration('dynamicsOData').inspect<T[]>('environments');
  const candidates: Array<[vscode.ConfigurationTarget, unknown]> = [
    [vscode.ConfigurationTarget.WorkspaceFolder, inspected?.workspaceFolderValue],
    [vscode.ConfigurationTarget.Workspace, inspected?.workspaceValue],
    [vscode.ConfigurationTarget.Global, inspected?.globalValue],
  ];
  for (const [target, value] of candidates) {
    if (Array.isArray(value) && value.some((env) => env?.name === name)) return { target, list: value as T[] };
  }
  return undefined;
}

const statusChanged = new vscode.EventEmitter<EnvironmentStatus>();
/** Every `odata/environmentStatus` the server sends (the client takes one handler per notification; others listen here). */
export const onDidChangeEnvironmentStatus = statusChanged.event;

/** Relative metadata paths are resolved against the first workspace folder. */
function resolveMetadataPath(file: string): string {
  if (path.isAbsolute(file)) return file;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return folder ? path.join(folder, file) : file;
}

/** The environments the server gets: those in settings, or the bundled sample while there are none. */
export function readEnvironmentSettings(): ServerConfig {
  const environments: EnvironmentConfig[] = [];
  for (const env of environmentSettings()) {
    // Without a metadata file, the downloaded copy (once the store is known, i.e. after activation).
    const metadataFile = env.metadataFile ? resolveMetadataPath(env.metadataFile) : store?.file(env.name);
    // Only what the server knows (protocol EnvironmentConfig): sign-in settings and marks stay in the client.
    if (metadataFile) environments.push({ name: env.name, flavor: env.flavor ?? 'generic', url: env.url, metadataFile, ...(env.variables ? { variables: env.variables } : {}) });
  }
  const configured = { environments, defaultEnvironment: defaultEnvironment(), checkAgainst: checkAgainst() };
  return sampleMetadataFile ? withSampleEnvironment(configured, sampleMetadataFile) : configured;
}

/** Called first on activation: where the bundled sample metadata is. */
export function setSampleMetadataFile(file: string): void {
  sampleMetadataFile = file;
}

export function registerEnvironmentSettings(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): void {
  store = new MetadataStore(path.join(context.globalStorageUri.fsPath, 'metadata'));
  let reported = '';
  const send = (): void => {
    const config = readEnvironmentSettings();
    const merged = readEnvironments();
    const marked = config.environments.map((env) => (merged.environments.find((e) => e.name === env.name)?.source === 'workspace' ? `${env.name} (workspace)` : env.name));
    output.info(`Environments: ${marked.join(', ') || '(none configured)'}`);
    if (merged.ignoredWorkspaceEntries > 0) {
      output.warn(`Restricted Mode: ${merged.ignoredWorkspaceEntries} environment(s) from this workspace's settings are not used until you trust the workspace.`);
    }
    // The settings' problems, once per distinct list: the log, and one notification.
    const problems = merged.problems.join('\n');
    if (problems && problems !== reported) {
      for (const problem of merged.problems) output.warn(`Settings: ${problem}`);
      void vscode.window.showWarningMessage(`Dynamics OData: some environment settings cannot be used: ${merged.problems[0]}${merged.problems.length > 1 ? ` (and ${merged.problems.length - 1} more in the output)` : ''}`);
    }
    reported = problems;
    void client.sendNotification(setEnvironments.type, config);
  };

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100);
  status.name = 'Dynamics OData environment';
  status.command = 'dynamicsOData.switchEnvironment';
  context.subscriptions.push(status);
  const states = new Map<string, EnvironmentStatus>();
  const showStatus = (): void => {
    const { defaultEnvironment, environments } = readEnvironmentSettings();
    // The active .odata file's own `@environment` wins over the default.
    const editor = vscode.window.activeTextEditor;
    // Read by the request-file parser, as the runner and the language server read it (the last line wins).
    const fileEnvironment = editor?.document.languageId === 'odata' ? parseRequestFile(editor.document.getText()).environment?.name || undefined : undefined;
    const name = fileEnvironment ?? defaultEnvironment ?? environments[0]?.name;
    const current = name ? states.get(name) : undefined;
    if (!name) {
      status.hide();
      return;
    }
    const icon = current?.state === 'loading' ? '$(sync~spin)' : current?.state === 'error' ? '$(error)' : '$(database)';
    const fromWorkspace = environmentSettings().find((env) => env.name === name)?.source === 'workspace';
    status.text = `${icon} ${name}${fromWorkspace ? ' (workspace)' : ''}`;
    status.tooltip = `${current?.message ? `${name}: ${current.message}` : name}${fileEnvironment ? ' (from this file\'s @environment line)' : ''}${fromWorkspace ? '\nDefined by this workspace\'s settings, not yours' : ''}\nClick to choose the default environment`;
    status.show();
  };

  context.subscriptions.push(
    client.onNotification(environmentStatus.type, (update) => {
      states.set(update.name, update);
      statusChanged.fire(update);
      if (update.state === 'error') output.error(`${update.name}: ${update.message ?? 'metadata could not be loaded'}`);
      showStatus();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (effectsOf(event).has('sendToServer')) {
        send();
        showStatus();
      }
    }),
    vscode.window.onDidChangeActiveTextEditor(() => showStatus()),
    // Trusting the workspace brings its environments in.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      send();
      showStatus();
    }),
  );
  send();
  showStatus();
}
