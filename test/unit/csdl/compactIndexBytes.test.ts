// The compact index as the index cache's bytes (compactIndexToBytes / compactIndexFromBytes): a table of sections
// (the JSON parts, one per integer column, the string table and the annotation values in blocks). Read back, it
// decodes to the same document as the JSON form, for real corpus metadata; bytes not framed as written are refused
// with CompactIndexError; each section (each chunk of an integer column) is checked (the caller's check, then its shape) on its first use only, and a
// section refused then is never read: what needs it is empty, and the check's onDamaged hears why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsdl } from '../../../server/src/odata/csdl/csdlReader';
import { createModelIndex } from '../../../server/src/odata/csdl/modelIndex';
import {
  CHUNK_UNIT,
  CompactIndexError,
  compactIndexFromBytes,
  compactIndexToBytes,
  decodeCompactIndex,
  encodeCompactIndex,
  type CompactIndex,
  type SectionCheck,
} from '../../../server/src/odata/csdl/compactIndex';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const corpus = resolve(repoRoot, '..', 'shared', 'corpus', 'metadata');

function bytesOf(index: CompactIndex): Buffer {
  const bytes = compactIndexToBytes(index);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function indexOf(name: string): CompactIndex {
  return encodeCompactIndex(readCsdl(readFileSync(resolve(corpus, name), 'utf8')));
}

/** The decoded document with every lazily decoded member read (plain data to compare). */
function plain(index: Parameters<typeof decodeCompactIndex>[0]): unknown {
  const doc = decodeCompactIndex(index);
  for (const schema of doc.schemas) for (const type of [...schema.entityTypes, ...schema.complexTypes]) void [type.properties, type.navigationProperties];
  return JSON.parse(JSON.stringify(doc));
}

/** The table of sections at the start of the bytes: name -> [offset in the bytes, length]. */
function sections(bytes: Buffer): Map<string, [number, number]> {
  const length = bytes.readUInt32LE(0);
  const dataStart = Math.ceil((4 + length) / 8) * 8;
  const table = JSON.parse(bytes.subarray(4, 4 + length).toString('latin1')) as [string, number, number][];
  return new Map(table.map(([name, offset, size]) => [name, [dataStart + offset, size]]));
}

/** A check that records what it was asked and refuses the named sections. */
function recordingCheck(refuse: string[] = []): SectionCheck & { asked: string[]; damaged: string[] } {
  const asked: string[] = [];
  const damaged: string[] = [];
  return {
    asked,
    damaged,
    verify: (_index, name) => {
      asked.push(name);
      return !refuse.includes(name);
    },
    onDamaged: (reason) => damaged.push(reason),
  };
}

for (const name of ['simpleodata__crm_schema.xml', 'simpleodata__TripPin.xml', 'coolrunner-business-central-php__bcmetadata-odatav4.xml']) {
  test(`${name}: read back from its bytes, the index decodes to the document its JSON form decodes to`, () => {
    const index = indexOf(name);
    assert.deepEqual(plain(compactIndexFromBytes(bytesOf(index))), plain(JSON.parse(JSON.stringify(index)) as CompactIndex));
  });
}

test('bytes that are not framed as written are refused with CompactIndexError', () => {
  const good = bytesOf(indexOf('simpleodata__TripPin.xml'));
  const tableLength = good.readUInt32LE(0);
  const withTableLength = (length: number): Buffer => {
    const copy = Buffer.from(good);
    copy.writeUInt32LE(length, 0);
    return copy;
  };
  const notJson = Buffer.from(good);
  notJson[4] = 0x7b; // '{' where the table's '[' is
  const misplaced = Buffer.from(good);
  const text = good.subarray(4, 4 + tableLength).toString('latin1');
  misplaced.write(text.replace(/"head",0,/, '"head",8,'), 4, 'latin1');
  const damaged: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['truncated', good.subarray(0, good.length - 3)],
    ['trailing bytes', Buffer.concat([good, Buffer.from([0])])],
    ['a table length past the end', withTableLength(good.length)],
    ['a table length that cuts the table', withTableLength(tableLength - 1)],
    ['a table that is not a list', notJson],
    ['a section not where the one before it ends', misplaced],
  ];
  assert.notDeepEqual(misplaced, good, 'the offset was changed');
  for (const [label, bytes] of damaged) assert.throws(() => compactIndexFromBytes(bytes), CompactIndexError, label);
});

