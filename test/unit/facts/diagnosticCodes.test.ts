/**
 * One code table, one way in: syntax codes sit in diagnosticCodes.ts with the binder's, every syntax error goes
 * through the parser's de-duplicating `report`, and every diagnostic of a URL or a document through
 * `createDiagnostic` and `collectDiagnostics`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { collectDiagnostics, createDiagnostic, diagnosticCodes, syntaxErrorCodes } from '../../../server/src/odata/diagnosticCodes';
import { checkUrl } from '../../../server/src/odata/services/checkUrl';
import { checkDocument } from '../../../server/src/odata/services/checkDocument';
import { parseUri } from '../../../server/src/odata/uri/parser';
import { crm } from '../completion/urlCompletionHarness';

const uriFolder = join(__dirname, '..', '..', '..', 'server', 'src', 'odata', 'uri');

describe('diagnostics: one table, one way in', () => {
  test('the syntax codes are in the one table, with their severity and default message', () => {
    for (const [code, descriptor] of Object.entries(syntaxErrorCodes)) {
      assert.ok(code.startsWith('syntax.'), code);
      assert.equal(diagnosticCodes[code], descriptor);
      assert.ok(descriptor.message.length > 0);
    }
  });

  test('a syntax error becomes a diagnostic with the severity of its code and the parser\'s own message', () => {
    const text = "accounts?$filter=name eq 'x";
    const [diagnostic] = checkUrl(text, crm(), { flavor: 'dataverse' });
    assert.equal(diagnostic?.code, 'syntax.unterminated-string');
    assert.equal(diagnostic.severity, diagnosticCodes['syntax.unterminated-string']!.severity);
    assert.equal(diagnostic.message, parseUri(text).errors[0]!.message);
  });

  test('the parser reports a code once per position, also where recovery meets the spot twice', () => {
    const uri = parseUri('accounts?$top=1&$top=2&$top=3&$expand=a/$value/$value');
    const keys = uri.errors.map((e) => `${e.code}@${e.span.start}`);
    assert.deepEqual(keys, [...new Set(keys)]);
    assert.equal(uri.errors.filter((e) => e.code === 'syntax.duplicate-option').length, 2);
  });

  test('no parser part pushes an error past Parser.report', () => {
    for (const file of readdirSync(uriFolder).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(uriFolder, file), 'utf8');
      const pushes = source.split('\n').filter((line) => /\b(p|this)\.errors\.push\(/.test(line));
      // The parser's own `report`, and the context-URL validator's and the header checker's own lists (merged through report, or not URL errors).
      const allowed = file === 'parser.ts' ? 1 : file === 'contextUrl.ts' ? 1 : 0;
      assert.ok(pushes.length <= allowed, `${file}: ${pushes.join('\n')}`);
    }
  });

  test('collectDiagnostics drops a repeated code at the same range and sorts by position', () => {
    const a = createDiagnostic('unknown-entity-set', { start: 5, end: 9 }, { name: 'x' });
    const b = createDiagnostic('unknown-entity-set', { start: 5, end: 9 }, { name: 'x' });
    const c = createDiagnostic('syntax.unexpected-token', { start: 1, end: 0 }, {}, undefined, 'Unexpected here.');
    const collected = collectDiagnostics([a], [b, c]);
    assert.deepEqual(collected.map((d) => [d.code, d.span.start, d.span.end, d.message]), [
      ['syntax.unexpected-token', 1, 1, 'Unexpected here.'],
      ['unknown-entity-set', 5, 9, "Unknown entity set 'x'."],
    ]);
  });

  test('a document\'s diagnostics come sorted, each once', () => {
    const diagnostics = checkDocument('GET accounts?$skip=1&$top=1&$top=2\n\n###\nGET contcts', crm(), { flavor: 'dataverse' });
    const keys = diagnostics.map((d) => `${d.code}@${d.span.start}`);
    assert.deepEqual(keys, [...new Set(keys)]);
    assert.deepEqual(diagnostics.map((d) => d.code), ['option-not-supported', 'syntax.duplicate-option', 'unknown-entity-set']);
  });
});
