// Dataverse's `@Microsoft.Dynamics.CRM.globalmetadataversion`: a number that changes whenever the organization's
// schema changes, written into collection responses when the request's `Prefer: odata.include-annotations` asks for
// it ("*" or the annotation's name). Here the schema changes when a custom API is created (as in Dataverse, where
// it adds an operation to $metadata): the version goes up by one.
'use strict';

const ANNOTATION = '@Microsoft.Dynamics.CRM.globalmetadataversion';
let version = 1000 + (Date.now() % 100000) * 10;

function bump() {
  version += 1;
}

function wanted(prefer) {
  const match = /odata\.include-annotations\s*=\s*"?([^";,]*)"?/i.exec(prefer ?? '');
  if (!match) return false;
  return match[1].split(',').some((pattern) => {
    const p = pattern.trim();
    return p === '*' || p === 'Microsoft.Dynamics.CRM.*' || p === 'Microsoft.Dynamics.CRM.globalmetadataversion';
  });
}

/** Express middleware for the service path: collection responses to GET gain the annotation when asked for. */
function middleware(req, res, next) {
  if (req.method === 'POST' && /^\/customapis(\?|$)/.test(req.url)) {
    res.on('finish', () => {
      if (res.statusCode < 300) bump();
    });
  }
  if (req.method !== 'GET' || !wanted(req.headers.prefer)) return next();
  const chunks = [];
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  res.write = (chunk, encoding, callback) => {
    if (chunk) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8'));
    if (typeof encoding === 'function') encoding();
    else if (typeof callback === 'function') callback();
    return true;
  };
  res.end = (chunk, encoding, callback) => {
    if (chunk && typeof chunk !== 'function') chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8'));
    let body = Buffer.concat(chunks);
    const type = String(res.getHeader('content-type') ?? '');
    const text = body.toString('utf8');
    if (type.includes('json') && text.startsWith('{') && /"value"\s*:\s*\[/.test(text)) {
      body = Buffer.from(`{"${ANNOTATION}":"${version}",${text.slice(1)}`, 'utf8');
      if (res.getHeader('content-length') !== undefined) res.setHeader('content-length', body.length);
    }
    write(body);
    return end(typeof chunk === 'function' ? chunk : typeof encoding === 'function' ? encoding : callback);
  };
  return next();
}

module.exports = { middleware, current: () => String(version) };
