/**
 * The results grid's model: OData entities (rows) -> columns and cells, plus sorting and filtering over the
 * loaded rows. Pure (no VS Code, no DOM): the webview page and the export both use it.
 *
 * - Columns come in the order their keys are first seen. Control information (`@odata.etag`, `@odata.context`,
 *   `name@odata.type`, `name@odata.nextLink`…) and other instance annotations are not columns: they stay in the
 *   row (raw JSON and JSON export keep them).
 * - Dataverse annotations are shown beside the raw value: a cell's display `text` is the
 *   `@OData.Community.Display.V1.FormattedValue` when the server sent one, and `raw` holds the raw value
 *   (the page draws it as a dim second part of the line); `lookup` names the target table
 *   (`@Microsoft.Dynamics.CRM.lookuplogicalname`) and the navigation property
 *   (`@Microsoft.Dynamics.CRM.associatednavigationproperty`).
 * - Nested objects and arrays ($expand) are `nested` cells: a one-line summary and the value, collapsible.
 * - `null` is its own kind, distinct from an empty string and from a property the row does not have.
 *
 * Cells are computed on demand (`cellAt`), so a 5,000 x 100 table costs nothing until a cell is drawn.
 */

export const FORMATTED_VALUE = 'OData.Community.Display.V1.FormattedValue';
export const LOOKUP_LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';
export const NAVIGATION_PROPERTY = 'Microsoft.Dynamics.CRM.associatednavigationproperty';

/** The annotations shown beside a property's raw value (everything else after `@` is hidden). */
const SHOWN_ANNOTATIONS = new Set([FORMATTED_VALUE, LOOKUP_LOGICAL_NAME, NAVIGATION_PROPERTY]);

export interface ResultColumn {
  name: string;
  /** Some row has a formatted value for it. */
  hasFormatted: boolean;
  /** Some row names a lookup target for it. */
  isLookup: boolean;
  /** Some row has an object or array in it ($expand). */
  hasNested: boolean;
  /** Every non-null value seen is a number (sorted numerically). */
  numeric: boolean;
}

export interface ResultTable {
  columns: ResultColumn[];
  /** The rows as received (objects; other JSON values are wrapped as `{ value }`). */
  rows: Array<Record<string, unknown>>;
}

export type ScalarType = 'string' | 'number' | 'boolean';

export interface LookupInfo {
  logicalName?: string;
  navigationProperty?: string;
}

export type ResultCell =
  /** The row has no such property. */
  | { kind: 'missing' }
  | { kind: 'null'; formatted?: string; lookup?: LookupInfo }
  | {
      kind: 'scalar';
      type: ScalarType;
      /** What the grid shows: the formatted value when sent, else the raw value as text. */
      text: string;
      /** The raw value as text (equal to `text` when no formatted value was sent). */
      raw: string;
      formatted?: string;
      lookup?: LookupInfo;
    }
  | { kind: 'nested'; summary: string; value: unknown; itemCount?: number };

type NullCell = Extract<ResultCell, { kind: 'null' }>;
type ScalarCell = Extract<ResultCell, { kind: 'scalar' }>;

const columnIndexes = new WeakMap<ResultTable, Map<string, number>>();

function indexOf(table: ResultTable): Map<string, number> {
  let index = columnIndexes.get(table);
  if (!index) {
    index = new Map(table.columns.map((column, position) => [column.name, position]));
    columnIndexes.set(table, index);
  }
  return index;
}

/** Splits `name@Term` into the property and the annotation term; instance annotations (`@term`) have no property. */
export function splitAnnotation(key: string): { property: string; term?: string } {
  const at = key.indexOf('@');
  if (at < 0) return { property: key };
  return { property: key.slice(0, at), term: key.slice(at + 1) };
}

function asRow(value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  return { value };
}

/** Builds the table for rows as the service sent them. */
export function tableFromRows(rows: readonly unknown[]): ResultTable {
  const table: ResultTable = { columns: [], rows: [] };
  addRows(table, rows);
  return table;
}

/** Adds rows (the next page) to a table; new columns go after the known ones. Returns the table. */
export function addRows(table: ResultTable, rows: readonly unknown[]): ResultTable {
  const index = indexOf(table);
  const column = (name: string): ResultColumn => {
    let position = index.get(name);
    if (position === undefined) {
      position = table.columns.length;
      table.columns.push({ name, hasFormatted: false, isLookup: false, hasNested: false, numeric: true });
      index.set(name, position);
    }
    return table.columns[position];
  };
  for (const value of rows) {
    const row = asRow(value);
    table.rows.push(row);
    for (const key of Object.keys(row)) {
      const { property, term } = splitAnnotation(key);
      if (term === undefined) {
        const target = column(property);
        const cellValue = row[key];
        if (cellValue !== null && typeof cellValue === 'object') target.hasNested = true;
        if (cellValue !== null && typeof cellValue !== 'number') target.numeric = false;
      } else if (property !== '' && SHOWN_ANNOTATIONS.has(term)) {
        const target = column(property);
        if (term === FORMATTED_VALUE) target.hasFormatted = true;
        else target.isLookup = true;
      }
    }
  }
  return table;
}

function lookupOf(row: Record<string, unknown>, name: string): LookupInfo | undefined {
  const logicalName = row[`${name}@${LOOKUP_LOGICAL_NAME}`];
  const navigationProperty = row[`${name}@${NAVIGATION_PROPERTY}`];
  if (logicalName === undefined && navigationProperty === undefined) return undefined;
  const lookup: LookupInfo = {};
  if (typeof logicalName === 'string') lookup.logicalName = logicalName;
  if (typeof navigationProperty === 'string') lookup.navigationProperty = navigationProperty;
  return lookup;
}

