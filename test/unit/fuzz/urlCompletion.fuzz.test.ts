// Fuzz for URL completion in its harder positions: query function arguments, JSON arrays, enum `in (…)`
// lists, `$compute`/`$apply` aliases, nested lambdas and parameter aliases. Seeds are mutated and completed
// at every offset, calling completeUrl directly (no service-level catch), for several flavours: no throw, every
// edit inside the document, no duplicate labels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Range } from 'vscode-languageserver-types';
import type { Flavor } from '../../../server/src/odata/diagnosticCodes';
import { createODataDocument } from '../../../server/src/odata/services/serviceContext';
import { completeUrl } from '../../../server/src/odata/services/urlCompletion';
import { bc, crm, fno } from '../completion/urlCompletionHarness';

const seeds = [
  "accounts?$filter=Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=[\"a\",\"O'Brian\"])",
  "contacts?$filter=Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1='lastname'&@p2=[\"OBrian\",\"O'Bryan\"]",
  "accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName=@p1,PropertyValue=@p2)&@p1='createdon'&@p2=42",
  "accounts?$filter=Microsoft.Dynamics.CRM.InFiscalPeriodAndYear(PropertyName='createdon',PropertyValue1=1,PropertyValue2=2024)",
  "accounts?$filter=Microsoft.Dynamics.CRM.Above(PropertyName='accountid',PropertyValue='00000000-0000-0000-0000-000000000001') and donotemail in (true,false)",
  'accounts?$compute=revenue mul 2 as doubled&$select=name,doubled&$orderby=doubled desc&$filter=doubled gt 5',
  'accounts?$apply=groupby((name,statecode),aggregate(revenue with sum as total,$count as n))/filter(total gt 0)/orderby(total desc)&$orderby=n',
  "accounts?$expand=contact_customer_accounts($select=fullname;$compute=annualincome mul 2 as x;$filter=opportunity_customer_contacts/any(o: o/name eq 'x' and o/Opportunity_Tasks/all(t: t/subject ne $it/fullname)))",
  "accounts?$expand=parentaccountid($levels=max;$select=name),primarycontactid($orderby=fullname desc,firstname;$search=blue)",
  "CustomersV3?$filter=CreditLimitIsMandatory in (Microsoft.Dynamics.DataEntities.NoYes'Yes','No') and CreditLimitIsMandatory eq 'Yes'",
  "customers?$filter=blocked has Microsoft.NAV.customerBlocked'Ship' or blocked in (Microsoft.NAV.customerBlocked'All')",
  "GET GetTimeZoneCodeByLocalizedName(LocalizedStandardName=@n,LocaleId=@l)?@n='x'&@l=1033",
  'accounts?$filter=Microsoft.Dynamics.CRM.Between(PropertyName=%27numberofemployees%27,PropertyValues=%5B%225%22,%222000%22%5D)',
];
const pieces = ['(', ')', '[', ']', '"', "'", ',', '=', '@p1', '/', ':', ' ', 'in (', 'PropertyName=', 'PropertyValues=[', ' as ', '&@p2=', 'any(x:x/', '%22', '%5B', ';$filter=', 'with '];

let seed = 424242;
const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function mutate(text: string): string {
  let out = text;
  const edits = Math.floor(random() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const kind = random();
    if (kind < 0.4) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 8));
    else if (kind < 0.85) out = out.slice(0, at) + pick(pieces) + out.slice(at);
    else out = out.slice(0, at);
  }
  return out;
}

function inside(range: Range, lineCount: number): boolean {
  return range.start.line >= 0 && range.end.line < lineCount && (range.start.line < range.end.line || range.start.character <= range.end.character);
}

test('mutated query-function, alias, enum and lambda URLs: completion at every offset never throws', () => {
  const contexts: { model: ReturnType<typeof crm> | undefined; flavor: Flavor }[] = [
    { model: crm(), flavor: 'dataverse' },
    { model: crm(), flavor: 'generic' },
    { model: fno(), flavor: 'fno' },
    { model: bc(), flavor: 'bc' },
    { model: undefined, flavor: 'dataverse' },
  ];
  let calls = 0;
  for (let n = 0; n < 140; n++) {
    const text = n < seeds.length ? seeds[n]! : mutate(pick(seeds));
    const document = createODataDocument('file:///fuzz.odata', text);
    const context = contexts[n % contexts.length]!;
    for (let offset = 0; offset <= text.length; offset++) {
      const list = completeUrl(document, offset, context);
      calls++;
      if (!list) continue;
      const labels = new Set<string>();
      for (const item of list.items) {
        assert.ok(!labels.has(item.label), `duplicate '${item.label}' at ${offset} of ${JSON.stringify(text)}`);
        labels.add(item.label);
        const edit = item.textEdit;
        assert.ok(edit && 'range' in edit && inside(edit.range, document.lines.lineCount), `edit outside the document at ${offset} of ${JSON.stringify(text)}`);
      }
    }
  }
  assert.ok(calls > 8000, `${calls} completions`);
});
