// Identity is what an environment connects to, not its name: a workspace entry that reuses the name of the user's
// environment with another authority or another service root gets nothing stored for the user's one, and says so.
// Real parts: two oidc-provider authorities (the user's, and a foreign one), the attacker service, the real engine.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INetworkModule } from '@azure/msal-node';
import { Agent } from 'undici';
import { startAuthServer, type AuthServer } from '../auth-server/start.mjs';
import type { SignInEnvironment } from '../../client/src/features/auth/authSettings';
import { asBearerTokenSource, SignInRequiredError, SignInSettingsError } from '../../client/src/features/auth/signIn';
import { sendRequest } from '../../client/src/features/runner/http/engine';
import { prepareRequest } from '../../client/src/features/runner/http/prepare';
import { MemorySecretStore, testManager } from '../integration/auth/helpers';
import { trustingNetworkClient } from '../integration/auth/trustingNetworkClient';
import { startAttackerService, type AttackerService } from './identityAttackerService';

let own: AuthServer;
let foreign: AuthServer;
let attacker: AttackerService;
let service: AttackerService;
/** Every request MSAL sent, by URL, with its body: what left the machine for an authority. */
const sent: Array<{ url: string; body: string }> = [];
let networkClient: INetworkModule;

before(async () => {
  [own, foreign, attacker, service] = await Promise.all([startAuthServer(), startAuthServer(), startAttackerService(), startAttackerService()]);
  const inner = trustingNetworkClient(new Agent({ connect: { ca: [own.ca, foreign.ca] } }));
  networkClient = {
    sendGetRequestAsync: (url, options) => {
      sent.push({ url, body: '' });
      return inner.sendGetRequestAsync(url, options);
    },
    sendPostRequestAsync: (url, options) => {
      sent.push({ url, body: String(options?.body ?? '') });
      return inner.sendPostRequestAsync(url, options);
    },
  };
});
after(async () => {
  await Promise.all([own.stop(), foreign.stop(), attacker.stop(), service.stop()]);
});

/** A manager whose user trusts both authorities (two ADFS of their own), so only the identity rule is under test. */
function manager(secrets: MemorySecretStore) {
  return testManager(own, secrets, {
    systemOptions: { networkClient },
    trust: () => ({ trustedAuthorityHosts: [own.authorityHost, foreign.authorityHost] }),
  });
}

const userEntry = (): SignInEnvironment => ({
  name: 'prod',
  url: `${service.origin}/api/data/v9.2/`,
  flavor: 'dataverse',
  auth: { method: 'clientSecret', authorityHost: own.authorityHost, tenant: own.tenant, clientId: own.confidentialClientId },
});

test('a workspace entry reusing the name "prod" with its own authorityHost gets the user\'s stored client secret posted there: refused, nothing reaches that authority', async () => {
  const secrets = new MemorySecretStore();
  const { manager: signIn } = manager(secrets);
  await signIn.setClientSecret(userEntry(), own.clientSecret);
  assert.ok(await signIn.getToken(userEntry()), 'the user\'s own environment works');

  const workspaceEntry: SignInEnvironment = { ...userEntry(), auth: { ...(userEntry().auth as object), authorityHost: foreign.authorityHost, tenant: foreign.tenant } };
  sent.length = 0;
  await assert.rejects(
    signIn.getToken(workspaceEntry),
    (error: unknown) =>
      error instanceof SignInRequiredError &&
      error.message.includes('no client secret is stored for it') &&
      error.message.includes(`now signs in at ${foreign.authorityHost}/${foreign.tenant}, not ${own.authorityHost}/${own.tenant}`),
  );
  assert.deepEqual(sent.filter((request) => request.url.startsWith(foreign.authorityHost)), [], 'no request to the foreign authority');
  assert.ok(!sent.some((request) => request.body.includes(own.clientSecret)), 'the secret went nowhere');
  assert.equal(foreign.tokensIssued().length, 0);
});

test('a workspace entry reusing the name "prod" with another service root gets the user\'s token for that host: refused before anything is sent', async () => {
  const secrets = new MemorySecretStore();
  const { manager: signIn } = manager(secrets);
  const interactive = (url: string): SignInEnvironment => ({
    name: 'prod',
    url,
    flavor: 'dataverse',
    auth: { method: 'interactive', authorityHost: own.authorityHost, tenant: own.tenant, clientId: own.publicClientId },
  });
  const users = interactive(`${service.origin}/api/data/v9.2/`);
  assert.ok(await signIn.getToken(users, { interactive: true }), 'the user signed in to their own environment');

  const workspace = interactive(`${attacker.origin}/api/data/v9.2/`);
  await assert.rejects(signIn.getToken(workspace), (error: unknown) => error instanceof SignInRequiredError && error.message.includes(`"prod" now connects to ${attacker.origin}, not ${service.origin}`));

  // Through the runner, as a request in the workspace's .odata file would go.
  const prepared = prepareRequest('GET accounts', 0, { name: 'prod', flavor: 'dataverse', serviceRoot: workspace.url });
  assert.ok(prepared.ok);
  const outcome = await sendRequest(prepared.request, { token: asBearerTokenSource(signIn, () => [workspace]) });
  assert.ok(!outcome.ok);
  assert.equal(outcome.kind, 'signIn');
  assert.deepEqual(attacker.received, [], 'the attacker received nothing, no token');
});

test('an entry naming a sign-in host the user never trusted (a workspace\'s "authorityHost") collects the user\'s sign-in: refused before any request', async () => {
  const secrets = new MemorySecretStore();
  const { manager: signIn, browserOpened } = testManager(own, secrets, { systemOptions: { networkClient } });
  const entry: SignInEnvironment = {
    name: 'innocent',
    url: `${service.origin}/api/data/v9.2/`,
    flavor: 'dataverse',
    auth: { method: 'interactive', authorityHost: foreign.authorityHost, tenant: foreign.tenant, clientId: foreign.publicClientId },
  };
  sent.length = 0;
  await assert.rejects(signIn.signIn(entry), (error: unknown) => error instanceof SignInSettingsError && /not a Microsoft sign-in host.*dynamicsOData\.trustedAuthorityHosts/.test(error.message));
  assert.deepEqual(sent, []);
  assert.deepEqual(browserOpened, []);
  assert.equal(foreign.tokensIssued().length, 0);
});

test('sign-out removes what is stored under the identity, and the old name-keyed entries of earlier versions', async () => {
  const secrets = new MemorySecretStore();
  const { manager: signIn } = manager(secrets);
  await secrets.store(`dynamicsOData.clientSecret/prod/${own.confidentialClientId}`, 'left over by 0.1');
  await signIn.setClientSecret(userEntry(), own.clientSecret);
  await signIn.getToken(userEntry());
  await signIn.signOut(userEntry());
  assert.deepEqual([...secrets.values.keys()], []);
});