/** A short one-line summary of an object or array, for a collapsed nested cell. */
export function nestedSummary(value: object): string {
  if (Array.isArray(value)) return value.length === 1 ? '[1 item]' : `[${value.length} items]`;
  const fields = Object.keys(value).filter((key) => !key.includes('@'));
  const shown = fields.slice(0, 3).map((key) => {
    const field = (value as Record<string, unknown>)[key];
    const text = field === null ? 'null' : typeof field === 'object' ? '…' : String(field);
    return `${key}: ${text.length > 30 ? `${text.slice(0, 29)}…` : text}`;
  });
  return `{${shown.join(', ')}${fields.length > 3 ? `, +${fields.length - 3}` : ''}}`;
}

/** The cell of a row (by index) in a column (by index or name). */
export function cellAt(table: ResultTable, rowIndex: number, column: number | string): ResultCell {
  const row = table.rows[rowIndex];
  const name = typeof column === 'number' ? table.columns[column]?.name : column;
  if (!row || name === undefined) return { kind: 'missing' };
  return cellOf(row, name);
}

/** The cell of one row object for a property name. */
export function cellOf(row: Record<string, unknown>, name: string): ResultCell {
  const formattedValue = row[`${name}@${FORMATTED_VALUE}`];
  const formatted = formattedValue === undefined || formattedValue === null ? undefined : String(formattedValue);
  const lookup = lookupOf(row, name);
  if (!(name in row)) {
    if (formatted === undefined && lookup === undefined) return { kind: 'missing' };
    return withExtras<NullCell>({ kind: 'null' }, formatted, lookup);
  }
  const value = row[name];
  if (value === null) return withExtras<NullCell>({ kind: 'null' }, formatted, lookup);
  if (typeof value === 'object') {
    return Array.isArray(value) ? { kind: 'nested', summary: nestedSummary(value), value, itemCount: value.length } : { kind: 'nested', summary: nestedSummary(value), value };
  }
  const type: ScalarType = typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string';
  const raw = String(value);
  return withExtras<ScalarCell>({ kind: 'scalar', type, text: formatted ?? raw, raw }, formatted, lookup);
}

function withExtras<T extends { formatted?: string; lookup?: LookupInfo }>(cell: T, formatted: string | undefined, lookup: LookupInfo | undefined): T {
  if (formatted !== undefined) cell.formatted = formatted;
  if (lookup !== undefined) cell.lookup = lookup;
  return cell;
}

/** The text a cell is searched and exported by: display text, then the raw value when different. */
export function cellSearchText(cell: ResultCell): string {
  switch (cell.kind) {
    case 'missing':
      return '';
    case 'null':
      return cell.formatted ?? 'null';
    case 'scalar':
      return cell.formatted !== undefined ? `${cell.text} ${cell.raw}` : cell.text;
    case 'nested':
      return JSON.stringify(cell.value);
  }
}

export type SortDirection = 'asc' | 'desc';

/**
 * Row indexes in sorted order for a column: numbers numerically when the column holds only numbers,
 * otherwise text (formatted value when sent) with a natural, case-insensitive compare. Nulls and missing
 * values go last in both directions. The sort is stable.
 */
export function sortOrder(table: ResultTable, columnIndex: number, direction: SortDirection, order?: readonly number[]): number[] {
  const column = table.columns[columnIndex];
  const indexes = order ? [...order] : table.rows.map((_, position) => position);
  if (!column) return indexes;
  const sign = direction === 'asc' ? 1 : -1;
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const keys = new Map<number, number | string | undefined>();
  for (const rowIndex of indexes) {
    const value = table.rows[rowIndex][column.name];
    if (value === null || value === undefined) keys.set(rowIndex, undefined);
    else if (column.numeric && typeof value === 'number') keys.set(rowIndex, value);
    else {
      const cell = cellOf(table.rows[rowIndex], column.name);
      keys.set(rowIndex, cell.kind === 'scalar' ? cell.text : cell.kind === 'nested' ? cell.summary : undefined);
    }
  }
  return indexes
    .map((rowIndex, position) => ({ rowIndex, position }))
    .sort((a, b) => {
      const left = keys.get(a.rowIndex);
      const right = keys.get(b.rowIndex);
      if (left === undefined || right === undefined) {
        if (left === right) return a.position - b.position;
        return left === undefined ? 1 : -1;
      }
      const compared = typeof left === 'number' && typeof right === 'number' ? left - right : collator.compare(String(left), String(right));
      return compared === 0 ? a.position - b.position : sign * compared;
    })
    .map((entry) => entry.rowIndex);
}

/** Row indexes (from `order`, default all) whose cells contain `text` (case-insensitive, display and raw values). */
export function filterOrder(table: ResultTable, text: string, order?: readonly number[], searchCache?: Map<number, string>): number[] {
  const indexes = order ? [...order] : table.rows.map((_, position) => position);
  const needle = text.trim().toLocaleLowerCase();
  if (needle === '') return indexes;
  return indexes.filter((rowIndex) => {
    let haystack = searchCache?.get(rowIndex);
    if (haystack === undefined) {
      const row = table.rows[rowIndex];
      haystack = table.columns.map((column) => cellSearchText(cellOf(row, column.name))).join('\u0000').toLocaleLowerCase();
      searchCache?.set(rowIndex, haystack);
    }
    return haystack.includes(needle);
  });
}
