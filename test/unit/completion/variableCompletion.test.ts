// `{{name}}` completion, wherever a `{{` is open: URL, header values, bodies, variable values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-types';
import { completeVariables } from '../../../server/src/odata/services/variableCompletion';
import { createODataDocument } from '../../../server/src/odata/services/serviceContext';

function complete(marked: string) {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const document = createODataDocument('file:///t.odata', text);
  const list = completeVariables(document, offset);
  const item = (label: string): CompletionItem => {
    const found = list?.items.find((candidate) => candidate.label === label);
    assert.ok(found, `no item ${label}`);
    return found;
  };
  const edit = (label: string) => item(label).textEdit as TextEdit;
  return {
    list,
    labels: list?.items.map((candidate) => candidate.label) ?? [],
    insert: (label: string) => edit(label).newText,
    replaced: (label: string) => {
      const { range } = edit(label);
      return text.slice(document.lines.offsetAt(range.start), document.lines.offsetAt(range.end));
    },
  };
}

test('in a URL: file variables (not @environment) and system variables, closing the braces', () => {
  const r = complete('@environment = dev\n@top = 10\n@who = ada\n\nGET accounts?$top={{|');
  for (const label of ['top', 'who', '$guid', '$timestamp', '$datetime', '$randomInt']) assert.ok(r.labels.includes(label), label);
  assert.ok(!r.labels.includes('environment'));
  assert.equal(r.insert('top'), 'top}}');
});

test('braces already closed: only the name is replaced', () => {
  const r = complete('@top = 10\nGET accounts?$top={{t|}}');
  assert.equal(r.replaced('top'), 't');
  assert.equal(r.insert('top'), 'top');
});

test('in a header value and a JSON body', () => {
  assert.ok(complete('@contactId = 1\n### a\nPATCH contacts({{contactId}})\nIf-Match: {{|\n').labels.includes('contactId'));
  const body = complete('@top = 10\n### a\nPOST contacts\nContent-Type: application/json\n\n{ "firstname": "{{t|}}" }');
  assert.equal(body.replaced('top'), 't');
  assert.equal(body.insert('top'), 'top');
});

test('no `{{` open, or one already closed before the cursor: nothing', () => {
  assert.equal(complete('GET accounts?$top=|').list, undefined);
  assert.equal(complete('GET accounts?$top={{top}}|').list, undefined);
});
