// Preparing a request of an `.odata` file: encoding of real queries, variables, headers, other hosts, and the
// refusal of an Authorization header written in the file.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isWriteMethod, prepareRequest } from '../../../../client/src/features/runner/http/prepare';
import type { PreparedRequest, RunnerEnvironment } from '../../../../client/src/features/runner/types';

const dataverse: RunnerEnvironment = { name: 'contoso-dev', flavor: 'dataverse', serviceRoot: 'https://contoso.crm.dynamics.com/api/data/v9.2/' };
const bc: RunnerEnvironment = { name: 'bc', flavor: 'bc', serviceRoot: 'https://api.businesscentral.dynamics.com/v2.0/t/Live/api/v2.0/' };
const ROOT = dataverse.serviceRoot;

function prepared(text: string, environment = dataverse, index = 0): PreparedRequest {
  const result = prepareRequest(text, index, environment, { systemVariables: (name) => (name === '$guid' ? 'g-u-i-d' : undefined) });
  assert.ok(result.ok, result.ok ? '' : result.failure.message);
  return result.request;
}

function header(request: PreparedRequest, name: string): string | undefined {
  return request.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/** Queries from /work/shared/corpus/queries (real Dataverse docs and code), as written and as they must be sent. */
const corpusLines = readFileSync('/work/shared/corpus/queries/real-queries.txt', 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.split('\t')[1]);

const ENCODING_TABLE: Array<[written: string, sent: string]> = [
  ["accounts?$filter=_owninguser_value eq '<systemuserid value>'&$select=name", "accounts?$filter=_owninguser_value%20eq%20'%3Csystemuserid%20value%3E'&$select=name"],
  ['contacts?$select=fullname&$filter=firstname eq lastname', 'contacts?$select=fullname&$filter=firstname%20eq%20lastname'],
  [
    'accounts?$select=name,numberofemployees&$filter=Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["5","2000"])',
    "accounts?$select=name,numberofemployees&$filter=Microsoft.Dynamics.CRM.Between(PropertyName='numberofemployees',PropertyValues=%5B%225%22,%222000%22%5D)",
  ],
  [
    'contacts?$select=fullname&$filter=Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1=\'lastname\'&@p2=["OBrian","OBryan","O\'Brian","O\'Bryan"]',
    "contacts?$select=fullname&$filter=Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1='lastname'&@p2=%5B%22OBrian%22,%22OBryan%22,%22O'Brian%22,%22O'Bryan%22%5D",
  ],
  ["contacts?$select=fullname&$filter=lastname eq 'O''Bryan'", "contacts?$select=fullname&$filter=lastname%20eq%20'O''Bryan'"],
  [
    "accounts?$filter=primarycontactid/createdby/fullname eq 'System Administrator'&$select=name,_primarycontactid_value&$expand=primarycontactid($select=fullname,_createdby_value;$expand=createdby($select=fullname))&$top=1",
    "accounts?$filter=primarycontactid/createdby/fullname%20eq%20'System%20Administrator'&$select=name,_primarycontactid_value&$expand=primarycontactid($select=fullname,_createdby_value;$expand=createdby($select=fullname))&$top=1",
  ],
  [
    "accounts?$select=name&$filter=(contact_customer_accounts/any(c:c/jobtitle eq 'jobtitle' and c/opportunity_customer_contacts/any(o:o/description ne 'N/A'))) and endswith(name,'Inc.')",
    "accounts?$select=name&$filter=(contact_customer_accounts/any(c:c/jobtitle%20eq%20'jobtitle'%20and%20c/opportunity_customer_contacts/any(o:o/description%20ne%20'N/A')))%20and%20endswith(name,'Inc.')",
  ],
  [
    "/accounts?$select=name&$expand=Account_Tasks($select=subject;$filter=contains(subject,'Task');$orderby=createdon desc)",
    "accounts?$select=name&$expand=Account_Tasks($select=subject;$filter=contains(subject,'Task');$orderby=createdon%20desc)",
  ],
  ['accounts?$apply=groupby((statuscode),aggregate($count as count))', 'accounts?$apply=groupby((statuscode),aggregate($count%20as%20count))'],
  ["accounts?$apply=filter(address1_stateorprovince eq 'WA')/groupby((primarycontactid/fullname))", "accounts?$apply=filter(address1_stateorprovince%20eq%20'WA')/groupby((primarycontactid/fullname))"],
  ['?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName=@p1,PropertyValue=@p2)&@p1=\'name\'&@p2=42', "?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName=@p1,PropertyValue=@p2)&@p1='name'&@p2=42"],
  ["/contacts(firstname='Joe',emailaddress1='abc@example.com')", "contacts(firstname='Joe',emailaddress1='abc@example.com')"],
  ['accounts?$expand=primarycontactid/$ref', 'accounts?$expand=primarycontactid/$ref'],
  // An already encoded skip token and %27 quotes are kept as they are.
  [
    'accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%20pagingcookie=%22%253ccookie%2520page%253d%25221%2522%253e%22%20/%3E',
    'accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%20pagingcookie=%22%253ccookie%2520page%253d%25221%2522%253e%22%20/%3E',
  ],
  ['accounts?$filter=(Microsoft.Dynamics.CRM.LastXDays(PropertyName=%27new_x%27,PropertyValue=2))', 'accounts?$filter=(Microsoft.Dynamics.CRM.LastXDays(PropertyName=%27new_x%27,PropertyValue=2))'],
  // `+` is a plus, never a space; non-ASCII as UTF-8; # & = inside string literals.
  ["accounts?$filter=contains(telephone1,'+49 30')", "accounts?$filter=contains(telephone1,'%2B49%2030')"],
  ["accounts?$filter=name eq 'Müller & Söhne'", "accounts?$filter=name%20eq%20'M%C3%BCller%20%26%20S%C3%B6hne'"],
  ["accounts?$filter=name eq 'a=b#c?d'&$top=5", "accounts?$filter=name%20eq%20'a%3Db%23c%3Fd'&$top=5"],
  ["accounts?$filter=name eq '東京 🚀'", "accounts?$filter=name%20eq%20'%E6%9D%B1%E4%BA%AC%20%F0%9F%9A%80'"],
  ["accounts(accountnumber='A?B&C')/contact_customer_accounts", "accounts(accountnumber='A%3FB%26C')/contact_customer_accounts"],
  ['accounts?$search="blue & green"&$count=true', 'accounts?$search=%22blue%20%26%20green%22&$count=true'],
  ['accounts?$filter=modifiedon gt 2026-01-01T00:00:00+01:00', 'accounts?$filter=modifiedon%20gt%202026-01-01T00:00:00%2B01:00'],
  // A stray % and a quote that never closes.
  ['accounts?$filter=contains(name,\'100%\')', "accounts?$filter=contains(name,'100%25')"],
  ["accounts?$filter=name eq O'Neil&$top=1", "accounts?$filter=name%20eq%20O'Neil&$top=1"],
];

describe('prepareRequest: encoding', () => {
  for (const [written, sent] of ENCODING_TABLE) {
    test(written, () => {
      assert.equal(prepared(`GET ${written}`).url, ROOT + sent);
    });
  }

  test('the table comes from the corpus of real queries', () => {
    const fromCorpus = ENCODING_TABLE.filter(([written]) => corpusLines.some((line) => line.includes(written.replace(/^\//, '').slice(0, 40))));
    assert.ok(fromCorpus.length >= 10, `only ${fromCorpus.length} rows found in the corpus`);
  });

  test('every corpus query relative to the service root gives a URL that node accepts and that decodes back to what was written', () => {
    let checked = 0;
    for (const query of corpusLines) {
      if (/(https?:|\[|^[A-Z]+ )/.test(query) || /\s{2}\[/.test(query)) continue;
      const result = prepareRequest(query, 0, dataverse);
      assert.ok(result.ok, query);
      const url = result.request.url;
      assert.doesNotMatch(url, /[\s"<>\\^`{|}]/, url);
      assert.doesNotThrow(() => new URL(url));
      const tail = url.slice(ROOT.length);
      assert.equal(decodeURIComponent(tail), decodeURIComponent(query.replace(/^\//, '').replace(/%(?![0-9A-Fa-f]{2})/g, '%25')));
      checked++;
    }
    assert.ok(checked >= 25, `checked ${checked}`);
  });

  test('continuation lines are joined', () => {
    const request = prepared("GET accounts?$select=name,revenue&$filter=revenue gt 1000000\n    &$orderby=revenue desc\n    &$top=10\n");
    assert.equal(request.url, `${ROOT}accounts?$select=name,revenue&$filter=revenue%20gt%201000000&$orderby=revenue%20desc&$top=10`);
  });

  test('an absolute URL on the same host, and a path from the host root, are kept on it', () => {
    assert.equal(prepared('GET https://contoso.crm.dynamics.com/api/data/v9.2/WhoAmI()').url, `${ROOT}WhoAmI()`);
    assert.equal(prepared('GET /api/data/v9.2/accounts?$top=1').url, `${ROOT}accounts?$top=1`);
    assert.equal(prepared('GET /accounts?$top=1').url, `${ROOT}accounts?$top=1`);
  });
});

describe('prepareRequest: variables', () => {
  test('{{name}} from @name = value, nested, in the URL, headers and body', () => {
    const text = [
      '@top = 5',
      '@name = Contoso Ltd',
      "@filter = name eq '{{name}}'",
      '### Create then read',
      'GET accounts?$filter={{filter}}&$top={{top}}',
      'Prefer: odata.maxpagesize={{top}}',
      '',
      '### Create',
      'POST accounts',
      '',
      '{ "name": "{{name}}", "id": "{{$guid}}" }',
    ].join('\n');
    const get = prepared(text, dataverse, 0);
    assert.equal(get.url, `${ROOT}accounts?$filter=name%20eq%20'Contoso%20Ltd'&$top=5`);
    assert.equal(header(get, 'Prefer'), 'odata.maxpagesize=5');
    assert.equal(get.title, 'Create then read');
    const post = prepared(text, dataverse, 1);
    assert.equal(post.body, '{ "name": "Contoso Ltd", "id": "g-u-i-d" }');
  });

  test('unresolved variables are refused with their names', () => {
    const result = prepareRequest('GET accounts?$top={{top}}&$filter=name eq {{who}}\nPrefer: {{prefer}}', 0, dataverse);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.failure.kind, 'invalidRequest');
    for (const name of ['{{top}}', '{{who}}', '{{prefer}}']) assert.match(result.failure.message, new RegExp(name.replace(/[{}]/g, '\\$&')));
  });

  test('a variable that refers to itself is refused', () => {
    const result = prepareRequest('@a = x{{a}}\nGET accounts?$top={{a}}', 0, dataverse);
    assert.ok(!result.ok && result.failure.kind === 'invalidRequest' && /itself/.test(result.failure.message));
  });

  test('real system variables by default: a fresh GUID each time', () => {
    const one = prepareRequest('GET accounts({{$guid}})', 0, dataverse);
    const two = prepareRequest('GET accounts({{$guid}})', 0, dataverse);
    assert.ok(one.ok && two.ok);
    assert.match(one.request.url, /accounts\([0-9a-f-]{36}\)$/);
    assert.notEqual(one.request.url, two.request.url);
  });
});

describe('prepareRequest: headers', () => {
  test('OData defaults, If-None-Match: null on Dataverse GETs only, the title from method and URL', () => {
    const get = prepared('accounts?$top=1');
    assert.deepEqual(get.headers, [
      ['Accept', 'application/json'],
      ['OData-MaxVersion', '4.0'],
      ['OData-Version', '4.0'],
      ['If-None-Match', 'null'],
    ]);
    assert.equal(get.method, 'GET');
    assert.equal(get.title, 'GET accounts?$top=1');
    assert.equal(header(prepared('accounts', bc), 'If-None-Match'), undefined);
    assert.equal(header(prepared('PATCH accounts(1)\n\n{"name":"x"}'), 'If-None-Match'), undefined);
  });

  test('a body gets Content-Type: application/json unless the file says otherwise; the file wins case-insensitively', () => {
    const post = prepared('POST accounts\n\n{"name":"x"}');
    assert.equal(header(post, 'Content-Type'), 'application/json');
    const own = prepared('POST accounts\ncontent-type: application/json; charset=utf-8\naccept: application/json;odata.metadata=full\n\n{"name":"x"}');
    assert.deepEqual(
      own.headers.filter(([n]) => /^(content-type|accept)$/i.test(n)),
      [
        ['content-type', 'application/json; charset=utf-8'],
        ['accept', 'application/json;odata.metadata=full'],
      ],
    );
  });

  test('a multipart body is sent with CRLF line breaks and asks for a multipart answer', () => {
    const batch = prepared('POST $batch\nContent-Type: multipart/mixed; boundary=batch_1\n\n--batch_1\nContent-Type: application/http\n\nGET accounts HTTP/1.1\n\n--batch_1--');
    assert.equal(batch.body, '--batch_1\r\nContent-Type: application/http\r\n\r\nGET accounts HTTP/1.1\r\n\r\n--batch_1--\r\n');
    assert.equal(header(batch, 'Accept'), 'multipart/mixed');
  });

  test('an Authorization header in the file is refused', () => {
    const result = prepareRequest('GET accounts\nauthorization: Bearer eyJ0eXAiOiJKV1Qi', 0, dataverse);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.failure.kind, 'invalidRequest');
    assert.match(result.failure.message, /sign in to the environment instead; tokens don't belong in files/);
    assert.doesNotMatch(result.failure.message, /eyJ0eXAi/);
  });
});

describe('prepareRequest: hosts and mistakes', () => {
  test('an absolute URL to another host is refused with both hosts named', () => {
    const result = prepareRequest('GET https://evil.example.com/api/data/v9.2/accounts', 0, dataverse);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.failure.kind, 'otherHost');
    assert.match(result.failure.message, /https:\/\/evil\.example\.com/);
    assert.match(result.failure.message, /https:\/\/contoso\.crm\.dynamics\.com/);
  });

  test('another port or scheme of the same name is another origin', () => {
    for (const url of ['http://contoso.crm.dynamics.com/api/data/v9.2/accounts', 'https://contoso.crm.dynamics.com:8443/api/data/v9.2/accounts']) {
      const result = prepareRequest(`GET ${url}`, 0, dataverse);
      assert.ok(!result.ok && result.failure.kind === 'otherHost', url);
    }
  });

  test('no request at that index', () => {
    const result = prepareRequest('GET accounts', 3, dataverse);
    assert.ok(!result.ok && result.failure.kind === 'invalidRequest' && /number 4/.test(result.failure.message));
  });

  test('isWriteMethod', () => {
    for (const method of ['POST', 'patch', 'PUT', 'DELETE', 'MERGE']) assert.equal(isWriteMethod(method), true, method);
    for (const method of ['GET', 'HEAD', 'OPTIONS']) assert.equal(isWriteMethod(method), false, method);
  });
});
