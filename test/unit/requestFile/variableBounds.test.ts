// Bounded {{variable}} expansion (server/src/odata/requestFile/variables.ts): depth, size per value and per
// request, cycles found in linear time and marked on their definitions; ordinary nesting still expands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandRequestUrl, parseRequestFile, resolveVariableValue, unboundedDefinitions, variableTable, VARIABLE_LIMITS } from '../../../server/src/odata/index';

function reasons(text: string): Array<[string, string]> {
  const file = parseRequestFile(text);
  return unboundedDefinitions(file, variableTable(file)).map(({ definition, reason }) => [definition.name, reason]);
}

test('ordinary nesting expands, a variable used twice is the same value twice', () => {
  const file = parseRequestFile('@host = contoso\n@set = accounts\n@path = {{set}}({{id}})\n@id = 1\nGET {{path}}?x={{host}}-{{host}}\n');
  const table = variableTable(file);
  assert.equal(resolveVariableValue('path', table), 'accounts(1)');
  assert.equal(expandRequestUrl(file.requests[0]!, table).text, 'accounts(1)?x=contoso-contoso');
  assert.deepEqual(reasons('@a = 1\n@b = {{a}}{{a}}\n'), []);
});

test('cycles: every definition on the cycle, not the ones that only lead into it', () => {
  assert.deepEqual(reasons('@a = {{b}}\n@b = {{c}}\n@c = {{a}}\n@d = {{a}}\n@self = x{{self}}\n'), [
    ['a', 'cycle'],
    ['b', 'cycle'],
    ['c', 'cycle'],
    ['self', 'cycle'],
  ]);
});

test('size: doubling definitions stop at the value limit, however many levels', () => {
  const lines = ['@v0 = 0123456789'];
  for (let i = 1; i <= 60; i++) lines.push(`@v${i} = {{v${i - 1}}}{{v${i - 1}}}`);
  const found = reasons(lines.join('\n'));
  assert.ok(found.length > 0);
  assert.ok(found.every(([, reason]) => reason === 'tooLarge' || reason === 'tooDeep'), JSON.stringify(found));
  assert.ok(found.some(([name, reason]) => name === 'v60' && (reason === 'tooLarge' || reason === 'tooDeep')));
  const file = parseRequestFile(`${lines.join('\n')}\nGET x?y={{v60}}\n`);
  const expanded = expandRequestUrl(file.requests[0]!, variableTable(file));
  assert.equal(expanded.unresolved.length, 1);
  assert.ok(expanded.text.length < VARIABLE_LIMITS.maxValueLength);
});

test('depth: a chain longer than the limit is refused, one within it expands', () => {
  const chain = (length: number): string => Array.from({ length }, (_, i) => `@c${i} = ${i === 0 ? 'end' : `{{c${i - 1}}}`}`).join('\n');
  assert.equal(resolveVariableValue(`c${VARIABLE_LIMITS.maxDepth - 1}`, variableTable(parseRequestFile(chain(VARIABLE_LIMITS.maxDepth)))), 'end');
  const long = parseRequestFile(`${chain(VARIABLE_LIMITS.maxDepth + 3)}\nGET x?y={{c${VARIABLE_LIMITS.maxDepth + 2}}}`);
  assert.deepEqual(expandRequestUrl(long.requests[0]!, variableTable(long)).unresolved.map((u) => u.reason), ['tooDeep']);
});

test('per request: many uses of a large value stop at the request limit', () => {
  const big = 'x'.repeat(VARIABLE_LIMITS.maxValueLength);
  const uses = '{{big}}'.repeat(Math.ceil(VARIABLE_LIMITS.maxRequestLength / VARIABLE_LIMITS.maxValueLength) + 1);
  const file = parseRequestFile(`@big = ${big}\nGET x?y=${uses}\n`);
  const expanded = expandRequestUrl(file.requests[0]!, variableTable(file));
  assert.ok(expanded.unresolved.some((u) => u.reason === 'tooLarge'));
  assert.ok(expanded.text.length <= VARIABLE_LIMITS.maxRequestLength + uses.length);
});
