// A cloned repository's settings: in Restricted Mode nothing is sent, downloaded or signed in to; in a trusted
// workspace its environments are merged with (not replacing) the user's, marked, cannot clear the user's production
// flag, and a host only the workspace names is asked about once. The gate is the one the extension wires to VS Code's
// workspace trust and global state (network/networkAccess.ts); the engine and the metadata download are the real ones,
// the attacker service real, reached through a real proxy under a made-up host name.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeEnvironments } from '../../client/src/features/environments/environmentSources';
import { downloadMetadata } from '../../client/src/features/environments/metadataStore';
import { NetworkGate, setNetworkGate, type NetworkGateHost, type NetworkPurpose } from '../../client/src/features/network/networkGate';
import { closeDispatchers, setProxySettings } from '../../client/src/features/network/proxy';
import { sendRequest } from '../../client/src/features/runner/http/engine';
import { prepareRequest } from '../../client/src/features/runner/http/prepare';
import type { RunnerEnvironment } from '../../client/src/features/runner/types';
import { startLocalProxy, type LocalProxy } from '../integration/network/localProxy';
import { startAttackerService, type AttackerService } from './identityAttackerService';

let attacker: AttackerService;
let proxy: LocalProxy;
const noToken = async (): Promise<undefined> => undefined;
const workspaceEnvironment: RunnerEnvironment = { name: 'theirs', flavor: 'dataverse', serviceRoot: 'https://attacker.example/api/data/v9.2/' };

before(async () => {
  attacker = await startAttackerService({ https: true, names: ['attacker.example'] });
  proxy = await startLocalProxy((host) => (host === 'attacker.example' ? attacker.port : undefined));
});
afterEach(async () => {
  setNetworkGate(undefined);
  setProxySettings({ env: {} });
  await closeDispatchers();
});
after(async () => {
  await Promise.all([attacker.stop(), proxy.stop()]);
});

/** The gate's view of VS Code, as networkAccess.ts gives it; `answer` plays the user at the modal question. */
function gate(trusted: boolean, answer: boolean | undefined, userOrigins: string[] = []) {
  const questions: Array<{ origin: string; purpose: NetworkPurpose; names: string[] }> = [];
  const globalState = new Map<string, boolean>();
  const host: NetworkGateHost = {
    isTrusted: () => trusted,
    userOrigins: () => new Set(userOrigins),
    workspaceNames: (origin) => (origin === 'https://attacker.example' ? ['theirs'] : []),
    remembered: (origin) => globalState.get(origin),
    remember: async (origin, allowed) => void globalState.set(origin, allowed),
    ask: async (origin, purpose, names) => {
      questions.push({ origin, purpose, names });
      return answer;
    },
  };
  setNetworkGate(new NetworkGate(host));
  // Through the proxy, the made-up host reaches the attacker service (its certificate is not checked here).
  setProxySettings({ proxy: proxy.url, strictSSL: false, env: {} });
  return { questions, globalState };
}

async function send(): Promise<Awaited<ReturnType<typeof sendRequest>>> {
  const prepared = prepareRequest('POST things\nContent-Type: application/json\n\n{"a":1}', 0, workspaceEnvironment);
  assert.ok(prepared.ok);
  return sendRequest(prepared.request, { token: noToken });
}

test('in Restricted Mode, a request in the untrusted workspace\'s .odata file is sent to its host: refused, nothing sent, nothing asked', async () => {
  const { questions } = gate(false, true);
  const outcome = await send();
  assert.ok(!outcome.ok);
  assert.match(outcome.message, /Restricted Mode/);
  const download = await downloadMetadata({ name: 'theirs', url: workspaceEnvironment.serviceRoot }, undefined);
  assert.match(download.kind === 'failed' ? download.message : '', /Restricted Mode/);
  assert.deepEqual(attacker.received, []);
  assert.deepEqual(questions, []);
});

test('in a trusted workspace, a host only the workspace names gets a request without the user agreeing: asked once, refused and remembered', async () => {
  const { questions, globalState } = gate(true, false);
  const first = await send();
  const second = await send();
  assert.ok(!first.ok && !second.ok);
  assert.match(first.ok ? '' : first.message, /only this workspace's settings name: you chose not to connect/);
  assert.deepEqual(questions, [{ origin: 'https://attacker.example', purpose: 'send', names: ['theirs'] }]);
  assert.equal(globalState.get('https://attacker.example'), false);
  assert.deepEqual(attacker.received, []);
});

test('the first metadata download of a workspace environment asks; allowed once, later uses go ahead without asking', async () => {
  const { questions } = gate(true, true);
  const download = await downloadMetadata({ name: 'theirs', url: workspaceEnvironment.serviceRoot }, undefined);
  assert.equal(download.kind, 'ok', JSON.stringify(download));
  const outcome = await send();
  assert.ok(outcome.ok);
  assert.deepEqual(questions.map((q) => q.purpose), ['download']);
  assert.equal(attacker.received.length, 2);
  attacker.received.length = 0;
});

test('a dismissed question is no answer: nothing sent, asked again next time', async () => {
  const { questions, globalState } = gate(true, undefined);
  assert.ok(!(await send()).ok);
  assert.ok(!(await send()).ok);
  assert.equal(questions.length, 2);
  assert.equal(globalState.size, 0);
  assert.deepEqual(attacker.received, []);
});

test('a host the user\'s own settings name is not asked about', async () => {
  const { questions } = gate(true, false, ['https://attacker.example']);
  assert.ok((await send()).ok);
  assert.deepEqual(questions, []);
  attacker.received.length = 0;
});

const USER = [{ name: 'prod', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', flavor: 'dataverse', production: true }];

test('a workspace entry of the same name and origin without "production" clears the user\'s production flag: it stays production', () => {
  const merged = mergeEnvironments({ user: USER, workspace: [{ name: 'prod', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', production: false, variables: { x: '1' } }] }, true);
  assert.deepEqual(merged.environments, [
    { name: 'prod', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', production: true, productionFromUser: true, variables: { x: '1' }, source: 'workspace', replacesUserEntry: true },
  ]);
});

test('a workspace entry under another name for the user\'s production origin is production too', () => {
  const merged = mergeEnvironments({ user: USER, workspace: [{ name: 'harmless', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/' }] }, true);
  assert.equal(merged.environments.find((env) => env.name === 'harmless')?.production, true);
});

test('a workspace\'s dynamicsOData.environments replaces the user\'s list: merged instead, each marked with its source', () => {
  const merged = mergeEnvironments({ user: USER, workspace: [{ name: 'theirs', url: 'https://attacker.example/api/data/v9.2/' }] }, true);
  assert.deepEqual(
    merged.environments.map((env) => [env.name, env.source]),
    [
      ['prod', 'user'],
      ['theirs', 'workspace'],
    ],
  );
});

test('in Restricted Mode the workspace\'s environments are not used at all; the user\'s are', () => {
  const merged = mergeEnvironments({ user: USER, workspace: [{ name: 'theirs', url: 'https://attacker.example/' }], folders: [[{ name: 'more', url: 'https://x.example/' }]] }, false);
  assert.deepEqual(merged.environments.map((env) => env.name), ['prod']);
  assert.equal(merged.ignoredWorkspaceEntries, 2);
});

test('a workspace cannot trust a sign-in host for the user: trustedAuthorityHosts is machine-scoped, and environments are restricted in Restricted Mode', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  };
  assert.equal(manifest.contributes.configuration.properties['dynamicsOData.trustedAuthorityHosts']?.scope, 'machine');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('dynamicsOData.environments'));
});
