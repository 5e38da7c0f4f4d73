/** Every fetchxml.* diagnostic code, with the exact text its span covers, against the real CRM metadata. */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { analyzeFetchXml, fetchXmlCodes } from '../../../server/src/odata/index';
import { crmFetchModel, diagnosticsOf, expectFetchXmlDiagnostics } from './fetchXmlHarness';

const wrap = (inner: string, fetch = '<fetch>') => `${fetch}<entity name="account">${inner}</entity></fetch>`;

/** One case per code: [code, text, expected diagnostics]. */
const cases: [string, string, [string, string][]][] = [
  ['fetchxml.malformed', '<fetch><entity name="account"><attribute name="name"></entity></fetch>', [['fetchxml.malformed', '<attribute']]],
  ['fetchxml.unknown-element', wrap('<atribute name="name" />'), [['fetchxml.unknown-element', 'atribute']]],
  ['fetchxml.unknown-xml-attribute', wrap('<attribute nam="name" />'), [['fetchxml.missing-xml-attribute', 'attribute'], ['fetchxml.unknown-xml-attribute', 'nam']]],
  ['fetchxml.missing-xml-attribute', wrap('<filter><condition attribute="name" /></filter>'), [['fetchxml.missing-xml-attribute', 'condition']]],
  ['fetchxml.invalid-value', wrap('<filter type="nand"><condition attribute="name" operator="null" /></filter>'), [['fetchxml.invalid-value', 'nand']]],
  ['fetchxml.unknown-entity', '<fetch><entity name="acount"><attribute name="name" /></entity></fetch>', [['fetchxml.unknown-entity', 'acount']]],
  ['fetchxml.unknown-attribute', wrap('<attribute name="nme" />'), [['fetchxml.unknown-attribute', 'nme']]],
  [
    'fetchxml.unrelated-link',
    wrap('<link-entity name="contact" from="contactid" to="createdby" alias="c"><attribute name="fullname" /></link-entity>'),
    [['fetchxml.unrelated-link', 'link-entity']],
  ],
  ['fetchxml.unknown-operator', wrap('<filter><condition attribute="name" operator="equals" value="x" /></filter>'), [['fetchxml.unknown-operator', 'equals']]],
  ['fetchxml.operator-type', wrap('<filter><condition attribute="name" operator="last-x-days" value="3" /></filter>'), [['fetchxml.operator-type', 'last-x-days']]],
  ['fetchxml.value-count', wrap('<filter><condition attribute="revenue" operator="between" value="1" /></filter>'), [['fetchxml.value-count', 'between']]],
  ['fetchxml.value-type', wrap('<filter><condition attribute="numberofemployees" operator="eq" value="many" /></filter>'), [['fetchxml.value-type', 'many']]],
  ['fetchxml.aggregate-alias', wrap('<attribute name="revenue" aggregate="sum" />', '<fetch aggregate="true">'), [['fetchxml.aggregate-alias', 'attribute']]],
  ['fetchxml.aggregate-attribute', wrap('<attribute name="revenue" alias="r" />', '<fetch aggregate="true">'), [['fetchxml.aggregate-attribute', 'attribute']]],
  ['fetchxml.aggregate-not-enabled', wrap('<attribute name="revenue" alias="r" aggregate="sum" />'), [['fetchxml.aggregate-not-enabled', 'aggregate']]],
  ['fetchxml.aggregate-all-attributes', wrap('<all-attributes />', '<fetch aggregate="true">'), [['fetchxml.aggregate-all-attributes', 'all-attributes']]],
  ['fetchxml.dategrouping-type', wrap('<attribute name="name" alias="n" groupby="true" dategrouping="month" />', '<fetch aggregate="true">'), [['fetchxml.dategrouping-type', 'dategrouping']]],
  ['fetchxml.top-with-paging', wrap('<attribute name="name" />', '<fetch top="10" page="2">'), [['fetchxml.top-with-paging', 'top']]],
  ['fetchxml.top-too-large', wrap('<attribute name="name" />', '<fetch top="5001">'), [['fetchxml.top-too-large', '5001']]],
  [
    'fetchxml.duplicate-alias',
    wrap('<attribute name="name" alias="x" /><attribute name="revenue" alias="x" />'),
    [['fetchxml.duplicate-alias', 'x']],
  ],
  [
    'fetchxml.filter-link-outside-filter',
    wrap('<link-entity name="contact" from="parentcustomerid" to="accountid" link-type="any" />'),
    [['fetchxml.filter-link-outside-filter', 'any']],
  ],
  [
    'fetchxml.columns-not-returned',
    wrap('<filter><link-entity name="contact" from="parentcustomerid" to="accountid" link-type="any"><attribute name="fullname" /></link-entity></filter>'),
    [['fetchxml.columns-not-returned', 'attribute']],
  ],
  ['fetchxml.not-fetch', '<entity name="account" />', [['fetchxml.not-fetch', 'entity']]],
  ['fetchxml.missing-entity', '<fetch top="3"></fetch>', [['fetchxml.missing-entity', 'fetch']]],
];

suite('FetchXML diagnostics: every code', () => {
  for (const [code, text, expected] of cases) {
    test(code, () => expectFetchXmlDiagnostics(text, expected));
  }

  test('every code of the table has a case', () => {
    const covered = new Set(cases.map(([code]) => code));
    assert.deepEqual(Object.keys(fetchXmlCodes).filter((c) => !covered.has(c)), []);
  });
});

