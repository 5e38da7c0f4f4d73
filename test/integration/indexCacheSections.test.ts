// The index cache's sections, each checked on its first use (server/src/lsp/indexCache.ts, csdl/compactIndex.ts):
// a cache whose header, table and load-time sections are genuine but whose later section was altered (its hash no
// longer matches) is used for the warm start; the altered section is refused when a request first needs it, the
// server logs it, deletes the cache and reads the XML again, and answers from the XML: the BUILT server over stdio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionRequest, FoldingRangeRequest, LogMessageNotification, type CompletionList } from 'vscode-languageserver-protocol/node';
import { Environments } from '../../server/src/lsp/environments';
import { cacheLocations, defaultCacheDirectory } from '../../server/src/lsp/indexCache';
import { CHUNK_VALUES, encodeCompactIndex, type CompactIndex } from '../../server/src/odata/csdl/compactIndex';
import { readCsdl } from '../../server/src/odata/csdl/csdlReader';
import { repoRoot, startServer, type TestServer } from './lspClient';

const corpus = join(repoRoot, '..', 'shared', 'corpus', 'metadata');

function workspace(): { dir: string; metadata: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'odata-index-sections-'));
  const metadata = join(dir, 'metadata.xml');
  copyFileSync(join(corpus, 'simpleodata__TripPin.xml'), metadata);
  return { dir, metadata, cache: cacheLocations(metadata, defaultCacheDirectory())[0] };
}

/** Where a section of a cache file is: [offset in the file, length]. */
function sectionIn(file: Buffer, name: string): [number, number] {
  const bodyStart = file.indexOf(0x0a) + 1;
  const tableLength = file.readUInt32LE(bodyStart);
  const dataStart = bodyStart + Math.ceil((4 + tableLength) / 8) * 8;
  const table = JSON.parse(file.subarray(bodyStart + 4, bodyStart + 4 + tableLength).toString('latin1')) as [string, number, number][];
  const entry = table.find(([section]) => section === name);
  assert.ok(entry, `the cache has a section ${name}`);
  return [dataStart + entry[1], entry[2]];
}

/** The cache with two integers swapped in a section (`pn:0`: two property names): still well formed, but not what its hash covers. */
function forgeLateSection(cache: string, section = 'pn:0'): Buffer {
  const file = readFileSync(cache);
  const [offset, length] = sectionIn(file, section);
  assert.ok(length >= 8);
  const first = file.readInt32LE(offset);
  const second = file.readInt32LE(offset + 4);
  assert.notEqual(first, second);
  file.writeInt32LE(second, offset);
  file.writeInt32LE(first, offset + 4);
  writeFileSync(cache, file);
  return file;
}

async function labels(server: TestServer, uri: string, text: string): Promise<string[]> {
  const lines = text.split('\n');
  const position = { line: lines.length - 1, character: lines[lines.length - 1].length };
  const list = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionList | null;
  return (list?.items ?? []).map((item) => item.label);
}

