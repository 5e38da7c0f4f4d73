/**
 * The "attacker" of the identity, workspace and sign-in security tests: a service on 127.0.0.1 that records every
 * request it receives (method, URL, headers, body) and answers 200 with a small `$metadata` or `{"value":[]}` — so a
 * test can show that nothing (no request, no token, no secret) reached it. Plain http, or https with a self-signed
 * certificate made at start (names given in `names`, for a proxy that maps made-up host names to it).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { gzipSync } from 'node:zlib';
import selfsigned from 'selfsigned';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface AttackerService {
  /** e.g. http://127.0.0.1:1234 (no trailing slash). */
  origin: string;
  port: number;
  /** The certificate (PEM) of an https attacker. */
  ca?: string;
  received: RecordedRequest[];
  stop(): Promise<void>;
}

const METADATA = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="Attacker" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Int32" Nullable="false"/></EntityType>
<EntityContainer Name="C"><EntitySet Name="things" EntityType="Attacker.thing"/></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>`;

function handler(received: RecordedRequest[]) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const metadata = req.url?.includes('$metadata');
      const text = metadata ? METADATA : JSON.stringify({ value: [{ id: 1, note: 'from the attacker service' }] });
      const headers: Record<string, string> = { 'content-type': metadata ? 'application/xml' : 'application/json' };
      // Compressed when asked for (the tests of decoding).
      if (/gzip/.test(String(req.headers['accept-encoding'] ?? ''))) {
        res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
        res.end(gzipSync(text));
        return;
      }
      res.writeHead(200, headers);
      res.end(text);
    });
  };
}

export async function startAttackerService(options: { https?: boolean; names?: string[] } = {}): Promise<AttackerService> {
  const received: RecordedRequest[] = [];
  let server: Server;
  let ca: string | undefined;
  if (options.https) {
    const names = ['localhost', ...(options.names ?? [])];
    const tls = await selfsigned.generate([{ name: 'commonName', value: names[names.length - 1]! }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [...names.map((value) => ({ type: 2 as const, value })), { type: 7 as const, ip: '127.0.0.1' }] }],
    });
    ca = tls.cert;
    server = createHttpsServer({ key: tls.private, cert: tls.cert }, handler(received));
  } else {
    server = createHttpServer(handler(received));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    ...(ca ? { ca } : {}),
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
