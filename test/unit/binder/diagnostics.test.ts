/**
 * Every diagnostic code of the binder and checkUrl, each with the exact text its range covers.
 */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { bcModel, check, expectDiagnostics, expectNoErrors, fnoModel, genericModel, guid } from './binderHarness';
import { checkUrl, diagnosticCodes, type ModelIndex } from '../../../server/src/odata/index';

suite('names that resolve to nothing', () => {
  test('unknown-entity-set, with did-you-mean', () => {
    expectDiagnostics('acounts?$select=name', [
      { code: 'unknown-entity-set', text: 'acounts', suggestions: ['accounts'], message: "Unknown entity set 'acounts'. Did you mean 'accounts'?" },
    ]);
  });

  test('unknown-property in $select says which type and suggests the close name', () => {
    expectDiagnostics('accounts?$select=nmae', [
      { code: 'unknown-property', text: 'nmae', message: "Unknown property 'nmae' on Microsoft.Dynamics.CRM.account. Did you mean 'name'?" },
    ]);
  });

  test('a case-only mismatch is called out (Dataverse names are case-sensitive)', () => {
    const [d] = expectDiagnostics('accounts?$select=Name', [{ code: 'unknown-property', text: 'Name', suggestions: ['name'] }]);
    assert.match(d!.message, /case-sensitive: did you mean 'name'\?/);
  });

  test('unknown-property in $filter, $orderby and a navigation path', () => {
    expectDiagnostics("accounts?$filter=nmae eq 'x'&$orderby=revenu desc", [
      { code: 'unknown-property', text: 'nmae' },
      { code: 'unknown-property', text: 'revenu', suggestions: ['revenue'] },
    ]);
    expectDiagnostics("accounts?$filter=primarycontactid/fulname eq 'x'", [
      { code: 'unknown-property', text: 'fulname', message: 'Microsoft.Dynamics.CRM.contact' },
    ]);
  });

  test('unknown-property in the resource path', () => {
    expectDiagnostics(`accounts(${guid})/nmae`, [{ code: 'unknown-property', text: 'nmae' }]);
  });

  test('unknown-navigation-property in $expand', () => {
    expectDiagnostics('accounts?$expand=primarycontact($select=fullname)', [
      { code: 'unknown-navigation-property', text: 'primarycontact', message: "Did you mean 'primarycontactid'?" },
    ]);
  });

  test('unknown-type in cast/isof and enum literals', () => {
    expectDiagnostics('accounts?$filter=isof(Microsoft.Dynamics.CRM.acount)', [
      { code: 'unknown-type', text: 'Microsoft.Dynamics.CRM.acount', suggestions: ['Microsoft.Dynamics.CRM.account'] },
    ]);
    expectDiagnostics("Products?$filter=Colors has Sample.Colour'Red'", [{ code: 'unknown-type', text: "Sample.Colour'Red'" }], {
      model: genericModel(),
      flavor: 'generic',
    });
  });

  test('unknown-operation bound to an entity', () => {
    expectDiagnostics(`Products(1)/Sample.Discontinu`, [{ code: 'unknown-operation', text: 'Sample.Discontinu', suggestions: ['Sample.Discontinue'] }], {
      model: genericModel(),
      flavor: 'generic',
    });
  });

  test('unknown-function: canonical and namespace-qualified', () => {
    expectDiagnostics("accounts?$filter=contain(name,'a')", [{ code: 'unknown-function', text: 'contain', suggestions: ['contains'] }]);
    expectDiagnostics("accounts?$filter=Microsoft.Dynamics.CRM.LastXDay(PropertyName='createdon',PropertyValue=7)", [
      { code: 'unknown-function', text: 'Microsoft.Dynamics.CRM.LastXDay', message: "Did you mean 'Microsoft.Dynamics.CRM.LastXDays'" },
    ]);
  });

  test('unknown-parameter and missing-parameter of a Dataverse query function', () => {
    expectDiagnostics("accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyVal=7)", [
      { code: 'missing-parameter', text: 'Microsoft.Dynamics.CRM.LastXDays', message: "'PropertyValue' (Edm.Int64)" },
      { code: 'unknown-parameter', text: 'PropertyVal', suggestions: ['PropertyValue', 'PropertyName'] },
    ]);
  });

  test('PropertyName of a query function must name a property of the entity', () => {
    expectDiagnostics("accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdo',PropertyValue=7)", [
      { code: 'unknown-property', text: "'createdo'", suggestions: ['createdon', 'createdby'] },
    ]);
  });

  test('unknown-enum-member', () => {
    expectDiagnostics("CustomersV3?$filter=PersonGender eq Microsoft.Dynamics.DataEntities.Gender'Mael'", [
      { code: 'unknown-enum-member', text: "Microsoft.Dynamics.DataEntities.Gender'Mael'", suggestions: ['Male'] },
    ], { model: fnoModel(), flavor: 'fno' });
  });

  test('unknown-alias, and unused-alias as info', () => {
    expectDiagnostics("contacts?$select=fullname&$filter=Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1='lastname'", [
      { code: 'unknown-alias', text: '@p2', message: "add '&@p2=…'" },
    ]);
    expectDiagnostics("accounts?$filter=name eq @n&@n='x'&@unused=1", [{ code: 'unused-alias', text: '@unused', severity: 'info' }]);
  });

  test('an unknown system option (reported by the parser) gets a did-you-mean', () => {
    expectDiagnostics('accounts?$fitler=name', [
      { code: 'syntax.unknown-system-option', text: '$fitler', suggestions: ['$filter'], message: "Did you mean '$filter'?" },
    ]);
  });

  test('custom options are fine (F&O cross-company)', () => {
    expectDiagnostics('CustomersV3?cross-company=true', [], { model: fnoModel(), flavor: 'fno' });
  });
});