async function until<T>(what: () => Promise<T> | T, done: (value: T) => boolean): Promise<T> {
  let value = await what();
  for (let attempt = 0; attempt < 1000 && !done(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await what();
  }
  return value;
}

/** Environments holding one environment `env` over `metadata`, as the server configures it, with what it logs. */
function environmentOver(metadata: string, cacheDirectory: string, flavor: 'generic' | 'dataverse' = 'generic'): { environments: Environments; logs: string[] } {
  const logs: string[] = [];
  const environments = new Environments(() => undefined, () => undefined, { cacheDirectory, onLog: (message) => logs.push(message) });
  const url = flavor === 'dataverse' ? 'https://example.crm.dynamics.com/api/data/v9.2/' : 'https://example.org/';
  environments.configure({ environments: [{ name: 'env', flavor, url, metadataFile: metadata }] });
  return { environments, logs };
}

/** A cold start over `metadata` that writes its index cache, then stops; what its model answered. */
async function writeCacheCold(metadata: string, cacheDirectory: string, flavor?: 'generic' | 'dataverse'): Promise<Extract<Awaited<ReturnType<Environments['model']>>, { ok: true }>> {
  const { environments } = environmentOver(metadata, cacheDirectory, flavor);
  try {
    const first = await environments.model('env');
    assert.ok(first.ok);
    await first.cacheWritten;
    return first;
  } finally {
    environments.dispose();
  }
}

/** A cold server over `options` answers a set (`set`) and writes the index cache at `cache`, then stops. */
async function writeCacheOverLsp(options: unknown, set: string, cache: string): Promise<void> {
  const cold = await startServer(options);
  try {
    await cold.open('file:///cold.odata', 'GET ', 1);
    await until(() => labels(cold, 'file:///cold.odata', 'GET '), (found) => found.includes(set));
    await until(() => existsSync(cache), Boolean);
  } finally {
    await cold.stop();
  }
  assert.ok(existsSync(cache), 'the cold start wrote the cache');
}

/** A server over `options`, with what it logs. */
async function startWithLog(options: unknown): Promise<{ server: Awaited<ReturnType<typeof startServer>>; log: string[] }> {
  const server = await startServer(options);
  const log: string[] = [];
  server.connection.onNotification(LogMessageNotification.method, (message: { message: string }) => void log.push(message.message));
  return { server, log };
}

test('over LSP: a forged late section (header and load-time sections genuine) is refused at use; the server logs it, deletes the cache, reads the XML and answers from it', async () => {
  const w = workspace();
  const options = { environments: [{ name: 'env', flavor: 'generic', url: 'https://example.org/', metadataFile: w.metadata }], defaultEnvironment: 'env' };
  try {
    // A cold start writes a genuine cache.
    await writeCacheOverLsp(options, 'People', w.cache);
    const forged = forgeLateSection(w.cache);

    const { server: warm, log } = await startWithLog(options);
    try {
      const uri = 'file:///warm.odata';
      await warm.open(uri, 'GET ', 1);
      // The warm start loads: the header, the table and the sections read at load are genuine.
      const sets = await until(() => labels(warm, uri, 'GET '), (found) => found.includes('People'));
      assert.ok(sets.includes('People') && sets.includes('Airlines'), sets.join(', '));
      assert.ok(!log.some((line) => /is ignored/.test(line)), `the cache was not refused at load: ${log.join('\n')}`);
      // The first request that needs the properties reads the forged section: refused, never used.
      const text = 'GET People?$select=';
      await warm.change(uri, text, 2);
      const first = await labels(warm, uri, text);
      assert.ok(!first.some((label) => label === ''), 'no property of an empty name');
      const properties = await until(() => labels(warm, uri, text), (found) => found.includes('UserName') && found.includes('FirstName'));
      assert.ok(properties.includes('UserName') && properties.includes('FirstName'), `answered from the XML: ${properties.join(', ')}`);
      assert.ok(
        log.some((line) => /index cache .* is damaged \(section pn:0 does not match its hash\): it is deleted, and the metadata is read again from/.test(line)),
        log.join('\n'),
      );
      // The XML was read again as on a cold start: a new cache, genuine, replaces the deleted one.
      const rewritten = await until(() => existsSync(w.cache) && !readFileSync(w.cache).equals(forged), Boolean);
      assert.ok(rewritten, 'the cache was written again from the XML');
      assert.equal(warm.process.exitCode, null, 'the server process is still running');
      assert.ok(Array.isArray(await warm.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })));
    } finally {
      await warm.stop();
    }
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('in process: the environment answers with empty members until the XML is read again, then the same members as before', async () => {
  const w = workspace();
  const cacheDirectory = join(w.dir, 'user-cache');
  try {
    const first = await writeCacheCold(w.metadata, cacheDirectory);
    const person = first.model.findStructuredType('Microsoft.OData.SampleService.Models.TripPin.Person')!;
    const expected = first.model.properties(person).map((p) => p.name);
    forgeLateSection(w.cache);

    const { environments: warm, logs } = environmentOver(w.metadata, cacheDirectory);
    try {
      const loaded = await warm.model('env');
      assert.ok(loaded.ok && loaded.source === 'cache', 'a warm start');
      const type = loaded.model.findStructuredType('Microsoft.OData.SampleService.Models.TripPin.Person')!;
      assert.deepEqual(loaded.model.properties(type), [], 'the refused section is not used: no properties rather than wrong ones');
      assert.ok(!existsSync(w.cache), 'the cache file is deleted');
      assert.ok(logs.some((line) => /section pn:0 does not match its hash/.test(line)), logs.join('\n'));
      const again = await until(
        async () => warm.model('env'),
        (model) => model.ok && model.source === 'xml',
      );
      assert.ok(again.ok && again.source === 'xml', 'the XML is read again');
      const reread = again.model.findStructuredType('Microsoft.OData.SampleService.Models.TripPin.Person')!;
      assert.deepEqual(
        again.model.properties(reread).map((p) => p.name),
        expected,
      );
    } finally {
      warm.dispose();
    }
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('in process: a section the load reads (the types) altered: the cache is ignored as forged, naming the section, and the XML is read', async () => {
  const w = workspace();
  const cacheDirectory = join(w.dir, 'user-cache');
  try {
    await writeCacheCold(w.metadata, cacheDirectory);
    forgeLateSection(w.cache, 't:0');

    const { environments: warm, logs } = environmentOver(w.metadata, cacheDirectory);
    try {
      const loaded = await warm.model('env');
      assert.ok(loaded.ok && loaded.source === 'xml', 'the XML is read, not the cache');
      assert.ok(
        logs.some((line) => /is ignored: it is damaged, or was not written by this user for this file \(section t:0 does not match its hash\)/.test(line)),
        logs.join('\n'),
      );
    } finally {
      warm.dispose();
    }
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

// The integer columns are in chunks of CHUNK_VALUES values, each a section with its own hash: a first use reads and
// checks only the chunks it needs. A real Dynamics document whose navigation properties fill ten chunks.
const crm = join(corpus, 'simpleodata__crm_schema.xml');
const NAV_FIELDS = 8;
const TYPE_FIELDS = 11;

/** An entity type whose navigation properties all lie in chunk `chunk` of `n`, with its entity set and navigation property names. */
function typeInNavChunk(index: CompactIndex, sets: Map<string, string>, namespace: string, chunk: number): { set: string; type: string; navs: string[] } {
  const rowsPerChunk = CHUNK_VALUES / NAV_FIELDS;
  for (let at = 0; at < index.t.length; at += TYPE_FIELDS) {
    const [kind, name, navStart, navCount] = [index.t[at], index.t[at + 1], index.t[at + 8], index.t[at + 9]];
    const set = sets.get(`${namespace}.${index.s[name]}`);
    if (kind !== 0 || set === undefined || navCount < 2 || Math.floor(navStart / rowsPerChunk) !== chunk || Math.floor((navStart + navCount - 1) / rowsPerChunk) !== chunk) continue;
    const navs = Array.from({ length: navCount }, (_, i) => index.s[index.n[(navStart + i) * NAV_FIELDS]]);
    return { set, type: index.s[name], navs };
  }
  assert.fail(`no entity type with its navigation properties in chunk ${chunk}`);
}

function crmWorkspace(): { dir: string; metadata: string; cache: string; index: CompactIndex; middle: { set: string; type: string; navs: string[] }; other: { set: string; type: string; navs: string[] } } {
  const dir = mkdtempSync(join(tmpdir(), 'odata-index-chunks-'));
  const metadata = join(dir, 'metadata.xml');
  copyFileSync(crm, metadata);
  const doc = readCsdl(readFileSync(crm, 'utf8'));
  const index = encodeCompactIndex(doc);
  const chunks = Math.ceil(index.n.length / CHUNK_VALUES);
  assert.ok(chunks >= 6, `the navigation properties fill ${chunks} chunks`);
  const schema = doc.schemas.find((s) => s.entityContainer !== undefined)!;
  const sets = new Map(schema.entityContainer!.entitySets.map((s) => [s.entityType, s.name]));
  const middle = typeInNavChunk(index, sets, schema.namespace, Math.floor(chunks / 2));
  const other = typeInNavChunk(index, sets, schema.namespace, 1);
  return { dir, metadata, cache: cacheLocations(metadata, defaultCacheDirectory())[0], index, middle, other };
}

test('over LSP: a forged chunk in the middle of a large column (header and every other chunk genuine) is refused at use; the cache is deleted and the answers come from the XML', async () => {
  const w = crmWorkspace();
  const options = { environments: [{ name: 'env', flavor: 'dataverse', url: 'https://example.crm.dynamics.com/api/data/v9.2/', metadataFile: w.metadata }], defaultEnvironment: 'env' };
  const chunk = Math.floor(Math.ceil(w.index.n.length / CHUNK_VALUES) / 2);
  try {
    await writeCacheOverLsp(options, w.middle.set, w.cache);
    // The first navigation property of the type in the middle chunk renamed to another type's name (a valid string index).
    const file = readFileSync(w.cache);
    const [offset, length] = sectionIn(file, `n:${chunk}`);
    assert.equal(length, CHUNK_VALUES * 4, 'a full chunk');
    const forgedName = w.other.type;
    assert.ok(!w.middle.navs.includes(forgedName));
    const row = w.index.n.findIndex((value, i) => i % NAV_FIELDS === 0 && w.index.s[value] === w.middle.navs[0] && Math.floor(i / CHUNK_VALUES) === chunk);
    assert.ok(row >= 0);
    file.writeInt32LE(w.index.s.indexOf(forgedName), offset + (row - chunk * CHUNK_VALUES) * 4);
    writeFileSync(w.cache, file);

    const { server: warm, log } = await startWithLog(options);
    try {
      const uri = 'file:///warm.odata';
      await warm.open(uri, 'GET ', 1);
      await until(() => labels(warm, uri, 'GET '), (found) => found.includes(w.middle.set));
      // Another chunk of the same column is genuine: answered from the cache, which is kept.
      const otherText = `GET ${w.other.set}?$expand=`;
      await warm.change(uri, otherText, 2);
      const otherNavs = await labels(warm, uri, otherText);
      for (const nav of w.other.navs) assert.ok(otherNavs.includes(nav), `${nav} in ${otherNavs.join(', ')}`);
      assert.ok(!log.some((line) => /is ignored|is damaged/.test(line)), `the cache was used: ${log.join('\n')}`);
      assert.ok(existsSync(w.cache), 'the cache is kept while only genuine chunks are read');
      // The forged chunk: refused before any of its values is used, never answered from.
      const text = `GET ${w.middle.set}?$expand=`;
      await warm.change(uri, text, 3);
      const first = await labels(warm, uri, text);
      assert.ok(!first.includes(forgedName), `the forged name is never offered: ${first.join(', ')}`);
      const answered = await until(() => labels(warm, uri, text), (found) => w.middle.navs.every((nav) => found.includes(nav)));
      assert.ok(!answered.includes(forgedName));
      assert.ok(w.middle.navs.every((nav) => answered.includes(nav)), `answered from the XML: ${answered.join(', ')}`);
      assert.ok(
        log.some((line) => new RegExp(`index cache .* is damaged \\(section n:${chunk} does not match its hash\\): it is deleted, and the metadata is read again from`).test(line)),
        log.join('\n'),
      );
      const rewritten = await until(() => existsSync(w.cache) && !readFileSync(w.cache).equals(file), Boolean);
      assert.ok(rewritten, 'the cache was written again from the XML');
      assert.equal(warm.process.exitCode, null, 'the server process is still running');
    } finally {
      await warm.stop();
    }
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('in process: two chunks of a column swapped (each genuine, each with its own hash) are refused at use; the XML is read again', async () => {
  const w = crmWorkspace();
  const cacheDirectory = join(w.dir, 'user-cache');
  const chunk = Math.floor(Math.ceil(w.index.n.length / CHUNK_VALUES) / 2);
  const fullName = (model: { entitySets(): readonly { name: string; entityType: string }[] }): string => model.entitySets().find((s) => s.name === w.middle.set)!.entityType;
  try {
    await writeCacheCold(w.metadata, cacheDirectory, 'dataverse');
    const file = readFileSync(w.cache);
    const [a, aLength] = sectionIn(file, `n:${chunk - 1}`);
    const [b, bLength] = sectionIn(file, `n:${chunk}`);
    assert.ok(aLength === bLength && aLength === CHUNK_VALUES * 4);
    const chunkA = Buffer.from(file.subarray(a, a + aLength));
    file.copy(file, a, b, b + bLength);
    chunkA.copy(file, b);
    writeFileSync(w.cache, file);

    const { environments: warm, logs } = environmentOver(w.metadata, cacheDirectory, 'dataverse');
    try {
      const loaded = await warm.model('env');
      assert.ok(loaded.ok && loaded.source === 'cache', 'a warm start: the header, table and load-time sections are genuine');
      const type = loaded.model.findStructuredType(fullName(loaded.model))!;
      assert.deepEqual(type.navigationProperties, [], 'the swapped chunk is not used');
      assert.ok(logs.some((line) => new RegExp(`section n:${chunk} does not match its hash`).test(line)), logs.join('\n'));
      assert.ok(!existsSync(w.cache), 'the cache file is deleted');
      const again = await until(async () => warm.model('env'), (model) => model.ok && model.source === 'xml');
      assert.ok(again.ok && again.source === 'xml', 'the XML is read again');
      const reread = again.model.findStructuredType(fullName(again.model))!;
      assert.deepEqual(
        reread.navigationProperties.map((n) => n.name),
        w.middle.navs,
      );
    } finally {
      warm.dispose();
    }
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});
