/**
 * The results page (runs in the webview): builds the panel from the host's messages with DOM calls only,
 * sends the user's actions back as typed messages, and keeps its view in the webview state so it survives
 * hide/show and, through the host's serializer, a reload of VS Code.
 */
import { parseHostMessage, type HostToPage, type PageToHost } from '../src/features/runner/panel/messages';
import { tableFromRows, cellAt } from '../src/features/runner/results/table';
import type { PartView, ResultView } from '../src/features/runner/results/viewModel';
import { MAYBE_APPLIED_NOTE } from '../src/features/runner/types';
import { button, clip, el, externalLink } from './dom';
import { Grid, type GridUiState } from './grid';

interface VsCodeApi {
  postMessage(message: PageToHost): void;
  getState(): unknown;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Tab = 'results' | 'request' | 'error' | 'text' | 'batch';

/** What the page keeps across hide/show and reloads (rows capped: see capRows). */
export interface PageState {
  version: 1;
  view: ResultView;
  /** Rows loaded in all (the saved view may hold fewer). */
  totalRows: number;
  ui: { tab: Tab; maxRows: number; grid?: GridUiState };
}

const STATE_MAX_ROWS = 1000;
const STATE_MAX_CHARS = 2_000_000;
const PART_MAX_ROWS = 200;
const PART_MAX_COLUMNS = 50;

const vscode = acquireVsCodeApi();

/** The state's copy of the rows: at most 1,000 rows and about 2 MB of JSON. */
function capRows(rows: readonly unknown[]): unknown[] {
  let kept = rows.slice(0, STATE_MAX_ROWS);
  while (kept.length > 1 && JSON.stringify(kept).length > STATE_MAX_CHARS) kept = kept.slice(0, Math.floor(kept.length / 2));
  return kept;
}

class ResultsPage {
  private view: ResultView | undefined;
  private tab: Tab = 'results';
  private maxRows = 5000;
  private nextLink: string | undefined;
  private busy: string | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private rowsDirty = true;
  private savedRows: unknown[] = [];

  private readonly grid = new Grid({ onChange: () => this.onGridChange(), onScroll: () => this.save() });
  private readonly status = el('div', { className: 'status', attributes: { role: 'status' } });
  private readonly notices = el('div', { className: 'notices', attributes: { 'aria-live': 'polite' } });
  private readonly tabs = el('div', { className: 'tabs', attributes: { role: 'tablist' } });
  private readonly sections = new Map<Tab, HTMLElement>();
  private readonly filterInput = el('input', { className: 'filter', attributes: { type: 'search', placeholder: 'Filter loaded rows', 'aria-label': 'Filter loaded rows' } });
  private readonly shownCount = el('span', { className: 'shown' });
  private readonly progress = el('progress', { className: 'progress', attributes: { max: '1', 'aria-label': 'Rows loaded' } });
  private readonly maxRowsInput = el('input', { className: 'max-rows', attributes: { type: 'number', min: '1', max: '1000000', step: '1000', 'aria-label': 'Row cap for Load all', title: 'Row cap for Load all' } });
  private readonly buttons = {
    next: button('Load next page', () => this.send({ type: 'loadNextPage' })),
    all: button('Load all', () => this.loadAll()),
    cancel: button('Cancel', () => this.send({ type: 'cancel' }), { className: 'secondary' }),
    raw: button('Raw JSON', () => this.send({ type: 'openRaw' }), { className: 'secondary' }),
    csv: button('Export CSV', () => this.send({ type: 'export', format: 'csv' }), { className: 'secondary' }),
    json: button('Export JSON', () => this.send({ type: 'export', format: 'json' }), { className: 'secondary' }),
    url: button('Copy URL', () => this.send({ type: 'copyUrl' }), { className: 'secondary' }),
    curl: button('Copy as curl', () => this.send({ type: 'copyCurl' }), { className: 'secondary' }),
    again: button('Send again', () => this.send({ type: 'sendAgain' }), { attributes: { title: 'Send this write once more (only if it did not happen)' } }),
  };

  constructor(private readonly root: HTMLElement) {}

