/**
 * URL completion in the harder positions (`|` marks the cursor): Dataverse query function arguments,
 * enum members in comparisons and `in (…)` lists, `$compute`/`$apply` aliases, lambdas, parameter
 * aliases, `$orderby`, nested `$select`, `$levels` and `$search` — against the real CRM metadata and
 * the Dataverse, F&O and Business Central fixtures.
 */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { CompletionItemKind, InsertTextFormat } from 'vscode-languageserver-types';
import { bc, complete, crm, dataverse, excludes, fno, includes } from './urlCompletionHarness';

const CRM = 'Microsoft.Dynamics.CRM';

suite('URL completion: Dataverse query function arguments', () => {
  test('PropertyName completes property names inside the string for every query function of the model', () => {
    const model = crm();
    const functions = model.document.schemas.flatMap((s) => s.operations).filter((o) => o.kind === 'Function' && !o.isBound && o.parameters.some((p) => p.name === 'PropertyName'));
    assert.ok(functions.length >= 60, `${functions.length} query functions`);
    for (const fn of functions) {
      const r = complete(`accounts?$filter=${fn.fullName}(PropertyName='|`, model);
      includes(r, 'createdon', 'name', '_ownerid_value');
      assert.equal(r.item('name').kind, CompletionItemKind.Property);
    }
    for (const name of ['In', 'NotIn', 'Between', 'LastXDays', 'EqualUserOrUserHierarchy', 'Above']) {
      const closed = complete(`contacts?$filter=${CRM}.${name}(PropertyName='full|')`, model);
      includes(closed, 'fullname');
      assert.equal(closed.replaced('fullname'), 'full');
    }
    // ContainValues / DoesNotContainValues (multi-select choices) are in the Dataverse fixture.
    includes(complete(`accounts?$filter=${CRM}.ContainValues(PropertyName='|`, dataverse()), 'name');
  });

  test('property names of the kind the function compares come first', () => {
    const dates = complete(`accounts?$filter=${CRM}.LastXDays(PropertyName='|`, crm());
    assert.ok(dates.item('createdon').sortText! < dates.item('name').sortText!, 'dates first for LastXDays');
    const users = complete(`accounts?$filter=${CRM}.EqualUserOrUserHierarchy(PropertyName='|`, crm());
    assert.ok(users.item('_ownerid_value').sortText! < users.item('name').sortText!, 'GUIDs first for user functions');
    const any = complete(`accounts?$filter=${CRM}.In(PropertyName='|`, crm());
    assert.equal(any.item('createdon').sortText!.slice(0, 1), any.item('name').sortText!.slice(0, 1));
  });

  test('parameter names after ( and , — those not given yet', () => {
    const start = complete(`accounts?$filter=${CRM}.In(|`, crm());
    assert.deepEqual(start.labels, ['PropertyName=', 'PropertyValues=']);
    const name = start.item('PropertyName=');
    assert.equal(name.kind, CompletionItemKind.Variable);
    assert.equal(start.inserted('PropertyName='), "PropertyName='${1}'");
    assert.equal(name.insertTextFormat, InsertTextFormat.Snippet);
    assert.equal(name.command?.command, 'editor.action.triggerSuggest', 'property names follow inside the quotes');
    assert.deepEqual(complete(`accounts?$filter=${CRM}.In(PropertyName='name',|`, crm()).labels, ['PropertyValues=']);
    assert.deepEqual(complete(`accounts?$filter=${CRM}.LastXDays(PropertyName='createdon',Prop|`, crm()).labels, ['PropertyValue=']);
    assert.deepEqual(complete(`accounts?$filter=${CRM}.InFiscalPeriodAndYear(PropertyName='createdon',|`, crm()).labels, ['PropertyValue1=', 'PropertyValue2=']);
    assert.equal(complete(`accounts?$filter=${CRM}.In(Prop|`, crm()).replaced('PropertyName='), 'Prop');
  });

  test('PropertyName= without a quote yet: quoted property names', () => {
    const r = complete(`accounts?$filter=${CRM}.LastXDays(PropertyName=|`, crm());
    includes(r, "'createdon'", "'name'");
    const item = r.item("'createdon'");
    assert.equal(item.kind, CompletionItemKind.Property);
    assert.equal(item.filterText, 'createdon');
    assert.equal(item.detail, 'Edm.DateTimeOffset (nullable)');
  });

  test('PropertyValues: a JSON array of strings, then one quoted value after [ and ,', () => {
    const values = complete(`accounts?$filter=${CRM}.In(PropertyName='name',PropertyValues=|`, crm());
    assert.deepEqual(values.labels, ['["…"]']);
    assert.equal(values.inserted('["…"]'), '["${1}"]');
    const first = complete(`accounts?$filter=${CRM}.Between(PropertyName='numberofemployees',PropertyValues=[|`, crm());
    assert.deepEqual(first.labels, ['"…"']);
    assert.equal(first.inserted('"…"'), '"${1}"');
    // After a value: still inside the array (not the function's parameter names), also past a quote in a JSON string.
    assert.deepEqual(complete(`contacts?$filter=${CRM}.In(PropertyName='lastname',PropertyValues=["OBrian","O'Brian",|`, crm()).labels, ['"…"']);
    // Percent-encoded brackets and quotes.
    assert.deepEqual(complete(`accounts?$filter=${CRM}.In(PropertyName=%27name%27,PropertyValues=%5B%22a%22,|`, crm()).labels, ['"…"']);
    // A stray double quote in another option does not swallow the next option.
    includes(complete('accounts?$search="blue&$filter=na|', crm()), 'name');
    // After the call: operators.
    includes(complete(`contacts?$filter=${CRM}.In(PropertyName='lastname',PropertyValues=["O'Brian"]) |`, crm()), 'and', 'or');
  });

  test('PropertyValue: a typed literal hint per function', () => {
    const days = complete(`accounts?$filter=${CRM}.LastXDays(PropertyName='createdon',PropertyValue=|`, crm());
    assert.deepEqual(days.labels, ['1']);
    assert.equal(days.inserted('1'), '${1:1}');
    assert.match(days.item('1').detail ?? '', /Edm\.Int64/);
    const above = complete(`accounts?$filter=${CRM}.Above(PropertyName='accountid',PropertyValue=|`, crm());
    assert.equal(above.inserted("'00000000-0000-0000-0000-000000000000'"), "'${1:00000000-0000-0000-0000-000000000000}'");
    const on = complete(`accounts?$filter=${CRM}.On(PropertyName='createdon',PropertyValue=|`, crm());
    assert.equal(on.inserted("'2025-01-31'"), "'${1:2025-01-31}'");
    includes(complete(`accounts?$filter=${CRM}.Contains(PropertyName='name',PropertyValue=|`, crm()), "''");
  });

  test('nested: PropertyName inside $expand(...;$filter=…) uses the expanded type', () => {
    const r = complete(`accounts?$expand=contact_customer_accounts($select=fullname;$filter=${CRM}.LastXDays(PropertyName='|`, crm());
    includes(r, 'birthdate', 'fullname');
    excludes(r, 'accountnumber');
  });
});

