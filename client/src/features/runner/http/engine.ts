/**
 * Sends a prepared request with undici: the bearer token added at the last moment and only for the
 * environment's own origin, one token renewal on 401, 429/503 honoured with `Retry-After` or bounded back-off,
 * same-origin redirects followed (never across origins), the body streamed under a size guard, timeouts and
 * cancellation, and network failures turned into messages that say what to check. Nothing it returns ever
 * contains the token. No write is sent twice (issue 12, item 5): 429 (the service did not act) is retried for any
 * method, 503 only for GET/HEAD/OPTIONS (a reset is never retried); a write answered 503, reset after sending or timed
 * out comes back marked `maybeApplied`, with a note saying so, for the user to decide ("Send again").
 */
import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import { forbiddenHeader, forbiddenHeaderMessage } from '../../../../../server/src/odata/index';
import { serviceRootProblem } from '../../auth/authSettings';
import { checkNetworkAccess } from '../../network/networkGate';
import { dispatcherFor } from '../../network/proxy';
import { MAYBE_APPLIED_NOTE, type BearerTokenSource, type ODataErrorBody, type PreparedRequest, type RequestFailure, type ResponseResult, type SendOutcome } from '../types';
import { classifyNetworkError } from './networkErrors';
import { backoffDelay, formatWait, parseRetryAfter } from './retryAfter';

export interface SendOptions {
  token: BearerTokenSource;
  signal?: AbortSignal;
  /** For each exchange with the service, from sending to the end of the body (default 120,000). */
  timeoutMs?: number;
  /** The size guard (default 25 MB): beyond it, reading stops and the result is `truncated`. */
  maxBodyBytes?: number;
  /** Retries of 429 and 503 (default 3). */
  maxRetries?: number;
  /** The longest single wait before a retry (default 60,000). */
  maxRetryWaitMs?: number;
  onProgress?(receivedBytes: number, totalBytes: number | undefined): void;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_MAX_RETRY_WAIT_MS = 60_000;
const MAX_REDIRECTS = 5;
/** Methods that are safe to repeat: retried after 503. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Failure kinds after which a sent request may have been processed. */
const MAYBE_SENT_KINDS: ReadonlySet<string> = new Set(['reset', 'timeout', 'network', 'cancelled']);

/** True when the method may be repeated without changing anything more (GET, HEAD, OPTIONS). */
export function isSafeToRepeat(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

interface Exchange {
  status: number;
  headers: Array<[string, string]>;
  body: Dispatcher.ResponseData['body'];
}

class Attempt {
  readonly controller = new AbortController();
  timedOut = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = (): void => this.controller.abort();
  constructor(
    private readonly outer: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, timeoutMs);
    outer?.addEventListener('abort', this.onAbort);
  }
  get cancelled(): boolean {
    return !this.timedOut && (this.outer?.aborted ?? false);
  }
  end(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onAbort);
  }
}

