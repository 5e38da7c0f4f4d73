/**
 * Business Central API pages: Microsoft's naming rules (camelCase alphanumeric publisher, group, entity and
 * field names; vX.Y or beta versions; plural entity set), the AL page with the documented properties, the
 * `.odata` call on the custom route, and the guided input refusing bad answers with the rule's message.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bcApiRoute,
  generateBcApiPage,
  generateBcODataCall,
  pluralize,
  runBcApiPageWizard,
  toCamelCase,
  validateApiVersion,
  validateBcApiPage,
  validateCamelCase,
  validateEntitySetName,
  type BcApiPage,
} from '../../../client/src/features/scaffolding/bcApiPage';
import { ScriptedPrompter } from '../../../client/src/features/scaffolding/wizard';
import { parseRequestFile } from '../../../server/src/odata/index';

const page: BcApiPage = {
  id: 50100,
  name: 'Contoso Customer API',
  publisher: 'contoso',
  group: 'sales',
  version: 'v1.0',
  entityName: 'customer',
  entitySetName: 'customers',
  sourceTable: 'Customer',
  fields: [
    { apiName: 'number', source: 'No.' },
    { apiName: 'displayName', source: 'Name' },
    { apiName: 'creditLimit', source: 'Credit Limit (LCY)' },
  ],
};

describe('Business Central API page: naming rules', () => {
  test('camelCase, alphanumeric', () => {
    assert.equal(validateCamelCase('API publisher', 'contoso'), undefined);
    assert.equal(validateCamelCase('API group', 'salesOrders2'), undefined);
    assert.equal(validateCamelCase('API publisher', 'Contoso'), "The API publisher 'Contoso' must be camelCase: start with a lower-case letter, like 'contoso'.");
    assert.equal(validateCamelCase('API group', 'sales-orders'), "The API group 'sales-orders' may contain only letters and digits (A-Z, a-z, 0-9): no spaces, dots or dashes.");
    assert.equal(validateCamelCase('entity name', 'sales order'), "The entity name 'sales order' may contain only letters and digits (A-Z, a-z, 0-9): no spaces, dots or dashes.");
    assert.equal(validateCamelCase('entity name', ''), 'Enter the entity name.');
  });

  test('version vX.Y or beta', () => {
    for (const ok of ['v1.0', 'v2.15', 'beta']) assert.equal(validateApiVersion(ok), undefined, ok);
    for (const bad of ['1.0', 'v1', 'V1.0', 'Beta', 'v1.0.0']) assert.equal(validateApiVersion(bad), `The API version '${bad}' must be vX.Y (like v1.0) or beta.`, bad);
  });

  test('entity set: the plural of the entity name', () => {
    assert.equal(validateEntitySetName('customers', 'customer'), undefined);
    assert.equal(validateEntitySetName('customer', 'customer'), "The entity set name must be the plural of the entity name 'customer' (for example 'customers'), not the same word.");
    assert.equal(validateEntitySetName('customerList', 'customer'), "The entity set name 'customerList' should be plural (for example 'customers').");
    assert.equal(pluralize('salesOrderEntity'), 'salesOrderEntities');
    assert.equal(pluralize('address'), 'addresses');
  });

  test('field names from AL names', () => {
    assert.equal(toCamelCase('No.'), 'number');
    assert.equal(toCamelCase('Display Name'), 'displayName');
    assert.equal(toCamelCase('Credit Limit (LCY)'), 'creditLimitLCY');
    assert.equal(toCamelCase('E-Mail'), 'eMail');
    assert.equal(toCamelCase('Sales Header'), 'salesHeader');
  });

  test('a whole page: every violation listed', () => {
    assert.deepEqual(validateBcApiPage(page), []);
    const bad = { ...page, id: 0, name: 'A very long object name for an API page', publisher: 'Contoso', version: '1', fields: [...page.fields, { apiName: 'number', source: 'No. 2' }] };
    assert.deepEqual(validateBcApiPage(bad), [
      "'0' is not an object ID: use a whole number such as 50100 (in your extension's ID range).",
      'The object name is 39 characters long; AL allows at most 30.',
      "The API publisher 'Contoso' must be camelCase: start with a lower-case letter, like 'contoso'.",
      "The API version '1' must be vX.Y (like v1.0) or beta.",
      "The field name 'number' is already used on this page ('id' is the SystemId key).",
    ]);
  });
});

describe('Business Central API page: generated files', () => {
  test('the AL page has the documented API properties and camelCase fields', () => {
    const al = generateBcApiPage(page);
    assert.match(al, /^page 50100 "Contoso Customer API"\n\{/);
    for (const line of [
      'PageType = API;',
      "APIPublisher = 'contoso';",
      "APIGroup = 'sales';",
      "APIVersion = 'v1.0';",
      "EntityName = 'customer';",
      "EntitySetName = 'customers';",
      'SourceTable = Customer;',
      'ODataKeyFields = SystemId;',
      'DelayedInsert = true;',
      'field(id; Rec.SystemId)',
      'field(number; Rec."No.")',
      'field(displayName; Rec.Name)',
      'field(creditLimit; Rec."Credit Limit (LCY)")',
      "Caption = 'Display Name';",
    ]) {
      assert.ok(al.includes(line), line);
    }
    assert.match(generateBcApiPage({ ...page, sourceTable: 'Sales Header' }), /SourceTable = "Sales Header";/);
    assert.equal((al.match(/{/g) ?? []).length, (al.match(/}/g) ?? []).length);
  });

  test('the .odata call uses the custom route under a company', () => {
    assert.equal(bcApiRoute(page, 'abc'), 'api/contoso/sales/v1.0/companies(abc)/customers');
    const relative = generateBcODataCall(page);
    assert.match(relative, /^GET api\/contoso\/sales\/v1\.0\/companies\(\{\{companyId\}\}\)\/customers\?\$top=10$/m);
    assert.match(relative, /relative to https:\/\/api\.businesscentral\.dynamics\.com\/v2\.0\/\{tenant\}\/\{environment\}\//);
    const absolute = generateBcODataCall(page, { serviceRoot: 'https://api.businesscentral.dynamics.com/v2.0/t1/production/api/v2.0/', environment: 'bc-prod' });
    assert.match(absolute, /^GET https:\/\/api\.businesscentral\.dynamics\.com\/v2\.0\/t1\/production\/api\/contoso\/sales\/v1\.0\/companies\(\{\{companyId\}\}\)\/customers\?\$top=10$/m);
    assert.match(absolute, /^@environment = bc-prod$/m);
    const file = parseRequestFile(absolute);
    assert.equal(file.requests.length, 2);
    assert.equal(file.requests[1]!.method, 'POST');
    assert.deepEqual(JSON.parse(absolute.slice(absolute.lastIndexOf('\n{') + 1)), { number: '', displayName: '', creditLimit: '' });
  });
});

describe('Business Central API page: the guided input', () => {
  test('refuses names against the rules with their messages and builds the page', async () => {
    const prompter = new ScriptedPrompter([
      'Contoso', // publisher: not camelCase
      'contoso',
      'sales orders', // group: not alphanumeric
      'sales',
      '1.0', // version
      'v1.0',
      'Customer',
      true, // entity name: toCamelCase('Customer') = 'customer'
      'customer', // entity set: same as entity name
      true, // the default plural
      'x50100',
      '50100',
      'Contoso Customer API',
      'No.',
      true, // number
      'Name',
      'id', // reserved
      'displayName',
      '',
    ]);
    const result = await runBcApiPageWizard(prompter);
    assert.equal(prompter.remaining, 0);
    assert.deepEqual(prompter.rejections.map((r) => r.message), [
      "The API publisher 'Contoso' must be camelCase: start with a lower-case letter, like 'contoso'.",
      "The API group 'sales orders' may contain only letters and digits (A-Z, a-z, 0-9): no spaces, dots or dashes.",
      "The API version '1.0' must be vX.Y (like v1.0) or beta.",
      "The entity set name must be the plural of the entity name 'customer' (for example 'customers'), not the same word.",
      "'x50100' is not an object ID: use a whole number such as 50100 (in your extension's ID range).",
      "The field name 'id' is already used on this page ('id' is the SystemId key).",
    ]);
    assert.deepEqual(result, { ...page, fields: page.fields.slice(0, 2) });
  });
});
