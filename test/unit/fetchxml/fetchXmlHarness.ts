/**
 * FetchXML test harness: the real CRM model read as FetchXML tables, `expectFetchXmlDiagnostics` that asserts codes
 * with the exact text each span covers, and `atCursor` that splits a `|`-marked text.
 */
import assert from 'node:assert/strict';
import { analyzeFetchXml, fetchXmlModel, type FetchXmlModel, type ODataDiagnostic } from '../../../server/src/odata/index';
import { crmModel } from '../binder/binderHarness';

export { crmModel };

export function crmFetchModel(): FetchXmlModel {
  return fetchXmlModel(crmModel());
}

/** `[code, text under the span]` of every diagnostic, in order. */
export function diagnosticsOf(text: string, model: FetchXmlModel | 'no model' = crmFetchModel()): [string, string][] {
  return analyzeFetchXml(text, model === 'no model' ? undefined : model)
    .diagnostics.slice()
    .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || (a.code < b.code ? -1 : 1))
    .map((d: ODataDiagnostic) => [d.code, text.slice(d.span.start, d.span.end)]);
}

export function expectFetchXmlDiagnostics(text: string, expected: [string, string][], model?: FetchXmlModel): void {
  assert.deepEqual(diagnosticsOf(text, model), expected, text);
}

export function atCursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'the text has a | cursor');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}
