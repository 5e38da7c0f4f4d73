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
import { completeUrl } from './urlCompletion';

export interface LanguageService {
  /** Diagnostics of every request; a document without a model gets none (the caller says why). */
  validate(document: ODataDocument, context: ServiceContext): ODataDiagnostic[];
  complete(document: ODataDocument, offset: number, context: ServiceContext): CompletionList;
  hover(document: ODataDocument, offset: number, context: ServiceContext): Hover | null;
  signatureHelp(document: ODataDocument, offset: number, context: ServiceContext): SignatureHelp | null;
  documentSymbols(document: ODataDocument): DocumentSymbol[];
  foldingRanges(document: ODataDocument): FoldingRange[];
  codeActions(document: ODataDocument, range: Span, diagnostics: ODataDiagnostic[], context: ServiceContext): CodeAction[];
}

const emptyList: CompletionList = { isIncomplete: false, items: [] };

/** Runs a service; an exception becomes the fallback value (the server must never fail a request). */
function guarded<T>(fallback: T, work: () => T): T {
  try {
    return work();
  } catch {
    return fallback;
  }
}

export function getLanguageService(): LanguageService {
  return {
    validate: (document, context) =>
      context.model
        ? guarded([], () =>
            checkRequestFile(document.file, context.model!, { flavor: context.flavor, serviceRoot: context.serviceRoot, system: context.system }),
          )
        : [],
    complete: (document, offset, context) =>
      guarded(emptyList, () => completeUrl(document, offset, context) ?? completeRequestParts(document, offset, context) ?? emptyList),
    hover: (document, offset, context) => guarded(null, () => doHover(document, offset, context)),
    signatureHelp: (document, offset, context) => guarded(null, () => doSignatureHelp(document, offset, context)),
    documentSymbols: (document) => guarded([], () => documentSymbols(document)),
    foldingRanges: (document) => guarded([], () => foldingRanges(document)),
    codeActions: (document, range, diagnostics, context) => guarded([], () => codeActions(document, range, diagnostics, context)),
  };
}
