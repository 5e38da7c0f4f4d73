// The compact index (csdl/compactIndex.ts): a document encoded, written as JSON, parsed and decoded is the
// document read from XML (without source positions), for the real corpus metadata, the project's fixtures
// and a generated Dataverse-shaped document; the index built over it answers like the one built from XML;
// damaged data is refused with CompactIndexError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsdl } from '../../../server/src/odata/csdl/csdlReader';
import { createModelIndex, type ModelIndex } from '../../../server/src/odata/csdl/modelIndex';
import {
  CompactIndexError,
  decodeCompactIndex,
  encodeCompactIndex,
  encodeCompactIndexIncrementally,
  type CompactIndex,
} from '../../../server/src/odata/csdl/compactIndex';
import type { CsdlDocument } from '../../../server/src/odata/csdl/model';
import { generateDataverseMetadata } from '../../bench/generateMetadata';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const corpus = resolve(repoRoot, '..', 'shared', 'corpus', 'metadata');
const fixtures = resolve(repoRoot, 'test', 'fixtures', 'metadata');

/** A deep copy without the `position` of model elements (the compact index does not keep them). */
function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'position' && v !== null && typeof v === 'object' && 'offset' in v) continue;
    out[key] = key === '$record' ? v : withoutPositions(v);
  }
  return out;
}

function roundTrip(doc: CsdlDocument): CsdlDocument {
  return decodeCompactIndex(JSON.parse(JSON.stringify(encodeCompactIndex(doc))) as CompactIndex);
}

/** What the language service asks of an index, over every type and container element. */
function answers(index: ModelIndex): unknown {
  const out: unknown[] = [];
  for (const schema of index.document.schemas) {
    for (const t of [...schema.entityTypes, ...schema.complexTypes]) {
      out.push(
        t.fullName,
        index.properties(t).map((p) => [p.name, p.type, p.annotations]),
        index.navigationProperties(t).map((n) => [n.name, n.type, n.partner, n.referentialConstraints]),
        index.key(t),
        index.alternateKeys(t),
        index.lookupProperties(t).map((l) => [l.name, l.navigationProperties.map((n) => n.name)]),
        index.baseTypes(t).map((b) => b.fullName),
        index.description(t.fullName),
        index.findProperty(t, index.properties(t)[0]?.name ?? '')?.name,
      );
    }
    for (const e of schema.enumTypes) out.push(e.fullName, e.members, index.findEnumType(e.fullName)?.name);
  }
  for (const s of index.entitySets()) {
    out.push(s.name, index.boundOperations(s.entityType, true).map((o) => o.fullName), index.description(`${index.container?.fullName}/${s.name}`));
    for (const b of s.navigationPropertyBindings) out.push(index.navigationTarget(s, b.path)?.name);
  }
  out.push(index.singletons().map((s) => s.name), index.operationImports().map((i) => i.name));
  return out;
}

function checkRoundTrip(label: string, xml: string): void {
  const doc = readCsdl(xml);
  const back = roundTrip(doc);
  assert.deepStrictEqual(withoutPositions(back), withoutPositions(doc), `${label}: the decoded document differs`);
  assert.deepStrictEqual(answers(createModelIndex(back)), answers(createModelIndex(doc)), `${label}: the index answers differently`);
}

for (const name of readdirSync(corpus).filter((n) => n.endsWith('.xml'))) {
  test(`round trip: corpus ${name}`, () => checkRoundTrip(name, readFileSync(resolve(corpus, name), 'utf8')));
}

for (const name of readdirSync(fixtures).filter((n) => n.endsWith('.xml'))) {
  test(`round trip: fixture ${name}`, () => checkRoundTrip(name, readFileSync(resolve(fixtures, name), 'utf8')));
}

test('round trip: the generated 12 MB Dataverse-shaped document', () => checkRoundTrip('generated', generateDataverseMetadata()));

