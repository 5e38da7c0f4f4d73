/**
 * The history of sent requests: what was sent where, when, and how it ended, kept in the workspace state so a
 * request can be sent again or its (small) result looked at later. Pure: the storage is a Memento-like object.
 *
 * Never stored (../redaction.ts, the runner's one redaction): an Authorization header (it is never in a
 * PreparedRequest), secret headers, secret query parameters, secret members of request and response bodies, and
 * bodies over the size cap. An entry from which something was redacted cannot be sent again from the history.
 */
import { redactBody, redactHeaders, redactUrl, REDACTED } from './redaction';
import type { PreparedRequest, RunnerEnvironment, SendOutcome } from './types';

export interface HistoryStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface HistoryEntry {
  id: string;
  /** ISO time the request was sent. */
  at: string;
  title: string;
  environment: RunnerEnvironment;
  method: string;
  url: string;
  headers: Array<[string, string]>;
  /** Absent when there was none or it was over the cap (`bodyOmitted`). */
  body?: string;
  bodyOmitted?: boolean;
  /** Something secret was removed (a header, a query parameter, a body member): sending it again needs the file. */
  redacted?: boolean;
  /** HTTP status, or the failure kind when no response came. */
  status?: number;
  failure?: string;
  elapsedMs: number;
  /** The response body when small enough to keep. */
  responseText?: string;
}

export const HISTORY_KEY = 'dynamicsOData.history';
export const HISTORY_LIMIT = 200;
export const BODY_CAP = 32 * 1024;

export { redactHeaders } from './redaction';

export function historyEntry(request: PreparedRequest, outcome: SendOutcome, at: Date, id: string): HistoryEntry {
  const body = request.body;
  const entry: HistoryEntry = {
    id,
    at: at.toISOString(),
    title: request.title,
    environment: request.environment,
    method: request.method,
    url: redactUrl(request.url),
    headers: redactHeaders(request.headers),
    elapsedMs: Math.round(outcome.elapsedMs),
  };
  let redacted = entry.url !== request.url || entry.headers.some(([, value], index) => value !== request.headers[index]?.[1]);
  if (body !== undefined) {
    if (body.length <= BODY_CAP) {
      entry.body = redactBody(body);
      redacted ||= entry.body !== body;
    } else entry.bodyOmitted = true;
  }
  if (redacted) entry.redacted = true;
  if (outcome.ok) {
    entry.status = outcome.status;
    if (!outcome.truncated && outcome.bodyText.length <= BODY_CAP) entry.responseText = redactBody(outcome.bodyText);
  } else {
    entry.failure = outcome.kind;
  }
  return entry;
}

/** The request an entry sends again, or why it cannot. */
export function requestFromEntry(entry: HistoryEntry): { ok: true; request: PreparedRequest } | { ok: false; message: string } {
  if (entry.bodyOmitted) {
    return { ok: false, message: `"${entry.title}" had a body over ${BODY_CAP / 1024} KB, which the history does not keep: send it again from its .odata file.` };
  }
  if (entry.redacted || entry.headers.some(([, value]) => value.endsWith(REDACTED))) {
    return { ok: false, message: `"${entry.title}" had a secret (a header, a query parameter or a body member) that the history does not keep: send it again from its .odata file.` };
  }
  return {
    ok: true,
    request: { method: entry.method, url: entry.url, headers: entry.headers, body: entry.body, title: entry.title, environment: entry.environment },
  };
}

export class RequestHistory {
  constructor(private readonly storage: HistoryStorage) {}

  entries(): HistoryEntry[] {
    const stored = this.storage.get<unknown>(HISTORY_KEY);
    return Array.isArray(stored) ? stored.filter(isEntry) : [];
  }

  async add(entry: HistoryEntry): Promise<void> {
    await this.storage.update(HISTORY_KEY, [entry, ...this.entries()].slice(0, HISTORY_LIMIT));
  }

  async remove(id: string): Promise<void> {
    await this.storage.update(HISTORY_KEY, this.entries().filter((entry) => entry.id !== id));
  }

  async clear(): Promise<void> {
    await this.storage.update(HISTORY_KEY, []);
  }
}

function isEntry(value: unknown): value is HistoryEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<HistoryEntry>;
  return typeof entry.id === 'string' && typeof entry.url === 'string' && typeof entry.method === 'string' && typeof entry.environment === 'object';
}

/** An entry as an `.odata` request again (opened from the History view to look at, edit and send). */
export function entryAsOdataText(entry: HistoryEntry): string {
  const root = entry.environment.serviceRoot;
  const url = entry.url.startsWith(root) ? entry.url.slice(root.length) : entry.url;
  const outcome = entry.status !== undefined ? `${entry.status}` : entry.failure ?? '';
  const lines = [
    `# Sent ${entry.at} to "${entry.environment.name}": ${outcome} in ${entry.elapsedMs} ms`,
    `@environment = ${entry.environment.name}`,
    '',
    `### ${entry.title}`,
    `${entry.method} ${url}`,
    ...entry.headers.map(([name, value]) => `${name}: ${value}`),
  ];
  if (entry.body !== undefined) lines.push('', entry.body);
  else if (entry.bodyOmitted) lines.push('', `# (the body was over ${BODY_CAP / 1024} KB and is not kept in the history)`);
  return `${lines.join('\n')}\n`;
}
