// Semantic tokens: each name of a request's URL coloured by what it resolved to against the real CRM metadata,
// in the LSP encoding (relative lines and columns), across requests and continuation lines; names that came from a
// variable, unknown names and key values get none; no model, no tokens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModelIndex, createODataDocument, getLanguageService, readCsdl, semanticTokenLegend } from '../../../server/src/odata/index';
import type { ODataDocument } from '../../../server/src/odata/index';

const corpus = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'metadata');
const model = createModelIndex(readCsdl(readFileSync(join(corpus, 'simpleodata__crm_schema.xml'), 'utf8')));
const service = getLanguageService({ onError: (name, error) => assert.fail(`${name}: ${String(error)}`) });

/** The encoded tokens read back: [text, type, modifiers...] in document order. */
function decode(document: ODataDocument, data: number[]): string[][] {
  const lines = document.text.split('\n');
  const out: string[][] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [deltaLine, deltaStart, length, type, modifiers] = data.slice(i, i + 5);
    line += deltaLine;
    character = deltaLine === 0 ? character + deltaStart : deltaStart;
    const names = semanticTokenLegend.tokenModifiers.filter((_, bit) => (modifiers & (1 << bit)) !== 0);
    out.push([lines[line].slice(character, character + length), semanticTokenLegend.tokenTypes[type], ...names]);
  }
  return out;
}

test('names are coloured by what they resolved to, across requests and continuation lines', () => {
  const text = [
    '@top = 5',
    '@column = fullname',
    'GET accounts?$select=name,_primarycontactid_value',
    '    &$expand=primarycontactid($select={{column}}),contact_customer_accounts($filter=statecode eq 0)',
    "    &$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7) and contains(name,'a') and contact_customer_accounts/any(c:c/firstname eq 'x')",
    '    &$top={{top}}',
    '###',
    'GET contacts(00000000-0000-0000-0000-000000000001)/parentcustomerid_account?$select=nosuchcolumn,name',
    '',
  ].join('\n');
  const document = createODataDocument('file:///tokens.odata', text);
  const tokens = decode(document, service.semanticTokens(document, { model, flavor: 'dataverse' }));
  assert.deepEqual(tokens, [
    ['accounts', 'class'],
    ['name', 'property'],
    ['_primarycontactid_value', 'property', 'readonly'],
    ['primarycontactid', 'navigationProperty'],
    ['contact_customer_accounts', 'navigationProperty'],
    ['statecode', 'property'],
    ['Microsoft.Dynamics.CRM.LastXDays', 'function'],
    ['PropertyName', 'parameter'],
    ['createdon', 'property'],
    ['PropertyValue', 'parameter'],
    ['contains', 'function', 'defaultLibrary'],
    ['name', 'property'],
    ['contact_customer_accounts', 'navigationProperty'],
    ['c', 'variable'],
    ['c', 'variable'],
    ['firstname', 'property'],
    ['contacts', 'class'],
    ['parentcustomerid_account', 'navigationProperty'],
    ['name', 'property'],
  ]);
});

test('an enum member, a type cast and a bound action are coloured too; no model, no tokens', () => {
  const text = [
    "GET accounts?$filter=Microsoft.Dynamics.CRM.In(PropertyName='accountid',PropertyValues=['a'])",
    'GET contacts/Microsoft.Dynamics.CRM.contact?$select=fullname',
    '',
  ].join('\n');
  const document = createODataDocument('file:///more.odata', text);
  const tokens = decode(document, service.semanticTokens(document, { model, flavor: 'dataverse' }));
  assert.ok(tokens.some(([word, type]) => word === 'Microsoft.Dynamics.CRM.contact' && type === 'type'), JSON.stringify(tokens));
  assert.ok(tokens.some(([word, type]) => word === 'accountid' && type === 'property'), JSON.stringify(tokens));
  assert.deepEqual(service.semanticTokens(document, { model: undefined, flavor: 'dataverse' }), []);
});
