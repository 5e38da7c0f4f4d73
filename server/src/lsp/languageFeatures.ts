/**
 * Completion, hover, signature help, symbols, folding and code actions: each handler finds the parsed
 * document and its environment, and asks the pure language service. While an environment's metadata is
 * loading, completion answers what it can without it and says the list is incomplete, so the editor asks again.
 */
import {
  CodeActionKind,
  InsertTextFormat,
  type ClientCapabilities,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Connection,
  type ServerCapabilities,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { documentationSource, matchesTyped, resolveDocumentation, semanticTokenLegend, type LanguageService, type ModelIndex, type ODataDiagnostic, type ODataDocument } from '../odata/index';
import { contextFor } from './context';
import type { ParsedDocuments } from './documents';
import type { Environments } from './environments';
import { convertRequestToFetchXml, isFetchXmlDocument, type FetchXmlFeatures } from './fetchXmlFeatures';

export const languageFeatureCapabilities: ServerCapabilities = {
  completionProvider: { triggerCharacters: ['?', '&', '=', '(', '/', ',', '$', '@', '{', ';', ' ', "'", ':', '"', '<'], resolveProvider: true },
  hoverProvider: true,
  signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] },
  documentSymbolProvider: true,
  foldingRangeProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
  semanticTokensProvider: {
    legend: { tokenTypes: [...semanticTokenLegend.tokenTypes], tokenModifiers: [...semanticTokenLegend.tokenModifiers] },
    full: true,
  },
};

/**
 * Keeps completion answers small: a path-start list on a Dataverse-sized model has ~1,000 items, and sending
 * each one's documentation and edit range made it ~400 KB. When the client supports it, the shared edit range
 * goes once into `itemDefaults`, and documentation is sent on `completionItem/resolve` for the item shown; so is
 * the detail when the client resolves it too (VS Code does: it shows an item's detail only for the item shown),
 * a quarter of a member list's bytes (issue 15).
 */
export class CompletionPayload {
  /**
   * The last list's documentation and detail by item index, and its labels (an item is found by its label when the
   * data is shared; labels are unique within a list). A plain array searched on resolve, not a map made on every
   * completion: resolve comes once per item shown, completion on every keystroke (issue 15).
   */
  private lastDocumentation: (() => CompletionItem['documentation'])[] = [];
  private lastDetail: (string | undefined)[] = [];
  private lastLabels: string[] = [];
  private lastId = 0;

  constructor(private readonly capabilities: ClientCapabilities) {}

  /**
   * Shapes a list the language service just made (its items are this request's own, so they are changed in place).
   * What moves to the defaults is set to undefined, not deleted: JSON leaves it out either way, and a delete turns
   * each item into a slow dictionary object for the serializer.
   */
  compact(list: CompletionList): CompletionList {
    const completion = this.capabilities.textDocument?.completion;
    const resolved = completion?.completionItem?.resolveSupport?.properties ?? [];
    const resolvable = resolved.includes('documentation');
    const detailOnResolve = resolvable && resolved.includes('detail');
    const defaults = completion?.completionList?.itemDefaults ?? [];
    const first = list.items[0]?.textEdit;
    if (defaults.includes('editRange') && first && 'range' in first) {
      const range = first.range;
      if (list.items.every((item) => item.textEdit && 'range' in item.textEdit && sameRange(item.textEdit.range, range))) {
        list.itemDefaults = { ...list.itemDefaults, editRange: range };
        for (const item of list.items) {
          if (item.textEdit!.newText !== item.label) item.textEditText = item.textEdit!.newText;
          item.textEdit = undefined;
        }
      }
    }
    // Plain text is what most items are: say it once.
    if (defaults.includes('insertTextFormat')) {
      list.itemDefaults = { ...list.itemDefaults, insertTextFormat: InsertTextFormat.PlainText };
      for (const item of list.items) if (item.insertTextFormat === InsertTextFormat.PlainText) item.insertTextFormat = undefined;
    }
    if (!resolvable) {
      for (const item of list.items) resolveDocumentation(item);
    } else {
      const id = ++this.lastId;
      const shared = defaults.includes('data');
      const count = list.items.length;
      this.lastDetail = detailOnResolve ? new Array<string | undefined>(count) : [];
      this.lastLabels = shared ? new Array<string>(count) : [];
      this.lastDocumentation = new Array<() => CompletionItem['documentation']>(count);
      for (let index = 0; index < count; index++) {
        const item = list.items[index];
        // Not computed here: lazy documentation is made for the item the editor shows.
        this.lastDocumentation[index] = documentationSource(item);
        item.documentation = undefined;
        if (detailOnResolve) {
          this.lastDetail[index] = item.detail;
          item.detail = undefined;
        }
        // With `data` in the defaults, each item gets `{ id }` from the list and is found again by its label.
        if (shared) this.lastLabels[index] = item.label;
        else item.data = { id, index };
      }
      if (shared) list.itemDefaults = { ...list.itemDefaults, data: { id } };
    }
    return list;
  }

