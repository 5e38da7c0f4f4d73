/**
 * The language service: one entry point over the core's services, as json-languageservice does it.
 * Everything is pure and synchronous; the caller (server.ts, tests, other hosts) owns documents and models.
 */
import type {
  CodeAction,
  CompletionList,
  DocumentSymbol,
  FoldingRange,
  Hover,
  SignatureHelp,
} from 'vscode-languageserver-types';
import type { ODataDiagnostic } from '../diagnosticCodes';
import type { Span } from '../uri/ast';
import { checkRequestFile } from './checkDocument';
import { codeActions } from './codeActions';
import { doHover } from './hover';
import { completeRequestParts } from './requestCompletion';
import type { ODataDocument, ServiceContext } from './serviceContext';
import { doSignatureHelp } from './signatureHelp';
import { documentSymbols, foldingRanges } from './symbols';
import { encodeSemanticTokens, semanticTokens } from './semanticTokens';
import { completeUrl } from './urlCompletion';
import { completeVariables } from './variableCompletion';

export interface LanguageService {
  /** Diagnostics of every request; a document without a model gets none (the caller says why). */
  validate(document: ODataDocument, context: ServiceContext): ODataDiagnostic[];
  complete(document: ODataDocument, offset: number, context: ServiceContext): CompletionList;
  hover(document: ODataDocument, offset: number, context: ServiceContext): Hover | null;
  signatureHelp(document: ODataDocument, offset: number, context: ServiceContext): SignatureHelp | null;
  documentSymbols(document: ODataDocument): DocumentSymbol[];
  foldingRanges(document: ODataDocument): FoldingRange[];
  codeActions(document: ODataDocument, range: Span, diagnostics: ODataDiagnostic[], context: ServiceContext): CodeAction[];
  /** Semantic tokens of every request's URL, LSP-encoded against `semanticTokenLegend`. */
  semanticTokens(document: ODataDocument, context: ServiceContext): number[];
}

const emptyList: CompletionList = { isIncomplete: false, items: [] };

export interface LanguageServiceOptions {
  /** Told about every exception a service threw (the answer is then empty): the server logs it, fuzz tests fail on it. */
  onError?: (service: string, error: unknown) => void;
}

export function getLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  /** The one place exceptions are caught: the answer becomes the fallback, so a request never fails. */
  const guarded = <T>(service: string, fallback: T, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      options.onError?.(service, error);
      return fallback;
    }
  };
  return {
    validate: (document, context) =>
      context.model
        ? guarded('validate', [], () =>
            checkRequestFile(document.file, context.model!, { flavor: context.flavor, serviceRoot: context.serviceRoot, system: context.system, variables: context.variables }),
          )
        : [],
    complete: (document, offset, context) =>
      guarded(
        'completion',
        emptyList,
        () => completeVariables(document, offset, context) ?? completeUrl(document, offset, context) ?? completeRequestParts(document, offset, context) ?? emptyList,
      ),
    hover: (document, offset, context) => guarded('hover', null, () => doHover(document, offset, context)),
    signatureHelp: (document, offset, context) => guarded('signatureHelp', null, () => doSignatureHelp(document, offset, context)),
    documentSymbols: (document) => guarded('documentSymbols', [], () => documentSymbols(document)),
    foldingRanges: (document) => guarded('foldingRanges', [], () => foldingRanges(document)),
    codeActions: (document, range, diagnostics, context) => guarded('codeActions', [], () => codeActions(document, range, diagnostics, context)),
    semanticTokens: (document, context) => guarded('semanticTokens', [], () => encodeSemanticTokens(document, semanticTokens(document, context))),
  };
}
