// The server's completion payload (server/src/lsp/languageFeatures.ts, CompletionPayload): every item's documentation
// and detail come back on resolve exactly as the language service made them, whether the client shares `data` in the
// list's defaults (the item is found by its label) or not (by its index); an item of an older list, or a label the
// last list does not have, comes back unchanged. And the same list asked twice in a row documents its items the same
// (the lazy documentation a cached entry keeps is its own, not another item's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientCapabilities, CompletionItem, CompletionList } from 'vscode-languageserver-protocol';
import { COMPLETION_LIMIT, CompletionPayload, limitCompletionList } from '../../../server/src/lsp/languageFeatures';
import { createModelIndex, createODataDocument, getLanguageService, readCsdl, resolveDocumentation } from '../../../server/src/odata/index';

const corpus = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'metadata');
const model = createModelIndex(readCsdl(readFileSync(join(corpus, 'simpleodata__crm_schema.xml'), 'utf8')));
const service = getLanguageService({ onError: (_, error) => assert.fail(String(error)) });

function capabilities(sharedData: boolean): ClientCapabilities {
  return {
    textDocument: {
      completion: {
        completionItem: { snippetSupport: true, resolveSupport: { properties: ['documentation', 'detail'] } },
        completionList: { itemDefaults: ['editRange', 'insertTextFormat', ...(sharedData ? ['data'] : [])] },
      },
    },
  };
}

function complete(text: string): CompletionList {
  const document = createODataDocument('file:///payload.odata', text);
  return limitCompletionList(service.complete(document, text.length, { model, flavor: 'dataverse', completionLimit: COMPLETION_LIMIT }), text, text.length);
}

/** Documentation and detail of each item as the service made them. */
const made = (list: CompletionList): { label: string; detail: unknown; documentation: unknown }[] =>
  list.items.map((item) => ({ label: item.label, detail: item.detail, documentation: resolveDocumentation({ ...item }).documentation }));

for (const sharedData of [true, false]) {
  test(`resolve gives back each item's documentation and detail (data ${sharedData ? 'shared in the defaults' : 'per item'})`, () => {
    for (const text of ['GET ', 'GET systemusers?$select=', 'GET accounts?$expand=owninguser($select=', 'GET accounts?$filter=name eq ']) {
      const expected = made(complete(text));
      const payload = new CompletionPayload(capabilities(sharedData));
      const list = payload.compact(complete(text));
      assert.ok(list.items.length > 0, text);
      const resolved = list.items.map((item) => payload.resolve({ ...item, data: item.data ?? list.itemDefaults?.data }));
      assert.deepEqual(
        resolved.map((item) => ({ label: item.label, detail: item.detail, documentation: item.documentation })),
        expected,
        text,
      );
      // Not this list's: unchanged.
      const stranger: CompletionItem = { label: 'no such label', data: list.items[0].data ?? list.itemDefaults?.data };
      if (sharedData) assert.equal(payload.resolve(stranger), stranger);
      const older = list.items[0];
      payload.compact(complete('GET '));
      const stale = { ...older, data: older.data ?? list.itemDefaults?.data };
      assert.equal(payload.resolve(stale), stale, 'an item of an older list');
    }
  });
}

test('the same completion twice documents its items the same', () => {
  const text = 'GET systemusers?$select=';
  const first = made(complete(text));
  const second = made(complete(text));
  assert.deepEqual(second, first);
  assert.ok(first.some((item) => item.documentation !== undefined), 'some items are documented');
  assert.equal(new Set(first.map((item) => JSON.stringify(item.documentation))).size > 1, true, 'not one documentation for all');
});

test('an entry keeps its sort text: a second completion anywhere answers the same items, sort texts included', () => {
  const texts = ['GET ', 'GET systemusers?$select=', 'GET systemusers?$orderby=', 'GET accounts?$filter=', 'GET accounts?$expand=', 'GET accounts?$filter=name eq '];
  const answer = (text: string): string => JSON.stringify(complete(text).items.map((item) => [item.label, item.kind, item.sortText, item.filterText, item.detail]));
  const first = texts.map(answer);
  // The same positions again, in another order (the entries made above are reused).
  const again = [...texts].reverse().map(answer).reverse();
  assert.deepEqual(again, first);
  for (const text of texts) for (const item of complete(text).items) assert.ok(item.sortText?.endsWith(item.label), `${text}: ${item.label} sorts by ${item.sortText}`);
});

test('forget (the model was replaced) drops the last list: its items resolve as they are, and a new list resolves again', () => {
  const payload = new CompletionPayload(capabilities(true));
  const list = payload.compact(complete('GET systemusers?$select='));
  const item = { ...list.items[0], data: list.itemDefaults?.data };
  assert.notEqual(payload.resolve(item).documentation, undefined, 'documented before');
  payload.forget();
  assert.equal(payload.resolve(item), item, 'no documentation kept from the replaced model');
  const next = payload.compact(complete('GET systemusers?$select='));
  assert.notEqual(payload.resolve({ ...next.items[0], data: next.itemDefaults?.data }).documentation, undefined, 'a new list resolves');
});
