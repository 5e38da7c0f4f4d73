// Activation and wiring only: start the language server and register what each feature folder provides.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { environmentSettings, readEnvironmentSettings, registerEnvironmentSettings, setSampleMetadataFile } from './features/environments/environmentSettings';
import { asBearerTokenSource, asTokenProvider } from './features/auth/signIn';
import { registerSignIn } from './features/auth/signInCommands';
import { SAMPLE_METADATA_PATH } from './features/environments/sampleEnvironment';
import { registerEnvironmentCommands } from './features/environments/environmentCommands';
import { registerMetadataCache } from './features/environments/metadataCache';
import { registerExplorer } from './features/explorer/explorer';
import { registerCompareEnvironments } from './features/drift/compareEnvironments';
import { registerStaleness } from './features/drift/staleness';
import { sendRequest } from './features/runner/http/engine';
import { registerResultsPanelSerializer, registerResultsPanelTestCommands } from './features/runner/panel/resultsPanel';
import { registerRunner, runnerEnvironments } from './features/runner/runnerCommands';
import { registerScaffolding } from './features/scaffolding/scaffoldingCommands';
import { registerNetworkAccess } from './features/network/networkAccess';
import { explorerEntitySets } from '../../server/src/protocol';
import { registerCommandsWhileServerUnavailable } from './features/languageServer/serverUnavailable';
import { registerAgentTools } from './features/agents/agentTools';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Dynamics OData Tools', { log: true });
  context.subscriptions.push(output);
  setSampleMetadataFile(context.asAbsolutePath(SAMPLE_METADATA_PATH));
  // Proxy settings and the network gate (Restricted Mode, hosts only a workspace names) before anything connects.
  registerNetworkAccess(context, output);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'odata' }, { language: 'fetchxml' }],
    outputChannel: output,
    // A function: a server the client restarts (after a crash) is given the settings of that moment.
    initializationOptions: () => readEnvironmentSettings(),
  };
  client = new LanguageClient('dynamicsOData', 'Dynamics OData Language Server', serverOptions, clientOptions);
  try {
    await client.start();
    registerEnvironmentSettings(context, client, output);
    const explorer = registerExplorer(context, client);
    registerCompareEnvironments(context, client);
    const staleness = registerStaleness(context, () => explorer.redraw());
    explorer.schemaChanged = (name) => staleness.isStale(name);
    const signIn = registerSignIn(context, { output, environments: environmentSettings, onStateChanged: () => explorer.redraw() });
    explorer.signInState = (name) => {
      const env = environmentSettings().find((candidate) => candidate.name === name);
      return env ? signIn.state(env) : undefined;
    };
    explorer.environmentSource = (name) => environmentSettings().find((candidate) => candidate.name === name)?.source;
    registerMetadataCache(context, client, output, asTokenProvider(signIn, environmentSettings));
    registerEnvironmentCommands(context, output);
    const token = asBearerTokenSource(signIn, environmentSettings);
    registerRunner(context, {
      output,
      token,
      afterResponse: (request, outcome) => staleness.afterResponse(request, outcome),
      // FetchXML: the entity set of a logical name (its entity type's name), from the language server's metadata.
      entitySetFor: async (environment, logicalName) => {
        const result = await client!.sendRequest(explorerEntitySets.type, { environment, filter: logicalName, limit: 5000 });
        if ('error' in result) return undefined;
        return result.items.find((item) => item.kind === 'EntitySet' && item.entityType.slice(item.entityType.lastIndexOf('.') + 1) === logicalName)?.name;
      },
    });
    registerAgentTools(context, { client, token, output });
    registerResultsPanelSerializer(context);
    registerResultsPanelTestCommands(context);
    registerScaffolding(context, {
      entitySets: async (environment) => {
        const result = await client!.sendRequest(explorerEntitySets.type, { environment, limit: 5000 });
        if ('error' in result) return [];
        return result.items
          .filter((item) => item.kind === 'EntitySet')
          .map((item) => ({ logicalName: item.entityType.slice(item.entityType.lastIndexOf('.') + 1), entitySet: item.name }));
      },
      environments: runnerEnvironments,
      send: (request) => sendRequest(request, { token }),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.error(`The language server failed to start: ${message}`);
    void vscode.window.showErrorMessage(
      `Dynamics OData Tools: the language server failed to start (${message}). See the "Dynamics OData Tools" output for details.`,
    );
    await registerCommandsWhileServerUnavailable(context, output, message);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
