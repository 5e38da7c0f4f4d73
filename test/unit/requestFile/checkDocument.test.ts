// checkDocument: every request of a .odata file checked, with ranges on the document (continuation lines,
// {{variables}}), and the request-file codes of the diagnostics table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDocument, createModelIndex, diagnosticCodes, readCsdl } from '../../../server/src/odata/index';

const model = createModelIndex(readCsdl(readFileSync(join(__dirname, '..', '..', 'fixtures', 'metadata', 'dataverse-sample.xml'), 'utf8')));

function check(text: string): { code: string; text: string; severity: string }[] {
  return checkDocument(text, model, { flavor: 'dataverse' }).map((d) => ({ code: d.code, text: text.slice(d.span.start, d.span.end), severity: d.severity }));
}

test('request codes are in the diagnostics table with their severities', () => {
  for (const code of ['request.unknown-variable', 'request.variable-cycle', 'request.missing-url', 'request.unknown-environment', 'metadata.unreadable', 'metadata.damaged']) {
    assert.ok(diagnosticCodes[code], code);
  }
  assert.equal(diagnosticCodes['request.unknown-environment'].severity, 'warning');
});

test('request.unknown-variable and request.variable-cycle point at the reference (and a cycle at its definitions)', () => {
  assert.deepEqual(check('GET accounts?$top={{n}}'), [{ code: 'request.unknown-variable', text: '{{n}}', severity: 'error' }]);
  assert.deepEqual(check('@a = {{b}}\n@b = {{a}}\nGET accounts?$top={{a}}'), [
    { code: 'request.variable-cycle', text: 'a', severity: 'error' },
    { code: 'request.variable-cycle', text: 'b', severity: 'error' },
    { code: 'request.variable-cycle', text: '{{a}}', severity: 'error' },
  ]);
});

test('request.missing-url points at the method', () => {
  assert.deepEqual(check('### nothing\nPOST\nContent-Type: application/json\n'), [{ code: 'request.missing-url', text: 'POST', severity: 'error' }]);
});

test('a mistake on a continuation line, or after a substituted variable, lands on its own characters', () => {
  const text = '@set = accounts\nGET {{set}}?$select=name\n    &$filter=statecod eq 0\n\n###\n{{set}}?$select=nmae';
  assert.deepEqual(
    check(text).map((d) => [d.code, d.text]),
    [
      ['unknown-property', 'statecod'],
      ['unknown-property', 'nmae'],
    ],
  );
});

test('a value substituted into the URL that is itself wrong is reported on the reference', () => {
  assert.deepEqual(
    check('@set = acounts\nGET {{set}}?$top=1').map((d) => [d.code, d.text]),
    [['unknown-entity-set', '{{set}}']],
  );
});
