// readCsdlIncrementally reads in slices with pauses between them, and gives exactly what readCsdl gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsdl, readCsdlIncrementally } from '../../../server/src/odata/csdl/csdlReader';

const corpus = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'metadata');

test('the real CRM metadata read in 64 KB slices equals the one-pass read, and it pauses between slices', async () => {
  const xml = readFileSync(join(corpus, 'simpleodata__crm_schema.xml'), 'utf8');
  let pauses = 0;
  const incremental = await readCsdlIncrementally(xml, async () => void pauses++, 1 << 16);
  assert.equal(pauses, Math.ceil(xml.length / (1 << 16)));
  assert.deepEqual(incremental, readCsdl(xml));
});

test('a surrogate pair split between slices and malformed XML behave as in one pass', async () => {
  const head = '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="N" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="T"><Annotation Term="Org.OData.Core.V1.Description" String="';
  const xml = `${head}rocket \u{1F680} here"/></EntityType></Schema></edmx:DataServices></edmx:Edmx>`;
  const split = head.length + 'rocket '.length + 1; // between the two halves of the emoji
  const incremental = await readCsdlIncrementally(xml, async () => undefined, split);
  assert.deepEqual(incremental, readCsdl(xml));
  assert.equal(incremental.schemas[0].entityTypes[0].annotations[0].value, 'rocket \u{1F680} here');

  const broken = xml.replace('</EntityType>', '</Entity>');
  const brokenIncremental = await readCsdlIncrementally(broken, async () => undefined, 50);
  assert.deepEqual(brokenIncremental, readCsdl(broken));
  assert.equal(brokenIncremental.errors[0].code, 'xml-malformed');
});

test('input that cannot be CSDL is answered before any slice is read', async () => {
  let pauses = 0;
  const doc = await readCsdlIncrementally('{"value":[]}', async () => void pauses++);
  assert.equal(pauses, 0);
  assert.equal(doc.errors[0].code, 'not-edmx');
});
