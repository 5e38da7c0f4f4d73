/**
 * Code actions: each edit is applied to the text and the result asserted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeAction } from 'vscode-languageserver-types';
import { codeActions, percentEncodeUrl } from '../../../server/src/odata/services/codeActions';
import { checkRequestFile } from '../../../server/src/odata/services/checkDocument';
import { createODataDocument, type ODataDocument } from '../../../server/src/odata/services/serviceContext';
import { applyWorkspaceEdit, crm, uri } from './servicesHarness';

function document(text: string): ODataDocument {
  return createODataDocument(uri, text);
}

/** Code actions for the range of the first occurrence of `at`, with the document's diagnostics against the CRM model. */
function actionsFor(doc: ODataDocument, at: string): CodeAction[] {
  const start = doc.text.indexOf(at);
  assert.ok(start >= 0, `${at} is in the text`);
  const context = crm();
  const diagnostics = checkRequestFile(doc.file, context.model!, { flavor: 'dataverse' });
  return codeActions(doc, { start, end: start + at.length }, diagnostics, context);
}

/** Applies the actions one after the other, last first (so earlier offsets stay valid). */
function applyAll(text: string, actions: CodeAction[]): string {
  return [...actions].reverse().reduce((current, action) => applyWorkspaceEdit(document(current), action.edit), text);
}

function titled(actions: CodeAction[], title: string): CodeAction {
  const action = actions.find((a) => a.title === title);
  assert.ok(action, `no action '${title}' in ${JSON.stringify(actions.map((a) => a.title))}`);
  return action;
}

describe('code actions: did you mean', () => {
  test('Change to the suggested property (preferred, with its diagnostic)', () => {
    const doc = document('GET accounts?$select=nme');
    const actions = actionsFor(doc, 'nme');
    const fix = titled(actions, "Change to 'name'");
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    assert.equal(fix.diagnostics?.[0]?.code, 'unknown-property');
    assert.equal(applyWorkspaceEdit(doc, fix.edit), 'GET accounts?$select=name');
  });

  test('entity set and system option', () => {
    const text = 'accountz?$fitler=name eq 1';
    const all = actionsFor(document(text), text).filter((a) => a.kind === 'quickfix');
    assert.deepEqual(all.map((a) => a.title), ["Change to 'accounts'", "Change to '$filter'"]);
    assert.equal(applyAll(text, all), 'accounts?$filter=name eq 1');
  });

  test('a LastXDays PropertyName keeps its quotes; navigation property', () => {
    const text = "accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdonn',PropertyValue=7)&$expand=primarycontactidd";
    const all = actionsFor(document(text), text).filter((a) => a.kind === 'quickfix');
    assert.deepEqual(all.map((a) => a.title), ["Change to 'createdon'", "Change to 'primarycontactid'"]);
    assert.equal(applyAll(text, all), "accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)&$expand=primarycontactid");
  });

  test('only the diagnostics in the range', () => {
    const doc = document('GET accounts?$select=nme&$expand=primarycontactidd');
    assert.deepEqual(actionsFor(doc, 'nme').filter((a) => a.kind === 'quickfix').map((a) => a.title), ["Change to 'name'"]);
  });

  test('in a nested $expand on a continuation line', () => {
    const text = 'GET accounts?$select=name\n    &$expand=primarycontactid($select=fulname)';
    const doc = document(text);
    const fix = titled(actionsFor(doc, 'fulname'), "Change to 'fullname'");
    assert.equal(applyWorkspaceEdit(doc, fix.edit), 'GET accounts?$select=name\n    &$expand=primarycontactid($select=fullname)');
  });
});

