// The one tolerant reader of environment settings: bad entries become sentences, the rest is used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEnvironmentSettings, readServerConfig } from '../../../server/src/protocol/environmentSettings';

test('a valid entry is read with every field, variables included', () => {
  const read = readEnvironmentSettings([
    {
      name: 'bc',
      url: 'https://api.businesscentral.dynamics.com/v2.0/t/production/api/v2.0/',
      flavor: 'bc',
      production: true,
      metadataFile: 'bc.xml',
      auth: { method: 'interactive', tenant: 'contoso.onmicrosoft.com' },
      variables: { company: '1234' },
    },
  ]);
  assert.deepEqual(read.problems, []);
  assert.deepEqual(read.value, [
    {
      name: 'bc',
      url: 'https://api.businesscentral.dynamics.com/v2.0/t/production/api/v2.0/',
      flavor: 'bc',
      production: true,
      metadataFile: 'bc.xml',
      auth: { method: 'interactive', tenant: 'contoso.onmicrosoft.com' },
      variables: { company: '1234' },
    },
  ]);
});

test('bad entries and fields give one sentence each and never throw', () => {
  const read = readEnvironmentSettings([
    null,
    'dev',
    { url: 'https://x.crm.dynamics.com/' },
    { name: 'a', url: 'https://a.crm.dynamics.com/', flavor: 'sap', production: 'yes', variables: { top: 10, bad: {} }, colour: 'red' },
    { name: 'a', url: 'https://other.example/' },
    { name: 'b', url: 42 },
    { name: 'c', url: 'https://c.example/', auth: { method: 'password', cloud: 'mars', secret: 'x' } },
  ]);
  assert.deepEqual(
    read.value.map((env) => env.name),
    ['a', 'c'],
  );
  assert.deepEqual(read.value[0], { name: 'a', url: 'https://a.crm.dynamics.com/', variables: { top: '10' } });
  assert.deepEqual(read.problems, [
    'dynamicsOData.environments[0] must be an object such as { "name": "dev", "url": "https://…" }, not null.',
    'dynamicsOData.environments[1] must be an object such as { "name": "dev", "url": "https://…" }, not "dev".',
    'dynamicsOData.environments[2] has no "name": give it a short name (letters, digits, ".", "-", "_").',
    'dynamicsOData.environments[3] ("a"): "flavor" is "sap"; use one of dataverse, fno, bc, generic.',
    'dynamicsOData.environments[3] ("a"): "production" must be a boolean, not "yes".',
    'dynamicsOData.environments[3] ("a"): "colour" is not an environment setting (known: name, url, flavor, metadataFile, production, auth, variables).',
    'dynamicsOData.environments[3] ("a"): variable "bad" must be a string, not an object.',
    'dynamicsOData.environments[4]: the name "a" is used twice; the first entry is used.',
    'dynamicsOData.environments[5] ("b"): "url" must be a string, not a number.',
    'dynamicsOData.environments[5] ("b") has no "url": set the service root, e.g. https://contoso.crm.dynamics.com/api/data/v9.2/.',
    'dynamicsOData.environments[6] ("c"): "auth.method" is "password"; use one of interactive, deviceCode, clientSecret, certificate, none.',
    'dynamicsOData.environments[6] ("c"): "auth.cloud" is "mars"; use one of public, usgov, usgovhigh, dod, china.',
    'dynamicsOData.environments[6] ("c"): "auth.secret" is not a sign-in setting (known: method, tenant, clientId, cloud, authorityHost, certificatePath, certificateThumbprint).',
  ]);
});

test('a value that is not a list is one problem', () => {
  assert.deepEqual(readEnvironmentSettings({ name: 'x' }), { value: [], problems: ['dynamicsOData.environments must be a list of environments, not an object.'] });
  assert.deepEqual(readEnvironmentSettings(undefined), { value: [], problems: [] });
});

test('the server config keeps name, url, flavor, metadata file and variables; entries without a metadata file are dropped', () => {
  const read = readServerConfig({
    environments: [
      { name: 'bc', url: 'https://api.businesscentral.dynamics.com/v2.0/t/p/api/v2.0/', flavor: 'bc', metadataFile: '/m/bc.xml', variables: { company: 'c1' }, production: true },
      { name: 'local', metadataFile: '/m/local.xml' },
      { name: 'nofile', url: 'https://x.example/' },
    ],
    defaultEnvironment: '',
  });
  assert.deepEqual(read.value, {
    environments: [
      { name: 'bc', url: 'https://api.businesscentral.dynamics.com/v2.0/t/p/api/v2.0/', flavor: 'bc', metadataFile: '/m/bc.xml', variables: { company: 'c1' } },
      { name: 'local', url: '', flavor: 'generic', metadataFile: '/m/local.xml' },
    ],
    defaultEnvironment: undefined,
  });
  assert.deepEqual(read.problems, ['dynamicsOData.environments[2] ("nofile") has no "metadataFile": the server has nothing to check against.']);
  assert.deepEqual(readServerConfig('nonsense').value, { environments: [], defaultEnvironment: undefined });
  assert.deepEqual(readServerConfig({ environments: 3, defaultEnvironment: 7 }).problems, [
    'environments must be a list, not a number.',
    'defaultEnvironment must be an environment\'s name, not a number.',
  ]);
});

test('checkAgainst: a list of environment names is kept; anything else is one problem', () => {
  assert.deepEqual(readServerConfig({ environments: [], checkAgainst: ['prod', '', 'test'] }).value.checkAgainst, ['prod', 'test']);
  const wrong = readServerConfig({ environments: [], checkAgainst: 'prod' });
  assert.equal(wrong.value.checkAgainst, undefined);
  assert.deepEqual(wrong.problems, ['checkAgainst must be a list of environment names, not "prod".']);
});
