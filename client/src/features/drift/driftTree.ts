/**
 * The "Environment Differences" view's content: the last comparison's changes grouped by entity set, with a
 * breaking-only filter. Plain data in, VS Code tree items out; no requests of its own.
 */
import * as vscode from 'vscode';
import type { ChangeGroup, CompareEnvironmentsResult } from '../../../../server/src/protocol';

type SchemaChange = ChangeGroup['changes'][number];

export type DriftNode = { kind: 'group'; group: ChangeGroup } | { kind: 'change'; change: SchemaChange; group: ChangeGroup };

const CHANGE_ICONS: Record<SchemaChange['change'], string> = { added: 'diff-added', removed: 'diff-removed', changed: 'diff-modified' };

export class DriftTreeProvider implements vscode.TreeDataProvider<DriftNode> {
  private readonly changed = new vscode.EventEmitter<DriftNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private result: CompareEnvironmentsResult | undefined;
  private breakingOnlyFlag = false;

  get current(): CompareEnvironmentsResult | undefined {
    return this.result;
  }

  get breakingOnly(): boolean {
    return this.breakingOnlyFlag;
  }

  show(result: CompareEnvironmentsResult): void {
    this.result = result;
    this.changed.fire(undefined);
  }

  setBreakingOnly(value: boolean): void {
    this.breakingOnlyFlag = value;
    this.changed.fire(undefined);
  }

  /** The groups as shown: with the filter on, only breaking changes and the groups that have some. */
  visibleGroups(): ChangeGroup[] {
    if (!this.result) return [];
    if (!this.breakingOnlyFlag) return this.result.groups;
    return this.result.groups
      .map((group) => ({ ...group, changes: group.changes.filter((c) => c.breaking) }))
      .filter((group) => group.changes.length > 0);
  }

  getChildren(node?: DriftNode): DriftNode[] {
    if (!node) return this.visibleGroups().map((group) => ({ kind: 'group', group }));
    if (node.kind === 'group') return node.group.changes.map((change) => ({ kind: 'change', change, group: node.group }));
    return [];
  }

  getTreeItem(node: DriftNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const breaking = node.group.changes.filter((c) => c.breaking).length;
      const item = new vscode.TreeItem(node.group.title, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${node.group.changes.length} change${node.group.changes.length === 1 ? '' : 's'}${breaking ? `, ${breaking} breaking` : ''}`;
      item.iconPath = new vscode.ThemeIcon(node.group.entitySet ? 'symbol-class' : 'folder', breaking ? new vscode.ThemeColor('list.errorForeground') : undefined);
      item.contextValue = node.group.entitySet ? 'driftEntitySet' : 'driftGroup';
      if (node.group.entitySet) {
        item.command = { command: 'dynamicsOData.drift.showInExplorer', title: 'Show in Explorer', arguments: [node] };
      }
      return item;
    }
    const c = node.change;
    const item = new vscode.TreeItem(`${c.path}`, vscode.TreeItemCollapsibleState.None);
    const what = c.change === 'changed' ? `${c.before ?? ''} → ${c.after ?? ''}` : (c.after ?? c.before ?? '');
    item.description = `${c.breaking ? 'breaking · ' : ''}${c.change} ${c.kind}${what ? `: ${what}` : ''}`;
    item.tooltip = new vscode.MarkdownString().appendText(`${c.change} ${c.kind} ${c.path}\n${what}${c.reason ? `\n${c.reason}` : ''}`);
    item.iconPath = new vscode.ThemeIcon(CHANGE_ICONS[c.change], c.breaking ? new vscode.ThemeColor('list.errorForeground') : undefined);
    item.contextValue = c.breaking ? 'driftChangeBreaking' : 'driftChange';
    return item;
  }
}