  start(): void {
    this.filterInput.addEventListener('input', () => this.onFilterInput());
    this.maxRowsInput.addEventListener('change', () => {
      const value = Number(this.maxRowsInput.value);
      if (Number.isInteger(value) && value >= 1 && value <= 1_000_000) this.maxRows = value;
      this.maxRowsInput.value = String(this.maxRows);
      this.save();
    });
    const b = this.buttons;
    const toolbar = el(
      'div',
      { className: 'toolbar', attributes: { role: 'toolbar', 'aria-label': 'Result actions' } },
      b.again, b.next, b.all, this.maxRowsInput, this.progress, b.cancel,
      el('span', { className: 'separator' }),
      b.raw, b.csv, b.json, b.url, b.curl,
    );
    const resultsSection = el('section', { className: 'section results', attributes: { role: 'tabpanel' } }, el('div', { className: 'filter-bar' }, this.filterInput, this.shownCount), this.grid.element);
    this.sections.set('results', resultsSection);
    for (const tab of ['request', 'error', 'text', 'batch'] as const) {
      const section = el('section', { className: `section ${tab}`, attributes: { role: 'tabpanel' } });
      section.hidden = true;
      this.sections.set(tab, section);
    }
    this.root.replaceChildren(el('header', { className: 'top' }, this.status, toolbar), this.notices, this.tabs, ...this.sections.values());
    this.root.setAttribute('aria-busy', 'false');
    this.grid.mount();
    window.addEventListener('message', (event: MessageEvent) => {
      const message = parseHostMessage(event.data);
      if (message) this.onMessage(message);
    });
    const saved = vscode.getState() as PageState | undefined;
    if (saved && saved.version === 1 && saved.view) {
      this.maxRows = saved.ui.maxRows;
      this.show(saved.view, saved.ui);
    } else this.updateControls();
    this.send({ type: 'ready' });
  }

  private send(message: PageToHost): void {
    vscode.postMessage(message);
  }

  private onMessage(message: HostToPage): void {
    switch (message.type) {
      case 'show': {
        // The same result again (the page was hidden and shown): keep the tab, sort, filter and scroll position.
        if (this.view) {
          this.show(message.view, this.view.id === message.view.id ? { tab: this.tab, maxRows: this.maxRows, grid: this.grid.uiState() } : undefined);
          break;
        }
        const saved = vscode.getState() as PageState | undefined;
        this.show(message.view, saved?.version === 1 && saved.view?.id === message.view.id ? saved.ui : undefined);
        break;
      }
      case 'appendRows':
        if (message.from !== undefined && message.from < this.grid.loadedRows.length) {
          this.grid.setRows([...this.grid.loadedRows.slice(0, message.from), ...message.rows], this.grid.uiState());
        } else this.grid.appendRows(message.rows);
        if (message.nextLink !== undefined) this.nextLink = message.nextLink ?? undefined;
        this.rowsDirty = true;
        this.updateControls();
        this.save();
        break;
      case 'progress':
        this.progress.max = Math.max(1, message.maxRows ?? this.maxRows);
        this.progress.value = Math.min(message.rows, this.progress.max);
        this.progress.title = `${message.rows} rows in ${message.pages} page${message.pages === 1 ? '' : 's'}`;
        break;
      case 'busy':
        this.busy = message.what;
        this.updateControls();
        break;
      case 'idle':
        this.busy = undefined;
        if (message.nextLink !== undefined) this.nextLink = message.nextLink ?? undefined;
        this.updateControls();
        this.save();
        break;
      case 'notice':
        this.notice(message.text, message.level ?? 'info');
        break;
    }
  }

  private show(view: ResultView, ui?: PageState['ui']): void {
    this.view = view;
    this.nextLink = view.restored ? undefined : view.nextLink;
    this.busy = undefined;
    this.notices.replaceChildren();
    if (view.restored) this.notice('Restored after a reload: paging is off. Send the request again to page, load all or copy as curl.', 'info');
    else if (view.maybeApplied) this.notice(MAYBE_APPLIED_NOTE, 'error');
    this.filterInput.value = ui?.grid?.filter ?? '';
    this.maxRowsInput.value = String(this.maxRows);
    this.grid.setRows(view.rows ?? [], ui?.grid);
    this.rowsDirty = true;
    this.renderRequest(view);
    this.renderError(view);
    this.renderText(view);
    this.renderBatch(view);
    const available = this.availableTabs(view);
    const wanted = ui?.tab && available.includes(ui.tab) ? ui.tab : view.error ? 'error' : view.rows ? 'results' : view.text ? 'text' : view.batchParts ? 'batch' : available[0];
    this.renderTabs(available, wanted);
    this.updateControls();
    this.save();
  }

  private availableTabs(view: ResultView): Tab[] {
    const tabs: Tab[] = [];
    if (view.rows) tabs.push('results');
    if (view.error || view.kind === 'failure') tabs.push('error');
    if (view.text) tabs.push('text');
    if (view.batchParts?.length) tabs.push('batch');
    tabs.push('request');
    return tabs;
  }

  private renderTabs(available: Tab[], selected: Tab): void {
    const labels: Record<Tab, string> = { results: 'Results', request: 'Request', error: 'Error', text: 'Response', batch: `Batch parts (${this.view?.batchParts?.length ?? 0})` };
    this.tab = selected;
    this.tabs.replaceChildren(
      ...available.map((tab) => {
        const tabButton = button(labels[tab], () => this.selectTab(tab), { className: 'tab', attributes: { role: 'tab', 'aria-selected': String(tab === selected) } });
        tabButton.dataset.tab = tab;
        return tabButton;
      }),
    );
    for (const [tab, section] of this.sections) section.hidden = tab !== selected;
  }

