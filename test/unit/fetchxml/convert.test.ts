/**
 * OData <-> FetchXML conversion over a corpus of real queries from Microsoft's documentation: the OData queries of the
 * shared corpus (each with its source there) and the FetchXML fixtures of test/fixtures/fetchxml (SOURCES.md).
 * Each query either round-trips (A -> B -> A' -> B' with B' = B, and A' passes the OData checker) or fails with the
 * exact part that cannot be expressed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { analyzeFetchXml, checkUrl, convertQuery, type ConvertResult } from '../../../server/src/odata/index';
import { corpus, projectRoot } from '../binder/binderHarness';
import { crmFetchModel, crmModel } from './fetchXmlHarness';

function convert(input: string, to: 'fetchxml' | 'odata'): ConvertResult {
  return convertQuery({ model: crmModel(), input, to });
}

function ok(result: ConvertResult, what: string): string {
  assert.ok(result.ok, `${what}: ${result.ok ? '' : result.problems.join(' | ')}`);
  return result.text;
}

/** OData -> FetchXML -> OData -> FetchXML: the FetchXML is stable, the OData is clean for the OData checker, the FetchXML for ours. */
function roundTripFromOData(query: string): { fetchXml: string; odata: string } {
  const fetchXml = ok(convert(query, 'fetchxml'), query);
  assert.deepEqual(analyzeFetchXml(fetchXml, crmFetchModel()).diagnostics.filter((d) => d.severity === 'error'), [], fetchXml);
  const odata = ok(convert(fetchXml, 'odata'), fetchXml);
  assert.deepEqual(checkUrl(odata, crmModel(), { flavor: 'dataverse' }).filter((d) => d.severity === 'error'), [], odata);
  assert.equal(ok(convert(odata, 'fetchxml'), odata), fetchXml, `round trip of ${query}`);
  return { fetchXml, odata };
}

// ------------------------------------------------------------------------------------------------ OData corpus

