/**
 * The state behind one results panel, without VS Code: the view, every loaded row, the nextLink, paging through
 * the caller's actions (one operation at a time, cancellable) and the messages that keep the page in step.
 * resultsPanel.ts wires it to a webview, the clipboard, dialogs and editors.
 */
import { redactJson } from '../redaction';
import { toCsv, toJson } from '../results/export';
import { tableFromRows } from '../results/table';
import { buildResultView, resolveNextLink, type ResultView } from '../results/viewModel';
import type { PreparedRequest, SendOutcome } from '../types';
import { isResultView, type HostToPage } from './messages';

/** What the panel asks of its caller; the caller sends the requests (tokens never reach the panel). */
export interface ResultsActions {
  /** The page after `nextLink` (absolute). */
  nextPage(nextLink: string, signal: AbortSignal): Promise<{ rows: unknown[]; nextLink?: string } | { failure: string }>;
  /**
   * The pages after `nextLink` (absolute), following next links only (never the original request again: it may be a
   * write), until `maxRows` rows in all (`loaded` are there already). `onProgress(pageRows, total)` after each page,
   * in order: `total` counts every row loaded so far, the ones loaded before included.
   */
  loadAll(
    nextLink: string,
    loaded: number,
    maxRows: number,
    signal: AbortSignal,
    onProgress: (rows: unknown[], total: number) => void,
  ): Promise<{ nextLink?: string; failure?: string; stoppedBecause: string }>;
  /** Sends the request again (the user's "Send again" after a write that may or may not have happened). */
  sendAgain?(): void;
  /** The request's URL as sent (the view shows it redacted): for "Copy URL". */
  url?(): string;
  /** The request as a curl command (without the token). */
  curl(): string;
}

export interface ResultsInput {
  request: PreparedRequest;
  outcome: SendOutcome;
  batchParts?: unknown[];
  /** The next page's link when the answer has no `@odata.nextLink` (FetchXML pages with its paging cookie). */
  pagingLink?: string;
}

/** What tests read from the visible panel (`dynamicsOData.results.snapshot`). */
export interface ResultsSnapshot {
  title: string;
  /** The status line: "200 OK · 123 ms · 4.5 KB". */
  status: string;
  httpStatus?: number;
  rowCount: number;
  columns: string[];
  hasNextLink: boolean;
  count?: number;
  busy: boolean;
  restored: boolean;
  error?: string;
  /** A write that may or may not have happened: the panel says so and offers "Send again". */
  maybeApplied: boolean;
}

/** The page's saved state as the serializer receives it (written by client/webview/main.ts). */
export interface SavedPageState {
  version: 1;
  view: ResultView;
  totalRows?: number;
}

export function isSavedPageState(value: unknown): value is SavedPageState {
  return value !== null && typeof value === 'object' && (value as SavedPageState).version === 1 && isResultView((value as SavedPageState).view);
}

/** How "Load all" ended, as the notice says it (http/paging.ts names these). */
const STOP_REASONS: Record<string, string> = { end: ': every page', cap: ': the row cap was reached, "Load next page" goes on' };

const RESTORED_NOTE = 'Send the request again to page, load all or copy as curl (the panel was restored after a reload).';

export class ResultsSession {
  private current!: ResultView;
  private loaded: unknown[] = [];
  private link: string | undefined;
  private pageCount = 1;
  private outcome: SendOutcome | undefined;
  private actions: ResultsActions | undefined;
  private operation: AbortController | undefined;
  private busyText: string | undefined;
  private pageReady = false;
  private closed = false;

  /** `post` sends to the page; the session only calls it while the page is ready. */
  constructor(private readonly post: (message: HostToPage) => void) {}

  /** A new result (a send, or a send again into a reused panel): any running operation is cancelled. */
  load(input: ResultsInput, actions: ResultsActions): void {
    this.operation?.abort();
    this.operation = undefined;
    this.busyText = undefined;
    this.outcome = input.outcome;
    this.actions = actions;
    this.current = buildResultView(input.request, input.outcome, input.batchParts);
    this.loaded = this.current.rows ? [...this.current.rows] : [];
    this.link = this.current.nextLink ?? input.pagingLink;
    this.pageCount = 1;
    this.send({ type: 'show', view: this.fullView() });
  }

