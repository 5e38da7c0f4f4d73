/**
 * CSDL benchmark: $metadata text -> readCsdl -> createModelIndex (+ the lazy work completion does).
 *
 * Inputs: the two real Dynamics CRM documents of the shared corpus, and the generated 12 MB Dataverse and
 * 30 MB Finance & Operations documents (written to a temp dir so that every input is read the same way).
 * For each: the floor (read the file + decode UTF-8 + one pass over the string), readCsdl, createModelIndex
 * plus realistic lazy work (properties, navigation properties, key and lookups of every structured type),
 * throughput, ratio to the floor, heap figures (run with --expose-gc for meaningful memory numbers), and the
 * warm start from the index cache (fingerprint the file, read + check + parse + decode the cache, build the
 * index: what the language server does when the cache is valid) with its size and ratio to the floor, and
 * the skeleton read (readCsdlLazily + createModelIndex, each type's content left for its first use: what the
 * language server does on a cold load before its first answer) with its ratio to the floor.
 * Median of several runs. Each input is measured in its own child process (same node flags), so that one
 * input's garbage and JIT state do not distort the next one's figures: a language server loads one
 * environment's metadata into a process that has not parsed other documents before.
 *
 * Alone: `node --expose-gc --import tsx test/bench/csdlBench.ts`
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsdl, readCsdlLazily } from '../../server/src/odata/csdl/csdlReader';
import { createModelIndex, type ModelIndex } from '../../server/src/odata/csdl/modelIndex';
import type { CsdlDocument } from '../../server/src/odata/csdl/model';
import { generateDataverseMetadata, generateFnoMetadata } from './generateMetadata';
import { fingerprint, readIndexCache, writeIndexCache } from '../../server/src/lsp/indexCache';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const corpus = resolve(repoRoot, '..', 'shared', 'corpus', 'metadata');

interface Input {
  label: string;
  file: string;
  runs: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') {
    g();
    g();
  }
}

/** Read + decode + one pass (counting '<'): what any reader must at least pay. */
export function floor(file: string): { ms: number; xml: string; tags: number } {
  const t0 = performance.now();
  const xml = readFileSync(file, 'utf8');
  let tags = 0;
  for (let i = xml.indexOf('<'); i >= 0; i = xml.indexOf('<', i + 1)) tags++;
  return { ms: performance.now() - t0, xml, tags };
}

