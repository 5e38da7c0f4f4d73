// The project's hand-written metadata fixtures (Dataverse sample environment, F&O, Business Central) and the
// benchmark generator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsdl } from '../../../server/src/odata/csdl/csdlReader';
import { createModelIndex, type ModelIndex } from '../../../server/src/odata/csdl/modelIndex';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
function load(name: string): ModelIndex {
  const doc = readCsdl(readFileSync(resolve(repoRoot, 'test', 'fixtures', 'metadata', name), 'utf8'));
  assert.deepEqual(doc.errors, []);
  return createModelIndex(doc);
}

test('dataverse-sample.xml: tables, keys, lookups both ways, alternate key, descriptions', () => {
  const index = load('dataverse-sample.xml');
  assert.equal(index.document.schemas[0].alias, 'mscrm');
  assert.equal(index.container?.name, 'System');
  assert.deepEqual(
    index.entitySets().map((s) => s.name),
    ['systemusers', 'teams', 'transactioncurrencies', 'accounts', 'contacts', 'leads', 'opportunities', 'incidents', 'activitypointers', 'tasks', 'emails', 'opportunitycloses'],
  );
  const account = index.findStructuredType('mscrm.account')!;
  assert.deepEqual(index.key(account), [{ name: 'accountid' }]);
  assert.equal(index.properties(account).length, 42);
  assert.deepEqual(index.findProperty(account, 'revenue')?.type, { name: 'Edm.Decimal', collection: false, nullable: true, scale: 'variable' });
  assert.equal(index.findProperty(account, 'numberofemployees')?.type.name, 'Edm.Int32');
  assert.equal(index.findProperty(account, 'createdon')?.type.name, 'Edm.DateTimeOffset');
  assert.deepEqual(index.alternateKeys(account), [
    { parts: [{ name: 'accountnumber', alias: 'accountnumber' }], source: 'OData.Community.Keys.V1.AlternateKeys' },
  ]);
  assert.deepEqual(index.findLookupProperty(account, '_primarycontactid_value')?.navigationProperties.map((n) => n.name), ['primarycontactid']);
  assert.equal(index.findNavigationProperty(account, 'contact_customer_accounts')?.type.name, 'Microsoft.Dynamics.CRM.contact');
  assert.equal(index.findNavigationProperty(account, 'contact_customer_accounts')?.type.collection, true);
  assert.equal(index.findNavigationProperty(account, 'Account_Tasks')?.partner, 'regardingobjectid_account_task');
  assert.equal(index.findNavigationProperty(account, 'opportunity_parent_account')?.type.collection, true);
  const contact = index.findStructuredType('Microsoft.Dynamics.CRM.contact')!;
  assert.deepEqual(
    index.findLookupProperty(contact, '_parentcustomerid_value')?.navigationProperties.map((n) => n.name),
    ['parentcustomerid_account', 'parentcustomerid_contact'],
  );
  assert.equal(index.navigationTarget(index.findEntitySet('contacts')!, 'parentcustomerid_account')?.name, 'accounts');
  assert.equal(index.navigationTarget(index.findEntitySet('accounts')!, 'Account_Tasks')?.name, 'tasks');
  // Activities: task inherits the key and regarding lookups from activitypointer.
  const task = index.findStructuredType('mscrm.task')!;
  assert.deepEqual(index.key(task), [{ name: 'activityid' }]);
  assert.ok(index.findLookupProperty(task, '_regardingobjectid_value')!.navigationProperties.some((n) => n.name === 'regardingobjectid_account_task'));
  assert.equal(index.navigationTarget(index.findEntitySet('activitypointers')!, 'mscrm.task/regardingobjectid_account_task')?.name, 'accounts');
  // Descriptions (one written with the Core alias).
  assert.equal(index.description('mscrm.account/name'), 'Type the company or business name.');
  assert.match(index.description('mscrm.account') ?? '', /^Business that represents a customer/);
  assert.equal(index.description('Microsoft.Dynamics.CRM.System/accounts'), 'Accounts of the organization.');
  // Operations.
  assert.equal(index.findOperations('mscrm.WinOpportunity')[0].kind, 'Action');
  assert.equal(index.findActionImport('WinOpportunity')?.action, 'Microsoft.Dynamics.CRM.WinOpportunity');
  assert.equal(index.findFunctionImport('WhoAmI')?.function, 'Microsoft.Dynamics.CRM.WhoAmI');
  assert.deepEqual(index.findOperations('mscrm.WhoAmI')[0].returnType?.name, 'Microsoft.Dynamics.CRM.WhoAmIResponse');
  for (const fn of ['LastXDays', 'Between', 'In', 'Today', 'EqualUserId']) {
    const op = index.findOperations(`Microsoft.Dynamics.CRM.${fn}`);
    assert.equal(op.length, 1, fn);
    assert.equal(op[0].isBound, false, fn);
    assert.equal(op[0].parameters[0].name, 'PropertyName', fn);
  }
  assert.deepEqual(index.findOperations('mscrm.Between')[0].parameters[1].type, {
    name: 'Edm.String',
    collection: true,
    nullable: false,
    unicode: false,
  });
  assert.deepEqual(index.boundOperations('mscrm.opportunity', false).map((o) => o.name), ['contoso_RecalculateForecast']);
  assert.deepEqual(index.boundOperations('mscrm.task', false).map((o) => o.name), ['contoso_AssignToQueue']);
  assert.deepEqual(index.boundOperations('mscrm.account', true).map((o) => o.name), ['contoso_TopAccounts']);
  assert.equal(index.findEnumType('mscrm.EntityFilters')?.isFlags, true);
  // ~10 tables with 15-40+ columns each.
  for (const name of ['account', 'contact', 'lead', 'opportunity', 'incident', 'task', 'email', 'systemuser']) {
    const n = index.properties(index.findStructuredType(`mscrm.${name}`)!).length;
    assert.ok(n >= 15 && n <= 45, `${name}: ${n}`);
  }
});

