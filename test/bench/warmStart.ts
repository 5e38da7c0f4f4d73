/**
 * The warm start of built servers, A/B (issue 15): for each dist folder given, a server process
 * (`node <dist>/server.js --stdio`, as lspBench starts it) on the Dataverse-at-scale document, with the index cache
 * and the bundle's code cache present; from spawn to the first completion that offers the first entity set, and
 * the main thread's CPU time to then (/proc/<pid>/schedstat: the thread group leader). Folders alternate, round by
 * round; medians at the end. Run `lspBench.ts scale` first (with the same TMPDIR and XDG_CACHE_HOME): it writes the
 * document, its index cache, and each build's code cache (a build's first start here writes one if none is there,
 * but then from a warm start: not what the bench's cold start writes).
 *
 *   node --import tsx test/bench/warmStart.ts dist,/path/to/before/dist 5
 *   node --import tsx test/bench/warmStart.ts dist,/path/to/before/dist 15 load
 * `load`: only the entry's own work, in a process of its own: the CPU (all threads) of requiring <dist>/server.js
 * (the loader and the bundle's top level), the process then exits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CompletionRequest,
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CompletionList,
} from 'vscode-languageserver-protocol/node';
import { vscodeLikeCapabilities } from '../integration/lspClient';

interface Run {
  ms: number;
  mainCpuMs: number;
  peakRssMb: number;
}

const file = join(tmpdir(), 'dynamics-odata-bench', 'generated-dataverse-30mb.xml');

async function warmStart(dist: string, set: string): Promise<Run> {
  const config = { environments: [{ name: 'bench', flavor: 'dataverse', url: 'https://bench.example/api/data/v9.2/', metadataFile: file }], defaultEnvironment: 'bench' };
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(dist, 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: vscodeLikeCapabilities, initializationOptions: config });
  await connection.sendNotification(InitializedNotification.type, {});
  const uri = 'file:///scale.odata';
  await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'odata', version: 1, text: `GET ${set}?$select=name\n` } });
  for (;;) {
    const list = (await connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: 4 + set.length } })) as CompletionList | null;
    if (list?.items.some((item) => item.label === set)) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const ms = performance.now() - t0;
  const mainCpuMs = Number(readFileSync(`/proc/${child.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  const peakRssMb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  connection.dispose();
  if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  return { ms, mainCpuMs, peakRssMb };
}

/** The CPU of requiring the entry (loader + the bundle's top level) in a fresh process, which then exits. */
function loadCpuMs(dist: string): number {
  const script = [
    `const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };`,
    `process.argv.splice(1, Infinity, ${JSON.stringify(join(dist, 'server.js'))}, '--stdio');`,
    `const before = cpu();`,
    `require(${JSON.stringify(join(dist, 'server.js'))});`,
    `require('node:fs').writeSync(3, String(cpu() - before));`,
    `process.exit(0);`,
  ].join('\n');
  const result = spawnSync(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  return Number(result.output[3]);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const dists = (process.argv[2] ?? 'dist').split(',').map((dist) => resolve(dist));
  const rounds = Number(process.argv[3] ?? 5);
  if (process.argv[4] === 'load') {
    const cpu = new Map<string, number[]>(dists.map((dist) => [dist, []]));
    for (let round = 0; round < rounds; round++) for (const dist of dists) cpu.get(dist)!.push(loadCpuMs(dist));
    for (const [dist, list] of cpu) console.log(`${dist}: loader + top level, CPU median ${median(list).toFixed(1)} ms (min ${Math.min(...list).toFixed(1)}), n=${list.length}`);
    return;
  }
  const set = /<EntitySet Name="([^"]+)"/.exec(readFileSync(file, 'utf8'))?.[1];
  if (set === undefined) throw new Error(`no entity set in ${file}: run lspBench.ts scale first`);
  const runs = new Map<string, Run[]>(dists.map((dist) => [dist, []]));
  for (let round = 0; round < rounds; round++) {
    for (const dist of dists) {
      const run = await warmStart(dist, set);
      runs.get(dist)!.push(run);
      console.log(`${dist}: ${run.ms.toFixed(0)} ms from spawn, main thread CPU ${run.mainCpuMs.toFixed(1)} ms, peak RSS ${run.peakRssMb.toFixed(0)} MB`);
    }
  }
  for (const [dist, list] of runs) {
    console.log(
      `${dist}: median ${median(list.map((r) => r.ms)).toFixed(0)} ms from spawn (min ${Math.min(...list.map((r) => r.ms)).toFixed(0)}), ` +
        `main thread CPU median ${median(list.map((r) => r.mainCpuMs)).toFixed(1)} ms (min ${Math.min(...list.map((r) => r.mainCpuMs)).toFixed(1)}), n=${list.length}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
