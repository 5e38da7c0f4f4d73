// The metadata load of an environment as a state machine (server/src/lsp/metadataLoad.ts): each transition,
// driven through Environments as the server drives it, on real metadata files (copies of corpus documents).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Environments, type EnvironmentsOptions } from '../../server/src/lsp/environments';
import type { LoadStateKind } from '../../server/src/lsp/metadataLoad';
import { repoRoot } from './lspClient';

const corpus = join(repoRoot, '..', 'shared', 'corpus', 'metadata');

interface Harness {
  environments: Environments;
  metadata: string;
  /** Every transition so far, as `from -event-> to`. */
  transitions: string[];
  /** What answered right after each transition. */
  answering: { to: LoadStateKind; loaded: ReturnType<Environments['current']> }[];
  reloads: () => number;
  waitFor(kind: LoadStateKind): Promise<void>;
  done(): void;
}

function harness(options: EnvironmentsOptions & { file?: string; missing?: boolean } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'odata-metadata-load-'));
  const metadata = join(dir, 'metadata.xml');
  if (!options.missing) copyFileSync(join(corpus, options.file ?? 'simpleodata__TripPin.xml'), metadata);
  const transitions: string[] = [];
  const answering: Harness['answering'] = [];
  let reloads = 0;
  const environments: Environments = new Environments(() => undefined, () => void reloads++, {
    cacheDirectory: join(dir, 'user-cache'),
    ...options,
    onTransition: (_name, from, to, event) => {
      transitions.push(`${from} -${event}-> ${to}`);
      answering.push({ to, loaded: environments.current('env') });
    },
  });
  environments.configure({ environments: [{ name: 'env', flavor: 'generic', url: 'https://example.org/', metadataFile: metadata }] });
  return {
    environments,
    metadata,
    transitions,
    answering,
    reloads: () => reloads,
    async waitFor(kind) {
      for (let i = 0; i < 1000 && environments.state('env') !== kind; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(environments.state('env'), kind, transitions.join(', '));
    },
    done() {
      environments.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('unloaded -request-> opening: the first request answers "not yet" and starts the load', async () => {
  const h = harness();
  try {
    assert.equal(h.environments.state('env'), 'unloaded');
    assert.equal(h.environments.current('env'), undefined);
    assert.equal(h.environments.state('env'), 'opening');
    assert.deepEqual(h.transitions, ['unloaded -request-> opening']);
    assert.ok((await h.environments.model('env')).ok);
  } finally {
    h.done();
  }
});

test('opening -settled-> readingLazily -encoded-> compact: a cold load answers from the skeleton, then from the compact index', async () => {
  const h = harness();
  try {
    const lazy = await h.environments.model('env');
    assert.ok(lazy.ok && lazy.source === 'xml');
    assert.equal(h.environments.state('env'), 'readingLazily');
    assert.equal(h.environments.current('env'), lazy, 'the lazily read model answers');
    await lazy.cacheWritten;
    await h.waitFor('compact');
    const compact = h.environments.current('env');
    assert.ok(compact?.ok && compact.model !== lazy.model && compact.model.findEntitySet('People'));
    assert.deepEqual(h.transitions, ['unloaded -request-> opening', 'opening -settled-> readingLazily', 'readingLazily -encoded-> compact']);
  } finally {
    h.done();
  }
});

test('opening -settled-> compact: a valid index cache is a warm start', async () => {
  const h = harness();
  try {
    await (await h.environments.model('env').then((loaded) => (loaded.ok ? loaded.cacheWritten : undefined)));
    const again = new Environments(() => undefined, () => undefined, {
      cacheDirectory: join(h.metadata, '..', 'user-cache'),
      onTransition: (_name, from, to, event) => h.transitions.push(`second: ${from} -${event}-> ${to}`),
    });
    again.configure({ environments: [{ name: 'env', flavor: 'generic', url: '', metadataFile: h.metadata }] });
    try {
      const warm = await again.model('env');
      assert.ok(warm.ok && warm.source === 'cache');
      assert.equal(again.state('env'), 'compact');
      assert.deepEqual(
        h.transitions.filter((t) => t.startsWith('second:')),
        ['second: unloaded -request-> opening', 'second: opening -settled-> compact'],
      );
    } finally {
      again.dispose();
    }
  } finally {
    h.done();
  }
});

test('opening -settled-> broken: a missing file is one clear error, and stays so until the file changes', async () => {
  const h = harness({ missing: true });
  try {
    const loaded = await h.environments.model('env');
    assert.equal(loaded.ok, false);
    assert.match(loaded.ok ? '' : loaded.message, /could not be opened: ENOENT/);
    assert.equal(h.environments.state('env'), 'broken');
    assert.equal(h.environments.current('env'), loaded);
    assert.deepEqual(h.transitions, ['unloaded -request-> opening', 'opening -settled-> broken']);
  } finally {
    h.done();
  }
});

test('broken -changed-> reloading -settled-> readingLazily: the file appears and the client says it changed', async () => {
  const h = harness({ missing: true });
  try {
    await h.environments.model('env');
    copyFileSync(join(corpus, 'simpleodata__TripPin.xml'), h.metadata);
    h.environments.invalidate('env');
    assert.equal(h.environments.state('env'), 'reloading');
    assert.equal(h.environments.current('env'), undefined, 'an error is not kept to answer with');
    const loaded = await h.environments.model('env');
    assert.ok(loaded.ok && loaded.model.findEntitySet('People'));
    assert.equal(h.reloads(), 1);
    assert.deepEqual(h.transitions.slice(2, 4), ['broken -changed-> reloading', 'reloading -settled-> readingLazily']);
  } finally {
    h.done();
  }
});

test('compact -changed-> reloading: the file is rewritten; the previous model answers until the new one is read', async () => {
  const h = harness();
  try {
    const first = await h.environments.model('env');
    assert.ok(first.ok);
    await first.cacheWritten;
    await h.waitFor('compact');
    const before = h.environments.current('env');
    writeFileSync(h.metadata, readFileSync(h.metadata, 'utf8').replace('Name="People"', 'Name="Persons"'));
    // The server's file watcher notices.
    for (let i = 0; i < 1000 && !h.transitions.includes('compact -changed-> reloading'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(h.answering.find((a) => a.to === 'reloading')?.loaded, before, 'the previous model answers meanwhile');
    const after = await h.environments.model('env');
    assert.ok(after.ok && after.model.findEntitySet('Persons') && !after.model.findEntitySet('People'));
    assert.ok(h.transitions.includes('compact -changed-> reloading'), h.transitions.join(', '));
    assert.ok(h.reloads() >= 1);
  } finally {
    h.done();
  }
});

test('readingLazily -trouble-> completeRead -settled-> completeRead: a broken type is reported with its position, nothing cached', async () => {
  const h = harness();
  try {
    const xml = readFileSync(h.metadata, 'utf8');
    const at = xml.indexOf('<Property Name="Region"');
    writeFileSync(h.metadata, `${xml.slice(0, at)}<Oops>${xml.slice(at)}`);
    const first = await h.environments.model('env');
    assert.ok(first.ok && first.problem === undefined);
    assert.equal(await first.cacheWritten, undefined);
    await h.waitFor('completeRead');
    const meanwhile = h.environments.current('env');
    assert.ok(meanwhile === first || (meanwhile?.ok && meanwhile.problem), 'the lazily read model answers until the whole document is read');
    const complete = await h.environments.model('env');
    assert.ok(complete.ok);
    assert.match(complete.problem ?? '', /is damaged at line \d+, column \d+ \(Malformed XML/);
    assert.equal(h.environments.current('env'), complete);
    assert.deepEqual(h.transitions, [
      'unloaded -request-> opening',
      'opening -settled-> readingLazily',
      'readingLazily -trouble-> completeRead',
      'completeRead -settled-> completeRead',
    ]);
    assert.equal(h.reloads(), 1);
  } finally {
    h.done();
  }
});

test('opening -trouble-> completeRead: content broken outside any type is found by the skeleton read itself', async () => {
  const h = harness();
  try {
    const xml = readFileSync(h.metadata, 'utf8');
    const at = xml.indexOf('<EntitySet ');
    writeFileSync(h.metadata, `${xml.slice(0, at)}<Oops></Other>${xml.slice(at)}`);
    await h.environments.model('env');
    await h.waitFor('completeRead');
    const complete = await h.environments.model('env');
    assert.ok(complete.ok, 'what came before the damage is used');
    assert.match(complete.problem ?? '', /is damaged at line \d+, column \d+/);
    assert.ok(
      h.transitions.some((t) => /^(opening|readingLazily) -trouble-> completeRead$/.test(t)),
      h.transitions.join(', '),
    );
  } finally {
    h.done();
  }
});

test('opening -settled-> completeRead: without index caches the whole document is read at once', async () => {
  const h = harness({ useIndexCache: false });
  try {
    const loaded = await h.environments.model('env');
    assert.ok(loaded.ok && loaded.cacheWritten === undefined);
    assert.equal(h.environments.state('env'), 'completeRead');
    assert.deepEqual(h.transitions, ['unloaded -request-> opening', 'opening -settled-> completeRead']);
  } finally {
    h.done();
  }
});

test('unloaded -changed-> unloaded: a change before any request reads nothing, but diagnostics are asked again', () => {
  const h = harness();
  try {
    h.environments.invalidate('env');
    assert.equal(h.environments.state('env'), 'unloaded');
    assert.equal(h.reloads(), 1);
    assert.deepEqual(h.transitions, []);
  } finally {
    h.done();
  }
});

test('a superseded load reports nothing: a change while opening leaves only the new load to settle', async () => {
  const h = harness();
  try {
    const first = h.environments.model('env');
    h.environments.invalidate('env');
    assert.equal(h.environments.state('env'), 'reloading');
    const second = await h.environments.model('env');
    await first;
    assert.ok(second.ok);
    assert.deepEqual(h.transitions.slice(0, 3), ['unloaded -request-> opening', 'opening -changed-> reloading', 'reloading -settled-> readingLazily']);
    assert.ok(!h.transitions.includes('opening -settled-> readingLazily'), 'the first load settled unheard');
  } finally {
    h.done();
  }
});

test('a configuration that keeps the metadata file keeps the load; another file starts afresh', async () => {
  const h = harness();
  try {
    await h.environments.model('env');
    const state = h.environments.state('env');
    h.environments.configure({ environments: [{ name: 'env', flavor: 'dataverse', url: 'https://other.example/', metadataFile: h.metadata }] });
    assert.equal(h.environments.state('env'), state);
    assert.equal(h.environments.resolve('env')?.flavor, 'dataverse');
    h.environments.configure({ environments: [{ name: 'env', flavor: 'generic', url: '', metadataFile: `${h.metadata}.other` }] });
    assert.equal(h.environments.state('env'), 'unloaded');
  } finally {
    h.done();
  }
});
