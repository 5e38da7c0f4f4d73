// Retry-After parsing, back-off bounds and the classification of network errors into actionable failures.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, formatWait, parseRetryAfter } from '../../../../client/src/features/runner/http/retryAfter';
import { classifyNetworkError, type NetworkErrorContext } from '../../../../client/src/features/runner/http/networkErrors';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-30T10:00:00Z');
  test('delay-seconds', () => {
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('1.5', now), 1500);
  });
  test('an HTTP date, in the future and in the past', () => {
    assert.equal(parseRetryAfter('Mon, 30 Nov 2026 10:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Mon, 30 Nov 2026 09:59:00 GMT', now), 0);
  });
  test('absent or unreadable', () => {
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('-3', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});

describe('backoffDelay', () => {
  test('doubles from 1 s with 50-100 % jitter, and never passes the cap', () => {
    assert.equal(backoffDelay(0, 60_000, () => 1), 1000);
    assert.equal(backoffDelay(0, 60_000, () => 0), 500);
    assert.equal(backoffDelay(2, 60_000, () => 1), 4000);
    assert.equal(backoffDelay(10, 60_000, () => 1), 60_000);
    assert.equal(backoffDelay(3, 50, () => 1), 50);
  });
  test('formatWait', () => {
    assert.equal(formatWait(2000), '2 s');
    assert.equal(formatWait(300), '0.3 s');
    assert.equal(formatWait(120_000), '2 min');
  });
});

describe('classifyNetworkError', () => {
  const context: NetworkErrorContext = { host: 'contoso.crm.dynamics.com', method: 'GET', timedOut: false, timeoutMs: 120_000, cancelled: false, duringBody: false, receivedBytes: 0 };
  const withCode = (code: string, wrapped = false): Error => {
    const inner = Object.assign(new Error(`boom ${code}`), { code });
    return wrapped ? new TypeError('fetch failed', { cause: inner }) : inner;
  };
  const cases: Array<[code: string, kind: string, message: RegExp]> = [
    ['ENOTFOUND', 'dns', /could not find host contoso\.crm\.dynamics\.com: check the URL or your network\/VPN/i],
    ['EAI_AGAIN', 'dns', /network\/VPN/],
    ['ECONNREFUSED', 'refused', /refused the connection/],
    ['ECONNRESET', 'reset', /dropped/],
    ['UND_ERR_SOCKET', 'reset', /dropped/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', /certificate.*NODE_EXTRA_CA_CERTS/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', /not trusted/],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout', /within 2 min/],
    ['EWHATEVER', 'network', /boom EWHATEVER/],
  ];
  for (const [code, kind, message] of cases) {
    test(`${code} (also as a cause) -> ${kind}`, () => {
      for (const wrapped of [false, true]) {
        const outcome = classifyNetworkError(withCode(code, wrapped), context);
        assert.equal(outcome.kind, kind);
        assert.match(outcome.message, message);
      }
    });
  }
  test('our own timer and the caller cancelling win over the error code', () => {
    assert.equal(classifyNetworkError(withCode('UND_ERR_ABORTED'), { ...context, timedOut: true }).kind, 'timeout');
    assert.equal(classifyNetworkError(withCode('UND_ERR_ABORTED'), { ...context, cancelled: true }).kind, 'cancelled');
  });
  test('a reset during a write says the service may have acted; during a body, how much arrived', () => {
    const write = classifyNetworkError(withCode('ECONNRESET'), { ...context, method: 'POST' });
    assert.match(write.message, /may have acted on this request: check before sending it again/);
    const body = classifyNetworkError(withCode('ECONNRESET'), { ...context, duringBody: true, receivedBytes: 10_000 });
    assert.match(body.message, /while the answer was arriving \(10000 bytes received\)/);
  });
});
