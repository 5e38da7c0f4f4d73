/**
 * The results view model (client/src/features/runner/results/viewModel.ts): status line, the request as sent
 * with Authorization redacted, rows/count/nextLink of a collection, the service's error with Dataverse's
 * annotations, non-JSON bodies, failures and $batch parts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildResultView, partView, redactHeaders } from '../../../../client/src/features/runner/results/viewModel';
import type { PreparedRequest, RequestFailure, ResponseResult } from '../../../../client/src/features/runner/types';
import { ACCOUNTS_BODY } from './dataverseRows';

const SECRET = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-token';

const request: PreparedRequest = {
  method: 'GET',
  url: 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$select=name&$count=true',
  headers: [
    ['Accept', 'application/json'],
    ['OData-Version', '4.0'],
    ['Prefer', 'odata.include-annotations="*"'],
  ],
  title: 'Big accounts',
  environment: { name: 'contoso-dev', flavor: 'dataverse', serviceRoot: 'https://contoso.crm.dynamics.com/api/data/v9.2/' },
};

function response(overrides: Partial<ResponseResult>): ResponseResult {
  return {
    ok: true,
    status: 200,
    statusText: 'OK',
    headers: [['content-type', 'application/json; odata.metadata=minimal']],
    bodyText: '',
    size: 4608,
    truncated: false,
    elapsedMs: 123.4,
    attempts: 1,
    notes: [],
    ...overrides,
  };
}

describe('redaction', () => {
  test('Authorization never shows its secret, whatever its case or scheme', () => {
    const headers = redactHeaders([
      ['Authorization', `Bearer ${SECRET}`],
      ['authorization', `Basic ${SECRET}`],
      ['Proxy-Authorization', SECRET],
      ['Accept', 'application/json'],
    ]);
    assert.deepEqual(headers, [
      ['Authorization', 'Bearer •••'],
      ['authorization', 'Basic •••'],
      ['Proxy-Authorization', 'Bearer •••'],
      ['Accept', 'application/json'],
    ]);
  });

  test('a token that reached the request is not in the view anywhere', () => {
    const leaky: PreparedRequest = { ...request, headers: [...request.headers, ['Authorization', `Bearer ${SECRET}`]] };
    const view = buildResultView(leaky, response({ bodyText: JSON.stringify(ACCOUNTS_BODY), json: ACCOUNTS_BODY }));
    assert.ok(!JSON.stringify(view).includes(SECRET));
    assert.deepEqual(view.request.headers.at(-1), ['Authorization', 'Bearer •••']);
  });
});

describe('a collection', () => {
  const view = buildResultView(request, response({ bodyText: JSON.stringify(ACCOUNTS_BODY), json: ACCOUNTS_BODY, attempts: 2, notes: ['waited 2 s for Retry-After'] }));

  test('status line with status, time, size and attempts; notes kept', () => {
    assert.equal(view.statusLine, '200 OK · 123 ms · 4.5 KB · 2 attempts');
    assert.equal(view.success, true);
    assert.deepEqual(view.notes, ['waited 2 s for Retry-After']);
  });

  test('rows, @odata.count and the nextLink', () => {
    assert.equal(view.rows?.length, 3);
    assert.equal(view.count, 3);
    assert.equal(view.nextLink, ACCOUNTS_BODY['@odata.nextLink']);
    assert.equal(view.error, undefined);
    assert.equal(view.text, undefined);
  });

  test('the request as sent', () => {
    assert.equal(view.request.method, 'GET');
    assert.equal(view.request.url, request.url);
    assert.equal(view.request.environment, 'contoso-dev');
    assert.equal(view.title, 'Big accounts');
  });

  test('a relative nextLink resolves against the request URL', () => {
    const relative = buildResultView(request, response({ json: { value: [], '@odata.nextLink': 'accounts?$skiptoken=2' } }));
    assert.equal(relative.nextLink, 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$skiptoken=2');
  });

  test('each view has its own id', () => {
    const again = buildResultView(request, response({ json: ACCOUNTS_BODY }));
    assert.notEqual(again.id, view.id);
  });
});

describe('other bodies', () => {
  test('a single entity is one row', () => {
    const view = buildResultView(request, response({ json: { '@odata.context': 'x', accountid: '1', name: 'Contoso' } }));
    assert.equal(view.rows?.length, 1);
    assert.equal(view.count, undefined);
  });

  test('a Dataverse error: code, message, help link, trace text, inner message', () => {
    const body = {
      error: {
        code: '0x80060888',
        message: "Could not find a property named 'nam' on type 'Microsoft.Dynamics.CRM.account'.",
        '@Microsoft.PowerApps.CDS.HelpLink': 'http://go.microsoft.com/fwlink/?LinkID=398563&error=Microsoft.Crm.CrmException%3a80060888',
        '@Microsoft.PowerApps.CDS.TraceText': '[Plugin] trace line',
        '@Microsoft.PowerApps.CDS.InnerError.Message': 'inner detail',
      },
    };
    const view = buildResultView(request, response({ status: 400, statusText: 'Bad Request', json: body, bodyText: JSON.stringify(body) }));
    assert.equal(view.success, false);
    assert.deepEqual(view.error, {
      code: '0x80060888',
      message: "Could not find a property named 'nam' on type 'Microsoft.Dynamics.CRM.account'.",
      helpLink: 'http://go.microsoft.com/fwlink/?LinkID=398563&error=Microsoft.Crm.CrmException%3a80060888',
      traceText: '[Plugin] trace line',
      innerMessage: 'inner detail',
    });
    assert.equal(view.rows, undefined);
  });

  test("the engine's parsed error is used as is; a help link that is not http(s) is dropped", () => {
    const view = buildResultView(request, response({ status: 412, statusText: 'Precondition Failed', error: { code: '0x80060882', message: 'The version of the existing record does not match.', helpLink: 'javascript:alert(1)', raw: {} } }));
    assert.deepEqual(view.error, { code: '0x80060882', message: 'The version of the existing record does not match.' });
  });

  test('an HTML error page is shown as text with its content type', () => {
    const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    const view = buildResultView(request, response({ status: 502, statusText: 'Bad Gateway', headers: [['content-type', 'text/html']], bodyText: html }));
    assert.deepEqual(view.text, { text: html, truncated: false, contentType: 'text/html' });
    assert.deepEqual(view.error, { message: '502 Bad Gateway' });
  });

  test('invalid JSON says why; a cut body says so', () => {
    const view = buildResultView(request, response({ bodyText: '{"value": [', jsonError: 'Unexpected end of JSON input', truncated: true }));
    assert.equal(view.text?.jsonError, 'Unexpected end of JSON input');
    assert.equal(view.text?.truncated, true);
    assert.ok(view.statusLine.includes('cut at the size limit'));
    assert.ok(view.notes.some((note) => note.includes('size limit')));
  });

  test('a long text body is cut for the panel', () => {
    const view = buildResultView(request, response({ headers: [], bodyText: 'x'.repeat(300 * 1024) }));
    assert.equal(view.text?.text.length, 256 * 1024);
    assert.equal(view.text?.truncated, true);
  });

  test('204 No Content: no rows, no text', () => {
    const view = buildResultView({ ...request, method: 'PATCH', body: '{"name":"x"}' }, response({ status: 204, statusText: 'No Content', headers: [] }));
    assert.equal(view.rows, undefined);
    assert.equal(view.text, undefined);
    assert.equal(view.request.body, '{"name":"x"}');
    assert.equal(view.statusLine, '204 No Content · 123 ms · 4.5 KB');
  });

  test('a failure: its kind and message, no rows', () => {
    const failure: RequestFailure = { ok: false, kind: 'timeout', message: 'No answer from contoso.crm.dynamics.com in 30 s: check the network or raise the timeout.', elapsedMs: 30000, attempts: 1 };
    const view = buildResultView(request, failure);
    assert.equal(view.kind, 'failure');
    assert.equal(view.failureKind, 'timeout');
    assert.equal(view.statusLine, 'Failed (timeout) · 30.0 s');
    assert.deepEqual(view.notes, [failure.message]);
    assert.equal(view.rows, undefined);
  });
});

describe('$batch parts', () => {
  test('each part is a small result: rows, error or text', () => {
    const view = buildResultView({ ...request, method: 'POST', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/$batch' }, response({ headers: [['content-type', 'multipart/mixed']], bodyText: '--batch' }), [
      { status: 200, statusText: 'OK', method: 'GET', url: 'accounts?$top=1', json: { value: [{ name: 'A' }] } },
      { status: 204, statusText: 'No Content', contentId: '1', method: 'PATCH', url: '$1' },
      { status: 400, statusText: 'Bad Request', bodyText: '{"error":{"code":"0x1","message":"bad"}}' },
      { status: 200, body: 'plain text' },
      'not an object',
    ]);
    const parts = view.batchParts!;
    assert.equal(parts.length, 5);
    assert.equal(parts[0].label, 'Part 1 GET accounts?$top=1');
    assert.deepEqual(parts[0].rows, [{ name: 'A' }]);
    assert.equal(parts[0].success, true);
    assert.equal(parts[1].label, 'Part 2 (Content-ID 1) PATCH $1');
    assert.equal(parts[1].statusLine, '204 No Content');
    assert.deepEqual(parts[2].error, { code: '0x1', message: 'bad' });
    assert.equal(parts[2].success, false);
    assert.equal(parts[3].text?.text, 'plain text');
    assert.equal(parts[4].statusLine, 'no status');
  });

  test('a part as http/batch.ts parses it: id, change set, JSON body', () => {
    const part = partView({ id: '2', atomicityGroup: 'changeset_1', status: 201, statusText: 'Created', headers: [['content-type', 'application/json']], bodyText: '{"accountid":"1"}', json: { accountid: '1' } }, 1);
    assert.equal(part.label, 'Part 2 (Content-ID 2) [change set changeset_1]');
    assert.deepEqual(part.rows, [{ accountid: '1' }]);
    assert.equal(part.success, true);
  });

  test('a part carrying an error object', () => {
    assert.deepEqual(partView({ status: 412, error: { code: 'x', message: 'stale' } }, 0).error, { code: 'x', message: 'stale' });
  });
});
