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

/**
 * The secret store key of a token cache: by sign-in identity (the service root's origin, the authority, the client id
 * and the method: ResolvedAuth.identity), so an entry that reuses a name with another origin or authority finds nothing.
 */
export function tokenCacheKey(identity: string): string {
  return `dynamicsOData.tokenCache.v2/${identity}`;
}

/** The secret store key of a client secret: by sign-in identity, never by environment name. */
export function clientSecretKey(identity: string): string {
  return `dynamicsOData.clientSecret.v2/${identity}`;
}

/** The secret store key of an encrypted certificate key's passphrase: by sign-in identity. */
export function certificatePassphraseKey(identity: string): string {
  return `dynamicsOData.certificatePassphrase.v2/${identity}`;
}

/** The secret store key of the identity an environment name last signed in with (no secret: to say when it changed). */
export function lastIdentityKey(environmentName: string): string {
  return `dynamicsOData.lastIdentity/${environmentName}`;
}

/** Keys of versions before 0.2 (by environment name and client id): only removed, on sign-out, never read. */
export function legacyKeys(environmentName: string, clientId: string): string[] {
  return [`dynamicsOData.tokenCache/${environmentName}/${clientId}`, `dynamicsOData.clientSecret/${environmentName}/${clientId}`];
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
