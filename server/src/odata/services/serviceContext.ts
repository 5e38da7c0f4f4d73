/**
 * What every language service (completion, hover, signature help, symbols, code actions) receives:
 * a document parsed once per version, and the environment it is checked against.
 * LSP data types come from `vscode-languageserver-types` (plain data, allowed in the core).
 */
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import type { ModelIndex } from '../csdl/modelIndex';
import type { Flavor, ODataDiagnostic } from '../diagnosticCodes';
import { LineIndex } from '../lineIndex';
import { parseRequestFile, type ODataRequest, type RequestFile } from '../requestFile/requestFile';
import { expandRequestUrl, variableTable, type ExpandedText, type SystemVariableResolver } from '../requestFile/variables';
import type { Span } from '../uri/ast';

export interface ServiceContext {
  /** Undefined while the environment's metadata is loading or unreadable: services answer what they can without it. */
  model: ModelIndex | undefined;
  flavor: Flavor;
  serviceRoot?: string;
  system?: SystemVariableResolver;
  /** The environment's own variables (its settings' `variables`), under the file's. */
  variables?: Readonly<Record<string, string>>;
  /**
   * For a client that shows only the first N items of a long list by sort text (the language server cuts
   * lists to that): completion may then leave out of a long member or entity-set list what does not match
   * the typed text and what comes after its first N, and says the list is incomplete.
   */
  completionLimit?: number;
}

/** A `.odata` document parsed once (per version): its text, line index and request file. */
export interface ODataDocument {
  uri: string;
  text: string;
  lines: LineIndex;
  file: RequestFile;
}

export function createODataDocument(uri: string, text: string): ODataDocument {
  return { uri, text, lines: new LineIndex(text), file: parseRequestFile(text) };
}

export function toRange(document: Pick<ODataDocument, 'lines'>, span: Span): Range {
  return { start: document.lines.positionAt(span.start), end: document.lines.positionAt(span.end) };
}

const LSP_SEVERITIES: Record<ODataDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** A diagnostic of the core as LSP data (its suggestions in `data`, for the quick fixes), in any text with a LineIndex. */
export function toLspDiagnostic(document: Pick<ODataDocument, 'lines'>, diagnostic: ODataDiagnostic): Diagnostic {
  return {
    range: toRange(document, diagnostic.span),
    severity: LSP_SEVERITIES[diagnostic.severity],
    source: 'odata',
    code: diagnostic.code,
    message: diagnostic.message,
    data: diagnostic.suggestions ? { suggestions: diagnostic.suggestions } : undefined,
  };
}

/** The request whose block contains the offset (the cursor at the very end of a block counts as inside). */
export function requestAt(document: ODataDocument, offset: number): ODataRequest | undefined {
  return document.file.requests.find((request) => request.span.start <= offset && offset <= request.span.end);
}

/** Where the cursor is within a request. */
export type RequestPart = 'method' | 'url' | 'header-name' | 'header-value' | 'body' | 'between';

/** The request URL with variables expanded, and the cursor's offset in it when the cursor is in the URL. */
export interface UrlAtCursor {
  request: ODataRequest;
  expanded: ExpandedText;
  /** Offset of the cursor in `expanded.text`. */
  offset: number;
}

export function urlAtCursor(document: ODataDocument, offset: number, context: ServiceContext): UrlAtCursor | undefined {
  const request = requestAt(document, offset);
  if (!request || offset < request.urlSpan.start || offset > request.urlSpan.end) return undefined;
  const expanded = expandRequestUrl(request, variableTable(document.file, context.variables), context.system);
  const inText = expanded.toTextOffset(offset);
  return inText === undefined ? undefined : { request, expanded, offset: inText };
}
