/**
 * `dynamics-odata check` with several --metadata: one query file checked against every environment; each problem says
 * where it fails and where it holds (text: "valid in dev; in prod: …"; JSON: `environments`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FileDiagnostic } from '../../../server/src/cli';
import { runCli, tempFolder } from './cliHarness';

const projectRoot = join(__dirname, '..', '..', '..');
const sample = join(projectRoot, 'test', 'fixtures', 'metadata', 'dataverse-sample.xml');
const sampleXml = readFileSync(sample, 'utf8');
const { file } = tempFolder('dynamics-odata-multi-');
const run = runCli;



// "prod" has not received account/telephone1 yet.
const telephone = /<Property Name="telephone1"[^>]*>[\s\S]*?<\/Property>/.exec(sampleXml)![0];
const prod = file('prod.xml', sampleXml.replace(telephone, ''));
const queries = file(
  'queries.odata',
  ['### works everywhere', 'GET accounts?$select=name', '', '### only where telephone1 exists', 'GET accounts?$select=name,telephone1', '', '### broken everywhere', 'GET accounts?$select=nmae', ''].join('\n'),
);

test('check against two environments: a column missing in one says where it holds and where it fails', async () => {
  const { code, stdout, stderr } = await run('check', '--metadata', `dev=${sample}`, '--metadata', `prod=${prod}`, queries);
  assert.equal(code, 1);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 2, stdout);
  assert.match(lines[0]!, /queries\.odata:5:27 error \S+ valid in dev; in prod: .*telephone1/);
  assert.match(lines[1]!, /queries\.odata:8:22 error \S+ .*nmae/);
  assert.doesNotMatch(lines[1]!, /valid in/, 'a problem everywhere reads as usual');
  assert.match(stderr, /environments: dev, prod; flavor: dataverse\)/);
});

test('JSON output gains environments: the names where each problem appears', async () => {
  const { stdout } = await run('check', '--format', 'json', '--metadata', `dev=${sample}`, '--metadata', `prod=${prod}`, queries);
  const results = JSON.parse(stdout) as FileDiagnostic[];
  assert.deepEqual(results.map((d) => [d.line, d.environments]), [[5, ['prod']], [8, ['dev', 'prod']]]);
});

test('unnamed --metadata are named after their files; one --metadata keeps the usual output', async () => {
  const named = await run('check', '--metadata', sample, '--metadata', prod, queries);
  assert.match(named.stdout, /valid in dataverse-sample; in prod: /);
  const single = await run('check', '--format', 'json', '--metadata', prod, queries);
  const results = JSON.parse(single.stdout) as FileDiagnostic[];
  assert.equal(results.length, 2);
  assert.ok(results.every((d) => d.environments === undefined));
});

test('two --metadata with the same name are refused', async () => {
  const { code, stderr } = await run('check', '--metadata', `a=${sample}`, '--metadata', `a=${prod}`, queries);
  assert.equal(code, 2);
  assert.match(stderr, /two --metadata share the name 'a'; name them NAME=FILE\./);
});
