/**
 * Document symbols (one per request, and the `@name = value` variables) and folding ranges (request
 * blocks, multi-line URLs and bodies, runs of comment lines) of a `.odata` document. Pure; an exception is caught once, in languageService.ts.
 */
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange, type Range } from 'vscode-languageserver-types';
import { requestMethod, type ODataRequest, type RequestFileLine } from '../requestFile/requestFile';
import type { Span } from '../uri/ast';
import { toRange, type ODataDocument } from './serviceContext';

/** Longest URL shown in a symbol's name. */
const MAX_NAME_URL = 60;

export function documentSymbols(document: ODataDocument): DocumentSymbol[] {
  const symbols: { start: number; symbol: DocumentSymbol }[] = [];
  for (const request of document.file.requests) {
    symbols.push({ start: request.span.start, symbol: requestSymbol(document, request) });
  }
  for (const variable of document.file.variables) {
    const range = toRange(document, variable.span);
    symbols.push({
      start: variable.span.start,
      symbol: {
        name: variable.name || '@',
        detail: variable.value,
        kind: SymbolKind.Variable,
        range,
        selectionRange: clampRange(toRange(document, variable.nameSpan), range),
      },
    });
  }
  return symbols.sort((a, b) => a.start - b.start).map((entry) => entry.symbol);
}

/** `GET accounts?$select=name…`: the method and the URL shortened to MAX_NAME_URL characters. */
export function requestLabel(request: ODataRequest): string {
  const url = request.url.trim();
  const short = url.length > MAX_NAME_URL ? url.slice(0, MAX_NAME_URL - 1) + '…' : url;
  return `${requestMethod(request)} ${short}`.trim();
}

function requestSymbol(document: ODataDocument, request: ODataRequest): DocumentSymbol {
  const range = toRange(document, request.span);
  const selection: Span = request.nameSpan ?? (request.url.length > 0 ? request.urlSpan : (request.methodSpan ?? request.urlSpan));
  const name = request.name?.trim() || requestLabel(request);
  const symbol: DocumentSymbol = {
    name: name || 'request',
    detail: `${requestMethod(request)} ${request.url}`,
    kind: SymbolKind.Method,
    range,
    selectionRange: clampRange(toRange(document, selection), range),
  };
  if (request.headers.length > 0) {
    symbol.children = request.headers.map((header) => {
      const headerRange = toRange(document, header.span);
      return {
        name: header.name,
        detail: header.value,
        kind: SymbolKind.Property,
        range: clampRange(headerRange, range),
        selectionRange: clampRange(toRange(document, header.nameSpan), range),
      };
    });
  }
  return symbol;
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** `inner` cut to lie within `outer` (LSP requires selectionRange ⊆ range). */
function clampRange(inner: Range, outer: Range): Range {
  const start = before(inner.start, outer.start) || before(outer.end, inner.start) ? outer.start : inner.start;
  const end = before(outer.end, inner.end) || before(inner.end, start) ? outer.end : inner.end;
  return { start, end };
}

export function foldingRanges(document: ODataDocument): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const lineOf = (offset: number): number => document.lines.positionAt(offset).line;
  const requestStarts = new Set<number>();
  const lines = document.file.lines;
  for (const request of document.file.requests) {
    let startLine = lineOf(request.span.start);
    // An unnamed `###` separator right above the request folds with it.
    const above = lines[startLine - 1];
    if (above?.kind === 'separator' && !above.name) startLine--;
    const endLine = lineOf(request.span.end);
    if (endLine > startLine) {
      ranges.push({ startLine, endLine, kind: FoldingRangeKind.Region });
      requestStarts.add(startLine);
    }
    if (request.urlPieces.length > 1) {
      const first = lineOf(request.urlPieces[0]!.span.start);
      const last = lineOf(request.urlPieces[request.urlPieces.length - 1]!.span.end);
      if (last > first && !requestStarts.has(first)) ranges.push({ startLine: first, endLine: last });
    }
    if (request.body) {
      const first = lineOf(request.body.span.start);
      const last = lineOf(request.body.span.end);
      if (last > first) ranges.push({ startLine: first, endLine: last });
    }
  }
  ranges.push(...commentRanges(lines));
  return ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

/** Runs of two or more comment lines (`#` or `//`, not the `###` request separators, nor body lines). */
function commentRanges(lines: readonly RequestFileLine[]): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  let runStart = -1;
  const close = (end: number): void => {
    if (runStart >= 0 && end > runStart) ranges.push({ startLine: runStart, endLine: end, kind: FoldingRangeKind.Comment });
    runStart = -1;
  };
  lines.forEach((line, index) => {
    const comment = line.kind === 'comment' || line.kind === 'requestName';
    if (comment) {
      if (runStart < 0) runStart = index;
    } else close(index - 1);
  });
  close(lines.length - 1);
  return ranges;
}
