// The lazy CSDL read on damaged documents: thousands of mutations of real metadata (cut, garbage inserted, a tag
// renamed or dropped, a quote or bracket removed, a comment or CDATA with an end tag in it). readCsdlLazily, using
// every type and peeking at every type never throws; and the outcome is the one-pass read's: the same document
// once every type is read, or - only where the one-pass read finds malformed XML - a broken type reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peekStructuredMembers, readCsdl, readCsdlLazily } from '../../../server/src/odata/csdl/csdlReader';
import type { CsdlDocument } from '../../../server/src/odata/csdl/model';

const corpus = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'metadata');

class Random {
  constructor(private seed: number) {}
  next(n: number): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2 ** 31;
    return this.seed % n;
  }
}

const pieces = ['<', '>', '/>', '"', "'", '&', '&amp;', '&bogus;', '</EntityType>', '<!-- </EntityType> -->', '<![CDATA[</Property>]]>', '<Property Name="z" Type="Edm.String"/>', '<Key>', ' ', '\n', 'xmlns:q="urn:q"', '<q:X/>', '<e:Property Name="p" Type="Edm.Int32"/>'];

function mutate(xml: string, random: Random): string {
  // Aim inside a type most of the time: that is what the skeleton pass skips.
  const types = [...xml.matchAll(/<(EntityType|ComplexType)\b/g)].map((m) => m.index!);
  const at = types.length > 0 && random.next(4) > 0 ? types[random.next(types.length)] + random.next(2000) : random.next(xml.length);
  const where = Math.min(at, xml.length);
  switch (random.next(6)) {
    case 0:
      return xml.slice(0, where);
    case 1:
      return xml.slice(0, where) + pieces[random.next(pieces.length)] + xml.slice(where);
    case 2: {
      const end = xml.indexOf('>', where);
      return end < 0 ? xml : xml.slice(0, where) + xml.slice(end + 1);
    }
    case 3: {
      const quote = xml.indexOf('"', where);
      return quote < 0 ? xml : xml.slice(0, quote) + xml.slice(quote + 1);
    }
    case 4:
      return xml.replace(/<\/EntityType>/, random.next(2) ? '</EntityTyp>' : '</EntityType >');
    default: {
      const tag = xml.indexOf('<Property', where);
      return tag < 0 ? xml : xml.slice(0, tag) + '<Propertyy' + xml.slice(tag + 9);
    }
  }
}

function types(doc: CsdlDocument) {
  return doc.schemas.flatMap((schema) => [...schema.entityTypes, ...schema.complexTypes]);
}

test('mutated real metadata, read lazily, never throws and agrees with the one-pass read', async () => {
  const sources = ['simpleodata__TripPin.xml', 'simpleodata__Northwind4.xml', 'oasis-odata-openapi__Northwind.xml'].map((name) => readFileSync(join(corpus, name), 'utf8'));
  const random = new Random(20261130);
  let broken = 0;
  let equal = 0;
  for (let i = 0; i < 1500; i++) {
    let xml = sources[i % sources.length];
    for (let n = 1 + random.next(3); n > 0; n--) xml = mutate(xml, random);
    const reported: string[] = [];
    const lazy = await readCsdlLazily(xml, async () => undefined, { onBroken: (message) => reported.push(message) });
    for (const type of types(lazy)) peekStructuredMembers(type);
    for (const type of types(lazy)) void type.properties;
    const eager = readCsdl(xml);
    const malformed = eager.errors.some((error) => error.code === 'xml-malformed');
    if (reported.length > 0) {
      assert.ok(malformed, `a broken type is reported only where the one-pass read finds malformed XML (case ${i})`);
      assert.equal(reported.length, 1);
      broken++;
    } else {
      // Errors found inside types are added as they are read: compare them as a set.
      assert.deepEqual({ ...lazy, errors: [] }, { ...eager, errors: [] }, `case ${i}`);
      assert.deepEqual(
        lazy.errors.map((e) => JSON.stringify(e)).sort(),
        eager.errors.map((e) => JSON.stringify(e)).sort(),
        `case ${i}`,
      );
      equal++;
    }
  }
  assert.ok(broken > 50 && equal > 50, `both outcomes are exercised (${broken} broken, ${equal} equal)`);
});
