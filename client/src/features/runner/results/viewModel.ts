/**
 * The results panel's view model: everything the page shows for one sent request, as plain JSON data
 * (it crosses postMessage and is kept in the webview state). Built from the runner's contract types; pure.
 *
 * Nothing secret is in it (it is kept in the webview's saved state): the request's secret headers, query
 * parameters and body members, the response's Set-Cookie and secret headers, and secret-named members of the rows
 * are redacted by ../redaction.ts (`Authorization` to its scheme and `•••`). "Raw JSON" opens the body as received.
 */
import { redactBody, redactHeaders, redactJson, redactUrl } from '../redaction';
import { MAYBE_APPLIED_NOTE, type PreparedRequest, type RequestFailure, type ResponseResult, type SendOutcome } from '../types';

/** Longest body text shown in the panel (the raw editor and export have everything). */
export const MAX_SHOWN_TEXT = 256 * 1024;

export interface RequestView {
  method: string;
  url: string;
  headers: Array<[name: string, value: string]>;
  body?: string;
  environment: string;
}

export interface ErrorView {
  code?: string;
  message: string;
  helpLink?: string;
  traceText?: string;
  innerMessage?: string;
}

export interface TextView {
  text: string;
  /** Cut here or by the engine's size guard. */
  truncated: boolean;
  contentType?: string;
  /** Why a JSON body could not be parsed. */
  jsonError?: string;
}

/** A small result: one `$batch` part. */
export interface PartView {
  label: string;
  statusLine: string;
  success: boolean;
  rows?: unknown[];
  error?: ErrorView;
  text?: TextView;
}

export interface ResultView {
  /** Distinguishes one send from the next (the page keeps its sort/filter/scroll only for the same id). */
  id: string;
  title: string;
  /** `response` (the service answered) or `failure` (no answer: network, cancelled, sign-in…). */
  kind: 'response' | 'failure';
  status?: number;
  statusText?: string;
  /** 2xx. */
  success: boolean;
  failureKind?: string;
  /** The one-line summary: "200 OK · 123 ms · 4.5 KB · 2 attempts". */
  statusLine: string;
  elapsedMs: number;
  size?: number;
  attempts: number;
  notes: string[];
  request: RequestView;
  /** Rows of a collection (`value`), or the single entity as one row; undefined when the body has none. */
  rows?: unknown[];
  /** `@odata.count` when sent. */
  count?: number;
  /** `@odata.nextLink`, absolute (resolved against the request URL). */
  nextLink?: string;
  error?: ErrorView;
  text?: TextView;
  batchParts?: PartView[];
  /** Paging and re-sending are off (a view restored after a reload). */
  restored?: boolean;
  /** A write that may or may not have happened (503, reset after sending, timeout): the page offers "Send again". */
  maybeApplied?: boolean;
}

/** Headers with credentials hidden (the runner's one redaction, ../redaction.ts). */
export { redactHeaders } from '../redaction';

