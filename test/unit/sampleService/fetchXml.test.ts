// The sample service answers `GET {entityset}?fetchXml=` as Dataverse does (test/sample-service/srv/fetchXml.js).
// Each FetchXML query is checked against the same question asked through CAP's own OData evaluation ($filter,
// $count, $expand), which shares no code with the FetchXML evaluation, or against rows computed here from OData.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSampleService, type SampleService } from '../../sample-service/start.mjs';

type Row = Record<string, unknown>;
interface Answer {
  status: number;
  body: { value?: Row[]; error?: { code: string; message: string }; [k: string]: unknown };
  headers: Headers;
}

const ALL = 'odata.include-annotations="*"';
const FORMATTED = '@OData.Community.Display.V1.FormattedValue';

describe('sample service: FetchXML', () => {
  let service: SampleService;

  before(async () => {
    service = await startSampleService();
  }, { timeout: 20 * 60_000 });
  after(async () => {
    await service?.stop();
  });

  async function fetchXml(set: string, xml: string, { prefer = ALL, count = false } = {}): Promise<Answer> {
    const url = `${service.serviceRoot}${set}?fetchXml=${encodeURIComponent(xml)}${count ? '&$count=true' : ''}`;
    const res = await fetch(url, { headers: { accept: 'application/json', ...(prefer ? { prefer } : {}) } });
    return { status: res.status, body: (await res.json()) as Answer['body'], headers: res.headers };
  }
  async function rows(set: string, xml: string, options?: { prefer?: string }): Promise<Row[]> {
    const a = await fetchXml(set, xml, options);
    assert.equal(a.status, 200, JSON.stringify(a.body).slice(0, 400));
    return a.body.value ?? [];
  }
  /** How many rows OData's $filter gives (CAP's evaluation), and how many the FetchXML condition gives. */
  async function odataCount(set: string, filter: string): Promise<number> {
    const res = await fetch(`${service.serviceRoot}${set}?$filter=${encodeURIComponent(filter)}&$count=true&$top=1&$select=${set === 'accounts' ? 'accountid' : 'contactid'}`);
    const body = (await res.json()) as { '@odata.count': number };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body['@odata.count'];
  }
  async function fetchCount(entity: string, set: string, filter: string, links = ''): Promise<number> {
    const a = await fetchXml(set, `<fetch count="1"><entity name="${entity}"><attribute name="${entity}id"/>${links}<filter>${filter}</filter></entity></fetch>`, { count: true });
    assert.equal(a.status, 200, JSON.stringify(a.body).slice(0, 400));
    return a.body['@odata.count'] as number;
  }
  async function allAccounts(): Promise<Row[]> {
    const out: Row[] = [];
    let url: string | undefined = `${service.serviceRoot}accounts?$select=accountid,name,numberofemployees,revenue,industrycode,createdon,address1_city&$top=2000`;
    while (url) {
      const res = await fetch(url);
      const page = (await res.json()) as { value: Row[]; '@odata.nextLink'?: string };
      out.push(...page.value);
      url = page['@odata.nextLink'] ? new URL(page['@odata.nextLink'], url).href : undefined;
    }
    return out;
  }

  const c = (attribute: string, operator: string, value?: string, values?: string[]) =>
    `<condition attribute="${attribute}" operator="${operator}"${value !== undefined ? ` value="${value}"` : ''}${values ? `>${values.map((v) => `<value>${v}</value>`).join('')}</condition>` : ' />'}`;

  const cases: Array<[string, string, string]> = [
    ['eq', c('numberofemployees', 'eq', '250'), 'numberofemployees eq 250'],
    ['ne', c('industrycode', 'ne', '7'), 'industrycode ne 7'],
    ['neq', c('industrycode', 'neq', '7'), 'industrycode ne 7'],
    ['gt', c('numberofemployees', 'gt', '1000'), 'numberofemployees gt 1000'],
    ['ge', c('revenue', 'ge', '1000000'), 'revenue ge 1000000'],
    ['lt', c('numberofemployees', 'lt', '50'), 'numberofemployees lt 50'],
    ['le', c('revenue', 'le', '250000'), 'revenue le 250000'],
    ['like', c('name', 'like', '%bank%'), "contains(tolower(name),'bank')"],
    ['not-like', c('name', 'not-like', '%bank%'), "not contains(tolower(name),'bank')"],
    ['begins-with', c('name', 'begins-with', 'adv'), "startswith(tolower(name),'adv')"],
    ['not-begin-with', c('name', 'not-begin-with', 'adv'), "not startswith(tolower(name),'adv')"],
    ['ends-with', c('name', 'ends-with', 'gmbh'), "endswith(tolower(name),'gmbh')"],
    ['not-end-with', c('name', 'not-end-with', 'gmbh'), "not endswith(tolower(name),'gmbh')"],
    ['in', c('industrycode', 'in', undefined, ['1', '2', '3']), 'industrycode eq 1 or industrycode eq 2 or industrycode eq 3'],
    ['not-in', c('industrycode', 'not-in', undefined, ['1', '2', '3']), 'industrycode ne 1 and industrycode ne 2 and industrycode ne 3'],
    ['between', c('revenue', 'between', undefined, ['1000000', '5000000']), 'revenue ge 1000000 and revenue le 5000000'],
    ['not-between', c('revenue', 'not-between', undefined, ['1000000', '5000000']), 'revenue lt 1000000 or revenue gt 5000000'],
    ['null', c('parentaccountid', 'null'), '_parentaccountid_value eq null'],
    ['not-null', c('parentaccountid', 'not-null'), '_parentaccountid_value ne null'],
    ['eq on a boolean', c('creditonhold', 'eq', '1'), 'creditonhold eq true'],
    ['on', c('createdon', 'on', '2024-03-05'), 'createdon ge 2024-03-05T00:00:00Z and createdon lt 2024-03-06T00:00:00Z'],
    ['on-or-before', c('createdon', 'on-or-before', '2024-03-05'), 'createdon lt 2024-03-06T00:00:00Z'],
    ['on-or-after', c('createdon', 'on-or-after', '2024-03-05'), 'createdon ge 2024-03-05T00:00:00Z'],
    ['gt on a date', c('createdon', 'gt', '2025-06-01T00:00:00Z'), 'createdon gt 2025-06-01T00:00:00Z'],
    ['nested filters (and of or)', `${c('statecode', 'eq', '0')}<filter type="or">${c('industrycode', 'eq', '1')}${c('numberofemployees', 'gt', '5000')}</filter>`, 'statecode eq 0 and (industrycode eq 1 or numberofemployees gt 5000)'],
    ['an or filter of and filters', `<filter type="or"><filter>${c('industrycode', 'eq', '2')}${c('statecode', 'eq', '1')}</filter><filter>${c('industrycode', 'eq', '3')}${c('statecode', 'eq', '0')}</filter></filter>`, '(industrycode eq 2 and statecode eq 1) or (industrycode eq 3 and statecode eq 0)'],
  ];
  for (const [name, condition, filter] of cases) {
    test(`operator ${name}: as many accounts as OData's $filter=${filter}`, async () => {
      const expected = await odataCount('accounts', filter);
      assert.ok(expected > 0, `the data has accounts for ${filter}`);
      assert.equal(await fetchCount('account', 'accounts', condition), expected);
    });
  }

  test('relative date operators count from the clock: last-x-days, last-x-months, last-x-years, olderthan-x-years, this-year', async () => {
    const now = new Date();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const months = (n: number) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, now.getUTCDate());
    const checks: Array<[string, string]> = [
      [c('createdon', 'last-x-days', '400'), `createdon ge ${iso(today - 400 * 86_400_000)} and createdon lt ${iso(now.getTime() + 60_000)}`],
      [c('createdon', 'last-x-months', '18'), `createdon ge ${iso(months(18))} and createdon lt ${iso(now.getTime() + 60_000)}`],
      [c('createdon', 'last-x-years', '2'), `createdon ge ${iso(months(24))} and createdon lt ${iso(now.getTime() + 60_000)}`],
      [c('createdon', 'olderthan-x-years', '2'), `createdon lt ${iso(months(24))}`],
      [c('createdon', 'this-year'), `createdon ge ${iso(Date.UTC(now.getUTCFullYear(), 0, 1))} and createdon lt ${iso(Date.UTC(now.getUTCFullYear() + 1, 0, 1))}`],
    ];
    for (const [condition, filter] of checks) assert.equal(await fetchCount('account', 'accounts', condition), await odataCount('accounts', filter), condition);
  });

  test('a lookup compares by GUID, with or without braces and in any case', async () => {
    const res = await fetch(`${service.serviceRoot}accounts?$select=_primarycontactid_value&$filter=_primarycontactid_value ne null&$top=1`);
    const id = ((await res.json()) as { value: Row[] }).value[0]._primarycontactid_value as string;
    const expected = await odataCount('accounts', `_primarycontactid_value eq ${id}`);
    assert.equal(await fetchCount('account', 'accounts', c('primarycontactid', 'eq', `{${id.toUpperCase()}}`)), expected);
  });

  test('link-entity inner (many-to-one) with a filter on the linked table: as OData filters through the navigation property', async () => {
    const links = `<link-entity name="contact" from="contactid" to="primarycontactid" alias="pc"><filter>${c('address1_city', 'eq', 'Berlin')}</filter></link-entity>`;
    assert.equal(await fetchCount('account', 'accounts', c('statecode', 'eq', '0'), links), await odataCount('accounts', "statecode eq 0 and primarycontactid/address1_city eq 'Berlin'"));
  });

  test('link-entity outer keeps every row; a root condition on the alias (entityname) finds the rows without a match', async () => {
    const links = '<link-entity name="contact" from="contactid" to="primarycontactid" alias="pc" link-type="outer" />';
    const total = await odataCount('accounts', 'true');
    assert.equal(await fetchCount('account', 'accounts', c('statecode', 'ge', '0'), links), total);
    const without = await fetchCount('account', 'accounts', '<condition entityname="pc" attribute="contactid" operator="null" />', links);
    assert.equal(without, await odataCount('accounts', '_primarycontactid_value eq null'));
  });

  test('link-entity any / not any: as OData any() over the collection navigation', async () => {
    const link = (type: string) => `<link-entity name="contact" from="parentcustomerid" to="accountid" link-type="${type}"><filter>${c('jobtitle', 'like', '%manager%')}</filter></link-entity>`;
    const any = await odataCount('accounts', "contact_customer_accounts/any(c:contains(tolower(c/jobtitle),'manager'))");
    assert.ok(any > 0);
    assert.equal(await fetchCount('account', 'accounts', link('any')), any);
    assert.equal(await fetchCount('account', 'accounts', link('not any')), (await odataCount('accounts', 'true')) - any);
  });

  test('nested link-entities give alias.attribute columns with the values OData $expand gives, and the attribute name', async () => {
    const xml = `<fetch top="25"><entity name="opportunity"><attribute name="name" /><order attribute="name" />
      <link-entity name="account" from="accountid" to="parentaccountid" alias="acct"><attribute name="name" />
        <link-entity name="contact" from="contactid" to="primarycontactid" alias="pc" link-type="outer"><attribute name="fullname" /></link-entity>
      </link-entity></entity></fetch>`;
    const got = await rows('opportunities', xml);
    assert.equal(got.length, 25);
    const res = await fetch(`${service.serviceRoot}opportunities?$select=opportunityid&$expand=parentaccountid($select=name;$expand=primarycontactid($select=fullname))&$filter=${encodeURIComponent(`opportunityid in (${got.map((r) => r.opportunityid as string).join(',')})`)}`);
    const expected = new Map(((await res.json()) as { value: Array<{ opportunityid: string; parentaccountid: { name: string; primarycontactid?: { fullname: string } } }> }).value.map((r) => [r.opportunityid, r]));
    for (const row of got) {
      const e = expected.get(row.opportunityid as string)!;
      assert.equal(row['acct.name'], e.parentaccountid.name);
      assert.equal(row['acct.name@OData.Community.Display.V1.AttributeName'], 'name');
      assert.equal(row['pc.fullname'], e.parentaccountid.primarycontactid?.fullname);
    }
    const names = got.map((r) => String(r.name).toLowerCase());
    assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  test('a one-to-many link-entity without an alias gets Dataverse default alias {name}{N}', async () => {
    const got = await rows('accounts', '<fetch top="3"><entity name="account"><attribute name="name" /><link-entity name="contact" from="parentcustomerid" to="accountid"><attribute name="lastname" /></link-entity></entity></fetch>');
    assert.ok(got.every((r) => typeof r['contact1.lastname'] === 'string'), JSON.stringify(got[0]));
  });

  test('aggregates count, countcolumn (distinct), sum, avg, min, max: as computed from the OData rows', async () => {
    const all = await allAccounts();
    const emp = all.map((r) => r.numberofemployees).filter((v): v is number => typeof v === 'number');
    const [row] = await rows('accounts', `<fetch aggregate="true"><entity name="account">
      <attribute name="numberofemployees" alias="Count" aggregate="count" />
      <attribute name="numberofemployees" alias="ColumnCount" aggregate="countcolumn" />
      <attribute name="numberofemployees" alias="Distinct" aggregate="countcolumn" distinct="true" />
      <attribute name="numberofemployees" alias="Sum" aggregate="sum" />
      <attribute name="numberofemployees" alias="Average" aggregate="avg" />
      <attribute name="numberofemployees" alias="Minimum" aggregate="min" />
      <attribute name="numberofemployees" alias="Maximum" aggregate="max" /></entity></fetch>`);
    const sum = emp.reduce((a, b) => a + b, 0);
    assert.equal(row.Count, all.length);
    assert.equal(row.ColumnCount, emp.length);
    assert.equal(row.Distinct, new Set(emp).size);
    assert.equal(row.Sum, sum);
    assert.equal(row.Average, Math.trunc(sum / emp.length));
    assert.equal(row.Minimum, Math.min(...emp));
    assert.equal(row.Maximum, Math.max(...emp));
    assert.equal(row[`Sum${FORMATTED}`], sum.toLocaleString('en-US'));
    assert.equal(row['Sum@OData.Community.Display.V1.AttributeName'], 'numberofemployees');
  });

  test('groupby with an order on its alias, and dategrouping year: as grouped from the OData rows', async () => {
    const all = await allAccounts();
    const byIndustry = new Map<number, number>();
    for (const r of all) if (typeof r.industrycode === 'number') byIndustry.set(r.industrycode, (byIndustry.get(r.industrycode) ?? 0) + 1);
    const got = await rows('accounts', `<fetch aggregate="true"><entity name="account"><attribute name="accountid" alias="n" aggregate="count" />
      <attribute name="industrycode" alias="industry" groupby="true" /><order alias="industry" descending="true" />
      <filter>${c('industrycode', 'not-null')}</filter></entity></fetch>`);
    assert.deepEqual(got.map((r) => [r.industry, r.n]), [...byIndustry].sort((a, b) => b[0] - a[0]));
    assert.equal(got.find((r) => r.industry === 16)?.[`industry${FORMATTED}`], 'Financial');
    const years = await rows('accounts', '<fetch aggregate="true"><entity name="account"><attribute name="accountid" alias="n" aggregate="count" /><attribute name="createdon" alias="year" groupby="true" dategrouping="year" /><order alias="year" /></entity></fetch>');
    const expected = new Map<number, number>();
    for (const r of all) expected.set(new Date(r.createdon as string).getUTCFullYear(), (expected.get(new Date(r.createdon as string).getUTCFullYear()) ?? 0) + 1);
    assert.deepEqual(years.map((r) => [r.year, r.n]), [...expected].sort((a, b) => a[0] - b[0]));
  });

  test('an aggregate grouped by a link-entity attribute (the link before any column): as grouped from OData $expand', async () => {
    const got = await rows('opportunities', `<fetch aggregate="true"><entity name="opportunity">
      <link-entity name="account" from="accountid" to="parentaccountid" alias="account"><attribute name="industrycode" alias="industry" groupby="true" /></link-entity>
      <attribute name="opportunityid" alias="n" aggregate="count" /><attribute name="estimatedvalue" alias="total" aggregate="sum" />
      <filter>${c('statecode', 'eq', '0')}</filter><order alias="industry" /></entity></fetch>`);
    const expected = new Map<number | null, { n: number; total: number }>();
    let url: string | undefined = `${service.serviceRoot}opportunities?$select=estimatedvalue&$filter=statecode eq 0&$expand=parentaccountid($select=industrycode)&$top=1000`;
    while (url) {
      const page = (await (await fetch(url)).json()) as { value: Array<{ estimatedvalue: number | null; parentaccountid: { industrycode: number | null } | null }>; '@odata.nextLink'?: string };
      for (const r of page.value) {
        if (!r.parentaccountid) continue;
        const g = expected.get(r.parentaccountid.industrycode) ?? { n: 0, total: 0 };
        g.n += 1;
        g.total += r.estimatedvalue ?? 0;
        expected.set(r.parentaccountid.industrycode, g);
      }
      url = page['@odata.nextLink'] ? new URL(page['@odata.nextLink'], url).href : undefined;
    }
    assert.equal(got.length, expected.size);
    for (const row of got) {
      const e = expected.get((row.industry as number | undefined) ?? null)!;
      assert.equal(row.n, e.n);
      assert.ok(Math.abs(Number(row.total ?? 0) - e.total) < 0.01, `${String(row.total)} vs ${e.total}`);
    }
  });

  test('distinct gives each value once, without the primary key', async () => {
    const got = await rows('accounts', '<fetch distinct="true"><entity name="account"><attribute name="address1_city" /><order attribute="address1_city" /></entity></fetch>');
    const cities = new Set((await allAccounts()).map((r) => r.address1_city).filter((v) => v != null));
    assert.equal(got.length, cities.size);
    assert.ok(got.every((r) => !('accountid' in r)));
  });

  test('top and descending order', async () => {
    const got = await rows('accounts', '<fetch top="5"><entity name="account"><attribute name="revenue" /><order attribute="revenue" descending="true" /></entity></fetch>');
    const expected = (await allAccounts()).map((r) => r.revenue as number | null).filter((v): v is number => v != null).sort((a, b) => b - a).slice(0, 5);
    assert.deepEqual(got.map((r) => r.revenue), expected);
  });

  test('paging cookies: pages follow each other without gaps or repeats, as simple paging gives them; the last page has no cookie', async () => {
    const fetchPage = (page: number, cookie?: string) =>
      fetchXml('accounts', `<fetch count="300" page="${page}"${cookie ? ` paging-cookie="${cookie.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"` : ''}><entity name="account"><attribute name="name" /><order attribute="name" descending="true" /></entity></fetch>`);
    const seen: string[] = [];
    let cookie: string | undefined;
    let page = 1;
    for (;;) {
      const a = await fetchPage(page, cookie);
      assert.equal(a.status, 200);
      const simple = await fetchPage(page);
      assert.deepEqual(a.body.value, simple.body.value, `page ${page} with the cookie is page ${page} of simple paging`);
      seen.push(...(a.body.value ?? []).map((r) => r.accountid as string));
      if (!a.body['@Microsoft.Dynamics.CRM.morerecords']) {
        assert.equal(a.body['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'], undefined);
        break;
      }
      const annotation = a.body['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'] as string;
      assert.match(annotation, new RegExp(`^<cookie pagenumber="${page + 1}" pagingcookie="[^"]+" istracking="False" />$`));
      cookie = decodeURIComponent(decodeURIComponent(/pagingcookie="([^"]+)"/.exec(annotation)![1]));
      assert.match(cookie, new RegExp(`^<cookie page="${page}"><name last=".*" first=".*" /><accountid last="\\{[0-9A-F-]{36}\\}" first="\\{[0-9A-F-]{36}\\}" /></cookie>$`));
      page++;
    }
    assert.equal(page, 7);
    assert.equal(seen.length, 2000);
    assert.equal(new Set(seen).size, 2000);
  });

  test('a cookie for another page than the one before is ignored, as Dataverse ignores it', async () => {
    const cookie = '&lt;cookie page=&quot;5&quot;&gt;&lt;accountid last=&quot;{FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF}&quot; first=&quot;{00000000-0000-4000-8000-000000000000}&quot; /&gt;&lt;/cookie&gt;';
    const withCookie = await rows('accounts', `<fetch count="10" page="2" paging-cookie="${cookie}"><entity name="account"><attribute name="name" /></entity></fetch>`);
    const simple = await rows('accounts', '<fetch count="10" page="2"><entity name="account"><attribute name="name" /></entity></fetch>');
    assert.deepEqual(withCookie, simple);
  });

  test('formatted values: money, choices, dates, booleans and lookups with their logical name; none without the Prefer header; nulls left out', async () => {
    const xml = '<fetch top="50"><entity name="account"><attribute name="revenue" /><attribute name="statecode" /><attribute name="createdon" /><attribute name="creditonhold" /><attribute name="primarycontactid" /><attribute name="websiteurl" /><filter><condition attribute="primarycontactid" operator="not-null" /></filter></entity></fetch>';
    const [row] = await rows('accounts', xml);
    assert.match(String(row[`revenue${FORMATTED}`]), /^\$[\d,]+\.\d\d$/);
    assert.equal(row[`statecode${FORMATTED}`], row.statecode === 0 ? 'Active' : 'Inactive');
    assert.match(String(row[`createdon${FORMATTED}`]), /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d [AP]M$/);
    assert.equal(row[`creditonhold${FORMATTED}`], row.creditonhold ? 'Yes' : 'No');
    assert.equal(row['_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname'], 'contact');
    const res = await fetch(`${service.serviceRoot}contacts(${row._primarycontactid_value as string})?$select=fullname`);
    assert.equal(row[`_primarycontactid_value${FORMATTED}`], ((await res.json()) as Row).fullname);
    const plain = await rows('accounts', xml, { prefer: '' });
    assert.ok(Object.keys(plain[0]).every((k) => !k.includes('@OData.Community') && !k.includes('@Microsoft')), Object.keys(plain[0]).join());
    const withNull = (await rows('accounts', '<fetch top="1"><entity name="account"><attribute name="name" /><attribute name="parentaccountid" /><filter><condition attribute="parentaccountid" operator="null" /></filter></entity></fetch>'))[0];
    assert.ok(withNull && !('_parentaccountid_value' in withNull), JSON.stringify(withNull));
  });

  test('morerecords and the cookie only when Prefer asks for them; @odata.count with $count=true', async () => {
    const xml = '<fetch count="10"><entity name="account"><attribute name="name" /></entity></fetch>';
    const plain = await fetchXml('accounts', xml, { prefer: '' });
    assert.equal(plain.body['@Microsoft.Dynamics.CRM.morerecords'], undefined);
    const asked = await fetchXml('accounts', xml, { prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.fetchxmlpagingcookie,Microsoft.Dynamics.CRM.morerecords"', count: true });
    assert.equal(asked.body['@Microsoft.Dynamics.CRM.morerecords'], true);
    assert.equal(typeof asked.body['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'], 'string');
    assert.equal(asked.body['@odata.count'], 2000);
    assert.equal(asked.headers.get('preference-applied'), 'odata.include-annotations="Microsoft.Dynamics.CRM.fetchxmlpagingcookie,Microsoft.Dynamics.CRM.morerecords"');
  });

  const errors: Array<[string, string, string, RegExp]> = [
    ['an element it does not evaluate', '<fetch><entity name="account"><attribute name="name" /><foo /></entity></fetch>', '0x80040203', /does not evaluate a 'foo' element inside 'entity'/],
    ['an operator it does not evaluate', `<fetch><entity name="account"><filter>${c('accountid', 'eq-or-under', '{00000000-0000-4000-8000-000000000000}')}</filter></entity></fetch>`, '0x80040203', /condition operator 'eq-or-under'/],
    ['link-type all', '<fetch><entity name="account"><link-entity name="contact" from="parentcustomerid" to="accountid" link-type="all" /></entity></fetch>', '0x80040203', /link-type 'all'/],
    ['an unknown attribute', '<fetch><entity name="account"><attribute name="nope" /></entity></fetch>', '0x80041103', /'account' entity doesn't contain attribute with Name = 'nope'/],
    ['another entity than the entity set', '<fetch><entity name="contact"><attribute name="fullname" /></entity></fetch>', '0x80040203', /does not match the entity set/],
    ['top with count', '<fetch top="5" count="5"><entity name="account"><attribute name="name" /></entity></fetch>', '0x80040203', /'top' attribute can't be specified with paging attribute 'count' or 'page'/],
    ['XML that is not well-formed', '<fetch><entity name="account"></fetch>', '0x80040203', /not well-formed/],
    ['a value of the wrong type', `<fetch><entity name="account"><filter>${c('numberofemployees', 'eq', 'many')}</filter></entity></fetch>`, '0x80040203', /'many' is not valid for the attribute 'numberofemployees'/],
  ];
  for (const [name, xml, code, message] of errors) {
    test(`a Dataverse-shaped 400 for ${name}`, async () => {
      const a = await fetchXml('accounts', xml);
      assert.equal(a.status, 400);
      assert.equal(a.body.error?.code, code);
      assert.match(a.body.error?.message ?? '', message);
    });
  }

  test('EntityDefinitions gives the entity set of each table by its logical name', async () => {
    const res = await fetch(`${service.serviceRoot}EntityDefinitions(LogicalName='activitypointer')?$select=EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute`);
    const body = (await res.json()) as Row;
    assert.equal(res.status, 200);
    assert.equal(body.EntitySetName, 'activitypointers');
    assert.equal(body.PrimaryIdAttribute, 'activityid');
    assert.equal(body.PrimaryNameAttribute, 'subject');
    const all = (await (await fetch(`${service.serviceRoot}EntityDefinitions?$select=LogicalName`)).json()) as { value: Row[] };
    assert.deepEqual(all.value.map((r) => r.LogicalName).sort(), ['account', 'activitypointer', 'company', 'contact', 'customapi', 'customapirequestparameter', 'customapiresponseproperty', 'incident', 'lead', 'opportunity', 'task']);
  });

  test('inside $batch, a FetchXML query longer than a URL may be (65,536 there) is answered', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => `<value>{00000000-0000-4000-8000-${String(i).padStart(12, '0')}}</value>`).join('');
    const res0 = await fetch(`${service.serviceRoot}accounts?$select=accountid&$top=3`);
    const real = ((await res0.json()) as { value: Row[] }).value.map((r) => `<value>${r.accountid as string}</value>`).join('');
    const xml = `<fetch><entity name="account"><attribute name="name" /><filter><condition attribute="accountid" operator="in">${ids}${real}</condition></filter></entity></fetch>`;
    const url = `accounts?fetchXml=${encodeURIComponent(xml)}`;
    assert.ok(url.length > 32_768 && url.length < 65_536, String(url.length));
    const body = `--batch_fx\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nGET ${url} HTTP/1.1\r\nAccept: application/json\r\nPrefer: ${ALL}\r\n\r\n\r\n--batch_fx--\r\n`;
    const res = await fetch(`${service.serviceRoot}$batch`, { method: 'POST', headers: { 'content-type': 'multipart/mixed;boundary=batch_fx', accept: 'multipart/mixed' }, body });
    const text = await res.text();
    assert.equal(res.status, 200, text.slice(0, 600));
    assert.match(text, /HTTP\/1\.1 200 OK/);
    const json = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { value: Row[] };
    assert.equal(json.value.length, 3);
  });
});
