/**
 * The state behind a results panel (client/src/features/runner/panel/resultsSession.ts): what the page is told and
 * when, paging with the caller's actions (next page, load all from the first page, cancel, failures), a new result
 * replacing a running one, hide/show, and the restore after a reload.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HostToPage } from '../../../../client/src/features/runner/panel/messages';
import { ResultsSession, type ResultsActions, type ResultsInput } from '../../../../client/src/features/runner/panel/resultsSession';
import type { PreparedRequest, ResponseResult } from '../../../../client/src/features/runner/types';

const ROOT = 'https://contoso.crm.dynamics.com/api/data/v9.2/';

const request: PreparedRequest = {
  method: 'GET',
  url: `${ROOT}accounts?$select=name`,
  headers: [['Accept', 'application/json']],
  title: 'Accounts',
  environment: { name: 'dev', flavor: 'dataverse', serviceRoot: ROOT },
};

const rows = (from: number, count: number): Array<{ name: string }> => Array.from({ length: count }, (_, index) => ({ name: `row ${from + index}` }));

function firstPage(count = 2, nextLink: string | undefined = 'accounts?$skiptoken=2'): ResultsInput {
  const json: Record<string, unknown> = { value: rows(0, count) };
  if (nextLink) json['@odata.nextLink'] = nextLink;
  const outcome: ResponseResult = { ok: true, status: 200, statusText: 'OK', headers: [['content-type', 'application/json']], bodyText: JSON.stringify(json), json, size: 100, truncated: false, elapsedMs: 5, attempts: 1, notes: [] };
  return { request, outcome };
}

/** A session with its page ready, recording what it is sent. */
function readySession(): { session: ResultsSession; sent: HostToPage[] } {
  const sent: HostToPage[] = [];
  const session = new ResultsSession((message) => sent.push(message));
  session.pageIsReady();
  return { session, sent };
}

/** Actions that serve pages of 2 rows: page n links to n+1 until `lastPage`. */
function pagedActions(lastPage = 3): ResultsActions & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async nextPage(nextLink) {
      calls.push(nextLink);
      const page = Number(new URL(nextLink).searchParams.get('$skiptoken'));
      return { rows: rows((page - 1) * 2, 2), nextLink: page < lastPage ? `accounts?$skiptoken=${page + 1}` : undefined };
    },
    // like runnerCommands' loadAll: follows next links only, from the session's link, with the total so far
    async loadAll(nextLink, loaded, maxRows, signal, onProgress) {
      calls.push(`all:${nextLink}`);
      let total = loaded;
      for (let page = Number(new URL(nextLink).searchParams.get('$skiptoken')); page <= lastPage; page += 1) {
        if (signal.aborted) return { stoppedBecause: 'cancelled', nextLink: `accounts?$skiptoken=${page}` };
        if (total >= maxRows) return { stoppedBecause: 'cap', nextLink: `accounts?$skiptoken=${page}` };
        total += 2;
        onProgress(rows((page - 1) * 2, 2), total);
      }
      return { stoppedBecause: 'end' };
    },
    curl: () => `curl '${request.url}'`,
  };
}

const types = (sent: HostToPage[]): string[] => sent.map((message) => message.type);

describe('showing a result', () => {
  test('nothing is sent before the page is ready; then the whole view', () => {
    const sent: HostToPage[] = [];
    const session = new ResultsSession((message) => sent.push(message));
    session.load(firstPage(), pagedActions());
    assert.deepEqual(sent, []);
    session.pageIsReady();
    assert.equal(sent.length, 1);
    const show = sent[0] as HostToPage;
    assert.ok(show.type === 'show');
    assert.equal(show.view.rows?.length, 2);
    assert.equal(show.view.nextLink, `${ROOT}accounts?$skiptoken=2`);
  });

  test('a new result in a ready page is shown at once', () => {
    const { session, sent } = readySession();
    session.load(firstPage(), pagedActions());
    assert.deepEqual(types(sent), ['show', 'show']);
  });
});

