/**
 * Environments from settings (`dynamicsOData.environments`, `dynamicsOData.defaultEnvironment`), sent to the
 * language server with `odata/setEnvironments`, again whenever the settings change; the server's
 * `odata/environmentStatus` shows in the status bar. An environment's `metadataFile` names a saved `$metadata`
 * document; without one, the server reads the downloaded copy in the extension's global storage (metadataCache.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { environmentStatus, setEnvironments, type EnvironmentConfig, type EnvironmentStatus, type ServerConfig } from '../../../../server/src/protocol';
import { MetadataStore } from './metadataStore';
import { withSampleEnvironment } from './sampleEnvironment';

/** An environment as written in settings: `metadataFile` is optional (the downloaded copy is used without it). */
export type EnvironmentSetting = Omit<EnvironmentConfig, 'metadataFile'> & {
  metadataFile?: string;
  production?: boolean;
  /** How to sign in (checked by features/auth/authSettings.ts); never a secret. */
  auth?: unknown;
};

let store: MetadataStore | undefined;
/** The bundled sample metadata's absolute path (known from activation on). */
let sampleMetadataFile: string | undefined;
/** The downloaded metadata of every environment, under the extension's global storage (set on activation). */
export function metadataStore(): MetadataStore | undefined {
  return store;
}

/** The environments in settings, as written there (valid entries only). */
export function environmentSettings(): EnvironmentSetting[] {
  const value = vscode.workspace.getConfiguration('dynamicsOData').get<unknown>('environments', []);
  return (Array.isArray(value) ? value : []).filter(
    (env): env is EnvironmentSetting => typeof env === 'object' && env !== null && typeof env.name === 'string' && env.name.length > 0,
  );
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
  const settings = vscode.workspace.getConfiguration('dynamicsOData');
  const environments: EnvironmentConfig[] = [];
  for (const env of environmentSettings()) {
    // Without a metadata file, the downloaded copy (once the store is known, i.e. after activation).
    const metadataFile = env.metadataFile ? resolveMetadataPath(env.metadataFile) : store?.file(env.name);
    if (metadataFile) environments.push({ ...env, metadataFile });
  }
  const configured = {
    environments,
    defaultEnvironment: settings.get<string>('defaultEnvironment') || undefined,
    checkAgainst: settings.get<string[]>('checkAgainst') ?? [],
  };
  return sampleMetadataFile ? withSampleEnvironment(configured, sampleMetadataFile) : configured;
}

/** Called first on activation: where the bundled sample metadata is. */
export function setSampleMetadataFile(file: string): void {
  sampleMetadataFile = file;
}

export function registerEnvironmentSettings(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): void {
  store = new MetadataStore(path.join(context.globalStorageUri.fsPath, 'metadata'));
  const send = (): void => {
    const config = readEnvironmentSettings();
    output.info(`Environments: ${config.environments.map((env) => env.name).join(', ') || '(none configured)'}`);
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
    const fileEnvironment = editor?.document.languageId === 'odata' ? /^\s*@environment\s*=\s*(\S+)\s*$/m.exec(editor.document.getText())?.[1] : undefined;
    const name = fileEnvironment ?? defaultEnvironment ?? environments[0]?.name;
    const current = name ? states.get(name) : undefined;
    if (!name) {
      status.hide();
      return;
    }
    const icon = current?.state === 'loading' ? '$(sync~spin)' : current?.state === 'error' ? '$(error)' : '$(database)';
    status.text = `${icon} ${name}`;
    status.tooltip = `${current?.message ? `${name}: ${current.message}` : name}${fileEnvironment ? ' (from this file\'s @environment line)' : ''}\nClick to choose the default environment`;
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
      if (event.affectsConfiguration('dynamicsOData')) {
        send();
        showStatus();
      }
    }),
    vscode.window.onDidChangeActiveTextEditor(() => showStatus()),
  );
  send();
  showStatus();
}
