// Shared helpers for the tests that run inside the VS Code extension host (see test/e2e/README.md).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'dynamics-odata-tools.dynamics-odata-tools';

/** The fixture workspace (test/e2e/workspace) the runner opens. */
export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opens test/e2e/workspace as the workspace folder');
  return folder.uri;
}

export function fixture(name: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder(), name);
}

export async function openFixture(name: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(fixture(name));
  await vscode.window.showTextDocument(document);
  assert.equal(document.languageId, 'odata', `${name} opens as an odata document`);
  return document;
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs` (never a fixed sleep). */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The language server has published diagnostics for `uri` (it is started, configured and has the metadata). */
export function waitForDiagnostics(uri: vscode.Uri, timeoutMs = 60_000): Promise<vscode.Diagnostic[]> {
  return waitFor(`diagnostics for ${uri.path}`, () => {
    const diagnostics = vscode.languages.getDiagnostics(uri);
    return diagnostics.length > 0 ? diagnostics : undefined;
  }, timeoutMs);
}

export function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

/** Completion labels at a position, asking until the server has the metadata (it answers "incomplete" before). */
export async function completionLabels(document: vscode.TextDocument, position: vscode.Position, expected: string[]): Promise<string[]> {
  let labels: string[] = [];
  try {
    await waitFor(`completion items ${expected.join(', ')}`, async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
      labels = list.items.map(labelOf);
      return expected.every((label) => labels.includes(label)) ? labels : undefined;
    }, 30_000);
  } catch {
    // fall through: the assertion below shows what was offered
  }
  return labels;
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

/** Where a `dynamicsOData.*` setting is written: the workspace's settings or the user's (machine-scoped ones). */
function layerValue(key: string, target: vscode.ConfigurationTarget): unknown {
  const inspected = vscode.workspace.getConfiguration('dynamicsOData').inspect(key);
  return target === vscode.ConfigurationTarget.Global ? inspected?.globalValue : inspected?.workspaceValue;
}

/**
 * Changes `dynamicsOData.<key>` the way a user does (`WorkspaceConfiguration.update`) and waits until the extension
 * host reads the new value back (`undefined` removes it from that layer). Returns the value it had there before.
 */
export async function updateSetting(key: string, value: unknown, target = vscode.ConfigurationTarget.Workspace): Promise<unknown> {
  const before = layerValue(key, target);
  await vscode.workspace.getConfiguration('dynamicsOData').update(key, value, target);
  await waitFor(`dynamicsOData.${key} = ${JSON.stringify(value)}`, () => (JSON.stringify(layerValue(key, target)) === JSON.stringify(value) ? true : undefined), 10_000);
  return before;
}