describe('paging', () => {
  test('load next page: busy, the rows with the next link (resolved), idle', async () => {
    const { session, sent } = readySession();
    const actions = pagedActions();
    session.load(firstPage(), actions);
    sent.length = 0;
    await session.loadNextPage();
    assert.deepEqual(actions.calls, [`${ROOT}accounts?$skiptoken=2`]);
    assert.deepEqual(types(sent), ['busy', 'appendRows', 'idle']);
    assert.deepEqual(sent[1], { type: 'appendRows', rows: rows(2, 2), nextLink: `${ROOT}accounts?$skiptoken=3` });
    assert.deepEqual(sent[2], { type: 'idle', nextLink: `${ROOT}accounts?$skiptoken=3` });
    await session.loadNextPage();
    assert.equal(session.rows.length, 6);
    assert.equal(session.nextLink, undefined);
    assert.deepEqual(sent.at(-1), { type: 'idle', nextLink: null });
    sent.length = 0;
    await session.loadNextPage();
    assert.deepEqual(sent, [{ type: 'notice', text: 'There is no next page.', level: 'info' }]);
    assert.deepEqual(session.snapshot(), { title: 'Accounts', status: '200 OK · 5 ms · 100 B', httpStatus: 200, rowCount: 6, columns: ['name'], hasNextLink: false, busy: false, restored: false, maybeApplied: false });
  });

  test('a failed page: an error notice, the rows and the link unchanged', async () => {
    const { session, sent } = readySession();
    session.load(firstPage(), { ...pagedActions(), nextPage: async () => ({ failure: '503 Service Unavailable' }) });
    sent.length = 0;
    await session.loadNextPage();
    assert.deepEqual(sent[1], { type: 'notice', text: 'The next page could not be loaded: 503 Service Unavailable', level: 'error' });
    assert.equal(session.rows.length, 2);
    assert.equal(session.nextLink, `${ROOT}accounts?$skiptoken=2`);
    assert.deepEqual(sent.at(-1), { type: 'idle', nextLink: `${ROOT}accounts?$skiptoken=2` });
  });

  test('an exception becomes an actionable notice', async () => {
    const { session, sent } = readySession();
    session.load(firstPage(), { ...pagedActions(), nextPage: async () => Promise.reject(new Error('socket hang up')) });
    await session.loadNextPage();
    assert.ok(sent.some((message) => message.type === 'notice' && message.level === 'error' && message.text.startsWith('Could not load more rows: socket hang up.')));
    assert.equal(session.busy, false);
  });

  test('load all: every page after the first in order, with progress; the first page stays', async () => {
    const { session, sent } = readySession();
    session.load(firstPage(), pagedActions(4));
    sent.length = 0;
    await session.loadAll(100);
    assert.deepEqual(session.rows, rows(0, 8));
    assert.deepEqual(types(sent), ['busy', 'appendRows', 'progress', 'appendRows', 'progress', 'appendRows', 'progress', 'notice', 'idle']);
    assert.deepEqual(sent[1], { type: 'appendRows', rows: rows(2, 2), from: 2 });
    assert.deepEqual(sent[6], { type: 'progress', rows: 8, pages: 4, maxRows: 100 });
    assert.deepEqual(sent[7], { type: 'notice', text: 'Loaded 8 rows in 4 pages: every page.', level: 'info' });
    assert.deepEqual(sent[8], { type: 'idle', nextLink: null });
  });

  test('load all after next pages: goes on from the last next link, nothing loaded twice, the request never sent again', async () => {
    const { session, sent } = readySession();
    const actions = pagedActions(3);
    session.load(firstPage(), actions);
    await session.loadNextPage();
    assert.equal(session.rows.length, 4);
    sent.length = 0;
    await session.loadAll(100);
    assert.deepEqual(session.rows, rows(0, 6));
    assert.deepEqual(sent[1], { type: 'appendRows', rows: rows(4, 2), from: 4 });
    assert.deepEqual(actions.calls, [`${ROOT}accounts?$skiptoken=2`, `all:${ROOT}accounts?$skiptoken=3`]);
    sent.length = 0;
    await session.loadAll(100);
    assert.deepEqual(sent, [{ type: 'notice', text: 'Every page is loaded (6 rows).', level: 'info' }]);
  });

  test('load all up to a cap keeps the next link', async () => {
    const { session, sent } = readySession();
    session.load(firstPage(), pagedActions(10));
    await session.loadAll(4);
    assert.equal(session.rows.length, 4);
    assert.equal(session.nextLink, `${ROOT}accounts?$skiptoken=3`);
    assert.ok(sent.some((message) => message.type === 'notice' && message.text === 'Loaded 4 rows in 2 pages: the row cap was reached, "Load next page" goes on.'));
  });

  test('cancel aborts the running operation; one operation at a time', async () => {
    const { session, sent } = readySession();
    let release: () => void = () => undefined;
    let seenSignal: AbortSignal | undefined;
    session.load(firstPage(), {
      ...pagedActions(),
      nextPage: (_link, signal) =>
        new Promise((resolve) => {
          seenSignal = signal;
          release = () => resolve({ rows: rows(2, 2) });
        }),
    });
    const running = session.loadNextPage();
    assert.equal(session.busy, true);
    await session.loadAll(10);
    assert.ok(sent.some((message) => message.type === 'notice' && message.text === 'Still loading: wait, or cancel first.'));
    session.cancel();
    assert.equal(seenSignal?.aborted, true);
    release();
    await running;
    assert.equal(session.rows.length, 2, 'rows that arrive after a cancel are dropped');
    assert.ok(sent.some((message) => message.type === 'notice' && message.text === 'Cancelled: 2 rows loaded.'));
    assert.equal(session.busy, false);
  });

  test('a new result cancels a running operation and ignores its late rows', async () => {
    const { session } = readySession();
    let release: () => void = () => undefined;
    session.load(firstPage(), { ...pagedActions(), nextPage: () => new Promise((resolve) => (release = () => resolve({ rows: rows(100, 5) }))) });
    const running = session.loadNextPage();
    session.load(firstPage(3, undefined), pagedActions());
    release();
    await running;
    assert.deepEqual(session.rows, rows(0, 3));
    assert.equal(session.busy, false);
  });
});

