// The sample service (test/sample-service: SAP CAP with Dataverse-shaped data) answers as the end-to-end tests,
// the request runner's tests and the demo expect, and the project's own core reads its $metadata.
// The first run installs the service's dependencies (npm ci, compiling better-sqlite3: a few minutes).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ensureInstalled } from '../../sample-service/install.mjs';
import { startSampleService, type SampleService } from '../../sample-service/start.mjs';
import { checkUrl, createModelIndex, detectFlavor, readCsdl } from '../../../server/src/odata/index';

const require = createRequire(import.meta.url);
const startScript = fileURLToPath(new URL('../../sample-service/start.mjs', import.meta.url));
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Row = Record<string, unknown>;
interface Page {
  value: Row[];
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntilGone(pid: number, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

describe('sample service', () => {
  let service: SampleService;
  /** GET relative to the service root; returns the parsed JSON, failing on any non-2xx answer. */
  async function get<T = Page>(path: string): Promise<T> {
    const url = new URL(path, service.serviceRoot);
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    const text = await res.text();
    assert.equal(res.status, 200, `GET ${url} -> ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  before(
    async (t) => {
      const install = await ensureInstalled();
      if (install.installed) (t as unknown as { diagnostic?: (s: string) => void }).diagnostic?.(`installed in ${(install.ms / 1000).toFixed(1)} s`);
      service = await startSampleService();
      console.log(`# sample service ready at ${service.serviceRoot} in ${service.startupMs.toFixed(0)} ms`);
    },
    { timeout: 20 * 60_000 },
  );
  after(async () => {
    await service?.stop();
  });

  test('listens on 127.0.0.1 at /api/data/v9.2/', () => {
    assert.match(service.serviceRoot, /^http:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/$/);
    assert.ok(service.port > 0);
    assert.equal(service.url, `http://127.0.0.1:${service.port}`);
  });

  test('$metadata is CSDL XML with the Dataverse entity sets', async () => {
    const res = await fetch(new URL('$metadata', service.serviceRoot));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/xml/);
    const xml = await res.text();
    assert.match(xml, /<edmx:Edmx Version="4\.0"/);
    assert.match(xml, /<Schema Namespace="Microsoft\.Dynamics\.CRM"/);
    for (const set of ['accounts', 'contacts', 'leads', 'opportunities', 'incidents', 'activitypointers', 'tasks']) {
      assert.match(xml, new RegExp(`<EntitySet Name="${set}"`), set);
    }
  });

  test('$metadata names entity types as Dataverse does: by the logical name, with the plural as the set (XML and JSON)', async () => {
    const expected: Array<[string, string]> = [
      ['accounts', 'account'],
      ['contacts', 'contact'],
      ['leads', 'lead'],
      ['opportunities', 'opportunity'],
      ['incidents', 'incident'],
      ['activitypointers', 'activitypointer'],
      ['tasks', 'task'],
      ['customapis', 'customapi'],
      ['EntityDefinitions', 'EntityMetadata'],
    ];
    const xml = await (await fetch(new URL('$metadata', service.serviceRoot))).text();
    for (const [set, type] of expected) {
      assert.match(xml, new RegExp(`<EntityType Name="${type}"`), type);
      assert.match(xml, new RegExp(`<EntitySet Name="${set}" EntityType="Microsoft\\.Dynamics\\.CRM\\.${type}"`), set);
    }
    // No reference to a type by its set's name is left (navigation properties, bound actions, annotations).
    assert.doesNotMatch(xml, /<EntityType Name="(accounts|contacts|tasks)"|Microsoft\.Dynamics\.CRM\.(accounts|contacts|tasks)\b/);
    assert.match(xml, /<NavigationProperty Name="primarycontactid" Type="Microsoft\.Dynamics\.CRM\.contact"/);
    assert.match(xml, /<Parameter Name="in" Type="Microsoft\.Dynamics\.CRM\.account"/);
    const json = await get<Record<string, Record<string, { $Kind?: string; $Type?: string } & Record<string, { $Type?: string }>>>>('$metadata?$format=json');
    const schema = json['Microsoft.Dynamics.CRM']!;
    assert.equal(schema.account?.$Kind, 'EntityType');
    assert.equal(schema.accounts, undefined);
    assert.equal(schema.EntityContainer?.accounts?.$Type, 'Microsoft.Dynamics.CRM.account');
  });

  test('$select and $top', async () => {
    const page = await get('accounts?$select=name&$top=3');
    assert.equal(page.value.length, 3);
    for (const row of page.value) {
      assert.equal(typeof row.name, 'string');
      assert.match(String(row.accountid), GUID);
      assert.equal(row.revenue, undefined);
    }
  });

  test('server-driven paging: @odata.nextLink gives the next page', async () => {
    const firstUrl = new URL('accounts?$select=name', service.serviceRoot);
    const first = await get(firstUrl.href);
    assert.equal(first.value.length, 50);
    const next = first['@odata.nextLink'];
    assert.ok(next, 'a plain accounts answer carries @odata.nextLink');
    const second = await get(new URL(next, firstUrl).href);
    assert.equal(second.value.length, 50);
    const keys = new Set(first.value.map((r) => r.accountid));
    assert.ok(second.value.every((r) => !keys.has(r.accountid)), 'the second page has other rows');
    // $top up to the maximum page size (500) is honoured without a nextLink.
    const big = await get('accounts?$select=accountid&$top=500');
    assert.equal(big.value.length, 500);
  });

  test('$filter on money, $orderby', async () => {
    const page = await get('accounts?$select=name,revenue&$filter=revenue gt 1000000&$orderby=revenue desc&$top=20');
    assert.equal(page.value.length, 20);
    let last = Infinity;
    for (const row of page.value) {
      assert.ok(Number(row.revenue) > 1_000_000);
      assert.ok(Number(row.revenue) <= last);
      last = Number(row.revenue);
    }
  });

  test('$expand of the primary contact, with nested $select', async () => {
    const page = await get('accounts?$select=name&$expand=primarycontactid($select=fullname)&$top=20');
    const expanded = page.value.filter((r) => r.primarycontactid);
    assert.ok(expanded.length > 10, 'most accounts have a primary contact');
    for (const row of expanded) {
      const contact = row.primarycontactid as Row;
      assert.equal(typeof contact.fullname, 'string');
      assert.match(contact.fullname as string, /^\S+ \S+/);
    }
  });

  test('$count=true gives @odata.count for every table', async () => {
    const expected: Record<string, number> = { accounts: 2000, contacts: 5000, leads: 1000, opportunities: 1000, incidents: 500, activitypointers: 3000 };
    for (const [set, min] of Object.entries(expected)) {
      const page = await get(`${set}?$count=true&$top=1`);
      assert.ok((page['@odata.count'] ?? 0) >= min, `${set}: ${page['@odata.count']} >= ${min}`);
    }
  });

  test('relations: contacts of an account, back to the account, activities regarding it, lambdas', async () => {
    const page = await get(
      'accounts?$select=name&$expand=contact_customer_accounts($select=fullname,_parentcustomerid_value),Account_ActivityPointers($select=subject,activitytypecode),Account_Tasks($select=subject,percentcomplete),opportunity_parent_account($select=name)' +
        '&$filter=contact_customer_accounts/any(c:c/statecode eq 0) and Account_ActivityPointers/any()&$top=5',
    );
    assert.ok(page.value.length > 0);
    for (const account of page.value) {
      const contacts = account.contact_customer_accounts as Row[];
      assert.ok(contacts.length > 0);
      for (const c of contacts) assert.equal(c._parentcustomerid_value, account.accountid);
      assert.ok((account.Account_ActivityPointers as Row[]).length > 0);
      for (const t of account.Account_Tasks as Row[]) assert.equal(typeof t.percentcomplete, 'number');
    }
    const contact = await get<Page>(`contacts?$select=fullname&$expand=parentcustomerid_account($select=name)&$filter=_parentcustomerid_value ne null&$top=1`);
    assert.equal(typeof (contact.value[0].parentcustomerid_account as Row).name, 'string');
    const activities = await get(`activitypointers?$select=subject&$expand=regardingobjectid_account($select=name)&$filter=activitytypecode eq 'task'&$top=50`);
    assert.ok(activities.value.some((a) => a.regardingobjectid_account));
  });

  test('the function WhoAmI() answers', async () => {
    const who = await get<Row>('WhoAmI()');
    for (const key of ['BusinessUnitId', 'UserId', 'OrganizationId']) assert.match(String(who[key]), GUID, key);
  });

  test('the bound action new_CalculateRollup answers and writes the rollup', async () => {
    // An active account with open opportunities.
    const opps = await get(`opportunities?$select=_parentaccountid_value&$filter=statecode eq 0&$top=1`);
    const accountid = String(opps.value[0]._parentaccountid_value);
    const open = await get(`opportunities?$select=estimatedvalue&$filter=_parentaccountid_value eq ${accountid} and statecode eq 0&$count=true`);
    const res = await fetch(new URL(`accounts(${accountid})/Microsoft.Dynamics.CRM.new_CalculateRollup`, service.serviceRoot), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const result = JSON.parse(text) as Row;
    assert.equal(result.OpenOpportunityCount, open['@odata.count']);
    const sum = open.value.reduce((n, r) => n + Number(r.estimatedvalue), 0);
    assert.ok(Math.abs(Number(result.OpenOpportunityValue) - sum) < 0.01, `${result.OpenOpportunityValue} = ${sum}`);
    const account = await get<Row>(`accounts(${accountid})?$select=new_openopportunitycount,new_openopportunityvalue`);
    assert.equal(account.new_openopportunitycount, open['@odata.count']);
  });

  test('ETags: a stale If-Match gets 412, the current one succeeds, none updates unconditionally', async () => {
    const page = await get('accounts?$select=name&$top=1&$skip=7');
    const row = page.value[0];
    const url = new URL(`accounts(${row.accountid})`, service.serviceRoot);
    const etag = String(row['@odata.etag']);
    assert.match(etag, /^W\/"\d+"$/);
    const patch = (body: Row, ifMatch?: string) =>
      fetch(url, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) },
        body: JSON.stringify(body),
      });
    const ok = await patch({ telephone1: '+1 206 555 0100' }, etag);
    assert.equal(ok.status, 200, await ok.text());
    const newEtag = ok.headers.get('etag');
    assert.ok(newEtag && newEtag !== etag, `the ETag changes: ${etag} -> ${newEtag}`);
    const stale = await patch({ telephone1: '+1 206 555 0101' }, etag);
    assert.equal(stale.status, 412);
    await stale.text();
    const unconditional = await patch({ telephone1: '+1 206 555 0102' });
    assert.ok(unconditional.status === 200 || unconditional.status === 204, `PATCH without If-Match: ${unconditional.status}`);
    await unconditional.text();
    const after = await get<Row>(`accounts(${row.accountid})?$select=telephone1`);
    assert.equal(after.telephone1, '+1 206 555 0102');
  });

