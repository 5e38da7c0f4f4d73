/**
 * An MSAL network client for the tests that trusts the local authority's self-signed certificate through an
 * undici dispatcher, so the tests run in one process (Node reads NODE_EXTRA_CA_CERTS only at process start).
 * The product uses MSAL's own client (system trust store, proxy settings).
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { fetch, type Dispatcher } from 'undici';

export function trustingNetworkClient(dispatcher: Dispatcher): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const response = await fetch(url, { method, headers: options?.headers, body: method === 'POST' ? options?.body : undefined, dispatcher });
    const text = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: 'invalid_json', error_description: `the authority answered ${response.status} with a body that is not JSON` };
    }
    return { status: response.status, headers, body: body as T };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
