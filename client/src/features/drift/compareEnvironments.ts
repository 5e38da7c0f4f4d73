/**
 * "Compare Environments": asks the language server what differs between two environments' metadata and shows it in
 * the "Environment Differences" view (grouped by entity set; "Breaking Only" filters; an entity set jumps to the
 * explorer, filtered to it); "Open as Markdown" gives the same as a document for a pull request.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { compareEnvironments, type CompareEnvironmentsResult } from '../../../../server/src/protocol';
import { environmentSettings } from '../environments/environmentSettings';
import { DriftTreeProvider, type DriftNode } from './driftTree';

export const DRIFT_VIEW_ID = 'dynamicsOData.drift';
const HAS_RESULT = 'dynamicsOData.drift.hasResult';
const BREAKING_ONLY = 'dynamicsOData.drift.breakingOnly';

async function pickEnvironment(title: string, placeHolder: string, exclude?: string): Promise<string | undefined> {
  const names = environmentSettings().map((env) => env.name).filter((name) => name !== exclude);
  if (names.length === 0) {
    void vscode.window.showInformationMessage('Compare Environments needs two environments: add another with "Dynamics: Add Environment".');
    return undefined;
  }
  return vscode.window.showQuickPick(names, { title, placeHolder });
}

function markdownOf(result: CompareEnvironmentsResult, groups: CompareEnvironmentsResult['groups']): string {
  const escape = (text: string) => text.replace(/[\\`*_[\]<>|#]/g, (ch) => `\\${ch}`);
  const lines = [`# Schema differences: ${escape(result.from)} → ${escape(result.to)}`, ''];
  const s = result.summary;
  lines.push(`${s.total} change(s): ${s.added} added, ${s.removed} removed, ${s.changed} changed; ${s.breaking} breaking.`, '');
  for (const group of groups) {
    lines.push(`## ${escape(group.title)}`, '');
    for (const c of group.changes) {
      const what = c.change === 'changed' ? `${c.before ?? ''} → ${c.after ?? ''}` : (c.after ?? c.before ?? '');
      lines.push(`- ${c.breaking ? '**breaking** ' : ''}${c.change} ${c.kind} \`${c.path.replace(/`/g, "'")}\`${what ? `: ${escape(what)}` : ''}${c.reason ? ` — ${escape(c.reason)}` : ''}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function registerCompareEnvironments(context: vscode.ExtensionContext, client: LanguageClient): DriftTreeProvider {
  const provider = new DriftTreeProvider();
  const view = vscode.window.createTreeView(DRIFT_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });

  const describe = () => {
    const result = provider.current;
    if (!result) return;
    const s = result.summary;
    view.description = `${result.from} → ${result.to}${provider.breakingOnly ? ' (breaking only)' : ''}`;
    view.message = s.total === 0 ? `No differences between ${result.from} and ${result.to}.` : `${s.total} change(s), ${s.breaking} breaking.`;
  };

  /**
   * Compares two environments (asked for when not given) and shows the result; returns it, or undefined when the
   * comparison could not be made (the reason is shown).
   */
  const compare = async (from?: unknown, to?: unknown): Promise<CompareEnvironmentsResult | undefined> => {
    const before = typeof from === 'string' ? from : await pickEnvironment('Compare Environments: from', 'The reference environment (e.g. dev)');
    if (!before) return undefined;
    const after = typeof to === 'string' ? to : await pickEnvironment('Compare Environments: with', `Compare ${before} with…`, before);
    if (!after) return undefined;
    const result = await vscode.window.withProgress(
      { location: { viewId: DRIFT_VIEW_ID }, title: `Comparing ${before} and ${after}` },
      () => client.sendRequest(compareEnvironments.type, { from: before, to: after }),
    );
    if ('error' in result) {
      void vscode.window.showErrorMessage(`Compare Environments: ${result.error}`);
      return undefined;
    }
    provider.show(result);
    describe();
    await vscode.commands.executeCommand('setContext', HAS_RESULT, true);
    await vscode.commands.executeCommand(`${DRIFT_VIEW_ID}.focus`);
    return result;
  };

  const setBreakingOnly = async (value: boolean) => {
    provider.setBreakingOnly(value);
    describe();
    await vscode.commands.executeCommand('setContext', BREAKING_ONLY, value);
    return provider.visibleGroups();
  };

  context.subscriptions.push(
    view,
    vscode.commands.registerCommand('dynamicsOData.compareEnvironments', compare),
    vscode.commands.registerCommand('dynamicsOData.drift.breakingOnly', () => setBreakingOnly(true)),
    vscode.commands.registerCommand('dynamicsOData.drift.allChanges', () => setBreakingOnly(false)),
    vscode.commands.registerCommand('dynamicsOData.drift.showInExplorer', async (node?: DriftNode) => {
      const entitySet = node?.group.entitySet;
      if (!entitySet) return false;
      // The explorer filtered to that entity set, in both environments' branches.
      await vscode.commands.executeCommand('dynamicsOData.explorer.filter', entitySet);
      await vscode.commands.executeCommand('dynamicsOData.explorer.focus');
      return true;
    }),
    vscode.commands.registerCommand('dynamicsOData.drift.openMarkdown', async () => {
      const result = provider.current;
      if (!result) return undefined;
      const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdownOf(result, provider.visibleGroups()) });
      await vscode.window.showTextDocument(document);
      return document;
    }),
  );
  return provider;
}