/** Sends `request` and reads the whole answer (up to the size guard). Never throws. */
export async function sendRequest(request: PreparedRequest, options: SendOptions): Promise<SendOutcome> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const maxWait = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  const environmentOrigin = originOf(request.environment.serviceRoot);
  const notes: string[] = [];
  const tokens: string[] = [];
  let attempts = 0;
  let retries = 0;
  let renewed = false;
  let redirects = 0;
  let url = request.url;
  let method = request.method.toUpperCase();
  let body = request.body;
  let headers = request.headers;
  /** '' when the environment needs no token. */
  let currentToken: string | undefined;

  const fail = (kind: RequestFailure['kind'], message: string): RequestFailure =>
    scrub({ ok: false, kind, message, elapsedMs: performance.now() - started, attempts }, tokens);
  // An https service root (loopback aside); before the first connection, the network gate's yes (network/).
  const unsafe = serviceRootProblem(request.environment.serviceRoot, request.environment.name);
  if (unsafe) return fail('invalidRequest', unsafe);
  let gated = false;

  // Whatever built the request (a file, the history, a scaffolding command), the headers a file may not set never leave.
  const forbidden = (signedIn: boolean): string | undefined => {
    for (const [name] of request.headers) {
      const entry = forbiddenHeader(name, { signedIn });
      if (entry) return forbiddenHeaderMessage(name, entry);
    }
    return undefined;
  };
  const refused = forbidden(false);
  if (refused) return fail('invalidRequest', refused);

  for (;;) {
    if (options.signal?.aborted) return fail('cancelled', 'The request was cancelled.');
    // The token goes only to the environment's own origin; it is asked for once and renewed once after a 401.
    let token: string | undefined;
    if (originOf(url) === environmentOrigin) {
      if (currentToken === undefined) {
        try {
          currentToken = (await options.token(request.environment, { forceRefresh: false, signal: options.signal })) ?? '';
        } catch (error) {
          if (options.signal?.aborted) return fail('cancelled', 'The request was cancelled while signing in.');
          return fail('signIn', signInMessage(`Could not get a token for ${request.environment.name}`, error));
        }
        if (currentToken) tokens.push(currentToken);
        const refusedWithToken = currentToken ? forbidden(true) : undefined;
        if (refusedWithToken) return fail('invalidRequest', refusedWithToken);
      }
      token = currentToken || undefined;
    }
    const refused = gated ? undefined : await checkNetworkAccess(url, 'send');
    gated = true;
    if (refused) return fail('invalidRequest', refused);
    attempts++;
    const attempt = new Attempt(options.signal, timeoutMs);
    let exchange: Exchange;
    try {
      exchange = await send(url, method, headers, body, token, attempt.controller.signal);
    } catch (error) {
      attempt.end();
      const { kind, message } = classifyNetworkError(error, {
        host: hostOf(url),
        method,
        timedOut: attempt.timedOut,
        timeoutMs,
        cancelled: attempt.cancelled,
        duringBody: false,
        receivedBytes: 0,
      });
      return maybeApplied(fail(kind, message), method);
    }
    const { status } = exchange;
    const header = (name: string): string | undefined => exchange.headers.find(([n]) => n === name)?.[1];

    if (status === 401 && token && !renewed) {
      attempt.end();
      await discard(exchange);
      renewed = true;
      notes.push('The service answered 401: renewed the token and sent the request again.');
      try {
        currentToken = (await options.token(request.environment, { forceRefresh: true, signal: options.signal })) ?? '';
        if (currentToken) tokens.push(currentToken);
      } catch (error) {
        if (options.signal?.aborted) return fail('cancelled', 'The request was cancelled while renewing the token.');
        return fail('signIn', signInMessage('The service refused the token (401) and renewing it failed', error));
      }
      continue;
    }
    // 429: the service did not act, for any method. 503: it may have, so only a request safe to repeat goes again.
    if ((status === 429 || (status === 503 && isSafeToRepeat(method))) && retries < maxRetries) {
      attempt.end();
      await discard(exchange);
      const asked = parseRetryAfter(header('retry-after'));
      const wait = asked !== undefined ? Math.min(asked, maxWait) : backoffDelay(retries, maxWait);
      retries++;
      notes.push(
        asked !== undefined
          ? `waited ${formatWait(wait)} (Retry-After${asked > maxWait ? ` asked ${formatWait(asked)}, capped` : ''}) after ${status}`
          : `waited ${formatWait(wait)} (back-off) after ${status}`,
      );
      if (!(await sleep(wait, options.signal))) return fail('cancelled', `The request was cancelled while waiting to retry after ${status}.`);
      continue;
    }
    if (REDIRECTS.has(status) && header('location')) {
      const location = header('location')!;
      let target: URL | undefined;
      try {
        target = new URL(location, url);
      } catch {
        target = undefined;
      }
      const follow = target !== undefined && target.origin === originOf(url) && redirects < MAX_REDIRECTS;
      if (follow && target) {
        attempt.end();
        await discard(exchange);
        redirects++;
        notes.push(`followed a ${status} redirect to ${target.href}`);
        url = target.href;
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          headers = headers.filter(([name]) => name.toLowerCase() !== 'content-type');
        }
        continue;
      }
      notes.push(
        target === undefined
          ? `The service redirected to an invalid location (${location}); not followed.`
          : redirects >= MAX_REDIRECTS
            ? `Stopped after ${MAX_REDIRECTS} redirects; the last one pointed to ${target.href}.`
            : `The service redirected to another host (${target.href}); not followed, so that the token stays with ${hostOf(url)}. Check the service root.`,
      );
    }
    const writeMayHaveHappened = status === 503 && !isSafeToRepeat(method);
    if (writeMayHaveHappened) notes.push(`The service answered 503 to this ${method}. ${MAYBE_APPLIED_NOTE}`);
    if ((status === 429 || status === 503) && retries > 0) notes.push(`Gave up after ${retries} retr${retries === 1 ? 'y' : 'ies'}: the service is still busy; try again later.`);
    if (status === 401 && renewed) notes.push('The renewed token was refused too: sign in again, or check that your account has access.');

    const read = await readBody(exchange, options, attempt);
    attempt.end();
    if (!read.ok) {
      const { kind, message } = classifyNetworkError(read.error, {
        host: hostOf(url),
        method,
        timedOut: attempt.timedOut,
        timeoutMs,
        cancelled: attempt.cancelled,
        duringBody: true,
        receivedBytes: read.received,
      });
      return fail(kind, message);
    }
    const result = buildResult(exchange, read.bytes, read.truncated, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    if (writeMayHaveHappened) result.maybeApplied = true;
    result.notes.unshift(...notes);
    result.elapsedMs = performance.now() - started;
    result.attempts = attempts;
    return scrub(result, tokens);
  }
}

