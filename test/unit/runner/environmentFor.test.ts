import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseEnvironment, serviceRootOf } from '../../../client/src/features/runner/environmentFor';
import { sendingSystemVariables } from '../../../client/src/features/runner/systemVariables';

const dev = { name: 'dev', flavor: 'dataverse', url: 'https://contoso-dev.crm.dynamics.com/api/data/v9.2' };
const prod = { name: 'prod', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', production: true };

describe('the environment a request goes to', () => {
  it('takes the file\'s @environment first, then the default, then the only one', () => {
    const both = [dev, prod];
    const fromFile = chooseEnvironment('prod', both, 'dev', 'sample');
    assert.ok(fromFile.ok);
    assert.equal(fromFile.environment.name, 'prod');
    assert.equal(fromFile.environment.production, true);
    const fromDefault = chooseEnvironment(undefined, both, 'dev', 'sample');
    assert.ok(fromDefault.ok);
    assert.equal(fromDefault.environment.serviceRoot, 'https://contoso-dev.crm.dynamics.com/api/data/v9.2/');
    const only = chooseEnvironment(undefined, [dev], undefined, 'sample');
    assert.ok(only.ok);
    assert.equal(only.environment.flavor, 'dataverse');
  });

  it('explains what to do when it cannot choose', () => {
    const unknown = chooseEnvironment('test', [dev, prod], undefined, 'sample');
    assert.equal(unknown.ok, false);
    assert.match(!unknown.ok ? unknown.message : '', /"@environment" line names "test".*known: dev, prod/);
    const ambiguous = chooseEnvironment(undefined, [dev, prod], undefined, 'sample');
    assert.match(!ambiguous.ok ? ambiguous.message : '', /@environment = dev/);
    const sampleOnly = chooseEnvironment(undefined, [], undefined, 'dataverse-sample');
    assert.match(!sampleOnly.ok ? sampleOnly.message : '', /"dataverse-sample".*no service.*Add Environment/);
    const badUrl = chooseEnvironment('x', [{ name: 'x', url: 'not a url' }], undefined, 'sample');
    assert.match(!badUrl.ok ? badUrl.message : '', /no usable service root/);
  });

  it('normalises service roots and refuses other schemes', () => {
    assert.equal(serviceRootOf('http://127.0.0.1:4004/api/data/v9.2?x=1'), 'http://127.0.0.1:4004/api/data/v9.2/');
    assert.equal(serviceRootOf('ftp://example.com/'), undefined);
    const generic = chooseEnvironment('g', [{ name: 'g', flavor: 'nonsense', url: 'https://example.com/odata/' }], undefined, 's');
    assert.ok(generic.ok);
    assert.equal(generic.environment.flavor, 'generic');
  });
});

describe('system variables when sending', () => {
  const resolve = sendingSystemVariables(() => new Date('2026-11-30T10:00:00Z'));
  it('gives fresh GUIDs, times and bounded random integers', () => {
    const a = resolve('$guid', []);
    assert.match(a ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(resolve('$guid', []), a);
    assert.equal(resolve('$timestamp', []), String(Date.parse('2026-11-30T10:00:00Z') / 1000));
    assert.equal(resolve('$datetime', []), '2026-11-30T10:00:00.000Z');
    assert.match(resolve('$localDatetime', []) ?? '', /^2026-11-30T\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    for (let i = 0; i < 50; i += 1) {
      const n = Number(resolve('$randomInt', ['5', '8']));
      assert.ok(n >= 5 && n < 8, `${n}`);
    }
    assert.equal(resolve('$randomInt', ['9', '2']), undefined);
  });
  it('does not read process environment variables', () => {
    assert.equal(resolve('$processEnv', ['HOME']), undefined);
    assert.equal(resolve('$dotenv', ['TOKEN']), undefined);
  });
});
