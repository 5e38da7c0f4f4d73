import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestFile, requestMethod } from '../../../server/src/odata/requestFile/requestFile';
import { expandRequestUrl, variableTable } from '../../../server/src/odata/requestFile/variables';
import { LineIndex } from '../../../server/src/odata/lineIndex';

const at = (text: string, span: { start: number; end: number }): string => text.slice(span.start, span.end);

const designExample = [
  '# a comment (also //)',
  '@top = 10',
  '@environment = contoso-dev',
  '',
  '### Big accounts',
  'GET accounts?$select=name,revenue&$filter=revenue gt 1000000 and statecode eq 0',
  '    &$orderby=revenue desc&$top={{top}}',
  'Prefer: odata.include-annotations="*"',
  '',
  '### A bare line is a GET',
  'contacts?$select=fullname&$expand=parentcustomerid_account($select=name)',
  '',
  '### Create',
  'POST contacts',
  'Content-Type: application/json',
  '',
  '{ "firstname": "Ada", "parentcustomerid_account@odata.bind": "/accounts(00000000-0000-0000-0000-000000000001)" }',
  '',
].join('\n');

test('the DESIGN example: three named requests, variables, environment, headers and a body', () => {
  const file = parseRequestFile(designExample);
  assert.deepEqual(file.requests.map((r) => r.name), ['Big accounts', 'A bare line is a GET', 'Create']);
  assert.deepEqual(file.requests.map(requestMethod), ['GET', 'GET', 'POST']);
  assert.equal(file.environment?.name, 'contoso-dev');
  assert.deepEqual(file.variables.map((v) => [v.name, v.value]), [['top', '10'], ['environment', 'contoso-dev']]);

  const [big, bare, create] = file.requests;
  assert.equal(big.url, 'accounts?$select=name,revenue&$filter=revenue gt 1000000 and statecode eq 0&$orderby=revenue desc&$top={{top}}');
  assert.equal(big.urlPieces.length, 2);
  assert.equal(at(designExample, big.urlPieces[1].span), '&$orderby=revenue desc&$top={{top}}');
  assert.deepEqual(big.headers.map((h) => [h.name, h.value]), [['Prefer', 'odata.include-annotations="*"']]);
  assert.equal(at(designExample, big.headers[0].valueSpan), 'odata.include-annotations="*"');
  assert.equal(big.body, undefined);
  assert.equal(bare.method, undefined);
  assert.equal(at(designExample, bare.urlSpan), 'contacts?$select=fullname&$expand=parentcustomerid_account($select=name)');
  assert.equal(create.url, 'contacts');
  assert.ok(create.body?.text.startsWith('{ "firstname": "Ada"'));
  assert.equal(at(designExample, create.body!.span), create.body!.text);
  assert.equal(at(designExample, big.nameSpan!), 'Big accounts');
});

test('variables expand with an offset map back to the document', () => {
  const file = parseRequestFile(designExample);
  const expanded = expandRequestUrl(file.requests[0], variableTable(file));
  assert.ok(expanded.text.endsWith('&$top=10'));
  assert.deepEqual(expanded.unresolved, []);
  // `revenue` in `$orderby=revenue` maps to its place on the continuation line.
  const inUrl = expanded.text.indexOf('$orderby=revenue') + '$orderby='.length;
  const inDoc = expanded.toDocumentOffset(inUrl);
  assert.equal(designExample.slice(inDoc, inDoc + 7), 'revenue');
  // Offsets inside a substituted value map to the `{{top}}` reference.
  const valueOffset = expanded.text.length - 1;
  const docOffset = expanded.toDocumentOffset(valueOffset);
  assert.equal(designExample.slice(docOffset - 7, docOffset), '{{top}}');
  assert.equal(expanded.toDocumentOffset(expanded.text.length), designExample.indexOf('{{top}}') + '{{top}}'.length);
  // And back: a document offset on the continuation line maps into the expanded text.
  assert.equal(expanded.toTextOffset(inDoc), inUrl);
  assert.equal(expanded.toTextOffset(designExample.indexOf('{{top}}') + 2), undefined);
  assert.equal(expanded.toTextOffset(designExample.indexOf('{{top}}') + '{{top}}'.length), expanded.text.length);
  assert.equal(expanded.toTextOffset(0), undefined);
});

