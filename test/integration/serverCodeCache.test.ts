// The server's entry (dist/server.js, server/src/lsp/serverLoader.ts) runs the bundle with V8's code cache kept in the
// user's cache folder: written a few seconds after a start, used (not rewritten) by the next start, and a cache that
// V8 refuses (damaged, or of another build) never stops the server: it is compiled as before and the cache rewritten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FoldingRangeRequest } from 'vscode-languageserver-protocol/node';
import { repoRoot, startServer } from './lspClient';

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One server run: it loads an environment from XML (a cold load, whose background pass collects garbage: a V8 flag
 * the server sets then must not make the cache it writes unusable), answers a request, and lives `ms` (the code
 * cache is written 5 s after the start).
 */
async function run(ms: number, metadataFile: string): Promise<void> {
  rmSync(`${metadataFile}.odata-index.json`, { force: true });
  const server = await startServer({ environments: [{ name: 'trip', flavor: 'generic', url: 'https://example.org/', metadataFile }], defaultEnvironment: 'trip' });
  try {
    const uri = 'file:///code-cache.odata';
    await server.open(uri, 'GET People\n', 1);
    const ranges = await server.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
    assert.ok(Array.isArray(ranges) || ranges === null, 'the server answers');
    for (let i = 0; i < 250 && !existsSync(`${metadataFile}.odata-index.json`); i++) await wait(20);
    assert.ok(existsSync(`${metadataFile}.odata-index.json`), 'the cold load finished its background pass');
    await wait(ms);
    assert.equal(server.process.exitCode, null, 'the server is still running');
  } finally {
    await server.stop();
  }
}

test('the code cache is written after a start, used by the next, and a refused one is replaced without harm', async () => {
  const home = mkdtempSync(join(tmpdir(), 'odata-code-cache-'));
  const previous = process.env.XDG_CACHE_HOME;
  // The child server inherits it: its cache folder is this test's.
  process.env.XDG_CACHE_HOME = home;
  const folder = join(home, 'dynamics-odata', 'code');
  const metadata = join(home, 'metadata.xml');
  copyFileSync(join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__TripPin.xml'), metadata);
  const cacheFile = (): string | undefined => (existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.bin')).map((name) => join(folder, name))[0] : undefined);
  try {
    await run(6500, metadata);
    const file = cacheFile();
    assert.ok(file !== undefined, 'the first start wrote a code cache');
    if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600, 'readable by the user only');
    const written = readFileSync(file);
    const writtenAt = statSync(file).mtimeMs;
    assert.ok(written.length > 1000);

    await run(6500, metadata);
    assert.equal(statSync(file).mtimeMs, writtenAt, 'the second start used the cache (V8 accepted it: nothing rewritten)');
    assert.deepEqual(readFileSync(file), written);

    writeFileSync(file, Buffer.from('not a code cache at all'));
    await run(6500, metadata);
    const rewritten = readFileSync(file);
    assert.ok(rewritten.length > 1000, 'a refused cache is replaced by a valid one');
  } finally {
    if (previous === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = previous;
    rmSync(home, { recursive: true, force: true });
  }
});
