// The real $metadata documents of the shared corpus and the project's fixtures load cleanly and index sensibly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsdl } from '../../../server/src/odata/csdl/csdlReader';
import { createModelIndex, validateModel, type ModelIndex } from '../../../server/src/odata/csdl/modelIndex';
import type { CsdlDocument, StructuredType } from '../../../server/src/odata/csdl/model';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const corpusDir = resolve(repoRoot, '..', 'shared', 'corpus', 'metadata');
const fixtureDir = resolve(repoRoot, 'test', 'fixtures', 'metadata');

const cache = new Map<string, { doc: CsdlDocument; index: ModelIndex }>();
function load(path: string): { doc: CsdlDocument; index: ModelIndex } {
  let hit = cache.get(path);
  if (hit === undefined) {
    const doc = readCsdl(readFileSync(path, 'utf8'));
    hit = { doc, index: createModelIndex(doc) };
    cache.set(path, hit);
  }
  return hit;
}
const crm = (): { doc: CsdlDocument; index: ModelIndex } => load(resolve(corpusDir, 'simpleodata__crm_schema.xml'));
function entityType(index: ModelIndex, name: string): StructuredType {
  const t = index.findStructuredType(name);
  assert.ok(t, `type ${name}`);
  return t;
}
function count(doc: CsdlDocument, key: 'entityTypes' | 'complexTypes' | 'enumTypes' | 'operations'): number {
  return doc.schemas.reduce((n, s) => n + s[key].length, 0);
}

test('every corpus and fixture document loads with zero errors and no unresolved types', () => {
  const files = [
    ...readdirSync(corpusDir).filter((f) => f.endsWith('.xml')).map((f) => resolve(corpusDir, f)),
    ...readdirSync(fixtureDir).filter((f) => f.endsWith('.xml')).map((f) => resolve(fixtureDir, f)),
  ];
  assert.equal(files.length, 12);
  for (const f of files) {
    const { doc, index } = load(f);
    assert.deepEqual(doc.errors, [], f);
    assert.equal(doc.version, '4.0', f);
    assert.ok(index.container, f);
    assert.ok(index.entitySets().length > 0, f);
    // Real Dataverse binds `ownerid` to `owners`, which is no entity set: warnings only.
    assert.deepEqual(
      validateModel(index).filter((e) => e.severity === 'error'),
      [],
      f,
    );
  }
});

test('crm_schema.xml: counts, container, account key', () => {
  const { doc, index } = crm();
  assert.equal(count(doc, 'entityTypes'), 280);
  assert.equal(count(doc, 'complexTypes'), 150);
  assert.equal(count(doc, 'enumTypes'), 38);
  assert.equal(count(doc, 'operations'), 323);
  assert.equal(index.entitySets().length, 252);
  assert.equal(index.container?.name, 'System');
  assert.equal(index.container?.fullName, 'Microsoft.Dynamics.CRM.System');
  assert.deepEqual(doc.references.map((r) => r.includes), [
    [{ namespace: 'OData.Community.Keys.V1', alias: 'Keys' }],
    [{ namespace: 'OData.Community.Display.V1', alias: 'Display' }],
  ]);
  const account = entityType(index, 'mscrm.account');
  assert.equal(account, index.findStructuredType('Microsoft.Dynamics.CRM.account'));
  assert.equal(account.baseType, 'Microsoft.Dynamics.CRM.crmbaseentity');
  assert.deepEqual(index.key(account), [{ name: 'accountid' }]);
  assert.equal(index.findEntitySet('accounts')?.entityType, 'Microsoft.Dynamics.CRM.account');
  assert.deepEqual(index.entitySetsOfType('mscrm.account').map((s) => s.name), ['accounts']);
  assert.equal(entityType(index, 'mscrm.crmbaseentity').abstract, true);
  assert.equal(index.derivedTypes(entityType(index, 'mscrm.crmbaseentity')).length, 249);
  const openrevenue = index.findProperty(account, 'openrevenue');
  assert.deepEqual(openrevenue?.type, { name: 'Edm.Decimal', collection: false, nullable: true, scale: 'variable' });
  assert.deepEqual(openrevenue?.position, { line: 45, column: 5, offset: 2161 });
});

test('crm_schema.xml: 28 alternate keys', () => {
  const { doc, index } = crm();
  let keys = 0;
  let annotations = 0;
  for (const s of doc.schemas) {
    for (const t of s.entityTypes) {
      keys += index.alternateKeys(t).length;
      annotations += t.annotations.filter((a) => a.term === 'OData.Community.Keys.V1.AlternateKeys').length;
    }
  }
  assert.equal(annotations, 28);
  assert.equal(keys, 28); // BigIntAttributeMetadata declares the same key twice: counted once
  const attr = entityType(index, 'mscrm.AttributeMetadata');
  assert.deepEqual(index.alternateKeys(attr), [
    { parts: [{ name: 'LogicalName', alias: 'LogicalName' }], source: 'OData.Community.Keys.V1.AlternateKeys' },
  ]);
});