suite('URL completion: enum members', () => {
  test('F&O: after eq the qualified literals, then the short forms', () => {
    const r = complete('CustomersV3?$filter=CreditLimitIsMandatory eq |', fno(), 'fno');
    const qualified = r.item("Microsoft.Dynamics.DataEntities.NoYes'Yes'");
    const short = r.item("'Yes'");
    assert.equal(short.kind, CompletionItemKind.EnumMember);
    assert.equal(short.filterText, 'Yes');
    assert.ok(qualified.sortText! < short.sortText!, 'the qualified form first');
    includes(complete('CustomersV3?$filter=CreditLimitIsMandatory ne |', fno(), 'fno'), "Microsoft.Dynamics.DataEntities.NoYes'No'", "'No'");
  });

  test('in (…): members after ( and after ,', () => {
    const b = complete('customers?$filter=blocked in (|', bc(), 'bc');
    includes(b, "Microsoft.NAV.customerBlocked'Ship'", "Microsoft.NAV.customerBlocked'All'");
    excludes(b, "'Ship'", 'displayName', 'contains');
    const next = complete("customers?$filter=blocked in (Microsoft.NAV.customerBlocked'Ship',|", bc(), 'bc');
    includes(next, "Microsoft.NAV.customerBlocked'Invoice'");
    excludes(next, 'displayName');
    includes(complete('customers?$filter=blocked has |', bc(), 'bc'), "Microsoft.NAV.customerBlocked'Invoice'");
    // A Boolean operand: true/false.
    assert.deepEqual(complete('accounts?$filter=donotemail in (|', crm()).labels, ['true', 'false']);
    // Another operand: the usual expression start.
    includes(complete('accounts?$filter=statecode in (|', crm()), 'name');
  });

  test('an enum-typed function parameter offers the members', () => {
    const r = complete(`GET InitializeFrom(EntityMoniker=@m,TargetEntityName='contact',TargetFieldType=|`, crm());
    includes(r, `${CRM}.TargetFieldType'All'`);
  });
});

