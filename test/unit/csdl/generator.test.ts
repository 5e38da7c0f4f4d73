// The benchmark's Dataverse generator is deterministic and produces a clean, one-line, Dataverse-shaped document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCsdl } from '../../../server/src/odata/csdl/csdlReader';
import { createModelIndex } from '../../../server/src/odata/csdl/modelIndex';
import { generateDataverseMetadata } from '../../bench/generateMetadata';

test('generateDataverseMetadata: deterministic, one line, ~12 MB, ~900 entity types, lookups tied', () => {
  const a = generateDataverseMetadata();
  assert.equal(generateDataverseMetadata(), a);
  assert.equal(a.indexOf('\n'), -1);
  assert.ok(a.length > 11_000_000 && a.length < 15_000_000, String(a.length));
  const doc = readCsdl(a);
  assert.deepEqual(doc.errors, []);
  assert.equal(doc.schemas[0].entityTypes.length, 901);
  const index = createModelIndex(doc);
  const account = index.findStructuredType('mscrm.account')!;
  assert.deepEqual(index.findLookupProperty(account, '_ownerid_value')?.navigationProperties.map((n) => n.name), ['ownerid']);
  assert.equal(index.navigationTarget(index.findEntitySet('accounts')!, 'ownerid')?.name, 'systemusers');
});
