/**
 * Completion inside request URLs (`|` marks the cursor), against the real CRM metadata and the
 * Dataverse, F&O and Business Central fixtures.
 */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver-types';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createODataDocument } from '../../../server/src/odata/services/serviceContext';
import { completeUrl } from '../../../server/src/odata/services/urlCompletion';
import { bc, complete, corpus, crm, dataverse, excludes, fno, includes } from './urlCompletionHarness';

suite('URL completion: the resource path', () => {
  test('path start: entity sets, function and action imports, $metadata and $batch', () => {
    const r = complete('acc|', crm());
    includes(r, 'accounts', 'contacts', '$metadata', '$batch', 'WhoAmI');
    assert.equal(r.item('accounts').kind, CompletionItemKind.Class);
    assert.equal(r.item('accounts').detail, 'Collection(account)');
    assert.equal(r.replaced('accounts'), 'acc');
    const whoAmI = r.item('WhoAmI');
    assert.equal(whoAmI.kind, CompletionItemKind.Function);
    assert.equal(whoAmI.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal((whoAmI.textEdit as { newText: string }).newText, 'WhoAmI()');
    // A bare line may start with a method.
    includes(r, 'GET', 'POST');
  });

  test('after a method and a space with no URL yet', () => {
    const r = complete('GET |', crm());
    includes(r, 'accounts', '$metadata');
    excludes(r, 'GET');
    assert.equal(r.replaced('accounts'), '');
    assert.deepEqual((r.item('accounts').textEdit as { range: unknown }).range, { start: { line: 0, character: 4 }, end: { line: 0, character: 4 } });
  });

  test('key snippets: a GUID for Dataverse, named parts for F&O', () => {
    const guid = complete('accounts(|', crm());
    const key = guid.item('accountid');
    assert.equal(key.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal((key.textEdit as { newText: string }).newText, '${1:00000000-0000-0000-0000-000000000000}');
    // Alternate keys of the fixture.
    includes(complete('accounts(|', dataverse()), 'accountid', 'accountnumber');
    const composite = complete('CustomersV3(|', fno(), 'fno');
    const parts = composite.item('dataAreaId,CustomerAccount');
    assert.equal((parts.textEdit as { newText: string }).newText, "dataAreaId='${1}',CustomerAccount='${2}'");
    // The whole entity set name typed: a `name(key)` snippet item too.
    const exact = complete('CustomersV3|', fno(), 'fno');
    assert.equal((exact.item('CustomersV3(dataAreaId,CustomerAccount)').textEdit as { newText: string }).newText, "CustomersV3(dataAreaId='${1}',CustomerAccount='${2}')");
    const navKey = complete('accounts(00000000-0000-0000-0000-000000000001)/contact_customer_accounts|', crm());
    assert.equal((navKey.item('contact_customer_accounts(contactid)').textEdit as { newText: string }).newText, 'contact_customer_accounts(${1:00000000-0000-0000-0000-000000000000})');
    const dv = complete('accounts|', crm());
    assert.equal((dv.item('accounts(accountid)').textEdit as { newText: string }).newText, 'accounts(${1:00000000-0000-0000-0000-000000000000})');
  });

  test('after a single entity: properties, navigation properties, bound operations; after a collection: $count and casts', () => {
    const single = complete('accounts(00000000-0000-0000-0000-000000000001)/pri|', crm());
    includes(single, 'primarycontactid', 'name', 'contact_customer_accounts');
    assert.equal(single.item('primarycontactid').detail, '→ contact (single)');
    assert.equal(single.item('contact_customer_accounts').detail, '→ Collection(contact)');
    assert.equal(single.replaced('name'), 'pri');
    const collection = complete('accounts/|', crm());
    includes(collection, '$count');
    excludes(collection, 'name');
    const nav = complete('accounts(00000000-0000-0000-0000-000000000001)/contact_customer_accounts/|', crm());
    includes(nav, '$count', '$ref');
    const property = complete('accounts(00000000-0000-0000-0000-000000000001)/name/|', crm());
    assert.deepEqual(property.labels, ['$value']);
    const bound = complete('SalesOrderHeadersV2/|', fno(), 'fno');
    includes(bound, 'Microsoft.Dynamics.DataEntities.confirmSalesOrders');
  });
});

suite('URL completion: query options', () => {
  test('after ? and &: option names with = inserted, without those already given', () => {
    const r = complete('accounts?$select=name&|', crm());
    includes(r, '$filter', '$expand', '$orderby', '$top', '$count');
    excludes(r, '$select', 'cross-company');
    const filter = r.item('$filter');
    assert.equal(filter.kind, CompletionItemKind.Keyword);
    assert.equal((filter.textEdit as { newText: string }).newText, '$filter=');
    assert.ok(filter.documentation);
    assert.equal(complete('accounts?$fi|', crm()).replaced('$filter'), '$fi');
  });

  test('F&O offers cross-company=true', () => {
    const r = complete('CustomersV3?|', fno(), 'fno');
    assert.equal((r.item('cross-company').textEdit as { newText: string }).newText, 'cross-company=true');
    excludes(complete('accounts?|', crm()), 'cross-company');
  });

  test('parameter aliases used but not defined', () => {
    const r = complete("contacts?$filter=Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1='lastname'&|", crm());
    includes(r, '@p2');
    excludes(r, '@p1');
  });

  test('defined parameter aliases are offered in expressions', () => {
    const r = complete("accounts?$filter=name eq |&@p1='x'", crm());
    includes(r, '@p1');
    assert.equal(r.item('@p1').kind, CompletionItemKind.Variable);
  });

  test('$count, $levels values', () => {
    assert.deepEqual(complete('accounts?$count=|', crm()).labels, ['true', 'false']);
    includes(complete('accounts?$expand=primarycontactid($levels=|', undefined, 'generic'), 'max');
  });
});

suite('URL completion: $select and $expand', () => {
  test('$select: properties with types and nullability, lookups, *; already selected names skipped', () => {
    const r = complete('accounts?$select=name,na|', crm());
    excludes(r, 'name');
    includes(r, 'numberofemployees', '_primarycontactid_value', '*', 'accountid');
    assert.equal(r.replaced('revenue'), 'na');
    assert.equal(r.item('revenue').detail, 'Edm.Decimal (nullable)');
    assert.equal(r.item('revenue').kind, CompletionItemKind.Property);
    assert.match(r.item('_primarycontactid_value').detail ?? '', /→ contact \(lookup\)/);
    excludes(r, 'primarycontactid');
    const described = complete('accounts?$select=|', dataverse());
    const doc = described.item('name').documentation;
    assert.ok(doc && typeof doc !== 'string' && doc.value.length > 0, 'Core.Description as markdown');
  });

  test('$expand: navigation properties, then nested options with the target type', () => {
    const r = complete('accounts?$expand=prim|', crm());
    includes(r, 'primarycontactid', 'contact_customer_accounts');
    excludes(r, 'name');
    excludes(complete('accounts?$expand=primarycontactid($select=fullname),|', crm()), 'primarycontactid');
    const nested = complete('accounts?$expand=primarycontactid($select=|', crm());
    includes(nested, 'fullname', 'firstname');
    excludes(nested, 'accountnumber');
    const options = complete('accounts?$expand=primarycontactid(|', crm());
    includes(options, '$select', '$filter', '$expand', '$top', '$orderby');
    const afterSemicolon = complete('accounts?$expand=primarycontactid($select=fullname;|', crm());
    includes(afterSemicolon, '$filter', '$expand');
    excludes(afterSemicolon, '$select');
  });

  test('three levels of nested $expand', () => {
    const r = complete('accounts?$expand=primarycontactid($expand=parentcustomerid_account($expand=createdby($select=|', crm());
    includes(r, 'fullname', 'domainname', 'systemuserid');
    excludes(r, 'accountnumber', 'parentcustomerid_account');
    const third = complete('accounts?$expand=primarycontactid($expand=parentcustomerid_account($expand=cre|', crm());
    includes(third, 'createdby');
    excludes(third, 'fullname');
  });

  test('F&O: no nested $expand', () => {
    const r = complete('SalesOrderHeadersV2?$expand=SalesOrderLines(|', fno(), 'fno');
    includes(r, '$select', '$filter');
    excludes(r, '$expand', '$levels');
    includes(complete('SalesOrderHeadersV2?$expand=SalesOrderLines($select=|', fno(), 'fno'), 'ItemNumber');
  });
});

suite('URL completion: $filter', () => {
  test('members, functions and query functions at the start of an expression', () => {
    const r = complete('accounts?$filter=na|', crm());
    includes(r, 'name', 'primarycontactid', '_primarycontactid_value', 'contains', 'startswith', 'not', 'true', 'null', 'Microsoft.Dynamics.CRM.LastXDays');
    assert.equal(r.replaced('name'), 'na');
    const contains = r.item('contains');
    assert.equal(contains.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal((contains.textEdit as { newText: string }).newText, "contains(${1:name}, '${2}')");
    const lastXDays = r.item('Microsoft.Dynamics.CRM.LastXDays');
    assert.equal((lastXDays.textEdit as { newText: string }).newText, "Microsoft.Dynamics.CRM.LastXDays(PropertyName='${1}',PropertyValue=${2})");
    assert.equal(lastXDays.filterText, 'LastXDays');
  });

  test('operators after an operand (no has/in for F&O)', () => {
    const r = complete('accounts?$filter=revenue |', crm());
    includes(r, 'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'or', 'has', 'in', 'add', 'mod');
    excludes(r, 'name', 'contains');
    assert.equal(r.item('gt').kind, CompletionItemKind.Operator);
    assert.equal(r.replaced('gt'), '');
    includes(complete("accounts?$filter=contains(name,'x') |", crm()), 'and', 'or');
    const afterComparison = complete("accounts?$filter=name eq 'x' |", crm());
    assert.ok(afterComparison.item('and').sortText! < afterComparison.item('eq').sortText!, 'and/or first after a comparison');
    const f = complete('CustomersV3?$filter=CustomerAccount |', fno(), 'fno');
    includes(f, 'eq', 'and');
    excludes(f, 'has', 'in');
    // After an operator: members again.
    includes(complete('accounts?$filter=revenue gt 5 and |', crm()), 'name', 'contains');
  });

  test('paths: after nav/ the target members', () => {
    const r = complete('accounts?$filter=primarycontactid/|', crm());
    includes(r, 'fullname', 'parentcustomerid_account');
    excludes(r, 'accountnumber');
    const deeper = complete("accounts?$filter=primarycontactid/createdby/ful| eq 'x'", crm());
    includes(deeper, 'fullname', 'domainname');
    assert.equal(deeper.replaced('fullname'), 'ful');
  });

  test('lambdas: any/all after a collection, the variable and its members', () => {
    const r = complete('accounts?$filter=contact_customer_accounts/|', crm());
    includes(r, 'any', 'all', '$count');
    const inside = complete('accounts?$filter=contact_customer_accounts/any(c:|', crm());
    includes(inside, 'c', 'name');
    const members = complete('accounts?$filter=contact_customer_accounts/any(c:c/|', crm());
    includes(members, 'fullname', 'jobtitle');
    excludes(members, 'accountnumber');
  });

  test('a lambda inside a nested $filter', () => {
    const r = complete('accounts?$expand=contact_customer_accounts($filter=opportunity_customer_contacts/any(o:o/|', crm());
    includes(r, 'name', 'estimatedvalue', 'opportunityid');
    excludes(r, 'fullname', 'accountnumber');
    // Nested lambda on the variable of an outer lambda.
    const nestedLambda = complete('accounts?$filter=contact_customer_accounts/any(c:c/opportunity_customer_contacts/any(o:o/est|', crm());
    includes(nestedLambda, 'estimatedvalue');
  });

  test("a LastXDays PropertyName completes property names inside the string", () => {
    const r = complete("accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='cre|", crm());
    includes(r, 'createdon', 'name', 'revenue');
    assert.equal(r.replaced('createdon'), 'cre');
    const closed = complete("accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='cre|',PropertyValue=7)", crm());
    assert.equal(closed.replaced('createdon'), 'cre');
    // Nested: the expanded type.
    includes(complete("accounts?$expand=primarycontactid($filter=Microsoft.Dynamics.CRM.Today(PropertyName='|", crm()), 'birthdate');
    // Other strings: nothing.
    assert.deepEqual(complete("accounts?$filter=name eq 'cre|", crm()).labels, []);
  });

  test('enum members after eq (F&O NoYes, Business Central enums)', () => {
    const f = complete('CustomersV3?$filter=CreditLimitIsMandatory eq |', fno(), 'fno');
    includes(f, "Microsoft.Dynamics.DataEntities.NoYes'Yes'", "Microsoft.Dynamics.DataEntities.NoYes'No'");
    assert.equal(f.item("Microsoft.Dynamics.DataEntities.NoYes'Yes'").kind, CompletionItemKind.EnumMember);
    assert.equal(f.item("Microsoft.Dynamics.DataEntities.NoYes'Yes'").filterText, 'Yes');
    excludes(f, 'contains');
    const b = complete('customers?$filter=blocked eq |', bc(), 'bc');
    includes(b, "Microsoft.NAV.customerBlocked'Ship'", "Microsoft.NAV.customerBlocked'All'");
  });

  test('$orderby: members then asc/desc', () => {
    includes(complete('accounts?$orderby=|', crm()), 'name', 'revenue');
    assert.deepEqual(complete('accounts?$orderby=revenue |', crm()).labels.sort(), ['asc', 'desc']);
    includes(complete('accounts?$orderby=revenue desc,|', crm()), 'name');
  });

  test('$apply: transformations, members, with/as', () => {
    const r = complete('accounts?$apply=|', crm());
    includes(r, 'aggregate', 'groupby', 'filter');
    const agg = complete('accounts?$apply=aggregate(|', crm());
    includes(agg, '$count as', 'revenue with sum as');
    includes(complete('accounts?$apply=aggregate(revenue |', crm()), 'with');
    includes(complete('accounts?$apply=aggregate(revenue with |', crm()), 'sum', 'average');
    includes(complete('accounts?$apply=groupby((|', crm()), 'name', 'statecode');
    includes(complete('accounts?$apply=groupby((statecode),|', crm()), 'aggregate');
    includes(complete('accounts?$apply=filter(|', crm()), 'name', 'contains');
  });
});

suite('URL completion: request files', () => {
  test('a query continued on the next line', () => {
    const r = complete('GET accounts?$select=name\n    &$filter=rev|', crm());
    includes(r, 'revenue');
    assert.equal(r.replaced('revenue'), 'rev');
    const edit = r.item('revenue').textEdit as { range: { start: { line: number; character: number } } };
    assert.deepEqual(edit.range.start, { line: 1, character: 13 });
    includes(complete('GET accounts?$select=name\n    &|', crm()), '$filter');
  });

  test('variables in the URL do not break the context', () => {
    const r = complete('@id = 00000000-0000-0000-0000-000000000001\nGET accounts({{id}})/prim|', crm());
    includes(r, 'primarycontactid');
    assert.equal(r.replaced('primarycontactid'), 'prim');
  });

  test('not in a URL: null', () => {
    assert.equal(complete('GET accounts\nAccept: app|', crm()).list, null);
    assert.equal(complete('# a comment|', crm()).list, null);
  });

  test('without a model: option names and methods only, never a throw', () => {
    includes(complete('accounts?|', undefined), '$select', '$filter');
    includes(complete('|', undefined), 'GET', '$metadata');
    for (const text of ['accounts?$select=|', 'accounts?$filter=name |', "accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='|", 'accounts(|', 'accounts/|']) {
      const r = complete(text, undefined);
      assert.ok(r.list, text);
    }
    assert.deepEqual(complete('accounts?$select=|', undefined).labels, ['*']);
  });
});

suite('URL completion: real queries at every offset (mini-fuzz)', () => {
  test('no exception anywhere; reports the slowest completion', () => {
    const lines = readFileSync(join(corpus, 'queries', 'real-queries.txt'), 'utf8').split('\n').filter(Boolean);
    const model = crm();
    let max = 0;
    let maxAt = '';
    let calls = 0;
    let total = 0;
    for (const line of lines) {
      const query = line.slice(line.indexOf('\t') + 1);
      const document = createODataDocument('file:///q.odata', query);
      for (let offset = 0; offset <= query.length; offset++) {
        const start = performance.now();
        const list = completeUrl(document, offset, { model, flavor: 'dataverse' });
        const elapsed = performance.now() - start;
        total += elapsed;
        calls++;
        if (elapsed > max) {
          max = elapsed;
          maxAt = `${query.slice(0, offset)}|`;
        }
        if (list) for (const item of list.items) assert.ok(item.textEdit && item.kind !== undefined && item.sortText, `${query} @${offset}: ${item.label}`);
      }
    }
    console.log(`urlCompletion fuzz: ${calls} completions, mean ${(total / calls).toFixed(3)} ms, max ${max.toFixed(2)} ms at ${maxAt.slice(-80)}`);
  });
});
