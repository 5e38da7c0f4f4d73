// Folding reads the request file's line kinds: comment runs are comment lines as the parser reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FoldingRangeKind } from 'vscode-languageserver-types';
import { foldingRanges } from '../../../server/src/odata/services/symbols';
import { createODataDocument } from '../../../server/src/odata/services/serviceContext';

const commentFolds = (text: string): [number, number][] =>
  foldingRanges(createODataDocument('file:///t.odata', text))
    .filter((range) => range.kind === FoldingRangeKind.Comment)
    .map((range) => [range.startLine, range.endLine]);

test('comment runs fold, `# @name` lines count as comments, `###` lines and body lines do not', () => {
  assert.deepEqual(commentFolds('# one\n// two\n# @name q\nGET a\n'), [[0, 2]]);
  assert.deepEqual(commentFolds('# one\n###\n# two\nGET a\n'), []);
  // `#` and `//` lines inside a body are body text (the runner sends them), not comments.
  assert.deepEqual(commentFolds('POST a\n\n# not a comment\n// neither\n'), []);
  // CRLF: the same lines.
  assert.deepEqual(commentFolds('# one\r\n# two\r\nGET a\r\n'), [[0, 1]]);
});

test('an unnamed `###` folds with the request below it; a named one is the request', () => {
  const ranges = foldingRanges(createODataDocument('file:///t.odata', '###\nGET a\nAccept: x\n\n### b\nGET b\nAccept: y\n'));
  const regions = ranges.filter((range) => range.kind === FoldingRangeKind.Region).map((range) => [range.startLine, range.endLine]);
  assert.deepEqual(regions, [[0, 2], [4, 6]]);
});
