// OData <-> FetchXML conversion checked by its answers: real Dataverse Web API queries (from Microsoft's query
// documentation, each with its source) are converted to FetchXML with `convertQuery`, and both run against the
// real sample service (the OData query as is, the FetchXML as `GET {set}?fetchXml=`); the rows must be the same.
// The FetchXML is then converted back to OData, and that query must answer the same rows too.
//
// The model is test/fixtures/metadata/dataverse-sample.xml: its entity types have Dataverse's logical names
// (`account`), which FetchXML needs; the sample service's own $metadata names its types like its sets.
//
// The documentation's values are replaced by ones the sample data has. Left out, because of the sample service, not
// the converter: the Web API query functions (Between, In: CAP's OData parser rejects `Microsoft.Dynamics.CRM.X(…)`),
// `/all(…)` (the sample's FetchXML does not evaluate link-type 'all'), and lower-case `contains`/`startswith` values
// (CAP compares case-sensitively, FetchXML `like` does not, as in Dataverse).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleService } from '../../sample-service/start.mjs';
import { useSampleService } from './sampleServiceHarness';
import { sendRequest } from '../../../client/src/features/runner/http/engine';
import { prepareRequest } from '../../../client/src/features/runner/http/prepare';
import type { RunnerEnvironment } from '../../../client/src/features/runner/types';
import { convertQuery, createModelIndex, readCsdl, type ModelIndex } from '../../../server/src/odata/index';

const DOCS = 'https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/query/';

interface RoundTripCase {
  /** The documentation page the query is taken from (or modelled on, with this service's columns and values). */
  source: string;
  odata: string;
  /** The columns compared: root columns by name, an expanded (link-entity) column as `navigation.column`. */
  columns: string[];
  /** Whether the query orders its rows (then the order is compared too). */
  ordered?: boolean;
  /** Compared columns the query's rows have no value in (every other one must have a value in some row). */
  allNull?: string[];
}

const cases: RoundTripCase[] = [
  { source: `${DOCS}select-columns`, odata: "accounts?$select=name,revenue&$filter=address1_city eq 'Redmond'", columns: ['accountid', 'name', 'revenue'] },
  { source: `${DOCS}filter-rows`, odata: 'accounts?$select=name,revenue&$filter=revenue lt 100000 and revenue gt 2000', columns: ['accountid', 'name', 'revenue'] },
  { source: `${DOCS}filter-rows`, odata: "accounts?$select=name&$filter=contains(name,'Coffee') or contains(name,'Solar')", columns: ['accountid', 'name'] },
  { source: `${DOCS}filter-rows`, odata: "accounts?$select=name,address1_city&$filter=not contains(name,'Coho') and address1_city eq 'Seattle'", columns: ['accountid', 'name', 'address1_city'] },
  { source: `${DOCS}filter-rows`, odata: "accounts?$select=name,revenue&$filter=(contains(name,'Coffee') or contains(name,'Solar')) and revenue gt 5000", columns: ['accountid', 'name', 'revenue'] },
  { source: `${DOCS}filter-rows`, odata: "accounts?$select=name&$filter=endswith(name,'Inc.')", columns: ['accountid', 'name'] },
  { source: `${DOCS}filter-rows`, odata: "accounts?$select=name&$filter=startswith(name,'A')", columns: ['accountid', 'name'] },
  { source: `${DOCS}filter-rows`, odata: 'contacts?$select=fullname&$filter=firstname eq lastname', columns: ['contactid', 'fullname'] },
  { source: `${DOCS}filter-rows`, odata: "contacts?$select=fullname&$filter=lastname eq 'O''Bryan' or lastname eq 'Nguyen'", columns: ['contactid', 'fullname'] },
  { source: `${DOCS}filter-rows`, odata: "contacts?$select=fullname,jobtitle&$filter=jobtitle ne null and address1_city eq 'Redmond'", columns: ['contactid', 'fullname', 'jobtitle'] },
  { source: `${DOCS}filter-rows`, odata: "contacts?$select=fullname,jobtitle&$filter=jobtitle eq null and address1_city eq 'Seattle'", columns: ['contactid', 'fullname', 'jobtitle'], allNull: ['jobtitle'] },
  { source: `${DOCS}filter-rows`, odata: "accounts?$filter=primarycontactid/lastname eq 'Nguyen'&$select=name,_primarycontactid_value", columns: ['accountid', 'name', '_primarycontactid_value'] },
  { source: `${DOCS}order-rows`, odata: 'accounts?$select=name,revenue&$orderby=revenue desc,name asc&$top=20', columns: ['accountid', 'name', 'revenue'], ordered: true },
  { source: `${DOCS}order-rows`, odata: "contacts?$select=fullname,jobtitle&$filter=address1_city eq 'Redmond'&$orderby=lastname asc,firstname desc", columns: ['contactid', 'fullname', 'jobtitle'], ordered: true },
  { source: `${DOCS}join-tables`, odata: "accounts?$select=name&$expand=primarycontactid($select=fullname)&$filter=address1_city eq 'Redmond'", columns: ['accountid', 'name', 'primarycontactid.fullname'] },
  { source: `${DOCS}count-rows`, odata: "accounts?$select=name&$filter=address1_city eq 'Seattle'&$count=true", columns: ['accountid', 'name', '@odata.count'] },
  { source: `${DOCS}aggregate-data`, odata: 'accounts?$apply=groupby((statuscode),aggregate($count as count))', columns: ['statuscode', 'count'] },
  { source: `${DOCS}aggregate-data`, odata: 'accounts?$apply=aggregate(revenue with sum as total)', columns: ['total'] },
  { source: `${DOCS}aggregate-data`, odata: 'accounts?$apply=groupby((statuscode),aggregate(revenue with average as averagevalue))', columns: ['statuscode', 'averagevalue'] },
  { source: `${DOCS}aggregate-data`, odata: 'accounts?$apply=groupby((statecode,statuscode,accountcategorycode))', columns: ['statecode', 'statuscode', 'accountcategorycode'] },
  { source: `${DOCS}aggregate-data`, odata: "accounts?$apply=filter(address1_country eq 'Canada')/groupby((address1_city),aggregate($count as count))", columns: ['address1_city', 'count'] },
  { source: `${DOCS}aggregate-data`, odata: "accounts?$apply=filter(address1_country eq 'Canada' and revenue gt 100000)/aggregate(revenue with sum as total)", columns: ['total'] },
  { source: `${DOCS}filter-rows`, odata: "accounts?$select=name&$filter=contact_customer_accounts/any(c:c/jobtitle eq 'Sales Manager') and address1_city eq 'Redmond'", columns: ['accountid', 'name'] },
  { source: `${DOCS}join-tables`, odata: "contacts?$select=fullname&$expand=parentcustomerid_account($select=name)&$filter=address1_city eq 'Redmond'", columns: ['contactid', 'fullname', 'parentcustomerid_account.name'] },
];

