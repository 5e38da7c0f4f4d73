/**
 * MSAL's network client (`system.networkClient`) over undici and `dispatcherFor`: sign-in requests take the same
 * proxy, `noProxy` and certificate settings as the runner and the metadata download. No `vscode` here.
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { fetch, type Dispatcher } from 'undici';
import { dispatcherFor, TRUST_CERTIFICATE_ADVICE } from './proxy';

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** The error codes on an error and its causes. */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/**
 * A network client that also says why its last request failed: MSAL turns a failed discovery request into
 * `endpoints_resolution_error` without the cause, so the sign-in's error asks the client what happened.
 */
export interface ExplainingNetworkModule extends INetworkModule {
  /** The sentence of the last request that failed at or after `since` (ms since the epoch), if any. */
  failureSince(since: number): string | undefined;
}

export function proxiedNetworkClient(dispatcher: (url: string) => Dispatcher = dispatcherFor): ExplainingNetworkModule {
  let lastFailure: { at: number; message: string } | undefined;
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    let response;
    try {
      response = await fetch(url, { method, headers: options?.headers, body: method === 'POST' ? options?.body : undefined, dispatcher: dispatcher(url) });
    } catch (error) {
      const host = new URL(url).host;
      const tls = codesOf(error).find((code) => TLS_CODE.test(code));
      const message = tls
        ? `The secure connection to ${host} failed (${tls}): its certificate is not trusted. ${TRUST_CERTIFICATE_ADVICE}`
        : `The sign-in request to ${host} failed (${codesOf(error)[0] ?? (error instanceof Error ? error.message : String(error))}): check your network (or proxy), then try again.`;
      lastFailure = { at: Date.now(), message };
      if (tls) throw new Error(message, { cause: error });
      throw error;
    }
    const text = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: 'invalid_json', error_description: `the sign-in service answered ${response.status} with a body that is not JSON` };
    }
    return { status: response.status, headers, body: body as T };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
    failureSince: (since) => (lastFailure && lastFailure.at >= since ? lastFailure.message : undefined),
  };
}