suite('wrong kind of thing', () => {
  test('not-a-navigation-property: $expand on a structural property or a lookup', () => {
    expectDiagnostics('accounts?$expand=name', [{ code: 'not-a-navigation-property', text: 'name', message: 'Use $select=name' }]);
    expectDiagnostics('accounts?$expand=_primarycontactid_value', [
      { code: 'not-a-navigation-property', text: '_primarycontactid_value', suggestions: ['primarycontactid'], message: "Expand the navigation property 'primarycontactid'" },
    ]);
  });

  test('not-a-collection: lambda over a single-valued navigation property, $count of a single value', () => {
    expectDiagnostics("accounts?$filter=primarycontactid/any(c:c/fullname eq 'x')", [{ code: 'not-a-collection', text: 'primarycontactid' }]);
    expectDiagnostics('accounts?$filter=primarycontactid/$count gt 1', [{ code: 'not-a-collection', text: 'primarycontactid' }]);
  });

  test('not-a-collection: a key on a single-valued navigation property', () => {
    expectDiagnostics(`accounts(${guid})/primarycontactid(${guid})`, [{ code: 'not-a-collection', text: `(${guid})` }]);
  });

  test('collection-not-allowed: a collection in the middle of a filter path', () => {
    expectDiagnostics("accounts?$filter=Account_Tasks/subject eq 'x'", [
      { code: 'collection-not-allowed', text: 'Account_Tasks', message: 'any(' },
    ]);
  });

  test('missing-key: a member of a collection without a key', () => {
    expectDiagnostics('accounts/name', [{ code: 'missing-key', text: 'name', message: 'accounts(<key>)/name' }]);
  });

  test('not-structured: a member after a primitive property', () => {
    expectDiagnostics(`accounts(${guid})/name/length`, [{ code: 'not-structured', text: 'length' }]);
  });

  test('invalid-cast: the type must derive from the current one', () => {
    expectDiagnostics('accounts/Microsoft.Dynamics.CRM.contact', [{ code: 'invalid-cast', text: 'Microsoft.Dynamics.CRM.contact' }]);
    expectNoErrors('Products/Sample.SpecialProduct?$select=Discount', { model: genericModel(), flavor: 'generic' });
  });

  test('select-through-navigation', () => {
    expectDiagnostics('accounts?$select=primarycontactid/fullname', [
      { code: 'select-through-navigation', text: 'primarycontactid', message: '$expand=primarycontactid($select=fullname)' },
    ]);
  });

  test('invalid-segment: $value on an entity without a stream', () => {
    expectDiagnostics(`accounts(${guid})/$value`, [{ code: 'invalid-segment', text: '$value' }]);
    expectNoErrors('Photos(1)/$value', { model: genericModel(), flavor: 'generic' });
  });
});

