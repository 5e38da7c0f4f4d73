// Every `dynamicsOData.*` setting package.json declares is known to the one configuration module, with what its
// change affects; and the table names no setting package.json does not declare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTING_EFFECTS } from '../../../client/src/features/environments/settingEffects';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, unknown> } };
};

test('the settings effects table and package.json list the same dynamicsOData.* settings', () => {
  const declared = Object.keys(manifest.contributes.configuration.properties).filter((name) => name.startsWith('dynamicsOData.')).sort();
  assert.deepEqual(Object.keys(SETTING_EFFECTS).sort(), declared);
  for (const [name, effects] of Object.entries(SETTING_EFFECTS)) assert.ok(effects.length > 0, `${name} affects something`);
});
