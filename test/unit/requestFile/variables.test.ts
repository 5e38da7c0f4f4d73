// An environment's own variables (its settings' `variables`) under the file's `@name = value` lines: used when
// checking, completing, hovering and sending.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRequestFile } from '../../../server/src/odata/requestFile/requestFile';
import { expandRequestUrl, variableTable } from '../../../server/src/odata/requestFile/variables';
import { checkDocument } from '../../../server/src/odata/services/checkDocument';
import { completeVariables } from '../../../server/src/odata/services/variableCompletion';
import { doHover } from '../../../server/src/odata/services/hover';
import { createODataDocument } from '../../../server/src/odata/services/serviceContext';
import { createModelIndex, readCsdl } from '../../../server/src/odata/index';
import { prepareRequest } from '../../../client/src/features/runner/http/prepare';

const TEXT = '@top = 3\n### q\nGET companies({{company}})/customers?$top={{top}}\n';
const ENV = { company: '11111111-2222-3333-4444-555555555555', top: '99' };

test('the file\'s definitions win over the environment\'s', () => {
  const file = parseRequestFile(TEXT);
  const expanded = expandRequestUrl(file.requests[0]!, variableTable(file, ENV));
  assert.deepEqual(expanded.unresolved, []);
  assert.equal(expanded.text, `companies(${ENV.company})/customers?$top=3`);
  const without = expandRequestUrl(file.requests[0]!, variableTable(file));
  assert.deepEqual(without.unresolved.map((u) => u.name), ['company']);
  assert.equal(variableTable(file, { 'bad name': 'x', ok: 'y' }).has('bad name'), false, 'names a file could not write are ignored');
});

test('checking knows the environment\'s variables; without them an unknown variable is reported', () => {
  const bc = createModelIndex(readCsdl(readFileSync(join(__dirname, '..', '..', 'fixtures', 'metadata', 'bc-sample.xml'), 'utf8')));
  assert.deepEqual(checkDocument(TEXT, bc, { flavor: 'bc', variables: ENV }).map((d) => d.code), []);
  assert.deepEqual(checkDocument(TEXT, bc, { flavor: 'bc' }).map((d) => d.code), ['request.unknown-variable']);
});

test('completion and hover show the environment\'s variables', () => {
  const text = '### q\nGET companies({{';
  const document = createODataDocument('file:///a.odata', text);
  const list = completeVariables(document, text.length, { variables: ENV });
  const company = list?.items.find((item) => item.label === 'company');
  assert.ok(company, 'offered');
  assert.equal(company.detail, ENV.company);
  const hoverDocument = createODataDocument('file:///b.odata', TEXT);
  const offset = TEXT.indexOf('{{company}}') + 3;
  const hover = doHover(hoverDocument, offset, { model: undefined, flavor: 'bc', variables: ENV });
  const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
  assert.match(value, /11111111-2222-3333-4444-555555555555/);
  assert.match(value, /environment's `variables` setting/);
});

test('sending substitutes the environment\'s variables', () => {
  const environment = { name: 'bc', flavor: 'bc' as const, serviceRoot: 'https://api.businesscentral.dynamics.com/v2.0/t/production/api/v2.0/' };
  const prepared = prepareRequest(TEXT, 0, environment, { variables: ENV });
  assert.ok(prepared.ok);
  assert.equal(prepared.request.url, `${environment.serviceRoot}companies(${ENV.company})/customers?$top=3`);
  assert.equal(prepareRequest(TEXT, 0, environment).ok, false);
});
