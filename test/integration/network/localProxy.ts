/**
 * A small real proxy on 127.0.0.1 for the tests: plain HTTP requests in absolute form and CONNECT tunnels. Every
 * target host is sent to 127.0.0.1 on the port `route` gives (so made-up host names reach the local test servers,
 * which proves the traffic went through the proxy), and each target is recorded.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface LocalProxy {
  /** http://127.0.0.1:port */
  url: string;
  /** `host:port` of each CONNECT tunnel and each proxied URL, in order. */
  targets: string[];
  stop(): Promise<void>;
}

export async function startLocalProxy(route: (host: string, port: number) => number | undefined): Promise<LocalProxy> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    // An absolute-form request: http://host:port/path
    const target = new URL(req.url ?? '');
    targets.push(target.href);
    const port = route(target.hostname, Number(target.port || 80));
    if (port === undefined) {
      res.writeHead(502).end('no route');
      return;
    }
    const upstream = httpRequest({ host: '127.0.0.1', port, method: req.method, path: `${target.pathname}${target.search}`, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    targets.push(req.url ?? '');
    const [host = '', portText = '443'] = (req.url ?? '').split(':');
    const port = route(host, Number(portText));
    if (port === undefined) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
