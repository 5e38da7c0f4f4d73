/**
 * The VS Code side of the network rules: VS Code's proxy settings passed to proxy.ts (again when they change), and
 * the network gate (networkGate.ts) over workspace trust, the user's global state (answers per host) and a modal
 * question. Command: "Dynamics OData: Reset Workspace Host Answers".
 */
import * as vscode from 'vscode';
import { proxySettings, readEnvironments, userEnvironmentOrigins } from '../environments/configuration';
import { NetworkGate, setNetworkGate, type NetworkPurpose } from './networkGate';
import { setProxySettings } from './proxy';

const ANSWERS = 'dynamicsOData.workspaceHostAnswers';
const ALLOW = 'Connect';
const DENY = 'Do Not Connect';
const PURPOSE_LABELS: Record<NetworkPurpose, string> = { download: 'download its $metadata', signIn: 'sign in to it', send: 'send a request to it' };

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export function registerNetworkAccess(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): NetworkGate {
  setProxySettings(proxySettings());
  const answers = (): Record<string, boolean> => context.globalState.get<Record<string, boolean>>(ANSWERS, {});
  const gate = new NetworkGate({
    isTrusted: () => vscode.workspace.isTrusted,
    userOrigins: () => userEnvironmentOrigins(),
    workspaceNames: (origin) =>
      readEnvironments()
        .environments.filter((env) => env.source === 'workspace' && originOf(env.url) === origin)
        .map((env) => env.name),
    remembered: (origin) => answers()[origin],
    remember: async (origin, allowed) => {
      await context.globalState.update(ANSWERS, { ...answers(), [origin]: allowed });
      output.info(`${origin}: ${allowed ? 'allowed' : 'refused'} for workspace environments (remembered in your global state).`);
    },
    ask: async (origin, purpose, names) => {
      const choice = await vscode.window.showWarningMessage(
        `Connect to ${origin}?`,
        {
          modal: true,
          detail: `Only this workspace's settings name this host (environment ${names.map((name) => `'${name}'`).join(', ')}), and the extension is about to ${PURPOSE_LABELS[purpose]}. Connect only if you know and trust it. Your answer is remembered for this host.`,
        },
        ALLOW,
        DENY,
      );
      return choice === ALLOW ? true : choice === DENY ? false : undefined;
    },
  });
  setNetworkGate(gate);
  context.subscriptions.push(
    { dispose: () => setNetworkGate(undefined) },
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('http')) setProxySettings(proxySettings());
    }),
    vscode.commands.registerCommand('dynamicsOData.resetWorkspaceHostAnswers', async () => {
      await context.globalState.update(ANSWERS, undefined);
      void vscode.window.showInformationMessage('Dynamics OData: the answers about hosts that only a workspace names were forgotten; you will be asked again.');
    }),
  );
  return gate;
}
