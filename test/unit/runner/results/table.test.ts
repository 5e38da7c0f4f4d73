/**
 * The grid's table model (client/src/features/runner/results/table.ts) on Dataverse-shaped rows: column order,
 * hidden control annotations, formatted values and lookups beside raw values, nested $expand cells, nulls,
 * sorting and filtering.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addRows, cellAt, filterOrder, sortOrder, tableFromRows } from '../../../../client/src/features/runner/results/table';
import { ACCOUNT_ROWS } from './dataverseRows';

describe('tableFromRows', () => {
  test('columns in first-seen order; @odata control annotations are not columns', () => {
    const table = tableFromRows(ACCOUNT_ROWS);
    assert.deepEqual(
      table.columns.map((column) => column.name),
      ['accountid', 'name', 'revenue', 'statecode', '_parentaccountid_value', 'primarycontactid', 'contact_customer_accounts', 'description'],
    );
    assert.equal(table.rows.length, 3);
    // kept in the row for raw JSON and the JSON export
    assert.equal(table.rows[0]['@odata.etag'], 'W/"1023455"');
  });

  test('column flags: formatted values, lookups, nested, numeric', () => {
    const columns = Object.fromEntries(tableFromRows(ACCOUNT_ROWS).columns.map((column) => [column.name, column]));
    assert.equal(columns.revenue.hasFormatted, true);
    assert.equal(columns.revenue.numeric, true);
    assert.equal(columns.name.hasFormatted, false);
    assert.equal(columns.name.numeric, false);
    assert.equal(columns._parentaccountid_value.isLookup, true);
    assert.equal(columns.primarycontactid.hasNested, true);
    assert.equal(columns.contact_customer_accounts.hasNested, true);
    assert.equal(columns.accountid.hasNested, false);
  });

  test('a formatted value is the display text, the raw value stays beside it', () => {
    const table = tableFromRows(ACCOUNT_ROWS);
    assert.deepEqual(cellAt(table, 0, 'revenue'), { kind: 'scalar', type: 'number', text: '$1,000,000.00', raw: '1000000', formatted: '$1,000,000.00' });
    assert.deepEqual(cellAt(table, 0, 'statecode'), { kind: 'scalar', type: 'number', text: 'Active', raw: '0', formatted: 'Active' });
  });

  test('a lookup shows its formatted name, raw id, target table and navigation property', () => {
    const cell = cellAt(tableFromRows(ACCOUNT_ROWS), 0, '_parentaccountid_value');
    assert.deepEqual(cell, {
      kind: 'scalar',
      type: 'string',
      text: 'Fabrikam',
      raw: '7a1c3f0e-0000-0000-0000-0000000000ff',
      formatted: 'Fabrikam',
      lookup: { logicalName: 'account', navigationProperty: 'parentaccountid' },
    });
  });

  test('null, empty string and a missing property are three different cells', () => {
    const table = tableFromRows(ACCOUNT_ROWS);
    assert.deepEqual(cellAt(table, 1, '_parentaccountid_value'), { kind: 'null' });
    assert.deepEqual(cellAt(table, 1, 'name'), { kind: 'scalar', type: 'string', text: '', raw: '' });
    assert.deepEqual(cellAt(table, 1, 'description'), { kind: 'missing' });
    assert.deepEqual(cellAt(table, 2, 'revenue'), { kind: 'null' });
  });

  test('nested $expand values are collapsible cells with a summary and the value', () => {
    const table = tableFromRows(ACCOUNT_ROWS);
    const single = cellAt(table, 0, 'primarycontactid');
    assert.equal(single.kind, 'nested');
    assert.ok(single.kind === 'nested' && single.summary.startsWith('{fullname: Yvonne McKay, contactid: c0000000'));
    const collection = cellAt(table, 0, 'contact_customer_accounts');
    assert.ok(collection.kind === 'nested');
    assert.equal(collection.summary, '[2 items]');
    assert.equal(collection.itemCount, 2);
    assert.deepEqual(collection.value, [{ fullname: 'Yvonne McKay' }, { fullname: 'Susanna Stubberod' }]);
    const empty = cellAt(table, 1, 'contact_customer_accounts');
    assert.ok(empty.kind === 'nested');
    assert.equal(empty.summary, '[0 items]');
  });

  test('a hostile value is kept as plain data (the page only ever sets it as text)', () => {
    const cell = cellAt(tableFromRows(ACCOUNT_ROWS), 2, 'name');
    assert.ok(cell.kind === 'scalar');
    assert.equal(cell.text, '<img src=x onerror=alert(1)>');
  });

  test('non-object rows are wrapped as { value }', () => {
    const table = tableFromRows([1, 'two', null]);
    assert.deepEqual(table.columns.map((column) => column.name), ['value']);
    assert.deepEqual(cellAt(table, 1, 0), { kind: 'scalar', type: 'string', text: 'two', raw: 'two' });
    assert.deepEqual(cellAt(table, 2, 0), { kind: 'null' });
  });

  test('addRows appends rows; new columns go to the right', () => {
    const table = tableFromRows([{ a: 1 }]);
    addRows(table, [{ b: 2, a: 3 }]);
    assert.deepEqual(table.columns.map((column) => column.name), ['a', 'b']);
    assert.equal(table.rows.length, 2);
    assert.deepEqual(cellAt(table, 0, 'b'), { kind: 'missing' });
  });
});

describe('sorting and filtering', () => {
  const table = tableFromRows([
    { n: 10, t: 'b10' },
    { n: 9, t: 'B9' },
    { n: null, t: null },
    { n: 100, t: 'a' },
  ]);

  test('numbers sort numerically, nulls last in both directions', () => {
    assert.deepEqual(sortOrder(table, 0, 'asc'), [1, 0, 3, 2]);
    assert.deepEqual(sortOrder(table, 0, 'desc'), [3, 0, 1, 2]);
  });

  test('text sorts naturally and case-insensitively', () => {
    assert.deepEqual(sortOrder(table, 1, 'asc'), [3, 1, 0, 2]);
  });

  test('formatted columns sort by raw number', () => {
    const accounts = tableFromRows(ACCOUNT_ROWS);
    const revenue = accounts.columns.findIndex((column) => column.name === 'revenue');
    assert.deepEqual(sortOrder(accounts, revenue, 'asc'), [1, 0, 2]);
  });

  test('the filter matches display and raw values, case-insensitively, in the given order', () => {
    const accounts = tableFromRows(ACCOUNT_ROWS);
    assert.deepEqual(filterOrder(accounts, 'fabrikam'), [0]);
    assert.deepEqual(filterOrder(accounts, 'inactive'), [1]);
    assert.deepEqual(filterOrder(accounts, '0000000000ff'), [0]);
    assert.deepEqual(filterOrder(accounts, 'susanna'), [0]);
    assert.deepEqual(filterOrder(accounts, '  '), [0, 1, 2]);
    assert.deepEqual(filterOrder(accounts, 'active', [2, 1, 0]), [2, 1, 0]);
    assert.deepEqual(filterOrder(accounts, 'nothing like this'), []);
  });
});
