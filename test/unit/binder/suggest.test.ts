import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editDistance, suggest } from '../../../server/src/odata/index';

test('Damerau-Levenshtein counts a transposition as one edit', () => {
  assert.equal(editDistance('nmae', 'name'), 1);
  assert.equal(editDistance('revenu', 'revenue'), 1);
  assert.equal(editDistance('abc', 'xyz'), 3);
});

test('suggest: case-insensitive, cut off by length, case-only matches flagged', () => {
  assert.deepEqual(suggest('nmae', ['name', 'numberofemployees', 'fax']).names, ['name']);
  assert.deepEqual(suggest('zzzz', ['name', 'fax']).names, []);
  assert.equal(suggest('Name', ['name', 'names']).caseOnly, 'name');
  assert.deepEqual(suggest('ab', ['ac']).names, [], 'two-letter names are too short to guess');
});
