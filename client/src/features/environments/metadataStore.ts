/**
 * Downloading an environment's `$metadata` and keeping the last good copy on disk. No `vscode` here (the
 * commands and the progress notification are in metadataCache.ts), so it runs in plain node tests.
 *
 * The cache of an environment is `<root>/<safe name>/metadata.xml` + `info.json`. A refresh downloads into
 * memory, checks the body with the core's CSDL reader, and only then replaces the files (write to a temporary
 * file, then rename). Anything that goes wrong leaves the previous copy untouched and says what to check.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { readCsdl } from '../../../../server/src/odata/index';
import type { FlavorName } from '../../../../server/src/protocol';
import { fetch } from 'undici';
import { serviceRootProblem } from '../auth/authSettings';
import { checkNetworkAccess } from '../network/networkGate';
import { dispatcherFor, TRUST_CERTIFICATE_ADVICE } from '../network/proxy';

/**
 * Sign-in (coming): the bearer token for an environment, or undefined when there is none. Today's provider
 * always answers undefined; the token is sent only to the environment's own host.
 */
export type TokenProvider = (environment: { name: string; url: string }) => Promise<string | undefined>;
export const noSignIn: TokenProvider = async () => undefined;

export interface MetadataInfo {
  serviceRoot: string;
  downloadedAt: string;
  /** Bytes of metadata.xml. */
  size: number;
  etag?: string;
  /** Dataverse's `@Microsoft.Dynamics.CRM.globalmetadataversion` when it was known at download (not read yet: needs sign-in). */
  globalMetadataVersion?: string;
  /** The last time the service answered 304 Not Modified to a conditional refresh. */
  checkedAt?: string;
}

export interface DownloadOptions {
  /** Aborts the download (the progress notification's Cancel). */
  signal?: AbortSignal;
  /** No byte for this long (before the headers or between chunks) ends the download. Default 60 s. */
  idleTimeoutMs?: number;
  /** A larger document is refused. Default 512 MB (a current Dataverse org's is tens of MB). */
  maxBytes?: number;
  tokenProvider?: TokenProvider;
  /** Bytes received so far (for the progress notification). */
  onProgress?: (received: number, total: number | undefined) => void;
}

export type RefreshOutcome =
  | { status: 'updated'; file: string; info: MetadataInfo; message: string }
  | { status: 'unchanged'; file: string; info: MetadataInfo; message: string }
  | { status: 'cancelled'; message: string; kept: boolean }
  | { status: 'failed'; message: string; kept: boolean; /** The environment needs a sign-in first. */ signIn?: true };

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/** A folder name for an environment: readable, and distinct for names that differ only in unsafe characters. */
export function safeEnvironmentName(name: string): string {
  const readable = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 60) || 'environment';
  if (readable === name) return readable;
  return `${readable}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

export function metadataUrl(serviceRoot: string): string {
  return new URL('$metadata', serviceRoot.endsWith('/') ? serviceRoot : `${serviceRoot}/`).toString();
}

/** The Authorization header for a request, only when there is a token and the request goes to the environment's own host. */
export function authorizationHeader(requestUrl: string, environmentUrl: string, token: string | undefined): Record<string, string> {
  if (!token) return {};
  try {
    const request = new URL(requestUrl);
    const environment = new URL(environmentUrl);
    if (request.protocol === environment.protocol && request.host === environment.host) return { Authorization: `Bearer ${token}` };
  } catch {
    // not absolute: no header
  }
  return {};
}

/** Why a CSDL document is not acceptable as an environment's metadata, or undefined when it is. */
export function validateMetadata(xml: string): string | undefined {
  const document = readCsdl(xml);
  const fatal = document.errors.find((error) => error.severity === 'error');
  if (fatal) {
    const where = fatal.position ? ` (line ${fatal.position.line}, column ${fatal.position.column})` : '';
    return `the document is not valid CSDL${where}: ${fatal.message}`;
  }
  if (document.schemas.length === 0) return 'the document has no schema (no entity types or sets)';
  return undefined;
}

const NETWORK_HINTS: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve (DNS). Check the URL for typos, and your network or VPN',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS). Check your network or VPN and try again',
  ECONNREFUSED: 'the connection was refused. Check the URL and port, and that the service is running',
  ECONNRESET: 'the connection was dropped by the server or a proxy. Try again; check a proxy or firewall if it repeats',
  UND_ERR_SOCKET: 'the connection was closed before the answer was complete. Try again; check a proxy or firewall if it repeats',
  EHOSTUNREACH: 'the host cannot be reached. Check your network or VPN',
  ENETUNREACH: 'the network cannot be reached. Check your connection',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out. Check your network, VPN or proxy',
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired (TLS)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed and not trusted (TLS). A corporate proxy may be intercepting https",
  SELF_SIGNED_CERT_IN_CHAIN: 'a self-signed certificate is in the chain (TLS). A corporate proxy may be intercepting https: add its root certificate (NODE_EXTRA_CA_CERTS)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate cannot be verified (TLS). A proxy may be intercepting https: add its root certificate (NODE_EXTRA_CA_CERTS)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the issuer of the server's TLS certificate is not trusted (TLS). Add your proxy's root certificate (NODE_EXTRA_CA_CERTS)",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate is for another host name (TLS). Check the URL",
};

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function describeNetworkError(error: unknown): string {
  const code = errorCode(error);
  if (code && NETWORK_HINTS[code]) return `${NETWORK_HINTS[code]} [${code}]${/CERT|SELF_SIGNED|UNABLE_TO/.test(code) ? `. ${TRUST_CERTIFICATE_ADVICE.replace(/\.$/, '')}` : ''}`;
  const cause = (error as { cause?: unknown })?.cause;
  const detail = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return `the request failed: ${detail}${code ? ` [${code}]` : ''}. Check the URL and your network`;
}

function describeStatus(status: number, statusText: string, body: string): string {
  const reason = `${status}${statusText ? ` ${statusText}` : ''}`;
  let detail = '';
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') detail = ` (${parsed.error.message.slice(0, 300)})`;
  } catch {
    // not an OData error body
  }
  if (status === 401 || status === 403) {
    return `the service answered ${reason}${detail}: it refused the sign-in. Sign in to the environment ("Dynamics OData: Sign In"), or check its sign-in settings ("Configure Sign-In": tenant, client id); your account may also lack access to this environment`;
  }
  if (status === 404) return `the service answered ${reason}${detail}: there is no $metadata there. Check the service root URL`;
  if (status === 429 || status === 503) return `the service answered ${reason}${detail}: it is busy or throttling. Try again in a minute`;
  if (status >= 500) return `the service answered ${reason}${detail}: a server error. Try again later; if it repeats, check the service's health`;
  if (status >= 300 && status < 400) return `the service answered ${reason}: a redirect (often to a sign-in page). Check the service root URL`;
  return `the service answered ${reason}${detail}. Check the service root URL`;
}

