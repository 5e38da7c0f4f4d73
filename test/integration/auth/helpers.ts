/**
 * Test helpers for the sign-in tests: an in-memory SecretStore (it stands in for VS Code's SecretStorage,
 * which is the OS keychain: it is not a file the run writes), a tiny OData service on 127.0.0.1 that records
 * the Authorization header it receives, and a SignInManager wired to the local authority.
 */
import { createServer, type Server } from 'node:http';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuthServer } from '../../auth-server/start.mjs';
import type { SecretStore } from '../../../client/src/features/auth/secretCachePlugin';
import { SignInManager, type DeviceCodeInfo, type SignInManagerOptions } from '../../../client/src/features/auth/signIn';
import { trustingNetworkClient } from './trustingNetworkClient';

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

const METADATA = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Test" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="account"><Key><PropertyRef Name="accountid"/></Key><Property Name="accountid" Type="Edm.Guid" Nullable="false"/></EntityType>
      <EntityContainer Name="Container"><EntitySet Name="accounts" EntityType="Test.account"/></EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`;

export interface EchoService {
  /** Service root, e.g. http://127.0.0.1:1234/api/data/v9.2/ */
  url: string;
  /** The Authorization header of every request, in order (undefined when absent). */
  authorizations: Array<string | undefined>;
  stop(): Promise<void>;
}

/** An OData service stand-in: `$metadata` answers a small CSDL and every request's Authorization is recorded. */
export async function startEchoService(): Promise<EchoService> {
  const authorizations: Array<string | undefined> = [];
  const server: Server = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    if (req.url?.endsWith('/$metadata')) {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(METADATA);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"value":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/data/v9.2/`,
    authorizations,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface TestManager {
  manager: SignInManager;
  logs: string[];
  browserOpened: string[];
  deviceCodes: DeviceCodeInfo[];
  /** Settles when the scripted user finished the last browser or device code sign-in. */
  userDone: () => Promise<unknown>;
}

/** A SignInManager that signs in against `server`, the scripted user playing the browser and the device code page. */
export function testManager(server: AuthServer, secrets: SecretStore, extra: Partial<SignInManagerOptions> = {}): TestManager {
  const logs: string[] = [];
  const browserOpened: string[] = [];
  const deviceCodes: DeviceCodeInfo[] = [];
  let last: Promise<unknown> = Promise.resolve();
  const manager = new SignInManager({
    secrets,
    // The browser runs on its own, as a real one would: MSAL waits on its loopback for the redirect.
    openBrowser: async (url) => {
      browserOpened.push(url);
      last = server.browse(url);
    },
    showDeviceCode: (info) => {
      deviceCodes.push(info);
      last = server.approveDeviceCode(info.userCode);
    },
    log: (line) => logs.push(line),
    systemOptions: { networkClient: trustingNetworkClient(server.dispatcher) },
    // The local authority is trusted as a user trusts one: through their own dynamicsOData.trustedAuthorityHosts.
    trust: () => ({ trustedAuthorityHosts: [server.authorityHost] }),
    ...extra,
  });
  return { manager, logs, browserOpened, deviceCodes, userDone: () => last };
}

/** The payload of a JWT (the tests check the audience). */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Every regular file under `root` (recursively). */
export async function filesUnder(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      const info = await stat(full).catch(() => undefined);
      if (info?.isDirectory()) await walk(full);
      else if (info?.isFile()) found.push(full);
    }
  };
  await walk(root);
  return found;
}

/** The files whose text contains one of the needles (each needle at least 8 characters). */
export async function filesContaining(files: string[], needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'latin1').catch(() => '');
    if (needles.some((needle) => needle.length >= 8 && text.includes(needle))) hits.push(file);
  }
  return hits;
}
