// The language server's wiring only: transport, configuration, documents, and the capability modules.
// Node IPC inside VS Code; `--stdio` for other editors (vscode-languageserver picks the transport from argv).
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService } from './odata/index';
import { environmentStatus, metadataChanged, setEnvironments } from './protocol';
import { ParsedDocuments } from './lsp/documents';
import { Environments, readConfig } from './lsp/environments';
import { registerExplorerRequests } from './lsp/explorerRequests';
import { registerAgentRequests } from './lsp/agentRequests';
import { registerDriftRequests } from './lsp/driftRequests';
import { CompletionPayload, languageFeatureCapabilities, registerLanguageFeatures } from './lsp/languageFeatures';
import { primeInBackground } from './lsp/prime';
import { Validation } from './lsp/validation';
import { FetchXmlFeatures } from './lsp/fetchXmlFeatures';

// Run as `dynamics-odata-language-server` without a transport flag, speak over stdio.
if (!process.argv.some((arg) => /^--(stdio|node-ipc|socket|pipe)/.test(arg)) && process.send === undefined) process.argv.push('--stdio');

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const parsed = new ParsedDocuments();
const service = getLanguageService({
  onError: (name, error) => connection.console.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
});
const logError = (what: string, error: unknown): void => {
  try {
    connection.console.error(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } catch {
    // The connection itself is gone: nothing to tell.
  }
};
const environments = new Environments(
  (status) => connection.sendNotification(environmentStatus.type, status).catch((error: unknown) => logError('Sending the environment status failed', error)),
  () => validation.scheduleAll(),
  {
    // Once the requests waiting for the model are answered.
    onModel: (_name, model, flavor) => {
      // The last completion list must not keep the model this one replaces (and the XML text it was read from) alive.
      completionPayload.forget();
      primeInBackground(service, model, flavor, (error) => logError('Priming completion failed', error));
    },
    onError: (message) => connection.console.error(message),
    onLog: (message) => connection.console.warn(message),
  },
);
const fetchXml = new FetchXmlFeatures(environments);
const validation = new Validation(connection, documents, parsed, environments, service, fetchXml);

let completionPayload = new CompletionPayload({});
/** A settings entry the server could not use: logged, never thrown. */
const reportSettingsProblem = (problem: string): void => connection.console.warn(`Settings: ${problem}`);

/** Every configuration change: the environments, and the ones every file is also checked against. */
function configure(value: unknown): void {
  const config = readConfig(value, reportSettingsProblem);
  environments.configure(config);
  validation.checkAgainst = config.checkAgainst ?? [];
}

connection.onInitialize((params): InitializeResult => {
  configure(params.initializationOptions);
  completionPayload = new CompletionPayload(params.capabilities);
  // Once the answer is written: the default environment's model is read meanwhile, not when the first document asks.
  setImmediate(() => environments.preloadDefault());
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
registerLanguageFeatures(connection, documents, parsed, environments, service, () => completionPayload, fetchXml);
registerExplorerRequests(connection, environments);
registerAgentRequests(connection, environments);
registerDriftRequests(connection, environments);

documents.onDidChangeContent((change) => validation.schedule(change.document));
documents.onDidClose((event) => {
  validation.cancel(event.document.uri);
  parsed.forget(event.document.uri);
  fetchXml.forget(event.document.uri);
  connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] }).catch((error: unknown) => logError('Clearing diagnostics failed', error));
});
connection.onShutdown(() => environments.dispose());

// Bad input never ends the server: whatever escaped a handler is reported in the log, and the server goes on.
process.on('unhandledRejection', (reason) => logError('Unhandled rejection', reason));
process.on('uncaughtException', (error) => {
  // The editor closed the pipe: nobody is left to answer.
  if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(1);
  logError('Uncaught exception', error);
});

documents.listen(connection);
connection.listen();
