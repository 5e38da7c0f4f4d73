/**
 * The "Environments" tree of the Dynamics activity bar container: environments -> entity sets (paged, filtered,
 * fetched when an environment expands) -> keys, properties, navigation properties, bound operations (fetched
 * when a set expands), and each environment's unbound actions and functions. Every answer comes from the
 * language server (`odata/environments`, `odata/entitySets`, `odata/entitySetDetails`, `odata/operations`);
 * the tree keeps only what it has shown, and forgets it on refresh.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  explorerEntitySetDetails,
  explorerEntitySets,
  explorerEnvironments,
  explorerOperations,
  type EntitySetDetails,
  type ExplorerEntitySet,
  type ExplorerEnvironment,
  type ExplorerError,
  type ExplorerNavigationProperty,
  type ExplorerOperation,
  type ExplorerProperty,
  type FlavorName,
} from '../../../../server/src/protocol';

export const PAGE_SIZE = 200;

export type ExplorerNode =
  | { kind: 'environment'; environment: ExplorerEnvironment }
  | { kind: 'entitySet'; environment: ExplorerEnvironment; entitySet: ExplorerEntitySet }
  | { kind: 'loadMore'; environment: ExplorerEnvironment; loaded: number; total: number }
  | { kind: 'operations'; environment: ExplorerEnvironment }
  | { kind: 'group'; group: 'properties' | 'navigationProperties' | 'operations'; environment: ExplorerEnvironment; entitySet: ExplorerEntitySet; details: EntitySetDetails }
  | { kind: 'key'; environment: ExplorerEnvironment; entitySet: ExplorerEntitySet; property: ExplorerProperty | { name: string; type: string } }
  | { kind: 'property'; environment: ExplorerEnvironment; entitySet: ExplorerEntitySet; property: ExplorerProperty }
  | { kind: 'navigationProperty'; environment: ExplorerEnvironment; entitySet: ExplorerEntitySet; navigation: ExplorerNavigationProperty }
  | { kind: 'operation'; environment: ExplorerEnvironment; entitySet?: ExplorerEntitySet; operation: ExplorerOperation }
  | { kind: 'message'; text: string; error?: boolean };

const flavorLabels: Record<FlavorName, string> = { dataverse: 'Dataverse', fno: 'Finance & Operations', bc: 'Business Central', generic: 'OData' };
const SIGN_IN_LABELS: Record<'none' | 'signedOut' | 'signedIn' | 'expired', string | undefined> = {
  none: undefined,
  signedOut: 'signed out',
  signedIn: 'signed in',
  expired: 'sign in again',
};
const flavorIcons: Record<FlavorName, string> = { dataverse: 'database', fno: 'server-environment', bc: 'briefcase', generic: 'globe' };
const groupLabels = { properties: 'Properties', navigationProperties: 'Navigation properties', operations: 'Bound actions and functions' } as const;

function isError(answer: unknown): answer is ExplorerError {
  return typeof answer === 'object' && answer !== null && !Array.isArray(answer) && typeof (answer as ExplorerError).error === 'string';
}

function shortType(type: string): string {
  const collection = /^Collection\((.*)\)$/.exec(type);
  const name = collection ? collection[1] : type;
  const short = name.startsWith('Edm.') ? name : name.slice(name.lastIndexOf('.') + 1);
  return collection ? `Collection(${short})` : short;
}

function markdown(lines: (string | undefined)[]): vscode.MarkdownString {
  const text = new vscode.MarkdownString(lines.filter((line): line is string => line !== undefined && line.length > 0).join('\n\n'));
  text.supportThemeIcons = true;
  return text;
}

const code = (text: string): string => '`' + text.replace(/`/g, '') + '`';

interface EnvironmentCache {
  items: ExplorerEntitySet[];
  total: number;
  error?: string;
}

export class ExplorerTreeProvider implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private filterText = '';
  private readonly sets = new Map<string, EnvironmentCache>();
  private readonly details = new Map<string, Promise<EntitySetDetails | ExplorerError>>();

  /** The sign-in state of an environment, shown beside it (set by the extension once sign-in is registered). */
  signInState: (name: string) => 'none' | 'signedOut' | 'signedIn' | 'expired' | undefined = () => undefined;
  /** Where an environment is defined (set by the extension): a workspace's is marked, its settings may be someone else's. */
  environmentSource: (name: string) => 'user' | 'workspace' | undefined = () => undefined;

  /** Whether a response showed that the environment's schema changed since its metadata was cached. */
  schemaChanged: (name: string) => boolean = () => false;

  constructor(private readonly client: LanguageClient) {}

  /** Draw the nodes again (a sign-in state changed) without asking the server again. */
  redraw(): void {
    this.changed.fire(undefined);
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    this.refresh();
  }

  /** Forget everything fetched and ask the server again. */
  refresh(): void {
    this.sets.clear();
    this.details.clear();
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** The next page of an environment's entity sets, appended to those shown. */
  async loadMore(environment: ExplorerEnvironment): Promise<void> {
    const cache = this.sets.get(environment.name);
    if (!cache) return;
    const page = await this.client.sendRequest(explorerEntitySets.type, {
      environment: environment.name,
      filter: this.filterText || undefined,
      offset: cache.items.length,
      limit: PAGE_SIZE,
    });
    if (isError(page)) cache.error = page.error;
    else {
      cache.items.push(...page.items);
      cache.total = page.total;
    }
    this.changed.fire(undefined);
  }

  entitySetDetails(environment: string, entitySet: string): Promise<EntitySetDetails | ExplorerError> {
    const key = `${environment}\u0000${entitySet}`;
    let pending = this.details.get(key);
    if (!pending) {
      pending = Promise.resolve(this.client.sendRequest(explorerEntitySetDetails.type, { environment, entitySet }));
      this.details.set(key, pending);
    }
    return pending;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    try {
      return await this.children(node);
    } catch (error) {
      return [{ kind: 'message', text: `The language server did not answer: ${error instanceof Error ? error.message : String(error)}`, error: true }];
    }
  }

  private async children(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) {
      const environments = await this.client.sendRequest(explorerEnvironments.type);
      if (environments.length === 0) return []; // the view's welcome content says how to add one
      return environments.map((environment) => ({ kind: 'environment', environment }));
    }
    switch (node.kind) {
      case 'environment': {
        const { environment } = node;
        let cache = this.sets.get(environment.name);
        if (!cache) {
          const page = await this.client.sendRequest(explorerEntitySets.type, {
            environment: environment.name,
            filter: this.filterText || undefined,
            offset: 0,
            limit: PAGE_SIZE,
          });
          cache = isError(page) ? { items: [], total: 0, error: page.error } : { items: [...page.items], total: page.total };
          this.sets.set(environment.name, cache);
        }
        if (cache.error) return [{ kind: 'message', text: cache.error, error: true }];
        const out: ExplorerNode[] = [];
        if (!this.filterText) out.push({ kind: 'operations', environment });
        if (cache.total === 0) out.push({ kind: 'message', text: this.filterText ? `No entity set matches '${this.filterText}'.` : 'No entity sets.' });
        out.push(...cache.items.map((entitySet): ExplorerNode => ({ kind: 'entitySet', environment, entitySet })));
        if (cache.items.length < cache.total) out.push({ kind: 'loadMore', environment, loaded: cache.items.length, total: cache.total });
        return out;
      }
      case 'operations': {
        const operations = await this.client.sendRequest(explorerOperations.type, { environment: node.environment.name });
        if (isError(operations)) return [{ kind: 'message', text: operations.error, error: true }];
        if (operations.length === 0) return [{ kind: 'message', text: 'No unbound actions or functions.' }];
        return operations.map((operation) => ({ kind: 'operation', environment: node.environment, operation }));
      }
      case 'entitySet': {
        const details = await this.entitySetDetails(node.environment.name, node.entitySet.name);
        if (isError(details)) return [{ kind: 'message', text: details.error, error: true }];
        const { environment, entitySet } = node;
        const byName = new Map(details.properties.map((p) => [p.name, p]));
        const out: ExplorerNode[] = details.keys.map((key) => ({ kind: 'key', environment, entitySet, property: byName.get(key.name) ?? key }));
        out.push({ kind: 'group', group: 'properties', environment, entitySet, details });
        if (details.navigationProperties.length > 0) out.push({ kind: 'group', group: 'navigationProperties', environment, entitySet, details });
        if (details.operations.length > 0) out.push({ kind: 'group', group: 'operations', environment, entitySet, details });
        return out;
      }
      case 'group': {
        const { environment, entitySet, details } = node;
        if (node.group === 'properties') return details.properties.map((property) => ({ kind: 'property', environment, entitySet, property }));
        if (node.group === 'navigationProperties') {
          return details.navigationProperties.map((navigation) => ({ kind: 'navigationProperty', environment, entitySet, navigation }));
        }
        return details.operations.map((operation) => ({ kind: 'operation', environment, entitySet, operation }));
      }
      default:
        return [];
    }
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const None = vscode.TreeItemCollapsibleState.None;
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'environment': {
        const { environment: env } = node;
        const item = new vscode.TreeItem(env.name, Collapsed);
        item.id = `env:${env.name}`;
        item.contextValue = `environment.${env.state}`;
        const count = env.entitySetCount !== undefined ? `${env.entitySetCount} entity sets` : undefined;
        const state = env.state === 'loading' ? 'loading…' : env.state === 'error' ? 'metadata failed to load' : count;
        const signIn = SIGN_IN_LABELS[this.signInState(env.name) ?? 'none'];
        const fromWorkspace = this.environmentSource(env.name) === 'workspace';
        const stale = this.schemaChanged(env.name) ? 'schema changed: refresh metadata' : undefined;
        item.description = [flavorLabels[env.flavor], state, signIn, fromWorkspace ? 'workspace settings' : undefined, stale].filter(Boolean).join(' · ');
        item.iconPath =
          env.state === 'loading'
            ? new vscode.ThemeIcon('sync~spin')
            : env.state === 'error'
              ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
              : new vscode.ThemeIcon(flavorIcons[env.flavor]);
        item.tooltip = markdown([
          `**${env.name}** — ${flavorLabels[env.flavor]}`,
          env.url ? code(env.url) : '_no service root configured_',
          count,
          signIn ? `Sign-in: ${signIn} (right-click to sign in or out)` : undefined,
          fromWorkspace ? '$(shield) Defined by this workspace\'s settings, not yours: the first connection to its host asks first.' : undefined,
          stale ? '$(warning) A response showed a newer schema than the cached metadata: right-click → Refresh Metadata.' : undefined,
          env.message ? (env.state === 'error' ? `$(error) ${env.message}` : `$(warning) ${env.message}`) : undefined,
        ]);
        return item;
      }
      case 'entitySet': {
        const { entitySet: set } = node;
        const item = new vscode.TreeItem(set.name, Collapsed);
        item.id = `set:${node.environment.name}/${set.name}`;
        item.contextValue = set.kind === 'Singleton' ? 'singleton' : 'entitySet';
        item.iconPath = new vscode.ThemeIcon(set.kind === 'Singleton' ? 'symbol-object' : 'table');
        item.description = set.displayName ?? shortType(set.entityType);
        item.tooltip = markdown([
          `**${set.name}** (${set.kind === 'Singleton' ? 'singleton' : 'entity set'})${set.displayName ? ` — ${set.displayName}` : ''}`,
          `Type: ${code(set.entityType)}`,
          set.description,
        ]);
        return item;
      }
      case 'loadMore': {
        const item = new vscode.TreeItem(`Load ${Math.min(PAGE_SIZE, node.total - node.loaded)} more…`, None);
        item.description = `${node.loaded} of ${node.total}`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.contextValue = 'loadMore';
        item.command = { command: 'dynamicsOData.explorer.loadMore', title: 'Load more', arguments: [node] };
        return item;
      }
      case 'operations': {
        const item = new vscode.TreeItem('Actions and functions', Collapsed);
        item.id = `ops:${node.environment.name}`;
        item.contextValue = 'operations';
        item.iconPath = new vscode.ThemeIcon('symbol-method');
        item.tooltip = 'The unbound actions and functions (action and function imports) of this environment.';
        return item;
      }
      case 'group': {
        const count =
          node.group === 'properties'
            ? node.details.properties.length
            : node.group === 'navigationProperties'
              ? node.details.navigationProperties.length
              : node.details.operations.length;
        const item = new vscode.TreeItem(groupLabels[node.group], Collapsed);
        item.id = `group:${node.environment.name}/${node.entitySet.name}/${node.group}`;
        item.description = String(count);
        item.contextValue = `group.${node.group}`;
        item.iconPath = new vscode.ThemeIcon(node.group === 'properties' ? 'symbol-field' : node.group === 'navigationProperties' ? 'references' : 'symbol-method');
        return item;
      }
      case 'key':
      case 'property': {
        const p = node.property;
        const full = 'nullable' in p ? p : undefined;
        const item = new vscode.TreeItem(p.name, None);
        item.contextValue = node.kind === 'key' ? 'key' : full?.lookupFor ? 'property.lookup' : 'property';
        item.iconPath = new vscode.ThemeIcon(node.kind === 'key' ? 'key' : full?.lookupFor ? 'link' : 'symbol-field');
        const nullable = full && full.nullable && node.kind !== 'key' ? '?' : '';
        const lookup = full?.lookupFor ? ` → ${full.lookupFor.join(' | ')}` : '';
        item.description = `${shortType(p.type)}${nullable}${lookup}`;
        item.tooltip = markdown([
          `**${p.name}**${node.kind === 'key' ? ' (key)' : ''}`,
          `Type: ${code(p.type)}${full?.maxLength !== undefined ? `, MaxLength ${full.maxLength}` : ''}${full ? (full.nullable ? ', nullable' : ', not nullable') : ''}`,
          full?.lookupFor ? `Lookup for ${full.lookupFor.map(code).join(', ')}` : undefined,
          full?.description,
        ]);
        return item;
      }
      case 'navigationProperty': {
        const nav = node.navigation;
        const item = new vscode.TreeItem(nav.name, None);
        item.contextValue = 'navigationProperty';
        item.iconPath = new vscode.ThemeIcon('references');
        const target = nav.targetEntitySet ?? shortType(nav.target);
        item.description = nav.collection ? `→ ${target} (many)` : `→ ${target}`;
        item.tooltip = markdown([
          `**${nav.name}** (${nav.collection ? 'collection-valued' : 'single-valued'} navigation)`,
          `Target: ${code(nav.collection ? `Collection(${nav.target})` : nav.target)}`,
          nav.targetEntitySet ? `Entity set: ${code(nav.targetEntitySet)}` : undefined,
        ]);
        return item;
      }
      case 'operation': {
        const op = node.operation;
        const item = new vscode.TreeItem(op.bound ? op.name.slice(op.name.lastIndexOf('.') + 1) : op.name, None);
        item.contextValue = `operation.${op.kind === 'Action' ? 'action' : 'function'}`;
        item.iconPath = new vscode.ThemeIcon(op.kind === 'Action' ? 'symbol-event' : 'symbol-method');
        const binding = op.bound ? (op.collection ? ' · on the collection' : ' · on one entity') : '';
        item.description = `${op.kind.toLowerCase()}${op.returnType ? ` → ${shortType(op.returnType)}` : ''}${binding}`;
        const parameters = op.parameters?.map((p) => `${p.name}: ${p.type}`).join(', ') ?? '';
        item.tooltip = markdown([
          `**${op.name}** (${op.bound ? 'bound ' : ''}${op.kind.toLowerCase()})`,
          code(`${op.name}(${parameters})${op.returnType ? ` : ${op.returnType}` : ''}`),
        ]);
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, None);
        item.contextValue = 'message';
        item.tooltip = node.text;
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info', node.error ? new vscode.ThemeColor('errorForeground') : undefined);
        return item;
      }
    }
  }
}
