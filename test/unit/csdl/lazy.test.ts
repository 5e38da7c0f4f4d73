// readCsdlLazily reads a document's skeleton and each EntityType/ComplexType's content on first use: once every
// type is read, the document equals readCsdl's (positions included); peekStructuredMembers reads a type without
// keeping it; anything the skeleton pass cannot vouch for ends in a complete read or a reported broken type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peekStructuredMembers, readCsdl, readCsdlLazily } from '../../../server/src/odata/csdl/csdlReader';
import type { CsdlDocument, StructuredType } from '../../../server/src/odata/csdl/model';

const corpus = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'metadata');
const noPause = async (): Promise<void> => undefined;

function types(doc: CsdlDocument): StructuredType[] {
  return doc.schemas.flatMap((schema) => [...schema.entityTypes, ...schema.complexTypes]);
}

/** True while the type's properties are still an accessor (not read yet). */
function unread(type: StructuredType): boolean {
  return Object.getOwnPropertyDescriptor(type, 'properties')?.get !== undefined;
}

function readAll(doc: CsdlDocument): void {
  for (const type of types(doc)) void type.properties;
}

test('every metadata document of the corpus, read lazily then used whole, equals the one-pass read', async () => {
  const files = readdirSync(corpus).filter((name) => name.endsWith('.xml'));
  assert.ok(files.length >= 5);
  for (const name of files) {
    const xml = readFileSync(join(corpus, name), 'utf8');
    const broken: string[] = [];
    const lazy = await readCsdlLazily(xml, noPause, { onBroken: (message) => broken.push(message) });
    const withContent = types(lazy).filter(unread);
    if (name.includes('crm_schema')) assert.ok(withContent.length > 300, `${name}: the types' content is left for later`);
    readAll(lazy);
    assert.deepEqual(lazy, readCsdl(xml), name);
    assert.deepEqual(broken, [], name);
  }
});

test('the skeleton pass reads no type; a type is read on first use of any of its members, once', async () => {
  const xml = readFileSync(join(corpus, 'simpleodata__crm_schema.xml'), 'utf8');
  const lazy = await readCsdlLazily(xml, noPause);
  const eager = readCsdl(xml);
  const all = types(lazy);
  assert.ok(all.length >= 300 && all.filter(unread).length >= 300);
  // Names, base types and flags are there without reading.
  assert.deepEqual(
    all.map((t) => [t.kind, t.fullName, t.baseType, t.abstract, t.openType, t.hasStream]),
    types(eager).map((t) => [t.kind, t.fullName, t.baseType, t.abstract, t.openType, t.hasStream]),
  );
  const [first, second, third] = all.filter(unread);
  const eagerOf = (type: StructuredType): StructuredType => types(eager).find((t) => t.fullName === type.fullName)!;
  void first.key;
  assert.equal(unread(first), false);
  assert.equal(unread(second), true);
  assert.deepEqual(first.properties, eagerOf(first).properties);
  void second.annotations;
  assert.equal(unread(second), false);
  // Assigning is a use too: the other members are read, the assigned one replaced.
  third.navigationProperties = [];
  assert.deepEqual(third.properties, eagerOf(third).properties);
  assert.deepEqual(third.navigationProperties, []);
});

test('peekStructuredMembers reads a type without keeping it, and equals what using it gives', async () => {
  const xml = readFileSync(join(corpus, 'simpleodata__crm_schema.xml'), 'utf8');
  const lazy = await readCsdlLazily(xml, noPause);
  const eager = readCsdl(xml);
  const lazyTypes = types(lazy);
  const eagerTypes = types(eager);
  for (let i = 0; i < lazyTypes.length; i++) {
    const wasUnread = unread(lazyTypes[i]);
    const peeked = peekStructuredMembers(lazyTypes[i]);
    const expected = eagerTypes[i];
    assert.deepEqual(
      { key: peeked.key, properties: peeked.properties, navigationProperties: peeked.navigationProperties, annotations: peeked.annotations },
      { key: expected.key, properties: expected.properties, navigationProperties: expected.navigationProperties, annotations: expected.annotations },
      expected.fullName,
    );
    assert.equal(unread(lazyTypes[i]), wasUnread, `${expected.fullName} is still unread after a peek`);
  }
  // A type already read is its own members.
  void lazyTypes[3].properties;
  assert.equal(peekStructuredMembers(lazyTypes[3]), lazyTypes[3]);
});