suite('types', () => {
  test('type-mismatch: function argument types', () => {
    expectDiagnostics("accounts?$filter=contains(revenue,'x')", [
      { code: 'type-mismatch', text: 'revenue', message: 'Argument 1 of contains must be Edm.String' },
    ]);
  });

  test('type-mismatch: comparing incompatible types', () => {
    expectDiagnostics("accounts?$filter=revenue eq 'abc'", [{ code: 'type-mismatch', text: "revenue eq 'abc'" }]);
    expectDiagnostics('accounts?$filter=name eq 5', [{ code: 'type-mismatch', text: 'name eq 5' }]);
  });

  test('type-mismatch: arithmetic on strings, non-boolean $filter', () => {
    expectDiagnostics("accounts?$filter=name add 1 eq 'x'", [{ code: 'type-mismatch', text: 'name add 1' }]);
    expectDiagnostics('accounts?$filter=name', [{ code: 'type-mismatch', text: 'name', message: 'must be Edm.Boolean' }]);
  });

  test('numeric promotion, null and date literals against date-time properties compare fine', () => {
    expectDiagnostics('accounts?$filter=revenue gt 5 and numberofemployees lt 10.5 and name ne null and createdon ge 2020-01-01', []);
  });

  test('guid-as-string: a quoted GUID against an Edm.Guid lookup is only an info (Dataverse accepts it)', () => {
    expectDiagnostics(`accounts?$filter=_owninguser_value eq '${guid}'&$select=name`, [
      { code: 'guid-as-string', severity: 'info', text: `_owninguser_value eq '${guid}'` },
    ]);
    expectDiagnostics("accounts?$filter=_owninguser_value eq 'not a guid'", [{ code: 'type-mismatch', message: 'is not a GUID' }]);
  });

  test('enum literals and has', () => {
    const options = { model: genericModel(), flavor: 'generic' as const };
    expectDiagnostics("Products?$filter=Colors has Sample.Color'Red,Blue' and Size eq Sample.Size'Large'", [], options);
    expectDiagnostics("Products?$filter=Name has Sample.Color'Red'", [{ code: 'type-mismatch', text: "Name has Sample.Color'Red'" }], options);
    expectDiagnostics("Products?$filter=Size eq 'Huge'", [{ code: 'unknown-enum-member', text: "'Huge'" }], options);
  });

  test('in lists are checked item by item', () => {
    expectDiagnostics("accounts?$filter=name in ('a','b',3)", [{ code: 'type-mismatch', text: '3' }]);
  });
});

