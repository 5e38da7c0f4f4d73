/**
 * Issue 12, item 5: no write is sent twice by the extension. Against the project's fault server on 127.0.0.1, which
 * counts the records it creates: a POST answered 503, reset after sending or timed out is sent once and comes back
 * marked "may or may not have happened"; 429 (not processed) is retried for any method; "Load all" and "Load next
 * page" follow next links only.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFaultServer, type FaultServer } from '../fault-server/faultServer.mjs';
import { sendRequest, type SendOptions } from '../../client/src/features/runner/http/engine';
import { loadPagesAfter, nextLinkOf, nextPageRequest } from '../../client/src/features/runner/http/paging';
import { prepareRequest } from '../../client/src/features/runner/http/prepare';
import { ResultsSession } from '../../client/src/features/runner/panel/resultsSession';
import type { HostToPage } from '../../client/src/features/runner/panel/messages';
import { buildResultView } from '../../client/src/features/runner/results/viewModel';
import { MAYBE_APPLIED_NOTE, type PreparedRequest, type RunnerEnvironment, type SendOutcome } from '../../client/src/features/runner/types';

let server: FaultServer;
let environment: RunnerEnvironment;
before(async () => {
  server = await startFaultServer();
  environment = { name: 'faults', flavor: 'generic', serviceRoot: `${server.url}/` };
});
after(() => server.stop());

const options: SendOptions = { token: async () => undefined, maxRetryWaitMs: 20 };

function prepared(text: string): PreparedRequest {
  const result = prepareRequest(text, 0, environment);
  assert.ok(result.ok, result.ok ? '' : result.failure.message);
  return result.request;
}

function maybeApplied(outcome: SendOutcome): boolean {
  return outcome.maybeApplied === true;
}

describe('security: no write is sent twice', () => {
  test('503 to the first POST: sent once, exactly one record, and the panel says it may have happened', async () => {
    // The attack (an ordinary fault): a front end answers 503 to a POST the service did process, and an automatic retry creates a second record.
    const outcome = await sendRequest(prepared('POST create-503/applied?applied=1\n\n{"name":"once"}'), options);
    assert.ok(outcome.ok);
    assert.equal(outcome.status, 503);
    assert.equal(server.hits('/create-503/applied'), 1, 'the POST went out once');
    assert.equal(server.records('/create-503/applied'), 1, 'exactly one record');
    assert.ok(maybeApplied(outcome));
    const view = buildResultView(prepared('POST create-503/applied?applied=1\n\n{"name":"once"}'), outcome);
    assert.equal(view.maybeApplied, true);
    assert.ok(view.notes.some((note) => note.includes('may or may not have happened')));
  });

  test('503 to the first POST that was not processed: none created and the notice, until the user sends again', async () => {
    // The attack: the same fault where the service did nothing; the extension must not decide for the user.
    const request = prepared('POST create-503/not-applied\n\n{"name":"once"}');
    const outcome = await sendRequest(request, options);
    assert.ok(maybeApplied(outcome));
    assert.equal(server.records('/create-503/not-applied'), 0);
    assert.equal(server.hits('/create-503/not-applied'), 1);
    // The panel offers "Send again"; only the user's click sends it, once.
    let sentAgain = 0;
    const sent: HostToPage[] = [];
    const session = new ResultsSession((message) => sent.push(message));
    session.pageIsReady();
    session.load({ request, outcome }, {
      nextPage: async () => ({ failure: 'no pages' }),
      loadAll: async () => ({ stoppedBecause: 'end' }),
      curl: () => '',
      sendAgain: () => {
        sentAgain++;
        void sendRequest(request, options);
      },
    });
    assert.equal(session.snapshot().maybeApplied, true);
    assert.equal(sentAgain, 0, 'nothing is sent again without the user');
    session.sendAgain();
    assert.equal(sentAgain, 1);
    await waitFor(() => server.records('/create-503/not-applied') === 1);
    assert.equal(server.hits('/create-503/not-applied'), 2);
  });

  test('a GET answered 503 is still retried (safe to repeat)', async () => {
    // The guard must not go too far: reads keep their automatic retries.
    const outcome = await sendRequest(prepared('GET 503/read?times=2'), options);
    assert.ok(outcome.ok);
    assert.equal(outcome.status, 200);
    assert.equal(server.hits('/503/read'), 3);
    assert.ok(!maybeApplied(outcome));
  });

  test('429 to a POST is retried: the service said it did not process it', async () => {
    // The attack would be the opposite mistake: losing a write the service explicitly refused to process.
    const outcome = await sendRequest(prepared('POST 429/write?after=0\n\n{"name":"x"}'), options);
    assert.ok(outcome.ok);
    assert.equal(outcome.status, 200);
    assert.equal(server.hits('/429/write'), 2);
  });

  test('a POST whose connection is reset after sending, or that times out, is not sent again and is marked', async () => {
    // The attack: the service acts, then the connection drops (or the answer never comes), and a retry acts again.
    const reset = await sendRequest(prepared('POST write-then-reset/sec\n\n{"name":"once"}'), options);
    assert.equal(reset.ok ? '' : reset.kind, 'reset');
    assert.ok(maybeApplied(reset));
    assert.equal(server.hits('/write-then-reset/sec'), 1);
    const hang = await sendRequest(prepared('POST write-then-hang/sec\n\n{"name":"once"}'), { ...options, timeoutMs: 300 });
    assert.equal(hang.ok ? '' : hang.kind, 'timeout');
    assert.ok(maybeApplied(hang));
    assert.equal(server.hits('/write-then-hang/sec'), 1);
    const view = buildResultView(prepared('POST write-then-hang/sec\n\n{}'), hang);
    assert.equal(view.maybeApplied, true);
    assert.ok(view.notes.includes(MAYBE_APPLIED_NOTE));
  });

  test('"Load all" and "Load next page" after a POST follow next links with GET and never send the POST again', async () => {
    // The attack: "Load all" re-sends the original request from the first page, a production POST included.
    const post = prepared('POST query-post/a\n\n{"query":"x"}');
    const first = await sendRequest(post, options);
    assert.ok(first.ok);
    const link = nextLinkOf(first)!;
    const next = nextPageRequest(post, link);
    assert.ok(next.ok);
    assert.equal(next.request.method, 'GET');
    assert.equal(next.request.body, undefined);
    const pages: unknown[][] = [];
    const all = await loadPagesAfter(post, new URL(link, post.url).href, { ...options, maxRows: 100, loaded: 2, onPage: (rows) => pages.push(rows) });
    assert.equal(all.stoppedBecause, 'end');
    assert.equal(all.rowCount, 6);
    assert.equal(pages.length, 2);
    assert.equal(server.hits('/query-post/a'), 1, 'the POST was sent once');
    assert.equal(server.hits('/paged'), 2);
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check());
}
