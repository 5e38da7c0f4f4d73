// Priming a model (server/src/lsp/prime.ts) completes and checks a small request against it: on every metadata
// document of the corpus it runs without an exception, and on a model without entity sets it does nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModelIndex, getLanguageService, readCsdl } from '../../../server/src/odata/index';
import { primeCompletion } from '../../../server/src/lsp/prime';

const corpus = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'metadata');

test('priming runs the completion and checking code on every corpus model without an exception', () => {
  const calls: string[] = [];
  const service = getLanguageService({ onError: (name, error) => assert.fail(`${name}: ${String(error)}`) });
  const counted = { ...service, complete: (...args: Parameters<typeof service.complete>) => (calls.push('complete'), service.complete(...args)) };
  for (const name of readdirSync(corpus).filter((file) => file.endsWith('.xml'))) {
    const model = createModelIndex(readCsdl(readFileSync(join(corpus, name), 'utf8')));
    calls.length = 0;
    primeCompletion(counted, model, name.includes('crm') || name.includes('CRM') ? 'dataverse' : 'generic');
    assert.equal(calls.length, model.entitySets().length > 0 ? 8 : 0, name);
  }
  const empty = createModelIndex(readCsdl('<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="E" xmlns="http://docs.oasis-open.org/odata/ns/edm"/></edmx:DataServices></edmx:Edmx>'));
  calls.length = 0;
  primeCompletion(counted, empty, 'generic');
  assert.equal(calls.length, 0);
});
