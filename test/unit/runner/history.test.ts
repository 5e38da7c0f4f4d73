import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BODY_CAP, entryAsOdataText, HISTORY_LIMIT, historyEntry, requestFromEntry, RequestHistory } from '../../../client/src/features/runner/history';
import type { PreparedRequest, SendOutcome } from '../../../client/src/features/runner/types';

class MemoryStorage {
  values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

const environment = { name: 'dev', flavor: 'dataverse' as const, serviceRoot: 'https://contoso.crm.dynamics.com/api/data/v9.2/' };
const request: PreparedRequest = {
  method: 'POST',
  url: `${environment.serviceRoot}accounts`,
  headers: [['Content-Type', 'application/json'], ['Ocp-Apim-Subscription-Key', 'k-123'], ['Prefer', 'return=representation']],
  body: '{"name":"Contoso"}',
  title: 'Create account',
  environment,
};
const ok: SendOutcome = { ok: true, status: 201, statusText: 'Created', headers: [], bodyText: '{"accountid":"1"}', size: 17, truncated: false, elapsedMs: 41.7, attempts: 1, notes: [] };

describe('request history', () => {
  it('keeps what was sent and how it ended, without secret-looking header values', () => {
    const entry = historyEntry(request, ok, new Date('2026-11-30T10:00:00Z'), 'a');
    assert.equal(entry.status, 201);
    assert.equal(entry.elapsedMs, 42);
    assert.equal(entry.responseText, '{"accountid":"1"}');
    assert.deepEqual(entry.headers[1], ['Ocp-Apim-Subscription-Key', '•••']);
    assert.ok(!JSON.stringify(entry).includes('k-123'));
    const again = requestFromEntry(entry);
    assert.equal(again.ok, false, 'a redacted header cannot be sent again from the history');
  });

  it('drops bodies over the cap and says so', () => {
    const big = { ...request, headers: [] as Array<[string, string]>, body: 'x'.repeat(BODY_CAP + 1) };
    const failed: SendOutcome = { ok: false, kind: 'timeout', message: 'timed out', elapsedMs: 5, attempts: 1 };
    const entry = historyEntry(big, failed, new Date(), 'b');
    assert.equal(entry.body, undefined);
    assert.equal(entry.bodyOmitted, true);
    assert.equal(entry.failure, 'timeout');
    assert.match(requestFromEntry(entry).ok ? '' : (requestFromEntry(entry) as { message: string }).message, /over 32 KB/);
    assert.match(entryAsOdataText(entry), /not kept in the history/);
  });

  it('sends a plain entry again as it was, and writes it back as an .odata request', () => {
    const plain = { ...request, headers: [['Prefer', 'return=representation']] as Array<[string, string]> };
    const entry = historyEntry(plain, ok, new Date('2026-11-30T10:00:00Z'), 'c');
    const again = requestFromEntry(entry);
    assert.ok(again.ok);
    assert.deepEqual({ ...again.request }, { ...plain });
    const text = entryAsOdataText(entry);
    assert.match(text, /^@environment = dev$/m);
    assert.match(text, /^POST accounts$/m);
    assert.match(text, /^Prefer: return=representation$/m);
    assert.match(text, /\n\n\{"name":"Contoso"\}\n$/);
  });

  it('stores newest first, at most the limit, survives bad stored data', async () => {
    const storage = new MemoryStorage();
    const history = new RequestHistory(storage);
    storage.values.set('dynamicsOData.history', [{ nonsense: true }, 'x']);
    assert.deepEqual(history.entries(), []);
    for (let i = 0; i < HISTORY_LIMIT + 5; i += 1) await history.add(historyEntry(request, ok, new Date(), `id${i}`));
    const entries = history.entries();
    assert.equal(entries.length, HISTORY_LIMIT);
    assert.equal(entries[0]!.id, `id${HISTORY_LIMIT + 4}`);
    await history.remove(entries[0]!.id);
    assert.equal(history.entries()[0]!.id, `id${HISTORY_LIMIT + 3}`);
    await history.clear();
    assert.equal(history.entries().length, 0);
  });
});
