/**
 * "Copy as curl": a command that sends the same request from a shell. The token is never in it: the
 * Authorization header reads `$TOKEN` from the shell (`TOKEN=$(az account get-access-token …)`).
 */
import type { PreparedRequest } from '../types';

/** Single-quoted for POSIX shells; `$'…'` with escapes when the text has line breaks or control characters. */
function shellQuote(text: string): string {
  if (/[\u0000-\u001f\u007f]/.test(text)) {
    const escaped = text.replace(/[\\']/g, '\\$&').replace(/[\u0000-\u001f\u007f]/g, (ch) => {
      switch (ch) {
        case '\n':
          return '\\n';
        case '\r':
          return '\\r';
        case '\t':
          return '\\t';
        default:
          return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
      }
    });
    return `$'${escaped}'`;
  }
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(request: PreparedRequest): string {
  const method = request.method.toUpperCase();
  const lines = [`curl${method === 'GET' ? '' : method === 'HEAD' ? ' --head' : ` -X ${method}`} ${shellQuote(request.url)}`];
  for (const [name, value] of request.headers) {
    if (name.toLowerCase() === 'authorization') continue;
    lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  lines.push('-H "Authorization: Bearer $TOKEN"');
  if (request.body !== undefined) lines.push(`--data-raw ${shellQuote(request.body)}`);
  return lines.join(' \\\n  ');
}
