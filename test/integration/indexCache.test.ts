// The index cache of a metadata file (server/src/lsp/indexCache.ts, environments.ts): written beside the file
// after a cold load, used on the next start (a warm start) with the same answers, and ignored - never a crash,
// never a stale answer - when the metadata changed or the cache is damaged, of another version, or unreadable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionRequest, type CompletionList } from 'vscode-languageserver-protocol/node';
import { Environments, type LoadedModel } from '../../server/src/lsp/environments';
import { cacheLocations, fingerprint, readWithFingerprint } from '../../server/src/lsp/indexCache';
import { repoRoot, startServer } from './lspClient';

const corpus = join(repoRoot, '..', 'shared', 'corpus', 'metadata');

function workspace(file = 'simpleodata__TripPin.xml'): { dir: string; metadata: string; cacheDirectory: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'odata-index-cache-'));
  const metadata = join(dir, 'metadata.xml');
  copyFileSync(join(corpus, file), metadata);
  const cacheDirectory = join(dir, 'user-cache');
  return { dir, metadata, cacheDirectory, cache: `${metadata}.odata-index.json` };
}

/** One load of the environment in a fresh Environments (as a fresh server process would do it). */
async function load(metadata: string, cacheDirectory: string): Promise<Extract<LoadedModel, { ok: true }>> {
  const environments = new Environments(() => undefined, () => undefined, { cacheDirectory });
  environments.configure({ environments: [{ name: 'env', flavor: 'generic', url: 'https://example.org/', metadataFile: metadata }] });
  try {
    const loaded = await environments.model('env');
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.message);
    await loaded.cacheWritten;
    return loaded;
  } finally {
    environments.dispose();
  }
}

function summary(loaded: Extract<LoadedModel, { ok: true }>): unknown {
  const model = loaded.model;
  return model.entitySets().map((s) => {
    const type = model.findStructuredType(s.entityType)!;
    return [s.name, model.key(type), model.properties(type).map((p) => [p.name, p.type]), model.navigationProperties(type).map((n) => n.name)];
  });
}

