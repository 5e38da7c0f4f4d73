// A small HTTP server of the project's own, on 127.0.0.1 and a free port, that misbehaves on purpose so the
// request runner's engine can be tested against real sockets: 429 with Retry-After, 503 without it, 401 until a
// renewed token arrives, a connection reset mid-body, a 50 MB body, invalid JSON, an HTML error page, a slow
// answer, redirects (same and other host), writes that the server acts on and then drops, and an echo.
//
//   const server = await startFaultServer();   // { url, tlsUrl, stop(), hits(pathname) }
//   await fetch(`${server.url}/429/a?after=1`); // the path segment after the fault name keeps tests apart
//
// `tlsUrl` is an HTTPS listener with a self-signed certificate that nothing trusts (for certificate errors).
// Routes (the `<id>` segment is any name; counters are per pathname):
//   GET  /ok                    200 JSON { value: [...] }
//   ANY  /echo                  200 JSON { method, url, headers, body } (echoes Authorization: for redaction tests)
//   ANY  /429/<id>?after=S|date first hit 429 with Retry-After (seconds, or an HTTP date S seconds ahead), then 200
//   ANY  /always429/<id>        429 with Retry-After: 0 every time
//   ANY  /503/<id>?times=N      N times 503 without Retry-After, then 200
//   ANY  /auth/<id>             401 while the bearer token is the first one seen for <id>; 200 with a different one
//   GET  /reset-mid-body        headers and 10 KB of a 100 KB body, then the socket is destroyed
//   GET  /big?mb=N              200 JSON of N MB (default 50), streamed with Content-Length
//   GET  /invalid-json          200 application/json that is not JSON
//   GET  /html-error            502 text/html with a <title>
//   GET  /odata-error           400 Dataverse-style {"error":{…}} with its annotations
//   GET  /slow?ms=N             answers after N ms (default 10,000)
//   GET  /redirect-same         302 to /ok (relative)
//   GET  /redirect-other        302 to http://other.invalid/elsewhere
//   GET  /redirect-loop/<id>    302 to itself, forever
//   POST /write-then-reset/<id> reads the body, counts it as done, then destroys the socket
//   POST /write-then-hang/<id>  reads the body, counts it as done, never answers
//   GET  /paged?page=N&size=S&pages=P  S rows a page, relative @odata.nextLink until page P, @odata.count
//   GET  /paged-fail?page=N     page 1 and 2 fine, page 3 answers 500
//   POST /create-503/<id>?applied=1  creates records: the first POST answers 503 (after creating the record when
//                               applied=1, as a front end that timed out on a busy service does), later ones 201;
//                               GET lists what was created; `records(pathname)` counts them
//   POST /query-post/<id>       a query sent as POST: 2 rows and an @odata.nextLink to GET /paged (page 2 of 3)
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import selfsigned from 'selfsigned';

const json = (res, status, value, extraHeaders = {}) => {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...extraHeaders });
  res.end(body);
};