describe('code actions: percent-encode', () => {
  test('spaces, +, non-ASCII and FetchXML; OData syntax stays readable', () => {
    const text = "GET accounts?$filter=name eq 'Müller + Söhne' and telephone1 eq '+49 30'&$select=name\nAccept: application/json";
    const doc = document(text);
    const action = titled(actionsFor(doc, 'accounts'), 'Percent-encode the URL');
    assert.equal(action.kind, 'refactor');
    assert.equal(
      applyWorkspaceEdit(doc, action.edit),
      "GET accounts?$filter=name%20eq%20'M%C3%BCller%20%2B%20S%C3%B6hne'%20and%20telephone1%20eq%20'%2B49%2030'&$select=name\nAccept: application/json",
    );
  });

  test('keeps {{variables}} and existing escapes; encodes a lone %', () => {
    assert.equal(percentEncodeUrl("accounts?$filter=name eq '{{the name}}' and x eq '50%'&$top=%31"), "accounts?$filter=name%20eq%20'{{the name}}'%20and%20x%20eq%20'50%25'&$top=%31");
    assert.equal(percentEncodeUrl('accounts?fetchXml=<fetch top="5"><entity name="account"/></fetch>'), 'accounts?fetchXml=%3Cfetch%20top=%225%22%3E%3Centity%20name=%22account%22/%3E%3C/fetch%3E');
  });

  test('each continuation line is encoded in place', () => {
    const doc = document("GET accounts?$select=name\n    &$filter=name eq 'a b'");
    const action = titled(actionsFor(doc, 'accounts'), 'Percent-encode the URL');
    assert.equal(applyWorkspaceEdit(doc, action.edit), "GET accounts?$select=name\n    &$filter=name%20eq%20'a%20b'");
  });

  test('not offered when nothing needs encoding', () => {
    const doc = document("GET accounts?$select=name&$filter=name%20eq%20'x'");
    assert.equal(actionsFor(doc, 'accounts').some((a) => a.title === 'Percent-encode the URL'), false);
  });
});

describe('code actions: split the query into lines', () => {
  test('each &option on its own indented continuation line; parentheses and strings are not split', () => {
    const text =
      "### Big\nGET accounts?$select=name,revenue&$filter=name eq 'A&B' and revenue gt 5&$expand=primarycontactid($select=fullname;$filter=x eq 1)&$top={{top}} HTTP/1.1\nPrefer: return=minimal";
    const doc = document(text);
    const action = titled(actionsFor(doc, 'revenue'), 'Split the query into lines');
    assert.equal(action.kind, 'refactor.rewrite');
    const result = applyWorkspaceEdit(doc, action.edit);
    assert.equal(
      result,
      [
        '### Big',
        'GET accounts?$select=name,revenue HTTP/1.1',
        "    &$filter=name eq 'A&B' and revenue gt 5",
        '    &$expand=primarycontactid($select=fullname;$filter=x eq 1)',
        '    &$top={{top}}',
        'Prefer: return=minimal',
      ].join('\n'),
    );
    // The split request reads back as the same URL.
    const reparsed = document(result).file.requests[0]!;
    assert.equal(reparsed.url, doc.file.requests[0]!.url);
    assert.equal(reparsed.httpVersion, 'HTTP/1.1');
    assert.deepEqual(reparsed.headers.map((h) => h.name), ['Prefer']);
  });

  test('keeps CRLF line ends', () => {
    const doc = document('GET accounts?$select=name&$top=1\r\nAccept: application/json\r\n');
    const action = titled(actionsFor(doc, 'accounts'), 'Split the query into lines');
    assert.equal(applyWorkspaceEdit(doc, action.edit), 'GET accounts?$select=name\r\n    &$top=1\r\nAccept: application/json\r\n');
  });

  test('not offered for one option or an already split query', () => {
    assert.equal(actionsFor(document('GET accounts?$select=name'), 'accounts').some((a) => a.title === 'Split the query into lines'), false);
    assert.equal(actionsFor(document('GET accounts?$select=name\n    &$top=1'), 'accounts').some((a) => a.title === 'Split the query into lines'), false);
  });

  test('only for the request in range', () => {
    const doc = document('accounts?$select=name&$top=1\n###\ncontacts?$select=fullname&$top=1');
    const action = titled(actionsFor(doc, 'contacts'), 'Split the query into lines');
    assert.equal(applyWorkspaceEdit(doc, action.edit), 'accounts?$select=name&$top=1\n###\ncontacts?$select=fullname\n    &$top=1');
    assert.equal(actionsFor(doc, 'contacts').filter((a) => a.title === 'Split the query into lines').length, 1);
  });
});