suite('keys', () => {
  test('key-type: a quoted GUID where Dataverse expects a bare GUID', () => {
    expectDiagnostics(`accounts('${guid}')`, [{ code: 'key-type', text: `'${guid}'`, message: 'Write the GUID without quotes' }]);
  });

  test('key-arity: too many values, and F&O composite keys need every part', () => {
    expectDiagnostics(`accounts(${guid},${guid})`, [{ code: 'key-arity' }]);
    expectDiagnostics("CustomersV3(CustomerAccount='US-001')", [
      { code: 'key-arity', text: "CustomerAccount='US-001'", message: 'Missing: dataAreaId' },
    ], { model: fnoModel(), flavor: 'fno' });
    expectDiagnostics("CustomersV3('US-001')", [{ code: 'key-arity', message: 'composite key' }], { model: fnoModel(), flavor: 'fno' });
    expectDiagnostics("CustomersV3(dataAreaId='usmf',CustomerAccount='US-001')", [], { model: fnoModel(), flavor: 'fno' });
  });

  test('key-unknown-property', () => {
    expectDiagnostics("accounts(acountnumber='x')", [{ code: 'key-unknown-property', text: 'acountnumber', suggestions: ['accountnumber'] }]);
  });

  test('key-not-declared: properties that form no declared key are a warning', () => {
    expectDiagnostics("accounts(name='x')", [{ code: 'key-not-declared', severity: 'warning', text: "name='x'" }]);
  });

  test('alias values in keys', () => {
    expectDiagnostics(`accounts(@id)?@id=${guid}`, []);
  });
});

suite('query options', () => {
  test('option-not-allowed: $select after $value', () => {
    expectDiagnostics('Photos(1)/$value?$select=Id', [{ code: 'option-not-allowed', text: '$select', message: '/$value' }], {
      model: genericModel(),
      flavor: 'generic',
    });
  });

  test('option-not-allowed: duplicate option', () => {
    expectDiagnostics('accounts?$top=1&$top=2', [{ code: 'syntax.duplicate-option', text: '$top', message: 'more than once' }]);
    expectDiagnostics("accounts?$filter=name eq @a&@a='x'&@a='y'", [{ code: 'option-not-allowed', text: '@a', message: 'more than once' }]);
  });

  test('option-not-allowed: $expand on an operation returning a primitive', () => {
    expectDiagnostics('ProductCount()?$expand=Category', [{ code: 'option-not-allowed', text: '$expand' }], { model: genericModel(), flavor: 'generic' });
  });

  test('option-not-allowed: $levels outside $expand', () => {
    expectDiagnostics('accounts?$levels=2', [{ code: 'syntax.option-not-allowed', text: '$levels' }]);
    expectDiagnostics('accounts?$expand=primarycontactid($levels=2)', []);
  });

  test('invalid-option-value: $count must be a boolean', () => {
    const diagnostics = check('accounts?$count=yes');
    assert.ok(diagnostics.some((d) => d.severity === 'error'), JSON.stringify(diagnostics));
  });

  test('invalid-option-value or a syntax error: $top must be a non-negative integer', () => {
    const diagnostics = check('accounts?$top=-1');
    assert.ok(diagnostics.some((d) => d.code === 'invalid-option-value' || d.code.startsWith('syntax.')), JSON.stringify(diagnostics));
  });

  test('$compute aliases are usable in $select, $filter and $orderby', () => {
    expectNoErrors('Products?$compute=Price mul 2 as Double&$select=Name,Double&$filter=Double gt 10&$orderby=Double', { model: genericModel(), flavor: 'generic' });
  });

  test('$apply aggregate aliases are usable later', () => {
    expectNoErrors('accounts?$apply=groupby((statuscode),aggregate(revenue with sum as total))&$orderby=total desc');
    expectDiagnostics('accounts?$apply=aggregate(name with sum as total)', [{ code: 'type-mismatch', text: 'name' }]);
  });

  test('$orderby on a navigation property is a type error', () => {
    expectDiagnostics('accounts?$orderby=primarycontactid', [{ code: 'type-mismatch', text: 'primarycontactid' }]);
  });
});

