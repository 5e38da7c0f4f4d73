/** FetchXML completion and hover in every position, with `|` cursors, against the real CRM metadata. */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-types';
import { completeFetchXml, hoverFetchXml, LineIndex } from '../../../server/src/odata/index';
import { atCursor, crmFetchModel } from './fetchXmlHarness';

function complete(marked: string, withModel = true): { items: CompletionItem[]; text: string } {
  const { text, offset } = atCursor(marked);
  const list = completeFetchXml({ text, lines: new LineIndex(text), model: withModel ? crmFetchModel() : undefined }, offset);
  return { items: list.items, text };
}

function labels(marked: string): string[] {
  return complete(marked).items.map((i) => i.label);
}

/** The text after applying the item's edit. */
function apply(marked: string, label: string): string {
  const { items, text } = complete(marked);
  const item = items.find((i) => i.label === label);
  assert.ok(item, `no item '${label}' in ${items.map((i) => i.label).join(', ')}`);
  const edit = item.textEdit as TextEdit;
  const lines = new LineIndex(text);
  return text.slice(0, lines.offsetAt(edit.range.start)) + edit.newText + text.slice(lines.offsetAt(edit.range.end));
}

const ACCOUNT = '<fetch><entity name="account">';

suite('FetchXML completion: elements', () => {
  test('an empty document: fetch and query shapes', () => {
    const got = labels('|');
    assert.ok(got.includes('fetch'));
    assert.ok(got.includes('fetch: aggregate'));
    assert.equal(apply('|', 'fetch').startsWith('<fetch top="${1:50}">'), true);
  });

  test('content of fetch: entity, with its bracket', () => {
    assert.deepEqual(labels('<fetch>|</fetch>'), ['entity']);
    assert.equal(apply('<fetch>|</fetch>', 'entity'), '<fetch><entity name="${1}">\n\t$0\n</entity></fetch>');
  });

  test('after <: the element name only', () => {
    assert.equal(apply('<fetch><|', 'entity'), '<fetch><entity name="${1}">\n\t$0\n</entity>');
  });

  test('inside entity: all-attributes, attribute, order, link-entity, filter', () => {
    assert.deepEqual(labels(`${ACCOUNT}<|`), ['all-attributes', 'attribute', 'order', 'link-entity', 'filter']);
  });

  test('a partly typed name inside link-entity', () => {
    assert.deepEqual(labels(`${ACCOUNT}<link-entity name="contact" from="contactid" to="primarycontactid"><att|`), ['all-attributes', 'attribute', 'order', 'link-entity', 'filter']);
  });

  test('inside filter: condition, filter, and a filter link-entity (any/not any/all/not all)', () => {
    assert.deepEqual(labels(`${ACCOUNT}<filter><|`), ['condition', 'filter', 'link-entity (any)']);
  });

  test('inside condition: value', () => {
    assert.deepEqual(labels(`${ACCOUNT}<filter><condition attribute="name" operator="in"><|`), ['value']);
  });
});

suite('FetchXML completion: XML attributes', () => {
  test('fetch attributes, without the ones present', () => {
    const got = labels('<fetch top="5" |>');
    assert.ok(got.includes('aggregate') && got.includes('distinct') && got.includes('no-lock') && got.includes('returntotalrecordcount'));
    assert.ok(!got.includes('top'));
  });

  test('link-entity attributes insert name="…"', () => {
    assert.equal(apply(`${ACCOUNT}<link-entity |`, 'link-type'), `${ACCOUNT}<link-entity link-type="$1"`);
  });

  test('condition attributes', () => {
    assert.deepEqual(labels(`${ACCOUNT}<filter><condition |`).sort(), ['attribute', 'entityname', 'operator', 'uihidden', 'uiname', 'uitype', 'value', 'valueof']);
  });
});