  private selectTab(tab: Tab): void {
    this.tab = tab;
    for (const tabButton of this.tabs.querySelectorAll<HTMLButtonElement>('button.tab')) tabButton.setAttribute('aria-selected', String(tabButton.dataset.tab === tab));
    for (const [name, section] of this.sections) section.hidden = name !== tab;
    this.save();
  }

  private renderRequest(view: ResultView): void {
    const section = this.sections.get('request')!;
    const headers = el('table', { className: 'headers' });
    for (const [name, value] of view.request.headers) headers.append(el('tr', {}, el('th', { text: name }), el('td', { text: value })));
    section.replaceChildren(
      el('p', { className: 'request-line' }, el('strong', { text: view.request.method }), document.createTextNode(' '), el('span', { className: 'url', text: view.request.url })),
      el('p', { className: 'dim', text: `Environment: ${view.request.environment}` }),
      el('h3', { text: 'Headers (credentials redacted)' }),
      headers,
      ...(view.request.body !== undefined ? [el('h3', { text: 'Body' }), el('pre', { className: 'body', text: view.request.body })] : []),
    );
  }

  private errorBlock(error: NonNullable<ResultView['error']>): HTMLElement {
    const block = el('div', { className: 'error-view' });
    block.append(el('p', { className: 'error-message', text: error.message }));
    if (error.code) block.append(el('p', {}, el('span', { className: 'dim', text: 'Code: ' }), el('code', { text: error.code })));
    if (error.innerMessage && error.innerMessage !== error.message) block.append(el('p', {}, el('span', { className: 'dim', text: 'Inner error: ' }), el('span', { text: error.innerMessage })));
    if (error.helpLink) block.append(el('p', {}, el('span', { className: 'dim', text: 'Help: ' }), externalLink(error.helpLink)));
    if (error.traceText) block.append(el('details', {}, el('summary', { text: 'Trace' }), el('pre', { className: 'trace', text: error.traceText })));
    return block;
  }

  private renderError(view: ResultView): void {
    const section = this.sections.get('error')!;
    if (view.error) section.replaceChildren(el('h3', { text: view.statusLine }), this.errorBlock(view.error));
    else if (view.kind === 'failure') section.replaceChildren(el('h3', { text: view.statusLine }), el('p', { className: 'error-message', text: view.notes[0] ?? 'The request failed.' }));
    else section.replaceChildren();
  }

  private renderText(view: ResultView): void {
    const section = this.sections.get('text')!;
    if (!view.text) {
      section.replaceChildren();
      return;
    }
    const lines: HTMLElement[] = [];
    if (view.text.contentType) lines.push(el('p', { className: 'dim', text: `Content-Type: ${view.text.contentType}` }));
    if (view.text.jsonError) lines.push(el('p', { className: 'warning', text: `Not valid JSON: ${view.text.jsonError}` }));
    if (view.text.truncated) lines.push(el('p', { className: 'warning', text: 'Only the start of the body is shown. Raw JSON opens what was received.' }));
    section.replaceChildren(...lines, el('pre', { className: 'body', text: view.text.text }));
  }

  private renderBatch(view: ResultView): void {
    const section = this.sections.get('batch')!;
    section.replaceChildren(...(view.batchParts ?? []).map((part) => this.partBlock(part)));
  }

  private partBlock(part: PartView): HTMLElement {
    const block = el('details', { className: `part ${part.success ? 'ok' : 'failed'}`, attributes: { open: '' } }, el('summary', {}, el('span', { className: 'part-status', text: part.statusLine }), document.createTextNode(' '), el('span', { text: part.label })));
    if (part.error) block.append(this.errorBlock(part.error));
    if (part.rows) block.append(this.smallTable(part.rows));
    if (part.text) block.append(el('pre', { className: 'body', text: part.text.text }));
    return block;
  }