test('fno-sample.xml: composite keys with dataAreaId, set name differs from type, enums', () => {
  const index = load('fno-sample.xml');
  const customers = index.findEntitySet('CustomersV3')!;
  assert.equal(customers.entityType, 'Microsoft.Dynamics.DataEntities.CustomerV3');
  const customer = index.findStructuredType(customers.entityType)!;
  assert.deepEqual(index.key(customer), [{ name: 'dataAreaId' }, { name: 'CustomerAccount' }]);
  assert.equal(index.findProperty(customer, 'CreditLimitIsMandatory')?.type.name, 'Microsoft.Dynamics.DataEntities.NoYes');
  assert.deepEqual(index.findEnumType('Microsoft.Dynamics.DataEntities.NoYes')?.members.map((m) => [m.name, m.value]), [
    ['No', 0],
    ['Yes', 1],
  ]);
  assert.deepEqual(index.entitySets().map((s) => s.name), [
    'CustomersV3',
    'Customers',
    'FleetCustomers',
    'SalesOrderHeadersV2',
    'SalesOrderLines',
    'ReleasedProductsV2',
    'VendorsV2',
    'LegalEntities',
    'Currencies',
  ]);
  // The enum fields of the documented queries; Currencies is shared (no dataAreaId in its key).
  assert.equal(index.findProperty(customer, 'PersonGender')?.type.name, 'Microsoft.Dynamics.DataEntities.Gender');
  assert.deepEqual(index.findEnumType('Microsoft.Dynamics.DataEntities.Gender')?.members.map((m) => m.name), ['Unknown', 'Male', 'Female', 'NonSpecific']);
  const currency = index.findStructuredType(index.findEntitySet('Currencies')!.entityType)!;
  assert.equal(currency.name, 'Currency');
  assert.deepEqual(index.key(currency), [{ name: 'CurrencyCode' }]);
  assert.equal(index.findProperty(currency, 'ReferenceCurrencyForTriangulation')?.type.name, 'Microsoft.Dynamics.DataEntities.NoYes');
  const legacyCustomer = index.findStructuredType(index.findEntitySet('Customers')!.entityType)!;
  assert.ok(index.findProperty(legacyCustomer, 'FirstName') && index.findProperty(legacyCustomer, 'LastName'));
  const lines = index.findStructuredType('Microsoft.Dynamics.DataEntities.SalesOrderLine')!;
  assert.deepEqual(index.findNavigationProperty(lines, 'SalesOrderHeader')?.referentialConstraints.map((c) => c.property), ['dataAreaId', 'SalesOrderNumber']);
  assert.equal(index.navigationTarget(index.findEntitySet('SalesOrderHeadersV2')!, 'SalesOrderLines')?.name, 'SalesOrderLines');
  assert.equal(index.description('Microsoft.Dynamics.DataEntities.CustomerV3')?.startsWith('Customers (V3)'), true);
  assert.deepEqual(index.boundOperations('Microsoft.Dynamics.DataEntities.SalesOrderHeaderV2', true).map((o) => o.name), ['confirmSalesOrders']);
});

test('bc-sample.xml: companies contain the company-scoped entities, GUID keys', () => {
  const index = load('bc-sample.xml');
  assert.equal(index.container?.fullName, 'Microsoft.NAV.NAV');
  const company = index.findStructuredType('Microsoft.NAV.company')!;
  const contained = index.navigationProperties(company).filter((n) => n.containsTarget).map((n) => n.name);
  const companyScoped = [
    'customers',
    'vendors',
    'items',
    'salesOrders',
    'salesOrderLines',
    'salesInvoices',
    'salesCreditMemos',
    'salesQuotes',
    'salesQuoteLines',
    'customerReturnReasons',
    'projects',
    'generalLedgerSetups',
  ];
  assert.deepEqual(contained, companyScoped);
  for (const set of ['companies', ...companyScoped]) {
    const s = index.findEntitySet(set)!;
    assert.ok(s, set);
    const t = index.findStructuredType(s.entityType)!;
    assert.deepEqual(index.key(t), [{ name: 'id' }], set);
    assert.equal(index.findProperty(t, 'id')?.type.name, 'Edm.Guid', set);
  }
  assert.deepEqual(index.findEnumType('Microsoft.NAV.salesOrderStatus')?.members.map((m) => m.name), ['Draft', 'In_x0020_Review', 'Open', 'Released']);
  assert.deepEqual(index.boundOperations('Microsoft.NAV.salesOrder', false).map((o) => o.name), ['shipAndInvoice']);
  assert.deepEqual(index.boundOperations('Microsoft.NAV.salesCreditMemo', false).map((o) => o.name), ['cancelAndSend']);
  // A single-valued contained part: salesInvoices({id})/pdfDocument, whose content is a stream.
  const pdf = index.findNavigationProperty(index.findStructuredType('Microsoft.NAV.salesInvoice')!, 'pdfDocument')!;
  assert.deepEqual([pdf.type.name, pdf.type.collection, pdf.containsTarget], ['Microsoft.NAV.pdfDocument', false, true]);
  assert.equal(index.findProperty(index.findStructuredType('Microsoft.NAV.pdfDocument')!, 'pdfDocumentContent')?.type.name, 'Edm.Stream');
});