/** A failure of a write after its bytes may have left: marked (the message already says to check first). */
function maybeApplied(failure: RequestFailure, method: string): RequestFailure {
  if (isSafeToRepeat(method) || !MAYBE_SENT_KINDS.has(failure.kind) || failure.attempts === 0) return failure;
  return { ...failure, maybeApplied: true };
}

async function send(
  url: string,
  method: string,
  headers: Array<[string, string]>,
  body: string | undefined,
  token: string | undefined,
  signal: AbortSignal,
): Promise<Exchange> {
  const parsed = new URL(url);
  const path = url.slice(parsed.origin.length) || '/';
  const outgoing: Record<string, string> = {};
  // A PreparedRequest never carries Authorization; should one slip in, only the engine's token is sent.
  for (const [name, value] of headers) if (name.toLowerCase() !== 'authorization') outgoing[name.toLowerCase()] = value;
  if (token) outgoing.authorization = `Bearer ${token}`;
  // The proxy and certificate settings' connection pool (network/proxy.ts); undici follows no redirects on its own.
  const response = await dispatcherFor(url).request({
    origin: parsed.origin,
    path,
    method: method as Dispatcher.HttpMethod,
    headers: outgoing,
    body: body ?? null,
    signal,
  });
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) pairs.push([name.toLowerCase(), one]);
  }
  return { status: response.statusCode, headers: pairs, body: response.body };
}

async function discard(exchange: Exchange): Promise<void> {
  try {
    await exchange.body.dump({ limit: 256 * 1024 });
  } catch {
    // A body we do not keep: its errors do not matter.
  }
}

type ReadOutcome = { ok: true; bytes: Buffer; truncated: boolean } | { ok: false; error: unknown; received: number };

async function readBody(exchange: Exchange, options: SendOptions, attempt: Attempt): Promise<ReadOutcome> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const lengthHeader = exchange.headers.find(([name]) => name === 'content-length')?.[1];
  const total = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  let truncated = false;
  try {
    for await (const chunk of exchange.body as AsyncIterable<Buffer>) {
      if (received + chunk.length > limit) {
        chunks.push(chunk.subarray(0, limit - received));
        received = limit;
        truncated = true;
        options.onProgress?.(received, total);
        break;
      }
      chunks.push(chunk);
      received += chunk.length;
      options.onProgress?.(received, total);
    }
  } catch (error) {
    return { ok: false, error, received };
  } finally {
    if (truncated) exchange.body.destroy();
  }
  if (attempt.controller.signal.aborted) return { ok: false, error: new Error('aborted'), received };
  return { ok: true, bytes: Buffer.concat(chunks), truncated };
}

function buildResult(exchange: Exchange, bytes: Buffer, truncated: boolean, limit: number): ResponseResult {
  const { status, headers } = exchange;
  const contentType = headers.find(([name]) => name === 'content-type')?.[1] ?? '';
  const bodyText = bytes.toString('utf8');
  const result: ResponseResult = {
    ok: true,
    status,
    statusText: STATUS_CODES[status] ?? '',
    headers,
    bodyText,
    size: bytes.length,
    truncated,
    elapsedMs: 0,
    attempts: 0,
    notes: [],
  };
  if (truncated) {
    result.notes.push(
      `The answer is larger than ${formatBytes(limit)}: reading stopped there and only the first ${formatBytes(limit)} are kept. Narrow the query ($select, $filter, $top) or raise the size limit.`,
    );
  }
  const isJson = /[/+]json\b/i.test(contentType);
  if (isJson && bodyText.length > 0) {
    if (truncated) {
      result.jsonError = 'The answer was cut at the size limit, so it is not shown as JSON.';
    } else {
      try {
        result.json = JSON.parse(bodyText);
      } catch (error) {
        result.jsonError = `The service said it sent JSON, but the body is not valid JSON (${(error as Error).message}); it is shown as text.`;
      }
    }
  }
  if (status >= 400) result.error = errorBodyOf(result, contentType);
  return result;
}