type DownloadResult =
  | { kind: 'ok'; xml: string; etag?: string }
  | { kind: 'notModified' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string; signIn?: true };

/** GET `<serviceRoot>$metadata` (conditional when `etag` is given), with the limits and the messages of `DownloadOptions`. */
export async function downloadMetadata(
  environment: { name: string; url: string },
  etag: string | undefined,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const url = metadataUrl(environment.url);
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Before any sign-in or connection: an https service root (loopback aside), and a host the user agreed to.
  const unsafe = serviceRootProblem(environment.url, environment.name);
  if (unsafe) return { kind: 'failed', message: unsafe.replace(/\.+$/, '') };
  const refused = await checkNetworkAccess(url, 'download');
  if (refused) return { kind: 'failed', message: refused.replace(/\.+$/, '') };
  let token: string | undefined;
  try {
    token = await (options.tokenProvider ?? noSignIn)(environment);
  } catch (error) {
    // No token without the person (not signed in, or renewal refused): nothing is sent; the message says what to do.
    return { kind: 'failed', message: (error instanceof Error ? error.message : String(error)).replace(/\.+$/, ''), signIn: true };
  }
  const auth = authorizationHeader(url, environment.url, token);
  const headers: Record<string, string> = { Accept: 'application/xml', 'OData-MaxVersion': '4.0', 'OData-Version': '4.0', ...auth };
  if (etag) headers['If-None-Match'] = etag;

  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, idleMs);
  };
  const onCancel = (): void => controller.abort();
  if (options.signal?.aborted) return { kind: 'cancelled' };
  options.signal?.addEventListener('abort', onCancel, { once: true });
  const stopped = (): DownloadResult | undefined =>
    timedOut
      ? { kind: 'failed', message: `no answer for ${Math.round(idleMs / 1000)} s (timeout). Check the URL and your network, and try again` }
      : options.signal?.aborted
        ? { kind: 'cancelled' }
        : undefined;

  arm();
  try {
    let response: Response;
    try {
      // With a token, never follow a redirect: the bearer token must not leave the environment's host.
      response = await fetch(url, { headers, signal: controller.signal, redirect: auth.Authorization ? 'manual' : 'follow', dispatcher: dispatcherFor(url) });
    } catch (error) {
      return stopped() ?? { kind: 'failed', message: describeNetworkError(error) };
    }
    if (response.status === 304) return { kind: 'notModified' };
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      return { kind: 'failed', message: describeStatus(response.status, response.statusText, body) };
    }
    const contentType = response.headers.get('content-type') ?? '';
    const length = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(length) && length > maxBytes) {
      await response.body?.cancel().catch(() => {});
      return { kind: 'failed', message: `the document is ${length} bytes, more than the limit of ${maxBytes}. Check the service root URL` };
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    try {
      const reader = response.body?.getReader();
      for (;;) {
        if (!reader) break;
        const { done, value } = await reader.read();
        if (done) break;
        arm();
        received += value.byteLength;
        if (received > maxBytes) {
          await reader.cancel().catch(() => {});
          return { kind: 'failed', message: `the document is larger than the limit of ${maxBytes} bytes. Check the service root URL` };
        }
        chunks.push(value);
        options.onProgress?.(received, Number.isFinite(length) ? length : undefined);
      }
    } catch (error) {
      return stopped() ?? { kind: 'failed', message: describeNetworkError(error) };
    }
    const xml = Buffer.concat(chunks).toString('utf8');
    if (/json|html/i.test(contentType) && !/^\s*(<\?xml|<edmx:)/.test(xml)) {
      const kind = /html/i.test(contentType) ? 'an HTML page (often a sign-in or error page)' : 'JSON';
      return { kind: 'failed', message: `the service sent ${kind} instead of the $metadata XML. Check the service root URL` };
    }
    const invalid = validateMetadata(xml);
    if (invalid) return { kind: 'failed', message: `${invalid}. The download was damaged or this is not an OData service: check the service root URL and try again` };
    const newTag = response.headers.get('etag') ?? undefined;
    return newTag ? { kind: 'ok', xml, etag: newTag } : { kind: 'ok', xml };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCancel);
  }
}