  /** The view the page saved, after a reload of VS Code: rows as saved, paging off. False when the state is not one. */
  restore(state: unknown): boolean {
    if (!isSavedPageState(state)) return false;
    const view: ResultView = { ...state.view, restored: true, notes: [...state.view.notes] };
    delete view.nextLink;
    this.loaded = state.view.rows ? [...state.view.rows] : [];
    const total = state.totalRows ?? this.loaded.length;
    if (total > this.loaded.length) view.notes.push(`Restored ${this.loaded.length} of the ${total} rows loaded before the reload.`);
    this.current = view;
    this.outcome = undefined;
    this.actions = undefined;
    this.link = undefined;
    return true;
  }

  get view(): ResultView {
    return this.current;
  }

  /** A result was loaded or restored. */
  get hasView(): boolean {
    return this.current !== undefined;
  }

  get rows(): readonly unknown[] {
    return this.loaded;
  }

  get nextLink(): string | undefined {
    return this.link;
  }

  get pages(): number {
    return this.pageCount;
  }

  get busy(): boolean {
    return this.operation !== undefined;
  }

  /** The page (re)loaded and asked for the view: everything loaded so far, and whether an operation runs. */
  pageIsReady(): void {
    this.pageReady = true;
    this.send({ type: 'show', view: this.fullView() });
    if (this.busyText) this.send({ type: 'busy', what: this.busyText });
  }

  /** The page went away (hidden without retained context): messages wait for the next `ready`. */
  pageIsGone(): void {
    this.pageReady = false;
  }

  /** The panel closed: cancel what runs, send nothing more. */
  close(): void {
    this.closed = true;
    this.operation?.abort();
  }

  cancel(): void {
    this.operation?.abort();
  }

  notice(text: string, level: 'info' | 'error' = 'info'): void {
    this.send({ type: 'notice', text, level });
  }

  /** The curl command, or undefined after a restore (with a notice). */
  curl(): string | undefined {
    if (!this.actions) {
      this.notice(RESTORED_NOTE);
      return undefined;
    }
    return this.actions.curl();
  }

  /** The view with every loaded row and the current nextLink. */
  fullView(): ResultView {
    const view: ResultView = { ...this.current };
    if (view.rows) view.rows = [...this.loaded];
    if (this.link) view.nextLink = this.link;
    else delete view.nextLink;
    return view;
  }

  private send(message: HostToPage): void {
    if (this.pageReady && !this.closed) this.post(message);
  }

  /** Runs one paging operation at a time, with busy/idle around it; errors become notices. */
  private async run(what: string, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
    if (this.operation) {
      this.notice('Still loading: wait, or cancel first.');
      return;
    }
    const controller = new AbortController();
    this.operation = controller;
    this.busyText = what;
    this.send({ type: 'busy', what });
    try {
      await work(controller.signal);
      if (controller.signal.aborted && !this.closed) this.notice(`Cancelled: ${this.loaded.length} rows loaded.`);
    } catch (error) {
      if (controller.signal.aborted) this.notice(`Cancelled: ${this.loaded.length} rows loaded.`);
      else this.notice(`Could not load more rows: ${error instanceof Error ? error.message : String(error)}. Try again, or send the request again.`, 'error');
    } finally {
      if (this.operation === controller) {
        this.operation = undefined;
        this.busyText = undefined;
        this.send({ type: 'idle', nextLink: this.link ?? null });
      }
    }
  }

  /** Loads the page after the current nextLink. */
  async loadNextPage(): Promise<void> {
    const actions = this.actions;
    const link = this.link;
    if (!actions || !link) {
      this.notice(actions ? 'There is no next page.' : RESTORED_NOTE);
      return;
    }
    await this.run('Loading the next page…', async (signal) => {
      const result = await actions.nextPage(link, signal);
      if (this.closed || signal.aborted || this.actions !== actions) return;
      if ('failure' in result) {
        this.notice(`The next page could not be loaded: ${result.failure}`, 'error');
        return;
      }
      const rows = redactJson(result.rows);
      this.loaded.push(...rows);
      this.pageCount += 1;
      this.link = resolveNextLink(result.nextLink, link);
      this.send({ type: 'appendRows', rows, nextLink: this.link ?? null });
    });
  }

