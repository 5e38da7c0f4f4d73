// The fast XML scanner (csdl/xmlScanner.ts) behind readCsdl: the same document, positions included, as the
// general parser (saxes) gives, on the real corpus, the fixtures, the generated documents and XML corner
// cases; on anything it does not handle it steps aside and saxes reports the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsdl, readCsdlIncrementally, readCsdlWithSaxes } from '../../../server/src/odata/csdl/csdlReader';
import { XmlScanner, type ScannedTag } from '../../../server/src/odata/csdl/xmlScanner';
import { generateDataverseMetadata, generateFnoMetadata } from '../../bench/generateMetadata';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const corpus = resolve(repoRoot, '..', 'shared', 'corpus', 'metadata');
const fixtures = resolve(repoRoot, 'test', 'fixtures', 'metadata');

function scan(xml: string): { state: string; tags: ScannedTag[] } {
  const tags: ScannedTag[] = [];
  const scanner = new XmlScanner(xml, { collecting: false, open: (tag) => void tags.push(tag), close: () => undefined, text: () => undefined });
  return { state: scanner.step(Infinity), tags };
}

const inputs: [string, () => string][] = [
  ...readdirSync(corpus)
    .filter((n) => n.endsWith('.xml'))
    .map((n): [string, () => string] => [`corpus ${n}`, () => readFileSync(resolve(corpus, n), 'utf8')]),
  ...readdirSync(fixtures)
    .filter((n) => n.endsWith('.xml'))
    .map((n): [string, () => string] => [`fixture ${n}`, () => readFileSync(resolve(fixtures, n), 'utf8')]),
];

for (const [label, text] of inputs) {
  test(`same document as saxes, and the fast path taken: ${label}`, () => {
    const xml = text();
    assert.equal(scan(xml).state, 'done', 'the fast scanner reads the whole document');
    assert.deepStrictEqual(readCsdl(xml), readCsdlWithSaxes(xml));
  });
}

// The generated documents are large: compared as JSON (deepStrictEqual takes minutes on 385,000 properties).
for (const [label, generate] of [
  ['generated Dataverse', generateDataverseMetadata],
  ['generated F&O', generateFnoMetadata],
] as const) {
  test(`same document as saxes, and the fast path taken: ${label}`, () => {
    const xml = generate();
    assert.equal(scan(xml).state, 'done', 'the fast scanner reads the whole document');
    assert.ok(JSON.stringify(readCsdl(xml)) === JSON.stringify(readCsdlWithSaxes(xml)), 'the documents differ');
  });
}

const wrap = (schema: string, head = '<?xml version="1.0" encoding="utf-8"?>\r\n'): string =>
  `${head}<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">\r\n <edmx:DataServices>\n` +
  `  <Schema Namespace="N" Alias="A" xmlns="http://docs.oasis-open.org/odata/ns/edm">\n${schema}\n  </Schema>\n </edmx:DataServices>\n</edmx:Edmx>\n`;

test('corner cases read as saxes reads them: entities, line ends in values and text, CDATA, comments, prefixes', async () => {
  const cases = [
    wrap(`<EntityType Name="T&amp;U"><Property Name="p" Type="Edm.String">
      <Annotation Term="Core.Description" String="a &lt;b&gt; &quot;c&quot; &#65;&#x42; tab\there\r\nnew"/>
      <Annotation Term="Core.LongDescription"><String>line1\r\nline2\rline3 &amp; <![CDATA[<raw> & ]]> end</String></Annotation>
    </Property></EntityType>`),
    wrap(`<!-- a comment --><EntityType Name='Single' ><Key ><PropertyRef Name = "id" /></Key><Property Name="id" Type="Edm.Int32"
      Nullable="false"/></EntityType><?pi data?>`),
    wrap(`<e:EntityType xmlns:e="http://docs.oasis-open.org/odata/ns/edm" Name="Prefixed"><e:Property Name="x" Type="Edm.Int32"/></e:EntityType>`),
    '\ufeff' + wrap('<ComplexType Name="Bom"/>', ''),
    wrap('<EntityType Name="Other" xmlns="urn:not-edm"><Property Name="hidden" Type="Edm.Int32"/></EntityType>'),
  ];
  for (const xml of cases) {
    assert.equal(scan(xml).state, 'done', xml.slice(0, 200));
    assert.deepStrictEqual(readCsdl(xml), readCsdlWithSaxes(xml));
    assert.deepStrictEqual(await readCsdlIncrementally(xml, async () => undefined, 7), readCsdlWithSaxes(xml));
  }
  const doc = readCsdl(cases[0]);
  const property = doc.schemas[0].entityTypes[0].properties[0];
  assert.equal(doc.schemas[0].entityTypes[0].name, 'T&U');
  assert.equal(property.annotations[0].value, 'a <b> "c" AB tab here new');
  assert.equal(property.annotations[1].value, 'line1\nline2\nline3 & <raw> &  end');
});

test('malformed or unusual XML: the scanner steps aside and saxes reports the same errors as before', () => {
  const malformed = [
    wrap('<EntityType Name="a"></ComplexType>'),
    wrap('<EntityType Name="a" Name="b"/>'),
    wrap('<EntityType Name="a&bogus;"/>'),
    wrap('<EntityType Name="a<"/>'),
    wrap('<x:EntityType Name="a"/>'),
    wrap('<EntityType Name="a">'),
    wrap('<EntityType Name="a"/>') + '<second/>',
    '<!DOCTYPE x>' + wrap(''),
    wrap('<EntityType Name="a"/>').slice(0, -20),
    wrap('text & more'),
  ];
  for (const xml of malformed) {
    assert.equal(scan(xml).state, 'bail', xml.slice(0, 300));
    const doc = readCsdl(xml);
    assert.deepStrictEqual(doc, readCsdlWithSaxes(xml));
  }
  assert.ok(readCsdl(wrap('<EntityType Name="a"></ComplexType>')).errors.some((e) => e.code === 'xml-malformed'));
});

test('incremental reading with the fast scanner gives the same document in any slice size', async () => {
  const xml = readFileSync(resolve(corpus, 'simpleodata__TripPin.xml'), 'utf8');
  const whole = readCsdl(xml);
  for (const slice of [1, 100, 4096]) {
    let pauses = 0;
    const doc = await readCsdlIncrementally(xml, async () => void pauses++, slice);
    assert.deepStrictEqual(doc, whole, `slice ${slice}`);
    assert.ok(pauses > 0);
  }
});
