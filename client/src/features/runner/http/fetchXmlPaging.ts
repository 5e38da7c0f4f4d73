/**
 * Running FetchXML through Dataverse's Web API (no VS Code): `GET {entityset}?fetchXml={encoded}`, sent inside a
 * `$batch` when the URL passes the 32,768 characters a GET may have (a GET inside `$batch` may have 65,536), and
 * paging with the paging cookie instead of `@odata.nextLink`.
 *
 * Dataverse answers a page that has more rows with `@Microsoft.Dynamics.CRM.morerecords: true` and (when the query
 * allows it) `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie: <cookie pagenumber="2" pagingcookie="…" />`; the next
 * page is the same FetchXML with `page` incremented and `paging-cookie` set to the `pagingcookie` value URL-decoded
 * twice (learn.microsoft.com/power-apps/developer/data-platform/fetchxml/page-results, Web API tab). Without a
 * cookie, the next page is simple paging (`page` + 1). Both annotations come only when the request asks for them
 * with `Prefer: odata.include-annotations`.
 *
 * The "next link" the results panel keeps is the absolute GET URL of the next page; this module turns it into the
 * request to send (a GET, or a `$batch` around it).
 */
import { SaxesParser } from 'saxes';
import type { PreparedRequest, ResponseResult, RunnerEnvironment, SendOutcome } from '../types';
import { parseBatchResponse } from './batch';
import { sendRequest, type SendOptions } from './engine';
import type { LoadAllResult } from './paging';
import { headerValue } from './prepare';

/** The longest URL Dataverse takes in a GET request. */
export const MAX_GET_URL_LENGTH = 32_768;
/** The longest URL of a GET inside a `$batch`. */
export const MAX_BATCH_URL_LENGTH = 65_536;
/** What the runner asks for: formatted values, lookup names, the attribute names of aliased columns, the paging cookie. */
export const FETCHXML_PREFER = 'odata.include-annotations="*"';
const PAGING_COOKIE = '@Microsoft.Dynamics.CRM.fetchxmlpagingcookie';
const MORE_RECORDS = '@Microsoft.Dynamics.CRM.morerecords';