  /**
   * Drops the last list (its items' lazy documentation holds the model that made them): called when an
   * environment's model is replaced, so the lazily read model and its 30 MB of XML text are not kept alive by the
   * last completion until the next one. An item of that list then resolves as it is.
   */
  forget(): void {
    this.lastDocumentation = [];
    this.lastDetail = [];
    this.lastLabels = [];
    this.lastId++;
  }

  resolve(item: CompletionItem): CompletionItem {
    const data = item.data as { id?: number; index?: number } | undefined;
    if (data?.id !== this.lastId) return item;
    const index = data.index ?? this.lastLabels.indexOf(item.label);
    if (index < 0 || index >= this.lastDocumentation.length) return item;
    const documentation = this.lastDocumentation[index]?.();
    const detail = item.detail ?? this.lastDetail[index];
    return documentation === undefined && detail === item.detail ? item : { ...item, detail, documentation };
  }
}

/** More items than an editor shows while typing: beyond this, the list is cut and marked incomplete. */
export const COMPLETION_LIMIT = 200;

/**
 * Keeps a huge list (the 1,200 entity sets of a Finance & Operations model at the path start) from being sent
 * whole on every keystroke: the items whose labels contain what was typed (in order, case-insensitively, as the
 * editor filters), best sorted first, cut at COMPLETION_LIMIT and marked incomplete, so the editor asks again as
 * the person types and the list narrows on the server. Lists within the limit are untouched.
 */
export function limitCompletionList(list: CompletionList, text: string, offset: number, limit = COMPLETION_LIMIT): CompletionList {
  // (A list the service already left entries out of is cut the same way, so the answer does not depend on it.)
  if (list.items.length <= limit && !list.isIncomplete) return list;
  const edit = list.items[0]?.textEdit;
  const start = edit && 'range' in edit ? edit.range.start : undefined;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const typed = start ? text.slice(Math.min(offset, lineStart + start.character), offset).toLowerCase() : '';
  const kept = typed === '' ? list.items.slice() : list.items.filter((item) => matchesTyped(item.filterText ?? item.label, typed));
  kept.sort((a, b) => compareText(a.sortText ?? a.label, b.sortText ?? b.label));
  return { ...list, isIncomplete: true, items: kept.length > limit ? kept.slice(0, limit) : kept };
}

