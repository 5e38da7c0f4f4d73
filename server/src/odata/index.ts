/**
 * The OData core's public API: the only module the language server and the CLI import.
 * Pure: no VS Code, no file system, no network.
 */
export { readCsdl, readCsdlIncrementally, readCsdlLazily, peekStructuredMembers, type StructuredMembers } from './csdl/csdlReader';
export { createModelIndex } from './csdl/modelIndex';
export type { ModelIndex, LookupProperty, AlternateKey } from './csdl/modelIndex';
export type * from './csdl/model';

export { parseUri, parseExpression } from './uri/parser';
export type * from './uri/ast';

export { bindUri, scopeAt, resolutionAt, canonicalFunctions, findCanonicalFunction, signatureText, systemOptions } from './uri/binder';
export type {
  BindOptions,
  BoundSegment,
  BoundUri,
  CanonicalFunction,
  Resolution,
  ResolutionKind,
  ResolutionTarget,
  ScopeEntry,
  ScopeKind,
  TypeInfo,
} from './uri/binder';
export { editDistance, suggest } from './uri/binderSuggest';

export { checkUrl, analyzeUrl, detectFlavor, dataverseMaxUrlLength, dataverseMaxSegmentLength } from './services/checkUrl';
export type { CheckUrlOptions, UrlAnalysis } from './services/checkUrl';

export {
  diagnosticCodes,
  createDiagnostic,
  formatMessage,
  registerDiagnosticCodes,
  compareDiagnostics,
} from './diagnosticCodes';
export type { DiagnosticDescriptor, Flavor, ODataDiagnostic, Severity } from './diagnosticCodes';

export { parseRequestFile, requestMethod, HTTP_METHODS } from './requestFile/requestFile';
export type { HttpMethod, ODataRequest, RequestFile, RequestHeader, UrlPiece, VariableDefinition } from './requestFile/requestFile';
export { expandPieces, expandRequestUrl, resolveVariableValue, variableTable, checkingSystemVariables } from './requestFile/variables';
export type { ExpandedText, SystemVariableResolver, UnresolvedVariable } from './requestFile/variables';
export { checkDocument, checkRequestFile } from './services/checkDocument';
export type { CheckDocumentOptions } from './services/checkDocument';
export { LineIndex } from './lineIndex';
export type { LinePosition } from './lineIndex';
export { getLanguageService } from './services/languageService';
export type { LanguageService } from './services/languageService';
export { createODataDocument, requestAt, toRange, urlAtCursor } from './services/serviceContext';
export type { ODataDocument, ServiceContext, UrlAtCursor } from './services/serviceContext';
export { completeUrl } from './services/urlCompletion';
export { documentationSource, resolveDocumentation, setLazyDocumentation } from './services/lazyDocumentation';
export { matchesTyped } from './services/completionFilter';
export { semanticTokenLegend, semanticTokens, encodeSemanticTokens, type SemanticToken } from './services/semanticTokens';
export { completeVariables } from './services/variableCompletion';
export type { LanguageServiceOptions } from './services/languageService';
export { diffSchemas, summarizeChanges } from './drift/schemaDiff';
export type { ChangeKind, SchemaChange } from './drift/schemaDiff';
export { diffAsMarkdown, diffAsText, groupByEntitySet, summaryLine } from './drift/diffReport';
export type { ChangeGroup } from './drift/diffReport';
export { mergeEnvironmentDiagnostics } from './drift/multiCheck';
export type { EnvironmentDiagnostics, MultiEnvironmentDiagnostic } from './drift/multiCheck';
