/**
 * Turns a failure below HTTP (DNS, refused, reset, TLS, timeout, cancel) into a RequestFailure whose message
 * says what happened and what to check. Errors from undici and node:net carry a `code`, sometimes on a `cause`.
 */
import type { FailureKind } from '../types';
import { formatWait } from './retryAfter';

export interface NetworkErrorContext {
  host: string;
  method: string;
  /** The request's own timer fired. */
  timedOut: boolean;
  timeoutMs: number;
  /** The caller cancelled. */
  cancelled: boolean;
  /** The response had started arriving (headers received). */
  duringBody: boolean;
  receivedBytes: number;
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** The error codes on an error and its causes, outermost first. */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (e instanceof Error && e.message) message = e.message;
    e = (e as { cause?: unknown }).cause;
  }
  return message;
}

export function classifyNetworkError(error: unknown, context: NetworkErrorContext): { kind: FailureKind; message: string } {
  const { host } = context;
  const afterWrite = /^(POST|PATCH|PUT|DELETE|MERGE)$/i.test(context.method)
    ? ' The service may have acted on this request: check before sending it again.'
    : ' Send it again when the connection is back.';
  if (context.cancelled) return { kind: 'cancelled', message: 'The request was cancelled.' + (context.method !== 'GET' ? afterWrite : '') };
  const codes = errorCodes(error);
  const has = (...wanted: string[]): boolean => codes.some((code) => wanted.includes(code));
  if (context.timedOut || has('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) {
    return {
      kind: 'timeout',
      message: `No complete answer from ${host} within ${formatWait(context.timeoutMs)}: the service may be slow or unreachable. Narrow the query or try again.${afterWrite}`,
    };
  }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL')) {
    return { kind: 'dns', message: `Could not find host ${host}: check the URL or your network/VPN.` };
  }
  if (has('ECONNREFUSED')) {
    return { kind: 'refused', message: `${host} refused the connection: check that the service is running and that the URL's host and port are right.` };
  }
  const tls = codes.find((code) => TLS_CODE.test(code));
  if (tls) {
    return {
      kind: 'tls',
      message: `The secure connection to ${host} failed (${tls}): its certificate is not trusted. If your network inspects TLS, add its root certificate with NODE_EXTRA_CA_CERTS; otherwise check the URL.`,
    };
  }
  if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED')) {
    const when = context.duringBody ? ` while the answer was arriving (${context.receivedBytes} bytes received)` : '';
    return { kind: 'reset', message: `The connection to ${host} dropped${when}.${afterWrite}` };
  }
  return { kind: 'network', message: `Network error talking to ${host}: ${innermostMessage(error)}. Check your network, proxy or VPN.` };
}
