// The bundled sample environment: offered while nothing is configured, and its metadata ships in the VSIX.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_METADATA_PATH, withSampleEnvironment } from '../../../client/src/features/environments/sampleEnvironment';
import { createModelIndex, readCsdl } from '../../../server/src/odata/index';

const root = join(__dirname, '..', '..', '..');

test('no environment configured: the sample is the default environment', () => {
  const config = withSampleEnvironment({ environments: [] }, '/ext/sample.xml');
  assert.deepEqual(config.environments.map((env) => [env.name, env.flavor, env.metadataFile]), [['dataverse-sample', 'dataverse', '/ext/sample.xml']]);
  assert.equal(config.defaultEnvironment, 'dataverse-sample');
});

test('configured environments are left as they are, without the sample', () => {
  const configured = { environments: [{ name: 'dev', flavor: 'generic' as const, url: 'https://x/', metadataFile: '/m.xml' }], defaultEnvironment: 'dev' };
  assert.equal(withSampleEnvironment(configured, '/ext/sample.xml'), configured);
});

test('the sample metadata exists where the extension looks for it, is shipped in the VSIX, and reads without errors', () => {
  const file = join(root, SAMPLE_METADATA_PATH);
  assert.ok(existsSync(file));
  assert.match(readFileSync(join(root, '.vscodeignore'), 'utf8'), new RegExp(`^!${SAMPLE_METADATA_PATH.replace(/[.]/g, '\\.')}$`, 'm'));
  const document = readCsdl(readFileSync(file, 'utf8'));
  assert.deepEqual(document.errors, []);
  assert.ok(createModelIndex(document).findEntitySet('accounts'));
});
