// The compact index as the index cache's bytes (compactIndexToBytes / compactIndexFromBytes): JSON text for the
// strings and objects, 32-bit integers for the integer columns. Read back, it decodes to the same document as the
// JSON form, for real corpus metadata; bytes that are not framed as written are refused with CompactIndexError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsdl } from '../../../server/src/odata/csdl/csdlReader';
import {
  CompactIndexError,
  compactIndexFromBytes,
  compactIndexToBytes,
  decodeCompactIndex,
  encodeCompactIndex,
  type CompactIndex,
} from '../../../server/src/odata/csdl/compactIndex';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const corpus = resolve(repoRoot, '..', 'shared', 'corpus', 'metadata');

function bytesOf(index: CompactIndex): Buffer {
  return Buffer.concat(compactIndexToBytes(index));
}

/** The decoded document with every lazily decoded member list read (plain data to compare). */
function plain(index: CompactIndex): unknown {
  const doc = decodeCompactIndex(index);
  for (const schema of doc.schemas) for (const type of [...schema.entityTypes, ...schema.complexTypes]) void [type.properties, type.navigationProperties];
  return JSON.parse(JSON.stringify(doc));
}

for (const name of ['simpleodata__crm_schema.xml', 'simpleodata__TripPin.xml', 'coolrunner-business-central-php__bcmetadata-odatav4.xml']) {
  test(`${name}: read back from its bytes, the index decodes to the document its JSON form decodes to`, () => {
    const index = encodeCompactIndex(readCsdl(readFileSync(resolve(corpus, name), 'utf8')));
    const fromBytes = compactIndexFromBytes(bytesOf(index));
    assert.ok(fromBytes.a instanceof Int32Array && fromBytes.n instanceof Int32Array, 'integer columns are read as 32-bit integers');
    assert.deepEqual(Array.from(fromBytes.a), index.a);
    assert.deepEqual(plain(fromBytes), plain(JSON.parse(JSON.stringify(index)) as CompactIndex));
  });
}

test('bytes that are not framed as written are refused with CompactIndexError', () => {
  const good = bytesOf(encodeCompactIndex(readCsdl(readFileSync(resolve(corpus, 'simpleodata__TripPin.xml'), 'utf8'))));
  const jsonLength = good.readUInt32LE(0);
  const withLength = (length: number): Buffer => {
    const copy = Buffer.from(good);
    copy.writeUInt32LE(length, 0);
    return copy;
  };
  const badUtf8 = Buffer.from(good);
  badUtf8[4 + 2] = 0xff;
  const damaged: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['truncated', good.subarray(0, good.length - 3)],
    ['trailing bytes', Buffer.concat([good, Buffer.from([0])])],
    ['a JSON length past the end', withLength(good.length)],
    ['a JSON length that cuts the text', withLength(jsonLength - 1)],
    ['not UTF-8', badUtf8],
  ];
  for (const [label, bytes] of damaged) assert.throws(() => compactIndexFromBytes(bytes), CompactIndexError, label);
  // Framed right, but a column's value points past the string table: refused by the decoder's checks.
  const index = compactIndexFromBytes(good);
  index.n[0] = index.s.length + 5;
  assert.throws(() => decodeCompactIndex(index), CompactIndexError);
});

test('text outside ASCII (descriptions, names) is written as escapes, and reads back the same', () => {
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Größe">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.Int32" Nullable="false"/>
        <Property Name="nom" Type="Edm.String" DefaultValue="café 😀">
          <Annotation Term="Org.OData.Core.V1.Description" String="Nom du contrat — « client » 😀"/>
        </Property>
      </EntityType>
      <EntityContainer Name="C"><EntitySet Name="Größen" EntityType="Ns.Größe"/></EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`;
  const index = encodeCompactIndex(readCsdl(xml));
  const bytes = bytesOf(index);
  const json = bytes.subarray(4, 4 + bytes.readUInt32LE(0));
  assert.ok(json.every((byte) => byte < 0x80), 'the JSON part is ASCII');
  const doc = decodeCompactIndex(compactIndexFromBytes(bytes));
  const type = doc.schemas[0].entityTypes[0];
  assert.equal(type.name, 'Größe');
  assert.equal(type.properties[1].defaultValue, 'café 😀');
  assert.equal(type.properties[1].annotations[0].value, 'Nom du contrat — « client » 😀');
  assert.equal(doc.schemas[0].entityContainer?.entitySets[0].name, 'Größen');
  // A reader that takes the ASCII text as one-byte text (the server's) reads the same.
  const latin1 = decodeCompactIndex(compactIndexFromBytes(bytes, (part) => Buffer.from(part).toString('latin1')));
  assert.deepEqual(JSON.parse(JSON.stringify(latin1)), JSON.parse(JSON.stringify(doc)));
});

test('sparse property extras out of order are refused (they are searched, not mapped)', () => {
  const index = encodeCompactIndex(readCsdl(readFileSync(resolve(corpus, 'simpleodata__crm_schema.xml'), 'utf8')));
  assert.ok(index.pa.length >= 4, 'the document has annotated properties');
  const swapped = compactIndexFromBytes(bytesOf(index));
  [swapped.pa[0], swapped.pa[2]] = [swapped.pa[2], swapped.pa[0]];
  assert.throws(() => decodeCompactIndex(swapped), CompactIndexError);
});

test('the bytes come as one chunk holding the whole body (the cache writer uses it without copying it again)', () => {
  const index = encodeCompactIndex(readCsdl(readFileSync(resolve(corpus, 'simpleodata__crm_schema.xml'), 'utf8')));
  const chunks = compactIndexToBytes(index);
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0].byteOffset, 0);
  assert.equal(chunks[0].byteLength, chunks[0].buffer.byteLength, 'the chunk is its whole buffer');
  assert.deepEqual(Array.from(compactIndexFromBytes(chunks[0]).pn), index.pn);
});
