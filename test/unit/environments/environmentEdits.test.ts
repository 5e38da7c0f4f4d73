import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameProblem, removeEnvironment, renameEnvironment, renameInRequestFile, updateEnvironment } from '../../../client/src/features/environments/environmentEdits';

const list = [
  { name: 'dev', url: 'https://dev.crm.dynamics.com/api/data/v9.2/', flavor: 'dataverse' },
  { name: 'prod', url: 'https://prod.crm.dynamics.com/api/data/v9.2/', flavor: 'dataverse', production: true },
];

describe('environment edits', () => {
  it('renames, refusing taken and unusable names', () => {
    const renamed = renameEnvironment(list, 'dev', ' test ', ['dev', 'prod']);
    assert.ok(renamed.ok);
    assert.deepEqual(renamed.environments.map((env) => env.name), ['test', 'prod']);
    assert.equal(renamed.environments[0]!.url, list[0]!.url);
    const taken = renameEnvironment(list, 'dev', 'prod', ['dev', 'prod']);
    assert.match(!taken.ok ? taken.message : '', /exists already/);
    const spaces = renameEnvironment(list, 'dev', 'my env', ['dev', 'prod']);
    assert.match(!spaces.ok ? spaces.message : '', /letters, digits/);
    assert.equal(renameEnvironment(list, 'dev', 'dev', ['dev', 'prod']).ok, true, 'the same name is no conflict');
    assert.match(nameProblem('', []) ?? '', /Enter a name/);
  });

  it('removes and updates one entry, dropping fields set to undefined', () => {
    const removed = removeEnvironment(list, 'prod');
    assert.ok(removed.ok);
    assert.deepEqual(removed.environments.map((env) => env.name), ['dev']);
    assert.equal(removeEnvironment(list, 'nope').ok, false);
    const updated = updateEnvironment(list, 'prod', { production: undefined, url: 'https://p2.crm.dynamics.com/api/data/v9.2/' });
    assert.ok(updated.ok);
    assert.equal('production' in updated.environments[1]!, false);
    assert.equal(updated.environments[1]!.url, 'https://p2.crm.dynamics.com/api/data/v9.2/');
    assert.deepEqual(updated.environments[0], list[0]);
  });

  it('rewrites @environment lines in request files, and only exact names', () => {
    const text = '@environment = dev\n### a\nGET accounts\n# @environment = dev is mentioned here\n@environment = dev2\n';
    assert.equal(renameInRequestFile(text, 'dev', 'test'), '@environment = test\n### a\nGET accounts\n# @environment = dev is mentioned here\n@environment = dev2\n');
    assert.equal(renameInRequestFile('GET accounts\n', 'dev', 'test'), undefined);
  });
});
