/**
 * The results panel in VS Code: a webview per request title (or reused, as the user prefers) that shows a
 * sent request's result, pages through it with the caller's actions (the panel sends no HTTP itself), opens the
 * raw body in an editor, exports the loaded rows, copies the URL or a curl command, and comes back after a
 * reload of VS Code from the page's saved state (paging off until the request is sent again).
 *
 * The state and paging are in ./resultsSession.ts (no VS Code); the page is client/webview/ (bundled to
 * dist/webview/); the HTML shell is ./html.ts; the messages ./messages.ts.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { runnerSettings } from '../../environments/configuration';
import { exportFileName } from '../results/export';
import { makeNonce, renderPanelHtml } from './html';
import { parsePageMessage, type PageToHost } from './messages';
import { ResultsSession, type ResultsActions, type ResultsInput, type ResultsSnapshot } from './resultsSession';

export type { ResultsActions, ResultsInput, ResultsSnapshot } from './resultsSession';

export const RESULTS_VIEW_TYPE = 'dynamicsOData.results';

export class ResultsPanel {
  private static readonly panels = new Set<ResultsPanel>();
  private static lastActive: ResultsPanel | undefined;

  readonly session: ResultsSession;

  /** Shows a result: in the open panel for the same request title (when reusing, the default) or a new one. */
  static show(context: vscode.ExtensionContext, input: ResultsInput, actions: ResultsActions, options: { reuse?: boolean } = {}): ResultsPanel {
    const reuse = options.reuse ?? true;
    const existing = reuse ? [...ResultsPanel.panels].find((panel) => panel.session.hasView && panel.session.view.title === input.request.title) : undefined;
    const target = existing ?? new ResultsPanel(context, ResultsPanel.createWebviewPanel(context, input.request.title));
    target.session.load(input, actions);
    target.panel.title = target.panelTitle();
    if (existing) target.panel.reveal(undefined, true);
    ResultsPanel.lastActive = target;
    return target;
  }

  /** The panel tests and commands act on: the last one focused or shown. */
  static current(): ResultsPanel | undefined {
    return ResultsPanel.lastActive ?? [...ResultsPanel.panels].at(-1);
  }

  /** Restores a panel after a reload of VS Code from the page's saved state (closes it when there is none). */
  static restore(context: vscode.ExtensionContext, panel: vscode.WebviewPanel, state: unknown): ResultsPanel | undefined {
    const restored = new ResultsPanel(context, panel);
    if (!restored.session.restore(state)) {
      panel.dispose();
      return undefined;
    }
    panel.title = restored.panelTitle();
    ResultsPanel.lastActive = restored;
    return restored;
  }

  private static webviewRoot(context: vscode.ExtensionContext): vscode.Uri {
    return vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
  }

  private static createWebviewPanel(context: vscode.ExtensionContext, title: string): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(
      RESULTS_VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [ResultsPanel.webviewRoot(context)] },
    );
  }

  private constructor(
    context: vscode.ExtensionContext,
    private readonly panel: vscode.WebviewPanel,
  ) {
    this.session = new ResultsSession((message) => void panel.webview.postMessage(message));
    const root = ResultsPanel.webviewRoot(context);
    // (set again for a panel the serializer restores)
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    panel.webview.html = renderPanelHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'panel.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'panel.css')).toString(),
      nonce: makeNonce(),
      title: 'Results',
    });
    ResultsPanel.panels.add(this);
    const subscriptions: vscode.Disposable[] = [
      panel.webview.onDidReceiveMessage((data: unknown) => {
        const message = parsePageMessage(data);
        if (message) void this.onMessage(message);
      }),
      panel.onDidChangeViewState(() => {
        if (panel.active) ResultsPanel.lastActive = this;
        if (!panel.visible) this.session.pageIsGone();
      }),
    ];
    panel.onDidDispose(
      () => {
        this.session.close();
        ResultsPanel.panels.delete(this);
        if (ResultsPanel.lastActive === this) ResultsPanel.lastActive = undefined;
        for (const subscription of subscriptions) subscription.dispose();
      },
      undefined,
      context.subscriptions,
    );
  }

  private panelTitle(): string {
    const view = this.session.view;
    const status = view.kind === 'failure' ? 'failed' : String(view.status ?? '');
    const title = view.title.length > 40 ? `${view.title.slice(0, 39)}…` : view.title;
    return `${title} (${status})`;
  }

  private async onMessage(message: PageToHost): Promise<void> {
    const session = this.session;
    switch (message.type) {
      case 'ready':
        session.pageIsReady();
        return;
      case 'loadNextPage':
        await session.loadNextPage();
        return;
      case 'loadAll':
        await session.loadAll(message.maxRows);
        return;
      case 'cancel':
        session.cancel();
        return;
      case 'openRaw': {
        const raw = session.rawDocument();
        if (!raw) return;
        const document = await vscode.workspace.openTextDocument({ language: raw.language, content: raw.content });
        await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Active });
        return;
      }
      case 'export':
        await this.exportWithDialog(message.format);
        return;
      case 'sendAgain':
        session.sendAgain();
        return;
      case 'copyUrl':
        await vscode.env.clipboard.writeText(session.requestUrl());
        session.notice('URL copied.');
        return;
      case 'copyCurl': {
        const curl = session.curl();
        if (curl === undefined) return;
        await vscode.env.clipboard.writeText(curl);
        session.notice('curl command copied (without the token: add your own Authorization header).');
        return;
      }
    }
  }

  private async exportWithDialog(format: 'csv' | 'json'): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const uri = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, exportFileName(this.session.view.title, format)),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      saveLabel: 'Export',
      title: `Export ${this.session.rows.length} rows as ${format.toUpperCase()}`,
    });
    if (!uri) return;
    await this.exportTo(uri, format).catch(() => undefined);
  }

  /** Writes every loaded row to a file (no dialog: also the test command). */
  async exportTo(target: vscode.Uri | string, format: 'csv' | 'json'): Promise<{ path: string; rows: number }> {
    const uri = typeof target === 'string' ? vscode.Uri.file(target) : target;
    const rows = this.session.rows.length;
    try {
      const neutralizeFormulas = runnerSettings().csvNeutralizeFormulas;
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(this.session.exportText(format, { neutralizeFormulas })));
    } catch (error) {
      const message = `Could not write ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}. Choose another folder.`;
      this.session.notice(message, 'error');
      throw new Error(message);
    }
    this.session.notice(`Exported ${rows} rows to ${uri.fsPath}.`);
    return { path: uri.fsPath, rows };
  }

  /** For the test-only `dynamicsOData.results.snapshot`: the session's snapshot, the open panels and the notes shown. */
  snapshot(): ResultsSnapshot & { openPanels: number; notes: string[] } {
    return { ...this.session.snapshot(), openPanels: ResultsPanel.panels.size, notes: [...this.session.view.notes] };
  }
}

