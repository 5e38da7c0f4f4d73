// The language server cuts completion lists over its limit to what matches the typed text, marked incomplete, so a
// 1,200-entity-set path start is not sent whole on every keystroke.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-types';
import { limitCompletionList } from '../../../server/src/lsp/languageFeatures';
import { matchesTyped } from '../../../server/src/odata/index';

function list(labels: string[], rangeStart: number): CompletionList {
  const range = { start: { line: 0, character: rangeStart }, end: { line: 0, character: rangeStart } };
  return { isIncomplete: false, items: labels.map((label): CompletionItem => ({ label, sortText: `1${label}`, textEdit: { range, newText: label } })) };
}

const labels = Array.from({ length: 1200 }, (_, i) => `Entity${String(i).padStart(4, '0')}`).concat(['CustomerGroups', 'Customers', 'VendorGroups']);

test('a list within the limit is left as it is', () => {
  const small = list(['a', 'b'], 4);
  assert.equal(limitCompletionList(small, 'GET \n', 4), small);
});

test('a long list is cut to the limit, best sorted first, and marked incomplete', () => {
  const cut = limitCompletionList(list(labels, 4), 'GET \n', 4, 200);
  assert.equal(cut.isIncomplete, true);
  assert.equal(cut.items.length, 200);
  assert.equal(cut.items[0]!.label, 'CustomerGroups');
});

test('what was typed narrows the list as the editor filters (letters in order, any case)', () => {
  const text = 'GET cusgr\n';
  const cut = limitCompletionList(list(labels, 4), text, 9, 200);
  assert.equal(cut.isIncomplete, true, 'still incomplete: deleting a letter must ask again');
  assert.deepEqual(cut.items.map((item) => item.label), ['CustomerGroups']);
  const vg = limitCompletionList(list(labels, 4), 'GET VG\n', 6, 200);
  assert.deepEqual(vg.items.map((item) => item.label), ['VendorGroups']);
});

test('matching letters in order ignores case the way toLowerCase does, beyond ASCII too', () => {
  // The reference: walk the lower-cased label's code points, ticking off the typed ones in order.
  const reference = (label: string, typed: string): boolean => {
    const wanted = [...typed];
    let next = 0;
    for (const char of label.toLowerCase()) if (next < wanted.length && char === wanted[next]) next++;
    return next === wanted.length;
  };
  assert.equal(matchesTyped('CustomerGroups', 'cusgr'), true);
  assert.equal(matchesTyped('CustomerGroups', 'grc'), false);
  assert.equal(matchesTyped('Straße', 'straß'), true);
  assert.equal(matchesTyped('ÄnderungsDatum', 'ändd'), true);
  assert.equal(matchesTyped('İl', 'i̇l'), reference('İl', 'i̇l'));
  // Random labels and typed text over ASCII letters, digits, _ and a few letters beyond ASCII.
  const alphabet = 'aAbBzZ_09ÄäßİıΣσ';
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const word = (length: number): string => Array.from({ length }, () => alphabet[next(alphabet.length)]).join('');
  for (let i = 0; i < 5000; i++) {
    const label = word(1 + next(12));
    const typed = word(next(4)).toLowerCase();
    assert.equal(matchesTyped(label, typed), reference(label, typed), `${label} / ${typed}`);
  }
});

test('under a completion limit the service leaves out only what the cut would drop: the same answer, from fewer items', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { createModelIndex, createODataDocument, getLanguageService, readCsdl } = await import('../../../server/src/odata/index');
  const corpus = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'metadata');
  const model = createModelIndex(readCsdl(readFileSync(join(corpus, 'simpleodata__crm_schema.xml'), 'utf8')));
  const service = getLanguageService({ onError: (_, error) => assert.fail(String(error)) });
  const lines = [
    'GET ',
    'GET a',
    'GET acco',
    'GET zzq',
    'GET accounts?$select=',
    'GET accounts?$select=na',
    'GET accounts?$select=name,_own',
    'GET accounts?$filter=',
    'GET accounts?$filter=creat',
    'GET accounts?$orderby=re',
    'GET accounts?$expand=contact_customer_accounts($select=',
    'GET accounts?$expand=contact_customer_accounts($select=fu',
    'GET contacts?$filter=parentcustomerid_account/',
    'GET contacts?$filter=parentcustomerid_account/acc',
  ];
  let cutSomewhere = false;
  for (const line of lines) {
    const text = `${line}\n`;
    const document = createODataDocument('file:///limit.odata', text);
    const offset = line.length;
    const full = service.complete(document, offset, { model, flavor: 'dataverse' });
    const limited = service.complete(document, offset, { model, flavor: 'dataverse', completionLimit: 200 });
    assert.ok(limited.items.length <= full.items.length);
    if (limited.items.length < full.items.length) cutSomewhere = true;
    const a = limitCompletionList(full, text, offset, 200);
    const b = limitCompletionList(limited, text, offset, 200);
    assert.equal(b.isIncomplete, a.isIncomplete, line);
    assert.deepEqual(
      b.items.map((item) => item.label),
      a.items.map((item) => item.label),
      line,
    );
  }
  assert.ok(cutSomewhere, 'the service left entries out somewhere');
});
