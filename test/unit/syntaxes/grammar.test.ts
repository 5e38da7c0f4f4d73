// The TextMate grammar, tokenized by the same engine VS Code uses (vscode-textmate + oniguruma).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from 'vscode-textmate';

const root = join(__dirname, '..', '..', '..');

async function loadGrammar(): Promise<IGrammar> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.odata') return null; // embedded source.json is VS Code's own grammar
      const path = join(root, 'syntaxes', 'odata.tmLanguage.json');
      return parseRawGrammar(readFileSync(path, 'utf8'), path);
    },
  });
  const grammar = await registry.loadGrammar('source.odata');
  assert.ok(grammar);
  return grammar;
}

/** The scopes of the first token whose text is `text` on the given line. */
function scopesOf(grammar: IGrammar, lines: string[], lineNumber: number, text: string): string[] {
  let state = INITIAL;
  for (let i = 0; i < lines.length; i++) {
    const result = grammar.tokenizeLine(lines[i], state);
    if (i === lineNumber) {
      const token = result.tokens.find((t) => lines[i].slice(t.startIndex, t.endIndex) === text);
      assert.ok(token, `no token '${text}' on line ${i}: ${result.tokens.map((t) => `[${lines[i].slice(t.startIndex, t.endIndex)}]`).join('')}`);
      return token.scopes;
    }
    state = result.ruleStack;
  }
  throw new Error(`line ${lineNumber} not found`);
}

const sample = [
  '# a comment',
  '@top = 10',
  '### Big accounts',
  "GET accounts(00000000-0000-0000-0000-000000000001)?$select=name&$filter=name eq 'O''Brian' and revenue gt 10.5",
  '    &$top={{top}}',
  'Prefer: odata.include-annotations="*"',
  "contacts?$filter=createdon ge 2024-01-31T00:00:00Z and contains(fullname,'a') and _parentcustomerid_value ne null",
];

test('the grammar colours every part of a request', async () => {
  const grammar = await loadGrammar();
  const has = (line: number, text: string, scope: string) =>
    assert.ok(scopesOf(grammar, sample, line, text).some((s) => s.startsWith(scope)), `'${text}' on line ${line} should be ${scope}`);
  has(0, '# a comment', 'comment.line');
  has(1, 'top', 'variable.other.definition');
  has(2, '###', 'punctuation.separator.request');
  has(2, ' Big accounts', 'entity.name.section');
  has(3, 'GET', 'keyword.control.http-method');
  has(3, '00000000-0000-0000-0000-000000000001', 'constant.other.guid');
  has(3, '$select', 'keyword.other.system-option');
  has(3, 'eq', 'keyword.operator');
  has(3, "'O''Brian'", 'string.quoted.single');
  has(3, '10.5', 'constant.numeric');
  has(4, 'top', 'variable.other.substitution');
  has(5, 'Prefer', 'support.type.header-name');
  has(6, '2024-01-31T00:00:00Z', 'constant.other.date');
  has(6, 'contains', 'support.function');
  has(6, 'null', 'constant.language');
});