/** "4.5 KB" style sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** "123 ms" / "2.4 s". */
export function formatDuration(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(1)} s`;
}

/** An absolute URL for a nextLink (relative links resolve against the URL of the request that returned them). */
export function resolveNextLink(nextLink: unknown, base: string): string | undefined {
  if (typeof nextLink !== 'string' || nextLink === '') return undefined;
  try {
    return new URL(nextLink, base).href;
  } catch {
    return undefined;
  }
}

function headerValue(headers: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Rows of a JSON body: a collection's `value`, a bare array, or the entity itself as one row. */
export function rowsOfJson(json: unknown): unknown[] | undefined {
  if (Array.isArray(json)) return json;
  if (!isRecord(json)) return json === undefined ? undefined : [{ value: json }];
  if (Array.isArray(json.value)) return json.value;
  if ('error' in json && isRecord(json.error)) return undefined;
  return [json];
}

function textView(bodyText: string, truncated: boolean, contentType: string | undefined, jsonError: string | undefined): TextView {
  const view: TextView = { text: bodyText.length > MAX_SHOWN_TEXT ? bodyText.slice(0, MAX_SHOWN_TEXT) : bodyText, truncated: truncated || bodyText.length > MAX_SHOWN_TEXT };
  if (contentType) view.contentType = contentType;
  if (jsonError) view.jsonError = jsonError;
  return view;
}

function errorView(error: { code?: unknown; message?: unknown; helpLink?: unknown; traceText?: unknown; innerMessage?: unknown }): ErrorView {
  const view: ErrorView = { message: typeof error.message === 'string' ? error.message : JSON.stringify(error.message ?? '') };
  if (typeof error.code === 'string' && error.code) view.code = error.code;
  if (typeof error.helpLink === 'string' && /^https?:\/\//i.test(error.helpLink)) view.helpLink = error.helpLink;
  if (typeof error.traceText === 'string' && error.traceText) view.traceText = error.traceText;
  if (typeof error.innerMessage === 'string' && error.innerMessage) view.innerMessage = error.innerMessage;
  return view;
}

/** The service's `error` object of a raw JSON body, with Dataverse's annotations. */
export function errorOfJson(json: unknown): ErrorView | undefined {
  if (!isRecord(json) || !isRecord(json.error)) return undefined;
  const error = json.error;
  return errorView({
    code: error.code,
    message: error.message,
    helpLink: error['@Microsoft.PowerApps.CDS.HelpLink'],
    traceText: error['@Microsoft.PowerApps.CDS.TraceText'],
    innerMessage: error['@Microsoft.PowerApps.CDS.InnerError.Message'] ?? (isRecord(error.innererror) ? error.innererror.message : undefined),
  });
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function responseLine(response: ResponseResult): string {
  const parts = [`${response.status} ${response.statusText}`.trim(), formatDuration(response.elapsedMs), formatBytes(response.size)];
  if (response.truncated) parts.push('cut at the size limit');
  if (response.attempts > 1) parts.push(plural(response.attempts, 'attempt'));
  return parts.join(' · ');
}

function failureLine(failure: RequestFailure): string {
  const parts = [`Failed (${failure.kind})`, formatDuration(failure.elapsedMs)];
  if (failure.attempts > 1) parts.push(plural(failure.attempts, 'attempt'));
  return parts.join(' · ');
}

let sequence = 0;

/** The view for a request and its outcome (and the `$batch` parts the caller parsed, if any). */
export function buildResultView(request: PreparedRequest, outcome: SendOutcome, batchParts?: readonly unknown[]): ResultView {
  sequence += 1;
  const requestView: RequestView = {
    method: request.method,
    url: redactUrl(request.url),
    headers: redactHeaders(request.headers),
    environment: request.environment.name,
  };
  if (request.body !== undefined) {
    const body = request.body.length > MAX_SHOWN_TEXT ? `${request.body.slice(0, MAX_SHOWN_TEXT)}…` : request.body;
    requestView.body = redactBody(body);
  }
  const base = { id: `${Date.now().toString(36)}-${sequence}`, title: request.title, request: requestView };
  if (!outcome.ok) {
    const failure: ResultView = {
      ...base,
      kind: 'failure',
      success: false,
      failureKind: outcome.kind,
      statusLine: failureLine(outcome),
      elapsedMs: outcome.elapsedMs,
      attempts: outcome.attempts,
      notes: [outcome.message],
    };
    if (outcome.maybeApplied) {
      failure.maybeApplied = true;
      failure.notes.push(MAYBE_APPLIED_NOTE);
    }
    return failure;
  }
  const view: ResultView = {
    ...base,
    kind: 'response',
    status: outcome.status,
    statusText: outcome.statusText,
    success: outcome.status >= 200 && outcome.status < 300,
    statusLine: responseLine(outcome),
    elapsedMs: outcome.elapsedMs,
    size: outcome.size,
    attempts: outcome.attempts,
    notes: [...outcome.notes],
  };
  if (outcome.maybeApplied) view.maybeApplied = true;
  const contentType = headerValue(outcome.headers, 'content-type');
  if (outcome.error) view.error = errorView(outcome.error);
  else if (outcome.status >= 400) view.error = errorOfJson(outcome.json) ?? { message: `${outcome.status} ${outcome.statusText}`.trim() };
  if (outcome.json !== undefined && !outcome.error) {
    view.rows = redactJson(rowsOfJson(outcome.json));
    if (isRecord(outcome.json)) {
      if (typeof outcome.json['@odata.count'] === 'number') view.count = outcome.json['@odata.count'];
      const nextLink = resolveNextLink(outcome.json['@odata.nextLink'], request.url);
      if (nextLink) view.nextLink = nextLink;
      if (outcome.json['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'] === true) view.notes.push('The service counts at most 5,000 rows: the count is capped.');
    }
  } else if (outcome.bodyText !== '') {
    view.text = textView(redactBody(outcome.bodyText), outcome.truncated, contentType, outcome.jsonError);
  }
  if (outcome.truncated) view.notes.push('The body passed the size limit and was cut: the rows shown may be incomplete.');
  if (batchParts) view.batchParts = batchParts.map((part, index) => partView(part, index));
  return view;
}

/**
 * One `$batch` part as a small result. Parts come from the caller's batch parser, so this reads them leniently:
 * `status`, `statusText`, `json` or `body` (object or text) or `bodyText`, `contentId`/`id`, `atomicityGroup`,
 * `method`, `url`, and an `error` object when the parser found one (http/batch.ts BatchPart fits).
 */
export function partView(part: unknown, index: number): PartView {
  const record = isRecord(part) ? part : {};
  const status = typeof record.status === 'number' ? record.status : undefined;
  const statusText = typeof record.statusText === 'string' ? record.statusText : '';
  const contentId = record.contentId ?? record.id;
  const labelParts = [`Part ${index + 1}`];
  if (typeof contentId === 'string' || typeof contentId === 'number') labelParts.push(`(Content-ID ${contentId})`);
  if (typeof record.atomicityGroup === 'string') labelParts.push(`[change set ${record.atomicityGroup}]`);
  if (typeof record.method === 'string') labelParts.push(record.method);
  if (typeof record.url === 'string') labelParts.push(record.url);
  const view: PartView = {
    label: labelParts.join(' '),
    statusLine: status === undefined ? 'no status' : `${status} ${statusText}`.trim(),
    success: status !== undefined && status >= 200 && status < 300,
  };
  let json: unknown = record.json;
  let text: string | undefined = typeof record.bodyText === 'string' ? record.bodyText : undefined;
  if (json === undefined && record.body !== undefined) {
    if (typeof record.body === 'string') text = record.body;
    else json = record.body;
  }
  if (json === undefined && text !== undefined && text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: shown as text below
    }
  }
  if (isRecord(record.error)) view.error = errorView(record.error);
  else if (json !== undefined) view.error = errorOfJson(json);
  if (!view.error && json !== undefined) view.rows = redactJson(rowsOfJson(json));
  else if (!view.error && text !== undefined && text !== '') view.text = textView(redactBody(text), false, undefined, undefined);
  if (!view.error) delete view.error;
  return view;
}
