// package.json's schema for `dynamicsOData.environments` and the one reader (protocol/environmentSettings.ts)
// describe the same fields with the same types and enums.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH_FIELDS, ENVIRONMENT_FIELDS, type FieldSpec } from '../../../server/src/protocol/environmentSettings';

interface Schema {
  type?: string;
  enum?: string[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Schema> } };
};
const entrySchema = manifest.contributes.configuration.properties['dynamicsOData.environments']!.items!;

function assertSameFields(schema: Schema, fields: Readonly<Record<string, FieldSpec>>, where: string): void {
  assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), Object.keys(fields).sort(), `${where}: the same field names`);
  for (const [name, spec] of Object.entries(fields)) {
    const declared = schema.properties![name]!;
    assert.equal(declared.type, spec.type, `${where}.${name}: type`);
    assert.deepEqual(declared.enum ?? [], [...(spec.enum ?? [])], `${where}.${name}: enum`);
  }
  const required = Object.entries(fields).filter(([, spec]) => spec.required).map(([name]) => name);
  assert.deepEqual([...(schema.required ?? [])].sort(), required.sort(), `${where}: required fields`);
}

test('every environment field is in package.json with the same type, enum and requiredness', () => {
  assertSameFields(entrySchema, ENVIRONMENT_FIELDS, 'environments[]');
});

test('every auth field is in package.json with the same type, enum and requiredness', () => {
  assertSameFields(entrySchema.properties!.auth!, AUTH_FIELDS, 'environments[].auth');
});
