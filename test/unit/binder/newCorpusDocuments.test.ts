/**
 * The two real documents added to ../shared/corpus/metadata for issue 14 load, are detected as their flavour,
 * and complete: the Dataverse v9.1 org (davidmoten-odata-client__dynamics-crm4-v9.1-metadata.xml) and the Business
 * Central ODataV4 web-services document (coolrunner-business-central-php__bcmetadata-odatav4.xml, namespace NAV).
 * Completion lists cut to the server's limit (200) with nothing typed keep what most likely comes next: after
 * `accounts(…)/` the navigation properties (and bound operations) before the entity's columns.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import type { CompletionItem } from 'vscode-languageserver-types';
import { limitCompletionList } from '../../../server/src/lsp/languageFeatures';
import { checkUrl, createModelIndex, detectFlavor, readCsdl, type Flavor, type ModelIndex } from '../../../server/src/odata/index';
import { createODataDocument } from '../../../server/src/odata/services/serviceContext';
import { completeUrl } from '../../../server/src/odata/services/urlCompletion';
import { corpus, guid } from './binderHarness';

const documents = {
  dataverse91: join(corpus, 'metadata', 'davidmoten-odata-client__dynamics-crm4-v9.1-metadata.xml'),
  bcOdataV4: join(corpus, 'metadata', 'coolrunner-business-central-php__bcmetadata-odatav4.xml'),
  crmV8: join(corpus, 'metadata', 'simpleodata__crm_schema.xml'),
};

const loaded = new Map<string, { model: ModelIndex; flavor: Flavor; entityTypes: number; errors: number }>();
function load(path: string): { model: ModelIndex; flavor: Flavor; entityTypes: number; errors: number } {
  let entry = loaded.get(path);
  if (!entry) {
    const document = readCsdl(readFileSync(path, 'utf8'));
    entry = {
      model: createModelIndex(document),
      flavor: detectFlavor(document),
      entityTypes: document.schemas.reduce((n, s) => n + s.entityTypes.length, 0),
      errors: document.errors.filter((e) => e.severity === 'error').length,
    };
    loaded.set(path, entry);
  }
  return entry;
}

/** Completion at the `|` with the server's limit, then the server's cut (as languageFeatures.ts sends it). */
function complete(marked: string, path: string, limit = 200): CompletionItem[] {
  const { model, flavor } = load(path);
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const document = createODataDocument('file:///t.odata', text);
  const list = completeUrl(document, offset, { model, flavor, completionLimit: limit });
  assert.ok(list, `a completion list at ${marked}`);
  return limitCompletionList(list, text, offset, limit).items;
}

suite('new corpus documents load', () => {
  test('Dataverse v9.1: no error, 300 entity types, detected as dataverse', () => {
    const doc = load(documents.dataverse91);
    assert.equal(doc.errors, 0);
    assert.equal(doc.entityTypes, 300);
    assert.equal(doc.flavor, 'dataverse');
    assert.ok(doc.model.findEntitySet('accounts'));
  });

  test('Business Central ODataV4 (namespace NAV): no error, 168 entity types, detected as bc, Company with its web services', () => {
    const doc = load(documents.bcOdataV4);
    assert.equal(doc.errors, 0);
    assert.equal(doc.entityTypes, 168);
    assert.equal(doc.flavor, 'bc');
    const company = doc.model.findEntitySet('Company');
    assert.ok(company);
    const companyType = doc.model.findStructuredType(company.entityType)!;
    assert.ok(doc.model.findNavigationProperty(companyType, 'Power_BI_Customer_List'));
  });
});

