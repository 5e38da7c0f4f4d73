/**
 * What is never kept at rest (issue 12, item 8): the one redaction used by the history, the results panel's view
 * (and so its saved state), the output channel's log lines and the exports. Pure.
 *
 * - Headers: `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, and any header whose name contains
 *   key, secret, token, signature, password, auth, session or credential.
 * - URL query parameters named `code`, `sig`, `signature`, `key`, `apikey`, `api-key`, `token`, `access_token`,
 *   `secret`, `password`, or containing secret/token/password/credential/signature/apikey (OData's own `$…` options,
 *   `$skiptoken` among them, are not secrets).
 * - JSON members with such names, wherever they are (request bodies, `$batch` parts, rows), and the header lines
 *   and request lines inside a `$batch` body; form-encoded bodies as query strings.
 */

export const REDACTED = '•••';

const SECRET_HEADER_EXACT: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_HEADER_PART = /key|secret|token|signature|password|auth|session|credential/i;

const SECRET_PARAMETER_EXACT: ReadonlySet<string> = new Set(['code', 'sig', 'signature', 'key', 'apikey', 'api-key', 'api_key', 'token', 'access_token', 'secret', 'password']);
const SECRET_PART = /secret|token|passw|credential|signature|api[-_]?key|access[-_]?key|client[-_]?assertion/i;

const SECRET_MEMBER_EXACT: ReadonlySet<string> = new Set(['sig', 'key', 'apikey', 'api-key', 'api_key', 'token', 'access_token', 'refresh_token', 'id_token', 'secret', 'password', 'pwd', 'auth', 'authorization', 'cookie', 'session', 'sessionid', 'session_id']);

/** A header whose value is a credential. */
export function isSecretHeader(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return SECRET_HEADER_EXACT.has(lower) || SECRET_HEADER_PART.test(lower);
}

/** A URL query parameter (or form field) whose value is a credential. */
export function isSecretParameter(name: string): boolean {
  const lower = name.trim().toLowerCase();
  if (lower.startsWith('$')) return false;
  return SECRET_PARAMETER_EXACT.has(lower) || SECRET_PART.test(lower);
}

/** A JSON member whose value is a credential. */
export function isSecretMember(name: string): boolean {
  const lower = name.trim().toLowerCase();
  if (lower.startsWith('@odata.') || lower.startsWith('$')) return false;
  return SECRET_MEMBER_EXACT.has(lower) || SECRET_PART.test(lower);
}

/** Headers with every credential replaced; `Authorization` keeps its scheme (`Bearer •••`). */
export function redactHeaders(headers: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  return headers.map(([name, value]) => [name, isSecretHeader(name) ? redactedHeaderValue(name, value) : value]);
}

function redactedHeaderValue(name: string, value: string): string {
  if (/^(proxy-)?authorization$/i.test(name.trim())) {
    const scheme = /^\s*([A-Za-z][\w-]*)\s+\S/.exec(value)?.[1] ?? 'Bearer';
    return `${scheme} ${REDACTED}`;
  }
  return REDACTED;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** `a=1&code=xyz` → `a=1&code=[redacted]` (names and the other values kept exactly as written). */
export function redactQueryString(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      return isSecretParameter(decodeName(pair.slice(0, equals))) ? `${pair.slice(0, equals)}=${REDACTED}` : pair;
    })
    .join('&');
}

/** A URL with the values of secret query parameters and any userinfo password replaced (otherwise as written). */
export function redactUrl(url: string): string {
  let text = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i, `$1:${REDACTED}@`);
  const question = text.indexOf('?');
  if (question < 0) return text;
  const hash = text.indexOf('#', question);
  const query = hash < 0 ? text.slice(question + 1) : text.slice(question + 1, hash);
  text = `${text.slice(0, question + 1)}${redactQueryString(query)}${hash < 0 ? '' : text.slice(hash)}`;
  return text;
}

const JSON_MEMBER = /("((?:[^"\\]|\\.)*)"\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)/g;
const HEADER_LINE = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)([ \t]*:[ \t]*)(.*)$/gm;
const REQUEST_LINE = /^((?:GET|POST|PATCH|PUT|DELETE|MERGE|HEAD|OPTIONS)\s+)(\S+)/gm;
const FORM_BODY = /^[^\s{}[\]"=&]+=[^\s{}[\]"]*(&[^\s{}[\]"=&]+=[^\s{}[\]"]*)*$/;

/**
 * A request or response body with credentials replaced, its layout kept: JSON members with secret names (in JSON
 * and in `$batch` parts), header lines and request-line URLs of `$batch` parts, and form-encoded fields.
 */
export function redactBody(text: string): string {
  const trimmed = text.trim();
  if (FORM_BODY.test(trimmed)) return redactQueryString(text);
  return text
    .replace(JSON_MEMBER, (whole: string, head: string, name: string) => (isSecretMember(name) ? `${head}"${REDACTED}"` : whole))
    .replace(HEADER_LINE, (whole: string, name: string, separator: string, value: string) =>
      isSecretHeader(name) && !value.startsWith('"') ? `${name}${separator}${redactedHeaderValue(name, value)}` : whole,
    )
    .replace(REQUEST_LINE, (_whole: string, method: string, url: string) => `${method}${redactUrl(url)}`);
}

/** A JSON value with the values of secret-named members replaced, at any depth (a copy; the input is not changed). */
export function redactJson<T>(value: T, depth = 0): T {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item: unknown) => redactJson(item, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
    out[name] = isSecretMember(name) && member !== null && typeof member !== 'object' ? REDACTED : redactJson(member, depth + 1);
  }
  return out as T;
}

/** True when redaction changed something (such a request cannot be sent again from what was kept). */
export function wasRedacted(original: string, redacted: string): boolean {
  return original !== redacted;
}
