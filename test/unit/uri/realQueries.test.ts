/**
 * Every query of ../shared/corpus/queries/real-queries.txt (Microsoft documentation) parses without syntax
 * errors once the documentation's placeholders are filled in:
 * `<systemuserid value>`, `{id}`, `{…LineId}` → a GUID; `'{GUID}'` keeps its quotes; `{businesscentralPrefix}` and
 * `<server address>:<server API port>/<server instance name>` → a host; `<value>` → text; a leading HTTP method is
 * dropped; the `[documented as NOT supported]` note is stripped; `$filter: ` (a doc typo) → `$filter=`.
 * `[Organization URI]`-style prefixes are left to the parser. A line that is only a function call is an expression.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExpression, parseUri } from '../../../server/src/odata/uri/parser';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', '..');
const corpus = join(root, '..', 'shared', 'corpus', 'queries', 'real-queries.txt');
const guid = '00000000-0000-0000-0000-000000000001';

function fill(url: string): string {
  return url
    .replace(/\s+\[documented as NOT supported\]\s*$/, '')
    .replace(/^(GET|POST|PATCH|PUT|DELETE)\s+/, '')
    .replace(/^\$filter:\s*/, '$filter=')
    .replace('<systemuserid value>', guid)
    .replace(/'\{GUID\}'/g, `'${guid}'`)
    .replace('<server address>:<server API port>/<server instance name>', 'bc.example.com:7048/BC')
    .replace('{businesscentralPrefix}', 'api.businesscentral.dynamics.com')
    .replace(/^businesscentralPrefix\//, 'https://api.businesscentral.dynamics.com/')
    .replace(/\{[A-Za-z]+\}/g, guid)
    .replace('<value>', 'US-001');
}

describe('real Dynamics queries from Microsoft documentation', () => {
  const lines = readFileSync(corpus, 'utf8').split('\n').filter((l) => l.trim() !== '');
  it('has the 64 documented queries', () => {
    assert.equal(lines.length, 64);
  });
  for (const line of lines) {
    const url = fill(line.slice(line.indexOf('\t') + 1).trim());
    it(url.length > 100 ? `${url.slice(0, 100)}…` : url, () => {
      const isExpression = /^[A-Za-z]+\(/.test(url) && !url.includes('?') && !url.includes('/');
      const errors = isExpression ? parseExpression(url).errors : parseUri(url).errors;
      assert.deepEqual(errors, []);
    });
  }
});
