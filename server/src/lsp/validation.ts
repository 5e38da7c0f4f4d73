/**
 * Diagnostics: debounced per document, computed on the version that was asked for and dropped when a
 * newer version arrived meanwhile. Problems with the environment itself (unknown, unreadable metadata)
 * are one diagnostic at the top of the file.
 */
import { type Connection, type Diagnostic, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { createDiagnostic, mergeEnvironmentDiagnostics, toLspDiagnostic, type LanguageService, type ODataDiagnostic, type ODataDocument, type ServiceContext } from '../odata/index';
import { contextFor } from './context';
import type { ParsedDocuments } from './documents';
import type { Environments } from './environments';
import { embeddedFetchXmlDiagnostics, isFetchXmlDocument, type FetchXmlFeatures } from './fetchXmlFeatures';

const VALIDATION_DELAY_MS = 150;


/** A problem of the environment, not of a request: at the top of the file. */
function atTop(document: ODataDocument, code: 'metadata.unreadable' | 'metadata.damaged', detail: string): Diagnostic {
  return toLspDiagnostic(document, createDiagnostic(code, { start: 0, end: 0 }, { detail }));
}

export class Validation {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** `dynamicsOData.checkAgainst`: other environments every document is also checked against. */
  checkAgainst: readonly string[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly parsed: ParsedDocuments,
    private readonly environments: Environments,
    private readonly service: LanguageService,
    private readonly fetchXml?: FetchXmlFeatures,
  ) {}

  schedule(document: TextDocument): void {
    clearTimeout(this.pending.get(document.uri));
    this.pending.set(
      document.uri,
      setTimeout(() => {
        this.pending.delete(document.uri);
        this.validate(document).catch((error: unknown) => this.connection.console.error(`Validation failed: ${String(error)}`));
      }, VALIDATION_DELAY_MS),
    );
  }

  scheduleAll(): void {
    for (const document of this.documents.all()) this.schedule(document);
  }

  cancel(uri: string): void {
    clearTimeout(this.pending.get(uri));
    this.pending.delete(uri);
  }

  /** Diagnostics of one document version (exported for tests through the server). */
  async diagnose(document: TextDocument): Promise<Diagnostic[]> {
    if (this.fetchXml && isFetchXmlDocument(document)) return this.fetchXml.diagnose(document);
    const parsed = this.parsed.get(document);
    const { environment, context } = contextFor(parsed, this.environments);
    const requested = parsed.file.environment;
    if (!environment) {
      if (!requested) return [];
      return [toLspDiagnostic(parsed, createDiagnostic('request.unknown-environment', requested.span, { name: requested.name }))];
    }
    const loaded = await this.environments.model(environment.name);
    if (!loaded.ok) return [atTop(parsed, 'metadata.unreadable', loaded.message)];
    const own = this.service.validate(parsed, { ...context, model: loaded.model });
    const checked = await this.alsoCheckedAgainst(environment.name, parsed, context, own);
    const diagnostics = checked.map((d) => toLspDiagnostic(parsed, d));
    if (this.fetchXml) diagnostics.push(...embeddedFetchXmlDiagnostics(parsed, loaded.model, context.variables).map((d) => toLspDiagnostic(parsed, d)));
    if (loaded.problem) diagnostics.unshift(atTop(parsed, 'metadata.damaged', loaded.problem));
    return diagnostics;
  }

  /**
   * With `checkAgainst`: the document checked in every named environment too, merged so that a problem found in
   * only some of them says where it holds and where it fails. Environments that cannot be loaded are logged, not
   * reported on the file (it is not the file's fault).
   */
  private async alsoCheckedAgainst(own: string, parsed: ODataDocument, context: ServiceContext, ownDiagnostics: ODataDiagnostic[]): Promise<ODataDiagnostic[]> {
    const others = this.checkAgainst.filter((name, i, all) => name !== own && all.indexOf(name) === i);
    if (others.length === 0) return ownDiagnostics;
    const results = [{ environment: own, diagnostics: ownDiagnostics }];
    for (const name of others) {
      const config = this.environments.configs().find((env) => env.name === name);
      if (!config) {
        this.connection.console.warn(`dynamicsOData.checkAgainst names '${name}', which is not a configured environment.`);
        continue;
      }
      const loaded = await this.environments.model(name);
      if (!loaded.ok) {
        this.connection.console.warn(`dynamicsOData.checkAgainst: '${name}' could not be loaded: ${loaded.message}`);
        continue;
      }
      const diagnostics = this.service.validate(parsed, { ...context, model: loaded.model, flavor: config.flavor, serviceRoot: config.url || undefined, variables: config.variables });
      results.push({ environment: name, diagnostics });
    }
    return results.length === 1 ? ownDiagnostics : mergeEnvironmentDiagnostics(results);
  }

  private async validate(document: TextDocument): Promise<void> {
    const version = document.version;
    const diagnostics = await this.diagnose(document);
    if (this.documents.get(document.uri)?.version !== version) return;
    await this.connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
  }
}