test('crm_schema.xml: lookups tie _x_value to navigation properties, polymorphic ones to all', () => {
  const { index } = crm();
  const account = entityType(index, 'mscrm.account');
  assert.deepEqual(
    index.findLookupProperty(account, '_primarycontactid_value')?.navigationProperties.map((n) => n.name),
    ['primarycontactid'],
  );
  assert.equal(index.findLookupProperty(account, 'name'), undefined);
  const contact = entityType(index, 'mscrm.contact');
  assert.deepEqual(
    index.findLookupProperty(contact, '_parentcustomerid_value')?.navigationProperties.map((n) => n.name),
    ['parentcustomerid_account', 'parentcustomerid_contact'],
  );
  const nav = index.findNavigationProperty(account, 'primarycontactid');
  assert.deepEqual(nav?.referentialConstraints, [{ property: '_primarycontactid_value', referencedProperty: 'contactid' }]);
  assert.equal(nav?.partner, 'account_primary_contact');
  assert.equal(nav?.type.collection, false);
  assert.equal(index.navigationTarget(index.findEntitySet('accounts')!, 'primarycontactid')?.name, 'contacts');
});

test('crm_schema.xml: operations, query functions, descriptions', () => {
  const { index } = crm();
  const win = index.findOperations('mscrm.WinOpportunity');
  assert.equal(win.length, 1);
  assert.equal(win[0].kind, 'Action');
  assert.equal(win[0].isBound, false);
  assert.deepEqual(win[0].parameters.map((p) => [p.name, p.type.name, p.type.nullable]), [
    ['OpportunityClose', 'Microsoft.Dynamics.CRM.opportunityclose', false],
    ['Status', 'Edm.Int32', false],
  ]);
  assert.equal(index.findActionImport('WinOpportunity')?.action, 'Microsoft.Dynamics.CRM.WinOpportunity');
  const lastX = index.findOperations('Microsoft.Dynamics.CRM.LastXDays');
  assert.equal(lastX.length, 1);
  assert.equal(lastX[0].kind, 'Function');
  assert.deepEqual(lastX[0].parameters.map((p) => `${p.name}:${p.type.name}`), ['PropertyName:Edm.String', 'PropertyValue:Edm.Int64']);
  assert.deepEqual(lastX[0].returnType, { name: 'Edm.Boolean', collection: false, nullable: false });
  assert.equal(
    index.description('mscrm.account/openrevenue'),
    'Summe der offenen Umsätze für eine Firma und ihre untergeordneten Firmen.',
  );
  assert.equal(index.description('Microsoft.Dynamics.CRM.accountleads/leadid'), undefined); // empty description
  // Bound action overloads on different binding types.
  const addItem = index.findOperations('mscrm.AddItemCampaign');
  assert.ok(addItem.length >= 3);
  assert.deepEqual(index.boundOperations('mscrm.campaign', false).filter((o) => o.name === 'AddItemCampaign').length, 1);
});

test('DynamicsCRM.xml: counts and no alternate keys', () => {
  const { doc, index } = load(resolve(corpusDir, 'simpleodata__DynamicsCRM.xml'));
  assert.equal(count(doc, 'entityTypes'), 265);
  assert.equal(index.entitySets().length, 237);
  let keys = 0;
  for (const t of doc.schemas[0].entityTypes) keys += index.alternateKeys(t).length;
  assert.equal(keys, 0);
});

test('TripPin: singleton, imports, external annotations, containment-free bindings', () => {
  const { index } = load(resolve(corpusDir, 'oasis-odata-openapi__TripPin.xml'));
  const ns = 'Microsoft.OData.SampleService.Models.TripPin';
  assert.equal(index.findSingleton('Me')?.type, `${ns}.Person`);
  assert.equal(index.findFunctionImport('GetNearestAirport')?.function, `${ns}.GetNearestAirport`);
  const container = `${ns}.DefaultContainer`;
  const anns = index.annotationsFor(container);
  assert.deepEqual(anns.find((a) => a.term === 'Org.OData.Capabilities.V1.ConformanceLevel')?.value, {
    $enumMember: 'Org.OData.Capabilities.V1.ConformanceLevelType/Advanced',
  });
  assert.equal(anns.find((a) => a.term === 'Org.OData.Core.V1.DereferenceableIDs')?.value, true);
  assert.equal(index.navigationTarget(index.findSingleton('Me')!, 'Friends')?.name, 'People');
  const person = entityType(index, `${ns}.Person`);
  assert.equal(person.openType, true);
  const photo = entityType(index, `${ns}.Photo`);
  assert.equal(photo.hasStream, true);
  assert.deepEqual(photo.annotations.find((a) => a.term === 'Org.OData.Core.V1.AcceptableMediaTypes')?.value, ['image/jpeg']);
  const loc = index.findStructuredType(`${ns}.AirportLocation`)!;
  assert.deepEqual(index.properties(loc).map((p) => p.name), ['Address', 'City', 'Loc']);
  assert.equal(index.findProperty(loc, 'Loc')?.type.srid, '4326');
});

test('Northwind with alternate keys: Keys records with several parts', () => {
  const { doc, index } = load(resolve(corpusDir, 'simpleodata__Northwind4WithAlternateKeys.xml'));
  const all: string[] = [];
  for (const t of doc.schemas.flatMap((s) => s.entityTypes)) {
    for (const k of index.alternateKeys(t)) all.push(`${t.name}:${k.parts.map((p) => p.alias ?? p.name).join('+')}`);
  }
  assert.deepEqual(all, ['Category:CategoryName', 'Employee:HomePhone+Title', 'Order:CustomerID', 'Order:ShipName']);
});
