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

export { bindUri, scopeAt, resolutionAt, canonicalFunctions, findCanonicalFunction, signatureText, systemOptions } from './binder/binder';
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
} from './binder/binder';
export { editDistance, suggest } from './binder/binderSuggest';

export { checkUrl, analyzeUrl, detectFlavor, dataverseMaxUrlLength, dataverseMaxSegmentLength } from './services/checkUrl';
export type { CheckUrlOptions, UrlAnalysis } from './services/checkUrl';

export {
  diagnosticCodes,
  createDiagnostic,
  formatMessage,
  compareDiagnostics,
} from './diagnosticCodes';
export type { DiagnosticDescriptor, Flavor, ODataDiagnostic, Severity } from './diagnosticCodes';

export { parseRequestFile, requestMethod, HTTP_METHODS } from './requestFile/requestFile';
export type { HttpMethod, ODataRequest, RequestFile, RequestHeader, UrlPiece, VariableDefinition } from './requestFile/requestFile';
export type { RequestFileLine, RequestLineKind } from './requestFile/requestFile';
export { expandPieces, expandRequestUrl, resolveVariableValue, variableTable, checkingSystemVariables } from './requestFile/variables';
export type { ExpandedText, SystemVariableResolver, UnresolvedVariable } from './requestFile/variables';
export { checkDocument, checkRequestFile } from './services/checkDocument';
export type { CheckDocumentOptions } from './services/checkDocument';
export { LineIndex } from './lineIndex';
export type { LinePosition } from './lineIndex';
export { getLanguageService } from './services/languageService';
export type { LanguageService } from './services/languageService';
export { createODataDocument, requestAt, toLspDiagnostic, toRange, urlAtCursor } from './services/serviceContext';
export type { ODataDocument, ServiceContext, UrlAtCursor } from './services/serviceContext';
export { completeUrl } from './services/urlCompletion';
export { documentationSource, resolveDocumentation, setLazyDocumentation } from './services/lazyDocumentation';
export { matchesTyped } from './services/completionFilter';
export { semanticTokenLegend, semanticTokens, encodeSemanticTokens, type SemanticToken } from './services/semanticTokens';
export { completeVariables } from './services/variableCompletion';
export type { LanguageServiceOptions } from './services/languageService';

// FetchXML: the same model read as tables, columns and relationships; reader, checker, completion, hover, conversion.
export { fetchXmlModel, columnOf } from './fetchxml/fetchXmlModel';
export type { FetchXmlModel, FetchEntity, FetchAttribute, FetchRelationship } from './fetchxml/fetchXmlModel';
export { analyzeFetchXml } from './fetchxml/checkFetchXml';
export type { FetchXmlAnalysis } from './fetchxml/checkFetchXml';
export { completeFetchXml, hoverFetchXml } from './fetchxml/fetchXmlCompletion';
export { convertQuery } from './fetchxml/convert';
export type { ConvertInput, ConvertResult } from './fetchxml/convert';
export { fetchXmlCodes, conditionOperators } from './fetchxml/fetchXmlFacts';
export { checkFetchXmlInRequests, checkFetchXmlDocument, fetchXmlEnvironment, fetchXmlParameter } from './fetchxml/embeddedFetchXml';
// Trust (issue 12): headers a file may not set, and the bounds of {{variable}} expansion.
export { FORBIDDEN_HEADERS, forbiddenHeader, forbiddenHeaderMessage } from './facts/forbiddenHeaders';
export type { ForbiddenHeader } from './facts/forbiddenHeaders';
export { VARIABLE_LIMITS, unboundedDefinitions } from './requestFile/variables';
export type { UnboundedDefinition, UnresolvedReason } from './requestFile/variables';
// Agent tools (server/src/odata/agents): the definitions and the answer sizing the VS Code client uses for run_query.
export { agentToolDefinitions, redactSecrets, sizedAnswer, DEFAULT_RUN_ROWS, MAX_RUN_ROWS } from './agents/index';
export type { AgentToolDefinition, AgentToolName } from './agents/index';
export { diffSchemas, summarizeChanges } from './drift/schemaDiff';
export type { ChangeKind, SchemaChange } from './drift/schemaDiff';
export { diffAsMarkdown, diffAsText, groupByEntitySet, summaryLine } from './drift/diffReport';
export type { ChangeGroup } from './drift/diffReport';
export { mergeEnvironmentDiagnostics } from './drift/multiCheck';
export type { EnvironmentDiagnostics, MultiEnvironmentDiagnostic } from './drift/multiCheck';
