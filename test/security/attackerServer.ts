/**
 * A scripted HTTP service on 127.0.0.1 of the tests' own, for what the sample service does not do on demand. It
 * records every request it receives (method, URL, headers, body) so a test can show that nothing (or nothing secret)
 * reached it, and answers with whatever the test scripts: a service's hostile answers for the security tests
 * (formula cells, cookies, secrets echoed back), a late or large answer or a `$metadata` document for the
 * extension-host settings tests (test/e2e/suite/settings.test.ts). Self-contained (the e2e bundle imports it too).
 *
 *   const attacker = await startAttackerServer((request) => ({ status: 200, json: { value: [] } }));
 *   attacker.url; attacker.received; await attacker.stop();
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedAnswer {
  status?: number;
  headers?: Record<string, string | string[]>;
  json?: unknown;
  text?: string;
  /** Sent as XML (`application/xml`): a `$metadata` document. */
  xml?: string;
  /** Milliseconds before the answer is sent (a slow service). */
  delayMs?: number;
}

export interface AttackerServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** Every request received, in order. */
  received: ReceivedRequest[];
  /** Everything received as one text (to search for a secret anywhere). */
  receivedText(): string;
  stop(): Promise<void>;
}

export async function startAttackerServer(answer: (request: ReceivedRequest) => ScriptedAnswer = () => ({ status: 200, json: { value: [] } })): Promise<AttackerServer> {
  const received: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      const scripted = answer(request);
      const body = scripted.json !== undefined ? JSON.stringify(scripted.json) : (scripted.xml ?? scripted.text ?? '');
      const type = scripted.json !== undefined ? 'application/json' : scripted.xml !== undefined ? 'application/xml' : 'text/plain';
      const reply = (): void => {
        if (res.destroyed) return;
        res.writeHead(scripted.status ?? 200, { 'content-type': `${type}; charset=utf-8`, 'content-length': Buffer.byteLength(body), ...scripted.headers });
        res.end(body);
      };
      if (!scripted.delayMs) return reply();
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply();
      }, scripted.delayMs);
      timers.add(timer);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    receivedText: () => JSON.stringify(received),
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
