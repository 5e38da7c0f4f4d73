/**
 * The request runner's contract between its parts: preparing a request from an `.odata` file (http/prepare),
 * sending it (http/engine), and showing the answer (results/ and the webview panel).
 *
 * Pure data: no VS Code, no network. Every value here is safe to log and to show: an `Authorization`
 * header is never part of a PreparedRequest (the engine adds the bearer token at the last moment and
 * never returns it).
 */

import type { FlavorName } from '../../../../server/src/protocol/environmentSettings';

/** What the panel says about a write that may or may not have reached the service (503, reset after sending, timeout). */
export const MAYBE_APPLIED_NOTE =
  'This write may or may not have happened: the service did not say, and it was not sent again automatically. Check the data first; use "Send again" only if it did not happen.';

export type RunnerFlavor = FlavorName;

/** The environment a request is sent to. */
export interface RunnerEnvironment {
  name: string;
  flavor: RunnerFlavor;
  /** Service root, absolute, ending with `/`. */
  serviceRoot: string;
  /** A production environment: writes ask first. */
  production?: boolean;
}

/** A request ready to send: absolute, encoded URL; all headers except Authorization; body text. */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: Array<[name: string, value: string]>;
  body?: string;
  /** The request's name (`### name`) or its first line, for titles and history. */
  title: string;
  environment: RunnerEnvironment;
}

/** Why a request could not be sent or completed. Each has a message that says what to do. */
export type FailureKind =
  | 'invalidRequest' // could not be prepared (unresolved variable, bad URL, …)
  | 'otherHost' // an absolute URL to a host that is not the environment's
  | 'cancelled'
  | 'timeout'
  | 'dns'
  | 'refused'
  | 'reset' // the connection dropped (before or during the body)
  | 'tls'
  | 'tooLarge' // the body passed the size guard
  | 'signIn' // no token could be had, or renewal failed: "Sign in again"
  | 'network'; // anything else below HTTP

export interface RequestFailure {
  ok: false;
  kind: FailureKind;
  message: string;
  /** Milliseconds from start to failure. */
  elapsedMs: number;
  /** Attempts made (1 + retries). */
  attempts: number;
  /** A write whose bytes may have reached the service (reset after sending, timed out): it may or may not have happened. */
  maybeApplied?: boolean;
}

export interface ODataErrorBody {
  code?: string;
  message: string;
  /** Dataverse extras when sent: `@Microsoft.PowerApps.CDS.HelpLink`, `@Microsoft.PowerApps.CDS.TraceText`, `@Microsoft.PowerApps.CDS.InnerError.Message`. */
  helpLink?: string;
  traceText?: string;
  innerMessage?: string;
  /** Everything else in `error`, for the raw view. */
  raw: unknown;
}

export interface ResponseResult {
  ok: true;
  status: number;
  statusText: string;
  /** Response headers as received (names lower-cased). */
  headers: Array<[name: string, value: string]>;
  /** The body as text (UTF-8), possibly cut at the size guard (then `truncated`). */
  bodyText: string;
  /** Bytes received. */
  size: number;
  truncated: boolean;
  /** `application/json` bodies parsed; undefined when not JSON or invalid (then `jsonError` says why). */
  json?: unknown;
  jsonError?: string;
  /** The service's `error` object for 4xx/5xx JSON bodies. */
  error?: ODataErrorBody;
  elapsedMs: number;
  attempts: number;
  /** Human-readable notes on what the engine did: "waited 2 s for Retry-After", "renewed the token". */
  notes: string[];
  /** A write answered 503: the service may or may not have made the change (not sent again automatically). */
  maybeApplied?: boolean;
}

export type SendOutcome = ResponseResult | RequestFailure;

/** A token for an environment, or undefined when it needs none. `forceRefresh` after a 401. Throws to say sign-in failed. */
export type BearerTokenSource = (environment: RunnerEnvironment, options: { forceRefresh: boolean; signal?: AbortSignal }) => Promise<string | undefined>;
