/**
 * CSV and JSON export of the loaded rows (client/src/features/runner/results/export.ts): the header, a
 * `(formatted)` column beside each formatted one, RFC 4180 quoting, one record per row.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csvHeader, exportFileName, neutralizeFormula, toCsv, toJson } from '../../../../client/src/features/runner/results/export';
import { tableFromRows } from '../../../../client/src/features/runner/results/table';
import { ACCOUNT_ROWS } from './dataverseRows';

/** A small RFC 4180 reader for the test: records of fields, quotes doubled inside quoted fields. */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      record.push(field);
      field = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      index += 1;
    } else field += character;
  }
  if (field !== '' || record.length) records.push([...record, field]);
  return records;
}

describe('CSV export', () => {
  const table = tableFromRows(ACCOUNT_ROWS);

  test('the header: column names, a (formatted) column after each formatted one', () => {
    assert.deepEqual(csvHeader(table), [
      'accountid',
      'name',
      'revenue',
      'revenue (formatted)',
      'statecode',
      'statecode (formatted)',
      '_parentaccountid_value',
      '_parentaccountid_value (formatted)',
      'primarycontactid',
      'contact_customer_accounts',
      'description',
    ]);
  });

  test('one record per row plus the header, CRLF line ends, quotes and newlines quoted', () => {
    const csv = toCsv(table);
    assert.ok(csv.endsWith('\r\n'));
    const records = readCsv(csv);
    assert.equal(records.length, 1 + ACCOUNT_ROWS.length);
    for (const record of records) assert.equal(record.length, 11);
    assert.equal(records[1][1], 'Contoso, "Ltd"');
    assert.ok(csv.includes('"Contoso, ""Ltd"""'));
    assert.equal(records[3][10], 'line one\nline two');
  });

  test('raw and formatted values in their own columns; null and missing are empty; nested values as JSON', () => {
    const [, first, second, third] = readCsv(toCsv(table));
    assert.equal(first[2], '1000000');
    assert.equal(first[3], '$1,000,000.00');
    assert.equal(first[6], '7a1c3f0e-0000-0000-0000-0000000000ff');
    assert.equal(first[7], 'Fabrikam');
    assert.deepEqual(JSON.parse(first[9]), [{ fullname: 'Yvonne McKay' }, { fullname: 'Susanna Stubberod' }]);
    assert.equal(second[6], '');
    assert.equal(second[10], '');
    assert.equal(third[2], '');
    assert.equal(third[1], '<img src=x onerror=alert(1)>');
  });

  test('no rows: empty text; one row: header and record', () => {
    assert.equal(toCsv(tableFromRows([])), '');
    assert.equal(toCsv(tableFromRows([{ a: 1 }])), 'a\r\n1\r\n');
  });
});

describe('JSON export', () => {
  test('the rows as received, annotations kept', () => {
    const parsed = JSON.parse(toJson(ACCOUNT_ROWS)) as Array<Record<string, unknown>>;
    assert.equal(parsed.length, 3);
    assert.equal(parsed[0]['@odata.etag'], 'W/"1023455"');
    assert.equal(parsed[0]['revenue@OData.Community.Display.V1.FormattedValue'], '$1,000,000.00');
    assert.deepEqual(parsed, ACCOUNT_ROWS);
  });
});

describe('export file name', () => {
  test('from the request title, safe on every file system', () => {
    assert.equal(exportFileName('Big accounts', 'csv'), 'Big-accounts.csv');
    assert.equal(exportFileName('GET ../../etc/passwd?$top=1', 'json'), 'GET-..-..-etc-passwd-top-1.json');
    assert.equal(exportFileName('***', 'csv'), 'results.csv');
  });
});

describe('CSV formula neutralising (OWASP)', () => {
  test("cells and headers that begin with = + - @ tab or CR get a leading '; numbers do not", () => {
    for (const cell of ['=1+1', '+1+1', '-1+1', '@SUM(A1)', '\t=x', '\r=x', '=HYPERLINK("http://x")']) assert.equal(neutralizeFormula(cell), `'${cell}`, JSON.stringify(cell));
    for (const cell of ['-5', '+3.25', '-1e10', 'plain', '', "'=already"]) assert.equal(neutralizeFormula(cell), cell, JSON.stringify(cell));
    const table = tableFromRows([{ '=evil': '=cmd', n: -2 }]);
    assert.equal(toCsv(table), "'=evil,n\r\n'=cmd,-2\r\n");
    assert.equal(toCsv(table, { neutralizeFormulas: false }), '=evil,n\r\n=cmd,-2\r\n');
  });
});
