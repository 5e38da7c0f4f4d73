/**
 * Which way a connection goes: straight, or through the proxy VS Code's `http.proxy` names (else the
 * `HTTPS_PROXY`/`HTTP_PROXY` environment), except for hosts `http.noProxy`/`NO_PROXY` list; with or without checking
 * the server's certificate (`http.proxyStrictSSL`). One undici dispatcher per choice, decoding compressed answers.
 * The runner, the metadata download and MSAL (msalNetworkClient.ts) all connect through `dispatcherFor`.
 * No `vscode` here: the wiring (networkAccess.ts) passes the settings in with `setProxySettings`.
 */
import { Agent, interceptors, ProxyAgent, type Dispatcher } from 'undici';

export interface ProxySettings {
  /** VS Code's `http.proxy` (empty: none). */
  proxy?: string;
  /** VS Code's `http.proxyStrictSSL` (default true): false accepts any server certificate. */
  strictSSL?: boolean;
  /** VS Code's `http.noProxy`: hosts (`example.com`, `.example.com`, `*.example.com`, `host:port`, `*`). */
  noProxy?: readonly string[];
  /** The process environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY and their lower-case forms). */
  env?: Readonly<Record<string, string | undefined>>;
}

let current: ProxySettings = { env: process.env };
const dispatchers = new Map<string, Dispatcher>();

/** Called by the wiring on activation and whenever `http.*` settings change. */
export function setProxySettings(settings: ProxySettings): void {
  current = { env: process.env, ...settings };
}

function environmentValue(env: ProxySettings['env'], name: string): string | undefined {
  const value = env?.[name] ?? env?.[name.toLowerCase()];
  return value?.trim() || undefined;
}

function bareHost(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/** True when `url`'s host is listed (http.noProxy and NO_PROXY rules: a leading dot or `*.` matches subdomains). */
export function bypassesProxy(url: URL, entries: readonly string[]): boolean {
  const host = bareHost(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const [pattern = '', entryPort] = entry.startsWith('[') ? [entry.slice(0, entry.indexOf(']') + 1), entry.split(']:')[1]] : entry.split(':');
    if (entryPort && entryPort !== port) continue;
    const name = bareHost(pattern.replace(/^\*\./, '.'));
    if (name.startsWith('.') ? host.endsWith(name) || host === name.slice(1) : host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The proxy a connection to `url` goes through, or undefined for a direct connection. Loopback is always direct. */
export function proxyFor(url: string, settings: ProxySettings = current): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const host = bareHost(target.hostname);
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return undefined;
  const env = settings.env;
  const proxy =
    settings.proxy?.trim() ||
    (target.protocol === 'https:' ? environmentValue(env, 'HTTPS_PROXY') : undefined) ||
    environmentValue(env, 'HTTP_PROXY') ||
    undefined;
  if (!proxy) return undefined;
  const noProxy = [...(settings.noProxy ?? []), ...(environmentValue(env, 'NO_PROXY')?.split(',') ?? [])];
  return bypassesProxy(target, noProxy) ? undefined : proxy;
}

/** The dispatcher for a connection to `url` under the current settings (shared per proxy and certificate check). */
export function dispatcherFor(url: string): Dispatcher {
  const proxy = proxyFor(url);
  const strict = current.strictSSL !== false;
  const key = `${proxy ?? ''} ${strict}`;
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    const tls = strict ? {} : { rejectUnauthorized: false };
    const base: Dispatcher = proxy
      ? new ProxyAgent({ uri: proxy, requestTls: tls, proxyTls: tls, connect: { timeout: 30_000 }, headersTimeout: 0, bodyTimeout: 0 })
      : new Agent({ connect: { timeout: 30_000, ...tls }, headersTimeout: 0, bodyTimeout: 0 });
    dispatcher = base.compose(interceptors.decompress());
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

/** What to do when a server's certificate is not trusted (a network that inspects TLS has its own root). */
export const TRUST_CERTIFICATE_ADVICE =
  'If your network inspects TLS (a corporate proxy), trust its root certificate: start VS Code with NODE_EXTRA_CA_CERTS=/path/to/root.pem (adding it to the system\'s certificate store alone may not reach the extension\'s connections); "http.proxyStrictSSL": false turns the check off (not recommended).';

/** Closes every dispatcher (tests; deactivation). */
export async function closeDispatchers(): Promise<void> {
  const all = [...dispatchers.values()];
  dispatchers.clear();
  await Promise.all(all.map((dispatcher) => dispatcher.close().catch(() => undefined)));
}