/** Brings results panels back after a reload of VS Code (needs the activation event `onWebviewPanel:dynamicsOData.results`). */
export function registerResultsPanelSerializer(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        ResultsPanel.restore(context, panel, state);
      },
    }),
  );
}

/**
 * Commands for end-to-end tests, registered only when the extension runs under the test harness
 * (`ExtensionMode.Test`): never part of the shipped extension's surface (issue 12, item 12).
 * - `dynamicsOData.results.snapshot` → ResultsSnapshot & { openPanels, notes } | undefined (the current panel)
 * - `dynamicsOData.results.exportTo` (path: string, format: 'csv' | 'json') → { path, rows } (no dialog)
 * - `dynamicsOData.results.loadNextPage` → the snapshot after the next page loaded
 */
export function registerResultsPanelTestCommands(context: vscode.ExtensionContext): void {
  if (context.extensionMode !== vscode.ExtensionMode.Test) return;
  const currentPanel = (): ResultsPanel => {
    const panel = ResultsPanel.current();
    if (!panel) throw new Error('No results panel is open: send a request first.');
    return panel;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('dynamicsOData.results.snapshot', () => ResultsPanel.current()?.snapshot()),
    vscode.commands.registerCommand('dynamicsOData.results.exportTo', async (path: unknown, format: unknown) => {
      if (typeof path !== 'string' || (format !== 'csv' && format !== 'json')) throw new Error('dynamicsOData.results.exportTo takes (path: string, format: "csv" | "json").');
      return currentPanel().exportTo(path, format);
    }),
    vscode.commands.registerCommand('dynamicsOData.results.loadNextPage', async () => {
      const panel = currentPanel();
      await panel.session.loadNextPage();
      return panel.snapshot();
    }),
    vscode.commands.registerCommand('dynamicsOData.results.loadAll', async (maxRows: unknown) => {
      const panel = currentPanel();
      await panel.session.loadAll(typeof maxRows === 'number' ? maxRows : 100_000);
      return panel.snapshot();
    }),
    vscode.commands.registerCommand('dynamicsOData.results.sendAgain', () => currentPanel().session.sendAgain()),
  );
}