test('a cold load writes the cache beside the metadata file; the next load is a warm start with the same model', async () => {
  const w = workspace('simpleodata__crm_schema.xml');
  try {
    const cold = await load(w.metadata, w.cacheDirectory);
    assert.equal(cold.source, 'xml');
    assert.equal(await cold.cacheWritten, w.cache);
    assert.ok(existsSync(w.cache));
    const warm = await load(w.metadata, w.cacheDirectory);
    assert.equal(warm.source, 'cache');
    assert.equal(warm.cacheWritten, undefined);
    assert.deepStrictEqual(summary(warm), summary(cold));
    const account = warm.model.findStructuredType('Microsoft.Dynamics.CRM.account')!;
    assert.equal(warm.model.description(`${account.fullName}/name`), cold.model.description(`${account.fullName}/name`));
    assert.deepEqual(
      warm.model.lookupProperties(account).map((l) => l.name),
      cold.model.lookupProperties(account).map((l) => l.name),
    );
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('once the cache is encoded, the lazily read model is swapped for the compact one: same answers, the XML let go', async () => {
  const w = workspace('simpleodata__crm_schema.xml');
  const environments = new Environments(() => undefined, () => undefined, { cacheDirectory: w.cacheDirectory });
  environments.configure({ environments: [{ name: 'env', flavor: 'dataverse', url: 'https://example.org/', metadataFile: w.metadata }] });
  try {
    const cold = await environments.model('env');
    assert.ok(cold.ok);
    const account = cold.model.findStructuredType('Microsoft.Dynamics.CRM.account')!;
    assert.ok(Object.getOwnPropertyDescriptor(account, 'properties')?.get, 'read on first use');
    assert.equal(await cold.cacheWritten, w.cache);
    const now = environments.current('env');
    assert.ok(now?.ok && now.model !== cold.model, 'swapped');
    assert.equal(await environments.model('env'), now);
    assert.deepStrictEqual(summary(now), summary(cold));
    const compactAccount = now.model.findStructuredType('Microsoft.Dynamics.CRM.account')!;
    assert.notEqual(compactAccount, account);
    assert.equal(now.model.description(`${account.fullName}/name`), cold.model.description(`${account.fullName}/name`));
  } finally {
    environments.dispose();
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('a changed metadata file makes the cache stale: the XML is read again and the cache rewritten', async () => {
  const w = workspace();
  try {
    await load(w.metadata, w.cacheDirectory);
    const xml = readFileSync(w.metadata, 'utf8').replace('Name="People"', 'Name="Persons"');
    writeFileSync(w.metadata, xml);
    const after = await load(w.metadata, w.cacheDirectory);
    assert.equal(after.source, 'xml');
    assert.ok(after.model.findEntitySet('Persons'));
    assert.equal(after.model.findEntitySet('People'), undefined);
    assert.equal((await load(w.metadata, w.cacheDirectory)).source, 'cache');
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('same size and mtime but other content: the sampled hash tells them apart', async () => {
  const w = workspace();
  try {
    await load(w.metadata, w.cacheDirectory);
    const xml = readFileSync(w.metadata, 'utf8');
    const at = xml.indexOf('Name="People"');
    const changed = xml.slice(0, at) + 'Name="Peoplf"' + xml.slice(at + 'Name="People"'.length);
    const before = (await import('node:fs')).statSync(w.metadata);
    writeFileSync(w.metadata, changed);
    utimesSync(w.metadata, before.atime, before.mtime);
    const after = await load(w.metadata, w.cacheDirectory);
    assert.equal(after.source, 'xml');
    assert.ok(after.model.findEntitySet('Peoplf'));
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('damaged, truncated, foreign or other-version caches are ignored: the XML is read, nothing throws', async () => {
  const w = workspace();
  try {
    await load(w.metadata, w.cacheDirectory);
    const good = readFileSync(w.cache);
    const newline = good.indexOf(0x0a);
    const header = JSON.parse(good.subarray(0, newline).toString('utf8')) as { version: number };
    const flipped = Buffer.from(good);
    flipped[newline + 20] = flipped[newline + 20] === 0x31 ? 0x32 : 0x31;
    const damaged: [string, Buffer | string][] = [
      ['a flipped byte in the body', flipped],
      ['a truncated body', good.subarray(0, good.length - 100)],
      ['only the header', good.subarray(0, newline + 1)],
      ['an empty file', ''],
      ['not JSON', 'garbage\n{]'],
      ['another format version', Buffer.concat([Buffer.from(JSON.stringify({ ...header, version: header.version + 1 }) + '\n'), good.subarray(newline + 1)])],
    ];
    for (const [label, content] of damaged) {
      writeFileSync(w.cache, content);
      const loaded = await load(w.metadata, w.cacheDirectory);
      assert.equal(loaded.source, 'xml', label);
      assert.ok(loaded.model.findEntitySet('People'), label);
      assert.deepEqual(readFileSync(w.cache), good, `${label}: the cache is written again`);
    }
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('a metadata folder marked read-only keeps its contents: the cache goes to the cache directory', async () => {
  const w = workspace();
  const folder = join(w.dir, 'readonly');
  mkdirSync(folder);
  const metadata = join(folder, 'metadata.xml');
  copyFileSync(w.metadata, metadata);
  chmodSync(folder, 0o555);
  try {
    const cold = await load(metadata, w.cacheDirectory);
    const [beside, inCacheDirectory] = cacheLocations(metadata, w.cacheDirectory);
    assert.equal(await cold.cacheWritten, inCacheDirectory);
    assert.equal(existsSync(beside), false);
    assert.equal((await load(metadata, w.cacheDirectory)).source, 'cache');
  } finally {
    chmodSync(folder, 0o755);
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('a missing metadata file is still one clear error with the cache in play', async () => {
  const environments = new Environments(() => undefined, () => undefined, { cacheDirectory: join(tmpdir(), 'odata-index-cache-none') });
  environments.configure({ environments: [{ name: 'gone', flavor: 'generic', url: '', metadataFile: join(tmpdir(), 'no-such-metadata.xml') }] });
  const loaded = await environments.model('gone');
  environments.dispose();
  assert.equal(loaded.ok, false);
  assert.match(loaded.ok ? '' : loaded.message, /could not be opened: ENOENT/);
});

test('a cold load reads each type on first use; a type whose content is broken sends the environment to a complete read that reports it, and nothing is cached', async () => {
  const w = workspace();
  try {
    const xml = readFileSync(w.metadata, 'utf8');
    const at = xml.indexOf('<Property Name="Region"');
    writeFileSync(w.metadata, `${xml.slice(0, at)}<Oops>${xml.slice(at)}`);
    let reloads = 0;
    const environments = new Environments(() => undefined, () => void reloads++, { cacheDirectory: w.cacheDirectory });
    environments.configure({ environments: [{ name: 'env', flavor: 'generic', url: 'https://example.org/', metadataFile: w.metadata }] });
    try {
      const first = await environments.model('env');
      assert.ok(first.ok && first.source === 'xml' && first.problem === undefined, 'the skeleton is whole: the first answer uses it');
      // The background pass reads every type for the cache, finds the broken one, and writes nothing.
      assert.equal(await first.cacheWritten, undefined);
      for (let i = 0; i < 100 && reloads === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(reloads, 1);
      const again = await environments.model('env');
      assert.ok(again.ok);
      assert.match(again.problem ?? '', /is damaged at line \d+, column \d+ \(Malformed XML/);
      await again.cacheWritten;
      assert.equal(reloads, 1, 'the complete read is final');
    } finally {
      environments.dispose();
    }
    assert.ok(!existsSync(w.cache) && !existsSync(cacheLocations(w.metadata, w.cacheDirectory)[1]));
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('the fingerprint of the bytes read for a cold load is the fingerprint of the file', async () => {
  const w = workspace('simpleodata__crm_schema.xml');
  const small = join(w.dir, 'small.xml');
  writeFileSync(small, '<edmx:Edmx/>');
  try {
    for (const file of [w.metadata, small]) {
      const read = await readWithFingerprint(file);
      assert.deepEqual(read.source, await fingerprint(file));
      assert.deepEqual(read.bytes, readFileSync(file));
    }
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('over LSP: the second server start answers completion from the cache with the same items', async () => {
  const w = workspace('simpleodata__crm_schema.xml');
  const config = {
    environments: [{ name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: w.metadata }],
    defaultEnvironment: 'crm',
  };
  const labels = async (waitForCache: boolean): Promise<string[]> => {
    const server = await startServer(config);
    try {
      const uri = 'file:///work/warm.odata';
      await server.open(uri, 'GET accounts?$select=\n', 1);
      for (let attempt = 0; attempt < 3000; attempt++) {
        const list = (await server.connection.sendRequest(CompletionRequest.type, {
          textDocument: { uri },
          position: { line: 0, character: 21 },
        })) as CompletionList | null;
        if (list?.items.some((item) => item.label === 'name')) {
          // The cache is written in the background after a cold load: wait for it before stopping the server.
          for (let i = 0; waitForCache && i < 1500 && !existsSync(w.cache); i++) await new Promise((resolve) => setTimeout(resolve, 20));
          return list.items.map((i) => i.label).sort();
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('no complete completion list');
    } finally {
      await server.stop();
    }
  };
  try {
    const cold = await labels(true);
    assert.ok(existsSync(w.cache), 'the server wrote the index cache');
    const warm = await labels(false);
    assert.ok(cold.includes('name') && cold.includes('_primarycontactid_value'), JSON.stringify(cold.slice(0, 10)));
    assert.deepEqual(warm, cold);
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test("a cache written under another user's key (another cache folder's .index-key) is foreign: ignored, the XML read, the cache rewritten", async () => {
  const w = workspace();
  try {
    const first = await load(w.metadata, w.cacheDirectory);
    assert.equal(await first.cacheWritten, w.cache);
    const theirs = readFileSync(w.cache);
    const other = join(w.dir, 'another-user-cache');
    const loaded = await load(w.metadata, other);
    assert.equal(loaded.source, 'xml');
    assert.ok(loaded.model.findEntitySet('People'));
    assert.notDeepEqual(readFileSync(w.cache), theirs, 'rewritten under this user key');
    assert.equal((await load(w.metadata, other)).source, 'cache');
    assert.equal((await load(w.metadata, w.cacheDirectory)).source, 'xml', 'and now the first one is the foreigner');
  } finally {
    rmSync(w.dir, { recursive: true, force: true });
  }
});

test('the server reads the default environment once initialized, before any document asks: the cache appears with no request', async () => {
  const w = workspace('simpleodata__TripPin.xml');
  const config = {
    environments: [{ name: 'trip', flavor: 'generic', url: 'https://example.org/', metadataFile: w.metadata }],
    defaultEnvironment: 'trip',
  };
  const server = await startServer(config);
  try {
    for (let i = 0; i < 1500 && !existsSync(w.cache); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(existsSync(w.cache), 'the model was read (and its cache written) without a document or request');
  } finally {
    await server.stop();
    rmSync(w.dir, { recursive: true, force: true });
  }
});
