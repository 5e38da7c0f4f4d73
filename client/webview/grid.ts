/**
 * The results grid: virtualized in rows and columns with @tanstack/virtual-core, so only the cells in view
 * (plus a small overscan) are in the DOM, whatever the table's size. A sticky header with sort buttons, a
 * sticky row-number gutter, nested ($expand) cells that expand in place, and filtering over the loaded rows.
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import { addRows, cellAt, filterOrder, sortOrder, tableFromRows, type ResultCell, type ResultTable, type SortDirection } from '../src/features/runner/results/table';
import { clip, el } from './dom';

const ROW_HEIGHT = 24;
const HEADER_HEIGHT = 28;
const GUTTER_WIDTH = 56;
const LINE_HEIGHT = 16;
const MAX_EXPANDED_LINES = 16;
const CELL_TEXT_MAX = 400;
const TITLE_TEXT_MAX = 4000;
const NESTED_TEXT_MAX = 20_000;

export interface GridUiState {
  sort?: { column: string; direction: SortDirection };
  filter: string;
  scrollTop: number;
  scrollLeft: number;
}

export interface GridCallbacks {
  /** Rows, sort or filter changed (the shown row count may have). */
  onChange(): void;
  /** The grid scrolled (to save the position). */
  onScroll(): void;
}

export class Grid {
  readonly element: HTMLElement;
  private readonly sizer: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  /** Row numbers: one sticky column (one layer), not a sticky cell per row. */
  private readonly gutter: HTMLElement;
  private table: ResultTable = tableFromRows([]);
  private order: number[] = [];
  private widths: number[] = [];
  private sort: GridUiState['sort'];
  private filter = '';
  private readonly searchCache = new Map<number, string>();
  private readonly expanded = new Map<number, Map<string, number>>();
  private readonly rows: Virtualizer<HTMLElement, HTMLElement>;
  private readonly columns: Virtualizer<HTMLElement, HTMLElement>;
  private frame = 0;
  private readonly corner = el('div', { className: 'grid-corner', text: '#', attributes: { role: 'columnheader' } });
  private drawnHeaderKey = '';
  private readonly drawnRows = new Map<number, { element: HTMLElement; number: HTMLElement; cells: Map<number, HTMLElement> }>();
  private readonly unmount: Array<() => void> = [];

  constructor(private readonly callbacks: GridCallbacks) {
    this.header = el('div', { className: 'grid-header', attributes: { role: 'row' } });
    this.body = el('div', { className: 'grid-body', attributes: { role: 'rowgroup' } });
    this.gutter = el('div', { className: 'grid-gutter', attributes: { 'aria-hidden': 'true' } });
    this.sizer = el('div', { className: 'grid-sizer' }, this.header, this.gutter, this.body);
    this.element = el('div', { className: 'grid-scroll', attributes: { role: 'grid', tabindex: '0', 'aria-label': 'Result rows' } }, this.sizer);
    this.element.addEventListener('click', (event) => this.onClick(event));
    this.element.addEventListener('scroll', () => this.callbacks.onScroll(), { passive: true });
    const common = {
      getScrollElement: () => this.element,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      onChange: () => this.schedule(),
    };
    this.rows = new Virtualizer<HTMLElement, HTMLElement>({
      ...common,
      count: 0,
      estimateSize: (index) => this.rowHeight(this.order[index]),
      getItemKey: (index) => this.order[index] ?? index,
      paddingStart: HEADER_HEIGHT,
      overscan: 8,
    });
    this.columns = new Virtualizer<HTMLElement, HTMLElement>({
      ...common,
      count: 0,
      horizontal: true,
      estimateSize: (index) => this.widths[index] ?? 120,
      paddingStart: GUTTER_WIDTH,
      overscan: 2,
    });
  }

  /** Call once the element is in the document. */
  mount(): void {
    for (const virtualizer of [this.rows, this.columns]) {
      this.unmount.push(virtualizer._didMount());
      virtualizer._willUpdate();
    }
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    for (const cleanup of this.unmount.splice(0)) cleanup();
  }