suite('flavour rules', () => {
  test('dataverse.url-too-long beyond 32,768 characters', () => {
    const filter = Array.from({ length: 1700 }, (_, i) => `name eq 'n${i}'`).join(' or ');
    const text = `accounts?$filter=${filter}`;
    const diagnostics = check(text).filter((d) => d.code === 'dataverse.url-too-long');
    assert.equal(diagnostics.length, 1);
    assert.deepEqual(diagnostics[0]!.span, { start: 0, end: text.length });
    assert.equal(check(text, { flavor: 'generic' }).filter((d) => d.code === 'dataverse.url-too-long').length, 0);
  });

  test('dataverse.segment-too-long beyond 260 characters, suggesting parameter aliases', () => {
    const value = 'x'.repeat(280);
    expectDiagnostics(`accounts(accountnumber='${value}')`, [
      { code: 'dataverse.segment-too-long', text: `accounts(accountnumber='${value}')`, message: 'parameter aliases' },
      { code: 'key-not-declared' },
    ]);
  });

  test('dataverse.lookup-filter: filtering on the related id hints at the lookup column', () => {
    expectDiagnostics(`accounts?$filter=primarycontactid/contactid eq ${guid}`, [
      { code: 'dataverse.lookup-filter', severity: 'info', text: 'primarycontactid/contactid', suggestions: ['_primarycontactid_value'] },
    ]);
    expectDiagnostics(`accounts?$filter=_primarycontactid_value eq ${guid}`, []);
  });

  test('fno.expand-depth: nested $expand', () => {
    expectDiagnostics('SalesOrderHeadersV2?$expand=Customer($expand=SalesOrderHeadersV2)', [{ code: 'fno.expand-depth', text: '$expand' }], {
      model: fnoModel(),
      flavor: 'fno',
    });
    expectDiagnostics('SalesOrderHeadersV2?$expand=SalesOrderLines,Customer', [], { model: fnoModel(), flavor: 'fno' });
  });

  test('fno.operator-not-supported: has and in', () => {
    expectDiagnostics("CustomersV3?$filter=CustomerAccount in ('a','b')", [{ code: 'fno.operator-not-supported', text: 'in' }], {
      model: fnoModel(),
      flavor: 'fno',
    });
    expectDiagnostics("CustomersV3?$filter=PersonGender has Microsoft.Dynamics.DataEntities.Gender'Male'", [
      { code: 'fno.operator-not-supported', text: 'has' },
    ], { model: fnoModel(), flavor: 'fno' });
  });

  test('bc.path-outside-company', () => {
    expectDiagnostics('customers?$select=number', [{ code: 'bc.path-outside-company', text: 'customers', message: 'companies(<company id>)/customers' }], {
      model: bcModel(),
      flavor: 'bc',
    });
    expectDiagnostics(`companies(${guid})/customers?$select=number,displayName`, [], { model: bcModel(), flavor: 'bc' });
    expectDiagnostics(`companies(${guid})/salesCreditMemos(${guid})/Microsoft.NAV.cancelAndSend`, [], { model: bcModel(), flavor: 'bc' });
  });
});

suite('robustness', () => {
  test('internal-error: an exception inside becomes a diagnostic, never a throw', () => {
    const throwing = new Proxy({} as ModelIndex, {
      get() {
        throw new Error('boom');
      },
    });
    const diagnostics = checkUrl('accounts', throwing, { flavor: 'dataverse' });
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.code, 'internal-error');
    assert.match(diagnostics[0]!.message, /boom/);
  });

  test('garbage never throws', () => {
    for (const text of ['', '?', '(((', "accounts?$filter=(((('", 'accounts(?$expand=', '%%%', 'accounts?$filter=any(x:', '$metadata', '$batch', 'a/b/c/d/$count/$ref']) {
      assert.doesNotThrow(() => check(text));
    }
  });

  test('every emitted code is in the table', () => {
    for (const code of ['unknown-entity-set', 'type-mismatch', 'key-arity', 'fno.expand-depth', 'dataverse.url-too-long', 'bc.path-outside-company']) {
      assert.ok(diagnosticCodes[code], code);
    }
    const syntaxCodes = Object.keys(diagnosticCodes).filter((c) => c.startsWith('syntax.'));
    assert.ok(syntaxCodes.length > 0, 'the parser syntax codes are merged in');
  });
});
