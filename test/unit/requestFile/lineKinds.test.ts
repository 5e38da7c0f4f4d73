// The request-file parser says what each line is (RequestFile.lines) and where its parts stand; completion and
// folding read this instead of their own copy of the line rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHeaderNameCharacter, isHeaderNamePrefix, parseRequestFile, takesBody, type RequestFileLine } from '../../../server/src/odata/requestFile/requestFile';

const at = (text: string, span: { start: number; end: number } | undefined): string | undefined => (span ? text.slice(span.start, span.end) : undefined);

/** `kind` or `kind#request` for each line. */
function kinds(lines: readonly RequestFileLine[]): string[] {
  return lines.map((line) => (line.request === undefined ? line.kind : `${line.kind}#${line.request}`));
}

test('every kind of line, with the request each belongs to', () => {
  const text = [
    '# a comment', //            0
    '// another', //             1
    '@top = 10', //              2
    '', //                       3
    '### Big accounts', //       4
    'GET accounts?$select=name', // 5
    '    &$top={{top}}', //      6
    '# between headers', //      7
    'Prefer: return=representation', // 8
    '', //                       9
    '# @name create', //         10
    'POST contacts', //          11
    'Content-Type: application/json', // 12
    '', //                       13
    '{', //                      14
    '', //                       15
    '  "firstname": "Ada"', //   16
    '}', //                      17
    '', //                       18
    '###', //                    19
    'contacts', //               20
  ].join('\n');
  const file = parseRequestFile(text);
  assert.deepEqual(kinds(file.lines), [
    'comment',
    'comment',
    'variable',
    'blank',
    'separator',
    'request#0',
    'continuation#0',
    'comment#0',
    'header#0',
    'blank#0',
    'requestName',
    'request#1',
    'header#1',
    'blank#1',
    'body#1',
    'body#1',
    'body#1',
    'body#1',
    'body#1',
    'separator',
    'request#2',
  ]);
  assert.equal(file.lines.length, text.split('\n').length);
  // Each line keeps its own text and offsets.
  for (const line of file.lines) assert.equal(text.slice(line.start, line.end), line.text);
  // The parts of the lines, as offsets into the text.
  const [, , variable, , separator, request, continuation, , header, , named, post] = file.lines;
  assert.equal(variable.variable?.name, 'top');
  assert.equal(at(text, variable.variable?.nameSpan), 'top');
  assert.equal(at(text, variable.variable?.valueSpan), '10');
  assert.equal(separator.name?.name, 'Big accounts');
  assert.equal(at(text, separator.name?.span), 'Big accounts');
  assert.equal(at(text, request.methodSpan), 'GET');
  assert.equal(at(text, request.urlSpan), 'accounts?$select=name');
  assert.equal(at(text, continuation.urlSpan), '&$top={{top}}');
  assert.equal(at(text, header.header?.nameSpan), 'Prefer');
  assert.equal(at(text, header.header?.valueSpan), 'return=representation');
  assert.equal(named.name?.name, 'create');
  assert.equal(at(text, named.name?.span), 'create');
  assert.equal(post.request, 1);
  assert.equal(file.requests[1].name, 'create');
  // The request's own parts and its lines agree.
  assert.deepEqual(file.requests[0].headers[0], header.header);
  assert.deepEqual(file.requests[0].urlPieces.map((piece) => piece.span), [request.urlSpan, continuation.urlSpan]);
  // A request line without a method has none; its URL starts at the line's first character.
  assert.equal(file.lines[20].methodSpan, undefined);
  assert.equal(at(text, file.lines[20].urlSpan), 'contacts');
  assert.equal(file.lines[19].name, undefined);
});