  test("the project's core reads the service's $metadata and checks queries against it", async () => {
    const xml = await (await fetch(new URL('$metadata', service.serviceRoot))).text();
    const doc = readCsdl(xml);
    assert.deepEqual(doc.errors, []);
    assert.equal(detectFlavor(doc), 'dataverse');
    const model = createModelIndex(doc);
    for (const set of ['accounts', 'contacts', 'leads', 'opportunities', 'incidents', 'activitypointers', 'tasks']) {
      assert.ok(model.findEntitySet(set), `entity set ${set}`);
    }
    const good = [
      'accounts?$select=name&$expand=primarycontactid($select=fullname)',
      'accounts?$select=name,revenue&$filter=revenue gt 1000000&$orderby=revenue desc&$top=5&$count=true',
      'contacts?$select=fullname,_parentcustomerid_value&$expand=parentcustomerid_account($select=name)',
      'accounts?$expand=contact_customer_accounts($select=fullname;$top=2),opportunity_parent_account($select=name,estimatedvalue)',
      "accounts?$filter=contact_customer_accounts/any(c:c/jobtitle eq 'Owner')",
      'accounts(0002771f-0253-47ff-975e-d5a4195116e6)/Account_Tasks?$select=subject,scheduledend',
      'accounts(0002771f-0253-47ff-975e-d5a4195116e6)/Microsoft.Dynamics.CRM.new_CalculateRollup',
      'WhoAmI()',
      'incidents?$select=title,ticketnumber,prioritycode&$expand=customerid_account($select=name)',
    ];
    for (const url of good) {
      const diagnostics = checkUrl(url, model, { flavor: 'dataverse' });
      assert.deepEqual(
        diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`),
        [],
        url,
      );
    }
    const bad = checkUrl('accounts?$select=nmae', model, { flavor: 'dataverse' });
    assert.ok(bad.some((d) => d.severity === 'error'), 'a misspelt property is an error');
  });

  test('a port in use fails with the server output in the error', async () => {
    await assert.rejects(startSampleService({ port: service.port, timeoutMs: 30_000 }), (e: Error) => {
      assert.match(e.message, /did not start/);
      assert.match(e.message, /EADDRINUSE/);
      return true;
    });
  });

  test('the command line prints the service root and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [startScript, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // The service root goes to stdout, "ready ... (pid N)" to stderr: wait for both.
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (/^http\S+$/m.test(out) && /\(pid \d+\)/.test(err)) resolve();
        };
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          check();
        });
        child.stderr.on('data', check);
        void exited.then((code) => reject(new Error(`start.mjs exited (${code}): ${err}`)));
      });
      const root = out.split('\n').find((l) => l.startsWith('http'))!.trim();
      assert.match(root, /^http:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/$/);
      const serverPid = Number(/\(pid (\d+)\)/.exec(err)?.[1]);
      const res = await fetch(`${root}accounts?$top=1&$select=name`);
      assert.equal(res.status, 200);
      await res.text();
      child.kill('SIGINT');
      assert.equal(await exited, 0, err);
      assert.match(err, /stopped \(SIGINT\)/);
      assert.ok(await waitUntilGone(serverPid), `server pid ${serverPid} is gone`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); // start.mjs then stops its server
    }
  });

  test('stop() ends the server process and its group', async () => {
    const pid = service.pid;
    assert.ok(processAlive(pid));
    await service.stop();
    assert.equal(processAlive(pid), false, `pid ${pid} is gone`);
    assert.throws(() => process.kill(-pid, 0), { code: 'ESRCH' });
    await assert.rejects(fetch(new URL('$metadata', service.serviceRoot)));
  });
});

test('the generated data is deterministic and realistic', () => {
  const { generate, COUNTS } = require('../../sample-service/db/generate.js') as {
    generate: (o?: { seed?: number }) => Record<string, Row[]>;
    COUNTS: Record<string, number>;
  };
  const a = generate();
  const b = generate();
  assert.equal(JSON.stringify(a), JSON.stringify(b), 'the same seed gives the same data');
  assert.notEqual(JSON.stringify(generate({ seed: 7 }).account.slice(0, 5)), JSON.stringify(a.account.slice(0, 5)));
  assert.equal(a.account.length, COUNTS.accounts);
  assert.ok(a.account.length >= 2000);
  assert.equal(a.contact.length, COUNTS.contacts);
  assert.equal(new Set(a.account.map((r) => r.name)).size, a.account.length, 'account names are unique');
  const ids = [...a.account, ...a.contact].map((r) => r.accountid ?? r.contactid);
  assert.equal(new Set(ids).size, ids.length, 'GUIDs are unique');
  for (const r of a.account) {
    assert.match(String(r.accountid), GUID);
    assert.ok(r.statecode === 0 ? r.statuscode === 1 : r.statuscode === 2);
    assert.ok(String(r.createdon) <= String(r.modifiedon));
  }
  const contactIds = new Set(a.contact.map((c) => c.contactid));
  for (const r of a.account) if (r._primarycontactid_value) assert.ok(contactIds.has(r._primarycontactid_value));
});
