// What a start of the built server (dist/server.js over stdio) does before its first answers (issue 15, the warm
// start): it does not load ICU's locale data (the first toLocaleString or Intl formatter of a process, ~25 ms) nor
// node's child_process (which vscode-languageserver requires at load for a module resolution the server never
// calls), and the first completion, hover, folding ranges and diagnostics are all answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompletionRequest, FoldingRangeRequest, HoverRequest, type CompletionList, type Hover } from 'vscode-languageserver-protocol/node';
import { repoRoot, startServer, vscodeLikeCapabilities } from './lspClient';

const crmMetadata = join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');

/** Loaded into the server with --require: records the ICU entry points called and, at exit, the built-ins loaded. */
const probe = (out: string): string => `
const { writeFileSync } = require('node:fs');
const icu = [];
const watch = (owner, name, label) => {
  const real = owner[name];
  owner[name] = function (...args) { icu.push(label); return real.apply(this, args); };
};
watch(Number.prototype, 'toLocaleString', 'Number.prototype.toLocaleString');
watch(Date.prototype, 'toLocaleString', 'Date.prototype.toLocaleString');
watch(String.prototype, 'localeCompare', 'String.prototype.localeCompare');
watch(String.prototype, 'toLocaleLowerCase', 'String.prototype.toLocaleLowerCase');
watch(String.prototype, 'toLocaleUpperCase', 'String.prototype.toLocaleUpperCase');
for (const name of ['Collator', 'NumberFormat', 'DateTimeFormat', 'PluralRules', 'ListFormat', 'RelativeTimeFormat', 'Segmenter']) {
  const Real = Intl[name];
  Intl[name] = function (...args) { icu.push('Intl.' + name); return new Real(...args); };
}
process.on('exit', () => writeFileSync(${JSON.stringify(out)}, JSON.stringify({ icu, builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')) })));
`;

test('a start answers its first requests without loading ICU or child_process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'odata-startup-'));
  const report = join(dir, 'report.json');
  const preload = join(dir, 'probe.cjs');
  writeFileSync(preload, probe(report));
  const previous = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${previous ?? ''} --require ${JSON.stringify(preload)}`.trim();
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ environments: [{ name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata }], defaultEnvironment: 'crm' }, vscodeLikeCapabilities);
  } finally {
    if (previous === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = previous;
  }
  try {
    const uri = 'file:///work/startup.odata';
    const diagnostics = server.nextDiagnostics(uri, 1);
    await server.open(uri, '### one\nGET accounts?$select=nmae,revenue&$top=5\n', 1);
    let list: CompletionList | null = null;
    for (let i = 0; i < 500 && !list?.items.some((item) => item.label === 'accounts'); i++) {
      list = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 8 } })) as CompletionList | null;
      if (!list?.items.some((item) => item.label === 'accounts')) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(list?.items.some((item) => item.label === 'accounts'), 'the first completion offers the entity set');
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 36 } })) as Hover | null;
    assert.match(JSON.stringify(hover?.contents ?? ''), /at most 5,000/, 'hover explains $top, with the Dataverse limit written as before');
    const ranges = await server.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } });
    assert.ok(Array.isArray(ranges) && ranges.length > 0, 'folding ranges are answered');
    assert.ok((await diagnostics).diagnostics.some((d) => d.code === 'unknown-property'), 'diagnostics are published');
  } finally {
    await server.stop();
  }
  try {
    const { icu, builtins } = JSON.parse(readFileSync(report, 'utf8')) as { icu: string[]; builtins: string[] };
    assert.deepEqual(icu, [], 'no ICU formatting on the way to the first answers');
    assert.ok(!builtins.includes('NativeModule child_process'), 'child_process is not loaded');
    assert.ok(builtins.includes('NativeModule net'), 'the probe saw the built-ins the server loaded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