/** The Dataverse queries of the shared corpus, made complete where the documentation shows a fragment. */
function dataverseQueries(): { source: string; query: string }[] {
  const lines = readFileSync(join(corpus, 'queries', 'real-queries.txt'), 'utf8').split('\n');
  const out: { source: string; query: string }[] = [];
  for (const line of lines) {
    const [source, url] = line.split('\t');
    if (!source || !url || !/powerapps-docs|[Dd]ataverse|CoE/.test(source)) continue;
    let query = url.replace(/^\[Organization URI\]\/api\/data\/v9\.2\//, '').replace(/^\//, '').replace(/\s+\[documented.*$/, '');
    // Fragments of the filter-rows page are filters of accounts there.
    if (/^\??\$filter=/.test(query)) query = `accounts?${query.replace(/^\?/, '')}`;
    // The documentation's placeholders, as values.
    query = query.replace(/<systemuserid value>/g, '00000000-0000-0000-0000-000000000001').replace(/'\{GUID\}'/g, '00000000-0000-0000-0000-000000000002');
    out.push({ source, query });
  }
  return out;
}

/** What each query of the corpus gives: the OData written back after a round trip, or the reason it does not convert. */
const expectations: Record<string, { odata: string } | { problem: RegExp }> = {
  "accounts?$filter=_owninguser_value eq '00000000-0000-0000-0000-000000000001'&$select=name": { odata: 'accounts?$select=name&$filter=_owninguser_value eq 00000000-0000-0000-0000-000000000001' },
  'systemusers(00000000-0000-0000-0000-000000000001)/user_accounts?$select=name': { problem: /Only a query of a whole entity set can be converted/ },
  'accounts?$filter=revenue eq 100000': { odata: 'accounts?$filter=revenue eq 100000' },
  'accounts?$filter=revenue lt 100000 and revenue gt 2000': { odata: 'accounts?$filter=revenue lt 100000 and revenue gt 2000' },
  "accounts?$filter=contains(name,'(sample)') or contains(name,'test')": { odata: "accounts?$filter=contains(name,'(sample)') or contains(name,'test')" },
  "accounts?$filter=not contains(name,'sample')": { odata: "accounts?$filter=not contains(name,'sample')" },
  "accounts?$filter=(contains(name,'sample') or contains(name,'test')) and revenue gt 5000": { odata: "accounts?$filter=(contains(name,'sample') or contains(name,'test')) and revenue gt 5000" },
  'contacts?$select=fullname&$filter=firstname eq lastname': { odata: 'contacts?$select=fullname&$filter=firstname eq lastname' },
  'accounts?$select=name,numberofemployees&$filter=Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["5","2000"])': {
    odata: 'accounts?$select=name,numberofemployees&$filter=Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["5","2000"])',
  },
  "contains(name,'%2B123')": { problem: /does not parse/ },
  'contacts?$select=fullname&$filter=Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1=\'lastname\'&@p2=["OBrian","OBryan","O\'Brian","O\'Bryan"]': {
    odata: 'contacts?$select=fullname&$filter=Microsoft.Dynamics.CRM.In(PropertyName=\'lastname\',PropertyValues=["OBrian","OBryan","O\'Brian","O\'Bryan"])',
  },
  "contacts?$select=fullname&$filter=lastname eq 'O''Bryan'": { odata: "contacts?$select=fullname&$filter=lastname eq 'O''Bryan'" },
  "accounts?$filter=endswith(name,'Inc.')": { odata: "accounts?$filter=endswith(name,'Inc.')" },
  "accounts?$filter=startswith(name,'a')": { odata: "accounts?$filter=startswith(name,'a')" },
  "accounts?$filter=primarycontactid/fullname eq 'Susanna Stubberod (sample)'&$select=name,_primarycontactid_value": {
    odata: "accounts?$select=name,_primarycontactid_value&$filter=primarycontactid/fullname eq 'Susanna Stubberod (sample)'",
  },
  "accounts?$filter=primarycontactid/createdby/fullname eq 'System Administrator'&$select=name,_primarycontactid_value&$expand=primarycontactid($select=fullname,_createdby_value;$expand=createdby($select=fullname))&$top=1": {
    odata:
      "accounts?$select=name,_primarycontactid_value&$expand=primarycontactid($select=fullname,_createdby_value;$expand=createdby($select=fullname))&$filter=primarycontactid/createdby/fullname eq 'System Administrator'&$top=1",
  },
  "accounts?$select=name&$filter=Account_Emails/any(e:contains(e/subject,'sometext'))": { odata: "accounts?$select=name&$filter=Account_Emails/any(x0:contains(x0/subject,'sometext'))" },
  'accounts?$select=name&$filter=Account_Tasks/all(t:t/statecode eq 1)': { odata: 'accounts?$select=name&$filter=Account_Tasks/all(x0:x0/statecode eq 1)' },
  "accounts?$select=name&$filter=Account_Emails/any(e:contains(e/subject,'sometext') and e/statecode eq 0)": {
    odata: "accounts?$select=name&$filter=Account_Emails/any(x0:contains(x0/subject,'sometext') and x0/statecode eq 0)",
  },
  "accounts?$select=name&$filter=(contact_customer_accounts/any(c:c/jobtitle eq 'jobtitle' and c/opportunity_customer_contacts/any(o:o/description ne 'N/A'))) and endswith(name,'Inc.')": {
    odata: "accounts?$select=name&$filter=contact_customer_accounts/any(x0:x0/jobtitle eq 'jobtitle' and x0/opportunity_customer_contacts/any(x3:x3/description ne 'N/A')) and endswith(name,'Inc.')",
  },
  'accounts?$filter=primarycontactid/new_contact_account/any(a:a/accountid eq 00000000-0000-0000-0000-000000000002)': { problem: /only collection-valued navigation properties of one-to-many relationships/ },
  "accounts?$select=name&$expand=Account_Tasks($select=subject;$filter=contains(subject,'Task');$orderby=createdon desc)": { problem: /collection-valued navigation returns nested arrays/ },
  'accounts?$select=name&$expand=primarycontactid($select=fullname),Account_Tasks($select=subject)': { problem: /\$expand=Account_Tasks: a collection-valued navigation/ },
  'accounts(78914942-34cb-ed11-b596-0022481d68cd)/Account_Tasks?$select=subject': { problem: /Only a query of a whole entity set/ },
  'accounts?$select=name&$expand=primarycontactid($select=contactid,fullname),createdby($select=fullname)': { odata: 'accounts?$select=name&$expand=primarycontactid($select=contactid,fullname),createdby($select=fullname)' },
  'accounts?$select=name&$expand=primarycontactid/$ref': { problem: /primarycontactid\/\$ref/ },
  'contacts(70bf4d48-34cb-ed11-b596-0022481d68cd)': { problem: /addresses a single record/ },
  'tasks?$select=subject&$expand=regardingobjectid_contact_task($select=fullname;$expand=parentcustomerid_account($select=name;$expand=createdby($select=fullname)))': {
    odata: 'tasks?$select=subject&$expand=regardingobjectid_contact_task($select=fullname;$expand=parentcustomerid_account($select=name;$expand=createdby($select=fullname)))',
  },
  'accounts?$apply=groupby((statuscode))': { odata: 'accounts?$apply=groupby((statuscode))' },
  'accounts?$apply=groupby((statuscode),aggregate($count as count))': { odata: 'accounts?$apply=groupby((statuscode),aggregate($count as count))' },
  'accounts?$apply=aggregate(revenue with sum as total)': { odata: 'accounts?$apply=aggregate(revenue with sum as total)' },
  'accounts?$apply=groupby((statuscode),aggregate(revenue with average as averagevalue))': { odata: 'accounts?$apply=groupby((statuscode),aggregate(revenue with average as averagevalue))' },
  'accounts?$apply=groupby((statuscode),aggregate(revenue with sum as total))': { odata: 'accounts?$apply=groupby((statuscode),aggregate(revenue with sum as total))' },
  'accounts?$apply=groupby((primarycontactid/fullname),aggregate(revenue with sum as total))': { problem: /\$apply groupby: 'primarycontactid\/fullname' reaches into a related table/ },
  "accounts?$apply=filter(address1_stateorprovince eq 'WA')/groupby((primarycontactid/fullname))": { problem: /\$apply groupby: 'primarycontactid\/fullname' reaches into a related table/ },
  'accounts?$apply=aggregate(createdon with max as lastCreate)': { odata: 'accounts?$apply=aggregate(createdon with max as lastCreate)' },
  'accounts?$apply=aggregate(createdon with min as firstCreate)': { odata: 'accounts?$apply=aggregate(createdon with min as firstCreate)' },
  'accounts?$apply=groupby((statecode,statuscode,accountcategorycode))': { odata: 'accounts?$apply=groupby((statecode,statuscode,accountcategorycode))' },
  "accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName=@p1,PropertyValue=@p2)&@p1='name'&@p2=42": { odata: "accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='name',PropertyValue=42)" },
  'accounts(00000000-0000-0000-0000-000000000001)': { problem: /addresses a single record/ },
  'accounts(accountid=00000000-0000-0000-0000-000000000001)': { problem: /addresses a single record/ },
  "accounts(accountnumber='ABC123')": { problem: /addresses a single record/ },
  "contacts(firstname='Joe',emailaddress1='abc@example.com')": { problem: /addresses a single record/ },
  'accounts(_primarycontactid_value=00000000-0000-0000-0000-000000000002)': { problem: /addresses a single record/ },
  'accounts?$filter=(Microsoft.Dynamics.CRM.LastXDays(PropertyName=%27new_externalsupplierupdated%27,PropertyValue=2))': { problem: /'new_externalsupplierupdated' is not a column of account/ },
  // A fragment as the documentation shows it (`$filter:` in prose), not a URL.
  "$filter: msdyn_creditconsumed gt 0 and (Microsoft.Dynamics.CRM.LastXDays(PropertyName='msdyn_processingdate',PropertyValue=1))": { problem: /does not parse/ },
  // Page 2 of a query with a collection-valued $expand.
  'accounts?$select=name&$expand=primarycontactid($select=fullname),Account_Tasks($select=subject)&$skiptoken=%3Ccookie%20pagenumber=%222%22%20pagingcookie=%22%253ccookie%2520page%253d%25221%2522%253e%253caccountid%2520last%253d%2522%257b78914942-34CB-ED11-B596-0022481D68CD%257d%2522%2520first%253d%2522%257b78914942-34CB-ED11-B596-0022481D68CD%257d%2522%2520%252f%253e%253c%252fcookie%253e%22%20istracking=%22False%22%20/%3E':
    { problem: /\$expand=Account_Tasks: a collection-valued navigation/ },
};

suite('convert: OData queries from Microsoft’s documentation', () => {
  const queries = dataverseQueries();

  test('every Dataverse query of the corpus has an expectation', () => {
    assert.ok(queries.length >= 40, `${queries.length} queries`);
    assert.deepEqual(queries.map((q) => q.query).filter((q) => !(q in expectations)), []);
  });

  for (const { source, query } of queries) {
    const expected = expectations[query];
    if (!expected) continue;
    test(`${query}  (${source.split('@')[0]})`, () => {
      if ('odata' in expected) assert.equal(roundTripFromOData(query).odata, expected.odata);
      else {
        const result = convert(query, 'fetchxml');
        assert.ok(!result.ok, `expected no conversion of ${query}`);
        assert.match(result.problems.join(' | '), expected.problem);
      }
    });
  }
});

// ------------------------------------------------------------------------------------------------ FetchXML corpus

const fixtures = join(projectRoot, 'test', 'fixtures', 'fetchxml');

/** What each FetchXML fixture gives in OData, or why it does not convert. */
const fetchExpectations: Record<string, { odata: string } | { problem: RegExp }> = {
  'aggregate.fetchxml': { problem: /aggregate='countcolumn' \(rows with data in 'numberofemployees'\) has no OData \$apply method/ },
  'fetch-element.fetchxml': { odata: 'accounts' },
  'filter-eq.fetchxml': { odata: "accounts?$select=name&$filter=address1_city eq 'Redmond'" },
  'filter-or.fetchxml': { odata: "accounts?$select=name,address1_city&$filter=address1_city eq 'Redmond' or address1_city eq 'Seattle' or address1_city eq 'Bellevue'" },
  'link-many-to-many.fetchxml': { problem: /<link-entity name='teammembership' from='systemuserid' to='systemuserid'>: only many-to-one links/ },
  'link-many-to-one.fetchxml': { problem: /an inner join drops account rows without a related row; OData \$expand keeps them/ },
  'link-one-to-many.fetchxml': { problem: /<link-entity name='account' from='primarycontactid' to='contactid'>: only many-to-one links/ },
  'operator-between.fetchxml': { odata: 'accounts?$select=name&$filter=Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["6","20"])' },
  'operator-eq-userid.fetchxml': { odata: "accounts?$select=name&$filter=Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid')" },
  'operator-in-fiscal-year.fetchxml': { odata: "accounts?$select=name&$filter=Microsoft.Dynamics.CRM.InFiscalYear(PropertyName='createdon',PropertyValue=2023)" },
  'operator-last-fiscal-period.fetchxml': { problem: /fetchxml\.unknown-entity .*Unknown table 'order'/ },
  'operator-next-x-fiscal-years.fetchxml': { odata: "opportunities?$select=name&$filter=Microsoft.Dynamics.CRM.NextXFiscalYears(PropertyName='estimatedclosedate',PropertyValue=3)" },
  'order.fetchxml': { odata: 'accounts?$select=name,accountnumber,createdon&$orderby=createdon,name,accountnumber' },
};

suite('convert: FetchXML queries from Microsoft’s documentation', () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.fetchxml')).sort();

  test('every fixture has an expectation and a source', () => {
    const sources = readFileSync(join(fixtures, 'SOURCES.md'), 'utf8');
    assert.deepEqual(files.filter((f) => !(f in fetchExpectations) || !sources.includes(`| ${f} |`)), []);
  });

  for (const file of files) {
    test(file, () => {
      const text = readFileSync(join(fixtures, file), 'utf8');
      const expected = fetchExpectations[file]!;
      const result = convert(text, 'odata');
      if ('problem' in expected) {
        assert.ok(!result.ok, `expected no conversion of ${file}`);
        assert.match(result.problems.join(' | '), expected.problem);
        return;
      }
      const odata = ok(result, file);
      assert.equal(odata, expected.odata);
      // And back: the FetchXML written from that OData converts to the same OData.
      const { odata: again } = roundTripFromOData(odata);
      assert.equal(again, odata);
    });
  }
});

