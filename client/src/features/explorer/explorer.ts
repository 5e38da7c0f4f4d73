/**
 * The explorer view and its commands: refresh, filter / clear filter, new query on an entity set, copy name,
 * copy URL, reload an environment's metadata (now through "Refresh Metadata", metadataCache.ts); plus two internal ones (load more, and a snapshot of the rendered
 * tree for the end-to-end tests). The tree refreshes on `odata/environmentStatus` and on settings changes.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { type EntitySetDetails } from '../../../../server/src/protocol';
import { onDidChangeEnvironmentStatus } from '../environments/environmentSettings';
import { ExplorerTreeProvider, type ExplorerNode } from './explorerTree';
import { newFetchXmlText, newQueryText, serviceUrl, starterSelect } from './queryText';

export const VIEW_ID = 'dynamicsOData.explorer';
const FILTERED_CONTEXT = 'dynamicsOData.explorer.filtered';

export interface SnapshotNode {
  label: string;
  description?: string;
  contextValue?: string;
  icon?: string;
  children?: SnapshotNode[];
}

function nameOf(node: ExplorerNode): string | undefined {
  switch (node.kind) {
    case 'environment':
      return node.environment.name;
    case 'entitySet':
      return node.entitySet.name;
    case 'key':
    case 'property':
      return node.property.name;
    case 'navigationProperty':
      return node.navigation.name;
    case 'operation':
      return node.operation.name;
    default:
      return undefined;
  }
}

export function registerExplorer(context: vscode.ExtensionContext, client: LanguageClient): ExplorerTreeProvider {
  const provider = new ExplorerTreeProvider(client);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });

  const showFilter = (): void => {
    view.description = provider.filter ? `filter: ${provider.filter}` : undefined;
    // The description is hidden while the view is its container's only one; the message always shows.
    view.message = provider.filter ? `Entity sets filtered by '${provider.filter}'.` : undefined;
    void vscode.commands.executeCommand('setContext', FILTERED_CONTEXT, provider.filter.length > 0);
  };

  /** Renders the tree as labels, descending into the nodes whose label is in `expand` (tests only). */
  const snapshot = async (expand: string[] = [], parent?: ExplorerNode): Promise<SnapshotNode[]> => {
    const out: SnapshotNode[] = [];
    for (const child of await provider.getChildren(parent)) {
      const item = provider.getTreeItem(child);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      const node: SnapshotNode = {
        label,
        description: typeof item.description === 'string' ? item.description : undefined,
        contextValue: item.contextValue,
        icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
      };
      if (expand.includes(label) && item.collapsibleState !== vscode.TreeItemCollapsibleState.None) node.children = await snapshot(expand, child);
      out.push(node);
    }
    return out;
  };

  const newQuery = async (node?: ExplorerNode): Promise<vscode.TextDocument | undefined> => {
    if (node?.kind !== 'entitySet') {
      void vscode.window.showInformationMessage('Choose an entity set in the Dynamics explorer, then "New Query on This Entity Set".');
      return undefined;
    }
    const details = await provider.entitySetDetails(node.environment.name, node.entitySet.name);
    const select = 'error' in details ? [] : starterSelect(details as EntitySetDetails);
    const document = await vscode.workspace.openTextDocument({ language: 'odata', content: newQueryText(node.environment.name, node.entitySet.name, select) });
    await vscode.window.showTextDocument(document);
    return document;
  };

  /** "New FetchXML query": an untitled `{set}.fetchxml` beside the files, with the starter attributes. */
  const newFetchXmlQuery = async (node?: ExplorerNode): Promise<vscode.TextDocument | undefined> => {
    if (node?.kind !== 'entitySet' || node.entitySet.kind !== 'EntitySet') {
      void vscode.window.showInformationMessage('Choose an entity set in the Dynamics explorer, then "New FetchXML Query on This Entity Set".');
      return undefined;
    }
    const details = await provider.entitySetDetails(node.environment.name, node.entitySet.name);
    const attributes = 'error' in details ? [] : starterSelect(details as EntitySetDetails);
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    let uri = vscode.Uri.parse(`untitled:${node.entitySet.name}.fetchxml`);
    for (let n = 2; open.has(uri.toString()); n += 1) uri = vscode.Uri.parse(`untitled:${node.entitySet.name}-${n}.fetchxml`);
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), newFetchXmlText(node.environment.name, node.entitySet.entityType, attributes)));
    return document;
  };

  context.subscriptions.push(
    provider,
    view,
    vscode.commands.registerCommand('dynamicsOData.explorer.newFetchXmlQuery', newFetchXmlQuery),
    vscode.commands.registerCommand('dynamicsOData.explorer.refresh', () => provider.refresh()),
    vscode.commands.registerCommand('dynamicsOData.explorer.filter', async (given?: unknown) => {
      const text = typeof given === 'string' ? given : await vscode.window.showInputBox({
        title: 'Filter entity sets',
        prompt: 'Part of an entity set name or its entity type (empty clears the filter)',
        value: provider.filter,
        placeHolder: 'e.g. account',
      });
      if (text === undefined) return;
      provider.setFilter(text);
      showFilter();
    }),
    vscode.commands.registerCommand('dynamicsOData.explorer.clearFilter', () => {
      provider.setFilter('');
      showFilter();
    }),
    vscode.commands.registerCommand('dynamicsOData.explorer.newQuery', newQuery),
    vscode.commands.registerCommand('dynamicsOData.explorer.copyName', async (node?: ExplorerNode) => {
      const name = node ? nameOf(node) : undefined;
      if (name) await vscode.env.clipboard.writeText(name);
    }),
    vscode.commands.registerCommand('dynamicsOData.explorer.copyUrl', async (node?: ExplorerNode) => {
      if (node?.kind === 'environment') await vscode.env.clipboard.writeText(node.environment.url);
      else if (node?.kind === 'entitySet') await vscode.env.clipboard.writeText(serviceUrl(node.environment.url, node.entitySet.name));
    }),
    // Kept for existing keybindings: the menu now shows "Refresh Metadata" (download, or reload a saved file).
    vscode.commands.registerCommand('dynamicsOData.explorer.reloadMetadata', async (node?: ExplorerNode) => {
      if (node?.kind !== 'environment') return;
      await vscode.commands.executeCommand('dynamicsOData.refreshMetadata', node.environment.name);
      provider.refresh();
    }),
    vscode.commands.registerCommand('dynamicsOData.explorer.loadMore', async (node?: ExplorerNode) => {
      if (node?.kind === 'loadMore') await provider.loadMore(node.environment);
    }),
    onDidChangeEnvironmentStatus((status) => {
      if (status.state !== 'loading') provider.refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('dynamicsOData.environments')) provider.refresh();
    }),
  );
  // The rendered tree as labels, for the end-to-end tests only (ExtensionMode.Test): not part of the shipped surface.
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    context.subscriptions.push(vscode.commands.registerCommand('dynamicsOData.explorer.snapshot', (expand?: string[]) => snapshot(expand ?? [])));
  }
  showFilter();
  return provider;
}