suite('FetchXML diagnostics: rules in detail', () => {
  test('a clean query from the reference has no diagnostics', () => {
    expectFetchXmlDiagnostics(
      `<fetch top="5">
  <entity name="account">
    <attribute name="name" />
    <link-entity name="contact" from="contactid" to="primarycontactid" link-type="inner" alias="contact">
      <attribute name="fullname" />
    </link-entity>
    <filter type="and">
      <condition attribute="address1_city" operator="eq" value="Redmond" />
      <condition attribute="numberofemployees" operator="between"><value>6</value><value>20</value></condition>
      <condition attribute="createdon" operator="last-x-days" value="7" />
      <condition attribute="ownerid" operator="eq-userid" />
    </filter>
    <order attribute="name" />
  </entity>
</fetch>`,
      [],
    );
  });

  test('did-you-mean: suggestions on unknown names', () => {
    const d = analyzeFetchXml(wrap('<attribute name="nme" />'), crmFetchModel()).diagnostics[0]!;
    assert.deepEqual(d.suggestions?.slice(0, 1), ['name']);
    assert.match(d.message, /Did you mean 'name'\?/);
  });

  test('inside a link-entity, columns are the linked table’s (three levels deep)', () => {
    expectFetchXmlDiagnostics(
      wrap(`<link-entity name="contact" from="contactid" to="primarycontactid" alias="c">
  <attribute name="fullname" /><attribute name="revenue" />
  <link-entity name="account" from="accountid" to="parentcustomerid" alias="p">
    <attribute name="revenue" />
    <link-entity name="systemuser" from="systemuserid" to="createdby" alias="u"><attribute name="fullname" /><attribute name="nam" /></link-entity>
  </link-entity>
</link-entity>`),
      [
        ['fetchxml.unknown-attribute', 'revenue'],
        ['fetchxml.unknown-attribute', 'nam'],
      ],
    );
  });

  test('from/to that are not columns of their tables', () => {
    expectFetchXmlDiagnostics(wrap('<link-entity name="contact" from="contactidd" to="primarycontact" />'), [
      ['fetchxml.unknown-attribute', 'contactidd'],
      ['fetchxml.unknown-attribute', 'primarycontact'],
    ]);
  });

  test('many-to-many through the intersect entity is related', () => {
    expectFetchXmlDiagnostics(
      `<fetch><entity name="systemuser"><attribute name="fullname" />
<link-entity name="teammembership" from="systemuserid" to="systemuserid"><link-entity name="team" from="teamid" to="teamid" alias="t"><attribute name="name" /></link-entity></link-entity>
</entity></fetch>`,
      [],
    );
  });

  test('value counts per operator: none, one, two, many', () => {
    expectFetchXmlDiagnostics(
      wrap(`<filter>
<condition attribute="name" operator="null" value="x" />
<condition attribute="name" operator="eq" />
<condition attribute="createdon" operator="in-fiscal-period-and-year"><value>3</value></condition>
<condition attribute="name" operator="in" value="a" />
<condition attribute="name" operator="in"><value>a</value><value>b</value></condition>
</filter>`),
      [
        ['fetchxml.value-count', 'null'],
        ['fetchxml.value-count', 'eq'],
        ['fetchxml.value-count', 'in-fiscal-period-and-year'],
        ['fetchxml.value-count', 'in'],
      ],
    );
  });

  test('value types per column type: GUID, date, integer, decimal', () => {
    expectFetchXmlDiagnostics(
      wrap(`<filter>
<condition attribute="primarycontactid" operator="eq" value="not-a-guid" />
<condition attribute="createdon" operator="on" value="yesterday" />
<condition attribute="revenue" operator="gt" value="1e3" />
<condition attribute="accountid" operator="in"><value>{00000000-0000-0000-0000-000000000001}</value><value> 12 </value></condition>
</filter>`),
      [
        ['fetchxml.value-type', 'not-a-guid'],
        ['fetchxml.value-type', 'yesterday'],
        ['fetchxml.value-type', '12'],
      ],
    );
  });

  test('aggregate query from the reference is clean; groupby with dategrouping on a date is fine', () => {
    expectFetchXmlDiagnostics(
      `<fetch aggregate="true"><entity name="account">
<attribute name="numberofemployees" alias="Average" aggregate="avg" />
<attribute name="numberofemployees" alias="Count" aggregate="countcolumn" distinct="true" />
<attribute name="createdon" alias="Month" groupby="true" dategrouping="month" />
<order alias="Month" />
</entity></fetch>`,
      [],
    );
  });

  test('condition entityname resolves a link-entity alias', () => {
    expectFetchXmlDiagnostics(
      wrap(`<link-entity name="contact" from="contactid" to="primarycontactid" link-type="outer" alias="c" />
<filter><condition entityname="c" attribute="fullname" operator="null" /><condition entityname="c" attribute="revenue" operator="null" /><condition entityname="zz" attribute="x" operator="null" /></filter>`),
      [
        ['fetchxml.unknown-attribute', 'revenue'],
        ['fetchxml.invalid-value', 'zz'],
      ],
    );
  });

  test('without a model only FetchXML itself is checked', () => {
    assert.deepEqual(diagnosticsOf(wrap('<attribute name="nme" /><atribute />'), 'no model'), [['fetchxml.unknown-element', 'atribute']]);
  });
});