suite('URL completion: $compute and $apply aliases', () => {
  test('$compute aliases in $select, $orderby and $filter with their type', () => {
    const select = complete('accounts?$compute=revenue mul 2 as doubled&$select=|', crm());
    const doubled = select.item('doubled');
    assert.equal(doubled.kind, CompletionItemKind.Field);
    assert.equal(doubled.detail, 'Edm.Decimal (computed)');
    includes(select, 'name');
    excludes(complete('accounts?$compute=revenue mul 2 as doubled&$select=doubled,|', crm()), 'doubled');
    assert.equal(complete('accounts?$compute=revenue mul 2 as doubled&$orderby=dou|', crm()).replaced('doubled'), 'dou');
    includes(complete("accounts?$compute=revenue mul 2 as doubled&$filter=name eq 'x' and |", crm()), 'doubled');
    includes(complete('accounts?$compute=revenue mul 2 as doubled&$filter=doubled |', crm()), 'gt');
    // Not inside $compute itself.
    excludes(complete('accounts?$compute=revenue mul 2 as doubled,|', crm()), 'doubled');
    // Nested $compute inside $expand.
    includes(complete('accounts?$expand=contact_customer_accounts($compute=annualincome mul 2 as twice;$select=|)', crm()), 'twice', 'fullname');
  });

  test('$apply aliases afterwards: in later options and in later transformations', () => {
    const orderby = complete('accounts?$apply=aggregate(revenue with sum as total)&$orderby=|', crm());
    assert.equal(orderby.item('total').detail, 'Edm.Decimal (computed)');
    includes(complete('accounts?$apply=groupby((name),aggregate(revenue with sum as total))&$filter=|', crm()), 'total');
    includes(complete('accounts?$apply=groupby((name),aggregate($count as n))&$select=|', crm()), 'n');
    includes(complete('accounts?$apply=groupby((name),aggregate(revenue with sum as total))/filter(|', crm()), 'total', 'name');
    const typed = complete('accounts?$apply=aggregate(createdon with max as last,accountid with countdistinct as n)/orderby(|', crm());
    assert.equal(typed.item('last').detail, 'Edm.DateTimeOffset (computed)');
    assert.equal(typed.item('n').detail, 'Edm.Int32 (computed)');
    excludes(complete('accounts?$apply=filter(statecode eq 0)/aggregate(|', crm()), 'total');
  });

  test('transformations at the start and after /, aggregation methods after with', () => {
    const transformations = ['aggregate', 'groupby', 'filter', 'compute', 'orderby', 'top', 'skip', 'search', 'concat'];
    includes(complete('accounts?$apply=|', crm()), ...transformations);
    excludes(complete('accounts?$apply=|', crm()), 'expand'); // a draft's transformation the parser (Data Aggregation 4.0) rejects
    const after = complete('accounts?$apply=filter(statecode eq 0)/|', crm());
    includes(after, ...transformations);
    assert.equal(after.inserted('groupby'), 'groupby((${1}))');
    includes(complete('accounts?$apply=groupby((name),aggregate(revenue with sum as total))/|', crm()), 'filter', 'orderby');
    assert.deepEqual(complete('accounts?$apply=aggregate(revenue with |', crm()).labels, ['sum', 'min', 'max', 'average', 'countdistinct']);
    assert.equal(complete('accounts?$apply=aggregate(revenue with av|', crm()).replaced('average'), 'av');
  });
});

suite('URL completion: lambdas', () => {
  test('members of the variable, nested lambdas, the variables themselves and the outer $it', () => {
    const members = complete('accounts?$filter=contact_customer_accounts/any(a: a/|', crm());
    includes(members, 'fullname', 'opportunity_customer_contacts');
    excludes(members, 'accountnumber');
    const nested = complete('accounts?$filter=contact_customer_accounts/any(a: a/opportunity_customer_contacts/all(c: c/|', crm());
    includes(nested, 'estimatedvalue', 'name');
    excludes(nested, 'fullname');
    const variables = complete('accounts?$filter=contact_customer_accounts/any(a: a/opportunity_customer_contacts/all(c: |', crm());
    includes(variables, 'a', 'c', '$it');
    assert.equal(variables.item('c').kind, CompletionItemKind.Variable);
    assert.equal(variables.item('c').detail, 'lambda variable: opportunity');
    assert.equal(variables.item('a').detail, 'lambda variable: contact');
    const outer = complete("accounts?$filter=contact_customer_accounts/any(a: a/fullname eq $it/|", crm());
    includes(outer, 'name', 'accountnumber');
    const compared = complete('accounts?$filter=contact_customer_accounts/any(a: a/opportunity_customer_contacts/all(c: c/name eq a/|', crm());
    includes(compared, 'fullname');
  });

  test('inside a nested $expand(...;$filter=…any(…))', () => {
    const r = complete('accounts?$expand=contact_customer_accounts($select=fullname;$filter=opportunity_customer_contacts/any(o: o/|', crm());
    includes(r, 'estimatedvalue');
    excludes(r, 'fullname', 'accountnumber');
    const two = complete('accounts?$expand=contact_customer_accounts($expand=opportunity_customer_contacts($filter=Opportunity_Tasks/any(t: t/|', crm());
    includes(two, 'subject');
    excludes(two, 'estimatedvalue');
    includes(complete("accounts?$expand=contact_customer_accounts($filter=opportunity_customer_contacts/any(o: o/name eq 'x' and |", crm()), 'o', 'fullname');
  });
});

