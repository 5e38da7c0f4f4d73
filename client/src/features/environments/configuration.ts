/**
 * Every `dynamicsOData.*` setting is read here (rust-analyzer's `Config` is the model), and this module knows what
 * each change affects: the environments sent to the language server, metadata downloads, sign-in state, the runner.
 * Environments are read with `inspect()`: the user's list, and the workspace's only in a trusted workspace, merged
 * and marked (environmentSources.ts). Settings a workspace must never set (`trustedAuthorityHosts`) are taken from
 * the user's level only.
 */
import * as vscode from 'vscode';
import { mergeEnvironments, userOrigins, type MergedEnvironments, type SettingLayers } from './environmentSources';
import { SETTING_EFFECTS, type SettingEffect } from './settingEffects';

export { SETTING_EFFECTS, type SettingEffect };

const SECTION = 'dynamicsOData';

/** The effects of a configuration change (http.* proxy settings are read by the network wiring). */
export function effectsOf(event: vscode.ConfigurationChangeEvent): Set<SettingEffect> {
  const effects = new Set<SettingEffect>();
  for (const [setting, what] of Object.entries(SETTING_EFFECTS)) if (event.affectsConfiguration(setting)) for (const effect of what) effects.add(effect);
  return effects;
}

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** The environments' settings layers as `inspect()` gives them. */
export function environmentLayers(): SettingLayers {
  const inspected = section().inspect<unknown>('environments');
  const folders = (vscode.workspace.workspaceFolders ?? []).map(
    (folder) => vscode.workspace.getConfiguration(SECTION, folder.uri).inspect<unknown>('environments')?.workspaceFolderValue,
  );
  return { user: inspected?.globalValue, workspace: inspected?.workspaceValue, folders };
}

/** The environments in use: the user's, and in a trusted workspace the workspace's, marked by source. */
export function readEnvironments(): MergedEnvironments {
  const merged = mergeEnvironments(environmentLayers(), vscode.workspace.isTrusted);
  if (markingProduction.size === 0) return merged;
  return { ...merged, environments: merged.environments.map((env) => (markingProduction.has(env.name) && !env.production ? { ...env, production: true } : env)) };
}

/** Environments the user has just marked production whose settings write is still under way. */
const markingProduction = new Set<string>();

/**
 * Runs the settings write that marks `name` production, the environment counting as production from the moment the
 * person chose it: the settings file can be written (and a send clicked) before the extension host's configuration
 * holds the change — seen in the UI test on a loaded machine, where a POST went out unconfirmed in that gap.
 */
export async function whileMarkingProduction<T>(name: string, write: () => Promise<T>): Promise<T> {
  markingProduction.add(name);
  try {
    return await write();
  } finally {
    markingProduction.delete(name);
  }
}

/** Origins named by the user's own environments (no question before connecting to them). */
export function userEnvironmentOrigins(): Set<string> {
  return userOrigins(environmentLayers());
}

/** `dynamicsOData.checkAgainst`: environments every file is also checked against (schema drift). */
export function checkAgainst(): string[] {
  const names = section().get<unknown>('checkAgainst');
  return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string' && name.length > 0) : [];
}

export function defaultEnvironment(): string | undefined {
  return section().get<string>('defaultEnvironment') || undefined;
}

/** Authority hosts the user trusts beyond Microsoft's: from user (or default) settings only, never a workspace's. */
export function trustedAuthorityHosts(): string[] {
  const inspected = section().inspect<unknown>('trustedAuthorityHosts');
  const value = inspected?.globalValue ?? inspected?.defaultValue;
  return Array.isArray(value) ? value.filter((host): host is string => typeof host === 'string') : [];
}

export interface RunnerSettings {
  timeoutMs: number;
  maxBodyBytes: number;
  reusePanel: boolean;
  /** CSV exports put a ' before formula-like cells (`runner.csvNeutralizeFormulas`). */
  csvNeutralizeFormulas: boolean;
}

export function runnerSettings(): RunnerSettings {
  const settings = section();
  return {
    timeoutMs: settings.get<number>('runner.timeoutSeconds', 120) * 1000,
    maxBodyBytes: settings.get<number>('runner.maxResponseMB', 25) * 1024 * 1024,
    reusePanel: settings.get<boolean>('results.reusePanel', true),
    csvNeutralizeFormulas: settings.get<boolean>('runner.csvNeutralizeFormulas', true),
  };
}

/** VS Code's proxy settings (read for the network module). */
export function proxySettings(): { proxy?: string; strictSSL: boolean; noProxy: string[] } {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = http.get<string>('proxy')?.trim();
  const noProxy = http.get<unknown>('noProxy');
  return {
    ...(proxy ? { proxy } : {}),
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    noProxy: Array.isArray(noProxy) ? noProxy.filter((host): host is string => typeof host === 'string') : [],
  };
}