suite('new corpus documents complete', () => {
  test("Dataverse v9.1: entity sets at the path start, columns in $select", () => {
    const start = complete('GET acc|', documents.dataverse91).map((i) => i.label);
    assert.ok(start.includes('accounts'), start.slice(0, 20).join(', '));
    const select = complete('GET accounts?$select=|', documents.dataverse91).map((i) => i.label);
    assert.ok(select.includes('name') && select.includes('revenue'));
  });

  test("Business Central ODataV4: Company at the path start, the company's web services after Company('…')/, a page's columns in $select", () => {
    const start = complete('GET |', documents.bcOdataV4).map((i) => i.label);
    assert.ok(start.includes('Company'), start.slice(0, 20).join(', '));
    const services = complete("GET Company('CRONUS International Ltd.')/|", documents.bcOdataV4).map((i) => i.label);
    assert.ok(services.includes('Power_BI_Customer_List'), services.slice(0, 20).join(', '));
    const select = complete("GET Company('CRONUS International Ltd.')/Power_BI_Customer_List?$select=|", documents.bcOdataV4).map((i) => i.label);
    assert.ok(select.includes('Customer_No'), select.join(', '));
    const url = "Company('CRONUS International Ltd.')/Power_BI_Customer_List?$select=Customer_No&$filter=Customer_No eq '10000'";
    assert.deepEqual(checkUrl(url, load(documents.bcOdataV4).model, { flavor: 'bc' }), []);
  });

  const cuts = [
    ['crm_schema.xml (v8: 73 navigation properties + 159 columns), cut to 200', documents.crmV8, 200],
    ['v9.1 (51 + 145), cut to 100', documents.dataverse91, 100],
  ] as const;
  for (const [name, path, limit] of cuts) {
    test(`after accounts(…)/ a cut list keeps every navigation property, before the columns: ${name}`, () => {
      const { model } = load(path);
      const account = model.findStructuredType('Microsoft.Dynamics.CRM.account')!;
      const navigation = model.navigationProperties(account).map((n) => n.name);
      const columns = model.properties(account).map((p) => p.name);
      assert.ok(navigation.length + columns.length > limit, 'the whole list is over the limit');
      const items = complete(`GET accounts(${guid})/|`, path, limit);
      assert.equal(items.length, limit);
      const labels = items.map((i) => i.label);
      for (const nav of navigation) assert.ok(labels.includes(nav), `navigation property ${nav} kept`);
      const sorted = [...items].sort((a, b) => ((a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : 1)).map((i) => i.label);
      const lastNavigation = Math.max(...navigation.map((n) => sorted.indexOf(n)));
      const firstColumn = Math.min(...columns.filter((c) => sorted.includes(c)).map((c) => sorted.indexOf(c)));
      assert.ok(lastNavigation < firstColumn, `navigation properties sort before columns (${lastNavigation} < ${firstColumn})`);
      assert.ok(labels.includes('name') || labels.includes('accountid'), 'columns fill the rest');
    });
  }

  test('after accounts/ (a collection) and in $select the columns still come first', () => {
    const select = complete('GET accounts?$select=|', documents.crmV8);
    const sorted = [...select].sort((a, b) => ((a.sortText ?? '') < (b.sortText ?? '') ? -1 : 1));
    assert.equal(sorted[0]!.label, 'accountid', 'the key first');
  });
});

suite("Business Central's two surfaces", () => {
  test('ODataV4 web services (NAV): a page outside Company(…) is fine (company= or the default company picks it)', () => {
    const { model } = load(documents.bcOdataV4);
    assert.deepEqual(checkUrl("https://localhost:7048/BC/ODataV4/Power_BI_Customer_List?company='CRONUS International Ltd.'", model, { flavor: 'bc' }), []);
    assert.deepEqual(checkUrl("https://localhost:7048/BC/ODataV4/Company('CRONUS International Ltd.')/Power_BI_Customer_List", model, { flavor: 'bc' }), []);
  });

  test('API v2.0 (Microsoft.NAV): an entity outside companies(…) is still an error', () => {
    const model = createModelIndex(readCsdl(readFileSync(join(__dirname, '..', '..', 'fixtures', 'metadata', 'bc-sample.xml'), 'utf8')));
    const codes = checkUrl('customers', model, { flavor: 'bc' }).map((d) => d.code);
    assert.deepEqual(codes, ['bc.path-outside-company']);
  });
});
