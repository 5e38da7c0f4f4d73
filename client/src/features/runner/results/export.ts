/**
 * Export of the loaded rows: CSV (RFC 4180, through csv-stringify) and JSON. Pure; the panel writes the text.
 *
 * CSV: the header row holds the column names; a column with Dataverse formatted values gets a
 * `name (formatted)` column right after it. Raw values are written as received (numbers and booleans as JSON
 * writes them, nested values as JSON text); null and a missing property are empty fields. Records end with CRLF.
 * No columns (no rows) gives an empty text.
 *
 * Formula injection (OWASP's CSV injection rule): a cell, header included, that begins with `=`, `+`, `-`, `@`, a tab
 * or a carriage return gets a leading `'`, so a spreadsheet shows it as text instead of running it (numbers such as
 * `-5` are left alone). The setting `dynamicsOData.runner.csvNeutralizeFormulas` turns it off.
 */
import { stringify } from 'csv-stringify/sync';
import { cellOf, type ResultTable } from './table';

/** The CSV header names, in order (formatted-value columns after their raw column). */
export function csvHeader(table: ResultTable): string[] {
  const header: string[] = [];
  for (const column of table.columns) {
    header.push(column.name);
    if (column.hasFormatted) header.push(`${column.name} (formatted)`);
  }
  return header;
}

export interface CsvOptions {
  /** Neutralise cells that a spreadsheet would run as formulas (default true). */
  neutralizeFormulas?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** A cell as a spreadsheet will take it safely: `'` before text that would start a formula. */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell;
}

/** The whole table as CSV text. */
export function toCsv(table: ResultTable, options: CsvOptions = {}): string {
  if (table.columns.length === 0) return '';
  const neutralize = options.neutralizeFormulas ?? true;
  const records: string[][] = [csvHeader(table)];
  for (const row of table.rows) {
    const record: string[] = [];
    for (const column of table.columns) {
      const cell = cellOf(row, column.name);
      record.push(cell.kind === 'scalar' ? cell.raw : cell.kind === 'nested' ? JSON.stringify(cell.value) : '');
      if (column.hasFormatted) record.push(cell.kind === 'scalar' || cell.kind === 'null' ? (cell.formatted ?? '') : '');
    }
    records.push(record);
  }
  return stringify(neutralize ? records.map((record) => record.map(neutralizeFormula)) : records, { record_delimiter: 'windows' });
}

/** The rows as received (annotations kept), as indented JSON. */
export function toJson(rows: readonly unknown[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** A file name for an export from a request title: letters, digits, dot, dash and underscore. */
export function exportFileName(title: string, format: 'csv' | 'json'): string {
  const base = title.replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 60) || 'results';
  return `${base}.${format}`;
}
