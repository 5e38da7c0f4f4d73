/**
 * `checkUrl`: parse + bind + flavour rules for one URL, as diagnostics sorted by position.
 * Never throws: an unexpected exception becomes an `internal-error` diagnostic.
 */
import type { CsdlDocument } from '../csdl/model';
import type { ModelIndex } from '../csdl/modelIndex';
import { collectDiagnostics, createDiagnostic, isDiagnosticCode, type Flavor, type ODataDiagnostic } from '../diagnosticCodes';
import type { ODataUri, SyntaxError } from '../uri/ast';
import { bindUri, systemOptions } from '../binder/binder';
import { suggest, suggestionSentence } from '../binder/binderSuggest';
import type { BoundUri } from '../binder/binderTypes';
import { parseUri } from '../uri/parser';
import { dataverseMaxSegmentLength, dataverseMaxUrlLength } from '../facts/flavorRules';
import { dataverseNamespace } from '../facts/dataverseQueryFunctions';
import { groupedDigits } from '../numberText';

export interface CheckUrlOptions {
  flavor: Flavor;
  /** The environment's service root, so absolute URLs written against it are understood. */
  serviceRoot?: string;
  /**
   * The pure OASIS grammar (`dynamics-odata check --strict`): what the flavour's service accepts beyond it is an
   * error. Default false: errors only for what the service rejects, warnings for what it tolerates.
   */
  strict?: boolean;
}

export { dataverseMaxUrlLength, dataverseMaxSegmentLength };

export function checkUrl(text: string, model: ModelIndex, options: CheckUrlOptions): ODataDiagnostic[] {
  try {
    return analyzeUrl(text, model, options).diagnostics;
  } catch (error) {
    return [internalError(text, error)];
  }
}

export interface UrlAnalysis {
  uri: ODataUri;
  bound: BoundUri;
  /** Syntax, binding and flavour diagnostics, sorted. */
  diagnostics: ODataDiagnostic[];
}

/** Parse + bind + flavour rules, keeping the tree and the bound result (for hover and completion). May throw; `checkUrl` guards it. */
export function analyzeUrl(text: string, model: ModelIndex, options: CheckUrlOptions): UrlAnalysis {
  const strict = options.strict === true;
  const uri = parseUri(text, { ...(options.serviceRoot ? { serviceRoot: options.serviceRoot } : {}), strict });
  const bound = bindUri(uri, model, { flavor: options.flavor, strict });
  const syntax = [...uri.errors, ...(uri.warnings ?? [])].map((e) => syntaxDiagnostic(e, text));
  const diagnostics = collectDiagnostics({ flavor: options.flavor }, syntax, bound.diagnostics, flavorRules(text, uri, options));
  return { uri, bound, diagnostics };
}

export function syntaxDiagnostic(error: SyntaxError, text: string): ODataDiagnostic {
  // The parser's errors and its tolerance warnings (syntax.space-around-equals…) are all codes of the table.
  const diagnostic = createDiagnostic(isDiagnosticCode(error.code) ? error.code : 'syntax.unexpected-token', error.span, {}, undefined, error.message);
  if (error.code === 'syntax.unknown-system-option') addOptionSuggestion(diagnostic, text.slice(error.span.start, error.span.end));
  return diagnostic;
}

/** `$fitler` -> "Did you mean '$filter'?" */
function addOptionSuggestion(diagnostic: ODataDiagnostic, written: string): void {
  let name = written;
  try {
    name = decodeURIComponent(written);
  } catch {
    // keep the text as written
  }
  const suggestion = suggest(name, systemOptions);
  if (suggestion.names.length === 0) return;
  diagnostic.suggestions = suggestion.names;
  diagnostic.message += suggestionSentence(suggestion);
}

function internalError(text: string, error: unknown): ODataDiagnostic {
  const detail = error instanceof Error ? error.message : String(error);
  return createDiagnostic('internal-error', { start: 0, end: text.length }, { detail });
}

// ---------------------------------------------------------------------------------------------------------
// Flavour rules that need the text rather than the model
// ---------------------------------------------------------------------------------------------------------

function flavorRules(text: string, uri: ODataUri, options: CheckUrlOptions): ODataDiagnostic[] {
  if (options.flavor !== 'dataverse') return [];
  const diagnostics: ODataDiagnostic[] = [];
  const length = sentLength(text, uri, options.serviceRoot);
  if (length > dataverseMaxUrlLength) {
    diagnostics.push(createDiagnostic('dataverse.url-too-long', { start: 0, end: text.length }, { length: groupedDigits(length) }));
  }
  for (const segment of uri.path.segments) {
    const segmentLength = segment.span.end - segment.span.start;
    if (segmentLength > dataverseMaxSegmentLength) {
      diagnostics.push(createDiagnostic('dataverse.segment-too-long', segment.span, { length: segmentLength }));
    }
  }
  return diagnostics;
}

/** The length of the URL as sent: percent-encoded, with the service root when the text is relative. */
function sentLength(text: string, uri: ODataUri, serviceRoot: string | undefined): number {
  const rootLength = uri.serviceRoot || !serviceRoot ? 0 : serviceRoot.length;
  return rootLength + encodedLength(text.trim());
}

function encodedLength(text: string): number {
  try {
    return encodeURI(text).replace(/%25([0-9A-Fa-f]{2})/g, '%$1').length;
  } catch {
    return text.length;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Flavour of a service, from its metadata
// ---------------------------------------------------------------------------------------------------------

/**
 * The flavour a `$metadata` document belongs to, from its schema namespaces: `Microsoft.Dynamics.CRM`
 * (Dataverse), `Microsoft.Dynamics.DataEntities` (Finance & Operations), `Microsoft.NAV` (Business Central's
 * API v2.0) or `NAV` (Business Central's ODataV4 web services: pages and queries published under `Company`).
 */
export function detectFlavor(document: CsdlDocument): Flavor {
  const namespaces = document.schemas.map((s) => s.namespace);
  if (namespaces.includes(dataverseNamespace)) return 'dataverse';
  if (namespaces.includes('Microsoft.Dynamics.DataEntities')) return 'fno';
  if (namespaces.some((n) => n === 'Microsoft.NAV' || n.startsWith('Microsoft.NAV.'))) return 'bc';
  if (namespaces.some((n) => n === 'NAV' || n.startsWith('NAV.'))) return 'bc';
  return 'generic';
}