/** The service's error, in OData's `{"error":{…}}` shape with Dataverse's annotations, or a description of what came instead. */
function errorBodyOf(result: ResponseResult, contentType: string): ODataErrorBody | undefined {
  const json = result.json as { error?: Record<string, unknown> } | undefined;
  if (json && typeof json === 'object' && json.error && typeof json.error === 'object') {
    const error = json.error;
    const message = error.message;
    const inner = error.innererror as { message?: unknown } | undefined;
    const body: ODataErrorBody = {
      message:
        typeof message === 'string'
          ? message
          : typeof (message as { value?: unknown } | undefined)?.value === 'string'
            ? String((message as { value: string }).value)
            : `The service answered ${result.status} ${result.statusText}.`,
      raw: error,
    };
    if (typeof error.code === 'string' || typeof error.code === 'number') body.code = String(error.code);
    const annotation = (name: string): string | undefined => (typeof error[name] === 'string' ? (error[name] as string) : undefined);
    const helpLink = annotation('@Microsoft.PowerApps.CDS.HelpLink');
    const traceText = annotation('@Microsoft.PowerApps.CDS.TraceText');
    const innerMessage = annotation('@Microsoft.PowerApps.CDS.InnerError.Message') ?? (typeof inner?.message === 'string' ? inner.message : undefined);
    if (helpLink) body.helpLink = helpLink;
    if (traceText) body.traceText = traceText;
    if (innerMessage) body.innerMessage = innerMessage;
    return body;
  }
  const text = result.bodyText;
  if (/text\/html/i.test(contentType) || /^\s*<(!doctype\s+html|html)/i.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim();
    return {
      message: `The server answered ${result.status} ${result.statusText} with an HTML page${title ? ` ("${title}")` : ''}, not OData JSON: check the URL and the service root, or whether a proxy or sign-in page is in the way.`,
      raw: undefined,
    };
  }
  const snippet = text.trim().slice(0, 300);
  return {
    message: `The service answered ${result.status} ${result.statusText}${snippet ? `: ${snippet}` : ''}.`,
    raw: undefined,
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
  return `${bytes} bytes`;
}

/** Waits `ms`; false when cancelled first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const REDACTED = '[token removed]';

/** Removes every token used from every string of an outcome (a service may echo the Authorization header). */
function scrub<T extends SendOutcome>(outcome: T, tokens: string[]): T {
  const secrets = tokens.filter((token) => token.length >= 8);
  if (secrets.length === 0) return outcome;
  const clean = (text: string): string => secrets.reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
  const dirty = (text: string): boolean => secrets.some((secret) => text.includes(secret));
  if (!outcome.ok) return dirty(outcome.message) ? { ...outcome, message: clean(outcome.message) } : outcome;
  const result: ResponseResult = { ...outcome };
  result.notes = result.notes.map(clean);
  result.headers = result.headers.map(([name, value]) => [name, clean(value)]);
  if (dirty(result.bodyText)) {
    result.bodyText = clean(result.bodyText);
    if (result.json !== undefined) result.json = JSON.parse(result.bodyText);
    if (result.error) result.error = { ...result.error, message: clean(result.error.message), raw: (result.json as { error?: unknown } | undefined)?.error };
  }
  if (result.error && dirty(result.error.message)) result.error = { ...result.error, message: clean(result.error.message) };
  return result as T;
}

/**
 * The message of a failed token request: a sign-in error's own message already says what to do ("Sign in to X
 * again: …"); anything else gets the context and the advice.
 */
function signInMessage(context: string, error: unknown): string {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, '');
  if (error instanceof Error && error.name === 'SignInRequiredError') return `${reason}.`;
  return `${context}: ${reason}. Sign in again.`;
}
