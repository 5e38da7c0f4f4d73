/**
 * run_query's answer: the rows of a response as a compact text table for a language model — the first rows
 * only, the columns the rows have (annotations left out, a formatted value shown beside its raw value), long
 * cells cut — with the count and whether more rows exist. No VS Code here (unit-tested in plain node).
 */

export const MAX_TABLE_COLUMNS = 15;
export const MAX_CELL_CHARS = 60;

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';

function cellText(row: Record<string, unknown>, column: string): string {
  const value = row[column];
  const formatted = row[`${column}${FORMATTED}`];
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  if (typeof formatted === 'string' && formatted !== text) text = text === '' ? formatted : `${text} (${formatted})`;
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return flat.length > MAX_CELL_CHARS ? `${flat.slice(0, MAX_CELL_CHARS - 1)}…` : flat;
}

export interface TableSummary {
  /** Rows in the response (this page). */
  returned: number;
  /** `@odata.count` when the service sent it. */
  count?: number;
  /** The service has a next page. */
  nextPage: boolean;
}

/** The header line and the table lines of the first `maxRows` rows. */
export function rowsAsTable(rows: readonly unknown[], maxRows: number, summary: TableSummary): string[] {
  const shown = rows.slice(0, maxRows).map((row) => (row !== null && typeof row === 'object' && !Array.isArray(row) ? (row as Record<string, unknown>) : { value: row }));
  const columns: string[] = [];
  for (const row of shown) {
    for (const key of Object.keys(row)) if (!key.includes('@') && !columns.includes(key)) columns.push(key);
  }
  const more = summary.nextPage || summary.returned > shown.length;
  const lines: string[] = [];
  const count = summary.count !== undefined ? `; @odata.count ${summary.count}` : '';
  lines.push(
    `${summary.returned} row${summary.returned === 1 ? '' : 's'} returned${shown.length < summary.returned ? `, first ${shown.length} shown` : ''}${count}; ${more ? 'more rows exist' : 'no more rows'}${summary.nextPage ? ' (the service has a next page)' : ''}.`,
  );
  if (shown.length === 0) return lines;
  const kept = columns.slice(0, MAX_TABLE_COLUMNS);
  if (columns.length > kept.length) lines.push(`(${columns.length - kept.length} more columns not shown: $select fewer columns.)`);
  lines.push(`| ${kept.join(' | ')} |`, `|${kept.map(() => ' --- |').join('')}`);
  for (const row of shown) lines.push(`| ${kept.map((column) => cellText(row, column)).join(' | ')} |`);
  return lines;
}