  /** Loads every page after the current one, up to maxRows rows in all, following next links only. */
  async loadAll(maxRows: number): Promise<void> {
    const actions = this.actions;
    const link = this.link;
    if (!actions) {
      this.notice(RESTORED_NOTE);
      return;
    }
    if (!link) {
      this.notice(`Every page is loaded (${this.loaded.length} rows).`);
      return;
    }
    await this.run(`Loading all pages (up to ${maxRows} rows)…`, async (signal) => {
      let pages = this.pageCount;
      const result = await actions.loadAll(link, this.loaded.length, maxRows, signal, (received, total) => {
        if (this.closed || signal.aborted || this.actions !== actions) return;
        const pageRows = redactJson(received);
        const from = Math.max(0, Math.min(this.loaded.length, total - pageRows.length));
        if (from < this.loaded.length) this.loaded = this.loaded.slice(0, from);
        this.loaded.push(...pageRows);
        pages += 1;
        this.send({ type: 'appendRows', rows: pageRows, from });
        this.send({ type: 'progress', rows: this.loaded.length, pages, maxRows });
      });
      if (this.closed || this.actions !== actions) return;
      this.pageCount = pages;
      this.link = resolveNextLink(result.nextLink, link);
      if (result.failure) this.notice(`Loading stopped after ${this.loaded.length} rows: ${result.failure}`, 'error');
      else if (!signal.aborted) this.notice(`Loaded ${this.loaded.length} rows in ${pages} page${pages === 1 ? '' : 's'}${STOP_REASONS[result.stoppedBecause] ?? ` (${result.stoppedBecause})`}.`);
    });
  }

  /** "Send again" (offered after a write that may or may not have happened): the caller sends, with its confirmations. */
  sendAgain(): void {
    if (!this.actions?.sendAgain) {
      this.notice(this.actions ? 'This result cannot be sent again from here: send it from its .odata file.' : RESTORED_NOTE);
      return;
    }
    this.actions.sendAgain();
  }

  /** The URL to copy: the request's own (the view's is redacted). */
  requestUrl(): string {
    return this.actions?.url?.() ?? this.current.request.url;
  }

  /** What "Raw JSON" opens: the first response as received (pretty JSON when it parsed), or the saved rows after a restore. */
  rawDocument(): { content: string; language: 'json' | 'plaintext' } | undefined {
    const outcome = this.outcome;
    if (!outcome) return { content: toJson(this.loaded), language: 'json' };
    if (!outcome.ok) {
      this.notice('There is no body: the request failed before the service answered.');
      return undefined;
    }
    if (this.pageCount > 1) this.notice(`Raw JSON shows the first page as received; Export JSON writes all ${this.loaded.length} loaded rows.`);
    if (outcome.json !== undefined) return { content: `${JSON.stringify(outcome.json, null, 2)}\n`, language: 'json' };
    return { content: outcome.bodyText, language: 'plaintext' };
  }

  /** The export's text for every loaded row (secret-named members already redacted; CSV formulas neutralised unless turned off). */
  exportText(format: 'csv' | 'json', options: { neutralizeFormulas?: boolean } = {}): string {
    return format === 'csv' ? toCsv(tableFromRows(this.loaded), options) : toJson(this.loaded);
  }

  snapshot(): ResultsSnapshot {
    const snapshot: ResultsSnapshot = {
      title: this.current.title,
      status: this.current.statusLine,
      rowCount: this.loaded.length,
      columns: tableFromRows(this.loaded).columns.map((column) => column.name),
      hasNextLink: this.link !== undefined,
      busy: this.busy,
      restored: this.current.restored === true,
      maybeApplied: this.current.maybeApplied === true,
    };
    if (this.current.status !== undefined) snapshot.httpStatus = this.current.status;
    if (this.current.count !== undefined) snapshot.count = this.current.count;
    if (this.current.error) snapshot.error = this.current.error.message;
    return snapshot;
  }
}