  private smallTable(rows: readonly unknown[]): HTMLElement {
    const table = tableFromRows(rows.slice(0, PART_MAX_ROWS));
    const columns = table.columns.slice(0, PART_MAX_COLUMNS);
    const element = el('table', { className: 'small-table' });
    element.append(el('tr', {}, ...columns.map((column) => el('th', { text: column.name }))));
    table.rows.forEach((_, rowIndex) => {
      element.append(
        el('tr', {}, ...columns.map((column) => {
          const cell = cellAt(table, rowIndex, column.name);
          const text = cell.kind === 'scalar' ? cell.text : cell.kind === 'nested' ? cell.summary : cell.kind === 'null' ? 'null' : '';
          return el('td', { className: cell.kind, text: clip(text, 200) });
        })),
      );
    });
    const wrapper = el('div', { className: 'small-table-wrap' }, element);
    if (rows.length > PART_MAX_ROWS || table.columns.length > PART_MAX_COLUMNS) wrapper.append(el('p', { className: 'dim', text: `Showing ${Math.min(rows.length, PART_MAX_ROWS)} of ${rows.length} rows and ${columns.length} of ${table.columns.length} columns: Raw JSON has all.` }));
    return wrapper;
  }

  private loadAll(): void {
    const value = Number(this.maxRowsInput.value);
    if (Number.isInteger(value) && value >= 1 && value <= 1_000_000) this.maxRows = value;
    this.progress.max = this.maxRows;
    this.progress.value = 0;
    this.send({ type: 'loadAll', maxRows: this.maxRows });
  }

  private notice(text: string, level: 'info' | 'error'): void {
    const item = el('div', { className: `notice ${level}`, attributes: { role: level === 'error' ? 'alert' : 'status' } }, el('span', { text }));
    item.append(button('Dismiss', () => item.remove(), { className: 'dismiss', attributes: { 'aria-label': 'Dismiss' } }));
    this.notices.append(item);
    while (this.notices.childElementCount > 3) this.notices.firstElementChild?.remove();
  }

  private onFilterInput(): void {
    clearTimeout(this.filterTimer);
    this.filterTimer = setTimeout(() => this.grid.setFilter(this.filterInput.value), 150);
  }
  private filterTimer: ReturnType<typeof setTimeout> | undefined;

  private onGridChange(): void {
    const loaded = this.grid.loadedRows.length;
    this.shownCount.textContent = this.grid.shownRowCount === loaded ? rows(loaded) : `${this.grid.shownRowCount} of ${rows(loaded)}`;
    this.updateStatus();
    this.save();
  }

  private updateStatus(): void {
    const view = this.view;
    if (!view) {
      this.status.replaceChildren(el('span', { text: 'No result yet.' }));
      return;
    }
    const parts: HTMLElement[] = [el('span', { className: `status-code ${view.success ? 'ok' : 'failed'}`, text: view.statusLine })];
    if (view.count !== undefined) parts.push(el('span', { text: `count ${view.count}` }));
    if (view.rows) parts.push(el('span', { text: `${rows(this.grid.loadedRows.length)} loaded${this.nextLink ? ', more available' : ''}` }));
    if (this.busy) parts.push(el('span', { className: 'busy', text: this.busy }));
    const notes = view.restored ? [] : view.notes.filter((note) => view.kind !== 'failure' || note !== view.notes[0]);
    this.status.replaceChildren(el('span', { className: 'title', text: view.title }), ...parts, ...notes.map((note) => el('span', { className: 'note', text: note })));
  }

  private updateControls(): void {
    const view = this.view;
    const busy = this.busy !== undefined;
    const canPage = !!view && !view.restored && !!view.rows;
    const b = this.buttons;
    b.next.disabled = busy || !canPage || !this.nextLink;
    b.all.disabled = busy || !canPage || !this.nextLink;
    this.maxRowsInput.disabled = b.all.disabled;
    b.cancel.disabled = !busy;
    b.cancel.hidden = !busy;
    this.progress.hidden = !busy;
    b.raw.disabled = busy || !view;
    b.csv.disabled = busy || !view?.rows;
    b.json.disabled = busy || !view?.rows;
    b.url.disabled = !view;
    b.curl.disabled = !view || !!view.restored;
    b.again.hidden = !view?.maybeApplied || !!view.restored;
    b.again.disabled = busy || b.again.hidden;
    this.root.setAttribute('aria-busy', String(busy));
    this.updateStatus();
  }

  /** Saves the view (rows capped) and the UI state, at most every 300 ms. */
  private save(): void {
    if (!this.view || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      if (!this.view) return;
      if (this.rowsDirty) {
        this.savedRows = capRows(this.grid.loadedRows);
        this.rowsDirty = false;
      }
      const view: ResultView = { ...this.view, rows: this.view.rows ? this.savedRows : undefined };
      if (this.nextLink) view.nextLink = this.nextLink;
      else delete view.nextLink;
      vscode.setState({ version: 1, view, totalRows: this.grid.loadedRows.length, ui: { tab: this.tab, maxRows: this.maxRows, grid: this.grid.uiState() } });
    }, 300);
  }
}

new ResultsPage(document.getElementById('app') ?? document.body).start();

/** `1 row`, `2 rows`. */
function rows(count: number): string {
  return `${count} ${count === 1 ? 'row' : 'rows'}`;
}
