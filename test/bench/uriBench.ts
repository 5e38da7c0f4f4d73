/**
 * URL parse and parse+bind throughput over the real queries of ../shared/corpus/queries/real-queries.txt,
 * against the real CRM $metadata (loaded once), beside a floor measured in the same run: percent-decoding
 * each URL and splitting it at `?`, `&` and `/`.
 *
 *   node --import tsx test/bench/uriBench.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindUri, createModelIndex, parseUri, readCsdl, type ModelIndex } from '../../server/src/odata/index';

const projectRoot = join(__dirname, '..', '..');
const corpus = join(projectRoot, '..', 'shared', 'corpus');
const guid = '00000000-0000-0000-0000-000000000001';

type QueryFlavor = 'dataverse' | 'fno' | 'bc';

interface BenchQuery {
  url: string;
  flavor: QueryFlavor;
}

function flavorOf(source: string): QueryFlavor {
  if (/unified-operations|F&O/.test(source)) return 'fno';
  if (/\bBC\b|businesscentral/i.test(source)) return 'bc';
  return 'dataverse';
}

function loadQueries(): BenchQuery[] {
  return readFileSync(join(corpus, 'queries', 'real-queries.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => ({ url: prepare(line.split('\t')[1]!), flavor: flavorOf(line.split('\t')[0]!) }));
}

function prepare(url: string): string {
  return url
    .replace(/\s*\[documented as NOT supported\]\s*$/, '')
    .replace(/<systemuserid value>|\{GUID\}/g, guid)
    .replace(/\(\{\w+\}\)/g, `(${guid})`)
    .replace(/^(GET|POST|PATCH|PUT|DELETE)\s+/, '');
}

/** The floor: what any URL tool pays at least (decode once, split into parts). */
function baseline(url: string): number {
  let decoded: string;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    decoded = url;
  }
  const [path = '', query = ''] = decoded.split('?');
  return path.split('/').length + query.split('&').length;
}

interface Measurement {
  name: string;
  perSecond: number;
  microseconds: number;
}

/** Runs `work` over all queries repeatedly for about `targetMs` and reports the rate per query. */
function measure(name: string, queries: string[], work: (url: string) => unknown, targetMs = 1500): Measurement {
  let sink = 0;
  for (let i = 0; i < 3; i++) for (const q of queries) sink += work(q) ? 1 : 0; // warm-up
  let rounds = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < targetMs) {
    for (const q of queries) sink += work(q) ? 1 : 0;
    rounds++;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  if (sink < 0) console.log(sink);
  const count = rounds * queries.length;
  return { name, perSecond: (count / elapsedMs) * 1000, microseconds: (elapsedMs * 1000) / count };
}

function format(m: Measurement, floor: Measurement): string {
  const ratio = m === floor ? '' : `  (${(m.microseconds / floor.microseconds).toFixed(1)}x the floor)`;
  return `  ${m.name.padEnd(34)} ${Math.round(m.perSecond).toLocaleString('en-US').padStart(11)} queries/s  ${m.microseconds.toFixed(2).padStart(8)} µs/query${ratio}`;
}

function loadModel(path: string): { model: ModelIndex; ms: number } {
  const t0 = process.hrtime.bigint();
  const model = createModelIndex(readCsdl(readFileSync(path, 'utf8')));
  return { model, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

export async function runUriBench(): Promise<void> {
  const all = loadQueries();
  const queries = all.map((q) => q.url);
  const dataverse = all.filter((q) => q.flavor === 'dataverse').map((q) => q.url);
  const crm = loadModel(join(corpus, 'metadata', 'simpleodata__crm_schema.xml'));
  const models: Record<QueryFlavor, ModelIndex> = {
    dataverse: crm.model,
    fno: loadModel(join(projectRoot, 'test', 'fixtures', 'metadata', 'fno-sample.xml')).model,
    bc: loadModel(join(projectRoot, 'test', 'fixtures', 'metadata', 'bc-sample.xml')).model,
  };
  const flavorOf = new Map(all.map((q) => [q.url, q.flavor]));
  console.log(`  ${queries.length} real queries (${dataverse.length} Dataverse, bound against the real CRM $metadata, loaded once in ${crm.ms.toFixed(0)} ms;`);
  console.log('  F&O and Business Central ones against the project\'s fixtures)');
  const floor = measure('floor: decodeURIComponent + split', queries, baseline);
  const parse = measure('parseUri', queries, (q) => parseUri(q));
  const bind = measure('parseUri + bindUri, all queries', queries, (q) => {
    const flavor = flavorOf.get(q)!;
    return bindUri(parseUri(q), models[flavor], { flavor });
  });
  const dataverseFloor = measure('floor, Dataverse queries', dataverse, baseline);
  const dataverseBind = measure('parseUri + bindUri, Dataverse', dataverse, (q) => bindUri(parseUri(q), crm.model, { flavor: 'dataverse' }));
  // A misspelt entity set: the did-you-mean looks at every entity set name of the model.
  const misspelt = ['acounts?$select=name', 'contcts?$top=1', 'opportunitys?$select=name'];
  const unknownFloor = measure('floor, misspelt entity sets', misspelt, baseline);
  const unknown = measure('parse + bind, misspelt entity sets', misspelt, (q) => bindUri(parseUri(q), crm.model, { flavor: 'dataverse' }));
  for (const m of [floor, parse, bind]) console.log(format(m, floor));
  for (const m of [dataverseFloor, dataverseBind]) console.log(format(m, dataverseFloor));
  for (const m of [unknownFloor, unknown]) console.log(format(m, unknownFloor));
  console.log(`  binding alone ≈ ${(bind.microseconds - parse.microseconds).toFixed(2)} µs/query over all queries`);
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  runUriBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