  /** Shows new rows, keeping the given sort/filter/scroll (from the saved state of the same result). */
  setRows(rows: readonly unknown[], ui?: Partial<GridUiState>): void {
    this.table = tableFromRows(rows);
    this.searchCache.clear();
    this.expanded.clear();
    this.widths = this.table.columns.map((_, index) => this.estimateWidth(index));
    this.sort = ui?.sort && this.table.columns.some((column) => column.name === ui.sort?.column) ? ui.sort : undefined;
    this.filter = ui?.filter ?? '';
    this.refresh();
    if (ui?.scrollTop || ui?.scrollLeft) {
      this.element.scrollTop = ui.scrollTop ?? 0;
      this.element.scrollLeft = ui.scrollLeft ?? 0;
    }
  }

  /** Adds the next page's rows (new columns go to the right). */
  appendRows(rows: readonly unknown[]): void {
    const known = this.table.columns.length;
    addRows(this.table, rows);
    for (let index = known; index < this.table.columns.length; index += 1) this.widths.push(this.estimateWidth(index));
    this.refresh();
  }

  get loadedRows(): readonly unknown[] {
    return this.table.rows;
  }

  get shownRowCount(): number {
    return this.order.length;
  }

  get columnNames(): string[] {
    return this.table.columns.map((column) => column.name);
  }

  setFilter(text: string): void {
    if (text === this.filter) return;
    this.filter = text;
    this.refresh();
  }

  uiState(): GridUiState {
    const state: GridUiState = { filter: this.filter, scrollTop: this.element.scrollTop, scrollLeft: this.element.scrollLeft };
    if (this.sort) state.sort = this.sort;
    return state;
  }

