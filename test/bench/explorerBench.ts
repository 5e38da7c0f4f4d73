/**
 * The explorer's first level on a Dataverse-scale model: how long the tree waits for the environment list
 * and the first page of entity sets (what it shows when an environment is expanded), and for a filtered page,
 * over LSP from the built server (`dist/server.js --stdio`), once the metadata is loaded. The baseline,
 * measured in the same run, is the smallest LSP round trip the server answers (the environment list).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { environmentStatus, explorerEntitySets, explorerEnvironments, type EnvironmentStatus } from '../../server/src/protocol';
import { startServer } from '../integration/lspClient';
import { generateDataverseMetadata } from './generateMetadata';

const ROUNDS = 30;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}

export async function explorerBench(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'explorer-bench-'));
  const file = join(dir, 'dataverse-12mb.xml');
  writeFileSync(file, generateDataverseMetadata());
  const name = 'dv';
  const server = await startServer({ environments: [{ name, flavor: 'dataverse', url: 'https://bench.crm.dynamics.com/api/data/v9.2/', metadataFile: file }], defaultEnvironment: name });
  try {
    const ready = new Promise<EnvironmentStatus>((resolve) => {
      server.connection.onNotification(environmentStatus.type, (status) => {
        if (status.name === name && status.state !== 'loading') resolve(status);
      });
    });
    // The first request makes the server start loading (it also answers while loading).
    await server.connection.sendRequest(explorerEnvironments.type);
    const status = await ready;
    if (status.state !== 'ready') throw new Error(`the bench metadata did not load: ${status.message}`);

    const roundTrip: number[] = [];
    const firstPage: number[] = [];
    const filtered: number[] = [];
    let total = 0;
    let shown = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      let start = performance.now();
      await server.connection.sendRequest(explorerEnvironments.type);
      roundTrip.push(performance.now() - start);

      start = performance.now();
      const page = await server.connection.sendRequest(explorerEntitySets.type, { environment: name });
      firstPage.push(performance.now() - start);
      if ('error' in page) throw new Error(page.error);
      total = page.total;
      shown = page.items.length;

      start = performance.now();
      const some = await server.connection.sendRequest(explorerEntitySets.type, { environment: name, filter: `e${round % 10}` });
      filtered.push(performance.now() - start);
      if ('error' in some) throw new Error(some.error);
    }
    const base = median(roundTrip);
    const row = (label: string, values: number[]): string =>
      `| ${label} | ${median(values).toFixed(2)} | ${p95(values).toFixed(2)} | ${(median(values) / base).toFixed(1)}× |`;
    return [
      `Dataverse-scale metadata (generated, 12 MB): ${total} entity sets and singletons; the tree's first page shows ${shown}. ${ROUNDS} rounds over LSP (stdio).`,
      '',
      '| request | median ms | p95 ms | × baseline |',
      '|---|---|---|---|',
      row('baseline: odata/environments (smallest round trip)', roundTrip),
      row('first level: odata/entitySets (first page)', firstPage),
      row('filtered: odata/entitySets with a filter', filtered),
    ];
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
