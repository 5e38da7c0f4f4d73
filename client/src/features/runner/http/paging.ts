/**
 * Server-driven paging: the rows, `@odata.count` and `@odata.nextLink` of an answer, the request for the next
 * page (the link resolved against the previous request's URL, as CAP sends relative links; never to another
 * origin), and "load all" up to a row cap, cancellable, keeping the rows so far when a page fails.
 */
import type { PreparedRequest, RequestFailure, ResponseResult, SendOutcome } from '../types';
import { sendRequest, type SendOptions } from './engine';

function jsonObject(result: ResponseResult): Record<string, unknown> | undefined {
  const json = result.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}

/** `@odata.nextLink` (or OData 4.0's `odata.nextLink`) of a JSON answer. */
export function nextLinkOf(result: ResponseResult): string | undefined {
  const json = jsonObject(result);
  const link = json?.['@odata.nextLink'] ?? json?.['odata.nextLink'];
  return typeof link === 'string' && link.length > 0 ? link : undefined;
}

/** `@odata.count` of a JSON answer (a number, or the string form some services send). */
export function countOf(result: ResponseResult): number | undefined {
  const count = jsonObject(result)?.['@odata.count'] ?? jsonObject(result)?.['odata.count'];
  if (typeof count === 'number' && Number.isFinite(count)) return count;
  if (typeof count === 'string' && /^\d+$/.test(count)) return Number(count);
  return undefined;
}

/** The rows of an answer: its `value` array, or a single entity (or complex value) as one row. */
export function rowsOf(result: ResponseResult): unknown[] | undefined {
  if (Array.isArray(result.json)) return result.json;
  const json = jsonObject(result);
  if (!json || result.status >= 400) return undefined;
  if (Array.isArray(json.value)) return json.value;
  return [json];
}

/** A GET of `nextLink`, resolved against the previous request's URL, with the same headers (minus body headers). */
export function nextPageRequest(previous: PreparedRequest, nextLink: string): { ok: true; request: PreparedRequest } | { ok: false; failure: RequestFailure } {
  let target: URL;
  try {
    target = new URL(nextLink, previous.url);
  } catch {
    return refuse('invalidRequest', `The service sent a next-page link that is not a URL (${nextLink}).`);
  }
  const root = new URL(previous.environment.serviceRoot);
  if (target.origin !== root.origin) {
    return refuse(
      'otherHost',
      `The next-page link points to another host (${target.origin}), not the environment's (${root.origin}); it is not followed, so that the token stays with the environment.`,
    );
  }
  const headers = previous.headers.filter(([name]) => !/^content-(type|length)$/i.test(name));
  return { ok: true, request: { method: 'GET', url: target.href, headers, title: previous.title, environment: previous.environment } };
}

function refuse(kind: RequestFailure['kind'], message: string): { ok: false; failure: RequestFailure } {
  return { ok: false, failure: { ok: false, kind, message, elapsedMs: 0, attempts: 0 } };
}

export interface LoadAllResult {
  /** All rows loaded, the first page's included; at most `maxRows`. */
  rows: unknown[];
  /** Pages read, the first included. */
  pages: number;
  stoppedBecause: 'end' | 'cap' | 'cancelled' | 'failed';
  /** What the failing page answered (a failure, or a response without rows). */
  failure?: SendOutcome;
  /** Where to go on from (the link of the first page not loaded), unless the end was reached. */
  nextLink?: string;
}

/**
 * Follows `@odata.nextLink` from `firstResult` until the end, `maxRows` rows (rows beyond the cap in the
 * last page are dropped), cancellation (`options.signal`) or a failure.
 */
export async function loadAllPages(
  first: PreparedRequest,
  firstResult: ResponseResult,
  options: SendOptions & { maxRows: number; onPage?(newRows: unknown[], totalRows: number): void },
): Promise<LoadAllResult> {
  const rows: unknown[] = [];
  let pages = 1;
  let request = first;
  let current = firstResult;
  const take = (page: unknown[]): unknown[] => {
    const added = page.slice(0, Math.max(0, options.maxRows - rows.length));
    rows.push(...added);
    return added;
  };
  take(rowsOf(firstResult) ?? []);
  for (;;) {
    const link = nextLinkOf(current);
    if (!link) return { rows, pages, stoppedBecause: 'end' };
    if (rows.length >= options.maxRows) return { rows, pages, stoppedBecause: 'cap', nextLink: link };
    if (options.signal?.aborted) return { rows, pages, stoppedBecause: 'cancelled', nextLink: link };
    const next = nextPageRequest(request, link);
    if (!next.ok) return { rows, pages, stoppedBecause: 'failed', failure: next.failure, nextLink: link };
    const outcome = await sendRequest(next.request, options);
    if (!outcome.ok) {
      return { rows, pages, stoppedBecause: outcome.kind === 'cancelled' ? 'cancelled' : 'failed', failure: outcome, nextLink: link };
    }
    const pageRows = outcome.status < 300 && !outcome.truncated ? rowsOf(outcome) : undefined;
    if (!pageRows) return { rows, pages, stoppedBecause: 'failed', failure: outcome, nextLink: link };
    pages++;
    const added = take(pageRows);
    options.onPage?.(added, rows.length);
    request = next.request;
    current = outcome;
    if (added.length < pageRows.length) return { rows, pages, stoppedBecause: 'cap', nextLink: nextLinkOf(outcome) };
  }
}

/**
 * "Load all" from where the panel is: follows `nextLink` and the links after it (GETs only: the original request,
 * which may be a write, is never sent again) until the end, `maxRows` rows in all (`loaded` already there),
 * cancellation or a failure. `onPage(rows, total)` after each page, `total` counting the rows loaded before.
 */
export async function loadPagesAfter(
  previous: PreparedRequest,
  nextLink: string,
  options: SendOptions & { maxRows: number; loaded: number; onPage?(newRows: unknown[], totalRows: number): void },
): Promise<Omit<LoadAllResult, 'rows'> & { rowCount: number }> {
  let total = options.loaded;
  let pages = 0;
  let request = previous;
  let link: string | undefined = nextLink;
  for (;;) {
    if (!link) return { rowCount: total, pages, stoppedBecause: 'end' };
    if (total >= options.maxRows) return { rowCount: total, pages, stoppedBecause: 'cap', nextLink: link };
    if (options.signal?.aborted) return { rowCount: total, pages, stoppedBecause: 'cancelled', nextLink: link };
    const next = nextPageRequest(request, link);
    if (!next.ok) return { rowCount: total, pages, stoppedBecause: 'failed', failure: next.failure, nextLink: link };
    const outcome = await sendRequest(next.request, options);
    if (!outcome.ok) return { rowCount: total, pages, stoppedBecause: outcome.kind === 'cancelled' ? 'cancelled' : 'failed', failure: outcome, nextLink: link };
    const pageRows = outcome.status < 300 && !outcome.truncated ? rowsOf(outcome) : undefined;
    if (!pageRows) return { rowCount: total, pages, stoppedBecause: 'failed', failure: outcome, nextLink: link };
    pages++;
    const added = pageRows.slice(0, Math.max(0, options.maxRows - total));
    total += added.length;
    options.onPage?.(added, total);
    request = next.request;
    link = nextLinkOf(outcome);
    if (added.length < pageRows.length) return { rowCount: total, pages, stoppedBecause: 'cap', nextLink: link };
  }
}