suite('URL completion: parameter aliases', () => {
  test('defined aliases (with their value) and aliases used but not defined yet', () => {
    const r = complete("accounts?$filter=name eq @|&@p1='x'", crm());
    const p1 = r.item('@p1');
    assert.equal(p1.kind, CompletionItemKind.Variable);
    assert.equal(p1.detail, "parameter alias = 'x'");
    assert.equal(r.replaced('@p1'), '@');
    const used = complete('accounts?$filter=name eq @p1 or name eq @|', crm());
    assert.equal(used.item('@p1').detail, 'parameter alias (not defined yet)');
    excludes(used, '@');
  });

  test('function parameter values accept aliases', () => {
    const r = complete(`accounts?$filter=${CRM}.LastXDays(PropertyName=@p1,PropertyValue=|)&@p1='createdon'&@p2=3`, crm());
    includes(r, '@p1', '@p2', '1');
    includes(complete('GET GetTimeZoneCodeByLocalizedName(LocalizedStandardName=@n,LocaleId=|)?@n=\'x\'&@l=1033', crm()), '@n', '@l', '1');
    assert.deepEqual(complete('GET GetTimeZoneCodeByLocalizedName(LocalizedStandardName=@n,|', crm()).labels, ['LocaleId=']);
  });

  test('an alias value takes the values of the parameter it is given to', () => {
    const name = complete(`accounts?$filter=${CRM}.LastXDays(PropertyName=@p1,PropertyValue=@p2)&@p1=|`, crm());
    includes(name, "'createdon'");
    excludes(name, 'contains');
    assert.deepEqual(complete(`accounts?$filter=${CRM}.LastXDays(PropertyName=@p1,PropertyValue=@p2)&@p1='createdon'&@p2=|`, crm()).labels, ['1']);
    assert.deepEqual(complete(`contacts?$filter=${CRM}.In(PropertyName=@p1,PropertyValues=@p2)&@p1='lastname'&@p2=|`, crm()).labels, ['["…"]']);
    // Not given to a parameter: an expression.
    includes(complete('accounts?$filter=name eq @p1&@p1=|', crm()), 'name', 'true');
  });
});

suite('URL completion: $orderby, nested $select, $levels, $search', () => {
  test('$orderby: asc/desc after a member, members again after a comma, also nested', () => {
    assert.deepEqual(complete('accounts?$orderby=name |', crm()).labels.sort(), ['asc', 'desc']);
    const next = complete('accounts?$orderby=name desc,|', crm());
    includes(next, 'revenue', 'primarycontactid');
    excludes(next, 'asc', 'contains');
    assert.deepEqual(complete('accounts?$expand=primarycontactid($orderby=fullname |', crm()).labels.sort(), ['asc', 'desc']);
    includes(complete('accounts?$expand=primarycontactid($orderby=fullname desc,|', crm()), 'firstname');
  });

  test('$select inside a nested $expand gives the target type members', () => {
    const r = complete('accounts?$expand=primarycontactid($select=fullname,|', crm());
    includes(r, 'firstname', '_parentcustomerid_value');
    excludes(r, 'fullname', 'accountnumber', 'contact_customer_accounts');
    includes(complete('SalesOrderHeadersV2?$expand=SalesOrderLines($select=|', fno(), 'fno'), 'ItemNumber');
  });

  test('$levels only for a navigation property back to its own type, where the flavour has it', () => {
    includes(complete('accounts?$expand=parentaccountid(|', crm(), 'generic'), '$levels');
    includes(complete('accounts?$expand=parentaccountid($select=name;|', crm(), 'bc'), '$levels');
    excludes(complete('accounts?$expand=primarycontactid(|', crm(), 'generic'), '$levels');
    excludes(complete('accounts?$expand=parentaccountid(|', crm()), '$levels');
    includes(complete('accounts?$expand=parentaccountid($levels=|', crm(), 'generic'), 'max', '2');
  });

  test('$search: no member completion', () => {
    assert.deepEqual(complete('accounts?$search=|', crm()).labels, []);
    assert.deepEqual(complete('accounts?$search=blue |', crm()).labels, []);
    assert.deepEqual(complete('accounts?$expand=primarycontactid($search=|', crm(), 'generic').labels, []);
  });
});
