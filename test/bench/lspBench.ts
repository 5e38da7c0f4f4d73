/**
 * The language server as an editor sees it: the BUILT server (dist/server.js) over stdio, one process per
 * metadata document, beside the floor of reading that document (read + one pass over its bytes).
 *
 * For each document: cold load to the first complete completion list (didOpen -> an answer that is not
 * "incomplete, still loading"), completion latency p50/p99 over LSP at several positions, diagnostics of
 * one request and of a 1,000-request file inside the language service, and the server's peak RSS.
 *
 *   node --import tsx test/bench/lspBench.ts     (builds first when dist/server.js is missing)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionRequest, DidChangeTextDocumentNotification, type CompletionList } from 'vscode-languageserver-protocol/node';
import { createModelIndex, createODataDocument, getLanguageService, readCsdl } from '../../server/src/odata/index';
import { repoRoot, startServer, vscodeLikeCapabilities } from '../integration/lspClient';
import { floor } from './csdlBench';
import { generateDataverseMetadata, generateFnoMetadata } from './generateMetadata';

interface Input {
  label: string;
  file: string;
  flavor: 'dataverse' | 'fno';
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function peakRssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** A query on the document's first entity set that touches its first properties. */
function sampleQueries(xml: string): { set: string; property: string } {
  const set = /<EntitySet Name="([^"]+)"/.exec(xml)?.[1] ?? 'accounts';
  const type = /<EntitySet Name="[^"]+" EntityType="([^"]+)"/.exec(xml)?.[1]?.split('.').pop() ?? '';
  const at = xml.indexOf(`<EntityType Name="${type}"`);
  const property = /<Property Name="([^"]+)"/.exec(xml.slice(Math.max(0, at)))?.[1] ?? 'name';
  return { set, property };
}

async function benchInput(input: Input): Promise<string[]> {
  const xml = readFileSync(input.file, 'utf8');
  const floorMs = Math.min(floor(input.file).ms, floor(input.file).ms, floor(input.file).ms);
  const { set, property } = sampleQueries(xml);
  const server = await startServer({
    environments: [{ name: 'bench', flavor: input.flavor, url: 'https://bench.example/api/', metadataFile: input.file }],
    defaultEnvironment: 'bench',
  }, vscodeLikeCapabilities);
  try {
    const uri = 'file:///bench.odata';
    const text = `GET ${set}?$select=${property}&$filter=${property} ne null\n`;
    const t0 = performance.now();
    await server.open(uri, text, 1);
    let coldMs = NaN;
    for (;;) {
      const list = (await server.connection.sendRequest(CompletionRequest.type, {
        textDocument: { uri },
        position: { line: 0, character: 4 },
      })) as CompletionList | null;
      if (list && !list.isIncomplete && list.items.length > 0) {
        coldMs = performance.now() - t0;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (performance.now() - t0 > 60_000) break;
    }
    const positions = [4, 4 + set.length + 9, text.indexOf('$filter=') + 8, text.indexOf(' ne ') + 1, text.indexOf(' ne ') + 4];
    const latencies: number[] = [];
    let version = 1;
    for (let i = 0; i < 600; i++) {
      if (i % 50 === 0) {
        // An edit now and then, so the document is parsed again as it is while typing.
        await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri, version: ++version },
          contentChanges: [{ text: i % 100 === 0 ? text : text.replace('\n', ' \n') }],
        });
      }
      const t = performance.now();
      await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: positions[i % positions.length] } });
      latencies.push(performance.now() - t);
    }
    const rss = peakRssMb(server.process.pid);
    return [
      `| ${input.label.padEnd(22)} | ${(xml.length / 1e6).toFixed(1).padStart(5)} | ${floorMs.toFixed(0).padStart(8)} | ${coldMs.toFixed(0).padStart(13)} | ${(coldMs / floorMs).toFixed(1).padStart(7)} | ${percentile(latencies, 50).toFixed(2).padStart(8)} | ${percentile(latencies, 99).toFixed(2).padStart(8)} | ${rss.toFixed(0).padStart(13)} |`,
    ];
  } finally {
    await server.stop();
  }
}

/** Diagnostics inside the language service (no transport, no debounce): one request, and a 1,000-request file. */
function serviceDiagnostics(file: string, flavor: 'dataverse' | 'fno'): string {
  const xml = readFileSync(file, 'utf8');
  const model = createModelIndex(readCsdl(xml));
  const { set, property } = sampleQueries(xml);
  const service = getLanguageService();
  const one = createODataDocument('file:///one.odata', `GET ${set}?$select=${property}&$filter=${property} ne null&$top=5\n`);
  const many = createODataDocument(
    'file:///many.odata',
    Array.from({ length: 1000 }, (_, i) => `### r${i}\nGET ${set}?$select=${property}&$filter=${property} ne null&$top=${i}\n`).join('\n'),
  );
  const context = { model, flavor };
  for (let i = 0; i < 50; i++) service.validate(one, context);
  const oneTimes: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = performance.now();
    service.validate(one, context);
    oneTimes.push(performance.now() - t);
  }
  const t = performance.now();
  const found = service.validate(many, context).length;
  const manyMs = performance.now() - t;
  return `  diagnostics in the service: one request p50 ${percentile(oneTimes, 50).toFixed(3)} ms, p99 ${percentile(oneTimes, 99).toFixed(3)} ms; a 1,000-request file ${manyMs.toFixed(0)} ms (${found} diagnostics)`;
}

export async function runLspBench(): Promise<void> {
  const dir = join(tmpdir(), 'dynamics-odata-bench');
  mkdirSync(dir, { recursive: true });
  const dataverse = join(dir, 'generated-dataverse.xml');
  const fno = join(dir, 'generated-fno.xml');
  writeFileSync(dataverse, generateDataverseMetadata());
  writeFileSync(fno, generateFnoMetadata());
  const inputs: Input[] = [
    { label: 'crm_schema.xml (real)', file: join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml'), flavor: 'dataverse' },
    { label: 'generated Dataverse', file: dataverse, flavor: 'dataverse' },
    { label: 'generated F&O', file: fno, flavor: 'fno' },
  ];
  console.log('| input                  |    MB | floor ms | cold→first ms | x floor | p50 ms   | p99 ms   | peak RSS MB   |');
  console.log('|------------------------|------:|---------:|--------------:|--------:|---------:|---------:|--------------:|');
  for (const input of inputs) for (const row of await benchInput(input)) console.log(row);
  console.log('  (completion p50/p99 over LSP on stdio as VS Code asks, 600 requests at 5 positions with an edit every 50)');
  for (const input of inputs) console.log(`${input.label}:${serviceDiagnostics(input.file, input.flavor)}`);
  console.log('  warm start from an index cache: not built yet (every start parses the metadata).');
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  runLspBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