test('a decode checks only what it reads: the JSON parts, the types and the first blocks of strings; members when first read', () => {
  const check = recordingCheck();
  const doc = decodeCompactIndex(compactIndexFromBytes(bytesOf(indexOf('simpleodata__crm_schema.xml')), check));
  const model = createModelIndex(doc);
  const atLoad = [...check.asked];
  assert.ok(atLoad.includes('head') && atLoad.includes('t:0') && atLoad.includes('s0'), atLoad.join(' '));
  for (const late of ['pn', 'pt', 'r', 'a', 'al', 'n', 'k', 'nb']) assert.ok(!atLoad.some((name) => name.startsWith(`${late}:`)), `${late} is not checked at load: ${atLoad.join(' ')}`);
  const blocks = [...sections(bytesOf(indexOf('simpleodata__crm_schema.xml'))).keys()].filter((name) => /^s\d+$/.test(name));
  const blocksAtLoad = atLoad.filter((name) => /^s\d+$/.test(name));
  assert.ok(blocks.length >= 4 && blocksAtLoad.length <= blocks.length / 2, `string blocks checked at load: ${blocksAtLoad.length} of ${blocks.length}`);
  const account = model.findStructuredType('Microsoft.Dynamics.CRM.account')!;
  assert.ok(model.properties(account).some((p) => p.name === 'name'));
  for (const used of ['pn', 'pt', 'r']) assert.ok(check.asked.some((name) => name.startsWith(`${used}:`)), `${used} is checked once read`);
  assert.equal(new Set(check.asked).size, check.asked.length, 'each section is checked once');
  assert.deepEqual(check.damaged, []);
});

test('a section refused by its check at first use is never read: what needs it is empty, the rest answers, onDamaged hears why', () => {
  const check = recordingCheck(['pn:0']);
  const doc = decodeCompactIndex(compactIndexFromBytes(bytesOf(indexOf('simpleodata__TripPin.xml')), check));
  const person = doc.schemas[0].entityTypes.find((t) => t.name === 'Person')!;
  assert.equal(person.fullName, 'Microsoft.OData.SampleService.Models.TripPin.Person');
  assert.deepEqual(person.properties, []);
  assert.deepEqual(person.properties, [], 'stays empty');
  assert.ok(person.navigationProperties.some((n) => n.name === 'Friends'), 'navigation properties do not need the refused section');
  assert.equal(check.damaged.length, 1, check.damaged.join('\n'));
  assert.match(check.damaged[0], /section pn:0 does not match its hash/);
  // Another type's properties: refused again without asking the check again.
  const airline = doc.schemas[0].entityTypes.find((t) => t.name === 'Airline')!;
  assert.deepEqual(airline.properties, []);
  assert.equal(check.asked.filter((name) => name === 'pn:0').length, 1);
});

test('a section whose bytes pass the check but not their shape (an index out of range) is refused at first use the same way', () => {
  const bytes = bytesOf(indexOf('simpleodata__TripPin.xml'));
  const [offset] = sections(bytes).get('pt:0')!;
  bytes.writeInt32LE(1e6, offset); // the first property's type reference: past the type references
  const check = recordingCheck();
  const doc = decodeCompactIndex(compactIndexFromBytes(bytes, check));
  const types = doc.schemas[0].entityTypes;
  assert.ok(types.length > 0);
  assert.deepEqual(types[0].properties, []);
  assert.equal(check.damaged.length, 1);
  assert.match(check.damaged[0], /section pt:0: .*property type/);
});

