/**
 * Issue 12, item 8: nothing secret at rest. Requests carrying keys in headers other than the few once recognised,
 * keys in query strings, passwords in bodies, and a service answering with cookies and secret-named members, are sent
 * for real to an "attacker" service on 127.0.0.1; then the history entry, the panel's view (what its saved state
 * holds), the log line, the CSV/JSON exports and "Copy as curl" are searched for every secret.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BODY_CAP, historyEntry, requestFromEntry } from '../../client/src/features/runner/history';
import { toCurl } from '../../client/src/features/runner/http/curl';
import { sendRequest } from '../../client/src/features/runner/http/engine';
import { prepareRequest } from '../../client/src/features/runner/http/prepare';
import { ResultsSession } from '../../client/src/features/runner/panel/resultsSession';
import { redactBody, redactHeaders, redactUrl } from '../../client/src/features/runner/redaction';
import { buildResultView } from '../../client/src/features/runner/results/viewModel';
import type { PreparedRequest, RunnerEnvironment, SendOutcome } from '../../client/src/features/runner/types';
import { startAttackerServer, type AttackerServer } from './attackerServer';

const TOKEN = 'eyJ0eXAiOiJKV1Qi.bearer-token-of-the-user.sig';
const SECRETS = {
  functionsKey: 'HDR-functions-key-1111',
  subscription: 'HDR-subscription-key-2222',
  session: 'HDR-custom-session-3333',
  code: 'QRY-code-4444',
  sig: 'QRY-sig-5555',
  password: 'BODY-password-6666',
  clientSecret: 'BODY-client-secret-7777',
  cookie: 'RSP-cookie-8888',
  rowKey: 'ROW-api-key-9999',
  rowPassword: 'ROW-password-0000',
};

let attacker: AttackerServer;
let environment: RunnerEnvironment;
before(async () => {
  attacker = await startAttackerServer(() => ({
    status: 200,
    headers: { 'set-cookie': `sid=${SECRETS.cookie}; HttpOnly`, 'x-session-token': SECRETS.cookie },
    json: { value: [{ name: 'Contoso', apiKey: SECRETS.rowKey, password: SECRETS.rowPassword, country: 'NL' }], echoedToken: TOKEN },
  }));
  environment = { name: 'contoso', flavor: 'dataverse', serviceRoot: `${attacker.url}/api/data/v9.2/` };
});
after(() => attacker.stop());

function prepared(text: string): PreparedRequest {
  const result = prepareRequest(text, 0, environment);
  assert.ok(result.ok, result.ok ? '' : result.failure.message);
  return result.request;
}

function assertNoSecret(what: string, text: string, except: string[] = []): void {
  for (const [name, secret] of Object.entries(SECRETS)) if (!except.includes(name)) assert.ok(!text.includes(secret), `${what} holds ${name} (${secret})`);
  assert.ok(!text.includes(TOKEN), `${what} holds the token`);
}

const FILE = [
  `GET things?$top=5&code=${SECRETS.code}&sig=${SECRETS.sig}&$skiptoken=abc`,
  `X-Functions-Key: ${SECRETS.functionsKey}`,
  `Ocp-Apim-Subscription-Key: ${SECRETS.subscription}`,
  `X-Custom-Session: ${SECRETS.session}`,
  '',
].join('\n');

describe('security: nothing secret at rest', () => {
  let request: PreparedRequest;
  let outcome: SendOutcome;
  before(async () => {
    request = prepared(FILE);
    outcome = await sendRequest(request, { token: async () => TOKEN });
    assert.ok(outcome.ok);
  });

  test('history: keys in any secret-named header and in the query string, and the answer\'s secrets, are not kept', () => {
    // The attack: history in workspace state keeps X-Functions-Key-like headers beyond the few recognised, and `code=`/`sig=` URL keys.
    assert.ok(attacker.received[0]!.url.includes(SECRETS.code), 'the request itself was sent as written');
    const entry = historyEntry(request, outcome, new Date(), 'h1');
    const stored = JSON.stringify(entry);
    assertNoSecret('the history entry', stored);
    assert.match(entry.url, /\$top=5&code=•••&sig=•••&\$skiptoken=abc$/, 'OData options (even $skiptoken) are kept');
    assert.equal(entry.redacted, true);
    const again = requestFromEntry(entry);
    assert.equal(again.ok, false, 'a redacted entry is not sent again with placeholders');
  });

  test('history: passwords in JSON, form and $batch bodies are not kept; bodies over the cap are not kept at all', () => {
    // The attack: a request body with a password (or a $batch part with an Authorization header) lands in history as sent.
    const json = prepared(`POST signin\nContent-Type: application/json\n\n{"user":"me","password":"${SECRETS.password}","nested":{"client_secret":"${SECRETS.clientSecret}"}}`);
    const form = prepared(`POST token\nContent-Type: application/x-www-form-urlencoded\n\nuser=me&password=${SECRETS.password}`);
    const batch = prepared(
      [
        'POST $batch',
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: application/http',
        '',
        `POST accounts?code=${SECRETS.code} HTTP/1.1`,
        `Authorization: Bearer ${TOKEN}`,
        'Content-Type: application/json',
        '',
        `{"password":"${SECRETS.password}"}`,
        '--b--',
      ].join('\n'),
    );
    for (const one of [json, form, batch]) {
      const entry = historyEntry(one, outcome, new Date(), 'b');
      assertNoSecret(`the history entry of ${one.title}`, JSON.stringify(entry));
      assert.equal(entry.redacted, true);
    }
    assert.match(historyEntry(json, outcome, new Date(), 'b').body!, /"user":"me","password":"•••"/, 'the rest of the body is kept as written');
    const big = { ...json, body: `{"password":"${SECRETS.password}","pad":"${'x'.repeat(BODY_CAP)}"}` };
    const entry = historyEntry(big, outcome, new Date(), 'c');
    assert.equal(entry.body, undefined);
    assert.equal(entry.bodyOmitted, true);
  });

  test('the panel view (what its saved state keeps) and its exports hold no secret, cookies and echoed token included', () => {
    // The attack: the webview state and CSV/JSON exports keep the request's keys and the service's secret-named members.
    const view = buildResultView(request, outcome);
    assertNoSecret('the panel view', JSON.stringify(view));
    assert.equal((view.rows?.[0] as Record<string, unknown>).country, 'NL', 'ordinary members stay');
    const session = new ResultsSession(() => undefined);
    session.pageIsReady();
    session.load({ request, outcome }, { nextPage: async () => ({ failure: 'x' }), loadAll: async () => ({ stoppedBecause: 'end' }), curl: () => toCurl(request), url: () => request.url });
    assertNoSecret('the CSV export', session.exportText('csv'));
    assertNoSecret('the JSON export', session.exportText('json'));
    assert.equal(session.requestUrl(), request.url, '"Copy URL" copies the URL as written (the user\'s own, not at rest)');
  });

  test('"Copy as curl" keeps the file\'s own headers but never the token', () => {
    // The attack: a shared curl line (a ticket, a chat) carries the user's bearer token.
    const curl = toCurl({ ...request, headers: [...request.headers, ['Authorization', `Bearer ${TOKEN}`]] });
    assert.ok(!curl.includes(TOKEN));
    assert.match(curl, /Authorization: Bearer \$TOKEN/);
    assert.ok(curl.includes(SECRETS.functionsKey), 'the file\'s own header is the user\'s copy of what they wrote');
  });

  test('log lines use the redacted URL; Set-Cookie and secret-named headers are redacted wherever headers are kept', () => {
    // The attack: the output channel (shared when reporting a bug) shows `code=` keys and cookies.
    assertNoSecret('the log line', `GET ${redactUrl(request.url)}: 200 in 5 ms`);
    const headers = redactHeaders([['Set-Cookie', `sid=${SECRETS.cookie}`], ['X-Session-Token', SECRETS.cookie], ['Proxy-Authorization', `Basic ${SECRETS.password}`], ['Content-Type', 'application/json']]);
    assertNoSecret('response headers', JSON.stringify(headers));
    assert.deepEqual(headers.at(-1), ['Content-Type', 'application/json']);
    assert.equal(redactBody('Cookie: a=b\nAccept: x'), 'Cookie: •••\nAccept: x');
  });
});
