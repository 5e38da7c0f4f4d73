/**
 * Diagnostics for a whole `.odata` document: each request's URL (variables expanded) checked against the model,
 * with ranges mapped back onto the document.
 */
import { collectDiagnostics, createDiagnostic, type Flavor, type ODataDiagnostic } from '../diagnosticCodes';
import type { ModelIndex } from '../csdl/modelIndex';
import { parseRequestFile, type RequestFile } from '../requestFile/requestFile';
import { expandRequestUrl, unboundedDefinitions, variableTable, VARIABLE_LIMITS, type SystemVariableResolver, type UnresolvedReason } from '../requestFile/variables';
import { forbiddenHeader, forbiddenHeaderMessage } from '../facts/forbiddenHeaders';
import { checkUrl } from './checkUrl';
import { groupedDigits } from '../numberText';

export interface CheckDocumentOptions {
  flavor: Flavor;
  /** The environment's service root, so absolute URLs written against it are understood. */
  serviceRoot?: string;
  system?: SystemVariableResolver;
  /** The environment's own variables, under the file's. */
  variables?: Readonly<Record<string, string>>;
  /** The pure OASIS grammar (see `CheckUrlOptions.strict`). */
  strict?: boolean;
  /** The environment sends a token (then a Cookie header is refused too); default: every flavour but generic. */
  signedIn?: boolean;
}

const REFERENCE_CODES = {
  unknown: 'request.unknown-variable',
  cycle: 'request.variable-cycle',
  tooDeep: 'request.variable-too-deep',
  tooLarge: 'request.variable-too-large',
} as const satisfies Record<UnresolvedReason, string>;

function variableArgs(name: string, reason: UnresolvedReason): Record<string, string | number> {
  return { name, max: reason === 'tooDeep' ? VARIABLE_LIMITS.maxDepth : groupedDigits(VARIABLE_LIMITS.maxValueLength) };
}

export function checkDocument(text: string, model: ModelIndex, options: CheckDocumentOptions): ODataDiagnostic[] {
  return checkRequestFile(parseRequestFile(text), model, options);
}

export function checkRequestFile(file: RequestFile, model: ModelIndex, options: CheckDocumentOptions): ODataDiagnostic[] {
  const diagnostics: ODataDiagnostic[] = [];
  const table = variableTable(file, options.variables);
  // A definition on a cycle or past a bound is marked where it is written (and every use of it below).
  for (const { definition, reason } of unboundedDefinitions(file, table, options.system)) {
    diagnostics.push(createDiagnostic(REFERENCE_CODES[reason], definition.nameSpan, variableArgs(definition.name, reason)));
  }
  const signedIn = options.signedIn ?? options.flavor !== 'generic';
  for (const request of file.requests) {
    for (const header of request.headers) {
      const forbidden = forbiddenHeader(header.name, { signedIn });
      if (forbidden) diagnostics.push(createDiagnostic('request.forbidden-header', header.span, { detail: forbiddenHeaderMessage(header.name, forbidden) }));
    }
    const expanded = expandRequestUrl(request, table, options.system);
    for (const unresolved of expanded.unresolved) {
      diagnostics.push(createDiagnostic(REFERENCE_CODES[unresolved.reason], unresolved.span, variableArgs(unresolved.name, unresolved.reason)));
    }
    // A URL with an unknown variable would only give follow-on errors.
    if (expanded.unresolved.length > 0) continue;
    if (expanded.text.trim().length === 0) {
      diagnostics.push(createDiagnostic('request.missing-url', request.methodSpan ?? request.urlSpan));
      continue;
    }
    for (const diagnostic of checkUrl(expanded.text, model, { flavor: options.flavor, serviceRoot: options.serviceRoot, strict: options.strict === true })) {
      const start = expanded.toDocumentOffset(diagnostic.span.start);
      const end = Math.max(start, expanded.toDocumentOffset(diagnostic.span.end));
      diagnostics.push({ ...diagnostic, span: { start, end } });
    }
  }
  return collectDiagnostics({ flavor: options.flavor }, diagnostics);
}
