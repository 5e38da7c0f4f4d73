// Fuzz: the runner's pure parts take whatever a file or a server gives them. Mutated `.odata` documents (from
// the real queries) through prepareRequest, random and mutated JSON through the results table, the view model and
// the CSV export, random bodies through the $batch response parser: nothing throws, and what comes out keeps its
// promises (an absolute URL on the environment's origin, no Authorization header, one cell per column).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRequestFile } from '../../../server/src/odata/requestFile/requestFile';
import { prepareRequest } from '../../../client/src/features/runner/http/prepare';
import { parseBatchResponse } from '../../../client/src/features/runner/http/batch';
import { tableFromRows, cellAt, sortOrder, filterOrder } from '../../../client/src/features/runner/results/table';
import { buildResultView } from '../../../client/src/features/runner/results/viewModel';
import { toCsv } from '../../../client/src/features/runner/results/export';
import type { PreparedRequest, ResponseResult, RunnerEnvironment } from '../../../client/src/features/runner/types';

const corpus = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const queries = readFileSync(join(corpus, 'queries', 'real-queries.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.includes('\t'))
  .map((line) => line.split('\t')[1]!);

let seed = 20261130;
const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const pieces = [...'()[]{}\'"$@/?&=,;:.*-+% \n\t#\\'].concat(['{{x}}', '{{$guid}}', '{{', '}}', '@x = 1\n', '###\n', 'POST ', 'Authorization: Bearer x\n', 'http://evil.example/', '\n\n{"a":', '%zz', '%2', '\u00e9', '\u{1F680}', '\uD800', 'https://contoso.crm.dynamics.com/api/data/v9.2/']);

function mutate(text: string): string {
  let out = text;
  for (let i = 0, n = 1 + Math.floor(random() * 4); i < n; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const r = random();
    if (r < 0.35) out = out.slice(0, at) + out.slice(at + Math.floor(random() * 10));
    else if (r < 0.8) out = out.slice(0, at) + pick(pieces) + out.slice(at);
    else out = out.slice(at) + out.slice(0, at);
  }
  return out;
}

function randomJson(depth = 0): unknown {
  const r = random();
  if (depth > 3 || r < 0.3) return pick([null, true, false, 0, -1.5, 1e21, '', 'text', '<img src=x onerror=alert(1)>', '"quoted, with comma"\nnewline', '\u{1F680}']);
  if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = 0, n = Math.floor(random() * 6); i < n; i++) {
    const key = pick(['name', 'revenue', '_x_value', '_x_value@OData.Community.Display.V1.FormattedValue', '@odata.etag', 'a@b', '', '__proto__', 'constructor', 'value', '@odata.nextLink']);
    object[key] = randomJson(depth + 1);
  }
  return object;
}

const environment: RunnerEnvironment = { name: 'dev', flavor: 'dataverse', serviceRoot: 'https://contoso.crm.dynamics.com/api/data/v9.2/' };
const origin = new URL(environment.serviceRoot).origin;

test('prepareRequest never throws, and what it prepares goes to the environment\'s origin without an Authorization header', () => {
  let prepared = 0;
  for (let i = 0; i < 3000; i++) {
    const base = `@x = 5\n### q\n${pick(['', 'GET ', 'POST ', 'PATCH '])}${pick(queries)}\n${random() < 0.3 ? 'Prefer: return=representation\n\n{"name":"a"}\n' : ''}`;
    const text = random() < 0.1 ? Array.from({ length: 40 }, () => pick(pieces)).join('') : mutate(base);
    const count = parseRequestFile(text).requests.length;
    for (let index = -1; index <= count; index++) {
      const result = prepareRequest(text, index, environment);
      if (!result.ok) {
        assert.ok(result.failure.message.length > 0, 'a failure says why');
        continue;
      }
      prepared += 1;
      assert.equal(new URL(result.request.url).origin, origin, result.request.url);
      assert.ok(!result.request.headers.some(([name]) => name.toLowerCase() === 'authorization'));
    }
  }
  assert.ok(prepared > 1000, `${prepared} requests prepared`);
});

test('the results table, view model and CSV take any JSON', () => {
  const request: PreparedRequest = { method: 'GET', url: `${environment.serviceRoot}accounts`, headers: [['Authorization', 'Bearer secret-token']], title: 't', environment };
  for (let i = 0; i < 1500; i++) {
    const rows = Array.from({ length: Math.floor(random() * 8) }, () => randomJson());
    const table = tableFromRows(rows);
    for (let row = 0; row < rows.length; row++) for (let column = 0; column < table.columns.length; column++) cellAt(table, row, column);
    if (table.columns.length > 0) {
      sortOrder(table, 0, random() < 0.5 ? 'asc' : 'desc');
      filterOrder(table, pick(['a', '', '<', '1']));
    }
    toCsv(table);
    const body = random() < 0.5 ? JSON.stringify({ value: rows, '@odata.count': rows.length }) : mutate(JSON.stringify(randomJson()));
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const outcome: ResponseResult = { ok: true, status: pick([200, 400, 500]), statusText: '', headers: [['content-type', 'application/json']], bodyText: body, size: body.length, truncated: false, json, elapsedMs: 1, attempts: 1, notes: [] };
    const view = buildResultView(request, outcome);
    assert.ok(!JSON.stringify(view).includes('secret-token'), 'the token never reaches the page');
  }
});

test('the $batch response parser takes any body', () => {
  const sample = '--batch_1\r\nContent-Type: application/http\r\nContent-ID: 1\r\n\r\nHTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n--batch_1--\r\n';
  for (let i = 0; i < 3000; i++) {
    const multipart = random() < 0.5;
    const body = multipart ? mutate(sample) : mutate(JSON.stringify({ responses: [{ id: '1', status: 200, body: randomJson() }] }));
    const outcome: ResponseResult = {
      ok: true, status: 200, statusText: 'OK', size: body.length, truncated: false, elapsedMs: 1, attempts: 1, notes: [], bodyText: body,
      headers: [['content-type', multipart ? pick(['multipart/mixed; boundary=batch_1', 'multipart/mixed', 'multipart/mixed; boundary=']) : 'application/json']],
    };
    const parts = parseBatchResponse(outcome);
    if (parts) for (const part of parts) assert.equal(typeof part.status, 'number');
  }
});
