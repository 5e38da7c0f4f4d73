/**
 * OData `$batch`: counting the operations of an authored batch (JSON `requests`, or multipart/mixed with
 * `application/http` parts, inside change sets too), the flavours' limits, and reading a batch answer
 * (JSON `responses`, or multipart/mixed with nested change sets and `Content-ID`) into one result per part.
 */
import type { PreparedRequest, ResponseResult } from '../types';
import { headerValue } from './prepare';

export interface BatchPart {
  id?: string;
  atomicityGroup?: string;
  status: number;
  statusText?: string;
  headers: Array<[string, string]>;
  bodyText: string;
  json?: unknown;
}

/** Most operations one `$batch` may hold, per flavour (Business Central: 100; Dataverse: 1,000). */
const BATCH_LIMITS: Partial<Record<PreparedRequest['environment']['flavor'], number>> = { bc: 100, dataverse: 1000 };

function isBatch(request: PreparedRequest): boolean {
  const path = request.url.split(/[?#]/)[0];
  return request.method.toUpperCase() === 'POST' && /\/\$batch$/.test(path);
}

/** The number of operations in a `$batch` request; undefined when the request is not a `$batch`. */
export function batchOperationCount(request: PreparedRequest): number | undefined {
  if (!isBatch(request)) return undefined;
  const body = request.body ?? '';
  const contentType = headerValue(request.headers, 'content-type') ?? '';
  const boundary = boundaryOf(contentType);
  if (boundary) return countOperations(splitMultipart(body, boundary));
  try {
    const json = JSON.parse(body) as { requests?: unknown };
    return Array.isArray(json.requests) ? json.requests.length : 0;
  } catch {
    return 0;
  }
}

function countOperations(parts: MimePart[]): number {
  let count = 0;
  for (const part of parts) {
    const type = headerValue(part.headers, 'content-type') ?? '';
    const nested = boundaryOf(type);
    if (/^multipart\/mixed/i.test(type) && nested) count += countOperations(splitMultipart(part.body, nested));
    else if (/^application\/http/i.test(type) || /^[A-Z]+ \S+ HTTP\/\d/.test(part.body.trimStart())) count++;
  }
  return count;
}

/** How many operations of a `$batch` read (GET, HEAD) and how many write; undefined when the request is not a `$batch`. */
export function batchReadsAndWrites(request: PreparedRequest): { reads: number; writes: number } | undefined {
  if (!isBatch(request)) return undefined;
  const body = request.body ?? '';
  const boundary = boundaryOf(headerValue(request.headers, 'content-type') ?? '');
  const methods: string[] = [];
  if (boundary) collectMethods(splitMultipart(body, boundary), methods);
  else {
    try {
      const json = JSON.parse(body) as { requests?: unknown };
      if (Array.isArray(json.requests)) {
        for (const item of json.requests as unknown[]) {
          const method = item !== null && typeof item === 'object' ? (item as { method?: unknown }).method : undefined;
          methods.push(typeof method === 'string' ? method.toUpperCase() : 'UNKNOWN');
        }
      }
    } catch {
      // Not JSON: no operation known.
    }
  }
  const reads = methods.filter((method) => method === 'GET' || method === 'HEAD').length;
  return { reads, writes: methods.length - reads };
}

function collectMethods(parts: MimePart[], methods: string[]): void {
  for (const part of parts) {
    const type = headerValue(part.headers, 'content-type') ?? '';
    const nested = boundaryOf(type);
    if (/^multipart\/mixed/i.test(type) && nested) collectMethods(splitMultipart(part.body, nested), methods);
    else {
      const line = /^([A-Za-z]+) \S+ HTTP\/\d/m.exec(part.body.trimStart());
      if (line) methods.push(line[1]!.toUpperCase());
      else if (/^application\/http/i.test(type)) methods.push('UNKNOWN');
    }
  }
}

/** A message when the batch has more operations than the environment's flavour accepts. */
export function checkBatchLimits(request: PreparedRequest): string | undefined {
  const count = batchOperationCount(request);
  const limit = BATCH_LIMITS[request.environment.flavor];
  if (count === undefined || limit === undefined || count <= limit) return undefined;
  const service = request.environment.flavor === 'bc' ? 'Business Central' : 'Dataverse';
  return `${service} accepts at most ${limit} operations in one $batch; this one has ${count}. Split it into batches of ${limit} or fewer.`;
}

/** The parts of a batch answer, or undefined when the answer is not a batch answer. */
export function parseBatchResponse(result: ResponseResult): BatchPart[] | undefined {
  const contentType = result.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  const boundary = boundaryOf(contentType);
  if (/^multipart\/mixed/i.test(contentType) && boundary) return multipartParts(splitMultipart(result.bodyText, boundary), undefined);
  const json = result.json as { responses?: unknown } | undefined;
  if (!json || typeof json !== 'object' || !Array.isArray(json.responses)) return undefined;
  return json.responses.map((entry): BatchPart => {
    const response = (entry ?? {}) as { id?: unknown; atomicityGroup?: unknown; status?: unknown; headers?: unknown; body?: unknown };
    const headers = response.headers && typeof response.headers === 'object' ? Object.entries(response.headers as Record<string, unknown>).map(([n, v]) => [n, String(v)] as [string, string]) : [];
    const part: BatchPart = {
      status: Number(response.status ?? 0),
      headers,
      bodyText: response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body),
    };
    if (response.id !== undefined) part.id = String(response.id);
    if (typeof response.atomicityGroup === 'string') part.atomicityGroup = response.atomicityGroup;
    if (response.body !== undefined && typeof response.body === 'object') part.json = response.body;
    return part;
  });
}

function multipartParts(parts: MimePart[], group: string | undefined): BatchPart[] {
  const out: BatchPart[] = [];
  for (const part of parts) {
    const type = headerValue(part.headers, 'content-type') ?? '';
    const nested = boundaryOf(type);
    if (/^multipart\/mixed/i.test(type) && nested) {
      out.push(...multipartParts(splitMultipart(part.body, nested), nested));
      continue;
    }
    const message = parseHttpMessage(part.body);
    const batchPart: BatchPart = { status: message.status, headers: message.headers, bodyText: message.body };
    if (message.statusText) batchPart.statusText = message.statusText;
    const id = headerValue(part.headers, 'content-id') ?? headerValue(message.headers, 'content-id');
    if (id !== undefined) batchPart.id = id;
    if (group !== undefined) batchPart.atomicityGroup = group;
    const bodyType = headerValue(message.headers, 'content-type') ?? '';
    if (/[/+]json\b/i.test(bodyType) && message.body.trim()) {
      try {
        batchPart.json = JSON.parse(message.body);
      } catch {
        // Kept as text.
      }
    }
    out.push(batchPart);
  }
  return out;
}

interface MimePart {
  headers: Array<[string, string]>;
  body: string;
}

/** The `boundary` parameter of a multipart Content-Type. */
export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** Splits a multipart body on its boundary (CRLF or LF line breaks); the preamble and epilogue are dropped. */
export function splitMultipart(text: string, boundary: string): MimePart[] {
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
  const parts: MimePart[] = [];
  let start: number | undefined;
  for (let match = delimiter.exec(text); match; match = delimiter.exec(text)) {
    if (start !== undefined) parts.push(parseMimePart(text.slice(start, match.index)));
    if (match[1]) return parts;
    start = match.index + match[0].length;
    start += text.startsWith('\r\n', start) ? 2 : text.startsWith('\n', start) ? 1 : 0;
  }
  return parts;
}

/** Headers, a blank line, then the body. */
function splitHead(text: string): { head: string[]; body: string } {
  const blank = /\r?\n\r?\n/.exec(text);
  const headText = blank ? text.slice(0, blank.index) : text;
  const body = blank ? text.slice(blank.index + blank[0].length) : '';
  return { head: headText.split(/\r?\n/), body };
}

function headerPairs(lines: string[]): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return headers;
}

function parseMimePart(text: string): MimePart {
  if (/^\r?\n/.test(text)) return { headers: [], body: text.replace(/^\r?\n/, '') };
  const { head, body } = splitHead(text);
  return { headers: headerPairs(head), body };
}

/** An embedded `HTTP/1.1 201 Created` response of a multipart batch answer. */
function parseHttpMessage(text: string): { status: number; statusText: string; headers: Array<[string, string]>; body: string } {
  const { head, body } = splitHead(text.replace(/^(\r?\n)+/, ''));
  const statusLine = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(head[0] ?? '');
  return {
    status: statusLine ? Number(statusLine[1]) : 0,
    statusText: statusLine?.[2]?.trim() ?? '',
    headers: headerPairs(head.slice(1)),
    body: body.replace(/(\r?\n)+$/, ''),
  };
}
