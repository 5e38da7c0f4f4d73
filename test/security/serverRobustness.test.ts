// The language server never exits on bad input (issue 12, item 7): the BUILT server over stdio, as an editor runs it,
// given what a hostile workspace can put in front of it. Each test states the attack first, then shows the server
// staying up and answering (and, where it applies, saying in its log what it ignored).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompletionRequest,
  FoldingRangeRequest,
  HoverRequest,
  LogMessageNotification,
  type CompletionList,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { readCsdl } from '../../server/src/odata/csdl/csdlReader';
import { COMPACT_INDEX_VERSION, encodeCompactIndex } from '../../server/src/odata/csdl/compactIndex';
import { cacheLocations, defaultCacheDirectory, fingerprint } from '../../server/src/lsp/indexCache';
import { repoRoot, startServer, type TestServer } from '../integration/lspClient';

const corpus = join(repoRoot, '..', 'shared', 'corpus', 'metadata');

interface Workspace {
  dir: string;
  metadata: string;
  done(): void;
}

function workspace(file = 'simpleodata__TripPin.xml'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'odata-robustness-'));
  const metadata = join(dir, 'metadata.xml');
  copyFileSync(join(corpus, file), metadata);
  return { dir, metadata, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A server for one environment on `metadataFile`, with every log message it sends collected. */
async function serverFor(metadataFile: string, initializationOptions?: unknown): Promise<{ server: TestServer; log: string[] }> {
  const server = await startServer(
    initializationOptions ?? {
      environments: [{ name: 'env', flavor: 'generic', url: 'https://example.org/', metadataFile }],
      defaultEnvironment: 'env',
    },
  );
  const log: string[] = [];
  server.connection.onNotification(LogMessageNotification.method, (message: { message: string }) => void log.push(message.message));
  return { server, log };
}

/** Completion labels at the end of `text` once the environment's model answers (polled), or the last list. */
async function labelsWhenLoaded(server: TestServer, uri: string, text: string, expected: string): Promise<string[]> {
  await server.open(uri, text, 1);
  const lines = text.split('\n');
  const position = { line: lines.length - 1, character: lines[lines.length - 1].length };
  let labels: string[] = [];
  for (let attempt = 0; attempt < 1500; attempt++) {
    const list = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionList | null;
    labels = (list?.items ?? []).map((item) => item.label);
    if (labels.includes(expected)) return labels;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return labels;
}

/** The server is still running and answers the smallest request. */
async function assertAlive(server: TestServer, uri: string): Promise<void> {
  assert.equal(server.process.exitCode, null, 'the server process is still running');
  const ranges = await server.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
  assert.ok(Array.isArray(ranges) || ranges === null);
}

/** A cache file as the server writes one, for `metadataFile`, holding `xml`'s model, hashed under `key`. */
async function forgedCache(metadataFile: string, xml: string, key: Buffer): Promise<Buffer> {
  const body = Buffer.from(JSON.stringify(encodeCompactIndex(readCsdl(xml))), 'utf8');
  const source = await fingerprint(metadataFile);
  const header = {
    format: 'dynamics-odata-index',
    version: COMPACT_INDEX_VERSION,
    source,
    bodyLength: body.length,
    bodySha1: createHash('sha1').update(body).digest('hex'),
    bodyMac: createHmac('sha1', key).update(`${metadataFile}\n${source.size}\n${source.mtimeMs}\n${source.sample}\n`).update(body).digest('hex'),
  };
  return Buffer.concat([Buffer.from(JSON.stringify(header) + '\n'), body]);
}

function besideCache(metadataFile: string): string {
  return cacheLocations(metadataFile, defaultCacheDirectory())[0];
}

test('a forged index cache beside a metadata file (right fingerprint, length and hash, another model) is ignored: the server stays up and answers from the XML', async () => {
  const w = workspace();
  const northwind = readFileSync(join(corpus, 'simpleodata__Northwind4.xml'), 'utf8');
  writeFileSync(besideCache(w.metadata), await forgedCache(w.metadata, northwind, randomBytes(32)));
  const { server, log } = await serverFor(w.metadata);
  try {
    const uri = 'file:///forged.odata';
    const labels = await labelsWhenLoaded(server, uri, 'GET ', 'People');
    assert.ok(labels.includes('People'), `TripPin's sets are offered: ${labels.slice(0, 10).join(', ')}`);
    assert.ok(!labels.includes('Customers'), "the forged cache's Northwind sets are not");
    assert.ok(log.some((line) => /index cache .* is ignored: it is damaged, or was not written by this user for this file/.test(line)), log.join('\n'));
    await assertAlive(server, uri);
  } finally {
    await server.stop();
    w.done();
  }
});

test('damaged index caches beside a metadata file (not JSON, a hostile header, a body that decodes to nonsense) never stop the server', async () => {
  const w = workspace();
  const source = await fingerprint(w.metadata);
  const hostile = [
    'garbage\n{]',
    `${JSON.stringify({ format: 'dynamics-odata-index', version: COMPACT_INDEX_VERSION, source: null, bodyLength: -1 })}\n{}`,
    `${JSON.stringify({ format: 'dynamics-odata-index', version: COMPACT_INDEX_VERSION, source, bodyLength: 2, bodyMac: 'x'.repeat(40) })}\n{}`,
    `${JSON.stringify({ __proto__: { polluted: true }, format: 'dynamics-odata-index', version: COMPACT_INDEX_VERSION, source, bodyLength: 4 })}\n[1]\n`,
  ];
  try {
    for (const [i, content] of hostile.entries()) {
      writeFileSync(besideCache(w.metadata), content);
      const { server } = await serverFor(w.metadata);
      try {
        const uri = `file:///damaged-${i}.odata`;
        const labels = await labelsWhenLoaded(server, uri, 'GET ', 'People');
        assert.ok(labels.includes('People'), `case ${i}: ${labels.slice(0, 5).join(', ')}`);
        await assertAlive(server, uri);
      } finally {
        await server.stop();
      }
    }
  } finally {
    w.done();
  }
});

test('a huge index cache beside a small metadata file is not read at all: the server stays small and answers', async () => {
  const w = workspace();
  const cache = besideCache(w.metadata);
  writeFileSync(cache, '');
  truncateSync(cache, 2_000_000_000); // sparse: 2 GB that would be read into memory
  const { server, log } = await serverFor(w.metadata);
  try {
    const uri = 'file:///huge.odata';
    assert.ok((await labelsWhenLoaded(server, uri, 'GET ', 'People')).includes('People'));
    assert.ok(log.some((line) => /is ignored: it is larger \(2000000000 bytes\)/.test(line)), log.join('\n'));
    await assertAlive(server, uri);
  } finally {
    await server.stop();
    w.done();
  }
});

test('a metadata "file" that is a folder, a device, a named pipe (which would block a read forever) or garbage bytes gives one clear diagnostic, and the server answers on', async () => {
  const w = workspace();
  const folder = join(w.dir, 'folder.xml');
  mkdirSync(folder);
  const garbage = join(w.dir, 'garbage.xml');
  writeFileSync(garbage, randomBytes(200_000));
  const pipe = join(w.dir, 'pipe.xml');
  assert.equal(spawnSync('mkfifo', [pipe]).status, 0);
  const cases: [string, RegExp][] = [
    [folder, /is not a file/],
    ['/dev/zero', /is not a file/],
    [pipe, /is not a file/],
    [garbage, /could not be read/],
  ];
  try {
    for (const [file, expected] of cases) {
      const { server } = await serverFor(file);
      try {
        const uri = 'file:///bad-metadata.odata';
        const diagnostics = server.nextDiagnostics(uri);
        await server.open(uri, 'GET People\n', 1);
        const published: PublishDiagnosticsParams = await diagnostics;
        assert.match(String(published.diagnostics[0]?.message ?? ''), expected, `${file}: ${JSON.stringify(published.diagnostics)}`);
        await assertAlive(server, uri);
      } finally {
        await server.stop();
      }
    }
  } finally {
    w.done();
  }
});

test('settings of the wrong shape (environments as a string, entries of numbers, a null default) are dropped, not fatal', async () => {
  for (const options of [{ environments: 'all' }, { environments: [1, null, { name: 7 }], defaultEnvironment: null }, 'nonsense', null]) {
    const server = await startServer(options);
    try {
      const uri = 'file:///settings.odata';
      await server.open(uri, 'GET accounts?$top=1\n', 1);
      await assertAlive(server, uri);
    } finally {
      await server.stop();
    }
  }
});

test('requests that point nowhere (unopened documents, positions past the end, a negative line) get empty answers, and the server answers on', async () => {
  const w = workspace();
  const { server } = await serverFor(w.metadata);
  try {
    const uri = 'file:///positions.odata';
    await labelsWhenLoaded(server, uri, 'GET ', 'People');
    const nowhere = [
      { textDocument: { uri: 'file:///never-opened.odata' }, position: { line: 0, character: 0 } },
      { textDocument: { uri }, position: { line: 10_000, character: 10_000 } },
      { textDocument: { uri }, position: { line: -1, character: -5 } },
    ];
    for (const params of nowhere) {
      await server.connection.sendRequest(CompletionRequest.type, params).catch(() => undefined);
      await server.connection.sendRequest(HoverRequest.type, params).catch(() => undefined);
    }
    await assertAlive(server, uri);
  } finally {
    await server.stop();
    w.done();
  }
});
