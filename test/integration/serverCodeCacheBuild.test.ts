// The code cache of one build is never used for another (server/src/lsp/serverLoader.ts). V8 itself refuses a cache
// of another V8 version or other flags, but of the source it checks only the length: a cache made for a bundle is
// accepted for any other text of the same length, and runs the old code. The cache's name holds a hash of the
// bundle's bytes, so that the other build is compiled afresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProtocolConnection, ExitNotification, InitializeRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { ensureBuilt } from './lspClient';

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the server entry in `dist`, initializes it, lives `ms`, stops it: the version it says it is. */
async function serverVersion(dist: string, cacheHome: string, ms: number): Promise<string | undefined> {
  const child = spawn(process.execPath, [join(dist, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  try {
    const result = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: {} });
    await wait(ms);
    return result.serverInfo?.version;
  } finally {
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    connection.dispose();
    if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  }
}

test('a code cache written for one bundle is not used for another bundle of the same length', async () => {
  const built = join(ensureBuilt(), '..');
  const home = mkdtempSync(join(tmpdir(), 'odata-code-cache-build-'));
  try {
    const first = join(home, 'first');
    const second = join(home, 'second');
    for (const dist of [first, second]) {
      mkdirSync(dist);
      copyFileSync(join(built, 'server.js'), join(dist, 'server.js'));
    }
    const bundle = readFileSync(join(built, 'server-main.js'), 'latin1');
    const said = 'version: "0.1.0"';
    assert.equal(bundle.split(said).length, 2, 'the bundle says its version once');
    writeFileSync(join(first, 'server-main.js'), bundle, 'latin1');
    // Another build: the same length, one answer different.
    writeFileSync(join(second, 'server-main.js'), bundle.replace(said, 'version: "0.1.9"'), 'latin1');

    const folder = join(home, 'dynamics-odata', 'code');
    assert.equal(await serverVersion(first, home, 6500), '0.1.0');
    assert.ok(existsSync(folder) && readdirSync(folder).some((name) => name.endsWith('.bin')), 'the first build wrote its code cache');
    assert.equal(await serverVersion(second, home, 0), '0.1.9', 'the second build runs its own code, not the first build\'s cache');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
