// Fuzz: thousands of random and mutated documents (from the real queries) through every request type of the
// language service. No service may throw (the service reports every caught exception through onError), no
// URL check may end in an internal error, and every answer stays inside the document and within a bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModelIndex, createODataDocument, getLanguageService, readCsdl, type ServiceContext } from '../../../server/src/odata/index';
import type { Range } from 'vscode-languageserver-types';

const root = join(__dirname, '..', '..', '..');
const corpus = join(root, '..', 'shared', 'corpus');
const model = createModelIndex(readCsdl(readFileSync(join(corpus, 'metadata', 'simpleodata__crm_schema.xml'), 'utf8')));
const queries = readFileSync(join(corpus, 'queries', 'real-queries.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.includes('\t'))
  .map((line) => line.split('\t')[1]);

let seed = 20261122;
const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const alphabet = [...'()[]{}\'"$@/?&=,;:.*-+% \n\t#'].concat(['eq', 'and', 'any(', '$filter=', '$expand=', '$select=', '{{', '}}', '%27', '%20', '\u00e9', '\u{1F680}', 'Microsoft.Dynamics.CRM.', '###\n', 'POST ', '\n\n{"x":']);

function mutate(text: string): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const kind = random();
    if (kind < 0.35) out = out.slice(0, at) + out.slice(at + Math.floor(random() * 12));
    else if (kind < 0.75) out = out.slice(0, at) + pick(alphabet) + out.slice(at);
    else if (kind < 0.9) out = out.slice(0, at) + out.slice(Math.floor(random() * out.length), at) + out.slice(at);
    else out = out.slice(at) + out.slice(0, at);
  }
  return out;
}

function document(): string {
  const r = random();
  if (r < 0.1) return Array.from({ length: Math.floor(random() * 80) }, () => pick(alphabet)).join('');
  const query = mutate(pick(queries));
  if (r < 0.5) return query;
  const method = pick(['GET', 'POST', 'PATCH', 'DELETE', '']);
  const body = method === 'POST' || method === 'PATCH' ? `\n\n${mutate('{ "name": "x", "primarycontactid@odata.bind": "/contacts(1)" }')}` : '';
  return `@v = ${mutate('accounts')}\n### fuzz\n${method} ${query}\n    &$top={{v}}\nPrefer: ${mutate('odata.include-annotations="*"')}${body}\n`;
}

function inside(range: Range, lineCount: number): boolean {
  return range.start.line >= 0 && range.end.line < lineCount && (range.start.line < range.end.line || range.start.character <= range.end.character);
}

test('2,000 random and mutated documents: no exception, answers inside the document and of bounded size', () => {
  const errors: string[] = [];
  const service = getLanguageService({ onError: (name, error) => errors.push(`${name}: ${error instanceof Error ? error.stack : String(error)}`) });
  const contexts: ServiceContext[] = [
    { model, flavor: 'dataverse' },
    { model, flavor: 'fno' },
    { model: undefined, flavor: 'generic' },
  ];
  const names = model.entitySets().length + model.functionImports().length + model.actionImports().length + 200;
  let slowest = 0;
  let calls = 0;
  for (let n = 0; n < 2000; n++) {
    const text = document();
    const doc = createODataDocument('file:///fuzz.odata', text);
    const context = contexts[n % contexts.length];
    const timed = <T>(work: () => T): T => {
      const start = performance.now();
      const result = work();
      slowest = Math.max(slowest, performance.now() - start);
      calls++;
      return result;
    };
    const diagnostics = timed(() => service.validate(doc, context));
    for (const d of diagnostics) {
      assert.notEqual(d.code, 'internal-error', `internal error for ${JSON.stringify(text)}: ${d.message}`);
      assert.ok(d.span.start >= 0 && d.span.start <= d.span.end && d.span.end <= text.length, `span out of the text for ${JSON.stringify(text)}`);
    }
    for (let k = 0; k < 6; k++) {
      const offset = Math.floor(random() * (text.length + 1));
      const list = timed(() => service.complete(doc, offset, context));
      assert.ok(list.items.length <= names, `${list.items.length} items`);
      for (const item of list.items) {
        const edit = item.textEdit;
        if (edit && 'range' in edit) assert.ok(inside(edit.range, doc.lines.lineCount), `completion edit outside the document for ${JSON.stringify(text)}`);
      }
      const hover = timed(() => service.hover(doc, offset, context));
      if (hover?.range) assert.ok(inside(hover.range, doc.lines.lineCount));
      timed(() => service.signatureHelp(doc, offset, context));
    }
    timed(() => service.documentSymbols(doc));
    timed(() => service.foldingRanges(doc));
    const tokens = timed(() => service.semanticTokens(doc, context));
    assert.equal(tokens.length % 5, 0, 'semantic tokens come in fives');
    timed(() => service.codeActions(doc, { start: 0, end: text.length }, diagnostics, context));
  }
  console.log(`fuzz: ${calls} service calls, slowest ${slowest.toFixed(1)} ms`);
  assert.deepEqual(errors.slice(0, 5), []);
});
