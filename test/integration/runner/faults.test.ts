// The engine against the project's fault server (real sockets on 127.0.0.1): every fault ends in a clear
// outcome, nothing is sent twice that the server may have acted on, and the token never comes back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startFaultServer, type FaultServer } from '../../fault-server/faultServer.mjs';
import { sendRequest, type SendOptions } from '../../../client/src/features/runner/http/engine';
import { loadAllPages } from '../../../client/src/features/runner/http/paging';
import { prepareRequest } from '../../../client/src/features/runner/http/prepare';
import type { PreparedRequest, ResponseResult, RunnerEnvironment, SendOutcome } from '../../../client/src/features/runner/types';

const FIRST_TOKEN = 'eyJfirst.token-value-0123456789';
const RENEWED_TOKEN = 'eyJrenewed.token-value-9876543210';

let server: FaultServer;
let environment: RunnerEnvironment;

/** A token source that hands out the first token, and the renewed one when asked to refresh; it records its calls. */
function tokens() {
  const calls: boolean[] = [];
  const source: SendOptions['token'] = async (_env, { forceRefresh }) => {
    calls.push(forceRefresh);
    return forceRefresh ? RENEWED_TOKEN : FIRST_TOKEN;
  };
  return { calls, source };
}

function prepared(text: string): PreparedRequest {
  const result = prepareRequest(text, 0, environment);
  assert.ok(result.ok, result.ok ? '' : result.failure.message);
  return result.request;
}

function assertNoToken(outcome: SendOutcome | unknown): void {
  const text = JSON.stringify(outcome);
  assert.ok(!text.includes(FIRST_TOKEN) && !text.includes(RENEWED_TOKEN), 'a token appears in the outcome');
}