test('a string block refused at first use: the members that need it are empty, the types read at load keep their names', () => {
  const bytes = bytesOf(indexOf('simpleodata__crm_schema.xml'));
  const atLoad = recordingCheck();
  decodeCompactIndex(compactIndexFromBytes(bytes, atLoad));
  // The first block of strings a load does not read.
  const late = [...sections(bytes).keys()].find((name) => /^s\d+$/.test(name) && !atLoad.asked.includes(name))!;
  const check = recordingCheck([late]);
  const doc = decodeCompactIndex(compactIndexFromBytes(bytes, check));
  const model = createModelIndex(doc);
  assert.ok(model.findEntitySet('accounts'));
  let empty = 0;
  for (const type of doc.schemas[0].entityTypes) if (type.properties.length === 0) empty++;
  assert.ok(empty > 0, 'some type needed the refused block');
  assert.ok(check.damaged.length >= 1 && check.damaged.every((reason) => reason.includes(`section ${late} does not match its hash`)), check.damaged.join('\n'));
});

test('an index section refused at load (the types) makes the decode throw: nothing is half-used', () => {
  const check = recordingCheck(['t:0']);
  assert.throws(() => decodeCompactIndex(compactIndexFromBytes(bytesOf(indexOf('simpleodata__TripPin.xml')), check)), CompactIndexError);
});