test('CRLF line ends: the same kinds, offsets before the \\r', () => {
  const text = '### one\r\nGET accounts HTTP/1.1\r\nAccept: application/json\r\n\r\n@x = 1\r\n';
  const file = parseRequestFile(text);
  assert.deepEqual(kinds(file.lines), ['separator', 'request#0', 'header#0', 'blank#0', 'variable', 'blank']);
  for (const line of file.lines) {
    assert.ok(!line.text.includes('\r'), JSON.stringify(line.text));
    assert.equal(text.slice(line.start, line.end), line.text);
  }
  assert.equal(at(text, file.lines[0].name?.span), 'one');
  assert.equal(at(text, file.lines[1].urlSpan), 'accounts');
  assert.equal(at(text, file.lines[2].header?.valueSpan), 'application/json');
  assert.equal(at(text, file.lines[4].variable?.valueSpan), '1');
});

test('a body line that looks like a header stays a body line; after a GET it is the next request', () => {
  const post = 'PATCH accounts(1)\n\nname: Contoso\nPrefer: x\n';
  assert.deepEqual(kinds(parseRequestFile(post).lines), ['request#0', 'blank#0', 'body#0', 'body#0', 'body#0']);
  assert.equal(parseRequestFile(post).lines[2].header, undefined);
  // After a GET and a blank line, text that does not look like a body is a new request (the parser reads it so).
  const get = 'GET accounts\n\nname: Contoso\n';
  assert.deepEqual(kinds(parseRequestFile(get).lines), ['request#0', 'blank#0', 'request#1', 'blank#1']);
  // …but JSON after a GET is its body.
  assert.deepEqual(kinds(parseRequestFile('GET accounts\n\n{ "a": 1 }').lines), ['request#0', 'blank#0', 'body#0']);
});

test('variables lines: at the top, between requests, `@environment`; not inside a body', () => {
  const text = '@environment = contoso\n@base = accounts\nGET {{base}}\n@after = 1\n###\nPOST x\n\n@inBody = 2\n';
  const file = parseRequestFile(text);
  assert.deepEqual(kinds(file.lines), ['variable', 'variable', 'request#0', 'variable', 'separator', 'request#1', 'blank#1', 'body#1', 'body#1']);
  assert.deepEqual(
    file.lines.filter((line) => line.kind === 'variable').map((line) => line.variable?.name),
    ['environment', 'base', 'after'],
  );
  assert.equal(file.environment?.name, 'contoso');
  // The lines' variables are the file's (the same objects).
  assert.deepEqual(
    file.lines.flatMap((line) => (line.variable ? [line.variable] : [])),
    file.variables,
  );
});

test('a line that is neither header nor comment ends the headers and starts the next request', () => {
  const text = 'GET a\nAccept: x\nb\n// note\nPrefer: y';
  assert.deepEqual(kinds(parseRequestFile(text).lines), ['request#0', 'header#0', 'request#1', 'comment#1', 'header#1']);
  // `https://…` on its own line is a request line, not a header named `https`.
  assert.deepEqual(kinds(parseRequestFile('GET a\nhttps://host/b').lines), ['request#0', 'request#1']);
});

test('every line of any text is marked once, in order', () => {
  for (const text of ['', '\n', '###', '\r\n\r\n', 'GET\n\n\n', '  ?x\n&y', '# @name\n###\n###  \n@ = 1\n{']) {
    const file = parseRequestFile(text);
    assert.equal(file.lines.length, text.split('\n').length, JSON.stringify(text));
    file.lines.forEach((line, index) => {
      assert.ok(line, `line ${index} of ${JSON.stringify(text)}`);
      if (index > 0) assert.ok(line.start > file.lines[index - 1].end);
    });
  }
});

test('the header-name characters and the methods that take a body', () => {
  assert.ok(isHeaderNamePrefix(''));
  assert.ok(isHeaderNamePrefix('If-None-Match'));
  assert.ok(!isHeaderNamePrefix('Pre fer'));
  assert.ok(!isHeaderNamePrefix('a:'));
  assert.ok(isHeaderNameCharacter('~'));
  assert.ok(!isHeaderNameCharacter(':'));
  assert.ok(!isHeaderNameCharacter(''));
  assert.deepEqual(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'MERGE', undefined].filter(takesBody), ['POST', 'PATCH', 'PUT', 'MERGE']);
});