suite('FetchXML completion: values', () => {
  test('entity names', () => {
    const got = labels('<fetch><entity name="|"');
    assert.ok(got.includes('account') && got.includes('contact') && got.includes('systemuser'));
  });

  test('columns of the entity in scope', () => {
    const got = labels(`${ACCOUNT}<attribute name="|" />`);
    assert.ok(got.includes('name') && got.includes('revenue') && got.includes('primarycontactid'));
    assert.ok(!got.includes('_primarycontactid_value') && !got.includes('fullname'));
  });

  test('inside a link-entity, the linked table’s columns (two levels deep)', () => {
    const marked = `${ACCOUNT}<link-entity name="contact" from="contactid" to="primarycontactid"><link-entity name="systemuser" from="systemuserid" to="createdby"><attribute name="|" />`;
    const got = labels(marked);
    assert.ok(got.includes('domainname') && !got.includes('revenue'));
  });

  test('link-entity name: one relationship item fills name, from, to and alias', () => {
    assert.equal(
      apply(`${ACCOUNT}<link-entity name="|" />`, 'contact (contactid → account.primarycontactid)'),
      `${ACCOUNT}<link-entity name="contact" from="contactid" to="primarycontactid" alias="primarycontactid" />`,
    );
    // The one-to-many direction too: contacts whose parent customer is the account.
    assert.ok(labels(`${ACCOUNT}<link-entity name="|" />`).includes('contact (parentcustomerid → account.accountid)'));
  });

  test('link-entity from and to: the linked and the parent table’s columns, related ones first', () => {
    const from = complete(`${ACCOUNT}<link-entity name="contact" from="|" />`).items;
    assert.equal(from.find((i) => i.label === 'contactid')?.sortText?.[0], '0');
    assert.ok(from.some((i) => i.label === 'fullname'));
    const to = labels(`${ACCOUNT}<link-entity name="contact" from="contactid" to="|" />`);
    assert.ok(to.includes('primarycontactid') && !to.includes('fullname'));
  });

  test('operators valid for the column type', () => {
    const onDate = labels(`${ACCOUNT}<filter><condition attribute="createdon" operator="|" /></filter>`);
    assert.ok(onDate.includes('last-x-days') && onDate.includes('on-or-after') && onDate.includes('null'));
    assert.ok(!onDate.includes('like') && !onDate.includes('eq-userid'));
    const onString = labels(`${ACCOUNT}<filter><condition attribute="name" operator="|" /></filter>`);
    assert.ok(onString.includes('like') && onString.includes('begins-with') && !onString.includes('last-x-days'));
  });

  test('condition columns follow entityname to the link-entity alias', () => {
    const got = labels(`${ACCOUNT}<link-entity name="contact" from="contactid" to="primarycontactid" alias="c" /><filter><condition entityname="c" attribute="|" /></filter>`);
    assert.ok(got.includes('fullname') && !got.includes('revenue'));
    assert.deepEqual(labels(`${ACCOUNT}<link-entity name="contact" from="contactid" to="primarycontactid" alias="c" /><filter><condition entityname="|" /></filter>`), ['c']);
  });

  test('link-type, aggregate, dategrouping, filter type and booleans', () => {
    assert.deepEqual(labels(`${ACCOUNT}<link-entity link-type="|" />`), ['inner', 'outer', 'any', 'not any', 'all', 'not all', 'exists', 'in', 'matchfirstrowusingcrossapply']);
    assert.deepEqual(labels(`${ACCOUNT}<attribute aggregate="|" />`), ['avg', 'count', 'countcolumn', 'max', 'min', 'sum']);
    assert.deepEqual(labels(`${ACCOUNT}<attribute dategrouping="|" />`), ['day', 'week', 'month', 'quarter', 'year', 'fiscal-period', 'fiscal-year']);
    assert.deepEqual(labels(`${ACCOUNT}<filter type="|" />`), ['and', 'or']);
    assert.deepEqual(labels('<fetch distinct="|">'), ['true', 'false']);
  });

  test('order alias: the aliases of the attributes', () => {
    assert.deepEqual(labels(`<fetch aggregate="true"><entity name="account"><attribute name="revenue" alias="total" aggregate="sum" /><order alias="|" />`), ['total']);
  });

  test('without a model, the names FetchXML itself knows', () => {
    assert.deepEqual(complete('<fetch><entity name="|"', false).items, []);
    assert.ok(complete(`${ACCOUNT}<filter><condition operator="|"`, false).items.length > 50);
  });
});

suite('FetchXML hover', () => {
  const hover = (marked: string): string | undefined => {
    const { text, offset } = atCursor(marked);
    const result = hoverFetchXml({ text, lines: new LineIndex(text), model: crmFetchModel() }, offset);
    return result ? (result.contents as { value: string }).value : undefined;
  };

  test('an operator: what it does, its types and values', () => {
    assert.equal(hover(`${ACCOUNT}<filter><condition attribute="createdon" operator="last-x-|days" value="3" />`), '**last-x-days** — The value is within the previous x days.\n\nData types: datetime. Takes one value (the value attribute) (a whole number).');
  });

  test('a column: its type; a lookup names its OData property', () => {
    assert.equal(hover(`${ACCOUNT}<attribute name="reve|nue" />`)?.split('\n')[0], '**revenue**: Decimal');
    assert.match(hover(`${ACCOUNT}<attribute name="primary|contactid" />`) ?? '', /^\*\*primarycontactid\*\*: Lookup \(contact\)\n\nOData property: `_primarycontactid_value`/);
  });

  test('a table: its entity set and key', () => {
    assert.match(hover('<fetch><entity name="acc|ount">') ?? '', /Entity set: `accounts`\n\nPrimary key: `accountid`/);
  });

  test('an element and an XML attribute', () => {
    assert.match(hover('<fetch><enti|ty name="account">') ?? '', /^\*\*<entity>\*\*/);
    assert.match(hover('<fetch to|p="3">') ?? '', /^\*\*top\*\* \(of <fetch>\) — The number of records to return/);
  });
});
