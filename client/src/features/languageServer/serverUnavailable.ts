/**
 * When the language server cannot start, the extension's commands still exist: each one that is not registered
 * by then says why it cannot run and offers the log ("Show log"), instead of VS Code's "command not found".
 * (rust-analyzer's habit: a command run while the server is down says why.)
 */
import * as vscode from 'vscode';

/** The reason shown by every command the failed start left unregistered. */
export function serverUnavailableMessage(reason: string): string {
  return `Dynamics OData Tools could not start its language server (${reason}), so this command is not available. Reload the window to try again; the log says more.`;
}

export async function registerCommandsWhileServerUnavailable(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  reason: string,
): Promise<string[]> {
  const declared = (context.extension.packageJSON as { contributes?: { commands?: { command?: unknown }[] } }).contributes?.commands ?? [];
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = declared.map((entry) => entry.command).filter((id): id is string => typeof id === 'string' && !registered.has(id));
  for (const id of missing) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async () => {
        output.warn(`${id}: not run, the language server is not running (${reason}).`);
        const choice = await vscode.window.showErrorMessage(serverUnavailableMessage(reason), 'Show log');
        if (choice === 'Show log') output.show();
      }),
    );
  }
  return missing;
}
