/**
 * Where a completion's time goes on the Dataverse-at-scale document (issue 15), inside the process: the
 * language service on the compact model the server swaps to, at the positions lspBench.ts `scale` asks for,
 * in the same order; each position's first use timed apart from its repeats, with the answer's JSON size.
 * Run with `--cpu-prof` to see where the first uses spend their time:
 *
 *   node --expose-gc --import tsx test/bench/completionProfile.ts
 *   node --expose-gc --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx test/bench/completionProfile.ts
 */
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { compactIndexFromBytes, compactIndexToBytes, decodeCompactIndex, encodeCompactIndex } from '../../server/src/odata/csdl/compactIndex';
import { createModelIndex, createODataDocument, getLanguageService, readCsdl } from '../../server/src/odata/index';
import { COMPLETION_LIMIT, CompletionPayload, limitCompletionList } from '../../server/src/lsp/languageFeatures';
import { primeCompletion } from '../../server/src/lsp/prime';
import { vscodeLikeCapabilities } from '../integration/lspClient';
import { DATAVERSE_30MB, generateDataverseMetadata } from './generateMetadata';
import { tenRequests } from './lspBench';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The model as the server holds it once idle (the compact index read back from its bytes), and the bench's positions. */
function load(): { model: ReturnType<typeof createModelIndex>; text: string; positions: { line: number; character: number }[] } {
  const xml = generateDataverseMetadata(DATAVERSE_30MB);
  const bytes = compactIndexToBytes(encodeCompactIndex(readCsdl(xml)));
  return { model: createModelIndex(decodeCompactIndex(compactIndexFromBytes(bytes))), ...tenRequests(xml) };
}

const { model, text, positions } = load();
const service = getLanguageService();
const document = createODataDocument('file:///scale.odata', text);
const lineStarts = [0];
for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
const context = { model, flavor: 'dataverse' as const, completionLimit: COMPLETION_LIMIT };
// As the server does once the compact model is in: prime it (and its first completion, the entity set being typed).
primeCompletion(service, model, 'dataverse');
const payload = new CompletionPayload(vscodeLikeCapabilities);
// The XML and the full document are garbage now, as in the server once idle.
(globalThis as { gc?: () => void }).gc?.();
/** Collections (their pauses) during the loop, to tell a slow completion from a collection inside it. */
const collections: PerformanceEntry[] = [];
const observer = new PerformanceObserver((list) => collections.push(...list.getEntries()));
observer.observe({ entryTypes: ['gc'] });
const spans: { i: number; start: number; end: number }[] = [];
const first: { i: number; ms: number; jsonMs: number; bytes: number; items: number; where: string }[] = [];
const repeats: number[] = [];
const slowRepeats: { i: number; ms: number; jsonMs: number; where: string }[] = [];
const seen = new Set<number>();
for (let i = 0; i < 200; i++) {
  const position = positions[(i * 37) % positions.length];
  const offset = lineStarts[position.line] + position.character;
  const t = performance.now();
  const list = payload.compact(limitCompletionList(service.complete(document, offset, context), text, offset));
  const ms = performance.now() - t;
  spans.push({ i, start: t, end: t + ms });
  const j = performance.now();
  const json = JSON.stringify(list);
  const jsonMs = performance.now() - j;
  const line = text.slice(lineStarts[position.line], lineStarts[position.line + 1] - 1);
  if (seen.has(offset)) {
    repeats.push(ms + jsonMs);
    if (ms + jsonMs > 5) slowRepeats.push({ i, ms, jsonMs, where: `${line.slice(0, position.character).slice(-40)}|` });
  } else {
    seen.add(offset);
    first.push({ i, ms, jsonMs, bytes: json.length, items: list.items.length, where: `${line.slice(0, position.character).slice(-40)}|` });
  }
}
setTimeout(report, 50);

function report(): void {
observer.disconnect();
const gcIn = (i: number): number => {
  const span = spans[i];
  return collections.filter((c) => c.startTime < span.end && c.startTime + c.duration > span.start).reduce((n, c) => n + c.duration, 0);
};
console.log(`collections during the loop: ${collections.length}, ${collections.reduce((n, c) => n + c.duration, 0).toFixed(1)} ms; longest ${Math.max(0, ...collections.map((c) => c.duration)).toFixed(1)} ms`);
for (const r of slowRepeats) console.log(`slow repeat #${r.i}: ${r.ms.toFixed(2)} ms (collections ${gcIn(r.i).toFixed(2)}) + JSON ${r.jsonMs.toFixed(2)} ms at ${r.where}`);
first.sort((a, b) => b.ms + b.jsonMs - (a.ms + a.jsonMs));
console.log(`first uses (${first.length}): p50 ${percentile(first.map((f) => f.ms + f.jsonMs), 50).toFixed(2)} ms; repeats (${repeats.length}): p50 ${percentile(repeats, 50).toFixed(2)} ms, p99 ${percentile(repeats, 99).toFixed(2)} ms`);
console.log('slowest first uses (#, service+compact ms, of it in collections, JSON ms, JSON bytes, items, position):');
for (const f of first.slice(0, 12)) console.log(`  #${String(f.i).padStart(3)} ${f.ms.toFixed(2).padStart(7)} ${gcIn(f.i).toFixed(2).padStart(6)} ${f.jsonMs.toFixed(2).padStart(6)} ${String(f.bytes).padStart(7)} ${String(f.items).padStart(4)}  ${f.where}`);
}