/** The FetchXML of a request's URL (`fetchXml=`), decoded; undefined when it has none. */
export function fetchXmlOfUrl(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  for (const pair of url.slice(query + 1).split('#')[0].split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).toLowerCase() !== 'fetchxml') continue;
    try {
      return decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A GET with a `fetchXml=` parameter. */
export function isFetchXmlRequest(request: PreparedRequest): boolean {
  return request.method.toUpperCase() === 'GET' && fetchXmlOfUrl(request.url) !== undefined;
}

/** The URL with its `fetchXml=` parameter replaced (percent-encoded), other parameters kept in place. */
export function withFetchXml(url: string, xml: string): string {
  const query = url.indexOf('?');
  const encoded = `fetchXml=${encodeURIComponent(xml)}`;
  if (query < 0) return `${url}?${encoded}`;
  const pairs = url.slice(query + 1).split('&');
  const index = pairs.findIndex((pair) => pair.split('=')[0].toLowerCase() === 'fetchxml');
  if (index < 0) pairs.push(encoded);
  else pairs[index] = encoded;
  return `${url.slice(0, query)}?${pairs.join('&')}`;
}

/** Newlines and the indentation between tags make no difference to FetchXML; in a URL they cost characters. */
export function compactFetchXml(xml: string): string {
  return xml.trim().replace(/>[ \t]*\r?\n\s*</g, '><');
}

interface StartTag {
  name: string;
  attributes: Array<[string, string]>;
  /** Offsets of the start tag in the text: `<` to after `>`. */
  start: number;
  end: number;
}

/** The root element's start tag (its attributes in order), or undefined when the text is not well-formed XML. */
export function rootStartTag(xml: string): StartTag | undefined {
  const parser = new SaxesParser({ xmlns: false, position: true });
  let tag: StartTag | undefined;
  let tagStart = 0;
  let failed = false;
  parser.on('error', () => {
    failed = true;
  });
  parser.on('opentagstart', (t) => {
    // saxes reports the position after the character that ended the name: look back for `<name`.
    if (!tag) tagStart = xml.lastIndexOf(`<${t.name}`, parser.position);
  });
  parser.on('opentag', (t) => {
    tag ??= { name: t.name, attributes: Object.entries(t.attributes as Record<string, string>), start: tagStart, end: parser.position };
  });
  try {
    parser.write(xml).close();
  } catch {
    failed = true;
  }
  return failed ? undefined : tag;
}

/** The logical name in `<entity name="…">` (the first entity element), or undefined. */
export function entityNameOf(xml: string): string | undefined {
  const parser = new SaxesParser({ xmlns: false });
  let name: string | undefined;
  parser.on('error', () => undefined);
  parser.on('opentag', (t) => {
    if (name === undefined && t.name === 'entity') name = String((t.attributes as Record<string, string>).name ?? '') || undefined;
  });
  try {
    parser.write(xml).close();
  } catch {
    // the name found before the error, if any
  }
  return name;
}

/** `GET {serviceRoot}{entitySet}?fetchXml={encoded}` with the OData headers (the runner adds Prefer). */
/** The request for a `.fetchxml` file's text. */
export function fetchXmlRequest(text: string, environment: RunnerEnvironment, entitySet: string, title: string): PreparedRequest {
  const root = rootStartTag(text);
  const xml = compactFetchXml(root ? text.slice(root.start) : text);
  const headers: Array<[string, string]> = [
    ['Accept', 'application/json'],
    ['OData-MaxVersion', '4.0'],
    ['OData-Version', '4.0'],
  ];
  if (environment.flavor === 'dataverse') headers.push(['If-None-Match', 'null']);
  return { method: 'GET', url: `${environment.serviceRoot}${entitySet}?fetchXml=${encodeURIComponent(xml)}`, headers, title, environment };
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The FetchXML with the root's attributes set (the rest of the text unchanged). */
export function setFetchAttributes(xml: string, values: Record<string, string | undefined>): string | undefined {
  const tag = rootStartTag(xml);
  if (!tag || tag.name !== 'fetch') return undefined;
  const attributes = tag.attributes.filter(([name]) => !(name in values));
  for (const [name, value] of Object.entries(values)) if (value !== undefined) attributes.push([name, value]);
  const selfClosing = /\/\s*>$/.test(xml.slice(tag.start, tag.end));
  const text = `<fetch${attributes.map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('')}${selfClosing ? ' />' : '>'}`;
  return xml.slice(0, tag.start) + text + xml.slice(tag.end);
}

/** `pagenumber` and the `pagingcookie` value (URL-decoded twice) of a `fetchxmlpagingcookie` annotation. */
export function readPagingCookie(annotation: string): { pageNumber?: number; cookie: string } | undefined {
  const tag = rootStartTag(annotation);
  if (!tag || tag.name !== 'cookie') return undefined;
  const attributes = new Map(tag.attributes);
  const encoded = attributes.get('pagingcookie');
  if (encoded === undefined) return undefined;
  let cookie: string;
  try {
    cookie = decodeURIComponent(decodeURIComponent(encoded));
  } catch {
    return undefined;
  }
  const pageNumber = Number(attributes.get('pagenumber'));
  return Number.isInteger(pageNumber) && pageNumber > 0 ? { pageNumber, cookie } : { cookie };
}

function jsonRecord(result: ResponseResult): Record<string, unknown> | undefined {
  const json = result.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
}

/**
 * The absolute GET URL of the page after `result`, or undefined when there is none: the answer has no
 * `morerecords: true`, the query uses `top`, or the FetchXML cannot be read.
 */
export function fetchXmlNextLink(requestUrl: string, result: ResponseResult): string | undefined {
  const json = jsonRecord(result);
  if (!json || result.status >= 300 || json[MORE_RECORDS] !== true) return undefined;
  const xml = fetchXmlOfUrl(requestUrl);
  if (xml === undefined) return undefined;
  const root = rootStartTag(xml);
  if (!root || root.name !== 'fetch') return undefined;
  const attributes = new Map(root.attributes);
  if (attributes.has('top')) return undefined;
  const page = Number(attributes.get('page') ?? '1');
  const current = Number.isInteger(page) && page > 0 ? page : 1;
  const annotation = json[PAGING_COOKIE];
  const cookie = typeof annotation === 'string' ? readPagingCookie(annotation) : undefined;
  const next = setFetchAttributes(xml, { page: String(cookie?.pageNumber ?? current + 1), 'paging-cookie': cookie?.cookie });
  return next === undefined ? undefined : withFetchXml(requestUrl, next);
}

/** Why a FetchXML request cannot be sent at all (its URL is too long even for `$batch`). */
export function fetchXmlTooLong(url: string): string | undefined {
  if (url.length <= MAX_BATCH_URL_LENGTH) return undefined;
  return `The FetchXML request's URL has ${url.length.toLocaleString('en-US')} characters: Dataverse takes at most ${MAX_BATCH_URL_LENGTH.toLocaleString('en-US')} even inside $batch. Shorten the query (fewer attributes or values, all-attributes, shorter aliases).`;
}

/**
 * What to send for a FetchXML GET: the GET itself when its URL fits, else a `$batch` POST with the GET inside
 * (its URL relative to the service root, its headers in the part). The caller checks fetchXmlTooLong first.
 */
export function sendableFetchXmlRequest(request: PreparedRequest): PreparedRequest {
  if (request.url.length <= MAX_GET_URL_LENGTH) return request;
  const root = request.environment.serviceRoot;
  const relative = request.url.startsWith(root) ? request.url.slice(root.length) : request.url;
  const boundary = `batch_fetchxml_${Date.now().toString(36)}`;
  const partHeaders = request.headers.filter(([name]) => !/^(content-type|content-length|odata-maxversion|odata-version)$/i.test(name));
  const body = [
    `--${boundary}`,
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    '',
    `GET ${relative} HTTP/1.1`,
    ...partHeaders.map(([name, value]) => `${name}: ${value}`),
    '',
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return {
    method: 'POST',
    url: `${root}$batch`,
    headers: [
      ['Accept', 'application/json'],
      ['OData-MaxVersion', '4.0'],
      ['OData-Version', '4.0'],
      ['Content-Type', `multipart/mixed;boundary=${boundary}`],
    ],
    body,
    title: request.title,
    environment: request.environment,
  };
}

/**
 * The answer to the GET inside a `$batch` sent by sendableFetchXmlRequest, as if the GET had been sent alone
 * (with a note that says it went in a batch). An answer that is not a batch answer is returned as it is.
 */
export function unwrapFetchXmlBatch(sent: PreparedRequest, outcome: SendOutcome, urlLength: number): SendOutcome {
  if (!outcome.ok || sent.method !== 'POST') return outcome;
  const parts = parseBatchResponse(outcome);
  const part = parts?.[0];
  if (!part) return outcome;
  const inner: ResponseResult = {
    ...outcome,
    status: part.status,
    statusText: part.statusText ?? '',
    headers: part.headers.map(([name, value]) => [name.toLowerCase(), value]),
    bodyText: part.bodyText,
    json: part.json,
    notes: [
      ...outcome.notes,
      `Sent inside $batch: the URL has ${urlLength.toLocaleString('en-US')} characters, more than the ${MAX_GET_URL_LENGTH.toLocaleString('en-US')} Dataverse takes in a GET.`,
    ],
  };
  delete inner.error;
  delete inner.jsonError;
  if (inner.json === undefined && part.bodyText.trim().startsWith('{')) {
    try {
      inner.json = JSON.parse(part.bodyText);
    } catch (error) {
      inner.jsonError = error instanceof Error ? error.message : String(error);
    }
  }
  if (part.status >= 400) {
    const error = jsonRecord(inner)?.error as { code?: unknown; message?: unknown } | undefined;
    inner.error = { message: typeof error?.message === 'string' ? error.message : `${part.status} ${part.statusText ?? ''}`.trim(), raw: error };
    if (typeof error?.code === 'string') inner.error.code = error.code;
  }
  return inner;
}

/** Sends a FetchXML GET (inside `$batch` when it must) and answers as the GET would. */
export async function sendFetchXml(request: PreparedRequest, options: SendOptions): Promise<{ sent: PreparedRequest; outcome: SendOutcome }> {
  const sent = sendableFetchXmlRequest(request);
  const outcome = await sendRequest(sent, options);
  return { sent, outcome: unwrapFetchXmlBatch(sent, outcome, request.url.length) };
}

/** The next page's GET: the previous request with the next page's URL, the same headers. */
export function fetchXmlPageRequest(previous: PreparedRequest, nextLink: string): PreparedRequest | undefined {
  let target: URL;
  try {
    target = new URL(nextLink);
  } catch {
    return undefined;
  }
  if (target.origin !== new URL(previous.environment.serviceRoot).origin || fetchXmlOfUrl(nextLink) === undefined) return undefined;
  return { ...previous, method: 'GET', url: nextLink, body: undefined };
}

/** A FetchXML GET asks for the annotations paging needs; a request that already has a Prefer header keeps it. */
export function withFetchXmlPrefer(request: PreparedRequest): PreparedRequest {
  if (headerValue(request.headers, 'prefer') !== undefined) return request;
  return { ...request, headers: [...request.headers, ['Prefer', FETCHXML_PREFER]] };
}

function rowsOfResult(result: ResponseResult): unknown[] | undefined {
  const value = jsonRecord(result)?.value;
  return result.status < 300 && !result.truncated && Array.isArray(value) ? value : undefined;
}

/** The page after `nextLink`: its rows and the link after it. */
export async function fetchXmlNextPage(previous: PreparedRequest, nextLink: string, options: SendOptions): Promise<{ rows: unknown[]; nextLink?: string } | { failure: string }> {
  const request = fetchXmlPageRequest(previous, nextLink);
  if (!request) return { failure: 'The next page is not a FetchXML request to the environment.' };
  const tooLong = fetchXmlTooLong(request.url);
  if (tooLong) return { failure: tooLong };
  const { outcome } = await sendFetchXml(request, options);
  if (!outcome.ok) return { failure: outcome.message };
  if (outcome.status >= 400) return { failure: outcome.error?.message ?? `${outcome.status} ${outcome.statusText}` };
  return { rows: rowsOfResult(outcome) ?? [], nextLink: fetchXmlNextLink(request.url, outcome) };
}

/**
 * The FetchXML pages after `link` (a paging link: the next page's URL with its page number and paging cookie), until
 * `maxRows` rows in all (`loaded` are there already): the original request is never sent again. `onPage(rows, total)`
 * after each page, `total` counting the rows loaded before.
 */
export async function loadFetchXmlPagesAfter(
  first: PreparedRequest,
  nextLink: string | undefined,
  options: SendOptions & { maxRows: number; loaded: number; onPage?(newRows: unknown[], totalRows: number): void },
): Promise<Omit<LoadAllResult, 'rows'> & { rowCount: number }> {
  let total = options.loaded;
  let pages = 0;
  let link = nextLink;
  for (;;) {
    if (!link) return { rowCount: total, pages, stoppedBecause: 'end' };
    if (total >= options.maxRows) return { rowCount: total, pages, stoppedBecause: 'cap', nextLink: link };
    if (options.signal?.aborted) return { rowCount: total, pages, stoppedBecause: 'cancelled', nextLink: link };
    const request = fetchXmlPageRequest(first, link);
    const tooLong = request ? fetchXmlTooLong(request.url) : 'The next page is not a FetchXML request to the environment.';
    if (!request || tooLong) {
      return { rowCount: total, pages, stoppedBecause: 'failed', nextLink: link, failure: { ok: false, kind: 'invalidRequest', message: tooLong ?? '', elapsedMs: 0, attempts: 0 } };
    }
    const { outcome } = await sendFetchXml(request, options);
    if (!outcome.ok) return { rowCount: total, pages, stoppedBecause: outcome.kind === 'cancelled' ? 'cancelled' : 'failed', failure: outcome, nextLink: link };
    const pageRows = rowsOfResult(outcome);
    if (!pageRows) return { rowCount: total, pages, stoppedBecause: 'failed', failure: outcome, nextLink: link };
    pages++;
    const added = pageRows.slice(0, Math.max(0, options.maxRows - total));
    total += added.length;
    options.onPage?.(added, total);
    const after = fetchXmlNextLink(request.url, outcome);
    if (added.length < pageRows.length) return { rowCount: total, pages, stoppedBecause: 'cap', nextLink: after };
    link = after;
  }
}

/** Every page from a first answer on (its rows included), following the paging cookie, up to `maxRows` rows. */
export async function loadAllFetchXmlPages(
  first: PreparedRequest,
  firstResult: ResponseResult,
  options: SendOptions & { maxRows: number; onPage?(newRows: unknown[], totalRows: number): void },
): Promise<LoadAllResult> {
  const rows = (rowsOfResult(firstResult) ?? []).slice(0, options.maxRows);
  const after = await loadFetchXmlPagesAfter(first, fetchXmlNextLink(first.url, firstResult), {
    ...options,
    loaded: rows.length,
    onPage: (added, total) => {
      rows.push(...added);
      options.onPage?.(added, total);
    },
  });
  const { rowCount: _rowCount, ...rest } = after;
  return { ...rest, rows, pages: after.pages + 1 };
}

/**
 * The entity set of a table from Dataverse's table definitions, `GET EntityDefinitions(LogicalName='…')?$select=EntitySetName`:
 * for services whose `$metadata` does not name entity types by logical name. Undefined when the service has no answer.
 */
export async function entitySetFromDefinitions(environment: RunnerEnvironment, logicalName: string, options: SendOptions): Promise<string | undefined> {
  if (!/^[A-Za-z0-9_]+$/.test(logicalName)) return undefined;
  const request: PreparedRequest = {
    method: 'GET',
    url: `${environment.serviceRoot}EntityDefinitions(LogicalName='${logicalName}')?$select=EntitySetName`,
    headers: [
      ['Accept', 'application/json'],
      ['OData-MaxVersion', '4.0'],
      ['OData-Version', '4.0'],
    ],
    title: `EntityDefinitions(LogicalName='${logicalName}')`,
    environment,
  };
  const outcome = await sendRequest(request, options);
  if (!outcome.ok || outcome.status !== 200) return undefined;
  const name = jsonRecord(outcome)?.EntitySetName;
  return typeof name === 'string' && /^[A-Za-z0-9_]+$/.test(name) ? name : undefined;
}
