// An encrypted PEM private key signs in with a certificate: the passphrase is asked once and kept in the secret
// store (a new manager over the same store does not ask again); a wrong one is refused and forgotten. And the
// device code page is opened only when it is an https Microsoft sign-in page (or the user's trusted authority).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAuthServer, type AuthServer } from '../../auth-server/start.mjs';
import { isMicrosoftSignInPage, type SignInEnvironment } from '../../../client/src/features/auth/authSettings';
import { WrongPassphraseError } from '../../../client/src/features/auth/signIn';
import { jwtPayload, MemorySecretStore, testManager } from './helpers';

let server: AuthServer;
let dir: string;
let encryptedFile: string;
const PASSPHRASE = 'correct horse battery staple';

before(async () => {
  server = await startAuthServer();
  dir = await mkdtemp(join(tmpdir(), 'encrypted-cert-'));
  const pem = await readFile(server.certificate.file, 'utf8');
  const key = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(pem)![0];
  const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)![0];
  const encrypted = createPrivateKey(key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }).toString();
  assert.match(encrypted, /ENCRYPTED PRIVATE KEY/);
  encryptedFile = join(dir, 'encrypted.pem');
  await writeFile(encryptedFile, `${encrypted}\n${certificate}\n`);
});
after(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

const environment = (): SignInEnvironment => ({
  name: 'app-encrypted',
  url: 'http://127.0.0.1:9/api/data/v9.2/',
  flavor: 'dataverse',
  auth: { method: 'certificate', authorityHost: server.authorityHost, tenant: server.tenant, clientId: server.certificateClientId, certificatePath: encryptedFile },
});

test('an encrypted private key: the passphrase is asked once, kept in the secret store, and a token is issued', async () => {
  const secrets = new MemorySecretStore();
  const asked: string[] = [];
  const askPassphrase = async (name: string): Promise<string> => {
    asked.push(name);
    return PASSPHRASE;
  };
  const first = testManager(server, secrets, { askPassphrase });
  const token = await first.manager.getToken(environment());
  assert.ok(token);
  assert.equal(jwtPayload(token).client_id, server.certificateClientId);
  assert.deepEqual(asked, ['app-encrypted']);
  assert.ok([...secrets.values.values()].includes(PASSPHRASE), 'kept in the secret store');

  const restarted = testManager(server, secrets, { askPassphrase });
  assert.ok(await restarted.manager.getToken(environment(), { forceRefresh: true }));
  assert.deepEqual(asked, ['app-encrypted'], 'not asked again');
  await restarted.manager.signOut(environment());
  assert.ok(![...secrets.values.values()].includes(PASSPHRASE), 'sign-out forgets it');
});

test('a wrong passphrase is refused with what to do, and forgotten', async () => {
  const secrets = new MemorySecretStore();
  const { manager } = testManager(server, secrets, { askPassphrase: async () => 'wrong' });
  await assert.rejects(manager.getToken(environment()), (error: unknown) => error instanceof WrongPassphraseError && /does not decrypt the private key/.test(error.message));
  assert.deepEqual([...secrets.values.values()], []);
});

test('the device code page is opened only for an https Microsoft page or the trusted authority', () => {
  assert.equal(isMicrosoftSignInPage('https://microsoft.com/devicelogin'), true);
  assert.equal(isMicrosoftSignInPage('https://login.microsoftonline.com/common/oauth2/deviceauth'), true);
  assert.equal(isMicrosoftSignInPage('https://login.microsoftonline.us/common/oauth2/deviceauth'), true);
  assert.equal(isMicrosoftSignInPage('http://microsoft.com/devicelogin'), false);
  assert.equal(isMicrosoftSignInPage('https://microsoft.com.attacker.example/devicelogin'), false);
  assert.equal(isMicrosoftSignInPage('https://user@microsoft.com/devicelogin'), false);
  assert.equal(isMicrosoftSignInPage('javascript:alert(1)'), false);
  assert.equal(isMicrosoftSignInPage(`${server.authorityHost}/device`, server.authorityHost), true);
  assert.equal(isMicrosoftSignInPage(`${server.authorityHost}/device`), false);
});
