// Completion outside request URLs: methods, header names and values, JSON body properties, variables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver-types';
import { readCsdl } from '../../../server/src/odata/csdl/csdlReader';
import { createModelIndex, type ModelIndex } from '../../../server/src/odata/csdl/modelIndex';
import { completeRequestParts } from '../../../server/src/odata/services/requestCompletion';
import { createODataDocument, type ODataDocument, type ServiceContext } from '../../../server/src/odata/services/serviceContext';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
function load(path: string): ModelIndex {
  return createModelIndex(readCsdl(readFileSync(path, 'utf8')));
}
const sample = load(resolve(repoRoot, 'test', 'fixtures', 'metadata', 'dataverse-sample.xml'));
const crm = load(resolve(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml'));

const dataverse = (model: ModelIndex | undefined = sample): ServiceContext => ({ model, flavor: 'dataverse' });

interface Result {
  document: ODataDocument;
  list: CompletionList | null;
  labels: string[];
  get(label: string): CompletionItem;
  /** The document text the item's edit replaces. */
  replaced(label: string): string;
  insert(label: string): string;
}

function complete(marked: string, context: ServiceContext = dataverse()): Result {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'cursor mark');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const document = createODataDocument('file:///t.odata', text);
  const list = completeRequestParts(document, offset, context);
  const labels = list?.items.map((i) => i.label) ?? [];
  const get = (label: string): CompletionItem => {
    const found = list?.items.find((i) => i.label === label);
    assert.ok(found, `no item ${label} in ${labels.join(', ')}`);
    return found;
  };
  const edit = (label: string): TextEdit => get(label).textEdit as TextEdit;
  return {
    document,
    list,
    labels,
    get,
    replaced: (label) => {
      const range = edit(label).range;
      return text.slice(document.lines.offsetAt(range.start), document.lines.offsetAt(range.end));
    },
    insert: (label) => edit(label).newText,
  };
}

test('methods at an empty request line after ###, with a trailing space and a retrigger; ### snippet', () => {
  const r = complete('### Create\n|\n');
  assert.deepEqual(r.labels, ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', '###']);
  assert.equal(r.insert('POST'), 'POST ');
  assert.equal(r.get('POST').command?.command, 'editor.action.triggerSuggest');
  assert.equal(r.replaced('POST'), '');
  assert.match(r.insert('###'), /^### /);
  for (const item of r.list!.items) {
    assert.ok(item.kind && item.detail && item.documentation, `${item.label} has kind, detail, documentation`);
  }
});

test('methods while the method is being typed, and in front of a URL', () => {
  const r = complete('###\nPA|');
  assert.equal(r.replaced('PATCH'), 'PA');
  assert.equal(r.insert('PATCH'), 'PATCH ');
  assert.ok(!r.labels.includes('###'));
  const before = complete('###\n|accounts');
  assert.equal(before.replaced('GET'), '');
  assert.equal(before.insert('GET'), 'GET ');
  const replace = complete('###\nGE|T accounts');
  assert.equal(replace.replaced('PATCH'), 'GET');
  assert.equal(replace.insert('PATCH'), 'PATCH');
  // The first request of a file, after variables.
  assert.ok(complete('@top = 10\n\n|').labels.includes('GET'));
});

test('cursor inside a URL returns null (URL completion answers there)', () => {
  assert.equal(complete('### a\nGET acc|ounts\n').list, null);
  assert.equal(complete('### a\nGET |').list, null);
  assert.equal(complete('### a\nGET accounts?$select=name\n    &$to|p=5\n').list, null);
  assert.equal(complete('### a\naccounts?$top=|').list, null);
  // Comments and separators have no completion.
  assert.equal(complete('# a com|ment\n').list, null);
  assert.equal(complete('### na|me\n').list, null);
});

test('header names after the request line, without the ones already present', () => {
  const r = complete('### a\nGET accounts\nAccept: application/json\nPre|\n');
  assert.ok(r.labels.includes('Prefer'));
  assert.ok(r.labels.includes('MSCRM.SolutionUniqueName'));
  assert.ok(r.labels.includes('If-None-Match'));
  assert.ok(r.labels.includes('Consistency'));
  assert.ok(!r.labels.includes('Accept'), 'already present');
  assert.ok(!r.labels.includes('Authorization'), 'tokens are managed by the extension');
  assert.equal(r.replaced('Prefer'), 'Pre');
  assert.equal(r.insert('Prefer'), 'Prefer: ');
  assert.equal(r.get('Prefer').command?.command, 'editor.action.triggerSuggest');
  assert.match(String((r.get('Prefer').documentation as { value: string }).value), /return=representation/);
  // On the empty line right after the request line (no blank line yet: headers, not a body).
  const empty = complete('### a\nPOST accounts\n|');
  assert.ok(empty.labels.includes('Content-Type'));
  assert.equal(empty.replaced('Content-Type'), '');
  // A colon already there: only the name.
  const named = complete('### a\nGET accounts\nPr|: x\n');
  assert.equal(named.insert('Prefer'), 'Prefer');
  assert.equal(named.replaced('Prefer'), 'Pr');
});

test('header names follow the flavour', () => {
  const fno = complete('### a\nGET CustomersV3\n|', { model: undefined, flavor: 'fno' });
  assert.ok(fno.labels.includes('Isolation'));
  assert.ok(!fno.labels.includes('MSCRM.SolutionUniqueName'));
  const bc = complete('### a\nGET companies\n|', { model: undefined, flavor: 'bc' });
  assert.ok(bc.labels.includes('If-Match'));
  assert.ok(bc.labels.includes('Data-Access-Intent'));
});

test('Prefer values, also after a comma', () => {
  const r = complete('### a\nGET accounts\nPrefer: |\n');
  for (const label of [
    'return=representation',
    'return=minimal',
    'odata.include-annotations="*"',
    'odata.include-annotations="OData.Community.Display.V1.FormattedValue"',
    'odata.include-annotations="Microsoft.Dynamics.CRM.*"',
    'odata.maxpagesize=…',
    'odata.track-changes',
    'respond-async',
    'odata.continue-on-error',
  ]) {
    assert.ok(r.labels.includes(label), label);
  }
  assert.equal(r.insert('odata.maxpagesize=…'), 'odata.maxpagesize=${1:100}');
  assert.match(String((r.get('odata.maxpagesize=…').documentation as { value: string }).value), /5000/);
  assert.equal(r.replaced('return=minimal'), '');

  const after = complete('### a\nGET accounts\nPrefer: odata.include-annotations="*", odata.max|\n');
  assert.equal(after.replaced('odata.maxpagesize=…'), 'odata.max');
  assert.ok(!after.labels.includes('odata.include-annotations="*"'), 'already given');
  assert.ok(!after.labels.includes('odata.include-annotations="Microsoft.Dynamics.CRM.*"'), 'already given (one include-annotations)');
  assert.ok(after.labels.includes('return=representation'));

  const typing = complete('### a\nGET accounts\nPrefer: return=rep|\n');
  assert.equal(typing.replaced('return=representation'), 'return=rep');
  assert.equal(typing.insert('return=representation'), 'return=representation');
});

test('other header values', () => {
  const ct = complete('### a\nPOST $batch\nContent-Type: |');
  assert.ok(ct.labels.includes('application/json'));
  assert.match(ct.insert('multipart/mixed;boundary=batch_…'), /^multipart\/mixed;boundary=/);
  const accept = complete('### a\nGET accounts\nAccept: application/js|on');
  assert.equal(accept.replaced('application/json;odata.metadata=none'), 'application/json');
  assert.ok(accept.labels.includes('application/json;odata.metadata=full'));
  assert.deepEqual(complete('### a\nGET accounts\nConsistency: |').labels, ['Strong']);
  const ifMatch = complete('@etag = W/"1"\n### a\nPATCH accounts(1)\nIf-Match: |');
  assert.ok(ifMatch.labels.includes('*'));
  assert.ok(ifMatch.labels.includes('{{etag}}'));
  assert.deepEqual(complete('### a\nGET accounts\nIf-None-Match: |').labels.slice(0, 1), ['null']);
  assert.deepEqual(complete('### a\nPOST accounts\nMSCRM.SuppressDuplicateDetection: |').labels, ['true', 'false']);
  assert.deepEqual(complete('### a\nPOST accounts\nMSCRM.BypassCustomPluginExecution: |').labels, ['true', 'false']);
  assert.deepEqual(complete('### a\nGET accounts\nOData-Version: |').labels, ['4.0']);
  assert.equal(complete('### a\nGET accounts\nX-Unknown: |').list, null);
});

test('POST contacts: body property names of the contact, lookups through @odata.bind, deep insert', () => {
  const r = complete('### Create\nPOST contacts\nContent-Type: application/json\n\n{\n  |\n}\n');
  assert.ok(r.labels.includes('firstname'));
  assert.equal(r.insert('firstname'), '"firstname": "$1"');
  assert.equal(r.replaced('firstname'), '');
  assert.ok(r.labels.includes('parentcustomerid_account@odata.bind'));
  const bind = r.insert('parentcustomerid_account@odata.bind');
  assert.match(bind, /^"parentcustomerid_account@odata\.bind": "\/accounts\(/);
  assert.match(r.insert('parentcustomerid_contact@odata.bind'), /"\/contacts\(/);
  assert.ok(!r.labels.includes('createdon'), 'computed');
  assert.ok(!r.labels.includes('_parentcustomerid_value'), 'lookup values are set through @odata.bind');
  assert.ok(r.labels.includes('contact_customer_contacts'), 'deep insert of a collection');
  assert.equal(r.insert('contact_customer_contacts'), '"contact_customer_contacts": [ { $1 } ]');
  assert.ok(r.labels.includes('contactid'), 'the key stays');
  assert.ok(r.get('contactid').sortText! > r.get('firstname').sortText!, 'sorted low');
  for (const item of r.list!.items) assert.ok(item.kind && item.detail && item.documentation);
});

test('body property names by type, inside quotes, after a comma, without the present ones', () => {
  const head = '### Create\nPOST accounts\nContent-Type: application/json\n\n';
  const r = complete(head + '{ "name": "Contoso", "rev|" }');
  assert.equal(r.replaced('revenue'), '"rev"');
  assert.equal(r.insert('revenue'), '"revenue": $1');
  assert.ok(!r.labels.includes('name'), 'already present');
  const bool = complete(head + '{ "name": "x",\n |\n}');
  const booleanProperty = sample.properties(sample.findStructuredType('mscrm.account')!).find((p) => p.type.name === 'Edm.Boolean');
  if (booleanProperty) assert.equal(bool.insert(booleanProperty.name), `"${booleanProperty.name}": \${1|true,false|}`);
  assert.ok(!bool.labels.includes('name'));
  const after = complete(head + '{\n  |\n  "name": "x"\n}');
  assert.ok(!after.labels.includes('name'), 'present after the cursor');
  const colon = complete(head + '{ "nam|": "x" }');
  assert.equal(colon.insert('name'), '"name"');
  assert.equal(colon.replaced('name'), '"nam"');
  const bare = complete(head + '{ nam| }');
  assert.equal(bare.replaced('name'), 'nam');
  assert.equal(bare.insert('name'), '"name": "$1"');
  // Not where a value or a nested object is expected.
  assert.equal(complete(head + '{ "name": |').list, null);
  assert.equal(complete(head + '{ "name": "Con|').list, null);
  assert.equal(complete(head + '{ "address": { | } }').list, null);
  // An empty body: the object.
  assert.deepEqual(complete(head + '|').labels, ['{ }']);
});

test('PATCH accounts(id): the keyed entity is the target', () => {
  const r = complete('### Update\nPATCH accounts(00000000-0000-0000-0000-000000000001)\nContent-Type: application/json\nIf-Match: *\n\n{ "|" }');
  assert.ok(r.labels.includes('name'));
  assert.ok(r.labels.includes('primarycontactid@odata.bind'));
  assert.match(r.insert('primarycontactid@odata.bind'), /"\/contacts\(\$\{1:id\}\)"$/);
  assert.ok(!r.labels.includes('firstname'));
});

test('the real CRM schema: contacts and accounts', () => {
  const context = dataverse(crm);
  const r = complete('### Create\nPOST contacts\n\n{\n  "first|\n}', context);
  assert.ok(r.labels.includes('firstname'));
  assert.ok(r.labels.includes('parentcustomerid_account@odata.bind'));
  assert.match(r.insert('parentcustomerid_account@odata.bind'), /\/accounts\(/);
  assert.ok(!r.labels.some((l) => /^_.*_value$/.test(l)), 'no lookup values');
  const patch = complete('### Update\nPATCH accounts(00000000-0000-0000-0000-000000000001)\n\n{ | }', context);
  assert.ok(patch.labels.includes('name'));
  assert.ok(!patch.labels.includes('openrevenue'), 'computed in the real schema');
});

test('no body completions for GET or DELETE; a new line after a GET is the next request', () => {
  assert.equal(complete('### a\nGET accounts\n\n{ | }').list, null);
  assert.ok(complete('### a\nGET accounts\n\n|').labels.includes('POST'));
  assert.equal(complete('### a\nDELETE accounts(1)\n\n{ | }').list, null);
  assert.equal(complete('### a\naccounts\n\n{ "|" }').list, null);
});

test('without a model: headers still work, the body gives nothing, nothing throws', () => {
  const context: ServiceContext = { model: undefined, flavor: 'dataverse' };
  assert.ok(complete('### a\nGET accounts\n|', context).labels.includes('Prefer'));
  assert.ok(complete('### a\nGET accounts\nPrefer: |', context).labels.includes('return=representation'));
  assert.equal(complete('### a\nPOST contacts\n\n{ | }', context).list, null);
  assert.equal(complete('### a\nPOST contacts\n\n{ "fi|" }', context).list, null);
});

test('unknown URL target, action or $ref: the body gives nothing', () => {
  assert.equal(complete('### a\nPOST accounts(00000000-0000-0000-0000-000000000001)/Microsoft.Dynamics.CRM.NoSuchAction\n\n{ | }').list, null);
  assert.equal(complete('### a\nPOST accounts(00000000-0000-0000-0000-000000000001)/contact_customer_accounts/$ref\n\n{ | }').list, null);
  const nav = complete('### a\nPOST accounts(00000000-0000-0000-0000-000000000001)/contact_customer_accounts\n\n{ | }');
  assert.ok(nav.labels.includes('firstname'), 'POST through a collection navigation creates a contact');
  assert.equal(complete('### a\nPOST nosuchset\n\n{ | }').list, null);
  assert.equal(complete('### a\nPOST {{unknown}}\n\n{ | }').list, null);
});

test('every offset of a sample document answers without throwing', () => {
  const text = [
    '# sample',
    '@top = 10',
    '@id = 00000000-0000-0000-0000-000000000001',
    '',
    '### Big accounts',
    'GET accounts?$select=name,revenue&$filter=revenue gt 1000000',
    '    &$top={{top}}',
    'Prefer: odata.include-annotations="*", odata.maxpagesize=50',
    'Accept: application/json',
    '',
    '### Create',
    'POST contacts',
    'Content-Type: application/json',
    'MSCRM.SuppressDuplicateDetection: false',
    '',
    '{ "firstname": "Ada", "parentcustomerid_account@odata.bind": "/accounts({{id}})",',
    '  "contact_customer_contacts": [ { "lastname": "x" } ], "numberofchildren": {{top}}, "a\\"b": [1, {"x": null}]',
    '}',
    '',
    '### Update',
    'PATCH accounts({{id}})',
    'If-Match: *',
    '',
    '{ "name": "Contoso",',
    '  "revenue": 1.5 ',
    '### unfinished',
    'POST accounts',
    'Pre',
    '',
    '{ "na',
  ].join('\r\n');
  assert.equal(text.split('\r\n').length, 30);
  for (const context of [dataverse(), dataverse(crm), { model: undefined, flavor: 'generic' } as ServiceContext, { model: sample, flavor: 'fno' } as ServiceContext]) {
    const document = createODataDocument('file:///t.odata', text);
    for (let offset = -1; offset <= text.length + 1; offset++) {
      const list = completeRequestParts(document, offset, context);
      for (const item of list?.items ?? []) {
        const edit = item.textEdit as TextEdit;
        assert.ok(edit && edit.range.start.line === edit.range.end.line || item.label === '###', `single-line edit at ${offset}`);
      }
    }
  }
  // CRLF: the header name range stays on its line.
  const document = createODataDocument('file:///t.odata', text);
  const at = text.indexOf('Pre\r\n') + 3;
  const list = completeRequestParts(document, at, dataverse());
  const prefer = list?.items.find((i) => i.label === 'Prefer');
  assert.deepEqual((prefer?.textEdit as TextEdit).range, { start: { line: 27, character: 0 }, end: { line: 27, character: 3 } });
});
