// Request-part completion takes the cursor's place from the request file's parser (RequestFile.lines), so it
// reads every line the way the parser and the runner do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeRequestParts } from '../../../server/src/odata/services/requestCompletion';
import { createODataDocument, type ServiceContext } from '../../../server/src/odata/services/serviceContext';

const context: ServiceContext = { model: undefined, flavor: 'dataverse' };

function labels(marked: string): string[] {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return completeRequestParts(createODataDocument('file:///t.odata', text), offset, context)?.items.map((item) => item.label) ?? [];
}

test('after a GET, a blank line and a comment, the next line is a new request (as the parser reads it), not a header', () => {
  assert.deepEqual(labels('GET accounts\n\n# note\n|'), ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', '###']);
  assert.deepEqual(labels('GET accounts\n\n# note\nPre|'), []);
  // A comment among the headers keeps the headers going.
  assert.ok(labels('GET accounts\n# note\nPre|').includes('Prefer'));
});

test('a body line that looks like a header is not completed as one', () => {
  assert.deepEqual(labels('PATCH accounts(1)\n\nPrefer: |'), []);
  assert.ok(labels('PATCH accounts(1)\nPrefer: |').includes('return=representation'));
});

test('CRLF documents: header names and values, and an offset inside a line break stays on its line', () => {
  assert.ok(labels('GET accounts\r\nPre|\r\n').includes('Prefer'));
  assert.ok(labels('GET accounts\r\nPrefer: |\r\n').includes('return=representation'));
  // Between the \r and the \n of the request line: that line's end (inside the URL: nothing here), never the last line's headers.
  assert.deepEqual(labels('GET accounts\r|\nPrefer: \r\n'), []);
});

test('`### name` and `# @name` lines get nothing; the line after them starts a request', () => {
  assert.deepEqual(labels('### Big |accounts\n'), []);
  assert.deepEqual(labels('# @name |q\n'), []);
  assert.deepEqual(labels('# @name q\nP|'), ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);
  assert.deepEqual(labels('@top = |10\n'), []);
});