/** Ordinal comparison, as editors sort `sortText` (and far cheaper than localeCompare). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameRange(a: { start: Position; end: Position }, b: { start: Position; end: Position }): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

type Position = { line: number; character: number };

export function registerLanguageFeatures(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  parsed: ParsedDocuments,
  environments: Environments,
  service: LanguageService,
  payload: () => CompletionPayload,
  fetchXml?: FetchXmlFeatures,
): void {
  /** A `.fetchxml` document, answered by the FetchXML features (undefined for any other document). */
  const fetchXmlDocument = (uri: string) => {
    const document = fetchXml ? documents.get(uri) : undefined;
    return document && isFetchXmlDocument(document) ? document : undefined;
  };
  const open = (uri: string) => {
    const document = documents.get(uri);
    if (!document || (fetchXml && isFetchXmlDocument(document))) return undefined;
    const odata = parsed.get(document);
    return { odata, ...contextFor(odata, environments) };
  };

  connection.onCompletion((params) => {
    const fetchXmlDoc = fetchXmlDocument(params.textDocument.uri);
    if (fetchXmlDoc) return payload().compact(fetchXml!.complete(fetchXmlDoc, params.position));
    const found = open(params.textDocument.uri);
    if (!found) return null;
    const offset = found.odata.lines.offsetAt(params.position);
    // The service may leave out what this cut would drop anyway (see ServiceContext.completionLimit).
    const list = limitCompletionList(service.complete(found.odata, offset, { ...found.context, completionLimit: COMPLETION_LIMIT }), found.odata.text, offset);
    const loading = found.environment !== undefined && found.loaded === undefined;
    return payload().compact(loading ? { ...list, isIncomplete: true } : list);
  });

  connection.onCompletionResolve((item) => payload().resolve(item));

  connection.onHover((params) => {
    const fetchXmlDoc = fetchXmlDocument(params.textDocument.uri);
    if (fetchXmlDoc) return fetchXml!.hover(fetchXmlDoc, params.position);
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

  connection.languages.semanticTokens.on((params) => {
    const found = open(params.textDocument.uri);
    return { data: found ? service.semanticTokens(found.odata, found.context) : [] };
  });

  connection.onFoldingRanges((params) => {
    const found = open(params.textDocument.uri);
    return found ? service.foldingRanges(found.odata) : null;
  });

  connection.onCodeAction((params) => {
    const fetchXmlDoc = fetchXmlDocument(params.textDocument.uri);
    if (fetchXmlDoc) return fetchXml!.codeActions(fetchXmlDoc, params.range);
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
    const actions = service.codeActions(found.odata, range, diagnostics, found.context);
    if (fetchXml && found.context.model) actions.push(...fetchXmlConversionActions(found.odata, range.start, found.context.model, params.textDocument.uri));
    return actions;
  });
}

/** On a GET request of a `.odata` file: convert it to FetchXML, added below as a runnable `fetchXml=` request. */
function fetchXmlConversionActions(document: ODataDocument, offset: number, model: ModelIndex, uri: string): CodeAction[] {
  const request = document.file.requests.find((r) => r.urlSpan.start <= offset && offset <= r.urlSpan.end);
  if (!request || (request.method && request.method !== 'GET') || /[?&]fetchxml=/i.test(request.url) || request.url.includes('{{')) return [];
  const converted = convertRequestToFetchXml(model, request.url);
  if (!converted.ok) return [{ title: `Convert to FetchXML: not expressible (${converted.problems[0]})`, kind: CodeActionKind.RefactorRewrite, disabled: { reason: converted.problems.join(' ') } }];
  const set = /^\s*([^?(/]+)/.exec(request.url)?.[1] ?? '';
  const end = document.lines.positionAt(request.span.end);
  const newText = `${document.text.slice(0, request.span.end).endsWith('\n') ? '' : '\n'}\n### ${request.name ? `${request.name} (FetchXML)` : 'FetchXML'}\n# ${converted.text.replace(/\n\s*/g, '')}\nGET ${set}?fetchXml=${encodeURIComponent(converted.text.replace(/\n\s*/g, ''))}\n`;
  return [{ title: 'Convert to FetchXML (add a fetchXml= request below)', kind: CodeActionKind.RefactorRewrite, edit: { changes: { [uri]: [{ range: { start: end, end }, newText }] } } }];
}
