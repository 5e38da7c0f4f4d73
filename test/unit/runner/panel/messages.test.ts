/**
 * The typed messages between the results panel's host and page (client/src/features/runner/panel/messages.ts):
 * what is valid is passed on, anything unknown or malformed is dropped.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseHostMessage, parsePageMessage } from '../../../../client/src/features/runner/panel/messages';
import { buildResultView } from '../../../../client/src/features/runner/results/viewModel';

describe('page -> host', () => {
  test('every known message', () => {
    for (const type of ['ready', 'loadNextPage', 'cancel', 'openRaw', 'copyUrl', 'copyCurl'] as const) assert.deepEqual(parsePageMessage({ type }), { type });
    assert.deepEqual(parsePageMessage({ type: 'loadAll', maxRows: 5000 }), { type: 'loadAll', maxRows: 5000 });
    assert.deepEqual(parsePageMessage({ type: 'export', format: 'csv' }), { type: 'export', format: 'csv' });
    assert.deepEqual(parsePageMessage({ type: 'export', format: 'json' }), { type: 'export', format: 'json' });
  });

  test('extra fields are not passed on', () => {
    assert.deepEqual(parsePageMessage({ type: 'copyUrl', url: 'https://evil.example/' }), { type: 'copyUrl' });
  });

  test('unknown or malformed messages are ignored', () => {
    for (const data of [
      undefined,
      null,
      'ready',
      [],
      {},
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'loadAll' },
      { type: 'loadAll', maxRows: 0 },
      { type: 'loadAll', maxRows: 1.5 },
      { type: 'loadAll', maxRows: '100' },
      { type: 'loadAll', maxRows: 1e9 },
      { type: 'export', format: 'xlsx' },
      { type: 'export' },
      { type: 42 },
    ]) {
      assert.equal(parsePageMessage(data), undefined, JSON.stringify(data));
    }
  });
});

describe('host -> page', () => {
  const view = buildResultView(
    { method: 'GET', url: 'https://x.example/api/data/v9.2/accounts', headers: [['Accept', 'application/json']], title: 't', environment: { name: 'e', flavor: 'dataverse', serviceRoot: 'https://x.example/api/data/v9.2/' } },
    { ok: true, status: 200, statusText: 'OK', headers: [], bodyText: '{"value":[]}', json: { value: [] }, size: 12, truncated: false, elapsedMs: 1, attempts: 1, notes: [] },
  );

  test('show with a view built by buildResultView (and after a JSON round trip, as postMessage does)', () => {
    assert.deepEqual(parseHostMessage({ type: 'show', view }), { type: 'show', view });
    const copied = JSON.parse(JSON.stringify({ type: 'show', view }));
    assert.deepEqual(parseHostMessage(copied), copied);
  });

  test('show with a broken view is ignored', () => {
    assert.equal(parseHostMessage({ type: 'show' }), undefined);
    assert.equal(parseHostMessage({ type: 'show', view: { ...view, request: undefined } }), undefined);
    assert.equal(parseHostMessage({ type: 'show', view: { ...view, rows: 'x' } }), undefined);
    assert.equal(parseHostMessage({ type: 'show', view: { ...view, request: { ...view.request, headers: [['a']] } } }), undefined);
  });

  test('appendRows, progress, busy, idle, notice', () => {
    assert.deepEqual(parseHostMessage({ type: 'appendRows', rows: [{ a: 1 }], nextLink: null }), { type: 'appendRows', rows: [{ a: 1 }], nextLink: null });
    assert.deepEqual(parseHostMessage({ type: 'appendRows', rows: [], from: 20 }), { type: 'appendRows', rows: [], from: 20 });
    assert.deepEqual(parseHostMessage({ type: 'appendRows', rows: [], nextLink: 'https://x/next' }), { type: 'appendRows', rows: [], nextLink: 'https://x/next' });
    assert.deepEqual(parseHostMessage({ type: 'progress', rows: 10, pages: 2, maxRows: 100 }), { type: 'progress', rows: 10, pages: 2, maxRows: 100 });
    assert.deepEqual(parseHostMessage({ type: 'busy', what: 'Loading' }), { type: 'busy', what: 'Loading' });
    assert.deepEqual(parseHostMessage({ type: 'idle' }), { type: 'idle' });
    assert.deepEqual(parseHostMessage({ type: 'idle', nextLink: null }), { type: 'idle', nextLink: null });
    assert.deepEqual(parseHostMessage({ type: 'notice', text: 'hi', level: 'error' }), { type: 'notice', text: 'hi', level: 'error' });
    assert.deepEqual(parseHostMessage({ type: 'notice', text: 'hi', level: 'loud' }), { type: 'notice', text: 'hi' });
  });

  test('malformed host messages are ignored', () => {
    for (const data of [
      { type: 'appendRows' },
      { type: 'appendRows', rows: {}, nextLink: 1 },
      { type: 'appendRows', rows: [], nextLink: 5 },
      { type: 'appendRows', rows: [], from: -1 },
      { type: 'appendRows', rows: [], from: 1.5 },
      { type: 'progress', rows: -1, pages: 1 },
      { type: 'progress', rows: 1 },
      { type: 'busy' },
      { type: 'idle', nextLink: 3 },
      { type: 'notice' },
      { type: 'eval', code: 'alert(1)' },
      null,
    ]) {
      assert.equal(parseHostMessage(data), undefined, JSON.stringify(data));
    }
  });
});
