/**
 * Headers an `.odata` file may not set (issue 12, item 3): the language server marks them as errors on the
 * header line, and the request runner refuses the request with the same message. One list, read by both.
 *
 * - `Host` would route the request (and the bearer token with it) to another site behind a shared front end.
 * - `Authorization` / `Proxy-Authorization`: credentials belong in sign-in, never in files.
 * - `Cookie` is refused when the environment signs in: a session cookie beside a token mixes two identities.
 * - `Connection`, `Content-Length`, `Transfer-Encoding`, `TE`, `Upgrade` frame the message: the HTTP client sets
 *   them; a file that sets them can smuggle a second request.
 * - Pseudo-headers (`:authority`, `:path`, …) are HTTP/2's own and never written by hand.
 */

export interface ForbiddenHeader {
  /** Lower-case name, or `:` for every pseudo-header. */
  name: string;
  /** Why the file may not set it, and what to do instead. */
  reason: string;
  /** Only refused when the environment signs in (a token is sent). */
  onlyWhenSignedIn?: boolean;
}

export const FORBIDDEN_HEADERS: readonly ForbiddenHeader[] = [
  { name: 'host', reason: "the runner sends the environment's own host; a Host header could route the request and its token to another site" },
  { name: 'authorization', reason: "sign in to the environment instead; tokens don't belong in files" },
  { name: 'proxy-authorization', reason: 'set the proxy in VS Code\'s http.proxy setting instead; credentials don\'t belong in files' },
  { name: 'cookie', reason: 'this environment signs in with a token; a cookie would send another identity with it', onlyWhenSignedIn: true },
  { name: 'connection', reason: 'the HTTP client manages connections' },
  { name: 'content-length', reason: 'the runner computes the length from the body' },
  { name: 'transfer-encoding', reason: 'the runner frames the body itself' },
  { name: 'te', reason: 'the HTTP client negotiates transfer codings' },
  { name: 'upgrade', reason: 'the runner does not switch protocols' },
  { name: ':', reason: 'pseudo-headers are set by HTTP/2 itself' },
];

/** The entry that forbids `name`, or undefined when a file may set it. `signedIn`: the environment sends a token (default true). */
export function forbiddenHeader(name: string, options: { signedIn?: boolean } = {}): ForbiddenHeader | undefined {
  const lower = name.trim().toLowerCase();
  const signedIn = options.signedIn ?? true;
  const entry = lower.startsWith(':') ? FORBIDDEN_HEADERS.find((h) => h.name === ':') : FORBIDDEN_HEADERS.find((h) => h.name === lower);
  if (!entry || (entry.onlyWhenSignedIn && !signedIn)) return undefined;
  return entry;
}

/** The one message for a forbidden header, shown by the editor and by the runner. */
export function forbiddenHeaderMessage(name: string, entry: ForbiddenHeader): string {
  return `The header '${name.trim()}' cannot be set in an .odata file: ${entry.reason}. Remove this line.`;
}