/** Where environments' metadata lives: one folder per environment under `root` (the extension's global storage). */
export class MetadataStore {
  constructor(readonly root: string) {}

  folder(name: string): string {
    return path.join(this.root, safeEnvironmentName(name));
  }

  file(name: string): string {
    return path.join(this.folder(name), 'metadata.xml');
  }

  async info(name: string): Promise<MetadataInfo | undefined> {
    try {
      const info = JSON.parse(await readFile(path.join(this.folder(name), 'info.json'), 'utf8')) as MetadataInfo;
      await stat(this.file(name));
      return info;
    } catch {
      return undefined;
    }
  }

  /**
   * Downloads the environment's metadata and replaces the cached copy when the download is a valid CSDL
   * document. A cached copy of the same service root is asked for with its ETag (304 keeps it).
   */
  async refresh(environment: { name: string; url: string; flavor?: FlavorName }, options: DownloadOptions = {}): Promise<RefreshOutcome> {
    const previous = await this.info(environment.name);
    const sameRoot = previous?.serviceRoot === environment.url;
    const result = await downloadMetadata(environment, sameRoot ? previous?.etag : undefined, options);
    const file = this.file(environment.name);
    const kept = previous !== undefined;
    const keptText = kept ? ` The previous copy (downloaded ${previous.downloadedAt}) is kept.` : '';
    switch (result.kind) {
      case 'cancelled':
        return { status: 'cancelled', kept, message: `Downloading the metadata of '${environment.name}' was cancelled.${keptText}` };
      case 'failed':
        return {
          status: 'failed',
          kept,
          message: `The metadata of '${environment.name}' could not be downloaded from ${metadataUrl(environment.url)}: ${result.message}.${keptText}`,
          ...(result.signIn ? { signIn: true as const } : {}),
        };
      case 'notModified': {
        if (!previous) return { status: 'failed', kept, message: `The service answered 304 Not Modified to '${environment.name}' without a cached copy. Try again.` };
        const info: MetadataInfo = { ...previous, checkedAt: new Date().toISOString() };
        await this.writeInfo(environment.name, info);
        return { status: 'unchanged', file, info, message: `The metadata of '${environment.name}' is up to date (304 Not Modified).` };
      }
      case 'ok': {
        const folder = this.folder(environment.name);
        await mkdir(folder, { recursive: true });
        const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
        try {
          await writeFile(temporary, result.xml, 'utf8');
          await rename(temporary, file);
        } catch (error) {
          await rm(temporary, { force: true });
          return { status: 'failed', kept, message: `The metadata of '${environment.name}' could not be saved to ${folder}: ${String(error)}.${keptText}` };
        }
        const info: MetadataInfo = { serviceRoot: environment.url, downloadedAt: new Date().toISOString(), size: Buffer.byteLength(result.xml, 'utf8') };
        if (result.etag) info.etag = result.etag;
        await this.writeInfo(environment.name, info);
        return { status: 'updated', file, info, message: `Downloaded the metadata of '${environment.name}' (${formatSize(info.size)}).` };
      }
    }
  }

  private async writeInfo(name: string, info: MetadataInfo): Promise<void> {
    const target = path.join(this.folder(name), 'info.json');
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(info, null, 2)}\n`, 'utf8');
    await rename(temporary, target);
  }
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
