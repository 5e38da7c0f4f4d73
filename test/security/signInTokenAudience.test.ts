// A token goes only where its audience lives: plain http off this machine is refused wherever the entry comes from,
// a Business Central token (fixed audience) only for the cloud's Business Central API host, the scope always derived
// from the service root — all before any sign-in or connection. A real proxy maps made-up host names to the attacker
// service, so that without these rules the requests WOULD reach it.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveAuth, type SignInEnvironment } from '../../client/src/features/auth/authSettings';
import { asBearerTokenSource, SignInManager, SignInSettingsError } from '../../client/src/features/auth/signIn';
import { downloadMetadata } from '../../client/src/features/environments/metadataStore';
import { closeDispatchers, setProxySettings } from '../../client/src/features/network/proxy';
import { sendRequest } from '../../client/src/features/runner/http/engine';
import { prepareRequest } from '../../client/src/features/runner/http/prepare';
import { MemorySecretStore } from '../integration/auth/helpers';
import { startLocalProxy, type LocalProxy } from '../integration/network/localProxy';
import { startAttackerService, type AttackerService } from './identityAttackerService';

let attacker: AttackerService;
let secureAttacker: AttackerService;
let proxy: LocalProxy;
let browserOpened: string[];
let manager: SignInManager;

before(async () => {
  [attacker, secureAttacker] = await Promise.all([startAttackerService(), startAttackerService({ https: true, names: ['attacker.example'] })]);
  proxy = await startLocalProxy((host, port) => (host === 'attacker.example' ? (port === 443 ? secureAttacker.port : attacker.port) : undefined));
});
afterEach(async () => {
  setProxySettings({ env: {} });
  await closeDispatchers();
});
after(async () => {
  await Promise.all([attacker.stop(), secureAttacker.stop(), proxy.stop()]);
});

function freshManager(): SignInManager {
  browserOpened = [];
  manager = new SignInManager({
    secrets: new MemorySecretStore(),
    openBrowser: async (url) => void browserOpened.push(url),
    showDeviceCode: () => assert.fail('no device code may be asked for'),
  });
  return manager;
}

test('a workspace entry {flavor: "bc", url: "http://attacker.example/…"} receives a Business Central token after one "Sign In": refused (not https) before any sign-in', async () => {
  setProxySettings({ proxy: proxy.url, env: {} });
  const entry: SignInEnvironment = { name: 'bc-attack', flavor: 'bc', url: 'http://attacker.example/v2.0/t/production/api/v2.0/', auth: { method: 'interactive' } };
  const signIn = freshManager();
  await assert.rejects(signIn.signIn(entry), (error: unknown) => error instanceof SignInSettingsError && /not https/.test(error.message));
  assert.deepEqual(browserOpened, []);
  const prepared = prepareRequest('GET companies', 0, { name: 'bc-attack', flavor: 'bc', serviceRoot: entry.url });
  assert.ok(prepared.ok);
  const outcome = await sendRequest(prepared.request, { token: asBearerTokenSource(signIn, () => [entry]) });
  assert.ok(!outcome.ok);
  assert.match(outcome.message, /is not https/);
  const download = await downloadMetadata({ name: 'bc-attack', url: entry.url }, undefined);
  assert.match(download.kind === 'failed' ? download.message : '', /is not https/);
  assert.deepEqual(attacker.received, [], 'nothing reached the attacker');
  assert.deepEqual(proxy.targets, [], 'nothing even reached the proxy');
});

test('a Business Central entry whose https service root is another host gets the fixed-audience Business Central token: refused before any sign-in', async () => {
  setProxySettings({ proxy: proxy.url, strictSSL: false, env: {} });
  const entry: SignInEnvironment = { name: 'bc-elsewhere', flavor: 'bc', url: 'https://attacker.example/v2.0/t/production/api/v2.0/' };
  const signIn = freshManager();
  await assert.rejects(signIn.signIn(entry), (error: unknown) => error instanceof SignInSettingsError && /only sent to https:\/\/api\.businesscentral\.dynamics\.com/.test(error.message));
  await assert.rejects(signIn.getToken(entry, { interactive: true }), SignInSettingsError);
  assert.deepEqual(browserOpened, []);
  // The runner asks for the token before sending: the refusal is the answer, and nothing is sent.
  const prepared = prepareRequest('GET companies', 0, { name: 'bc-elsewhere', flavor: 'bc', serviceRoot: entry.url });
  assert.ok(prepared.ok);
  const outcome = await sendRequest(prepared.request, { token: asBearerTokenSource(signIn, () => [entry]) });
  assert.ok(!outcome.ok);
  assert.equal(outcome.kind, 'signIn');
  assert.deepEqual(secureAttacker.received, []);
});

test('a Dataverse entry pointing at another host asks for a token for that host, never for another audience', () => {
  const resolved = resolveAuth({ name: 'dv', flavor: 'dataverse', url: 'https://attacker.example/api/data/v9.2/' });
  assert.ok(resolved.ok);
  assert.equal(resolved.auth.scope, 'https://attacker.example/.default');
  assert.equal(resolved.auth.origin, 'https://attacker.example');
  const bc = resolveAuth({ name: 'bc', flavor: 'bc', url: 'https://api.businesscentral.dynamics.com/v2.0/t/production/api/v2.0/' });
  assert.ok(bc.ok);
  assert.equal(bc.auth.scope, 'https://api.businesscentral.dynamics.com/.default');
});