suite('convert: what cannot be expressed says which part and why', () => {
  const cases: [string, 'fetchxml' | 'odata', RegExp][] = [
    ['accounts?$select=name&$skip=10', 'fetchxml', /\$skip has no FetchXML equivalent/],
    ['accounts?$search=contoso', 'fetchxml', /\$search has no FetchXML equivalent/],
    ["<fetch page='2' count='10'><entity name='account'><attribute name='name' /></entity></fetch>", 'odata', /page='2'.*OData pages with @odata\.nextLink/],
    ["<fetch distinct='true'><entity name='account'><attribute name='name' /></entity></fetch>", 'odata', /distinct='true'> has no OData equivalent/],
    ["<fetch><entity name='account'><attribute name='name' alias='n' /></entity></fetch>", 'odata', /OData has no column aliases outside \$apply/],
    ["<fetch><entity name='account'><filter><condition attribute='name' operator='like' value='a%b' /></filter></entity></fetch>", 'odata', /a wildcard inside the pattern has no OData equivalent/],
    ["<fetch aggregate='true'><entity name='account'><attribute name='createdon' alias='m' groupby='true' dategrouping='month' /></entity></fetch>", 'odata', /dategrouping='month' has no OData \$apply equivalent/],
    ['<fetch><entity name="account"><attribute name="nme" /></entity></fetch>', 'odata', /fetchxml\.unknown-attribute/],
    ['accounts?$select=name', 'odata', /not FetchXML/],
  ];
  for (const [input, to, problem] of cases) {
    test(input, () => {
      const result = convert(input, to);
      assert.ok(!result.ok);
      assert.match(result.problems.join(' | '), problem);
    });
  }

  test('like with escaped wildcards converts, and back', () => {
    const fetchXml = ok(convert("accounts?$filter=contains(name,'50%_off')", 'fetchxml'), 'like');
    assert.match(fetchXml, /value='%50\[%\]\[_\]off%'/);
    assert.equal(ok(convert(fetchXml, 'odata'), fetchXml), "accounts?$filter=contains(name,'50%_off')");
  });

  test('$count with $top: count, page 1 and the total record count, and back', () => {
    const fetchXml = ok(convert('accounts?$select=name&$top=5&$count=true', 'fetchxml'), 'count');
    assert.match(fetchXml, /^<fetch count='5' page='1' returntotalrecordcount='true'>/);
    assert.equal(ok(convert(fetchXml, 'odata'), fetchXml), 'accounts?$select=name&$top=5&$count=true');
  });

  test('$apply filter(…) before the aggregation is the rows\' filter: one FetchXML filter, and back to filter(…)', () => {
    const { fetchXml, odata } = roundTripFromOData("accounts?$apply=filter(address1_stateorprovince eq 'WA')/filter(revenue gt 1000 or revenue eq null)/groupby((statuscode),aggregate($count as count))");
    assert.equal(
      fetchXml,
      [
        "<fetch aggregate='true'>",
        "  <entity name='account'>",
        "    <attribute name='statuscode' alias='statuscode' groupby='true' />",
        "    <attribute name='accountid' alias='count' aggregate='count' />",
        "    <filter type='and'>",
        "      <condition attribute='address1_stateorprovince' operator='eq' value='WA' />",
        "      <filter type='or'>",
        "        <condition attribute='revenue' operator='gt' value='1000' />",
        "        <condition attribute='revenue' operator='null' />",
        '      </filter>',
        '    </filter>',
        '  </entity>',
        '</fetch>',
      ].join('\n'),
    );
    assert.equal(odata, "accounts?$apply=filter(address1_stateorprovince eq 'WA' and (revenue gt 1000 or revenue eq null))/groupby((statuscode),aggregate($count as count))");
  });

  test('$apply filter(…) alone answers whole rows: a plain filtered fetch, and back as $filter', () => {
    const fetchXml = ok(convert("accounts?$apply=filter(address1_stateorprovince eq 'WA')", 'fetchxml'), 'filter alone');
    assert.doesNotMatch(fetchXml, /aggregate/);
    assert.equal(ok(convert(fetchXml, 'odata'), fetchXml), "accounts?$filter=address1_stateorprovince eq 'WA'");
  });

  test('$apply filter(…) after the aggregation filters groups: a clear problem', () => {
    const result = convert("accounts?$apply=groupby((address1_city))/filter(address1_city eq 'Redmond')", 'fetchxml');
    assert.ok(!result.ok);
    assert.match(result.problems.join(' | '), /\$apply filter\(…\) after groupby or aggregate \(a filter of the groups\) has no FetchXML equivalent/);
  });
});

suite('convert: never throws', () => {
  test('random cuts of real queries in both directions answer ok or problems', () => {
    const inputs = [
      ...Object.keys(expectations),
      ...readdirSync(fixtures)
        .filter((f) => f.endsWith('.fetchxml'))
        .map((f) => readFileSync(join(fixtures, f), 'utf8')),
    ];
    for (const input of inputs) {
      for (let cut = 0; cut <= input.length; cut += Math.max(1, Math.floor(input.length / 25))) {
        const text = input.slice(0, cut);
        for (const to of ['fetchxml', 'odata'] as const) {
          const result = convert(text, to);
          assert.ok(result.ok ? typeof result.text === 'string' : result.problems.length > 0 && !result.problems.some((p) => p.startsWith('Internal error')), `${to} of ${JSON.stringify(text)}: ${JSON.stringify(result)}`);
        }
      }
    }
  });
});