describe('hide, show and close', () => {
  test('messages wait while the page is gone; on ready it gets every row and the busy state', async () => {
    const { session, sent } = readySession();
    let release: () => void = () => undefined;
    session.load(firstPage(), { ...pagedActions(), nextPage: () => new Promise((resolve) => (release = () => resolve({ rows: rows(2, 2) }))) });
    const running = session.loadNextPage();
    session.pageIsGone();
    sent.length = 0;
    release();
    await running;
    assert.deepEqual(sent, []);
    session.pageIsReady();
    const show = sent[0] as HostToPage;
    assert.ok(show.type === 'show' && show.view.rows?.length === 4);
  });

  test('closing cancels and sends nothing more', async () => {
    const { session, sent } = readySession();
    let signal: AbortSignal | undefined;
    session.load(firstPage(), { ...pagedActions(), nextPage: (_link, s) => ((signal = s), new Promise(() => undefined)) });
    void session.loadNextPage();
    sent.length = 0;
    session.close();
    assert.equal(signal?.aborted, true);
    session.notice('late');
    assert.deepEqual(sent, []);
  });
});

describe('raw, export and curl', () => {
  test('raw JSON is the first response; after more pages a notice says where all rows are', async () => {
    const { session, sent } = readySession();
    session.load(firstPage(), pagedActions());
    assert.deepEqual(JSON.parse(session.rawDocument()!.content).value, rows(0, 2));
    await session.loadNextPage();
    sent.length = 0;
    assert.equal(session.rawDocument()?.language, 'json');
    assert.ok(sent[0].type === 'notice' && sent[0].text.includes('all 4 loaded rows'));
  });

  test('a non-JSON body opens as plain text; a failure has no body', () => {
    const { session } = readySession();
    const html: ResponseResult = { ok: true, status: 502, statusText: 'Bad Gateway', headers: [], bodyText: '<h1>502</h1>', size: 12, truncated: false, elapsedMs: 1, attempts: 1, notes: [] };
    session.load({ request, outcome: html }, pagedActions());
    assert.deepEqual(session.rawDocument(), { content: '<h1>502</h1>', language: 'plaintext' });
    session.load({ request, outcome: { ok: false, kind: 'refused', message: 'refused', elapsedMs: 1, attempts: 1 } }, pagedActions());
    assert.equal(session.rawDocument(), undefined);
  });

  test('exports hold every loaded row', async () => {
    const { session } = readySession();
    session.load(firstPage(), pagedActions());
    await session.loadNextPage();
    assert.equal(session.exportText('csv'), 'name\r\nrow 0\r\nrow 1\r\nrow 2\r\nrow 3\r\n');
    assert.equal(JSON.parse(session.exportText('json')).length, 4);
    assert.equal(session.curl(), `curl '${request.url}'`);
  });
});

describe('restore after a reload', () => {
  test('the saved view comes back with paging off and a note on the rows kept', async () => {
    const { session: before } = readySession();
    before.load(firstPage(), pagedActions());
    // what the page saves: its view with rows capped, and the total
    const state = JSON.parse(JSON.stringify({ version: 1, view: { ...before.fullView(), rows: rows(0, 1) }, totalRows: 2, ui: { tab: 'results', maxRows: 5000 } }));
    const { session, sent } = readySession();
    assert.equal(session.restore(state), true);
    assert.equal(session.view.restored, true);
    assert.equal(session.nextLink, undefined);
    assert.deepEqual(session.rows, rows(0, 1));
    assert.ok(session.view.notes.includes('Restored 1 of the 2 rows loaded before the reload.'));
    await session.loadNextPage();
    await session.loadAll(10);
    assert.equal(session.curl(), undefined);
    assert.equal(sent.filter((message) => message.type === 'notice' && message.text.startsWith('Send the request again')).length, 3);
    assert.deepEqual(JSON.parse(session.rawDocument()!.content), rows(0, 1));
    assert.equal(session.snapshot().restored, true);
  });

  test('a state that is not the page\'s is refused', () => {
    const { session } = readySession();
    assert.equal(session.restore(undefined), false);
    assert.equal(session.restore({ version: 2 }), false);
    assert.equal(session.restore({ version: 1, view: { title: 'x' } }), false);
  });
});
