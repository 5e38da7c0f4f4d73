// The loopback redirect listener of the browser sign-in: closed after its time limit, its error page shows the
// sign-in service's real error HTML-escaped, and an answer for another sign-in (state) is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenForCode } from '../../../client/src/features/auth/loopbackListener';

test('the error page shows the real error, escaped, and the sign-in fails with it', async () => {
  const listener = await listenForCode({ state: 's1' });
  const description = '<img src=x onerror=alert(1)> & "quoted"';
  const page = await fetch(`${listener.redirectUri.replace('localhost', '127.0.0.1')}/?state=s1&error=access_denied&error_description=${encodeURIComponent(description)}`);
  const html = await page.text();
  assert.match(html, /access_denied: &lt;img src=x onerror=alert\(1\)&gt; &amp; &quot;quoted&quot;/);
  assert.doesNotMatch(html, /<img/);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  await assert.rejects(listener.answer, /the sign-in service answered access_denied: <img src=x onerror=alert\(1\)> & "quoted"/);
  await assert.rejects(fetch(listener.redirectUri.replace('localhost', '127.0.0.1')), /fetch failed/, 'closed after answering');
});

test('a form_post answer with the right state gives the code; another state is refused', async () => {
  const listener = await listenForCode({ state: 'right' });
  const base = listener.redirectUri.replace('localhost', '127.0.0.1');
  const wrong = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'code=c&state=wrong' });
  assert.equal(wrong.status, 400);
  await assert.rejects(listener.answer, /state mismatch/);

  const second = await listenForCode({ state: 'right' });
  const ok = await fetch(second.redirectUri.replace('localhost', '127.0.0.1'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'code=the-code&state=right' });
  assert.match(await ok.text(), /Signed in/);
  assert.deepEqual(await second.answer, { code: 'the-code' });
});

test('the listener closes after its time limit, and on cancel', async () => {
  const timed = await listenForCode({ state: 's', timeLimitMs: 200 });
  await assert.rejects(timed.answer, /nobody came back from the browser within 0 s/);
  await assert.rejects(fetch(timed.redirectUri.replace('localhost', '127.0.0.1')), /fetch failed/);

  const controller = new AbortController();
  const cancelled = await listenForCode({ state: 's', signal: controller.signal });
  controller.abort();
  await assert.rejects(cancelled.answer, { name: 'AbortError' });
  await assert.rejects(fetch(cancelled.redirectUri.replace('localhost', '127.0.0.1')), /fetch failed/);
});
