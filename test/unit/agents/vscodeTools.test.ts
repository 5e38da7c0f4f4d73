// The VS Code side of the agent tools that runs without VS Code: package.json's languageModelTools agree with
// the core's definitions (one source), and run_query's compact table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentToolDefinitions } from '../../../server/src/odata/agents/index';
import { MAX_CELL_CHARS, rowsAsTable } from '../../../client/src/features/agents/queryTable';

const packageJson = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  engines: { vscode: string };
  contributes: { languageModelTools: { name: string; toolReferenceName: string; modelDescription: string; inputSchema: unknown; canBeReferencedInPrompt: boolean }[] };
};

test('package.json contributes every tool with the core\'s description and input schema', () => {
  const contributed = packageJson.contributes.languageModelTools;
  assert.deepEqual(contributed.map((tool) => tool.name), agentToolDefinitions.map((tool) => `dynamicsOData_${tool.name}`));
  for (const definition of agentToolDefinitions) {
    const tool = contributed.find((candidate) => candidate.name === `dynamicsOData_${definition.name}`)!;
    assert.equal(tool.toolReferenceName, definition.name);
    assert.equal(tool.modelDescription, definition.description, `${definition.name}: regenerate package.json's languageModelTools from agentToolDefinitions`);
    assert.deepEqual(tool.inputSchema, definition.inputSchema, definition.name);
    assert.equal(tool.canBeReferencedInPrompt, true);
  }
  assert.match(packageJson.engines.vscode, /^\^1\.(9[5-9]|\d{3})\./, 'vscode.lm.registerTool needs VS Code 1.95');
});

test('rows as a compact table: annotations left out, formatted values beside raw ones, long cells cut, the count and more', () => {
  const rows = [
    { '@odata.etag': 'W/"1"', name: 'Contoso | Ltd', statecode: 0, 'statecode@OData.Community.Display.V1.FormattedValue': 'Active', address: { city: 'Oslo' } },
    { '@odata.etag': 'W/"2"', name: 'x'.repeat(200), statecode: 1, 'statecode@OData.Community.Display.V1.FormattedValue': 'Inactive', address: null },
    { name: 'third', statecode: 0 },
  ];
  const lines = rowsAsTable(rows, 2, { returned: 3, count: 42, nextPage: true });
  assert.equal(lines[0], '3 rows returned, first 2 shown; @odata.count 42; more rows exist (the service has a next page).');
  assert.equal(lines[1], '| name | statecode | address |');
  assert.equal(lines[2], '| --- | --- | --- |');
  assert.equal(lines[3], '| Contoso \\| Ltd | 0 (Active) | {"city":"Oslo"} |');
  assert.equal(lines[4], `| ${'x'.repeat(MAX_CELL_CHARS - 1)}… | 1 (Inactive) |  |`);
  assert.equal(lines.length, 5);
  assert.deepEqual(rowsAsTable([], 5, { returned: 0, nextPage: false }), ['0 rows returned; no more rows.']);
  const wide = rowsAsTable([Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`c${i}`, i]))], 5, { returned: 1, nextPage: false });
  assert.equal(wide[1], '(5 more columns not shown: $select fewer columns.)');
});
