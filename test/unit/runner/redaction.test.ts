// The runner's one redaction (client/src/features/runner/redaction.ts): which names are secrets, and that the rest
// of a URL, a header list or a body is kept exactly as written.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretHeader, isSecretMember, isSecretParameter, redactBody, redactHeaders, redactJson, redactUrl } from '../../../client/src/features/runner/redaction';

describe('redaction', () => {
  test('secret headers: the fixed four and any name containing key, secret, token, signature, password, auth, session, credential', () => {
    for (const name of ['Authorization', 'proxy-authorization', 'Cookie', 'Set-Cookie', 'X-Functions-Key', 'X-Auth-Key', 'Ocp-Apim-Subscription-Key', 'X-Api-Secret', 'X-Refresh-Token', 'X-Signature', 'X-Password', 'X-Session-Id', 'X-Credential']) {
      assert.ok(isSecretHeader(name), name);
    }
    for (const name of ['Accept', 'Prefer', 'OData-Version', 'If-Match', 'Content-Type', 'MSCRM.SuppressDuplicateDetection']) assert.ok(!isSecretHeader(name), name);
  });

  test('secret query parameters; OData options ($skiptoken included) are not', () => {
    for (const name of ['code', 'sig', 'signature', 'key', 'apikey', 'api-key', 'token', 'access_token', 'secret', 'password', 'client_secret', 'x-api-key']) assert.ok(isSecretParameter(name), name);
    for (const name of ['$skiptoken', '$top', '$filter', 'name', 'cross-company', '@p1']) assert.ok(!isSecretParameter(name), name);
  });

  test('secret JSON members; @odata annotations and ordinary names are not', () => {
    for (const name of ['password', 'client_secret', 'apiKey', 'access_token', 'refreshToken', 'sig', 'key']) assert.ok(isSecretMember(name), name);
    for (const name of ['name', 'code', '@odata.etag', '@odata.nextLink', 'accountid', 'description']) assert.ok(!isSecretMember(name), name);
  });

  test('URLs keep everything but the secret values, userinfo passwords included', () => {
    assert.equal(redactUrl('https://f.azurewebsites.net/api/x?code=abc%3D%3D&name=a&Sig=zz#frag'), 'https://f.azurewebsites.net/api/x?code=•••&name=a&Sig=•••#frag');
    assert.equal(redactUrl('https://user:pa55@host/x'), 'https://user:•••@host/x');
    assert.equal(redactUrl('accounts?$select=name'), 'accounts?$select=name');
  });

  test('headers: Authorization keeps its scheme, others become •••', () => {
    assert.deepEqual(redactHeaders([['Authorization', 'Basic dXNlcjpwYXNz'], ['X-Functions-Key', 'k'], ['Accept', 'application/json']]), [
      ['Authorization', 'Basic •••'],
      ['X-Functions-Key', '•••'],
      ['Accept', 'application/json'],
    ]);
  });

  test('bodies: JSON members, form fields, $batch header lines and request lines; layout kept', () => {
    assert.equal(redactBody('{\n  "user": "me",\n  "password": "p\\"w",\n  "pin": 12\n}'), '{\n  "user": "me",\n  "password": "•••",\n  "pin": 12\n}');
    assert.equal(redactBody('grant_type=password&username=me&password=pw&client_secret=s'), 'grant_type=password&username=me&password=•••&client_secret=•••');
    assert.equal(
      redactBody('--b\r\nContent-Type: application/http\r\n\r\nGET accounts?code=x HTTP/1.1\r\nX-Api-Key: k\r\n\r\n--b--'),
      '--b\r\nContent-Type: application/http\r\n\r\nGET accounts?code=••• HTTP/1.1\r\nX-Api-Key: •••\r\n\r\n--b--',
    );
    assert.equal(redactBody('just text'), 'just text');
  });

  test('JSON values at any depth; objects under a secret name are walked, not replaced', () => {
    const input = [{ name: 'a', apiKey: 'k', nested: { token: 't', list: [{ password: 'p' }] }, credentials: { user: 'u', secret: 's' } }];
    assert.deepEqual(redactJson(input), [{ name: 'a', apiKey: '•••', nested: { token: '•••', list: [{ password: '•••' }] }, credentials: { user: 'u', secret: '•••' } }]);
    assert.equal(input[0]!.apiKey, 'k', 'the input is not changed');
  });
});
