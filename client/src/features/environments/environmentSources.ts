/**
 * The environments the extension uses, from the settings layers that define them: the user's own list, and — in a
 * trusted workspace only — the workspace's and its folders', merged with (not replacing) the user's. Each entry is
 * marked with where it came from; a user's `production: true` for an origin cannot be cleared by a workspace entry.
 * Pure: the layers come from `inspect()` (configuration.ts).
 */
import { readEnvironmentSettings, type EnvironmentSetting } from '../../../../server/src/protocol';

export type SettingSource = 'user' | 'workspace';

export interface ConfiguredEnvironment extends EnvironmentSetting {
  /** Where the entry is written: the user's settings (trusted) or a workspace's (maybe someone else's). */
  source: SettingSource;
  /** A workspace entry that takes the place of the user's entry of the same name. */
  replacesUserEntry?: boolean;
  /** `production` is true because the user marked this origin as production. */
  productionFromUser?: boolean;
}

export interface SettingLayers {
  user?: unknown;
  workspace?: unknown;
  /** Workspace folder values, in folder order. */
  folders?: readonly unknown[];
}

export interface MergedEnvironments {
  environments: ConfiguredEnvironment[];
  problems: string[];
  /** Workspace entries left out because the workspace is not trusted. */
  ignoredWorkspaceEntries: number;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export function mergeEnvironments(layers: SettingLayers, trusted: boolean): MergedEnvironments {
  const user = readEnvironmentSettings(layers.user);
  const problems = [...user.problems];
  const environments: ConfiguredEnvironment[] = user.value.map((env) => ({ ...env, source: 'user' }));
  const productionOrigins = new Set(user.value.filter((env) => env.production === true).map((env) => originOf(env.url)).filter((origin) => origin !== undefined));
  const workspaceLayers = [layers.workspace, ...(layers.folders ?? [])].filter((layer) => layer !== undefined);
  if (!trusted) {
    const ignored = workspaceLayers.reduce<number>((count, layer) => count + (Array.isArray(layer) ? layer.length : 0), 0);
    return { environments, problems, ignoredWorkspaceEntries: ignored };
  }
  for (const layer of workspaceLayers) {
    const read = readEnvironmentSettings(layer);
    problems.push(...read.problems.map((problem) => `workspace settings: ${problem}`));
    for (const env of read.value) {
      const origin = originOf(env.url);
      const fromUser = origin !== undefined && productionOrigins.has(origin) && env.production !== true;
      const entry: ConfiguredEnvironment = { ...env, source: 'workspace', ...(fromUser ? { production: true, productionFromUser: true } : {}) };
      const at = environments.findIndex((candidate) => candidate.name === env.name);
      if (at < 0) environments.push(entry);
      else environments[at] = { ...entry, ...(environments[at]!.source === 'user' || environments[at]!.replacesUserEntry ? { replacesUserEntry: true } : {}) };
    }
  }
  return { environments, problems, ignoredWorkspaceEntries: 0 };
}

/** Origins the user's own settings name: connecting there needs no question. */
export function userOrigins(layers: SettingLayers): Set<string> {
  return new Set(readEnvironmentSettings(layers.user).value.map((env) => originOf(env.url)).filter((origin) => origin !== undefined));
}