function ok(outcome: SendOutcome): ResponseResult {
  assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.kind}: ${outcome.message}`);
  return outcome;
}

const fast = { maxRetryWaitMs: 50 };

before(async () => {
  server = await startFaultServer();
  environment = { name: 'faults', flavor: 'generic', serviceRoot: `${server.url}/` };
});
after(async () => {
  await server.stop();
});

describe('retries the service asked for', () => {
  test('429 with Retry-After in seconds: waited, then success, with a note', async () => {
    const { source } = tokens();
    const result = ok(await sendRequest(prepared('GET 429/seconds?after=1'), { token: source }));
    assert.equal(result.status, 200);
    assert.equal(result.attempts, 2);
    assert.ok(result.notes.includes('waited 1 s (Retry-After) after 429'), result.notes.join(' | '));
    assert.equal(server.hits('/429/seconds'), 2);
    assertNoToken(result);
  });

  test('429 with Retry-After as an HTTP date', async () => {
    const result = ok(await sendRequest(prepared('GET 429/date?after=date'), { token: tokens().source }));
    assert.equal(result.status, 200);
    assert.match(result.notes[0], /^waited \d(\.\d)? s \(Retry-After\) after 429$/);
  });

  test('a POST refused with 429 is sent again (the service did not act), and acted on once', async () => {
    const result = ok(await sendRequest(prepared('POST 429/post?after=0\n\n{"name":"x"}'), { token: tokens().source }));
    assert.equal(result.status, 200);
    assert.equal(server.hits('/429/post'), 2);
  });

  test('503 without Retry-After: bounded back-off, then success', async () => {
    const result = ok(await sendRequest(prepared('GET 503/twice?times=2'), { token: tokens().source, ...fast }));
    assert.equal(result.status, 200);
    assert.equal(result.attempts, 3);
    assert.deepEqual(
      result.notes.map((n) => n.replace(/[\d.]+ s/, 'N s')),
      ['waited N s (back-off) after 503', 'waited N s (back-off) after 503'],
    );
  });

  test('429 every time: gives up after maxRetries and returns the 429 with the service error', async () => {
    const result = ok(await sendRequest(prepared('GET always429/a'), { token: tokens().source, maxRetries: 2, ...fast }));
    assert.equal(result.status, 429);
    assert.equal(result.attempts, 3);
    assert.equal(server.hits('/always429/a'), 3);
    assert.match(result.notes.at(-1) ?? '', /Gave up after 2 retries/);
    assert.equal(result.error?.message, 'Too many requests');
  });

  test('the wait before a retry can be cancelled', async () => {
    const controller = new AbortController();
    const pending = sendRequest(prepared('GET 429/cancel-wait?after=30'), { token: tokens().source, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const outcome = await pending;
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, 'cancelled');
    assert.equal(server.hits('/429/cancel-wait'), 1);
  });
});

describe('tokens', () => {
  test('401: the token is renewed once and the request sent again', async () => {
    const { calls, source } = tokens();
    const result = ok(await sendRequest(prepared('GET auth/renew'), { token: source }));
    assert.equal(result.status, 200);
    assert.deepEqual(calls, [false, true]);
    assert.equal(server.hits('/auth/renew'), 2);
    assert.match(result.notes.join(' '), /renewed the token/);
    assertNoToken(result);
  });

  test('401 again after renewal: returned with advice, no third attempt', async () => {
    const stubborn: SendOptions['token'] = async () => FIRST_TOKEN;
    const result = ok(await sendRequest(prepared('GET auth/stubborn'), { token: stubborn }));
    assert.equal(result.status, 401);
    assert.equal(server.hits('/auth/stubborn'), 2);
    assert.match(result.notes.join(' '), /sign in again/);
  });

  test('a token source that throws gives a signIn failure and sends nothing', async () => {
    const failing: SendOptions['token'] = async () => {
      throw new Error('AADSTS700082: The refresh token has expired');
    };
    const outcome = await sendRequest(prepared('GET echo/signin'), { token: failing });
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, 'signIn');
    assert.match(outcome.message, /AADSTS700082.*Sign in again/);
    assert.equal(server.hits('/echo/signin'), 0);
  });

  test('the token goes to the service as a bearer token, and an echo of it is removed from the outcome', async () => {
    const result = ok(await sendRequest(prepared('GET echo/token'), { token: tokens().source }));
    const echoed = result.json as { headers: Record<string, string> };
    assert.equal(echoed.headers.authorization, 'Bearer [token removed]');
    assert.equal(echoed.headers['odata-version'], '4.0');
    assertNoToken(result);
  });
});

describe('redirects', () => {
  test('a same-origin redirect is followed with the token', async () => {
    const result = ok(await sendRequest(prepared('GET redirect-same'), { token: tokens().source }));
    assert.equal(result.status, 200);
    assert.deepEqual(result.json, { '@odata.context': '$metadata#things', value: [{ id: 1, name: 'one' }] });
    assert.match(result.notes[0], /followed a 302 redirect to .*\/ok/);
  });

  test('a redirect to another host is not followed: the 3xx comes back with a note saying where it pointed', async () => {
    const result = ok(await sendRequest(prepared('GET redirect-other'), { token: tokens().source }));
    assert.equal(result.status, 302);
    assert.match(result.notes.join(' '), /another host \(http:\/\/other\.invalid\/elsewhere\); not followed/);
  });

  test('a redirect loop stops after 5', async () => {
    const result = ok(await sendRequest(prepared('GET redirect-loop/a'), { token: tokens().source }));
    assert.equal(result.status, 302);
    assert.equal(server.hits('/redirect-loop/a'), 6);
    assert.match(result.notes.at(-1) ?? '', /Stopped after 5 redirects/);
  });
});

describe('bodies', () => {
  test('a connection reset in the middle of the body: a reset failure that says how much arrived, sent once', async () => {
    const outcome = await sendRequest(prepared('GET reset-mid-body'), { token: tokens().source });
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, 'reset');
    assert.match(outcome.message, /dropped while the answer was arriving \(\d+ bytes received\)/);
    assert.equal(server.hits('/reset-mid-body'), 1);
    assertNoToken(outcome);
  });

  test('a 50 MB body: reading stops at the guard, truncated with a note, progress reported', async () => {
    const progress: number[] = [];
    const result = ok(
      await sendRequest(prepared('GET big?mb=50'), {
        token: tokens().source,
        maxBodyBytes: 5 * 1024 * 1024,
        onProgress: (received, total) => {
          progress.push(received);
          assert.equal(total, 50 * 1024 * 1024);
        },
      }),
    );
    assert.equal(result.truncated, true);
    assert.equal(result.size, 5 * 1024 * 1024);
    assert.equal(result.json, undefined);
    assert.match(result.jsonError ?? '', /cut at the size limit/);
    assert.match(result.notes.join(' '), /larger than 5 MB/);
    assert.ok(progress.length > 1 && progress.at(-1) === 5 * 1024 * 1024);
  });

  test('a 50 MB body under the default 25 MB guard', async () => {
    const result = ok(await sendRequest(prepared('GET big?mb=50'), { token: tokens().source }));
    assert.equal(result.truncated, true);
    assert.equal(result.size, 25 * 1024 * 1024);
  });

  test('invalid JSON: the text kept, jsonError says why', async () => {
    const result = ok(await sendRequest(prepared('GET invalid-json'), { token: tokens().source }));
    assert.equal(result.status, 200);
    assert.equal(result.json, undefined);
    assert.equal(result.bodyText, '{"value": [{"id": 1}, {"id": 2,');
    assert.match(result.jsonError ?? '', /not valid JSON/);
  });

  test('an HTML error page: an error that says so, with the status and the page title', async () => {
    const result = ok(await sendRequest(prepared('GET html-error'), { token: tokens().source }));
    assert.equal(result.status, 502);
    assert.match(result.error?.message ?? '', /answered 502 Bad Gateway with an HTML page \("502 Bad Gateway"\), not OData JSON/);
  });

  test("a Dataverse error body with its annotations", async () => {
    const result = ok(await sendRequest(prepared('GET odata-error'), { token: tokens().source }));
    assert.equal(result.status, 404);
    assert.equal(result.error?.code, '0x80040217');
    assert.match(result.error?.message ?? '', /Does Not Exist/);
    assert.match(result.error?.helpLink ?? '', /go\.microsoft\.com/);
    assert.match(result.error?.traceText ?? '', /AccountService/);
    assert.match(result.error?.innerMessage ?? '', /Does Not Exist/);
  });
});

describe('failures below HTTP', () => {
  test('a slow answer times out', async () => {
    const outcome = await sendRequest(prepared('GET slow?ms=5000'), { token: tokens().source, timeoutMs: 200 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, 'timeout');
    assert.match(outcome.message, /No complete answer from 127\.0\.0\.1:\d+ within 0.2 s/);
  });

  test('cancelling while waiting for the answer', async () => {
    const controller = new AbortController();
    const pending = sendRequest(prepared('GET slow?ms=5000'), { token: tokens().source, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const outcome = await pending;
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, 'cancelled');
  });

  test('a POST the server acted on and then dropped is not sent again', async () => {
    const outcome = await sendRequest(prepared('POST write-then-reset/a\n\n{"name":"once"}'), { token: tokens().source });
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, 'reset');
    assert.match(outcome.message, /may have acted on this request/);
    assert.equal(server.hits('/write-then-reset/a'), 1);
  });

  test('a POST that times out after it was sent is not sent again', async () => {
    const outcome = await sendRequest(prepared('POST write-then-hang/a\n\n{"name":"once"}'), { token: tokens().source, timeoutMs: 300 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, 'timeout');
    assert.equal(server.hits('/write-then-hang/a'), 1);
  });

  test('a GET reset is reported, not retried', async () => {
    const outcome = await sendRequest(prepared('GET write-then-reset/get'), { token: tokens().source });
    assert.ok(!outcome.ok && outcome.kind === 'reset');
    assert.equal(server.hits('/write-then-reset/get'), 1);
  });

  test('refused: a port nobody listens on', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const closed: RunnerEnvironment = { name: 'closed', flavor: 'generic', serviceRoot: `http://127.0.0.1:${port}/` };
    const result = prepareRequest('GET ok', 0, closed);
    assert.ok(result.ok);
    const outcome = await sendRequest(result.request, { token: tokens().source });
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, 'refused');
    assert.match(outcome.message, /refused the connection/);
  });

  test('tls: a certificate nobody trusts', async () => {
    const untrusted: RunnerEnvironment = { name: 'untrusted', flavor: 'generic', serviceRoot: `${server.tlsUrl}/` };
    const result = prepareRequest('GET ok', 0, untrusted);
    assert.ok(result.ok);
    const outcome = await sendRequest(result.request, { token: tokens().source });
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, 'tls');
    assert.match(outcome.message, /certificate is not trusted/);
    assertNoToken(outcome);
  });

  test('dns: a host that does not exist', async () => {
    const nowhere: RunnerEnvironment = { name: 'nowhere', flavor: 'generic', serviceRoot: 'https://no-such-host.invalid/api/' };
    const result = prepareRequest('GET ok', 0, nowhere);
    assert.ok(result.ok);
    const outcome = await sendRequest(result.request, { token: tokens().source, timeoutMs: 20_000 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.kind, 'dns');
    assert.match(outcome.message, /could not find host no-such-host\.invalid: check the URL or your network\/VPN/i);
  });
});

