/**
 * Document symbols (one per request, variables) and folding ranges of a `.odata` document.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SymbolKind } from 'vscode-languageserver-types';
import { createODataDocument } from '../../../server/src/odata/services/serviceContext';
import { documentSymbols, foldingRanges } from '../../../server/src/odata/services/symbols';
import { textOf, uri } from './servicesHarness';

const text = [
  '# Requests against the sample org', // 0
  '# (comments fold together)', // 1
  '@top = 10', // 2
  '', // 3
  '### Big accounts', // 4
  'GET accounts?$select=name,revenue&$filter=revenue gt 1000000', // 5
  '    &$orderby=revenue desc&$top={{top}}', // 6
  'Prefer: odata.include-annotations="*"', // 7
  '', // 8
  '###', // 9
  'contacts?$select=fullname,emailaddress1,telephone1,jobtitle&$expand=parentcustomerid_account($select=name)', // 10
  '', // 11
  '### Create', // 12
  'POST contacts', // 13
  'Content-Type: application/json', // 14
  '', // 15
  '{', // 16
  '  "firstname": "Ada"', // 17
  '}', // 18
].join('\n');

describe('document symbols', () => {
  const document = createODataDocument(uri, text);
  const symbols = documentSymbols(document);

  test('one per request (named by ### text or METHOD + shortened URL) and one per variable, in order', () => {
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind]),
      [
        ['top', SymbolKind.Variable],
        ['Big accounts', SymbolKind.Method],
        ['GET contacts?$select=fullname,emailaddress1,telephone1,jobtitle…', SymbolKind.Method],
        ['Create', SymbolKind.Method],
      ],
    );
  });

  test('detail is the method and the whole URL; ranges cover the request, selection the name or URL', () => {
    const [variable, big, bare, create] = symbols;
    assert.equal(variable!.detail, '10');
    assert.equal(textOf(document, variable!.selectionRange), 'top');
    assert.equal(big!.detail, 'GET accounts?$select=name,revenue&$filter=revenue gt 1000000&$orderby=revenue desc&$top={{top}}');
    assert.equal(textOf(document, big!.range), text.split('\n').slice(4, 8).join('\n'));
    assert.equal(textOf(document, big!.selectionRange), 'Big accounts');
    assert.equal(textOf(document, bare!.selectionRange), text.split('\n')[10]);
    assert.equal(create!.detail, 'POST contacts');
    assert.deepEqual([create!.range.start.line, create!.range.end.line], [12, 18]);
  });

  test('headers are children of their request', () => {
    assert.deepEqual(symbols[1]!.children?.map((c) => [c.name, c.detail]), [['Prefer', 'odata.include-annotations="*"']]);
  });

  test('a file of bare URL lines', () => {
    const bare = createODataDocument(uri, 'accounts?$top=1\ncontacts\n');
    assert.deepEqual(documentSymbols(bare).map((s) => s.name), ['GET accounts?$top=1', 'GET contacts']);
  });
});

describe('folding ranges', () => {
  test('request blocks, multi-line URL, body, comment runs', () => {
    const ranges = foldingRanges(createODataDocument(uri, text));
    assert.deepEqual(
      ranges.map((r) => [r.startLine, r.endLine, r.kind ?? '']),
      [
        [0, 1, 'comment'],
        [4, 7, 'region'],
        [5, 6, ''],
        [9, 10, 'region'],
        [12, 18, 'region'],
        [16, 18, ''],
      ],
    );
  });

  test('a multi-line URL without a ### line folds its continuation lines under the request', () => {
    const ranges = foldingRanges(createODataDocument(uri, 'GET accounts?$select=name\n    &$top=1\n// one\n// two\n'));
    assert.deepEqual(ranges.map((r) => [r.startLine, r.endLine, r.kind ?? '']), [[0, 1, 'region'], [2, 3, 'comment']]);
  });

  test('empty and comment-only documents', () => {
    assert.deepEqual(foldingRanges(createODataDocument(uri, '')), []);
    assert.deepEqual(documentSymbols(createODataDocument(uri, '# only\n')), []);
  });
});
