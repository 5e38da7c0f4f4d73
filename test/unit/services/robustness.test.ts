/**
 * Every service at every offset of every real query of ../shared/corpus/queries/real-queries.txt (as a
 * one-request document, bare and as `GET …` with its options split onto continuation lines and a header):
 * no exception (the unguarded entry points are called), and every answer is well formed — ranges inside the
 * document and around the cursor, an active signature that exists, code action edits that apply.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeActions } from '../../../server/src/odata/services/codeActions';
import { checkRequestFile } from '../../../server/src/odata/services/checkDocument';
import { doHover } from '../../../server/src/odata/services/hover';
import { createODataDocument, type ODataDocument, type ServiceContext } from '../../../server/src/odata/services/serviceContext';
import { doSignatureHelp } from '../../../server/src/odata/services/signatureHelp';
import { documentSymbols, foldingRanges } from '../../../server/src/odata/services/symbols';
import { applyWorkspaceEdit, crm, noModel, realQueries, uri } from './servicesHarness';

function variants(url: string): string[] {
  const split = url.replace(/&(?=[$@A-Za-z])/g, '\n    &');
  return [url, `GET ${split}\nPrefer: odata.include-annotations="*"\n`];
}

function exercise(document: ODataDocument, context: ServiceContext, counts: { hovers: number; signatures: number }): void {
  const length = document.text.length;
  for (let offset = 0; offset <= length; offset++) {
    const hover = doHover(document, offset, context);
    if (hover) {
      counts.hovers++;
      const start = document.lines.offsetAt(hover.range!.start);
      const end = document.lines.offsetAt(hover.range!.end);
      assert.ok(start <= offset && offset <= end && end <= length, `hover range ${start}-${end} around ${offset} in ${document.text}`);
    }
    const help = doSignatureHelp(document, offset, context);
    if (help) {
      counts.signatures++;
      assert.ok(help.signatures.length > 0 && (help.activeSignature ?? 0) < help.signatures.length, `signature help at ${offset} in ${document.text}`);
    }
  }
  documentSymbols(document);
  for (const range of foldingRanges(document)) assert.ok(range.startLine < range.endLine);
  const diagnostics = context.model ? checkRequestFile(document.file, context.model, { flavor: context.flavor }) : [];
  for (let offset = 0; offset <= length; offset += 7) {
    for (const action of codeActions(document, { start: offset, end: offset }, diagnostics, context)) {
      const result = applyWorkspaceEdit(document, action.edit);
      if (action.title === 'Split the query into lines') {
        assert.equal(createODataDocument(uri, result).file.requests[0]?.url, document.file.requests[0]?.url);
      }
    }
  }
}

describe('services on the real queries', () => {
  const queries = realQueries();

  test('the corpus is there', () => {
    assert.ok(queries.length >= 60, `${queries.length} real queries`);
  });

  test('every offset, with the CRM model and without a model: no exception, well-formed answers', () => {
    const counts = { hovers: 0, signatures: 0 };
    for (const query of queries) {
      for (const text of variants(query)) {
        const document = createODataDocument(uri, text);
        exercise(document, crm(), counts);
        exercise(document, noModel(), counts);
      }
    }
    // Not an empty pass: most offsets of the corpus hover on something.
    assert.ok(counts.hovers > 5000, `${counts.hovers} hovers`);
    assert.ok(counts.signatures > 500, `${counts.signatures} signature helps`);
  });
});
