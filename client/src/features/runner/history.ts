/**
 * The history of sent requests: what was sent where, when, and how it ended, kept in the workspace state so a
 * request can be sent again or its (small) result looked at later. Pure: the storage is a Memento-like object.
 *
 * Never stored: an Authorization header (it is never in a PreparedRequest), header values whose names look
 * like secrets (redacted), request bodies and response bodies over the size cap.
 */
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

const SECRET_HEADER = /authorization|cookie|secret|token|password|api[-_]?key|subscription-key/i;

export function redactHeaders(headers: ReadonlyArray<[string, string]>): Array<[string, string]> {
  return headers.map(([name, value]) => [name, SECRET_HEADER.test(name) ? '•••' : value]);
}

export function historyEntry(request: PreparedRequest, outcome: SendOutcome, at: Date, id: string): HistoryEntry {
  const body = request.body;
  const entry: HistoryEntry = {
    id,
    at: at.toISOString(),
    title: request.title,
    environment: request.environment,
    method: request.method,
    url: request.url,
    headers: redactHeaders(request.headers),
    elapsedMs: Math.round(outcome.elapsedMs),
  };
  if (body !== undefined) {
    if (body.length <= BODY_CAP) entry.body = body;
    else entry.bodyOmitted = true;
  }
  if (outcome.ok) {
    entry.status = outcome.status;
    if (!outcome.truncated && outcome.bodyText.length <= BODY_CAP) entry.responseText = outcome.bodyText;
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
  if (entry.headers.some(([, value]) => value === '•••')) {
    return { ok: false, message: `"${entry.title}" had a secret-looking header that the history does not keep: send it again from its .odata file.` };
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
