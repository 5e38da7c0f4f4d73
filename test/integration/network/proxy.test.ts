// The runner, the metadata download and MSAL's network client connect through the proxy VS Code's settings (or
// HTTPS_PROXY) name, except for noProxy hosts; compressed answers are decoded; an untrusted certificate says how to
// trust a corporate one. A real proxy on 127.0.0.1 maps made-up host names to the local test services: a request
// that reaches them went through it.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadMetadata } from '../../../client/src/features/environments/metadataStore';
import { proxiedNetworkClient } from '../../../client/src/features/network/msalNetworkClient';
import { closeDispatchers, proxyFor, setProxySettings } from '../../../client/src/features/network/proxy';
import { sendRequest } from '../../../client/src/features/runner/http/engine';
import { prepareRequest } from '../../../client/src/features/runner/http/prepare';
import type { RunnerEnvironment } from '../../../client/src/features/runner/types';
import { startAttackerService, type AttackerService } from '../../security/identityAttackerService';
import { startLocalProxy, type LocalProxy } from './localProxy';

let service: AttackerService;
let plain: AttackerService;
let proxy: LocalProxy;
const noToken = async (): Promise<undefined> => undefined;

before(async () => {
  [service, plain] = await Promise.all([startAttackerService({ https: true, names: ['contoso.crm.dynamics.test'] }), startAttackerService()]);
  proxy = await startLocalProxy((host) => (host === 'contoso.crm.dynamics.test' ? service.port : host === 'plain.dynamics.test' ? plain.port : undefined));
});
afterEach(async () => {
  setProxySettings({ env: {} });
  await closeDispatchers();
});
after(async () => {
  await Promise.all([service.stop(), plain.stop(), proxy.stop()]);
});

const environment: RunnerEnvironment = { name: 'behind-proxy', flavor: 'dataverse', serviceRoot: 'https://contoso.crm.dynamics.test/api/data/v9.2/' };

test('http.proxy: the runner tunnels to an https service through the proxy (CONNECT), and a gzip answer is decoded', async () => {
  setProxySettings({ proxy: proxy.url, strictSSL: false, env: {} });
  const prepared = prepareRequest('GET accounts\nAccept-Encoding: gzip', 0, environment);
  assert.ok(prepared.ok);
  const before = service.received.length;
  const outcome = await sendRequest(prepared.request, { token: noToken });
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
  assert.equal(outcome.status, 200);
  assert.match(outcome.bodyText, /from the attacker service/);
  assert.deepEqual(outcome.json, { value: [{ id: 1, note: "from the attacker service" }] });
  assert.equal(service.received.length, before + 1);
  assert.equal(service.received.at(-1)!.headers['accept-encoding'], 'gzip');
  assert.ok(proxy.targets.includes('contoso.crm.dynamics.test:443'), proxy.targets.join(', '));
});

test('HTTPS_PROXY from the environment is used when http.proxy is empty; the metadata download goes through it', async () => {
  setProxySettings({ strictSSL: false, env: { HTTPS_PROXY: proxy.url } });
  const before = proxy.targets.length;
  const result = await downloadMetadata({ name: 'behind-proxy', url: environment.serviceRoot }, undefined);
  assert.equal(result.kind, 'ok', JSON.stringify(result));
  assert.equal(proxy.targets.length, before + 1);
});

test('a plain-http service on another machine is refused before any connection, even through a proxy', async () => {
  setProxySettings({ proxy: proxy.url, env: {} });
  const before = plain.received.length;
  const prepared = prepareRequest('GET things', 0, { name: 'plain', flavor: 'generic', serviceRoot: 'http://plain.dynamics.test/odata/' });
  assert.ok(prepared.ok);
  const outcome = await sendRequest(prepared.request, { token: noToken });
  assert.ok(!outcome.ok);
  assert.match(outcome.message, /not https/);
  assert.equal(plain.received.length, before);
});

test('http.noProxy and NO_PROXY: listed hosts connect directly (here: no such host, so DNS fails and the proxy sees nothing)', async () => {
  setProxySettings({ proxy: proxy.url, strictSSL: false, noProxy: ['.dynamics.test'], env: {} });
  const before = proxy.targets.length;
  const prepared = prepareRequest('GET accounts', 0, environment);
  assert.ok(prepared.ok);
  const outcome = await sendRequest(prepared.request, { token: noToken, timeoutMs: 20_000 });
  assert.ok(!outcome.ok);
  assert.equal(outcome.kind, 'dns');
  assert.equal(proxy.targets.length, before);
  assert.equal(proxyFor('https://a.dynamics.test/', { proxy: proxy.url, env: { NO_PROXY: 'a.dynamics.test' } }), undefined);
  assert.equal(proxyFor('https://b.dynamics.test/', { proxy: proxy.url, env: { NO_PROXY: 'a.dynamics.test' } }), proxy.url);
  assert.equal(proxyFor('http://127.0.0.1:8080/', { proxy: proxy.url }), undefined, 'this machine is never proxied');
});

test('http.proxyStrictSSL on (the default): an untrusted certificate fails with how to trust a corporate root', async () => {
  setProxySettings({ proxy: proxy.url, env: {} });
  const result = await downloadMetadata({ name: 'behind-proxy', url: environment.serviceRoot }, undefined);
  assert.equal(result.kind, 'failed');
  assert.match(result.kind === 'failed' ? result.message : '', /NODE_EXTRA_CA_CERTS/);
  const client = proxiedNetworkClient();
  await assert.rejects(client.sendGetRequestAsync('https://contoso.crm.dynamics.test/common/discovery'), /certificate is not trusted.*NODE_EXTRA_CA_CERTS/);
});

test('MSAL\'s network client goes through the proxy', async () => {
  setProxySettings({ proxy: proxy.url, strictSSL: false, env: {} });
  const before = service.received.length;
  const answer = await proxiedNetworkClient().sendPostRequestAsync<{ value: unknown[] }>('https://contoso.crm.dynamics.test/tenant/oauth2/v2.0/token', {
    body: 'grant_type=client_credentials',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(answer.status, 200);
  assert.equal(service.received.length, before + 1);
  assert.equal(service.received.at(-1)!.body, 'grant_type=client_credentials');
});
