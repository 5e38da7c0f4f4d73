/**
 * Completion, hover, signature help, symbols, folding and code actions: each handler finds the parsed
 * document and its environment, and asks the pure language service. While an environment's metadata is
 * loading, completion answers what it can without it and says the list is incomplete, so the editor asks again.
 */
import {
  CodeActionKind,
  type Connection,
  type ServerCapabilities,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LanguageService, ODataDiagnostic } from '../odata/index';
import { contextFor } from './context';
import type { ParsedDocuments } from './documents';
import type { Environments } from './environments';

export const languageFeatureCapabilities: ServerCapabilities = {
  completionProvider: { triggerCharacters: ['?', '&', '=', '(', '/', ',', '$', '@', '{', ';', ' ', "'", ':', '"'] },
  hoverProvider: true,
  signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] },
  documentSymbolProvider: true,
  foldingRangeProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
};

export function registerLanguageFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsed: ParsedDocuments,
  environments: Environments,
  service: LanguageService,
): void {
  const open = (uri: string) => {
    const document = documents.get(uri);
    if (!document) return undefined;
    const odata = parsed.get(document);
    return { odata, ...contextFor(odata, environments) };
  };

  connection.onCompletion((params) => {
    const found = open(params.textDocument.uri);
    if (!found) return null;
    const list = service.complete(found.odata, found.odata.lines.offsetAt(params.position), found.context);
    const loading = found.environment !== undefined && found.loaded === undefined;
    return loading ? { ...list, isIncomplete: true } : list;
  });

  connection.onHover((params) => {
    const found = open(params.textDocument.uri);
    return found ? service.hover(found.odata, found.odata.lines.offsetAt(params.position), found.context) : null;
  });

  connection.onSignatureHelp((params) => {
    const found = open(params.textDocument.uri);
    return found ? service.signatureHelp(found.odata, found.odata.lines.offsetAt(params.position), found.context) : null;
  });

  connection.onDocumentSymbol((params) => {
    const found = open(params.textDocument.uri);
    return found ? service.documentSymbols(found.odata) : null;
  });

  connection.onFoldingRanges((params) => {
    const found = open(params.textDocument.uri);
    return found ? service.foldingRanges(found.odata) : null;
  });

  connection.onCodeAction((params) => {
    const found = open(params.textDocument.uri);
    if (!found) return null;
    const lines = found.odata.lines;
    const diagnostics: ODataDiagnostic[] = params.context.diagnostics
      .filter((d) => d.source === 'odata')
      .map((d) => ({
        code: String(d.code ?? ''),
        severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
        message: typeof d.message === 'string' ? d.message : d.message.value,
        span: { start: lines.offsetAt(d.range.start), end: lines.offsetAt(d.range.end) },
        suggestions: (d.data as { suggestions?: string[] } | undefined)?.suggestions,
      }));
    const range = { start: lines.offsetAt(params.range.start), end: lines.offsetAt(params.range.end) };
    return service.codeActions(found.odata, range, diagnostics, found.context);
  });
}
