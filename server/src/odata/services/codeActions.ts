/**
 * Code actions of a `.odata` document: "Change to 'name'" quick fixes for the diagnostics that carry
 * suggestions, quick fixes to the canonical form for what Dynamics tolerates beyond the OData grammar (a space
 * around '=', '+' for a space, a trailing comma or '/', single-quoted JSON, a quoted number), "Percent-encode the URL" (spaces, `+`, non-ASCII and other unsafe characters, keeping the OData
 * syntax readable) and "Split the query into lines" (each `&option` on its own indented continuation line).
 * Offsets in, LSP edits out. Pure; an exception is caught once, in languageService.ts.
 */
import { CodeActionKind, type CodeAction, type TextEdit } from 'vscode-languageserver-types';
import type { ODataDiagnostic } from '../diagnosticCodes';
import type { ODataRequest } from '../requestFile/requestFile';
import type { Span } from '../uri/ast';
import { isPlusSpace } from '../uri/scanner';
import { toLspDiagnostic, toRange, type ODataDocument, type ServiceContext } from './serviceContext';

/** At most this many "Change to" fixes per diagnostic. */
const MAX_SUGGESTIONS = 3;

export function codeActions(document: ODataDocument, range: Span, diagnostics: ODataDiagnostic[], _context?: ServiceContext): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (!intersects(diagnostic.span, range)) continue;
    actions.push(...suggestionFixes(document, diagnostic));
    const canonical = canonicalFormFix(document, diagnostic);
    if (canonical) actions.push(canonical);
  }
  for (const request of document.file.requests) {
    const inRequest = range.start >= request.span.start && range.start <= request.span.end;
    if (!inRequest && !intersects(request.urlSpan, range)) continue;
    const encode = percentEncodeAction(document, request);
    if (encode) actions.push(encode);
    const split = splitQueryAction(document, request);
    if (split) actions.push(split);
  }
  return actions;
}

function intersects(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

// ---------------------------------------------------------------------------------------------------------
// "Change to 'name'"
// ---------------------------------------------------------------------------------------------------------

function suggestionFixes(document: ODataDocument, diagnostic: ODataDiagnostic): CodeAction[] {
  const suggestions = diagnostic.suggestions ?? [];
  if (suggestions.length === 0) return [];
  const { start, end } = diagnostic.span;
  if (start < 0 || end > document.text.length || end < start) return [];
  const written = document.text.slice(start, end);
  // A span that covers a `{{variable}}` or a line break is not a name the fix can rewrite.
  if (written.includes('{{') || /[\r\n]/.test(written)) return [];
  const quoted = written.length >= 2 && written.startsWith("'") && written.endsWith("'");
  const lspDiagnostic = toLspDiagnostic(document, diagnostic);
  return suggestions.slice(0, MAX_SUGGESTIONS).map((name, index) => {
    const newText = quoted ? `'${name}'` : name;
    const action: CodeAction = {
      title: `Change to '${name}'`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [lspDiagnostic],
      edit: { changes: { [document.uri]: [{ range: toRange(document, diagnostic.span), newText }] } },
    };
    if (index === 0) action.isPreferred = true;
    return action;
  });
}

// ---------------------------------------------------------------------------------------------------------
// The canonical form of what Dynamics tolerates
// ---------------------------------------------------------------------------------------------------------

/** The fix for a tolerance warning: its title and the text that replaces the diagnostic's span. */
function canonicalFormFix(document: ODataDocument, diagnostic: ODataDiagnostic): CodeAction | undefined {
  const { start, end } = diagnostic.span;
  if (start < 0 || end > document.text.length || end < start) return undefined;
  const written = document.text.slice(start, end);
  if (written.includes('{{') || /[\r\n]/.test(written)) return undefined;
  const fix = canonicalText(diagnostic.code, written, document.text, start);
  if (!fix || fix.newText === written) return undefined;
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toLspDiagnostic(document, diagnostic)],
    isPreferred: true,
    edit: { changes: { [document.uri]: [{ range: toRange(document, diagnostic.span), newText: fix.newText }] } },
  };
}

function canonicalText(code: string, written: string, text: string, offset: number): { title: string; newText: string } | undefined {
  switch (code) {
    case 'syntax.space-around-equals':
      return { title: "Remove the space around '='", newText: '=' };
    case 'syntax.trailing-comma':
      return { title: 'Remove the trailing comma', newText: '' };
    case 'syntax.trailing-slash':
      return { title: "Remove the trailing '/'", newText: '' };
    case 'syntax.plus-as-space': {
      let newText = '';
      for (let i = 0; i < written.length; i++) newText += isPlusSpace(text, offset + i) ? ' ' : written[i];
      return { title: "Write spaces instead of '+'", newText };
    }
    case 'syntax.single-quoted-json': {
      const json = doubleQuotedJson(written);
      return json === undefined ? undefined : { title: 'Use double quotes in the JSON', newText: json };
    }
    case 'dataverse.quoted-number':
      return /^'[^']*'$/.test(written) ? { title: 'Write the number unquoted', newText: written.slice(1, -1) } : undefined;
    default:
      return undefined;
  }
}

