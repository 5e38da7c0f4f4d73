// `$metadata` and `$batch` at the path start are documented by the URL keyword facts (facts/urlKeywords.ts),
// the text hover shows for them: the fact is written once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-types';
import { getLanguageService, resolveDocumentation } from '../../../server/src/odata/index';
import { doHover } from '../../../server/src/odata/services/hover';
import { pathKeywords } from '../../../server/src/odata/facts/urlKeywords';
import { crm, noModel, withCursor } from './servicesHarness';

test('$metadata and $batch completion items carry the URL keyword facts, as hover does', () => {
  const service = getLanguageService();
  for (const context of [crm(), noModel()]) {
    const { document, offset } = withCursor('GET $|');
    const items = service.complete(document, offset, context).items;
    for (const name of ['$metadata', '$batch']) {
      const item = items.find((i) => i.label === name);
      assert.ok(item, `${name} is offered`);
      const fact = pathKeywords.find((k) => k.name === name)!.doc;
      assert.equal((resolveDocumentation({ ...item }).documentation as MarkupContent).value, fact, name);
      const hover = doHover(withCursor(`GET ${name.slice(0, 3)}|${name.slice(3)}`).document, 4 + 3, context);
      assert.ok((hover?.contents as MarkupContent | undefined)?.value.includes(fact), `hover on ${name} shows the same fact`);
    }
  }
});
