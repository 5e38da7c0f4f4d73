/**
 * An "attacker" HTTP service on 127.0.0.1 for the security tests: it records every request it receives (method,
 * URL, headers, body) so a test can show that nothing (or nothing secret) reached it, and answers with whatever the
 * test scripts — a service's hostile answers (formula cells, cookies, secrets echoed back). Self-contained.
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
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      const scripted = answer(request);
      const body = scripted.json !== undefined ? JSON.stringify(scripted.json) : (scripted.text ?? '');
      res.writeHead(scripted.status ?? 200, {
        'content-type': scripted.json !== undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        ...scripted.headers,
      });
      res.end(body);
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
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
