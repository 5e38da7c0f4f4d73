/**
 * Test harness for the language services: models (the real CRM $metadata, the Dataverse sample), documents
 * with the cursor marked `|`, the text a range covers, and `applyEdits` to see what a code action does.
 * Imports the service modules directly (not the core's index) so each service is tested on its own.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { readCsdl } from '../../../server/src/odata/csdl/csdlReader';
import { createModelIndex, type ModelIndex } from '../../../server/src/odata/csdl/modelIndex';
import { createODataDocument, type ODataDocument, type ServiceContext } from '../../../server/src/odata/services/serviceContext';

export const projectRoot = join(__dirname, '..', '..', '..');
export const corpus = join(projectRoot, '..', 'shared', 'corpus');
export const uri = 'file:///t.odata';

const models = new Map<string, ModelIndex>();

function load(key: string, path: string): ModelIndex {
  let model = models.get(key);
  if (!model) {
    const document = readCsdl(readFileSync(path, 'utf8'));
    assert.deepEqual(document.errors.filter((e) => e.severity === 'error'), [], `${key} metadata has errors`);
    model = createModelIndex(document);
    models.set(key, model);
  }
  return model;
}

/** The real CRM $metadata of ../shared/corpus (Dataverse, 2016-era, German descriptions). */
export function crm(): ServiceContext {
  return { model: load('crm', join(corpus, 'metadata', 'simpleodata__crm_schema.xml')), flavor: 'dataverse' };
}

/** test/fixtures/metadata/dataverse-sample.xml (with lookuplogicalname annotations). */
export function dataverseSample(): ServiceContext {
  return { model: load('dv', join(projectRoot, 'test', 'fixtures', 'metadata', 'dataverse-sample.xml')), flavor: 'dataverse' };
}

export function noModel(): ServiceContext {
  return { model: undefined, flavor: 'dataverse' };
}

/** A document from text with one `|` marking the cursor. */
export function withCursor(marked: string): { document: ODataDocument; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'the text needs a | cursor');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { document: createODataDocument(uri, text), offset };
}

/** The document text a range covers. */
export function textOf(document: ODataDocument, range: Range): string {
  return document.text.slice(document.lines.offsetAt(range.start), document.lines.offsetAt(range.end));
}

/** Applies non-overlapping text edits (any order) to a document's text. */
export function applyEdits(document: ODataDocument, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((edit) => ({ start: document.lines.offsetAt(edit.range.start), end: document.lines.offsetAt(edit.range.end), newText: edit.newText }))
    .sort((a, b) => b.start - a.start);
  let text = document.text;
  for (const edit of sorted) text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  return text;
}

export function applyWorkspaceEdit(document: ODataDocument, edit: WorkspaceEdit | undefined): string {
  assert.ok(edit?.changes, 'the action has an edit');
  assert.deepEqual(Object.keys(edit.changes), [document.uri]);
  return applyEdits(document, edit.changes[document.uri]!);
}

/** Real queries of ../shared/corpus/queries/real-queries.txt (the URL column). */
export function realQueries(): string[] {
  return readFileSync(join(corpus, 'queries', 'real-queries.txt'), 'utf8')
    .split('\n')
    .map((line) => line.split('\t')[1])
    .filter((url): url is string => !!url && url.trim().length > 0);
}
