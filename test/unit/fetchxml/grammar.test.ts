// The FetchXML TextMate grammar, tokenized by the same engine VS Code uses (vscode-textmate + oniguruma).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from 'vscode-textmate';

const root = join(__dirname, '..', '..', '..');

async function loadGrammar(): Promise<IGrammar> {
  await oniguruma.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'text.xml.fetchxml') return null;
      const path = join(root, 'syntaxes', 'fetchxml.tmLanguage.json');
      return parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
  const grammar = await registry.loadGrammar('text.xml.fetchxml');
  assert.ok(grammar);
  return grammar;
}

test('the FetchXML grammar colours comments, tags, attributes, operators and values', async () => {
  const grammar = await loadGrammar();
  const lines = [
    '<!-- @environment = crm -->',
    '<fetch top="5">',
    "  <condition attribute='name' operator='like' value='a&amp;b%' />",
    '</fetch>',
  ];
  let state = INITIAL;
  const tokens: { line: number; text: string; scopes: string[] }[] = [];
  lines.forEach((line, i) => {
    const result = grammar.tokenizeLine(line, state);
    for (const t of result.tokens) tokens.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = result.ruleStack;
  });
  const has = (line: number, text: string, scope: string) =>
    assert.ok(tokens.find((t) => t.line === line && t.text === text)?.scopes.some((s) => s.startsWith(scope)), `'${text}' on line ${line} should be ${scope}: ${JSON.stringify(tokens.filter((t) => t.line === line))}`);
  has(0, '@environment', 'keyword.other.environment');
  has(1, 'fetch', 'entity.name.tag');
  has(1, 'top', 'entity.other.attribute-name');
  has(2, 'condition', 'entity.name.tag');
  has(2, 'like', 'keyword.operator');
  has(2, '&amp;', 'constant.character.entity');
  has(3, 'fetch', 'entity.name.tag');
});