describe('load all pages', () => {
  test('to the end through relative next links', async () => {
    const first = prepared('GET paged?page=1&size=10&pages=4');
    const firstResult = ok(await sendRequest(first, { token: tokens().source }));
    const seen: number[] = [];
    const all = await loadAllPages(first, firstResult, { token: tokens().source, maxRows: 1000, onPage: (rows, total) => seen.push(rows.length, total) });
    assert.equal(all.stoppedBecause, 'end');
    assert.equal(all.pages, 4);
    assert.deepEqual(
      all.rows.map((r) => (r as { id: number }).id),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    assert.deepEqual(seen, [10, 20, 10, 30, 10, 40]);
    assert.equal(all.nextLink, undefined);
  });

  test('stops at the row cap with the link to go on from', async () => {
    const first = prepared('GET paged?page=1&size=10&pages=4');
    const firstResult = ok(await sendRequest(first, { token: tokens().source }));
    const all = await loadAllPages(first, firstResult, { token: tokens().source, maxRows: 25 });
    assert.equal(all.stoppedBecause, 'cap');
    assert.equal(all.rows.length, 25);
    assert.equal(all.pages, 3);
    assert.equal(all.nextLink, 'paged?page=4&size=10&pages=4');
  });

  test('a failing page stops loading and keeps the rows so far', async () => {
    const first = prepared('GET paged-fail?page=1&size=10');
    const firstResult = ok(await sendRequest(first, { token: tokens().source }));
    const all = await loadAllPages(first, firstResult, { token: tokens().source, maxRows: 1000 });
    assert.equal(all.stoppedBecause, 'failed');
    assert.equal(all.rows.length, 20);
    assert.ok(all.failure?.ok && all.failure.status === 500);
  });

  test('cancelled between pages', async () => {
    const first = prepared('GET paged?page=1&size=10&pages=4');
    const firstResult = ok(await sendRequest(first, { token: tokens().source }));
    const controller = new AbortController();
    const all = await loadAllPages(first, firstResult, { token: tokens().source, maxRows: 1000, signal: controller.signal, onPage: () => controller.abort() });
    assert.equal(all.stoppedBecause, 'cancelled');
    assert.equal(all.rows.length, 20);
  });
});
