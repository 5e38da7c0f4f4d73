// Priming a model (server/src/lsp/prime.ts) completes and checks a small request against it: on every metadata
// document of the corpus it runs without an exception, and on a model without entity sets it does nothing.
// Then the largest types (issue 15): chosen from the compact model without decoding any type's members, never
// from a lazily read XML model, and after priming in the background their members are decoded and their
// completions answer as they would have unprimed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModelIndex, getLanguageService, readCsdl } from '../../../server/src/odata/index';
import { largeTypeSets, LARGE_TYPE_MEMBERS, LARGE_TYPES_PRIMED, primeCompletion, primeInBackground } from '../../../server/src/lsp/prime';
import { COMPLETION_LIMIT } from '../../../server/src/lsp/languageFeatures';
import { compactIndexFromBytes, compactIndexToBytes, declaredMemberCount, decodeCompactIndex, encodeCompactIndex } from '../../../server/src/odata/csdl/compactIndex';
import { readCsdlLazily } from '../../../server/src/odata/csdl/csdlReader';
import { createODataDocument } from '../../../server/src/odata/index';

const corpus = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'metadata');

test('priming runs the completion and checking code on every corpus model without an exception', () => {
  const calls: string[] = [];
  const service = getLanguageService({ onError: (name, error) => assert.fail(`${name}: ${String(error)}`) });
  const counted = { ...service, complete: (...args: Parameters<typeof service.complete>) => (calls.push('complete'), service.complete(...args)) };
  for (const name of readdirSync(corpus).filter((file) => file.endsWith('.xml'))) {
    const model = createModelIndex(readCsdl(readFileSync(join(corpus, name), 'utf8')));
    calls.length = 0;
    primeCompletion(counted, model, name.includes('crm') || name.includes('CRM') ? 'dataverse' : 'generic');
    const set = model.entitySets()[0];
    assert.equal(calls.length, set && model.findStructuredType(set.entityType) ? 11 : 0, name);
  }
  const empty = createModelIndex(readCsdl('<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="E" xmlns="http://docs.oasis-open.org/odata/ns/edm"/></edmx:DataServices></edmx:Edmx>'));
  calls.length = 0;
  primeCompletion(counted, empty, 'generic');
  assert.equal(calls.length, 0);
});

/** A document with `sizes.length` entity types `T<i>` (set `S<i>`), type i having sizes[i] navigation properties to T0, and 2 properties each. */
function documentWithTypes(sizes: number[]): string {
  const types = sizes.map((navs, i) => {
    const members = Array.from({ length: navs }, (_, n) => `<NavigationProperty Name="n${n}" Type="E.T0"/>`).join('');
    return `<EntityType Name="T${i}"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Guid" Nullable="false"/><Property Name="name${i}" Type="Edm.String"/>${members}</EntityType>`;
  });
  const sets = sizes.map((_, i) => `<EntitySet Name="S${i}" EntityType="E.T${i}"/>`).join('');
  return `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="E" xmlns="http://docs.oasis-open.org/odata/ns/edm">${types.join('')}<EntityContainer Name="C">${sets}</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;
}

const compactModel = (xml: string) => createModelIndex(decodeCompactIndex(compactIndexFromBytes(compactIndexToBytes(encodeCompactIndex(readCsdl(xml))))));
const decoded = (type: object): boolean => Object.getOwnPropertyDescriptor(type, 'navigationProperties')?.get === undefined;

test('the largest types are chosen from the compact model by their member counts, without decoding any of them', () => {
  // Eleven types over the threshold (of different sizes), two under it.
  const sizes = [3, LARGE_TYPE_MEMBERS - 2, ...Array.from({ length: LARGE_TYPES_PRIMED + 3 }, (_, i) => LARGE_TYPE_MEMBERS + 10 * i)];
  const model = compactModel(documentWithTypes(sizes));
  const types = model.document.schemas[0].entityTypes;
  assert.ok(types.every((type) => !decoded(type)), 'nothing decoded yet');
  assert.deepEqual(types.map((type) => declaredMemberCount(type)), sizes.map((navs) => navs + 2));
  const chosen = largeTypeSets(model);
  assert.ok(types.every((type) => !decoded(type)), 'choosing decoded nothing');
  const expected = sizes
    .map((navs, i) => ({ navs, i }))
    .filter(({ navs }) => navs + 2 >= LARGE_TYPE_MEMBERS)
    .sort((a, b) => b.navs - a.navs)
    .slice(0, LARGE_TYPES_PRIMED)
    .map(({ i }) => `S${i}`);
  assert.deepEqual(chosen.map(({ set }) => set.name), expected);
  assert.equal(chosen.length, LARGE_TYPES_PRIMED);
  // A model read from XML whole: counted from its arrays.
  const full = createModelIndex(readCsdl(documentWithTypes(sizes)));
  assert.deepEqual(largeTypeSets(full).map(({ set }) => set.name), expected);
});

test('a lazily read XML model is never read for priming its large types', async () => {
  const document = await readCsdlLazily(documentWithTypes([3, LARGE_TYPE_MEMBERS + 5]), async () => undefined, { onBroken: () => assert.fail('not broken') });
  const model = createModelIndex(document);
  const type = model.document.schemas[0].entityTypes[1];
  assert.equal(declaredMemberCount(type), undefined);
  assert.deepEqual(largeTypeSets(model), []);
  assert.equal(Object.getOwnPropertyDescriptor(type, 'properties')?.get !== undefined, true, 'its members were not read');
});

test('priming in the background decodes the large types and their completions answer as unprimed ones do', async () => {
  const xml = documentWithTypes([3, 40, LARGE_TYPE_MEMBERS + 100]);
  const text = 'GET S2?$select=\n';
  const offset = text.indexOf('=') + 1;
  const context = (model: ReturnType<typeof compactModel>) => ({ model, flavor: 'generic' as const, completionLimit: COMPLETION_LIMIT });
  const unprimed = compactModel(xml);
  const expected = getLanguageService().complete(createODataDocument('file:///a.odata', text), offset, context(unprimed));

  const model = compactModel(xml);
  const big = model.findStructuredType('E.T2')!;
  const membersDecoded = (type: object): boolean => Object.getOwnPropertyDescriptor(type, 'properties')?.get === undefined;
  const errors: unknown[] = [];
  primeInBackground(getLanguageService(), model, 'generic', (error) => errors.push(error));
  for (let i = 0; i < 100 && !membersDecoded(big); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(errors, []);
  assert.ok(membersDecoded(big), 'the large type was primed');
  assert.equal(membersDecoded(model.findStructuredType('E.T1')!), false, 'a small type was not');
  const primed = getLanguageService().complete(createODataDocument('file:///a.odata', text), offset, context(model));
  assert.deepEqual(JSON.parse(JSON.stringify(primed)), JSON.parse(JSON.stringify(expected)));
  assert.ok(primed.items.length > 0);
});
