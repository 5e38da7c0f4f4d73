/**
 * The messages between the results panel's host (extension) and its page (webview), one discriminated union
 * each way, and their validators: each side checks what it receives and ignores anything unknown or malformed.
 * No VS Code and no DOM: imported by both sides.
 */
import type { ResultView } from '../results/viewModel';

/** The most rows "Load all" may be asked for. */
export const MAX_LOAD_ALL_ROWS = 1_000_000;

export type PageToHost =
  | { type: 'ready' }
  | { type: 'loadNextPage' }
  | { type: 'loadAll'; maxRows: number }
  | { type: 'cancel' }
  | { type: 'openRaw' }
  | { type: 'export'; format: 'csv' | 'json' }
  | { type: 'copyUrl' }
  | { type: 'copyCurl' }
  /** "Send again" after a write that may or may not have happened (the user's choice, never automatic). */
  | { type: 'sendAgain' };

export type HostToPage =
  | { type: 'show'; view: ResultView }
  /**
   * More rows. `from`: the index these rows start at (the page drops any rows from there first: "Load all" starts
   * again after the first page); absent = after the last row. nextLink: absent = unchanged, null = no more pages.
   */
  | { type: 'appendRows'; rows: unknown[]; nextLink?: string | null; from?: number }
  | { type: 'progress'; rows: number; pages: number; maxRows?: number }
  | { type: 'busy'; what: string }
  /** nextLink as in appendRows. */
  | { type: 'idle'; nextLink?: string | null }
  | { type: 'notice'; text: string; level?: 'info' | 'error' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A message from the page, or undefined when it is not one the host knows. */
export function parsePageMessage(data: unknown): PageToHost | undefined {
  if (!isRecord(data) || typeof data.type !== 'string') return undefined;
  switch (data.type) {
    case 'ready':
    case 'loadNextPage':
    case 'cancel':
    case 'openRaw':
    case 'copyUrl':
    case 'copyCurl':
    case 'sendAgain':
      return { type: data.type };
    case 'loadAll': {
      const maxRows = data.maxRows;
      if (typeof maxRows !== 'number' || !Number.isInteger(maxRows) || maxRows < 1 || maxRows > MAX_LOAD_ALL_ROWS) return undefined;
      return { type: 'loadAll', maxRows };
    }
    case 'export':
      return data.format === 'csv' || data.format === 'json' ? { type: 'export', format: data.format } : undefined;
    default:
      return undefined;
  }
}

function isNextLink(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === 'string';
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The parts of a view the page relies on; anything else is optional and read defensively. */
export function isResultView(value: unknown): value is ResultView {
  if (!isRecord(value)) return false;
  const request = value.request;
  return (
    typeof value.id === 'string' &&
    typeof value.title === 'string' &&
    (value.kind === 'response' || value.kind === 'failure') &&
    typeof value.statusLine === 'string' &&
    typeof value.success === 'boolean' &&
    isStringArray(value.notes) &&
    isRecord(request) &&
    typeof request.method === 'string' &&
    typeof request.url === 'string' &&
    Array.isArray(request.headers) &&
    request.headers.every((header) => Array.isArray(header) && header.length === 2 && typeof header[0] === 'string' && typeof header[1] === 'string') &&
    (value.rows === undefined || Array.isArray(value.rows)) &&
    (value.batchParts === undefined || Array.isArray(value.batchParts)) &&
    (value.nextLink === undefined || typeof value.nextLink === 'string') &&
    (value.count === undefined || typeof value.count === 'number') &&
    (value.error === undefined || (isRecord(value.error) && typeof value.error.message === 'string')) &&
    (value.text === undefined || (isRecord(value.text) && typeof value.text.text === 'string'))
  );
}

/** A message from the host, or undefined when it is not one the page knows. */
export function parseHostMessage(data: unknown): HostToPage | undefined {
  if (!isRecord(data) || typeof data.type !== 'string') return undefined;
  switch (data.type) {
    case 'show':
      return isResultView(data.view) ? { type: 'show', view: data.view } : undefined;
    case 'appendRows': {
      if (!Array.isArray(data.rows) || !isNextLink(data.nextLink)) return undefined;
      if (data.from !== undefined && !(isCount(data.from) && Number.isInteger(data.from))) return undefined;
      const message: HostToPage = { type: 'appendRows', rows: data.rows };
      if (data.nextLink !== undefined) message.nextLink = data.nextLink;
      if (data.from !== undefined) message.from = data.from as number;
      return message;
    }
    case 'progress': {
      if (!isCount(data.rows) || !isCount(data.pages) || (data.maxRows !== undefined && !isCount(data.maxRows))) return undefined;
      const message: HostToPage = { type: 'progress', rows: data.rows, pages: data.pages };
      if (data.maxRows !== undefined) message.maxRows = data.maxRows as number;
      return message;
    }
    case 'busy':
      return typeof data.what === 'string' ? { type: 'busy', what: data.what } : undefined;
    case 'idle': {
      if (!isNextLink(data.nextLink)) return undefined;
      return data.nextLink === undefined ? { type: 'idle' } : { type: 'idle', nextLink: data.nextLink };
    }
    case 'notice':
      if (typeof data.text !== 'string') return undefined;
      return data.level === 'error' || data.level === 'info' ? { type: 'notice', text: data.text, level: data.level } : { type: 'notice', text: data.text };
    default:
      return undefined;
  }
}
