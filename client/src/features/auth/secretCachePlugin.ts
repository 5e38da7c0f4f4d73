/**
 * MSAL's token cache kept in a secret store (VS Code's SecretStorage: the OS keychain), one entry per
 * environment and client, so tokens are never written to disk in clear and survive a restart.
 */
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';

/** What VS Code's SecretStorage offers (and what the tests implement in memory). */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The secret store key of an environment's token cache. */
export function tokenCacheKey(environmentName: string, clientId: string): string {
  return `dynamicsOData.tokenCache/${environmentName}/${clientId}`;
}

/** The secret store key of an environment's client secret. */
export function clientSecretKey(environmentName: string, clientId: string): string {
  return `dynamicsOData.clientSecret/${environmentName}/${clientId}`;
}

/** True when a serialized MSAL cache holds nothing (no account, no token). */
function isEmptyCache(serialized: string): boolean {
  try {
    const sections = JSON.parse(serialized) as Record<string, unknown>;
    return Object.values(sections).every((section) => typeof section !== 'object' || section === null || Object.keys(section).length === 0);
  } catch {
    return false;
  }
}

export function secretCachePlugin(store: SecretStore, key: string): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
      const saved = await store.get(key);
      if (saved) context.tokenCache.deserialize(saved);
    },
    async afterCacheAccess(context: TokenCacheContext): Promise<void> {
      if (!context.cacheHasChanged) return;
      const serialized = context.tokenCache.serialize();
      if (isEmptyCache(serialized)) await store.delete(key);
      else await store.store(key, serialized);
    },
  };
}