test('unknown and cyclic variables are reported with the reference span', () => {
  const text = '@a = {{b}}\n@b = {{a}}\nGET accounts?$top={{a}}&$skip={{missing}}';
  const file = parseRequestFile(text);
  const expanded = expandRequestUrl(file.requests[0], variableTable(file));
  assert.deepEqual(
    expanded.unresolved.map((u) => [u.name, u.reason, at(text, u.span)]),
    [['a', 'cycle', '{{a}}'], ['missing', 'unknown', '{{missing}}']],
  );
});

test('nested variables and system variables resolve', () => {
  const text = '@id = {{$guid}}\n@path = accounts({{id}})\n{{path}}?$select=name';
  const file = parseRequestFile(text);
  const expanded = expandRequestUrl(file.requests[0], variableTable(file));
  assert.equal(expanded.text, 'accounts(00000000-0000-0000-0000-000000000000)?$select=name');
});

test('a file of bare URL lines gives one GET per line, blank lines and comments between them', () => {
  const text = '# list\naccounts?$select=name\ncontacts\n\n// more\n$metadata\nhttps://org.crm.dynamics.com/api/data/v9.2/leads\n';
  const file = parseRequestFile(text);
  assert.deepEqual(file.requests.map((r) => r.url), ['accounts?$select=name', 'contacts', '$metadata', 'https://org.crm.dynamics.com/api/data/v9.2/leads']);
  assert.ok(file.requests.every((r) => r.headers.length === 0 && r.body === undefined));
});

test('method case, HTTP version suffix, CRLF line ends and `# @name` comments', () => {
  const text = '# @name whoami\r\nget WhoAmI() HTTP/1.1\r\nAccept: application/json\r\n';
  const file = parseRequestFile(text);
  const [request] = file.requests;
  assert.equal(request.name, 'whoami');
  assert.equal(request.method, 'GET');
  assert.equal(request.url, 'WhoAmI()');
  assert.equal(request.httpVersion, 'HTTP/1.1');
  assert.equal(at(text, request.urlSpan), 'WhoAmI()');
  assert.deepEqual(request.headers.map((h) => h.value), ['application/json']);
});

test('a GET followed by JSON after a blank line still takes it as a body; PATCH takes any text', () => {
  const file = parseRequestFile('GET accounts\n\n{"x":1}\n###\nPATCH accounts(1)\n\nname=x\n');
  assert.equal(file.requests[0].body?.text, '{"x":1}');
  assert.equal(file.requests[1].body?.text, 'name=x');
});

test('tolerant of anything: empty text, separators only, stray headers, unicode, very long lines', () => {
  assert.deepEqual(parseRequestFile('').requests, []);
  assert.deepEqual(parseRequestFile('###\n###\n###').requests, []);
  const odd = parseRequestFile('###\n: no name\n\u{1F600} accounts\n' + 'x'.repeat(100_000));
  assert.ok(odd.requests.length >= 1);
  // Deterministic random documents from an alphabet rich in the format's own characters.
  const alphabet = '#/@={}?&:\n\r\t ()\'"[]$GETPOSTaz01-.';
  let seed = 42;
  const next = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 500; i++) {
    const random = Array.from({ length: 80 }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const file = parseRequestFile(random);
    for (const request of file.requests) {
      assert.ok(request.urlSpan.start <= request.urlSpan.end && request.urlSpan.end <= random.length);
      assert.doesNotThrow(() => expandRequestUrl(request, variableTable(file)));
    }
  }
});

test('LineIndex maps offsets and positions both ways', () => {
  const index = new LineIndex('ab\ncd\r\nef');
  assert.deepEqual(index.positionAt(0), { line: 0, character: 0 });
  assert.deepEqual(index.positionAt(4), { line: 1, character: 1 });
  assert.deepEqual(index.positionAt(7), { line: 2, character: 0 });
  assert.equal(index.offsetAt({ line: 2, character: 1 }), 8);
  assert.equal(index.offsetAt({ line: 9, character: 0 }), 9);
  assert.equal(index.lineCount, 3);
});
