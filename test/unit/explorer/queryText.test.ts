/**
 * The explorer's "New query on this entity set" text and "Copy URL" (client/src/features/explorer/queryText.ts):
 * the starter request is checked against the metadata it came from, with no diagnostics.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newQueryText, serviceUrl, starterSelect } from '../../../client/src/features/explorer/queryText';
import { checkRequestFile, parseRequestFile } from '../../../server/src/odata/index';
import { entitySetDetails, listEntitySets } from '../../../server/src/odata/services/explorer';
import { crm, dataverseSample } from '../services/servicesHarness';

describe('new query text', () => {
  test('accounts: the key first, then plain properties, never a lookup; a runnable request', () => {
    const model = dataverseSample().model!;
    const select = starterSelect(entitySetDetails(model, 'accounts'));
    assert.equal(select[0], 'accountid');
    assert.equal(select.length, 5);
    assert.ok(select.every((name) => !/^_.*_value$/.test(name)));
    const text = newQueryText('sample', 'accounts', select);
    assert.equal(text, `@environment = sample\n\n### accounts\nGET accounts?$select=${select.join(',')}&$top=10\n`);
    const file = parseRequestFile(text);
    assert.equal(file.requests.length, 1);
    assert.deepEqual(checkRequestFile(file, model, { flavor: 'dataverse' }), []);
  });

  test('every CRM entity set gets a starter request the checker accepts', () => {
    const model = crm().model!;
    for (const set of listEntitySets(model, { limit: 5000 }).items) {
      const text = newQueryText('crm', set.name, starterSelect(entitySetDetails(model, set.name)));
      const errors = checkRequestFile(parseRequestFile(text), model, { flavor: 'dataverse' }).filter((d) => d.severity === 'error');
      assert.deepEqual(errors, [], `${set.name}: ${text}`);
    }
  });

  test('without details, just $top', () => {
    assert.deepEqual(starterSelect(undefined), []);
    assert.equal(newQueryText('dev', 'things', []), '@environment = dev\n\n### things\nGET things?$top=10\n');
  });

  test('a URL joins the service root and the set with one slash', () => {
    assert.equal(serviceUrl('https://x.crm.dynamics.com/api/data/v9.2/', 'accounts'), 'https://x.crm.dynamics.com/api/data/v9.2/accounts');
    assert.equal(serviceUrl('https://x/data', 'Customers'), 'https://x/data/Customers');
    assert.equal(serviceUrl('', 'Customers'), 'Customers');
  });
});
