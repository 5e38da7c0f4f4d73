/**
 * The `fetchxml` language in the same server: completion, hover, diagnostics and code actions (convert to OData) for
 * `.fetchxml` documents, and the FetchXML of `fetchXml=` requests inside `.odata` documents.
 *
 * A `.fetchxml` file picks its environment as a `.odata` file does: `<!-- @environment = name -->` in the file, else
 * the default environment, else the only (first) one.
 */
import { CodeActionKind, type CodeAction, type CompletionList, type Diagnostic, type Hover, type Position, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyzeFetchXml,
  checkFetchXmlInRequests,
  completeFetchXml,
  convertQuery,
  createDiagnostic,
  fetchXmlEnvironment,
  fetchXmlModel,
  hoverFetchXml,
  LineIndex,
  toLspDiagnostic,
  type FetchXmlAnalysis,
  type ModelIndex,
  type ODataDiagnostic,
  type ODataDocument,
} from '../odata/index';
import type { Environments, LoadedModel } from './environments';

export function isFetchXmlDocument(document: { uri: string; languageId?: string }): boolean {
  return document.languageId === 'fetchxml' || /\.fetchxml$/i.test(document.uri);
}

interface ParsedFetchXml {
  version: number;
  text: string;
  lines: LineIndex;
  model: ModelIndex | undefined;
  analysis: FetchXmlAnalysis;
}


export class FetchXmlFeatures {
  /** One analysis per document version and model (STYLE: cache by version). */
  private readonly cache = new Map<string, ParsedFetchXml>();

  constructor(private readonly environments: Environments) {}

  private environmentOf(text: string) {
    return this.environments.resolve(fetchXmlEnvironment(text)?.name);
  }

  private parse(document: TextDocument, model: ModelIndex | undefined): ParsedFetchXml {
    const cached = this.cache.get(document.uri);
    if (cached && cached.version === document.version && cached.model === model) return cached;
    const text = document.getText();
    const parsed: ParsedFetchXml = { version: document.version, text, lines: new LineIndex(text), model, analysis: analyzeFetchXml(text, model ? fetchXmlModel(model) : undefined) };
    this.cache.set(document.uri, parsed);
    return parsed;
  }

  /** The model now, if loaded (completion and hover do not wait for it). */
  private currentModel(text: string): { model: ModelIndex | undefined; loading: boolean } {
    const environment = this.environmentOf(text);
    if (!environment) return { model: undefined, loading: false };
    const loaded = this.environments.current(environment.name);
    return { model: loaded?.ok ? loaded.model : undefined, loading: loaded === undefined };
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  complete(document: TextDocument, position: Position): CompletionList {
    const { model, loading } = this.currentModel(document.getText());
    const parsed = this.parse(document, model);
    const list = completeFetchXml({ text: parsed.text, lines: parsed.lines, model: parsed.analysis.model, analysis: parsed.analysis }, parsed.lines.offsetAt(position));
    return loading ? { ...list, isIncomplete: true } : list;
  }

  hover(document: TextDocument, position: Position): Hover | null {
    const { model } = this.currentModel(document.getText());
    const parsed = this.parse(document, model);
    return hoverFetchXml({ text: parsed.text, lines: parsed.lines, model: parsed.analysis.model, analysis: parsed.analysis }, parsed.lines.offsetAt(position));
  }

  async diagnose(document: TextDocument): Promise<Diagnostic[]> {
    const text = document.getText();
    const requested = fetchXmlEnvironment(text);
    const environment = this.environmentOf(text);
    const lines = new LineIndex(text);
    const lsp = (d: ODataDiagnostic): Diagnostic => toLspDiagnostic({ lines }, d);
    let loaded: LoadedModel | undefined;
    const diagnostics: Diagnostic[] = [];
    if (environment) {
      loaded = await this.environments.model(environment.name);
      if (!loaded.ok) diagnostics.push(lsp(createDiagnostic('metadata.unreadable', { start: 0, end: 0 }, { detail: loaded.message })));
    } else if (requested) {
      diagnostics.push(lsp(createDiagnostic('request.unknown-environment', requested.span, { name: requested.name })));
    }
    const model = loaded?.ok ? loaded.model : undefined;
    // Without a model, only what FetchXML itself says (well-formedness, elements, attributes, values).
    const parsed = this.parse(document, model);
    diagnostics.push(...parsed.analysis.diagnostics.map(lsp));
    return diagnostics;
  }

  codeActions(document: TextDocument, range: Range): CodeAction[] {
    const text = document.getText();
    const { model } = this.currentModel(text);
    if (!model) return [];
    const parsed = this.parse(document, model);
    if (parsed.analysis.diagnostics.some((d) => d.severity === 'error')) return [];
    const root = parsed.analysis.xml.roots[0];
    if (!root) return [];
    const start = parsed.lines.offsetAt(range.start);
    if (start < root.span.start || start > root.span.end) return [];
    const converted = convertQuery({ model, input: text.slice(root.span.start, root.span.end), to: 'odata' });
    if (!converted.ok) {
      return [{ title: `Convert to OData: not expressible (${converted.problems[0]})`, kind: CodeActionKind.RefactorRewrite, disabled: { reason: converted.problems.join(' ') } }];
    }
    // Kept as a comment, so the FetchXML file stays FetchXML; the converted request can be pasted into a .odata file.
    const insert = `<!-- OData: GET ${converted.text.replace(/--/g, '-&#45;')} -->\n`;
    return [
      {
        title: 'Convert to OData (insert as a comment above the query)',
        kind: CodeActionKind.RefactorRewrite,
        edit: { changes: { [document.uri]: [{ range: { start: parsed.lines.positionAt(root.span.start), end: parsed.lines.positionAt(root.span.start) }, newText: insert }] } },
      },
    ];
  }
}

/** FetchXML diagnostics of the `fetchXml=` requests of a `.odata` document (empty without a model). */
export function embeddedFetchXmlDiagnostics(document: ODataDocument, model: ModelIndex, variables?: Readonly<Record<string, string>>): ODataDiagnostic[] {
  return checkFetchXmlInRequests(document.file, model, { variables });
}

/** A code action on a `.odata` GET request: convert it to a `.fetchxml` query (shown as a new untitled-style edit). */
export function convertRequestToFetchXml(model: ModelIndex, url: string): { ok: true; text: string } | { ok: false; problems: string[] } {
  return convertQuery({ model, input: url, to: 'fetchxml' });
}
