// The language server's wiring only: transport, configuration, documents, and the capability modules.
// Node IPC inside VS Code; `--stdio` for other editors (vscode-languageserver picks the transport from argv).
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from './odata/index';
import { environmentStatus, metadataChanged, setEnvironments } from './protocol';
import { ParsedDocuments } from './lsp/documents';
import { Environments, readConfig } from './lsp/environments';
import { registerExplorerRequests } from './lsp/explorerRequests';
import { registerDriftRequests } from './lsp/driftRequests';
import { CompletionPayload, languageFeatureCapabilities, registerLanguageFeatures } from './lsp/languageFeatures';
import { primeCompletion } from './lsp/prime';
import { Validation } from './lsp/validation';

// Run as `dynamics-odata-language-server` without a transport flag, speak over stdio.
if (!process.argv.some((arg) => /^--(stdio|node-ipc|socket|pipe)/.test(arg)) && process.send === undefined) process.argv.push('--stdio');

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const parsed = new ParsedDocuments();
const service = getLanguageService({
  onError: (name, error) => connection.console.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
});
const environments = new Environments(
  (status) => void connection.sendNotification(environmentStatus.type, status),
  () => validation.scheduleAll(),
  // Once the requests waiting for the model are answered.
  { onModel: (_name, model, flavor) => void setTimeout(() => primeCompletion(service, model, flavor), 20) },
);
const validation = new Validation(connection, documents, parsed, environments, service);

let completionPayload = new CompletionPayload({});

/** Every configuration change: the environments, and the ones every file is also checked against. */
function configure(value: unknown): void {
  const config = readConfig(value);
  environments.configure(config);
  validation.checkAgainst = config.checkAgainst ?? [];
}

connection.onInitialize((params): InitializeResult => {
  configure(params.initializationOptions);
  completionPayload = new CompletionPayload(params.capabilities);
  return {
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, ...languageFeatureCapabilities },
    serverInfo: { name: 'dynamics-odata-language-server', version: '0.1.0' },
  };
});

// Other editors: `workspace/didChangeConfiguration` with `{ dynamicsOData: { environments, defaultEnvironment } }`.
connection.onDidChangeConfiguration((change) => {
  const settings = change.settings as { dynamicsOData?: unknown } | undefined;
  configure(settings?.dynamicsOData ?? settings);
  validation.scheduleAll();
});
// The VS Code client.
connection.onNotification(setEnvironments.type, (config) => {
  configure(config);
  validation.scheduleAll();
});
connection.onNotification(metadataChanged.type, ({ name }) => environments.invalidate(name));

// The payload shaping depends on the client's capabilities, known from `initialize` on.
registerLanguageFeatures(connection, documents, parsed, environments, service, () => completionPayload);
registerExplorerRequests(connection, environments);
registerDriftRequests(connection, environments);

documents.onDidChangeContent((change) => validation.schedule(change.document));
documents.onDidClose((event) => {
  validation.cancel(event.document.uri);
  parsed.forget(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});
connection.onShutdown(() => environments.dispose());

documents.listen(connection);
connection.listen();