test('text of any kind reads back exactly: outside ASCII, outside latin1, emoji, a lone surrogate', () => {
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
        <Property Name="名前" Type="Edm.String">
          <Annotation Term="Org.OData.Core.V1.Example"><Record><PropertyValue Property="Value" String="東京 ✓"/></Record></Annotation>
        </Property>
      </EntityType>
      <EntityContainer Name="C"><EntitySet Name="Größen" EntityType="Ns.Größe"/></EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`;
  const index = encodeCompactIndex(readCsdl(xml));
  const lone = index.s.indexOf('nom');
  index.s[lone] = 'n\uD800m';
  const doc = decodeCompactIndex(compactIndexFromBytes(bytesOf(index)));
  const type = doc.schemas[0].entityTypes[0];
  assert.equal(type.name, 'Größe');
  assert.equal(type.properties[1].name, 'n\uD800m');
  assert.equal(type.properties[1].defaultValue, 'café 😀');
  assert.equal(type.properties[1].annotations[0].value, 'Nom du contrat — « client » 😀');
  assert.equal(type.properties[2].name, '名前');
  assert.deepEqual(type.properties[2].annotations[0].value, JSON.parse(JSON.stringify(decodeCompactIndex(index).schemas[0].entityTypes[0].properties[2].annotations[0].value)));
  assert.match(JSON.stringify(type.properties[2].annotations[0].value), /東京 ✓/);
  assert.equal(doc.schemas[0].entityContainer?.entitySets[0].name, 'Größen');
});

test('sparse property extras out of order are refused at first use (they are searched, not mapped)', () => {
  const index = indexOf('simpleodata__crm_schema.xml');
  assert.ok(index.pa.length >= 4, 'the document has annotated properties');
  const swapped = { ...index, pa: [...index.pa] };
  [swapped.pa[0], swapped.pa[2]] = [swapped.pa[2], swapped.pa[0]];
  const check = recordingCheck();
  const doc = decodeCompactIndex(compactIndexFromBytes(bytesOf(swapped), check));
  for (const type of doc.schemas[0].entityTypes) void type.properties;
  assert.ok(check.damaged.some((reason) => /section pa:0: .*property annotations/.test(reason)), check.damaged.join('\n'));
});

test('checkNextSection checks what the decode has not read, one section at a time, and reports (not throws) a refused one', () => {
  const bytes = bytesOf(indexOf('simpleodata__TripPin.xml'));
  const check = recordingCheck(['a:0']);
  const index = compactIndexFromBytes(bytes, check);
  decodeCompactIndex(index);
  const atLoad = check.asked.length;
  let turns = 0;
  while (index.checkNextSection()) turns++;
  assert.equal(turns, sections(bytes).size - atLoad, 'one section per call');
  assert.deepEqual([...check.asked].sort(), [...sections(bytes).keys()].sort(), 'every section checked once');
  assert.equal(check.damaged.length, 1);
  assert.match(check.damaged[0], /section a:0 does not match its hash/);
});

test('bytes this process made (no check) have their columns checked at the decode, as the JSON form has', () => {
  const index = indexOf('simpleodata__TripPin.xml');
  const broken = bytesOf({ ...index, pt: [...index.pt.slice(0, -1), 1e6] });
  assert.throws(() => decodeCompactIndex(compactIndexFromBytes(broken)), CompactIndexError);
});

test('the bytes are one buffer holding the whole body (the cache writer uses it without copying it again)', () => {
  const index = encodeCompactIndex(readCsdl(readFileSync(resolve(corpus, 'simpleodata__crm_schema.xml'), 'utf8')));
  const bytes = compactIndexToBytes(index);
  assert.equal(bytes.byteOffset, 0);
  assert.equal(bytes.byteLength, bytes.buffer.byteLength, 'the body is its whole buffer');
  assert.deepEqual(plain(compactIndexFromBytes(bytes)), plain(index));
});

// The integer columns in chunks (CHUNK_UNIT values at the least): each chunk a section, checked on its own at first use.

/** A check with a real hash of each section as written (its place, its name, its bytes), as the index cache's is. */
function hashedCheck(genuine: Uint8Array): SectionCheck & { asked: string[]; damaged: string[] } {
  const hash = (index: number, name: string, bytes: Uint8Array): string => createHash('sha256').update(`${index} ${name}\n`).update(bytes).digest('hex');
  const hashes = compactIndexFromBytes(genuine).sectionsInOrder().map(({ name, bytes }, i) => hash(i, name, bytes));
  const asked: string[] = [];
  const damaged: string[] = [];
  return { asked, damaged, verify: (index, name, bytes) => (asked.push(name), hash(index, name, bytes) === hashes[index]), onDamaged: (reason) => damaged.push(reason) };
}

for (const name of ['simpleodata__crm_schema.xml', 'coolrunner-business-central-php__bcmetadata-odatav4.xml']) {
  test(`${name}: in chunks of ${CHUNK_UNIT} values, the index decodes to the document its JSON form decodes to`, () => {
    const index = indexOf(name);
    const bytes = Buffer.from(compactIndexToBytes(index, CHUNK_UNIT));
    assert.ok([...sections(bytes).keys()].some((section) => section === 'pn:1' || section === 'a:1'), 'some column is in several chunks');
    assert.deepEqual(plain(compactIndexFromBytes(bytes, hashedCheck(bytes))), plain(JSON.parse(JSON.stringify(index)) as CompactIndex));
  });
}

/** crm_schema in chunks of CHUNK_UNIT values, and a type whose properties lie in one chunk of pn past the first two. */
function chunked(): { index: CompactIndex; bytes: Buffer; type: string; chunk: number } {
  const index = indexOf('simpleodata__crm_schema.xml');
  const bytes = Buffer.from(compactIndexToBytes(index, CHUNK_UNIT));
  const chunks = Math.ceil(index.pn.length / CHUNK_UNIT);
  assert.ok(chunks >= 8, `pn is in ${chunks} chunks`);
  for (let at = 0; at < index.t.length; at += 11) {
    const [start, count] = [index.t[at + 6], index.t[at + 7]];
    const chunk = Math.floor(start / CHUNK_UNIT);
    if (index.t[at] === 0 && count >= 2 && chunk >= Math.floor(chunks / 2) && Math.floor((start + count - 1) / CHUNK_UNIT) === chunk) return { index, bytes, type: index.s[index.t[at + 1]], chunk };
  }
  assert.fail('no type in one chunk');
}

test('a first use reads and checks only the chunks it needs; a forged chunk in the middle of a column is refused at use, the other chunks answer', () => {
  const { bytes, type, chunk } = chunked();
  const genuine = Buffer.from(bytes);
  const [offset] = sections(bytes).get(`pn:${chunk}`)!;
  bytes.writeInt32LE(bytes.readInt32LE(offset + 4), offset); // two properties of the same name: well formed, not what was hashed
  const check = hashedCheck(genuine);
  const doc = decodeCompactIndex(compactIndexFromBytes(bytes, check));
  const types = doc.schemas[0].entityTypes;
  const other = types.find((t) => t.name === 'account')!;
  assert.ok(other.properties.some((p) => p.name === 'name'), 'a type in a genuine chunk answers');
  assert.deepEqual(check.damaged, []);
  const used = check.asked.filter((name) => name.startsWith('pn:'));
  assert.ok(used.length >= 1 && used.length <= 2, `only the chunks of its properties are read: ${used.join(' ')}`);
  assert.deepEqual(types.find((t) => t.name === type)!.properties, [], 'the forged chunk is never used');
  assert.equal(check.damaged.length, 1);
  assert.match(check.damaged[0], new RegExp(`section pn:${chunk} does not match its hash`));
});

test('two genuine chunks swapped are refused at use: a chunk\'s hash covers its place and name', () => {
  const { bytes, type, chunk } = chunked();
  const genuine = Buffer.from(bytes);
  const [a, length] = sections(bytes).get(`pn:${chunk - 1}`)!;
  const [b] = sections(bytes).get(`pn:${chunk}`)!;
  const saved = Buffer.from(bytes.subarray(a, a + length));
  bytes.copy(bytes, a, b, b + length);
  saved.copy(bytes, b);
  const check = hashedCheck(genuine);
  const doc = decodeCompactIndex(compactIndexFromBytes(bytes, check));
  assert.deepEqual(doc.schemas[0].entityTypes.find((t) => t.name === type)!.properties, []);
  assert.match(check.damaged[0], new RegExp(`section pn:${chunk} does not match its hash`));
});

test('a chunk is checked for its shape on its own before use: an index past the other table (its length from the head), pairs of a sparse column out of the order the head gives', () => {
  const { index, bytes: good } = chunked();
  // A type reference past the type references, in the last chunk of pt: refused when its type's properties are read.
  const last = Math.ceil(index.pt.length / CHUNK_UNIT) - 1;
  const bytes = Buffer.from(good);
  bytes.writeInt32LE(index.r.length / 8, sections(bytes).get(`pt:${last}`)![0]);
  const check = recordingCheck();
  const doc = decodeCompactIndex(compactIndexFromBytes(bytes, check));
  for (const schema of doc.schemas) for (const type of [...schema.entityTypes, ...schema.complexTypes]) void type.properties;
  assert.ok(check.damaged.some((reason) => new RegExp(`section pt:${last}: .*property type`).test(reason)), check.damaged.join('\n'));
  // The first pair of a chunk of pa not the one the head says starts it: refused, though ascending within the chunk.
  const sparse = Buffer.from(good);
  const [offset] = sections(sparse).get('pa:1')!;
  sparse.writeInt32LE(sparse.readInt32LE(offset) - 1, offset);
  const sparseCheck = recordingCheck();
  const sparseDoc = decodeCompactIndex(compactIndexFromBytes(sparse, sparseCheck));
  for (const schema of sparseDoc.schemas) for (const type of [...schema.entityTypes, ...schema.complexTypes]) void type.properties;
  assert.ok(sparseCheck.damaged.some((reason) => /section pa:1: .*property annotations/.test(reason)), sparseCheck.damaged.join('\n'));
});
