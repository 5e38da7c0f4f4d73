// "Copy as curl": the same request from a shell, quoted safely, with a $TOKEN placeholder and never a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCurl } from '../../../../client/src/features/runner/http/curl';
import type { PreparedRequest } from '../../../../client/src/features/runner/types';

const environment = { name: 'dev', flavor: 'dataverse' as const, serviceRoot: 'https://contoso.crm.dynamics.com/api/data/v9.2/' };

test('a GET: URL single-quoted ($ and quotes safe), headers, and the token as a shell variable', () => {
  const request: PreparedRequest = {
    method: 'GET',
    url: "https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$filter=name%20eq%20'O''Neil'&$top=1",
    headers: [
      ['Accept', 'application/json'],
      ['Prefer', 'odata.include-annotations="*"'],
    ],
    title: 't',
    environment,
  };
  assert.equal(
    toCurl(request),
    [
      `curl 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$filter=name%20eq%20'\\''O'\\'''\\''Neil'\\''&$top=1'`,
      `-H 'Accept: application/json'`,
      `-H 'Prefer: odata.include-annotations="*"'`,
      `-H "Authorization: Bearer $TOKEN"`,
    ].join(' \\\n  '),
  );
});

test('a POST with a JSON body, and a multipart body with CRLF in $\'…\' quoting', () => {
  const post = toCurl({ method: 'POST', url: 'https://h/a', headers: [['Content-Type', 'application/json']], body: '{"name":"it\'s"}', title: 't', environment });
  assert.match(post, /^curl -X POST 'https:\/\/h\/a'/);
  assert.match(post, /--data-raw '\{"name":"it'\\''s"\}'$/);
  const batch = toCurl({ method: 'POST', url: 'https://h/$batch', headers: [], body: '--b\r\nX: \'y\'\r\n--b--\r\n', title: 't', environment });
  assert.match(batch, /--data-raw \$'--b\\r\\nX: \\'y\\'\\r\\n--b--\\r\\n'$/);
});

test('an Authorization header that slipped into the request is never copied', () => {
  const curl = toCurl({ method: 'GET', url: 'https://h/a', headers: [['authorization', 'Bearer eyJ-secret']], title: 't', environment });
  assert.doesNotMatch(curl, /eyJ-secret/);
  assert.match(curl, /Bearer \$TOKEN/);
});
