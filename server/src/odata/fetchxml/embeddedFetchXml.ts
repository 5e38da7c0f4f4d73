/**
 * FetchXML inside `.odata` files: a Dataverse request `GET accounts?fetchXml=…` carries a query, percent-encoded or
 * plain, possibly over continuation lines. The value is decoded with a map from each decoded character back to the
 * URL, checked as FetchXML, and its diagnostics are placed on the URL text they come from.
 * Also checks `.fetchxml` documents for the CLI and the server. Pure: no I/O.
 */
import type { ModelIndex } from '../csdl/modelIndex';
import type { ODataDiagnostic } from '../diagnosticCodes';
import type { RequestFile, ODataRequest } from '../requestFile/requestFile';
import { expandRequestUrl, variableTable, type SystemVariableResolver } from '../requestFile/variables';
import { analyzeFetchXml } from './checkFetchXml';
import { fetchXmlModel } from './fetchXmlModel';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A decoded `fetchXml=` value: the text and, for each decoded offset (0..length), the offset in the URL. */
export interface DecodedFetchXml {
  text: string;
  urlOffsets: number[];
  /** Where the value is in the URL. */
  valueStart: number;
  valueEnd: number;
}

/** Finds `fetchXml=` in a URL's query and decodes its value (%XX as UTF-8; '+' as a space when the value is encoded). */
export function fetchXmlParameter(url: string): DecodedFetchXml | undefined {
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  const match = /(?:^|&)fetchxml=/i.exec(url.slice(query + 1));
  if (!match) return undefined;
  const valueStart = query + 1 + match.index + match[0].length;
  // The value runs to the next `&` outside the XML (a plain `&` inside it is written &amp; in XML, i.e. followed by a name and `;`).
  let valueEnd = url.length;
  for (let i = valueStart; i < url.length; i++) {
    if (url[i] === '&' && !/^&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);/.test(url.slice(i, i + 12))) {
      valueEnd = i;
      break;
    }
  }
  const raw = url.slice(valueStart, valueEnd);
  const encoded = raw.indexOf('<') < 0;
  const bytes: number[] = [];
  const byteOffsets: number[] = [];
  for (let i = 0; i < raw.length; ) {
    const at = valueStart + i;
    if (raw[i] === '%' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      byteOffsets.push(at);
      i += 3;
      continue;
    }
    if (raw[i] === '+' && encoded) {
      bytes.push(0x20);
      byteOffsets.push(at);
      i++;
      continue;
    }
    const code = raw.codePointAt(i)!;
    const utf8 = encoder.encode(String.fromCodePoint(code));
    for (const b of utf8) {
      bytes.push(b);
      byteOffsets.push(at);
    }
    i += code > 0xffff ? 2 : 1;
  }
  // UTF-8 bytes -> characters, keeping each character's URL offset (that of its first byte).
  let text = '';
  const urlOffsets: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    const decoded = decoder.decode(new Uint8Array(bytes.slice(i, i + length)));
    for (let k = 0; k < decoded.length; k++) urlOffsets.push(byteOffsets[i]!);
    text += decoded;
    i += length;
  }
  urlOffsets.push(valueEnd);
  return { text, urlOffsets, valueStart, valueEnd };
}

/** Diagnostics of the FetchXML in every request's `fetchXml=` parameter, with document spans. */
export function checkFetchXmlInRequests(
  file: RequestFile,
  model: ModelIndex,
  options: { variables?: Readonly<Record<string, string>>; system?: SystemVariableResolver } = {},
): ODataDiagnostic[] {
  const out: ODataDiagnostic[] = [];
  const table = variableTable(file, options.variables);
  const fetchModel = fetchXmlModel(model);
  for (const request of file.requests) out.push(...checkRequest(request, table, fetchModel, options.system));
  return out;
}

function checkRequest(request: ODataRequest, table: ReturnType<typeof variableTable>, model: ReturnType<typeof fetchXmlModel>, system?: SystemVariableResolver): ODataDiagnostic[] {
  const expanded = expandRequestUrl(request, table, system);
  if (expanded.unresolved.length > 0) return [];
  const parameter = fetchXmlParameter(expanded.text);
  if (!parameter) return [];
  return analyzeFetchXml(parameter.text, model).diagnostics.map((d) => {
    const start = expanded.toDocumentOffset(parameter.urlOffsets[Math.min(d.span.start, parameter.urlOffsets.length - 1)]!);
    const lastChar = d.span.end > d.span.start ? parameter.urlOffsets[d.span.end - 1]! : undefined;
    // The end: after the URL text of the last decoded character (three characters for %XX).
    let end = start;
    if (lastChar !== undefined) {
      const next = parameter.urlOffsets[d.span.end]!;
      end = expanded.toDocumentOffset(next > lastChar ? next : lastChar + 1);
    }
    return { ...d, span: { start, end: Math.max(start, end) } };
  });
}

/** Diagnostics of a `.fetchxml` document. */
export function checkFetchXmlDocument(text: string, model: ModelIndex | undefined): ODataDiagnostic[] {
  return analyzeFetchXml(text, model ? fetchXmlModel(model) : undefined).diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}

/** The environment a `.fetchxml` file names in a comment `<!-- @environment = name -->`, as `.odata` files do with `@environment = name`. */
export function fetchXmlEnvironment(text: string): { name: string; span: { start: number; end: number } } | undefined {
  const match = /<!--\s*@environment\s*=\s*([^\s>]+?)\s*-->/.exec(text);
  if (!match) return undefined;
  const start = match.index + match[0].indexOf(match[1]!, 4);
  return { name: match[1]!, span: { start, end: start + match[1]!.length } };
}
