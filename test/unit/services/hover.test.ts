/**
 * Hover at `|`: the exact word the range covers and fragments of the markdown, against the real CRM
 * $metadata (German descriptions) and the Dataverse sample.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-types';
import { doHover } from '../../../server/src/odata/services/hover';
import type { ServiceContext } from '../../../server/src/odata/services/serviceContext';
import { crm, dataverseSample, noModel, textOf, withCursor } from './servicesHarness';

function hoverAt(marked: string, context: ServiceContext = crm()): { word: string; markdown: string } | null {
  const { document, offset } = withCursor(marked);
  const hover = doHover(document, offset, context);
  if (!hover) return null;
  assert.ok(hover.range, 'a hover has a range');
  return { word: textOf(document, hover.range), markdown: (hover.contents as MarkupContent).value };
}

function expectHover(marked: string, word: string, fragments: string[], context?: ServiceContext): void {
  const hover = hoverAt(marked, context);
  assert.ok(hover, `a hover at ${marked}`);
  assert.equal(hover.word, word);
  for (const fragment of fragments) assert.ok(hover.markdown.includes(fragment), `hover should contain ${JSON.stringify(fragment)}:\n${hover.markdown}`);
}

describe('hover: model elements', () => {
  test('entity set: type, key, description, member counts', () => {
    expectHover('GET acc|ounts?$select=name', 'accounts', [
      '**accounts** · entity set of `Microsoft.Dynamics.CRM.account`',
      'Key: `accountid` (Edm.Guid)',
      'Ein Geschäft, das einen Kunden',
      '159 properties, 73 navigation properties',
    ]);
  });

  test('property: qualified type, nullability, description', () => {
    expectHover('accounts?$select=na|me', 'name', ['**name** · property of `Microsoft.Dynamics.CRM.account`', '`Edm.String` · nullable', 'Geben Sie den Namen des Unternehmens']);
  });

  test('key property, and a key value in the path', () => {
    expectHover('accounts?$select=|accountid', 'accountid', ['`Edm.Guid` · nullable · **key**']);
    expectHover('accounts(00000000-0000-0000-0000-0000000|00001)', '00000000-0000-0000-0000-000000000001', ['**accountid** · key of `Microsoft.Dynamics.CRM.account`', '**key**']);
  });

  test('facets and Computed/Permissions annotation facts', () => {
    expectHover('accounts?$select=openrev|enue', 'openrevenue', ['`Edm.Decimal` · nullable · scale variable', 'Computed: set by the server, read-only', 'Permissions: Read (read-only)']);
  });

  test('Dataverse lookup _x_value: the navigation property it stands for and its target', () => {
    expectHover('accounts?$select=name,_primarycontactid_v|alue', '_primarycontactid_value', [
      '**_primarycontactid_value** · lookup property of `Microsoft.Dynamics.CRM.account`',
      'the navigation property `primarycontactid` → `Microsoft.Dynamics.CRM.contact` points to',
    ]);
    expectHover(
      'accounts?$select=_primarycontactid_v|alue',
      '_primarycontactid_value',
      ['`primarycontactid` → `Microsoft.Dynamics.CRM.contact`', 'Choose the primary contact for the account'],
      dataverseSample(),
    );
  });

  test('navigation property: target, single or collection, partner, its lookup', () => {
    expectHover('accounts?$expand=primaryco|ntactid', 'primarycontactid', [
      '**primarycontactid** · navigation property of `Microsoft.Dynamics.CRM.account`',
      'single `Microsoft.Dynamics.CRM.contact` · not nullable · partner `account_primary_contact`',
      'lookup property `_primarycontactid_value`',
    ]);
    expectHover('accounts?$filter=Account_T|asks/any(t:t/subject eq \'x\')', 'Account_Tasks', ['collection of `Microsoft.Dynamics.CRM.task`']);
  });

  test('property inside a three-level nested $expand', () => {
    expectHover('accounts?$select=name&$expand=primarycontactid($select=fullname;$expand=createdby($select=ful|lname))', 'fullname', [
      '**fullname** · property of `Microsoft.Dynamics.CRM.systemuser`',
      'Vollständiger Name des Benutzers.',
    ]);
  });

  test('inside a lambda body: the variable, its member and a canonical function', () => {
    const url = "accounts?$filter=Account_Tasks/any(t:contains(t/subject,'x'))";
    expectHover(url.replace('(t/sub', '(|t/sub'), 't', ['**t** · lambda variable of `Microsoft.Dynamics.CRM.task`']);
    expectHover(url.replace('subject', 'sub|ject'), 'subject', ['**subject** · property of `Microsoft.Dynamics.CRM.activitypointer`', '`Edm.String`']);
    expectHover(url.replace('contains', 'cont|ains'), 'contains', ['**contains** · canonical function', 'contains(string, string) -> Edm.Boolean', 'True if the first string contains the second.']);
  });

  test('a lambda inside a nested $filter', () => {
    expectHover("accounts?$expand=contact_customer_accounts($filter=opportunity_customer_contacts/any(o:o/na|me eq 'x'))", 'name', [
      '**name** · property of `Microsoft.Dynamics.CRM.opportunity`',
    ]);
  });

  test('Dataverse query function: signature, unbound, return type; its PropertyName without quotes', () => {
    const url = "accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)";
    expectHover(url.replace('LastX', 'Last|X'), 'Microsoft.Dynamics.CRM.LastXDays', [
      '**LastXDays** · function',
      'Microsoft.Dynamics.CRM.LastXDays(PropertyName: Edm.String, PropertyValue: Edm.Int64): Edm.Boolean',
      'Unbound',
      'Returns `Edm.Boolean`',
    ]);
    expectHover(url.replace("'createdon'", "'creat|edon'"), 'createdon', ['**createdon** · property of `Microsoft.Dynamics.CRM.account`', '`Edm.DateTimeOffset`']);
    expectHover(url.replace('PropertyValue', 'Property|Value'), 'PropertyValue', ['**PropertyValue** · parameter', '`Edm.Int64` · not nullable']);
  });

  test('bound operation in the path', () => {
    expectHover('incidents(00000000-0000-0000-0000-000000000001)/Microsoft.Dynamics.CRM.Calc|ulateTotalTimeIncident()', 'Microsoft.Dynamics.CRM.CalculateTotalTimeIncident', [
      'Bound to `Microsoft.Dynamics.CRM.incident`',
      'Returns `Microsoft.Dynamics.CRM.CalculateTotalTimeIncidentResponse`',
    ]);
  });

  test('enum member: its value, the range is the member name', () => {
    expectHover("accounts?$filter=accountcategorycode eq Microsoft.Dynamics.CRM.PrivilegeDepth'Ba|sic'", 'Basic', ['**Basic** · member of `Microsoft.Dynamics.CRM.PrivilegeDepth`', 'Value: `0`']);
  });
});

describe('hover: query options, keywords, variables, headers', () => {
  test('query option names at the top level and nested', () => {
    expectHover("accounts?$fil|ter=name eq 'x'", '$filter', ['**$filter** · query option', 'Restricts the results']);
    expectHover('accounts?$expand=primarycontactid($sel|ect=fullname)', '$select', ['**$select** · query option']);
    expectHover('accounts?$top=3&cross-com|pany=true', 'cross-company', ['Finance & Operations']);
    expectHover('accounts/$co|unt', '$count', ['The number of items']);
  });

  test('a {{variable}}: its resolved value', () => {
    const text = '@top = 10\n@n = {{top}}0\nGET accounts?$top={{|n}}';
    expectHover(text, '{{n}}', ['**n** · variable', '```\n100\n```', 'Defined as `{{top}}0`']);
    expectHover('GET accounts?$top={{|nope}}', '{{nope}}', ['Not defined. Add `@nope = value`']);
    expectHover('@t|op = 10\nGET accounts', 'top', ['**top** · variable', '10']);
  });

  test('header names', () => {
    const text = 'PATCH accounts(00000000-0000-0000-0000-000000000001)\nIf-Ma|tch: *\nPrefer: return=representation\n\n{}';
    expectHover(text, 'If-Match', ['**If-Match** · header', '412 Precondition Failed']);
    expectHover('GET accounts\nPre|fer: odata.maxpagesize=10', 'Prefer', ['odata.maxpagesize']);
    expectHover('POST accounts\nMSCRM.Suppress|DuplicateDetection: false', 'MSCRM.SuppressDuplicateDetection', ['duplicate detection']);
    expectHover('GET accounts\nCallerObj|ectId: 00000000-0000-0000-0000-000000000001', 'CallerObjectId', ['impersonate']);
    expectHover('GET accounts\nConsis|tency: Strong', 'Consistency', ['`Strong`']);
  });

  test('without metadata: canonical functions and options still answer; model names do not', () => {
    expectHover("accounts?$filter=cont|ains(name,'x')", 'contains', ['canonical function'], noModel());
    expectHover('accounts?$to|p=3', '$top', ['query option'], noModel());
    assert.equal(hoverAt('acc|ounts', noModel()), null);
  });

  test('nothing to say: whitespace, an unknown name, outside any request', () => {
    assert.equal(hoverAt("accounts?$filter=name eq| 'x'"), null);
    assert.equal(hoverAt('accounts?$select=nam|ee'), null);
    assert.equal(hoverAt('# a comm|ent\nGET accounts'), null);
  });
});
