/**
 * The loopback redirect of an interactive sign-in (authorization code + PKCE), ours instead of MSAL's so that it
 * closes when the sign-in is cancelled and after a time limit, and so that its error page shows the real error,
 * HTML-escaped. It listens on 127.0.0.1 (redirect `http://localhost:{port}`), accepts the answer as a GET query or a
 * `form_post`, checks `state`, and answers one page. No `vscode` here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** How long the browser has to come back before the listener closes. */
export const LOOPBACK_TIME_LIMIT_MS = 5 * 60 * 1000;

export interface LoopbackAnswer {
  code: string;
}

export interface LoopbackListener {
  redirectUri: string;
  /** Settles with the code, or rejects with the sign-in service's error, the time limit, or the cancellation. */
  answer: Promise<LoopbackAnswer>;
  close(): void;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

function page(title: string, text: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
}

export class SignInListenerError extends Error {
  constructor(
    message: string,
    readonly reason: 'cancelled' | 'timeout' | 'refused' | 'state',
  ) {
    super(message);
    this.name = reason === 'cancelled' ? 'AbortError' : 'SignInListenerError';
  }
}

async function readParameters(req: IncomingMessage): Promise<URLSearchParams> {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  if (req.method !== 'POST') return query;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) break; // an authorization answer is small
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function listenForCode(options: { state: string; signal?: AbortSignal; timeLimitMs?: number }): Promise<LoopbackListener> {
  let settle: { resolve(answer: LoopbackAnswer): void; reject(error: Error): void } | undefined;
  const answer = new Promise<LoopbackAnswer>((resolve, reject) => (settle = { resolve, reject }));
  answer.catch(() => undefined); // observed by the caller; never an unhandled rejection
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  const timers: NodeJS.Timeout[] = [];
  const close = (): void => {
    for (const timer of timers) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    server.close();
    server.closeAllConnections();
  };
  const fail = (error: SignInListenerError): void => {
    settle?.reject(error);
    close();
  };
  const onAbort = (): void => fail(new SignInListenerError('The sign-in was cancelled.', 'cancelled'));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parameters = await readParameters(req);
    const code = parameters.get('code');
    const error = parameters.get('error');
    if (!code && !error) {
      res.writeHead(404).end(); // favicon and the like
      return;
    }
    if (parameters.get('state') !== options.state) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(page('Sign-in failed', 'The answer does not belong to this sign-in (state mismatch). Return to VS Code and try again.'));
      fail(new SignInListenerError('the sign-in answer did not match the request (state mismatch); try again.', 'state'));
      return;
    }
    if (error) {
      const description = parameters.get('error_description');
      const text = `${error}${description ? `: ${description}` : ''}`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Sign-in failed', `${text}. Return to VS Code and try again.`));
      fail(new SignInListenerError(`the sign-in service answered ${text}`, 'refused'));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Signed in', 'You can close this tab and return to VS Code.'));
    settle?.resolve({ code: code! });
    close();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const limit = options.timeLimitMs ?? LOOPBACK_TIME_LIMIT_MS;
  const timer = setTimeout(() => fail(new SignInListenerError(`nobody came back from the browser within ${Math.round(limit / 1000)} s; the sign-in was stopped. Sign in again.`, 'timeout')), limit);
  timer.unref();
  timers.push(timer);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  return { redirectUri: `http://localhost:${port}`, answer, close };
}
