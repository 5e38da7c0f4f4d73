// The language server's wiring: transport, configuration, documents, and validation through the pure core.
// Node IPC inside VS Code; `--stdio` for other editors (vscode-languageserver picks the transport from argv).
import { readFile } from 'node:fs/promises';
import {
  createConnection,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  checkRequestFile,
  createModelIndex,
  parseRequestFile,
  readCsdl,
  type Flavor,
  type ModelIndex,
  type ODataDiagnostic,
} from './odata/index';

/** Configuration, from `initializationOptions` or `workspace/didChangeConfiguration` (`settings.dynamicsOData`). */
interface EnvironmentConfig {
  name: string;
  flavor: Flavor;
  url: string;
  metadataFile: string;
}
interface ServerConfig {
  environments: EnvironmentConfig[];
  defaultEnvironment?: string;
}

type LoadedModel = { ok: true; model: ModelIndex } | { ok: false; message: string };

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let config: ServerConfig = { environments: [] };
/** One load per environment and metadata file: a promise, so concurrent validations share it. */
const models = new Map<string, Promise<LoadedModel>>();
const pending = new Map<string, ReturnType<typeof setTimeout>>();
const VALIDATION_DELAY_MS = 150;

function readConfig(value: unknown): ServerConfig {
  const candidate = (value ?? {}) as Partial<ServerConfig>;
  const environments = Array.isArray(candidate.environments)
    ? candidate.environments.filter(
        (env): env is EnvironmentConfig =>
          typeof env === 'object' && env !== null && typeof env.name === 'string' && typeof env.metadataFile === 'string',
      )
    : [];
  return {
    environments,
    defaultEnvironment: typeof candidate.defaultEnvironment === 'string' ? candidate.defaultEnvironment : undefined,
  };
}

function loadModel(environment: EnvironmentConfig): Promise<LoadedModel> {
  const key = `${environment.name}\u0000${environment.metadataFile}`;
  let loaded = models.get(key);
  if (!loaded) {
    loaded = readFile(environment.metadataFile, 'utf8').then(
      (xml): LoadedModel => {
        const document = readCsdl(xml);
        const fatal = document.errors.find((error) => error.severity === 'error');
        if (fatal && document.schemas.length === 0) {
          const where = fatal.position ? ` (line ${fatal.position.line}, column ${fatal.position.column})` : '';
          return { ok: false, message: `The metadata of '${environment.name}' could not be read${where}: ${fatal.message}` };
        }
        return { ok: true, model: createModelIndex(document) };
      },
      (error: NodeJS.ErrnoException): LoadedModel => ({
        ok: false,
        message: `The metadata file of '${environment.name}' (${environment.metadataFile}) could not be opened: ${error.code ?? error.message}.`,
      }),
    );
    models.set(key, loaded);
  }
  return loaded;
}

function environmentFor(name: string | undefined): EnvironmentConfig | undefined {
  const wanted = name ?? config.defaultEnvironment;
  return config.environments.find((env) => env.name === wanted) ?? (wanted === undefined ? config.environments[0] : undefined);
}

const severities: Record<ODataDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

async function validate(document: TextDocument): Promise<void> {
  const version = document.version;
  const file = parseRequestFile(document.getText());
  const environment = environmentFor(file.environment?.name);
  let diagnostics: Diagnostic[] = [];
  if (!environment) {
    if (file.environment) {
      diagnostics = [
        {
          range: { start: document.positionAt(file.environment.span.start), end: document.positionAt(file.environment.span.end) },
          severity: DiagnosticSeverity.Warning,
          source: 'odata',
          code: 'request.unknown-environment',
          message: `No environment named '${file.environment.name}' is configured. Add it, or change @environment.`,
        },
      ];
    }
  } else {
    const loaded = await loadModel(environment);
    if (!loaded.ok) {
      diagnostics = [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Error, source: 'odata', code: 'metadata.unreadable', message: loaded.message }];
    } else {
      diagnostics = checkRequestFile(file, loaded.model, { flavor: environment.flavor, serviceRoot: environment.url }).map((d) => ({
        range: { start: document.positionAt(d.span.start), end: document.positionAt(d.span.end) },
        severity: severities[d.severity],
        source: 'odata',
        code: d.code,
        message: d.message,
      }));
    }
  }
  // A newer version supersedes this result.
  if (documents.get(document.uri)?.version !== version) return;
  await connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
}

function scheduleValidation(document: TextDocument): void {
  clearTimeout(pending.get(document.uri));
  pending.set(
    document.uri,
    setTimeout(() => {
      pending.delete(document.uri);
      validate(document).catch((error: unknown) => connection.console.error(`Validation failed: ${String(error)}`));
    }, VALIDATION_DELAY_MS),
  );
}

connection.onInitialize((params): InitializeResult => {
  config = readConfig(params.initializationOptions);
  return {
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'dynamics-odata-language-server', version: '0.1.0' },
  };
});

connection.onDidChangeConfiguration((change) => {
  const settings = change.settings as { dynamicsOData?: unknown } | undefined;
  config = readConfig(settings?.dynamicsOData ?? settings);
  models.clear();
  for (const document of documents.all()) scheduleValidation(document);
});

documents.onDidChangeContent((change) => scheduleValidation(change.document));
documents.onDidClose((event) => {
  clearTimeout(pending.get(event.document.uri));
  pending.delete(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
