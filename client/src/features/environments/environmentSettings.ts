/**
 * Environments from settings (`dynamicsOData.environments`, `dynamicsOData.defaultEnvironment`), sent to the
 * language server with `odata/setEnvironments`, again whenever the settings change; the server's
 * `odata/environmentStatus` shows in the status bar. Sign-in and metadata download come with the
 * environments feature; until then `metadataFile` names a saved `$metadata` document.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { environmentStatus, setEnvironments, type EnvironmentConfig, type EnvironmentStatus, type ServerConfig } from '../../../../server/src/protocol';

const statusChanged = new vscode.EventEmitter<EnvironmentStatus>();
/** Every `odata/environmentStatus` the server sends (the client takes one handler per notification; others listen here). */
export const onDidChangeEnvironmentStatus = statusChanged.event;

/** Relative metadata paths are resolved against the first workspace folder. */
function resolveMetadataPath(file: string): string {
  if (path.isAbsolute(file)) return file;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return folder ? path.join(folder, file) : file;
}

export function readEnvironmentSettings(): ServerConfig {
  const settings = vscode.workspace.getConfiguration('dynamicsOData');
  const environments = settings.get<EnvironmentConfig[]>('environments', []).map((env) => ({
    ...env,
    metadataFile: resolveMetadataPath(env.metadataFile),
  }));
  return { environments, defaultEnvironment: settings.get<string>('defaultEnvironment') || undefined };
}

export function registerEnvironmentSettings(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): void {
  const send = (): void => {
    const config = readEnvironmentSettings();
    output.info(`Environments: ${config.environments.map((env) => env.name).join(', ') || '(none configured)'}`);
    void client.sendNotification(setEnvironments.type, config);
  };

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100);
  status.name = 'Dynamics OData environment';
  context.subscriptions.push(status);
  const states = new Map<string, EnvironmentStatus>();
  const showStatus = (): void => {
    const { defaultEnvironment, environments } = readEnvironmentSettings();
    const name = defaultEnvironment ?? environments[0]?.name;
    const current = name ? states.get(name) : undefined;
    if (!name) {
      status.hide();
      return;
    }
    const icon = current?.state === 'loading' ? '$(sync~spin)' : current?.state === 'error' ? '$(error)' : '$(database)';
    status.text = `${icon} ${name}`;
    status.tooltip = current?.message ? `${name}: ${current.message}` : name;
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
  );
  send();
  showStatus();
}