type Row = Record<string, unknown>;

let service: SampleService;
let environment: RunnerEnvironment;
let model: ModelIndex;

/** Every row of a GET (following `@odata.nextLink`), with the answer's `@odata.count` if any. */
async function rowsOf(url: string): Promise<{ rows: Row[]; count?: number }> {
  const rows: Row[] = [];
  let count: number | undefined;
  let next: string | undefined = url;
  for (let page = 0; next; page++) {
    assert.ok(page < 50, `too many pages for ${url}`);
    // The Prefer header asks for FetchXML's total record count (`returntotalrecordcount`).
    const prepared = prepareRequest(`GET ${next}\nPrefer: odata.include-annotations="Microsoft.Dynamics.CRM.totalrecordcount"`, 0, environment);
    assert.ok(prepared.ok, prepared.ok ? '' : prepared.failure.message);
    const outcome = await sendRequest(prepared.request, { token: async () => undefined });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    assert.equal(outcome.status, 200, `${decodeURIComponent(next)}: ${outcome.bodyText.slice(0, 400)}`);
    const body = outcome.json as { value: Row[]; '@odata.count'?: number; '@Microsoft.Dynamics.CRM.totalrecordcount'?: number; '@odata.nextLink'?: string };
    rows.push(...body.value);
    count ??= body['@odata.count'] ?? body['@Microsoft.Dynamics.CRM.totalrecordcount'];
    next = body['@odata.nextLink'];
  }
  return { rows, count };
}

/** A value as compared: numbers by value (a decimal may come as a string), a missing column as null. */
function comparable(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(value)) return Number(value);
  return value;
}

/** One row as `column -> value` over the compared columns: an expanded entity's columns become `navigation.column`. */
function project(row: Row, columns: string[]): Row {
  const flat: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value as Row)) flat[`${key}.${inner}`] = innerValue;
    } else flat[key] = value;
  }
  return Object.fromEntries(columns.filter((c) => c !== '@odata.count').map((c) => [c, comparable(flat[c])]));
}

function canonical(result: { rows: Row[]; count?: number }, testCase: RoundTripCase): unknown {
  const rows = result.rows.map((row) => JSON.stringify(project(row, testCase.columns)));
  if (!testCase.ordered) rows.sort();
  return testCase.columns.includes('@odata.count') ? { count: result.count, rows } : rows;
}

function converted(input: string, to: 'fetchxml' | 'odata'): string {
  const result = convertQuery({ model, input, to });
  assert.ok(result.ok, `${input} -> ${to}: ${result.ok ? '' : result.problems.join(' | ')}`);
  return result.text;
}

before(() => {
  model = createModelIndex(readCsdl(readFileSync(join(__dirname, '..', '..', 'fixtures', 'metadata', 'dataverse-sample.xml'), 'utf8')));
});
useSampleService((started, env) => {
  service = started;
  environment = env;
});

describe('OData -> FetchXML -> OData round trips answer the same rows on the sample service', () => {
  test('the corpus has sources and queries of every kind', () => {
    assert.ok(cases.length >= 10);
    for (const c of cases) assert.match(c.source, /^https:\/\/learn\.microsoft\.com\//, c.odata);
  });

  for (const testCase of cases) {
    test(`${testCase.odata}  (${testCase.source.slice(DOCS.length)})`, async () => {
      const entitySet = testCase.odata.split('?')[0];
      const expected = await rowsOf(`${service.serviceRoot}${testCase.odata}`);
      assert.ok(expected.rows.length > 0, `the OData query answers no rows: ${testCase.odata}`);
      for (const column of testCase.columns.filter((c) => c !== '@odata.count')) {
        const valued = expected.rows.some((row) => project(row, [column])[column] !== null);
        assert.equal(valued, !testCase.allNull?.includes(column), `whether ${column} has a value`);
      }
      const want = canonical(expected, testCase);

      const fetchXml = converted(testCase.odata, 'fetchxml');
      const fromFetchXml = await rowsOf(`${service.serviceRoot}${entitySet}?fetchXml=${encodeURIComponent(fetchXml)}`);
      assert.deepEqual(canonical(fromFetchXml, testCase), want, `FetchXML:\n${fetchXml}`);

      const back = converted(fetchXml, 'odata');
      assert.equal(back.split('?')[0], entitySet);
      const fromBack = await rowsOf(`${service.serviceRoot}${back}`);
      assert.deepEqual(canonical(fromBack, testCase), want, `OData back: ${back}`);
    });
  }
});
