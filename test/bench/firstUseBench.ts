/**
 * The first completion on the huge types of the Dataverse-at-scale document (issue 15), each on a fresh
 * model read back from the same compact index bytes and primed as the server primes it (so every first use
 * builds its caches): the least of
 * ROUNDS, which a shared machine's noise does not lower, then the same completion again (cached).
 *
 *   node --expose-gc --import tsx test/bench/firstUseBench.ts [rounds]
 */
import { compactIndexFromBytes, compactIndexToBytes, decodeCompactIndex, encodeCompactIndex } from '../../server/src/odata/csdl/compactIndex';
import { createModelIndex, createODataDocument, getLanguageService, readCsdl } from '../../server/src/odata/index';
import { COMPLETION_LIMIT, CompletionPayload, limitCompletionList } from '../../server/src/lsp/languageFeatures';
import { primeCompletion } from '../../server/src/lsp/prime';
import { vscodeLikeCapabilities } from '../integration/lspClient';
import { DATAVERSE_30MB, generateDataverseMetadata } from './generateMetadata';

const rounds = Number(process.argv[2] ?? 7);
const key = '(00000000-0000-0000-0000-000000000001)';
const lines = [
  'GET systemusers?$select=',
  'GET systemusers?$expand=',
  'GET systemusers?$expand=lk_',
  'GET systemusers?$filter=',
  `GET systemusers${key}/`,
  'GET accounts?$expand=ownerid($select=',
  'GET transactioncurrencies?$expand=',
  'GET businessunits?$select=',
];

const bytes = compactIndexToBytes(encodeCompactIndex(readCsdl(generateDataverseMetadata(DATAVERSE_30MB))));
const service = getLanguageService();
const payload = new CompletionPayload(vscodeLikeCapabilities);
const first = lines.map(() => Infinity);
const again = lines.map(() => Infinity);
const sizes = lines.map(() => 0);
const gc = (globalThis as { gc?: () => void }).gc;
for (let round = 0; round < rounds; round++) {
  const model = createModelIndex(decodeCompactIndex(compactIndexFromBytes(bytes.slice())));
  const context = { model, flavor: 'dataverse' as const, completionLimit: COMPLETION_LIMIT };
  // As the server does with a model it gets: prime it (the model's own one-time tables are made there).
  primeCompletion(service, model, 'dataverse');
  gc?.();
  lines.forEach((line, i) => {
    const text = `${line}\n`;
    const document = createODataDocument('file:///first.odata', text);
    for (const times of [first, again]) {
      const t = performance.now();
      const list = payload.compact(limitCompletionList(service.complete(document, line.length, context), text, line.length));
      const json = JSON.stringify(list);
      times[i] = Math.min(times[i], performance.now() - t);
      sizes[i] = json.length;
    }
  });
}
console.log(`least of ${rounds} rounds, ms (service + cut + compact + JSON), first use / again, answer bytes:`);
lines.forEach((line, i) => console.log(`  ${first[i].toFixed(2).padStart(7)} ${again[i].toFixed(2).padStart(6)} ${String(sizes[i]).padStart(7)}  ${line}`));
