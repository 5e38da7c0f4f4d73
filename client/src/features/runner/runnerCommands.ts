/**
 * The request runner in VS Code: a CodeLens "Send request" / "Send to…" above every request of an `.odata`
 * file (and "Send all" above the first), the commands behind them (also for the request under the cursor,
 * with a keybinding), the confirmation before a write to a production environment, the progress notification
 * that cancels the request, the results panel, and the History view.
 *
 * The work itself is elsewhere: preparing and sending in http/ (no VS Code), the page in panel/ and
 * client/webview/, the history store in history.ts.
 */
import * as vscode from 'vscode';
import { defaultEnvironment, runnerSettings } from '../environments/configuration';
import { parseRequestFile } from '../../../../server/src/odata/index';
import { environmentSettings } from '../environments/environmentSettings';
import { SAMPLE_ENVIRONMENT_NAME } from '../environments/sampleEnvironment';
import { chooseEnvironment, toRunnerEnvironment, type EnvironmentEntry } from './environmentFor';
import { entryAsOdataText, historyEntry, requestFromEntry, RequestHistory, type HistoryEntry } from './history';
import { checkBatchLimits, parseBatchResponse } from './http/batch';
import { toCurl } from './http/curl';
import { sendRequest, type SendOptions } from './http/engine';
import {
  entitySetFromDefinitions,
  fetchXmlNextLink,
  fetchXmlNextPage,
  fetchXmlTooLong,
  isFetchXmlRequest,
  loadFetchXmlPagesAfter,
  sendableFetchXmlRequest,
  sendFetchXml,
  withFetchXmlPrefer,
} from './http/fetchXmlPaging';
import { registerFetchXmlRun, type EntitySetResolver } from './fetchXmlRun';
import { loadPagesAfter, nextLinkOf, nextPageRequest, rowsOf } from './http/paging';
import { prepareRequest } from './http/prepare';
import { productionQuestion } from './productionConfirmation';
import { redactUrl } from './redaction';
import { ResultsPanel, type ResultsActions } from './panel/resultsPanel';
import { sendingSystemVariables } from './systemVariables';
import type { BearerTokenSource, PreparedRequest, RunnerEnvironment, SendOutcome } from './types';

export interface RunnerDependencies {
  output: vscode.LogOutputChannel;
  token: BearerTokenSource;
  /** The entity set of an entity's logical name, from the language server's metadata (to run `.fetchxml` files). */
  entitySetFor?: EntitySetResolver;
  /** Looks at every response (schema staleness); a note it returns is shown in the results panel. */
  afterResponse?: (request: PreparedRequest, outcome: SendOutcome) => Promise<string | undefined>;
}

/** What the send commands return (for tests and other commands): never a token, never the whole body. */
export interface SendSummary {
  title: string;
  environment?: string;
  status?: number;
  failure?: string;
  message?: string;
  rows?: number;
  nextLink?: boolean;
  cancelled?: boolean;
  /** FetchXML: 'GET', or 'POST' when the query went inside a `$batch` (its URL was too long for a GET). */
  sentAs?: string;
  /** A write that may or may not have happened (503, reset after sending, timeout): the panel offers "Send again". */
  maybeApplied?: boolean;
}

interface RequestTarget {
  uri?: string;
  index?: number;
  /** Send to this environment instead of the file's. */
  environment?: string;
}

function configuredEnvironments(): EnvironmentEntry[] {
  return environmentSettings().map((env) => ({ name: env.name, flavor: env.flavor, url: env.url, production: env.production }));
}

/** The configured environments the runner can send to (those with a usable URL). */
export function runnerEnvironments(): RunnerEnvironment[] {
  return configuredEnvironments().flatMap((entry) => {
    const choice = toRunnerEnvironment(entry);
    return choice.ok ? [choice.environment] : [];
  });
}

function defaultEnvironmentName(): string | undefined {
  return defaultEnvironment();
}

class RunnerCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const file = parseRequestFile(document.getText());
    const lenses: vscode.CodeLens[] = [];
    const uri = document.uri.toString();
    file.requests.forEach((request, index) => {
      if (!request.url.trim()) return;
      const range = new vscode.Range(document.positionAt(request.span.start), document.positionAt(request.span.start));
      // A `fetchXml=` request runs as FetchXML: pages with the paging cookie, inside $batch when its URL is too long.
      const title = /[?&]fetchXml=/i.test(request.url) ? '$(play) Run FetchXML' : '$(play) Send request';
      lenses.push(
        new vscode.CodeLens(range, { title, command: 'dynamicsOData.sendRequest', arguments: [{ uri, index }] }),
        new vscode.CodeLens(range, { title: 'Send to…', command: 'dynamicsOData.sendRequestTo', arguments: [{ uri, index }] }),
      );
      if (index === 0 && file.requests.length > 1) {
        lenses.push(new vscode.CodeLens(range, { title: `Send all (${file.requests.length})`, command: 'dynamicsOData.sendAll', arguments: [{ uri }] }));
      }
    });
    return lenses;
  }
}

export function registerRunner(context: vscode.ExtensionContext, deps: RunnerDependencies): void {
  const history = new RequestHistory(context.workspaceState);
  /** Scripted answers to the production confirmations: only under the test harness (ExtensionMode.Test). */
  let scriptedConfirmations: { answers: boolean[]; asked: string[] } | undefined;
  const confirm = async (message: string, detail: string, action: string): Promise<boolean> => {
    if (scriptedConfirmations) {
      scriptedConfirmations.asked.push(`${message}\n${detail}`);
      return scriptedConfirmations.answers.shift() ?? false;
    }
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  };
  const historyView = new HistoryTreeProvider(history);
  const codeLenses = new RunnerCodeLensProvider();
  let sequence = 0;

  const sendOptions = (signal: AbortSignal, progress?: vscode.Progress<{ message?: string }>): SendOptions => ({
    token: deps.token,
    signal,
    maxBodyBytes: runnerSettings().maxBodyBytes,
    timeoutMs: runnerSettings().timeoutMs,
    onProgress: progress ? (received) => progress.report({ message: `${(received / 1024).toFixed(0)} KB received` }) : undefined,
  });

  /** Production writes ask first (a single send, Send all, Send again from the panel or the History, a $batch); true to go on. */
  const confirmWrite = async (request: PreparedRequest, options: { again?: boolean } = {}): Promise<boolean> => {
    const question = productionQuestion(request, options);
    return question ? confirm(question.message, question.detail, options.again ? 'Send again' : 'Send') : true;
  };

  /** FetchXML pages with its paging cookie (http/fetchXmlPaging.ts), not with `@odata.nextLink`. */
  const fetchXmlActions = (request: PreparedRequest): ResultsActions => ({
    nextPage: (nextLink, signal) => fetchXmlNextPage(request, nextLink, sendOptions(signal)),
    loadAll: async (nextLink, loaded, maxRows, signal, onProgress) => {
      // Paging links only, from where the panel is: the first request is not sent again.
      const all = await loadFetchXmlPagesAfter(request, nextLink, { ...sendOptions(signal), maxRows, loaded, onPage: (rows, total) => onProgress(rows, total) });
      const failure = all.failure && (all.failure.ok ? `${all.failure.status} ${all.failure.statusText}` : all.failure.message);
      return { nextLink: all.nextLink, failure, stoppedBecause: all.stoppedBecause };
    },
    curl: () => toCurl(sendableFetchXmlRequest(request)),
  });

  const resultsActions = (request: PreparedRequest): ResultsActions => isFetchXmlRequest(request) ? fetchXmlActions(request) : ({
    nextPage: async (nextLink, signal) => {
      const next = nextPageRequest(request, nextLink);
      if (!next.ok) return { failure: next.failure.message };
      const outcome = await sendRequest(next.request, sendOptions(signal));
      if (!outcome.ok) return { failure: outcome.message };
      if (outcome.status >= 400) return { failure: outcome.error?.message ?? `${outcome.status} ${outcome.statusText}` };
      return { rows: rowsOf(outcome) ?? [], nextLink: nextLinkOf(outcome) };
    },
    loadAll: async (nextLink, loaded, maxRows, signal, onProgress) => {
      // Next links only, from where the panel is: the request itself (perhaps a write) is never sent again.
      const all = await loadPagesAfter(request, nextLink, { ...sendOptions(signal), maxRows, loaded, onPage: (rows, total) => onProgress(rows, total) });
      const failure = all.failure && (all.failure.ok ? `${all.failure.status} ${all.failure.statusText}` : all.failure.message);
      return { nextLink: all.nextLink, failure, stoppedBecause: all.stoppedBecause };
    },
    curl: () => toCurl(request),
    url: () => request.url,
    // Only ever the user's click ("Send again" after a write that may or may not have happened), with the confirmations.
    sendAgain: () => void run(request, { again: true }),
  });

  const run = async (given: PreparedRequest, options: { again?: boolean; confirmed?: boolean } = {}): Promise<SendSummary> => {
    const fetchXml = isFetchXmlRequest(given);
    const request = fetchXml ? withFetchXmlPrefer(given) : given;
    const summary: SendSummary = { title: request.title, environment: request.environment.name };
    const tooLong = fetchXml ? fetchXmlTooLong(request.url) : undefined;
    if (tooLong) {
      void vscode.window.showErrorMessage(tooLong);
      return { ...summary, failure: 'invalidRequest', message: tooLong };
    }
    let sent = request;
    const batchProblem = checkBatchLimits(request);
    if (batchProblem) {
      void vscode.window.showErrorMessage(batchProblem);
      return { ...summary, failure: 'invalidRequest', message: batchProblem };
    }
    if (!options.confirmed && !(await confirmWrite(request, options))) return { ...summary, cancelled: true, message: 'Not sent: the production write was not confirmed.' };
    const outcome: SendOutcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${request.method} ${request.title}`, cancellable: true },
      (progress, cancellation) => {
        const controller = new AbortController();
        cancellation.onCancellationRequested(() => controller.abort());
        if (!fetchXml) return sendRequest(request, sendOptions(controller.signal, progress));
        return sendFetchXml(request, sendOptions(controller.signal, progress)).then((answer) => {
          sent = answer.sent;
          return answer.outcome;
        });
      },
    );
    sequence += 1;
    await history.add(historyEntry(request, outcome, new Date(), `${Date.now()}-${sequence}`));
    historyView.refresh();
    if (!outcome.ok) {
      deps.output.warn(`${request.method} ${redactUrl(request.url)}: ${outcome.kind}: ${outcome.message}`);
      if (outcome.kind === 'signIn') {
        void vscode.window.showErrorMessage(outcome.message, 'Sign in again').then((choice) => {
          if (choice) void vscode.commands.executeCommand('dynamicsOData.signIn', request.environment.name);
        });
      } else if (outcome.kind !== 'cancelled') {
        void vscode.window.showErrorMessage(outcome.message);
      }
    } else {
      deps.output.info(`${request.method} ${redactUrl(request.url)}: ${outcome.status} in ${Math.round(outcome.elapsedMs)} ms`);
    }
    const pagingLink = fetchXml && outcome.ok ? fetchXmlNextLink(request.url, outcome) : undefined;
    const note = await deps.afterResponse?.(request, outcome);
    if (note && outcome.ok) outcome.notes.push(note);
    if (outcome.ok || outcome.kind !== 'cancelled') {
      const batchParts = outcome.ok && !fetchXml ? parseBatchResponse(outcome) : undefined;
      ResultsPanel.show(context, { request: sent, outcome, batchParts, pagingLink }, resultsActions(request), {
        reuse: runnerSettings().reusePanel,
      });
    }
    if (!outcome.ok) return { ...summary, failure: outcome.kind, message: outcome.message, cancelled: outcome.kind === 'cancelled', maybeApplied: outcome.maybeApplied === true };
    const hasNext = fetchXml ? pagingLink !== undefined : nextLinkOf(outcome) !== undefined;
    return {
      ...summary,
      maybeApplied: outcome.maybeApplied === true,
      status: outcome.status,
      rows: rowsOf(outcome)?.length,
      nextLink: hasNext,
      message: outcome.error?.message,
      ...(fetchXml ? { sentAs: sent.method } : {}),
    };
  };

  const documentFor = async (target: RequestTarget | undefined): Promise<vscode.TextDocument | undefined> => {
    if (target?.uri) return vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri));
    return vscode.window.activeTextEditor?.document;
  };

  /** The request index under the cursor of the active editor. */
  const indexAtCursor = (document: vscode.TextDocument): number | undefined => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document !== document) return undefined;
    const offset = document.offsetAt(editor.selection.active);
    const requests = parseRequestFile(document.getText()).requests;
    const index = requests.findIndex((request) => request.span.start <= offset && offset <= request.span.end);
    return index >= 0 ? index : undefined;
  };

  const environmentFor = (document: vscode.TextDocument, override: string | undefined): { ok: true; environment: RunnerEnvironment } | { ok: false; message: string } => {
    const fileEnvironment = override ?? parseRequestFile(document.getText()).environment?.name;
    return chooseEnvironment(fileEnvironment, configuredEnvironments(), defaultEnvironmentName(), SAMPLE_ENVIRONMENT_NAME);
  };

  const sendOne = async (target: RequestTarget | undefined, options: { confirmed?: boolean } = {}): Promise<SendSummary | undefined> => {
    const document = await documentFor(target);
    if (!document) {
      void vscode.window.showWarningMessage('Open an .odata file and put the cursor in a request to send it.');
      return undefined;
    }
    const index = target?.index ?? indexAtCursor(document);
    if (index === undefined) {
      void vscode.window.showWarningMessage('Put the cursor in a request (or on its ### line) to send it.');
      return undefined;
    }
    const choice = environmentFor(document, target?.environment);
    if (!choice.ok) {
      void vscode.window.showErrorMessage(choice.message);
      return { title: `request ${index + 1}`, failure: 'invalidRequest', message: choice.message };
    }
    const variables = environmentSettings().find((env) => env.name === choice.environment.name)?.variables;
    const prepared = prepareRequest(document.getText(), index, choice.environment, { systemVariables: sendingSystemVariables(), variables });
    if (!prepared.ok) {
      void vscode.window.showErrorMessage(prepared.failure.message);
      return { title: `request ${index + 1}`, environment: choice.environment.name, failure: prepared.failure.kind, message: prepared.failure.message };
    }
    return run(prepared.request, options);
  };

  const pickEnvironment = async (): Promise<string | undefined> => {
    const items = configuredEnvironments().map((env) => ({ label: env.name, description: env.url, detail: env.production ? 'production' : undefined }));
    if (items.length === 0) {
      void vscode.window.showErrorMessage('No environment is configured to send to: add one with "Dynamics OData: Add Environment…".');
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { title: 'Send to which environment?' }))?.label;
  };

  const entitySets = new Map<string, string>();
  registerFetchXmlRun(context, {
    run,
    entitySetFor: async (environment, logicalName) => {
      const key = `${environment.serviceRoot}\n${logicalName}`;
      const known = entitySets.get(key) ?? (await deps.entitySetFor?.(environment.name, logicalName)) ?? (await entitySetFromDefinitions(environment, logicalName, { token: deps.token, timeoutMs: 30_000 }));
      if (known) entitySets.set(key, known);
      return known;
    },
    environmentFor: (override) => chooseEnvironment(override, configuredEnvironments(), defaultEnvironmentName(), SAMPLE_ENVIRONMENT_NAME),
    pickEnvironment,
  });

  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider({ language: 'odata' }, codeLenses),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('dynamicsOData')) codeLenses.refresh();
    }),
    vscode.window.registerTreeDataProvider('dynamicsOData.history', historyView),
    vscode.commands.registerCommand('dynamicsOData.sendRequest', (target?: RequestTarget) => sendOne(target)),
    vscode.commands.registerCommand('dynamicsOData.sendRequestTo', async (target?: RequestTarget) => {
      const environment = target?.environment ?? (await pickEnvironment());
      return environment ? sendOne({ ...target, environment }) : undefined;
    }),
    vscode.commands.registerCommand('dynamicsOData.sendAll', async (target?: RequestTarget) => {
      const document = await documentFor(target);
      if (!document) return [];
      const count = parseRequestFile(document.getText()).requests.length;
      // One confirmation for the whole run when it writes to production (each write, $batch writes included, counted).
      const choice = environmentFor(document, target?.environment);
      let confirmed = false;
      if (choice.ok && choice.environment.production) {
        const variables = environmentSettings().find((env) => env.name === choice.environment.name)?.variables;
        const questions = Array.from({ length: count }, (_, index) => prepareRequest(document.getText(), index, choice.environment, { systemVariables: sendingSystemVariables(), variables }))
          .flatMap((prepared) => (prepared.ok ? [productionQuestion(prepared.request)] : []))
          .filter((question) => question !== undefined);
        if (questions.length > 0) {
          const listed = questions.map((question) => question.message.replace(/^"[^"]*" is a production environment\. Send /, '').replace(/\?$/, ''));
          const go = await confirm(
            `"${choice.environment.name}" is a production environment. Send all ${count} requests? ${questions.length} of them change data.`,
            `Writes: ${listed.join('; ')}.`,
            'Send all',
          );
          if (!go) return [{ title: `Send all (${count})`, environment: choice.environment.name, cancelled: true, message: 'Not sent: the production writes were not confirmed.' } satisfies SendSummary];
          confirmed = true;
        }
      }
      const summaries: SendSummary[] = [];
      for (let index = 0; index < count; index += 1) {
        const summary = await sendOne({ uri: document.uri.toString(), index, environment: target?.environment }, { confirmed });
        if (summary) summaries.push(summary);
        if (summary?.cancelled) break;
      }
      return summaries;
    }),
    vscode.commands.registerCommand('dynamicsOData.history.rerun', async (item?: HistoryItem | string) => {
      const entry = typeof item === 'string' ? history.entries().find((e) => e.id === item) : item?.entry;
      if (!entry) return undefined;
      const again = requestFromEntry(entry);
      if (!again.ok) {
        void vscode.window.showErrorMessage(again.message);
        return undefined;
      }
      // The environment as configured now: its URL may have changed, and the token only goes to its host.
      const current = configuredEnvironments().find((env) => env.name === entry.environment.name);
      const environment = current ? toRunnerEnvironment(current) : undefined;
      if (!environment?.ok || new URL(environment.environment.serviceRoot).origin !== new URL(entry.url).origin) {
        const message = `Environment "${entry.environment.name}" is no longer configured for ${new URL(entry.url).origin}: send the request from its .odata file.`;
        void vscode.window.showErrorMessage(message);
        return { title: entry.title, failure: 'otherHost', message } satisfies SendSummary;
      }
      return run({ ...again.request, environment: environment.environment }, { again: true });
    }),
    vscode.commands.registerCommand('dynamicsOData.history.open', async (item?: HistoryItem) => {
      if (!item) return;
      const document = await vscode.workspace.openTextDocument({ language: 'odata', content: entryAsOdataText(item.entry) });
      await vscode.window.showTextDocument(document, { preview: true });
    }),
    vscode.commands.registerCommand('dynamicsOData.history.openResponse', async (item?: HistoryItem) => {
      if (!item?.entry.responseText) return;
      const document = await vscode.workspace.openTextDocument({ language: 'json', content: prettyJson(item.entry.responseText) });
      await vscode.window.showTextDocument(document, { preview: true });
    }),
    vscode.commands.registerCommand('dynamicsOData.history.remove', async (item?: HistoryItem) => {
      if (!item) return;
      await history.remove(item.entry.id);
      historyView.refresh();
    }),
    vscode.commands.registerCommand('dynamicsOData.history.clear', async () => {
      await history.clear();
      historyView.refresh();
    }),
  );
  // Commands for the end-to-end tests only, never in the shipped extension's surface (issue 12, item 12).
  if (context.extensionMode === vscode.ExtensionMode.Test) {
    context.subscriptions.push(
      vscode.commands.registerCommand('dynamicsOData.history.entries', () =>
        history.entries().map(({ id, title, method, url, status, failure, environment, headers, body, responseText, redacted }) => ({
          id, title, method, url, status, failure, environment: environment.name, headers, body, responseText, redacted,
        })),
      ),
      vscode.commands.registerCommand('dynamicsOData.runner.scriptConfirmations', (answers: unknown) => {
        const asked = scriptedConfirmations?.asked ?? [];
        scriptedConfirmations = Array.isArray(answers) ? { answers: answers.map((answer) => answer === true), asked: [] } : undefined;
        return asked;
      }),
    );
  }
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

class HistoryItem extends vscode.TreeItem {
  constructor(readonly entry: HistoryEntry) {
    super(entry.title, vscode.TreeItemCollapsibleState.None);
    const outcome = entry.status !== undefined ? String(entry.status) : entry.failure ?? '';
    this.description = `${outcome} · ${entry.environment.name} · ${new Date(entry.at).toLocaleString()}`;
    this.tooltip = `${entry.method} ${entry.url}\n${outcome} in ${entry.elapsedMs} ms`;
    this.iconPath = new vscode.ThemeIcon(
      entry.failure || (entry.status ?? 0) >= 400 ? 'error' : 'pass',
      new vscode.ThemeColor(entry.failure || (entry.status ?? 0) >= 400 ? 'testing.iconFailed' : 'testing.iconPassed'),
    );
    this.contextValue = entry.responseText ? 'historyEntry.withResponse' : 'historyEntry';
    this.command = { command: 'dynamicsOData.history.open', title: 'Open request', arguments: [this] };
  }
}

class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly history: RequestHistory) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: HistoryItem): vscode.TreeItem {
    return item;
  }

  getChildren(): HistoryItem[] {
    return this.history.entries().map((entry) => new HistoryItem(entry));
  }
}