  private refresh(): void {
    const sortIndex = this.sort ? this.table.columns.findIndex((column) => column.name === this.sort?.column) : -1;
    const sorted = sortIndex >= 0 && this.sort ? sortOrder(this.table, sortIndex, this.sort.direction) : undefined;
    this.order = filterOrder(this.table, this.filter, sorted, this.searchCache);
    this.element.setAttribute('aria-rowcount', String(this.order.length + 1));
    this.element.setAttribute('aria-colcount', String(this.table.columns.length + 1));
    this.rows.setOptions({ ...this.rows.options, count: this.order.length });
    this.columns.setOptions({ ...this.columns.options, count: this.table.columns.length });
    this.rows._willUpdate();
    this.columns._willUpdate();
    this.rows.measure();
    this.columns.measure();
    this.forgetDrawn();
    this.drawnHeaderKey = '';
    this.render();
    this.callbacks.onChange();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private rowHeight(rowIndex: number | undefined): number {
    if (rowIndex === undefined) return ROW_HEIGHT;
    const cells = this.expanded.get(rowIndex);
    if (!cells || cells.size === 0) return ROW_HEIGHT;
    return ROW_HEIGHT + Math.max(...cells.values()) * LINE_HEIGHT + 8;
  }

  private estimateWidth(columnIndex: number): number {
    const column = this.table.columns[columnIndex];
    let longest = column.name.length + 2;
    const sample = Math.min(this.table.rows.length, 40);
    for (let rowIndex = 0; rowIndex < sample; rowIndex += 1) {
      const cell = cellAt(this.table, rowIndex, columnIndex);
      const text = cell.kind === 'scalar' ? (cell.formatted !== undefined ? `${cell.text} ${cell.raw}` : cell.text) : cell.kind === 'nested' ? cell.summary : 'null';
      longest = Math.max(longest, text.length);
    }
    return Math.round(Math.min(360, Math.max(72, longest * 7.2 + 20)));
  }

  /** Drops every drawn row (after a sort, filter, new rows or an expanded cell). */
  private forgetDrawn(): void {
    this.drawnRows.clear();
    this.body.replaceChildren();
    this.gutter.replaceChildren();
  }

  /**
   * Draws the rows and columns in view. Rows and cells already in the DOM stay there (only their position is
   * updated), so a scroll adds just the cells that came into view and removes those that left.
   */
  private render(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const rowItems = this.rows.getVirtualItems();
    const columnItems = this.columns.getVirtualItems();
    this.sizer.style.height = `${this.rows.getTotalSize()}px`;
    this.sizer.style.width = `${this.columns.getTotalSize()}px`;
    this.gutter.style.height = `${Math.max(0, this.rows.getTotalSize() - HEADER_HEIGHT)}px`;

    const columnKey = columnItems.map((item) => `${item.index}:${item.start}:${item.size}`).join(',') + `|${this.sort?.column ?? ''}:${this.sort?.direction ?? ''}`;
    if (columnKey !== this.drawnHeaderKey) {
      this.drawnHeaderKey = columnKey;
      this.header.replaceChildren(this.corner, ...columnItems.map((item) => this.renderHeaderCell(item.index, item.start, item.size)));
    }

    const visible = new Set<number>();
    for (const rowItem of rowItems) {
      const rowIndex = this.order[rowItem.index];
      visible.add(rowIndex);
      let drawn = this.drawnRows.get(rowIndex);
      if (!drawn) {
        const element = el('div', { className: rowItem.index % 2 ? 'grid-row odd' : 'grid-row', attributes: { role: 'row', 'aria-rowindex': String(rowItem.index + 2), 'aria-label': `Row ${rowIndex + 1}` } });
        const number = el('div', { className: 'grid-rownum', text: String(rowIndex + 1) });
        drawn = { element, number, cells: new Map() };
        this.drawnRows.set(rowIndex, drawn);
        this.body.append(element);
        this.gutter.append(number);
      }
      drawn.element.style.top = `${rowItem.start}px`;
      drawn.element.style.height = `${rowItem.size}px`;
      drawn.number.style.top = `${rowItem.start - HEADER_HEIGHT}px`;
      drawn.number.style.height = `${rowItem.size}px`;
      const wanted = new Set<number>();
      for (const columnItem of columnItems) {
        wanted.add(columnItem.index);
        let cell = drawn.cells.get(columnItem.index);
        if (!cell) {
          cell = this.renderCell(rowIndex, columnItem.index);
          drawn.cells.set(columnItem.index, cell);
          drawn.element.append(cell);
        }
        cell.style.left = `${columnItem.start}px`;
        cell.style.width = `${columnItem.size}px`;
      }
      for (const [columnIndex, cell] of drawn.cells) {
        if (!wanted.has(columnIndex)) {
          cell.remove();
          drawn.cells.delete(columnIndex);
        }
      }
    }
    for (const [rowIndex, drawn] of this.drawnRows) {
      if (!visible.has(rowIndex)) {
        drawn.element.remove();
        drawn.number.remove();
        this.drawnRows.delete(rowIndex);
      }
    }
  }

  private renderHeaderCell(columnIndex: number, start: number, size: number): HTMLElement {
    const column = this.table.columns[columnIndex];
    const direction = this.sort?.column === column.name ? this.sort.direction : undefined;
    const label = `${column.name}${direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : ''}`;
    const headerCell = el('button', {
      className: 'grid-hcell',
      text: label,
      title: `${column.name}${column.hasFormatted ? ' (formatted values shown, raw value beside)' : ''}: sort`,
      attributes: { type: 'button', role: 'columnheader', 'aria-sort': direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none' },
    });
    headerCell.dataset.column = String(columnIndex);
    headerCell.style.left = `${start}px`;
    headerCell.style.width = `${size}px`;
    return headerCell;
  }

  private renderCell(rowIndex: number, columnIndex: number): HTMLElement {
    const column = this.table.columns[columnIndex];
    const cell: ResultCell = cellAt(this.table, rowIndex, columnIndex);
    const element = el('div', { attributes: { role: 'gridcell' } });
    switch (cell.kind) {
      case 'missing':
        element.className = 'grid-cell missing';
        break;
      case 'null':
        element.className = 'grid-cell null';
        if (cell.formatted !== undefined) element.append(el('span', { className: 'main', text: clip(cell.formatted, CELL_TEXT_MAX) }));
        element.append(el('span', { className: cell.formatted !== undefined ? 'raw' : 'main', text: 'null' }));
        element.title = `${column.name}: null`;
        break;
      case 'scalar': {
        element.className = `grid-cell ${cell.type}${cell.text === '' ? ' empty' : ''}`;
        element.append(el('span', { className: 'main', text: clip(cell.text, CELL_TEXT_MAX) }));
        const extra: string[] = [];
        if (cell.formatted !== undefined) extra.push(cell.raw);
        if (cell.lookup?.logicalName) extra.unshift(`→ ${cell.lookup.logicalName}`);
        if (extra.length) element.append(el('span', { className: 'raw', text: clip(extra.join(' '), CELL_TEXT_MAX) }));
        const lines = [cell.formatted !== undefined ? `${cell.formatted}\nraw: ${cell.raw}` : cell.raw];
        if (cell.lookup?.logicalName) lines.push(`lookup to ${cell.lookup.logicalName}`);
        if (cell.lookup?.navigationProperty) lines.push(`navigation property ${cell.lookup.navigationProperty}`);
        if (cell.text === '') lines[0] = '(empty string)';
        element.title = clip(lines.join('\n'), TITLE_TEXT_MAX);
        break;
      }
      case 'nested': {
        element.className = 'grid-cell nested';
        const open = this.expanded.get(rowIndex)?.has(column.name) ?? false;
        const toggle = el('button', { className: 'toggle', text: `${open ? '▾' : '▸'} ${cell.summary}`, attributes: { type: 'button', 'aria-expanded': String(open) } });
        toggle.dataset.row = String(rowIndex);
        toggle.dataset.column = String(columnIndex);
        element.append(toggle);
        if (open) {
          element.classList.add('open');
          element.append(el('pre', { className: 'json', text: clip(JSON.stringify(cell.value, null, 2), NESTED_TEXT_MAX) }));
        }
        break;
      }
    }
    return element;
  }

  private onClick(event: MouseEvent): void {
    const target = (event.target as HTMLElement | null)?.closest('button');
    if (!target || !this.element.contains(target)) return;
    const columnIndex = Number(target.dataset.column);
    if (!Number.isInteger(columnIndex)) return;
    if (target.classList.contains('grid-hcell')) this.toggleSort(columnIndex);
    else if (target.classList.contains('toggle')) this.toggleNested(Number(target.dataset.row), columnIndex);
  }

  private toggleSort(columnIndex: number): void {
    const name = this.table.columns[columnIndex]?.name;
    if (name === undefined) return;
    if (this.sort?.column !== name) this.sort = { column: name, direction: 'asc' };
    else if (this.sort.direction === 'asc') this.sort = { column: name, direction: 'desc' };
    else this.sort = undefined;
    this.refresh();
    this.focusHeader(columnIndex);
  }

  private toggleNested(rowIndex: number, columnIndex: number): void {
    const cell = cellAt(this.table, rowIndex, columnIndex);
    const name = this.table.columns[columnIndex]?.name;
    if (cell.kind !== 'nested' || name === undefined) return;
    const cells = this.expanded.get(rowIndex) ?? new Map<string, number>();
    if (cells.has(name)) cells.delete(name);
    else cells.set(name, Math.min(MAX_EXPANDED_LINES, JSON.stringify(cell.value, null, 2).split('\n').length));
    if (cells.size) this.expanded.set(rowIndex, cells);
    else this.expanded.delete(rowIndex);
    this.rows.measure();
    this.forgetDrawn();
    this.render();
    const again = this.body.querySelector<HTMLButtonElement>(`button.toggle[data-row="${rowIndex}"][data-column="${columnIndex}"]`);
    again?.focus();
  }

  private focusHeader(columnIndex: number): void {
    this.header.querySelector<HTMLButtonElement>(`button[data-column="${columnIndex}"]`)?.focus();
  }
}
