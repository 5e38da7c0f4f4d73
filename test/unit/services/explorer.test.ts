/**
 * The explorer tree's data (server/src/odata/services/explorer.ts) against the real CRM `$metadata`, the
 * Dataverse sample fixture and TripPin (a singleton).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createModelIndex, readCsdl, type ModelIndex } from '../../../server/src/odata/index';
import { entitySetDetails, listEntitySets, MAX_PAGE_SIZE, unboundOperations } from '../../../server/src/odata/services/explorer';
import { corpus, crm, dataverseSample } from './servicesHarness';

const crmModel = (): ModelIndex => crm().model!;
const sampleModel = (): ModelIndex => dataverseSample().model!;

describe('listEntitySets', () => {
  test('pages through every CRM entity set, sorted by name, with the total', () => {
    const model = crmModel();
    const everything = listEntitySets(model, { limit: MAX_PAGE_SIZE });
    assert.equal(everything.total, 252);
    assert.equal(everything.items.length, 252);
    const names = everything.items.map((item) => item.name);
    assert.deepEqual(names, [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));

    const first = listEntitySets(model, { limit: 100 });
    const second = listEntitySets(model, { offset: 100, limit: 100 });
    const third = listEntitySets(model, { offset: 200, limit: 100 });
    assert.deepEqual([first.total, second.total, third.total], [252, 252, 252]);
    assert.deepEqual([first.items.length, second.items.length, third.items.length], [100, 100, 52]);
    assert.deepEqual([...first.items, ...second.items, ...third.items].map((item) => item.name), names);
    assert.deepEqual(listEntitySets(model, { offset: 400 }).items, []);
  });

  test('the default page is 200; a silly limit is clamped', () => {
    assert.equal(listEntitySets(crmModel()).items.length, 200);
    assert.equal(listEntitySets(crmModel(), { limit: 0 }).items.length, 1);
    assert.equal(listEntitySets(crmModel(), { limit: 1e9 }).items.length, 252);
  });

  test('the filter is a case-insensitive substring of the name or the entity type, and counts its matches', () => {
    const result = listEntitySets(crmModel(), { filter: 'ACTIV', limit: 5 });
    assert.ok(result.total > 5, `more than one page of matches (${result.total})`);
    assert.equal(result.items.length, 5);
    assert.deepEqual(listEntitySets(crmModel(), { filter: 'Account' }).items.map((item) => item.name), ['accountleadscollection', 'accounts']);
    for (const item of listEntitySets(crmModel(), { filter: 'account', limit: 1000 }).items) {
      assert.match(`${item.name} ${item.entityType}`, /account/i);
    }
    const byType = listEntitySets(crmModel(), { filter: 'microsoft.dynamics.crm.accountleads', limit: 10 });
    assert.deepEqual(byType.items.map((item) => item.name), ['accountleadscollection']);
    assert.deepEqual(listEntitySets(crmModel(), { filter: 'no such set' }), { items: [], total: 0 });
    assert.equal(listEntitySets(crmModel(), { filter: '   ' }).total, 252);
  });

  test('an entity set carries its type and the description the metadata has (Dataverse has no display names)', () => {
    const [accounts] = listEntitySets(crmModel(), { filter: 'accounts', limit: 1 }).items;
    assert.equal(accounts.name, 'accounts');
    assert.equal(accounts.entityType, 'Microsoft.Dynamics.CRM.account');
    assert.equal(accounts.kind, 'EntitySet');
    assert.equal(accounts.displayName, undefined);
    assert.match(accounts.description ?? '', /Kunden/);
    const sample = listEntitySets(sampleModel()).items.find((item) => item.name === 'accounts');
    assert.equal(sample?.description, 'Accounts of the organization.');
  });

  test('singletons are listed with their kind', () => {
    const tripPin = createModelIndex(readCsdl(readFileSync(join(corpus, 'metadata', 'simpleodata__TripPin.xml'), 'utf8')));
    const me = listEntitySets(tripPin).items.find((item) => item.kind === 'Singleton');
    assert.ok(me, 'TripPin has a singleton');
    assert.equal(me.name, 'Me');
    assert.ok(entitySetDetails(tripPin, 'Me')!.keys.length > 0);
  });

  test('2,000 entity sets: the first page and a filtered page (times printed; npm run bench is where speed is judged)', () => {
    const types = Array.from({ length: 2000 }, (_, i) => `<EntityType Name="t${i}"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Guid" Nullable="false"/></EntityType>`);
    const sets = Array.from({ length: 2000 }, (_, i) => `<EntitySet Name="set${String(i).padStart(4, '0')}" EntityType="ns.t${i}"/>`);
    const xml = `<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0"><edmx:DataServices><Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="ns">${types.join('')}<EntityContainer Name="c">${sets.join('')}</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;
    const model = createModelIndex(readCsdl(xml));
    let start = performance.now();
    const first = listEntitySets(model);
    const firstMs = performance.now() - start;
    start = performance.now();
    const filtered = listEntitySets(model, { filter: 'set19' });
    const filteredMs = performance.now() - start;
    assert.equal(first.total, 2000);
    assert.equal(first.items.length, 200);
    assert.equal(first.items[0].name, 'set0000');
    assert.equal(filtered.total, 100);
    console.log(`listEntitySets, 2,000 sets: first page ${firstMs.toFixed(1)} ms (with indexing), filtered ${filteredMs.toFixed(2)} ms`);
  });

  test('a Dataverse-scale model: filtering and paging past the first page', () => {
    const model = crmModel();
    const filtered = listEntitySets(model, { filter: 'account' });
    assert.ok(filtered.items.length > 0 && filtered.items.every((item) => /account/i.test(item.name) || /account/i.test(item.entityType)));
    const rest = listEntitySets(model, { offset: 200 });
    assert.equal(rest.items.length, rest.total - 200);
    assert.notEqual(rest.items[0].name, listEntitySets(model).items[0].name);
  });
});

describe('entitySetDetails', () => {
  for (const [name, model] of [
    ['CRM', crmModel],
    ['sample', sampleModel],
  ] as const) {
    test(`${name} accounts: the key, typed properties, a lookup and its navigation target`, () => {
      const details = entitySetDetails(model(), 'accounts');
      assert.ok(details);
      assert.deepEqual(details.keys, [{ name: 'accountid', type: 'Edm.Guid' }]);
      const accountid = details.properties.find((p) => p.name === 'accountid');
      assert.equal(accountid?.isKey, true);
      assert.equal(accountid?.type, 'Edm.Guid');
      assert.equal(details.properties.filter((p) => p.isKey).length, 1);
      const name = details.properties.find((p) => p.name === 'name');
      assert.equal(name?.type, 'Edm.String');
      assert.equal(name?.nullable, true);
      assert.equal(name?.maxLength, undefined, 'Dataverse metadata declares no MaxLength');
      const lookup = details.properties.find((p) => p.name === '_primarycontactid_value');
      assert.deepEqual(lookup?.lookupFor, ['primarycontactid']);
      assert.ok(lookup?.description, 'the lookup has its Core.Description');
      const nav = details.navigationProperties.find((n) => n.name === 'primarycontactid');
      assert.deepEqual(nav, { name: 'primarycontactid', target: 'Microsoft.Dynamics.CRM.contact', collection: false, targetEntitySet: 'contacts' });
      assert.ok(details.navigationProperties.some((n) => n.collection && n.targetEntitySet !== undefined), 'a collection navigation with its set');
    });
  }

  test('a polymorphic lookup names each navigation property it stands for', () => {
    const contacts = entitySetDetails(sampleModel(), 'contacts');
    assert.deepEqual(contacts?.properties.find((p) => p.name === '_parentcustomerid_value')?.lookupFor?.sort(), [
      'parentcustomerid_account',
      'parentcustomerid_contact',
    ]);
  });

  test('bound operations, with their binding (collection or entity) and return type', () => {
    const details = entitySetDetails(sampleModel(), 'accounts');
    const topAccounts = details?.operations.find((op) => op.name === 'Microsoft.Dynamics.CRM.contoso_TopAccounts');
    assert.ok(topAccounts, `bound operations: ${JSON.stringify(details?.operations.map((op) => op.name))}`);
    assert.equal(topAccounts.kind, 'Function');
    assert.equal(topAccounts.bound, true);
    assert.equal(topAccounts.collection, true);
    assert.equal(topAccounts.returnType, 'Collection(Microsoft.Dynamics.CRM.account)');
    assert.ok(topAccounts.parameters?.every((p) => p.name !== 'bindingparameter'), 'the binding parameter is not listed');
  });

  test('an unknown entity set is undefined', () => {
    assert.equal(entitySetDetails(crmModel(), 'nope'), undefined);
  });
});

describe('unboundOperations', () => {
  test('the imports, sorted, with their kind and return type', () => {
    const operations = unboundOperations(crmModel());
    assert.equal(operations.length, 144);
    assert.ok(operations.every((op) => !op.bound));
    const whoAmI = operations.find((op) => op.name === 'WhoAmI');
    assert.deepEqual({ ...whoAmI, parameters: undefined }, {
      name: 'WhoAmI',
      kind: 'Function',
      bound: false,
      returnType: 'Microsoft.Dynamics.CRM.WhoAmIResponse',
      parameters: undefined,
    });
    const names = operations.map((op) => op.name);
    assert.deepEqual(names, [...names].sort());
    assert.ok(unboundOperations(sampleModel()).some((op) => op.name === 'RetrieveVersion' && op.kind === 'Function'));
  });
});