const ODATA_ERROR = {
  error: {
    code: '0x80040217',
    message: "account With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist",
    '@Microsoft.PowerApps.CDS.ErrorDetails.OperationStatus': '0',
    '@Microsoft.PowerApps.CDS.HelpLink': 'http://go.microsoft.com/fwlink/?LinkID=398563&error=Microsoft.Crm.CrmException%3a80040217',
    '@Microsoft.PowerApps.CDS.TraceText': '[Microsoft.Crm.ObjectModel: Microsoft.Crm.ObjectModel.AccountService]',
    '@Microsoft.PowerApps.CDS.InnerError.Message': 'account With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist',
  },
};

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFaultServer() {
  const hits = new Map();
  const records = new Map();
  const firstTokens = new Map();
  const sockets = new Set();
  const timers = new Set();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = url.pathname;
    const count = (hits.get(path) ?? 0) + 1;
    hits.set(path, count);
    const body = await readBody(req);
    const [, fault] = path.split('/');

    switch (fault) {
      case 'ok':
        return json(res, 200, { '@odata.context': '$metadata#things', value: [{ id: 1, name: 'one' }] });
      case 'echo':
        return json(res, 200, { method: req.method, url: req.url, headers: req.headers, body });
      case '429': {
        if (count > 1) return json(res, 200, { value: [{ id: 1 }], attempt: count });
        const after = url.searchParams.get('after') ?? '1';
        const retryAfter = after === 'date' ? new Date(Date.now() + 1000).toUTCString() : after;
        return json(res, 429, { error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' } }, { 'retry-after': retryAfter });
      }
      case 'always429':
        return json(res, 429, { error: { code: '429', message: 'Too many requests' } }, { 'retry-after': '0' });
      case '503': {
        const times = Number(url.searchParams.get('times') ?? '2');
        if (count <= times) return json(res, 503, { error: { code: '503', message: 'Service Unavailable' } });
        return json(res, 200, { value: [{ id: 1 }], attempt: count });
      }
      case 'auth': {
        const auth = req.headers.authorization ?? '';
        if (!firstTokens.has(path)) firstTokens.set(path, auth);
        if (!auth || auth === firstTokens.get(path)) {
          return json(res, 401, { error: { code: '0x80040220', message: 'The token is expired.' } }, { 'www-authenticate': 'Bearer error="invalid_token"' });
        }
        return json(res, 200, { value: [{ id: 1 }], attempt: count });
      }
      case 'reset-mid-body': {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100_000 });
        res.write(`{"value":[${'0,'.repeat(5_000)}`);
        setImmediate(() => req.socket.destroy());
        return;
      }
      case 'big': {
        const megabytes = Number(url.searchParams.get('mb') ?? '50');
        const total = megabytes * 1024 * 1024;
        const row = '{"id":1234567,"name":"a row of the big answer"},'; // 48 bytes
        const chunk = Buffer.from(row.repeat(Math.floor(65_536 / row.length)));
        const head = Buffer.from('{"value":[');
        const tail = Buffer.from('{"id":0}]}');
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': total });
        res.write(head);
        let sent = head.length;
        // Whole chunks of rows (each ends with a comma), then spaces up to the exact size, then the last row.
        const pump = () => {
          while (total - sent - tail.length >= chunk.length) {
            sent += chunk.length;
            if (!res.write(chunk)) return res.once('drain', pump);
          }
          res.end(Buffer.concat([Buffer.alloc(total - sent - tail.length, 32), tail]));
        };
        res.on('error', () => {});
        return pump();
      }
      case 'invalid-json': {
        const text = '{"value": [{"id": 1}, {"id": 2,';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        return res.end(text);
      }
      case 'html-error': {
        const page = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy could not reach the service.</p></body></html>';
        res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(page);
      }
      case 'odata-error':
        return json(res, 404, ODATA_ERROR);
      case 'slow': {
        const ms = Number(url.searchParams.get('ms') ?? '10000');
        const timer = setTimeout(() => {
          timers.delete(timer);
          json(res, 200, { value: [] });
        }, ms);
        timers.add(timer);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'redirect-same':
        res.writeHead(302, { location: '/ok' });
        return res.end();
      case 'redirect-other':
        res.writeHead(302, { location: 'http://other.invalid/elsewhere' });
        return res.end();
      case 'redirect-loop':
        res.writeHead(302, { location: path });
        return res.end();
      case 'write-then-reset':
        return req.socket.destroy();
      case 'write-then-hang':
        return; // never answers; the socket is closed by the client's timeout or by stop()
      case 'paged':
      case 'paged-fail': {
        const page = Number(url.searchParams.get('page') ?? '1');
        const size = Number(url.searchParams.get('size') ?? '10');
        const pages = Number(url.searchParams.get('pages') ?? '3');
        if (fault === 'paged-fail' && page >= 3) return json(res, 500, { error: { code: '500', message: 'The page could not be read.' } });
        const value = Array.from({ length: size }, (_, i) => ({ id: (page - 1) * size + i + 1 }));
        const answer = { '@odata.count': size * pages, value };
        if (page < pages || fault === 'paged-fail') answer['@odata.nextLink'] = `${fault}?page=${page + 1}&size=${size}&pages=${pages}`;
        return json(res, 200, answer);
      }
      case 'create-503': {
        const created = records.get(path) ?? [];
        records.set(path, created);
        if (req.method === 'GET') return json(res, 200, { value: created });
        const posts = created.posts = (created.posts ?? 0) + 1;
        const record = () => created.push({ id: created.length + 1, body });
        if (posts === 1) {
          if (url.searchParams.get('applied') === '1') record();
          return json(res, 503, { error: { code: '503', message: 'Service Unavailable' } });
        }
        record();
        return json(res, 201, created.at(-1));
      }
      case 'query-post':
        return json(res, 200, { value: [{ id: 1 }, { id: 2 }], '@odata.nextLink': '/paged?page=2&size=2&pages=3' });
      default:
        return json(res, 404, { error: { code: 'NotFound', message: `No fault at ${path}` } });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  const certificate = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], { days: 1, keySize: 2048, algorithm: 'sha256' });
  const tlsServer = createTlsServer({ key: certificate.private, cert: certificate.cert }, (_req, res) => json(res, 200, { value: [] }));
  tlsServer.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  tlsServer.on('tlsClientError', () => {});
  await new Promise((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));

  const close = (s) => new Promise((resolve) => s.close(() => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    tlsUrl: `https://127.0.0.1:${tlsServer.address().port}`,
    hits: (pathname) => hits.get(pathname) ?? 0,
    records: (pathname) => (records.get(pathname) ?? []).length,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await Promise.all([close(server), close(tlsServer)]);
    },
  };
}
