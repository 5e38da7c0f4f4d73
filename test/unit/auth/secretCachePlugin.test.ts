// The MSAL cache plugin over a secret store: loads before access, saves only on change, deletes an empty cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenCacheContext } from '@azure/msal-node';
import { clientSecretKey, secretCachePlugin, tokenCacheKey, type SecretStore } from '../../../client/src/features/auth/secretCachePlugin';

class Store implements SecretStore {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key);
  }
  async store(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}

/** A serializable cache holding one JSON text (what MSAL's TokenCache does for the plugin). */
function context(hasChanged: boolean, initial = '{}') {
  const cache = { text: initial, deserialized: [] as string[] };
  const value = {
    cacheHasChanged: hasChanged,
    tokenCache: {
      serialize: () => cache.text,
      deserialize: (text: string) => {
        cache.deserialized.push(text);
        cache.text = text;
      },
    },
  } as unknown as TokenCacheContext;
  return { value, cache };
}

const FULL = JSON.stringify({ Account: { a: { username: 'alice' } }, AccessToken: {}, RefreshToken: {}, IdToken: {}, AppMetadata: {} });
const EMPTY = JSON.stringify({ Account: {}, AccessToken: {}, RefreshToken: {}, IdToken: {}, AppMetadata: {} });

test('one key per sign-in identity; a token cache and a client secret never share one', () => {
  const identity = 'https://contoso.crm.dynamics.com https://login.microsoftonline.com/organizations a interactive';
  const otherOrigin = 'https://attacker.example https://login.microsoftonline.com/organizations a interactive';
  assert.notEqual(tokenCacheKey(identity), tokenCacheKey(otherOrigin));
  assert.notEqual(tokenCacheKey(identity), clientSecretKey(identity));
});

test('before access: the stored cache is loaded; nothing stored, nothing loaded', async () => {
  const store = new Store();
  const plugin = secretCachePlugin(store, 'k');
  const empty = context(false);
  await plugin.beforeCacheAccess(empty.value);
  assert.deepEqual(empty.cache.deserialized, []);
  store.values.set('k', FULL);
  const loaded = context(false);
  await plugin.beforeCacheAccess(loaded.value);
  assert.deepEqual(loaded.cache.deserialized, [FULL]);
});

test('after access: saved only when changed, and an empty cache removes the key', async () => {
  const store = new Store();
  const plugin = secretCachePlugin(store, 'k');
  await plugin.afterCacheAccess(context(false, FULL).value);
  assert.equal(store.values.has('k'), false);
  await plugin.afterCacheAccess(context(true, FULL).value);
  assert.equal(store.values.get('k'), FULL);
  await plugin.afterCacheAccess(context(true, EMPTY).value);
  assert.equal(store.values.has('k'), false);
});
