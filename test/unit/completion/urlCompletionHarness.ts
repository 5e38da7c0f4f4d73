/**
 * Shared by the URL completion tests: the real CRM metadata and the Dataverse, F&O and Business Central
 * fixtures (each read once), and `complete('text with a | cursor', model, flavour)`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-types';
import { readCsdl } from '../../../server/src/odata/csdl/csdlReader';
import { createModelIndex, type ModelIndex } from '../../../server/src/odata/csdl/modelIndex';
import type { Flavor } from '../../../server/src/odata/diagnosticCodes';
import { createODataDocument, type ODataDocument } from '../../../server/src/odata/services/serviceContext';
import { completeUrl } from '../../../server/src/odata/services/urlCompletion';

const repoRoot = join(__dirname, '..', '..', '..');
export const corpus = join(repoRoot, '..', 'shared', 'corpus');
const fixtures = join(repoRoot, 'test', 'fixtures', 'metadata');

const models = new Map<string, ModelIndex>();
function load(key: string, path: string): ModelIndex {
  let model = models.get(key);
  if (!model) {
    model = createModelIndex(readCsdl(readFileSync(path, 'utf8')));
    models.set(key, model);
  }
  return model;
}
export const crm = (): ModelIndex => load('crm', join(corpus, 'metadata', 'simpleodata__crm_schema.xml'));
export const dataverse = (): ModelIndex => load('dataverse', join(fixtures, 'dataverse-sample.xml'));
export const fno = (): ModelIndex => load('fno', join(fixtures, 'fno-sample.xml'));
export const bc = (): ModelIndex => load('bc', join(fixtures, 'bc-sample.xml'));

export interface Completed {
  list: CompletionList | null;
  document: ODataDocument;
  labels: string[];
  item(label: string): CompletionItem;
  /** The text the item inserts (its textEdit's newText). */
  inserted(label: string): string;
  /** The document text the item's textEdit replaces. */
  replaced(label?: string): string;
}

export function complete(marked: string, model: ModelIndex | undefined, flavor: Flavor = 'dataverse'): Completed {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'the text needs a | cursor');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const document = createODataDocument('file:///t.odata', text);
  const list = completeUrl(document, offset, { model, flavor });
  const items = list?.items ?? [];
  const item = (label: string): CompletionItem => {
    const found = items.find((i) => i.label === label);
    assert.ok(found, `no item '${label}' among ${items.slice(0, 40).map((i) => i.label).join(', ')}`);
    return found;
  };
  return {
    list,
    document,
    labels: items.map((i) => i.label),
    item,
    inserted(label: string): string {
      const edit = item(label).textEdit;
      assert.ok(edit && 'range' in edit, 'items carry a textEdit with a range');
      return edit.newText;
    },
    replaced(label?: string): string {
      const edit = (label ? item(label) : items[0])?.textEdit;
      assert.ok(edit && 'range' in edit, 'items carry a textEdit with a range');
      return text.slice(document.lines.offsetAt(edit.range.start), document.lines.offsetAt(edit.range.end));
    },
  };
}

export function includes(result: Completed, ...labels: string[]): void {
  for (const label of labels) assert.ok(result.labels.includes(label), `expected '${label}' among ${result.labels.slice(0, 60).join(', ')}`);
}

export function excludes(result: Completed, ...labels: string[]): void {
  for (const label of labels) assert.ok(!result.labels.includes(label), `did not expect '${label}'`);
}
