/**
 * `dynamics-odata diff OLD NEW`: text, JSON and Markdown output, --breaking-only, exit codes 0/1/2,
 * in-process through main() and once as the bundled dist/cli.js when it is built.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SchemaChange } from '../../../server/src/odata/index';
import { runCli, tempFolder } from './cliHarness';

const projectRoot = join(__dirname, '..', '..', '..');
const sample = join(projectRoot, 'test', 'fixtures', 'metadata', 'dataverse-sample.xml');
const { dir, file } = tempFolder('dynamics-odata-diff-');
const run = runCli;
const sampleXml = readFileSync(sample, 'utf8');



// An edited copy of the sample: one column removed (breaking), one added (not).
const removedColumn = /<Property Name="telephone1"[^>]*>[\s\S]*?<\/Property>/.exec(sampleXml)?.[0];
assert.ok(removedColumn, 'the sample has account/telephone1');
const edited = file('edited.xml', sampleXml.replace(removedColumn, '<Property Name="new_rating" Type="Edm.Int32" />'));
const onlyAdded = file('added.xml', sampleXml.replace(removedColumn, `${removedColumn}<Property Name="new_rating" Type="Edm.Int32" />`));

test('diff: identical documents → no differences, exit 0', async () => {
  const { code, stdout } = await run('diff', sample, sample);
  assert.equal(code, 0);
  assert.equal(stdout, 'No differences.\n');
});

test('diff: a removed column is breaking (exit 1); text, json and markdown say the same', async () => {
  const text = await run('diff', sample, edited);
  assert.equal(text.code, 1);
  const lines = text.stdout.trim().split('\n');
  assert.ok(lines.some((l) => /^- BREAKING property \w+\/telephone1: Edm\.String/.test(l)), text.stdout);
  assert.ok(lines.some((l) => /^\+ property \w+\/new_rating: Edm\.Int32$/.test(l)), text.stdout);
  assert.match(lines.at(-1)!, /^\d+ change\(s\): \d+ added, \d+ removed, 0 changed; \d+ breaking\.$/);

  const json = await run('diff', sample, edited, '--format', 'json');
  assert.equal(json.code, 1);
  const changes = JSON.parse(json.stdout) as SchemaChange[];
  const removed = changes.find((c) => c.path.endsWith('/telephone1'))!;
  assert.equal(removed.change, 'removed');
  assert.equal(removed.kind, 'property');
  assert.equal(removed.breaking, true);
  assert.equal(removed.before, 'Edm.String');
  assert.equal(removed.reason, 'queries selecting, filtering or ordering by it fail');
  assert.ok(changes.every((c) => ['added', 'removed', 'changed'].includes(c.change) && typeof c.path === 'string' && typeof c.breaking === 'boolean'));

  const markdown = await run('diff', sample, edited, '--format=markdown');
  assert.match(markdown.stdout, /^## Schema differences: /);
  assert.match(markdown.stdout, /\| removed \| \*\*yes\*\* \| property \| `\w+\/telephone1` \|/);
});

test('diff --breaking-only lists only breaking changes; additions alone exit 0', async () => {
  const breaking = JSON.parse((await run('diff', '--breaking-only', '--format', 'json', sample, edited)).stdout) as SchemaChange[];
  assert.ok(breaking.length > 0 && breaking.every((c) => c.breaking));
  const added = await run('diff', sample, onlyAdded);
  assert.equal(added.code, 0);
  assert.match(added.stdout, /^\+ property \w+\/new_rating: Edm\.Int32\n1 change\(s\): 1 added, 0 removed, 0 changed; 0 breaking\.\n$/);
});

test('diff: bad usage and unreadable or non-CSDL input exit 2 with a clear message', async () => {
  const one = await run('diff', sample);
  assert.equal(one.code, 2);
  assert.match(one.stderr, /diff takes two metadata files \(OLD NEW\), not 1\./);
  const format = await run('diff', sample, sample, '--format', 'yaml');
  assert.equal(format.code, 2);
  assert.match(format.stderr, /unknown format 'yaml'; use text, json or markdown\./);
  const missing = await run('diff', sample, join(dir, 'nope.xml'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read the metadata file '.*nope\.xml': no such file/);
  const notCsdl = await run('diff', sample, file('page.xml', '<html><body>Sign in</body></html>'));
  assert.equal(notCsdl.code, 2);
  assert.match(notCsdl.stderr, /holds no usable CSDL/);
  const help = await run('diff', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: dynamics-odata diff OLD NEW/);
});

test('diff runs as the bundled command (dist/cli.js, built here when missing)', () => {
  let cli = join(projectRoot, 'dist', 'cli.js');
  if (!existsSync(cli)) {
    cli = join(dir, 'cli.js');
    const build = spawnSync('npx', ['esbuild', 'server/src/cli.ts', '--bundle', '--platform=node', '--format=cjs', `--outfile=${cli}`, '--log-level=error'], { cwd: projectRoot, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  }
  const result = spawnSync(process.execPath, [cli, 'diff', sample, edited, '--breaking-only'], { encoding: 'utf8' });
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stdout, /BREAKING property account\/telephone1/);
});