const edmx = (schema: string): string =>
  `<?xml version="1.0"?>\n<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">\n<edmx:DataServices>\n` +
  `<Schema Namespace="N" Alias="n" xmlns="http://docs.oasis-open.org/odata/ns/edm" xmlns:e="http://docs.oasis-open.org/odata/ns/edm">\n${schema}\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n`;

test('a problem inside a type is reported when the type is read, once, with its position', async () => {
  const xml = edmx(
    '<EntityType Name="A">\n  <Key><PropertyRef Name="id"/></Key>\n  <Property Name="id" Type="Edm.Guid" Nullable="false"/>\n  <Property Type="Edm.String"/>\n</EntityType>\n' +
      '<EntityType Name="B"><Property Name="x" Type="n.A"/></EntityType>',
  );
  const eager = readCsdl(xml);
  assert.equal(eager.errors.length, 1);
  const lazy = await readCsdlLazily(xml, noPause);
  assert.deepEqual(lazy.errors, []);
  peekStructuredMembers(lazy.schemas[0].entityTypes[0]);
  assert.deepEqual(lazy.errors, eager.errors);
  void lazy.schemas[0].entityTypes[0].properties;
  peekStructuredMembers(lazy.schemas[0].entityTypes[1]);
  readAll(lazy);
  assert.deepEqual(lazy, eager);
  const [error] = eager.errors;
  assert.deepEqual(error.position, { line: 8, column: 3, offset: xml.indexOf('<Property Type') });
});

test('content that is not well-formed inside a type: what was read is kept and onBroken is told, once', async () => {
  const xml = edmx(
    '<EntityType Name="A"><Property Name="a" Type="Edm.String"/><Property Name="b" Type="Edm.String"><Oops></Property></EntityType>' +
      '<EntityType Name="B"><Property Name="c" Type="Edm.String" Bad="<"/></EntityType>',
  );
  assert.equal(readCsdl(xml).errors[0].code, 'xml-malformed');
  const broken: string[] = [];
  const lazy = await readCsdlLazily(xml, noPause, { onBroken: (message) => broken.push(message) });
  assert.deepEqual(lazy.errors, []);
  const [a, b] = lazy.schemas[0].entityTypes;
  assert.deepEqual(
    a.properties.map((p) => p.name),
    ['a', 'b'],
  );
  assert.deepEqual(broken, ['The content of EntityType N.A is not well-formed XML.']);
  assert.deepEqual(b.properties, []);
  assert.equal(broken.length, 1);
});

test('what could fool the skip to the end tag makes the skeleton pass read the whole document instead', async () => {
  for (const body of [
    '<!-- </EntityType> --><Property Name="a" Type="Edm.String"/>',
    '<Annotation Term="Core.Description"><String><![CDATA[</EntityType>]]></String></Annotation>',
    '<Property Name="a" Type="Edm.String"/></EntityType >',
  ]) {
    const xml = edmx(`<EntityType Name="A">${body}</EntityType><EntityType Name="B"/>`);
    const lazy = await readCsdlLazily(xml, noPause);
    readAll(lazy);
    assert.deepEqual(lazy, readCsdl(xml), body);
  }
});

test('prefixes, names that start like the type element, and types written on many lines read as in one pass', async () => {
  const xml = edmx(
    '<e:EntityType Name="A" xmlns:x="urn:other">\n  <e:Key>\n    <e:PropertyRef Name="id"/>\n  </e:Key>\n  <e:Property Name="id" Type="Edm.Int32" Nullable="false">\n    <x:Ignored/>\n    <Annotation Term="n.Note" String="a &amp; b"/>\n  </e:Property>\n</e:EntityType>\n' +
      '<EntityType Name="B">\n<EntityTypeLike/>\n<Property Name="c" Type="Collection(n.A)"/>\n</EntityType   >\n<ComplexType Name="C"><Property Name="d" Type="Edm.String"/></ComplexType>',
  );
  const lazy = await readCsdlLazily(xml, noPause);
  readAll(lazy);
  const eager = readCsdl(xml);
  assert.deepEqual(lazy, eager);
  assert.equal(eager.schemas[0].entityTypes[0].properties[0].annotations[0].value, 'a & b');
  assert.deepEqual(lazy.schemas[0].entityTypes[1].properties[0].position, { line: 16, column: 1, offset: xml.indexOf('<Property Name="c"') });
});