/** `{'@odata.id':'accounts(1)'}` -> `{"@odata.id":"accounts(1)"}`; undefined when a string is left open. */
export function doubleQuotedJson(written: string): string | undefined {
  let text = written;
  if (/%[0-9A-Fa-f]{2}/.test(text)) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      const close = closingDoubleQuote(text, i);
      if (close < 0) return undefined;
      out += text.slice(i, close + 1);
      i = close;
    } else if (ch === "'") {
      let value = '';
      let k = i + 1;
      for (;;) {
        if (k >= text.length) return undefined;
        if (text[k] === "'") {
          if (text[k + 1] === "'") {
            value += "'";
            k += 2;
            continue;
          }
          break;
        }
        value += text[k];
        k++;
      }
      out += JSON.stringify(value);
      i = k;
    } else {
      out += ch;
    }
  }
  return out;
}

function closingDoubleQuote(text: string, open: number): number {
  for (let k = open + 1; k < text.length; k++) {
    if (text[k] === '\\') k++;
    else if (text[k] === '"') return k;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------------
// Percent-encoding
// ---------------------------------------------------------------------------------------------------------

/** Characters left as written: unreserved, OData syntax and the brackets of JSON values. */
const KEEP = /[A-Za-z0-9\-._~$()'=,/?&:@;*![\]{}]/;
const REFERENCE = /\{\{[^{}]*\}\}/g;

function encodeChar(ch: string): string {
  if (KEEP.test(ch)) return ch;
  try {
    return encodeURIComponent(ch);
  } catch {
    // a lone surrogate: encode its UTF-16 unit as the replacement character
    return '%EF%BF%BD';
  }
}

/** Percent-encodes what must be encoded in a URL, keeping OData syntax readable and existing `%XX` escapes. */
export function percentEncodeUrl(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(REFERENCE)) {
    out += encodePart(text.slice(last, match.index));
    out += match[0];
    last = (match.index ?? 0) + match[0].length;
  }
  return out + encodePart(text.slice(last));
}

function encodePart(text: string): string {
  let out = '';
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '%') {
      const next = (chars[i + 1] ?? '') + (chars[i + 2] ?? '');
      out += /^[0-9A-Fa-f]{2}$/.test(next) ? '%' : '%25';
      continue;
    }
    out += encodeChar(ch);
  }
  return out;
}

function percentEncodeAction(document: ODataDocument, request: ODataRequest): CodeAction | undefined {
  const edits: TextEdit[] = [];
  for (const piece of request.urlPieces) {
    const encoded = percentEncodeUrl(piece.text);
    if (encoded !== piece.text) edits.push({ range: toRange(document, piece.span), newText: encoded });
  }
  if (edits.length === 0) return undefined;
  return { title: 'Percent-encode the URL', kind: CodeActionKind.Refactor, edit: { changes: { [document.uri]: edits } } };
}

// ---------------------------------------------------------------------------------------------------------
// Split the query into lines
// ---------------------------------------------------------------------------------------------------------

const CONTINUATION_INDENT = '    ';

/** Offsets of the `&` that separate query options (outside strings and parentheses), after the first `?`. */
function optionSeparators(url: string): number[] {
  const question = url.indexOf('?');
  if (question < 0) return [];
  const result: number[] = [];
  let quote = false;
  let depth = 0;
  let inReference = false;
  for (let i = question + 1; i < url.length; i++) {
    const ch = url[i];
    if (inReference) {
      if (ch === '}' && url[i + 1] === '}') {
        inReference = false;
        i++;
      }
      continue;
    }
    if (ch === '{' && url[i + 1] === '{') {
      inReference = true;
      i++;
      continue;
    }
    if (ch === "'") quote = !quote;
    else if (quote) continue;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === '&' && depth === 0) result.push(i);
  }
  return result;
}

function splitQueryAction(document: ODataDocument, request: ODataRequest): CodeAction | undefined {
  if (request.urlPieces.length !== 1) return undefined;
  const piece = request.urlPieces[0]!;
  const separators = optionSeparators(piece.text);
  if (separators.length === 0) return undefined;
  const text = document.text;
  // The rest of the request line (e.g. ` HTTP/1.1`) stays on the first line.
  let lineEnd = text.indexOf('\n', piece.span.end);
  if (lineEnd < 0) lineEnd = text.length;
  const tail = text.slice(piece.span.end, lineEnd).replace(/\s+$/, '');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lineStart = text.lastIndexOf('\n', piece.span.start - 1) + 1;
  const indent = (/^[ \t]*/.exec(text.slice(lineStart, piece.span.start))?.[0] ?? '') + CONTINUATION_INDENT;
  const parts: string[] = [];
  let last = 0;
  for (const at of separators) {
    parts.push(piece.text.slice(last, at));
    last = at;
  }
  parts.push(piece.text.slice(last));
  const newText = parts[0] + tail + parts.slice(1).map((part) => eol + indent + part).join('');
  const span = { start: piece.span.start, end: piece.span.end + tail.length };
  return {
    title: 'Split the query into lines',
    kind: CodeActionKind.RefactorRewrite,
    edit: { changes: { [document.uri]: [{ range: toRange(document, span), newText }] } },
  };
}