/** The lazy work completion does on a session: members, keys and lookups of every type. */
function touchIndex(index: ModelIndex, doc: CsdlDocument): number {
  let n = 0;
  for (const schema of doc.schemas) {
    for (const t of schema.entityTypes) {
      n += index.properties(t).length + index.navigationProperties(t).length + index.key(t).length;
      n += index.lookupProperties(t).length + index.alternateKeys(t).length;
      if (index.findProperty(t, 'name') !== undefined) n++;
    }
    for (const t of schema.complexTypes) n += index.properties(t).length;
  }
  for (const s of index.entitySets()) {
    n += index.boundOperations(s.entityType, true).length;
    for (const b of s.navigationPropertyBindings) if (index.navigationTarget(s, b.path) !== undefined) n++;
  }
  return n;
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

const sink: unknown[] = [];

interface Run {
  index: ModelIndex;
  readMs: number;
  indexMs: number;
  types: number;
  error: string | undefined;
}

function loadOnce(xml: string): Run {
  const t0 = performance.now();
  const doc = readCsdl(xml);
  const t1 = performance.now();
  const index = createModelIndex(doc);
  touchIndex(index, doc);
  const t2 = performance.now();
  return {
    index,
    readMs: t1 - t0,
    indexMs: t2 - t1,
    types: doc.schemas.reduce((n, s) => n + s.entityTypes.length + s.complexTypes.length, 0),
    error: doc.errors[0]?.message,
  };
}

/** Warm start from the index cache: median ms of fingerprint + read cache + createModelIndex, and the cache's size. */
async function measureWarm(input: Input): Promise<{ ms: number; bytes: number }> {
  const cacheDirectory = join(tmpdir(), 'dynamics-odata-bench', 'index-cache');
  const doc = readCsdl(readFileSync(input.file, 'utf8'));
  const path = await writeIndexCache(input.file, await fingerprint(input.file), doc, cacheDirectory);
  if (path === undefined) throw new Error(`${input.label}: the index cache could not be written`);
  const times: number[] = [];
  for (let r = 0; r < input.runs + 1; r++) {
    gc();
    const t0 = performance.now();
    const cached = await readIndexCache(input.file, await fingerprint(input.file), cacheDirectory);
    if (cached === undefined) throw new Error(`${input.label}: the index cache was not used`);
    sink.push(createModelIndex(cached));
    if (r > 0) times.push(performance.now() - t0); // the first run warms the JIT
    sink.length = 0;
  }
  return { ms: median(times), bytes: statSync(path).size };
}

/** Measure one input (in the current process) and return its table row. */
async function measure(input: Input): Promise<string[]> {
  const bytes = readFileSync(input.file).length;
  const floors: number[] = [];
  const reads: number[] = [];
  const indexes: number[] = [];
  const peaks: number[] = [];
  const retained: number[] = [];
  let types = 0;
  // One warm-up run so that the figures are for JIT-compiled code.
  {
    const doc = readCsdl(readFileSync(input.file, 'utf8'));
    touchIndex(createModelIndex(doc), doc);
  }
  for (let r = 0; r < input.runs; r++) {
    gc();
    const f = floor(input.file);
    floors.push(f.ms);
    sink.push(f.xml); // the source text stays alive for the whole run
    gc();
    const base = process.memoryUsage().heapUsed;
    let run: Run | undefined = loadOnce(f.xml);
    peaks.push(process.memoryUsage().heapUsed - base);
    gc();
    const withModel = process.memoryUsage().heapUsed;
    reads.push(run.readMs);
    indexes.push(run.indexMs);
    types = run.types;
    if (run.error !== undefined) throw new Error(`${input.label}: ${run.error}`);
    run = undefined; // drop the model: what the gc frees now is what the model retained
    gc();
    retained.push(withModel - process.memoryUsage().heapUsed);
    sink.length = 0;
  }
  const fl = median(floors);
  const warm = await measureWarm(input);
  // The language server's cold read: the skeleton first, each type's content on first use (readCsdlLazily).
  const lazyTimes: number[] = [];
  for (let r = 0; r < input.runs + 1; r++) {
    const xml = readFileSync(input.file, 'utf8');
    gc();
    const t0 = performance.now();
    sink.push(createModelIndex(await readCsdlLazily(xml, async () => undefined)));
    if (r > 0) lazyTimes.push(performance.now() - t0); // the first run warms the JIT
    sink.length = 0;
  }
  const lazyMs = median(lazyTimes);
  const rd = median(reads);
  const ix = median(indexes);
  const total = rd + ix;
  return [
    input.label,
    mb(bytes),
    String(types),
    fl.toFixed(0),
    rd.toFixed(0),
    ix.toFixed(1),
    total.toFixed(0),
    (bytes / (1024 * 1024) / (total / 1000)).toFixed(1),
    (total / fl).toFixed(1),
    mb(median(peaks)),
    mb(median(retained)),
    mb(warm.bytes),
    warm.ms.toFixed(0),
    (warm.ms / fl).toFixed(2),
    lazyMs.toFixed(0),
    (lazyMs / fl).toFixed(2),
  ];
}

export async function runCsdlBench(): Promise<void> {
  const dir = join(tmpdir(), 'dynamics-odata-bench');
  mkdirSync(dir, { recursive: true });
  const dvFile = join(dir, 'generated-dataverse.xml');
  const fnoFile = join(dir, 'generated-fno.xml');
  writeFileSync(dvFile, generateDataverseMetadata(), 'utf8');
  writeFileSync(fnoFile, generateFnoMetadata(), 'utf8');

  const inputs: Input[] = [
    { label: 'crm_schema.xml (real)', file: join(corpus, 'simpleodata__crm_schema.xml'), runs: 5 },
    { label: 'DynamicsCRM.xml (real)', file: join(corpus, 'simpleodata__DynamicsCRM.xml'), runs: 5 },
    { label: 'generated Dataverse', file: dvFile, runs: 5 },
    { label: 'generated F&O', file: fnoFile, runs: 3 },
  ];

  const header = ['input', 'MB', 'types', 'floor ms', 'readCsdl ms', 'index+lazy ms', 'total ms', 'MB/s', 'x floor', 'heap growth MB', 'retained MB', 'cache MB', 'warm ms', 'x floor', 'skeleton ms', 'x floor'];
  const rows: string[][] = [];
  const self = fileURLToPath(import.meta.url);
  for (const input of inputs) {
    const child = spawnSync(process.execPath, [...process.execArgv, self, '--measure', JSON.stringify(input)], { encoding: 'utf8' });
    const line = child.stdout.split('\n').find((l) => l.startsWith('ROW '));
    if (child.status !== 0 || line === undefined) throw new Error(`${input.label}: ${child.stderr || child.stdout}`);
    rows.push(JSON.parse(line.slice(4)) as string[]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of rows) console.log(line(r));
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') console.log('(memory figures are rough: run with --expose-gc)');
}

const measureFlag = process.argv.indexOf('--measure');
if (measureFlag > 0) {
  measure(JSON.parse(process.argv[measureFlag + 1]) as Input).then(
    (row) => console.log('ROW ' + JSON.stringify(row)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  runCsdlBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
