/**
 * Diagnostics for a whole `.odata` document: each request's URL (variables expanded) checked against the model,
 * with ranges mapped back onto the document.
 */
import { collectDiagnostics, createDiagnostic, type Flavor, type ODataDiagnostic } from '../diagnosticCodes';
import type { ModelIndex } from '../csdl/modelIndex';
import { parseRequestFile, type RequestFile } from '../requestFile/requestFile';
import { expandRequestUrl, variableTable, type SystemVariableResolver } from '../requestFile/variables';
import { checkUrl } from './checkUrl';

export interface CheckDocumentOptions {
  flavor: Flavor;
  /** The environment's service root, so absolute URLs written against it are understood. */
  serviceRoot?: string;
  system?: SystemVariableResolver;
  /** The environment's own variables, under the file's. */
  variables?: Readonly<Record<string, string>>;
}

export function checkDocument(text: string, model: ModelIndex, options: CheckDocumentOptions): ODataDiagnostic[] {
  return checkRequestFile(parseRequestFile(text), model, options);
}

export function checkRequestFile(file: RequestFile, model: ModelIndex, options: CheckDocumentOptions): ODataDiagnostic[] {
  const diagnostics: ODataDiagnostic[] = [];
  const table = variableTable(file, options.variables);
  for (const request of file.requests) {
    const expanded = expandRequestUrl(request, table, options.system);
    for (const unresolved of expanded.unresolved) {
      const code = unresolved.reason === 'cycle' ? 'request.variable-cycle' : 'request.unknown-variable';
      diagnostics.push(createDiagnostic(code, unresolved.span, { name: unresolved.name }));
    }
    // A URL with an unknown variable would only give follow-on errors.
    if (expanded.unresolved.length > 0) continue;
    if (expanded.text.trim().length === 0) {
      diagnostics.push(createDiagnostic('request.missing-url', request.methodSpan ?? request.urlSpan));
      continue;
    }
    for (const diagnostic of checkUrl(expanded.text, model, { flavor: options.flavor, serviceRoot: options.serviceRoot })) {
      const start = expanded.toDocumentOffset(diagnostic.span.start);
      const end = Math.max(start, expanded.toDocumentOffset(diagnostic.span.end));
      diagnostics.push({ ...diagnostic, span: { start, end } });
    }
  }
  return collectDiagnostics(diagnostics);
}
