/**
 * Metadata download and cache (client/src/features/environments/metadataStore.ts) against the real sample
 * service (SAP CAP) and a small fault server on 127.0.0.1: a failed or malformed refresh keeps the previous
 * copy byte for byte and says what to check.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  authorizationHeader,
  MetadataStore,
  metadataUrl,
  safeEnvironmentName,
  validateMetadata,
  type TokenProvider,
} from '../../../client/src/features/environments/metadataStore';
import { startSampleService, type SampleService } from '../../sample-service/start.mjs';

const fixture = readFileSync(new URL('../../fixtures/metadata/dataverse-sample.xml', import.meta.url), 'utf8');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A server whose `$metadata` answer each test chooses; records the requests' headers. */
async function faultServer(): Promise<{ root: (name: string) => string; set: (name: string, handler: Handler) => void; seen: IncomingMessage['headers'][]; close: () => Promise<void> }> {
  const handlers = new Map<string, Handler>();
  const seen: IncomingMessage['headers'][] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    const name = (req.url ?? '').split('/')[1] ?? '';
    const handler = handlers.get(name);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    root: (name) => `http://127.0.0.1:${port}/${name}/`,
    set: (name, handler) => handlers.set(name, handler),
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('metadata store: pure parts', () => {
  test('metadataUrl, safe folder names', () => {
    assert.equal(metadataUrl('https://contoso.crm.dynamics.com/api/data/v9.2/'), 'https://contoso.crm.dynamics.com/api/data/v9.2/$metadata');
    assert.equal(metadataUrl('https://contoso.operations.dynamics.com/data'), 'https://contoso.operations.dynamics.com/data/$metadata');
    assert.equal(safeEnvironmentName('contoso-dev'), 'contoso-dev');
    assert.match(safeEnvironmentName('../../etc/passwd'), /^_.*-[0-9a-f]{8}$/);
    assert.doesNotMatch(safeEnvironmentName('a/b'), /[/\\]/);
    assert.notEqual(safeEnvironmentName('a/b'), safeEnvironmentName('a:b'));
  });
  test('the bearer token goes only to the environment host', () => {
    const env = 'https://contoso.crm.dynamics.com/api/data/v9.2/';
    assert.deepEqual(authorizationHeader(`${env}$metadata`, env, 'T'), { Authorization: 'Bearer T' });
    assert.deepEqual(authorizationHeader(`${env}$metadata`, env, undefined), {});
    assert.deepEqual(authorizationHeader('https://evil.example/api/data/v9.2/$metadata', env, 'T'), {});
    assert.deepEqual(authorizationHeader('http://contoso.crm.dynamics.com/api/data/v9.2/$metadata', env, 'T'), {});
  });
  test('validateMetadata accepts the fixture and names what is wrong otherwise', () => {
    assert.equal(validateMetadata(fixture), undefined);
    assert.match(validateMetadata('{"value":[]}') ?? '', /not valid CSDL/);
    assert.match(validateMetadata(fixture.slice(0, fixture.length / 2)) ?? '', /not valid CSDL/);
    assert.match(validateMetadata('') ?? '', /empty/);
  });
});

describe('metadata store: against the real sample service', () => {
  let service: SampleService;
  let dir: string;
  before(async () => {
    service = await startSampleService();
    dir = mkdtempSync(path.join(tmpdir(), 'metadata-store-'));
  });
  after(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('first refresh downloads, validates and stores metadata.xml + info.json; the server model reads it', async () => {
    const store = new MetadataStore(dir);
    const env = { name: 'sample', url: service.serviceRoot, flavor: 'dataverse' as const };
    let progress = 0;
    const outcome = await store.refresh(env, { onProgress: (received) => (progress = received) });
    assert.equal(outcome.status, 'updated', outcome.message);
    if (outcome.status !== 'updated') return;
    assert.equal(outcome.file, path.join(dir, 'sample', 'metadata.xml'));
    const xml = readFileSync(outcome.file, 'utf8');
    assert.match(xml, /EntitySet Name="accounts"/);
    assert.equal(outcome.info.size, Buffer.byteLength(xml));
    assert.equal(progress, outcome.info.size);
    const info = JSON.parse(readFileSync(path.join(dir, 'sample', 'info.json'), 'utf8'));
    assert.deepEqual(Object.keys(info).sort(), Object.keys(outcome.info).sort());
    assert.equal(info.serviceRoot, service.serviceRoot);
    assert.ok(!Number.isNaN(Date.parse(info.downloadedAt)));
    assert.deepEqual(await store.info('sample'), info);
    assert.deepEqual(readdirSync(path.join(dir, 'sample')).sort(), ['info.json', 'metadata.xml'], 'no temporary file left');
  });

  test('a second refresh replaces it again (CAP sends no ETag, so the download is unconditional)', async () => {
    const store = new MetadataStore(dir);
    const outcome = await store.refresh({ name: 'sample', url: service.serviceRoot });
    assert.ok(outcome.status === 'updated' || outcome.status === 'unchanged', outcome.message);
  });

  test('a wrong service root on the real service: 404 says to check the service root, and keeps the copy', async () => {
    const store = new MetadataStore(dir);
    const before = readFileSync(store.file('sample'));
    const outcome = await store.refresh({ name: 'sample', url: `${service.url}/no/such/root/` });
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.message, /404.*Check the service root URL.*previous copy .* is kept/);
    assert.deepEqual(readFileSync(store.file('sample')), before);
  });
});

describe('metadata store: faults keep the previous copy byte for byte', () => {
  let fault: Awaited<ReturnType<typeof faultServer>>;
  let dir: string;
  let store: MetadataStore;
  const good = (etag?: string): Handler => (req, res) => {
    if (etag && req.headers['if-none-match'] === etag) return void res.writeHead(304, { ETag: etag }).end();
    res.writeHead(200, { 'Content-Type': 'application/xml', ...(etag ? { ETag: etag } : {}) }).end(fixture);
  };

  before(async () => {
    fault = await faultServer();
    dir = mkdtempSync(path.join(tmpdir(), 'metadata-faults-'));
    store = new MetadataStore(dir);
  });
  after(async () => {
    await fault.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Seeds a good copy of `name` from the fault server, then breaks the server and refreshes. */
  async function failAfterGood(name: string, broken: Handler, options: Parameters<MetadataStore['refresh']>[1] = {}): Promise<string> {
    fault.set(name, good());
    const first = await store.refresh({ name, url: fault.root(name) });
    assert.equal(first.status, 'updated', first.message);
    const before = readFileSync(store.file(name));
    const infoBefore = readFileSync(path.join(store.folder(name), 'info.json'));
    fault.set(name, broken);
    const outcome = await store.refresh({ name, url: fault.root(name) }, options);
    assert.equal(outcome.status, 'failed', outcome.message);
    assert.ok(outcome.status === 'failed' && outcome.kept);
    assert.match(outcome.message, /The previous copy \(downloaded .*\) is kept\./);
    assert.deepEqual(readFileSync(store.file(name)), before, 'metadata.xml unchanged');
    assert.deepEqual(readFileSync(path.join(store.folder(name), 'info.json')), infoBefore, 'info.json unchanged');
    assert.deepEqual(readdirSync(store.folder(name)).sort(), ['info.json', 'metadata.xml']);
    return outcome.message;
  }

  test('garbage body (XML content type)', async () => {
    const message = await failAfterGood('garbage', (_req, res) => res.writeHead(200, { 'Content-Type': 'application/xml' }).end('\u0000\u0001 garbage <<<'));
    assert.match(message, /not valid CSDL.*check the service root URL/);
  });
  test('truncated XML', async () => {
    const message = await failAfterGood('truncated', (_req, res) => res.writeHead(200, { 'Content-Type': 'application/xml' }).end(fixture.slice(0, 5000)));
    assert.match(message, /not valid CSDL \(line \d+, column \d+\)/);
  });
  test('an HTML sign-in page', async () => {
    const message = await failAfterGood('html', (_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!DOCTYPE html><html><body>Sign in</body></html>'));
    assert.match(message, /sent an HTML page \(often a sign-in or error page\) instead of the \$metadata XML\. Check the service root URL/);
  });
  test('500 with an OData error body', async () => {
    const message = await failAfterGood('error500', (_req, res) =>
      res.writeHead(500, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { code: '0x80040216', message: 'An unexpected error occurred.' } })),
    );
    assert.match(message, /answered 500 Internal Server Error \(An unexpected error occurred\.\): a server error\. Try again later/);
  });
  test('401: sign in, or check the sign-in settings', async () => {
    const message = await failAfterGood('unauthorized', (_req, res) => res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end());
    assert.match(message, /401 Unauthorized: it refused the sign-in\. Sign in to the environment \("Dynamics OData: Sign In"\)/);
  });
  test('403: sign in, or check the sign-in settings', async () => {
    const message = await failAfterGood('forbidden', (_req, res) => res.writeHead(403).end());
    assert.match(message, /403 Forbidden: it refused the sign-in/);
  });
  test('a token provider that needs a sign-in first: nothing is sent, and the outcome says so', async () => {
    let hits = 0;
    const message = await failAfterGood('needs-sign-in', (_req, res) => {
      hits += 1;
      res.writeHead(200, { 'Content-Type': 'application/xml' }).end(fixture);
    }, {
      tokenProvider: async () => {
        throw new Error('Sign in to needs-sign-in: you are not signed in (run "Dynamics OData: Sign In").');
      },
    });
    assert.equal(hits, 0, 'no request without the token');
    assert.match(message, /could not be downloaded from .*: Sign in to needs-sign-in: you are not signed in \(run "Dynamics OData: Sign In"\)\. The previous copy/);
    const outcome = await store.refresh({ name: 'needs-sign-in', url: fault.root('needs-sign-in') }, { tokenProvider: async () => Promise.reject(new Error('renewal refused')) });
    assert.equal(outcome.status === 'failed' && outcome.signIn, true, 'marked as needing a sign-in, so the client offers "Sign In"');
  });
  test('a dropped connection in the middle of the body', async () => {
    const message = await failAfterGood('dropped', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': String(fixture.length) });
      res.write(fixture.slice(0, 1000), () => res.socket?.destroy());
    });
    assert.match(message, /connection (was dropped|was closed before the answer was complete)|terminated/);
  });
  test('a connection dropped before any answer', async () => {
    const message = await failAfterGood('reset', (req) => req.socket.destroy());
    assert.match(message, /connection (was dropped|was closed)|socket/i);
  });
  // The test's own timeout only keeps a broken idle timeout from hanging the run; the assertion is the message.
  test('a slow response ends in a timeout', { timeout: 30_000 }, async () => {
    const message = await failAfterGood('slow', () => {}, { idleTimeoutMs: 300 });
    assert.match(message, /no answer for 0 s \(timeout\)\. Check the URL and your network/);
  });
  test('too large', async () => {
    const streamed = await failAfterGood('large', good(), { maxBytes: 1000 });
    assert.match(streamed, /larger than the limit of 1000 bytes\. Check the service root URL/);
    const declared = await failAfterGood('large-declared', (_req, res) =>
      res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(fixture)) }).end(fixture), { maxBytes: 1000 });
    assert.match(declared, /the document is \d+ bytes, more than the limit of 1000/);
  });
  test('cancelled', async () => {
    const controller = new AbortController();
    fault.set('cancel', good());
    await store.refresh({ name: 'cancel', url: fault.root('cancel') });
    const before = readFileSync(store.file('cancel'));
    fault.set('cancel', () => setTimeout(() => controller.abort(), 50));
    const outcome = await store.refresh({ name: 'cancel', url: fault.root('cancel') }, { signal: controller.signal });
    assert.equal(outcome.status, 'cancelled');
    assert.match(outcome.message, /was cancelled\. The previous copy .* is kept/);
    assert.deepEqual(readFileSync(store.file('cancel')), before);
  });
  test('refused connection (nothing listening) with no previous copy', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const outcome = await store.refresh({ name: 'refused', url: `http://127.0.0.1:${port}/data/` });
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.status === 'failed' && !outcome.kept);
    assert.match(outcome.message, /connection was refused\. Check the URL and port, and that the service is running \[ECONNREFUSED\]/);
    assert.equal(existsSync(store.folder('refused')), false, 'nothing written');
  });
  test('DNS failure', async () => {
    const outcome = await store.refresh({ name: 'dns', url: 'https://no-such-host.invalid/data/' });
    assert.match(outcome.message, /does not resolve \(DNS\)|could not be resolved/);
  });

  test('ETag: the conditional refresh sends If-None-Match and 304 keeps the copy; the OData headers are sent', async () => {
    fault.set('etag', good('W/"42"'));
    const first = await store.refresh({ name: 'etag', url: fault.root('etag') });
    assert.equal(first.status, 'updated');
    assert.equal(first.status === 'updated' && first.info.etag, 'W/"42"');
    const before = readFileSync(store.file('etag'));
    fault.seen.length = 0;
    const second = await store.refresh({ name: 'etag', url: fault.root('etag') });
    assert.equal(second.status, 'unchanged', second.message);
    assert.match(second.message, /up to date \(304 Not Modified\)/);
    assert.deepEqual(readFileSync(store.file('etag')), before);
    const headers = fault.seen[0]!;
    assert.equal(headers['if-none-match'], 'W/"42"');
    assert.equal(headers.accept, 'application/xml');
    assert.equal(headers['odata-version'], '4.0');
    assert.equal(headers['odata-maxversion'], '4.0');
    assert.equal(headers.authorization, undefined, 'no token today, no Authorization header');
    const info = await store.info('etag');
    assert.ok(info?.checkedAt);
    // A new ETag: downloaded again.
    fault.set('etag', good('W/"43"'));
    const third = await store.refresh({ name: 'etag', url: fault.root('etag') });
    assert.equal(third.status, 'updated');
  });

  test('a token, when the provider gives one, is sent as a bearer header to the environment host', async () => {
    fault.set('token', good());
    fault.seen.length = 0;
    const provider: TokenProvider = async (env) => (env.name === 'token' ? 'secret-token' : undefined);
    const outcome = await store.refresh({ name: 'token', url: fault.root('token') }, { tokenProvider: provider });
    assert.equal(outcome.status, 'updated', outcome.message);
    assert.equal(fault.seen[0]?.authorization, 'Bearer secret-token');
    const stored = readdirSync(store.folder('token')).map((file) => readFileSync(path.join(store.folder('token'), file), 'utf8')).join('');
    assert.doesNotMatch(stored, /secret-token/);
  });
});