test('round trip: facets, defaults, qualifiers, records, aliases and warnings are kept', () => {
  const xml = `<?xml version="1.0"?>
<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://example.org/core.xml"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="Shop.Model" Alias="S" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Base" Abstract="true" OpenType="true"><Key><PropertyRef Name="Id" Alias="Key1"/></Key>
        <Property Name="Id" Type="Edm.Guid" Nullable="false"/>
      </EntityType>
      <EntityType Name="Order" BaseType="S.Base" HasStream="true">
        <Property Name="Total" Type="Edm.Decimal" Precision="18" Scale="variable" DefaultValue="0">
          <Annotation Term="Core.Description" String="The total" Qualifier="en"/>
          <Annotation Term="Core.Computed"/>
        </Property>
        <Property Name="Place" Type="Edm.GeographyPoint" SRID="4326"/>
        <Property Name="Code" Type="Edm.String" MaxLength="max" Unicode="false"/>
        <Property Name="Tags" Type="Collection(Edm.String)" MaxLength="20"/>
        <Property Name="Ratio" Type="Edm.Double" Scale="floating"/>
        <NavigationProperty Name="Customer" Type="S.Customer" Nullable="false" Partner="Orders" ContainsTarget="true">
          <ReferentialConstraint Property="CustomerId" ReferencedProperty="Id"/><OnDelete Action="Cascade"/>
        </NavigationProperty>
      </EntityType>
      <EntityType Name="Customer" BaseType="S.Base"><NavigationProperty Name="Orders" Type="Collection(S.Order)" Partner="Customer"/></EntityType>
      <ComplexType Name="Address"><Property Name="Street" Type="Edm.String"/></ComplexType>
      <EnumType Name="Color" IsFlags="true"><Member Name="Red" Value="1"/><Member Name="Blue" Value="2"/></EnumType>
      <Function Name="Top" IsBound="true"><Parameter Name="set" Type="Collection(S.Order)"/><ReturnType Type="S.Order"/></Function>
      <EntityContainer Name="Default">
        <EntitySet Name="Orders" EntityType="S.Order"><NavigationPropertyBinding Path="Customer" Target="Customers"/></EntitySet>
        <EntitySet Name="Customers" EntityType="S.Customer"/>
      </EntityContainer>
      <Annotations Target="S.Order/Code" Qualifier="q">
        <Annotation Term="Core.Example"><Record Type="Core.PrimitiveExampleValue"><PropertyValue Property="Value" String="A1"/></Record></Annotation>
        <Annotation Term="Core.Permissions"><EnumMember>Core.Permission/Read</EnumMember></Annotation>
        <Annotation Term="Core.Size"><Int>42</Int></Annotation>
        <Annotation Term="Core.Nothing"><Null/></Annotation>
        <Annotation Term="Core.Off" Bool="false"/>
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`;
  checkRoundTrip('inline', xml);
  const back = roundTrip(readCsdl(xml));
  const order = back.schemas[0].entityTypes[1];
  assert.deepEqual(order.properties[0].type, { name: 'Edm.Decimal', collection: false, nullable: true, precision: 18, scale: 'variable' });
  assert.equal(order.properties[0].defaultValue, '0');
  assert.equal(order.navigationProperties[0].onDelete, 'Cascade');
  assert.equal(back.version, '4.01');
});

test('the incremental encoding gives the same index as the one-pass encoding', async () => {
  const doc = readCsdl(readFileSync(resolve(corpus, 'simpleodata__TripPin.xml'), 'utf8'));
  const paused: number[] = [];
  const slow = await encodeCompactIndexIncrementally(doc, async () => void paused.push(1), 0);
  assert.deepStrictEqual(slow, encodeCompactIndex(doc));
  assert.ok(paused.length > 0, 'the incremental encoding paused');
});

/** The index with each entity set's fields (name, entityType, includeInServiceDocument, annotations, bindings' start and count) changed. */
function withSets(d: CompactIndex, change: (fields: unknown[]) => unknown): unknown {
  const sch = d.sch.map((s) => (s.container === undefined ? s : { ...s, container: { ...s.container, entitySets: s.container.entitySets.map((f) => change(f)) } }));
  assert.ok(sch.some((s) => (s.container?.entitySets.length ?? 0) > 0), 'the document has entity sets');
  return { ...d, sch };
}

test('damaged or foreign data is refused with CompactIndexError, never half-decoded', () => {
  const good = encodeCompactIndex(readCsdl(readFileSync(resolve(corpus, 'simpleodata__TripPin.xml'), 'utf8')));
  const damaged: [string, (data: CompactIndex) => unknown][] = [
    ['another version', (d) => ({ ...d, v: d.v + 1 })],
    ['not an object', () => 42],
    ['a missing column', (d) => ({ ...d, pn: undefined })],
    ['a property name out of the string table', (d) => ({ ...d, pn: [...d.pn.slice(0, -1), d.s.length] })],
    ['a property type out of range', (d) => ({ ...d, pt: [...d.pt.slice(0, -1), d.r.length] })],
    ['a negative property name', (d) => ({ ...d, pn: [-1, ...d.pn.slice(1)] })],
    ['columns of different lengths', (d) => ({ ...d, pt: d.pt.slice(1) })],
    ['a property column that is not a column', (d) => ({ ...d, pt: 'AAAA' })],
    ['a truncated type row', (d) => ({ ...d, t: d.t.slice(0, -1) })],
    ['a fractional index', (d) => ({ ...d, k: [0.5, ...d.k.slice(1)] })],
    ['a schema with a type range past the end', (d) => ({ ...d, sch: d.sch.map((s) => ({ ...s, st: [0, 1e6, 0, 0] })) })],
    ['an annotation list past the end', (d) => ({ ...d, al: [...d.al, 0, 1e6] })],
    ['a string table with a number', (d) => ({ ...d, s: [...d.s, 7] })],
    ['an entity set as an object (version 5), not its fields', (d) => withSets(d, (f) => ({ kind: 'EntitySet', name: f[0], entityType: f[1] }))],
    ['an entity set whose name is not a string', (d) => withSets(d, (f) => [7, f[1], f[2], f[3], f[4], f[5]])],
    ['an entity set with a binding range past the end', (d) => withSets(d, (f) => [f[0], f[1], f[2], f[3], 0, 1e6])],
  ];
  for (const [label, damage] of damaged) {
    const data = damage(JSON.parse(JSON.stringify(good)) as CompactIndex) as CompactIndex;
    assert.throws(() => decodeCompactIndex(data), CompactIndexError, label);
  }
});
