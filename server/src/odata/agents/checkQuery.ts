/**
 * `check_query` and `convert_query`: a query (an `.odata` request, a URL relative to the service root or
 * absolute, or FetchXML) checked against an environment's model, each problem with its line and column, the
 * text it covers, did-you-mean names, and — when every problem that has a suggestion is fixed by it — the
 * corrected query, so that a model can apply the fix and check again.
 */
import type { ModelIndex } from '../csdl/modelIndex';
import type { Flavor } from '../diagnosticCodes';
import { LineIndex } from '../lineIndex';
import { parseRequestFile, requestMethod } from '../requestFile/requestFile';
import { checkRequestFile } from '../services/checkDocument';
import type { Span } from '../uri/ast';
import type { FetchXmlCapability, FetchXmlProblem } from './agentContext';
import { oneLine, plural } from './answerText';

/** At most this many problems are listed; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 25;

export type QueryLanguage = 'odata' | 'fetchxml';

export function detectLanguage(query: string): QueryLanguage {
  return /^\s*(<\?xml[^>]*>\s*)?<fetch\b/i.test(query) ? 'fetchxml' : 'odata';
}

interface Problem {
  severity: 'error' | 'warning' | 'info';
  code?: string;
  message: string;
  span?: Span;
  suggestions?: string[];
}

export interface CheckOutcome {
  lines: string[];
  errors: number;
  /** The query with each problem's first suggestion applied, when at least one had one. */
  corrected?: string;
}

export function checkQuery(
  query: string,
  model: ModelIndex,
  options: { flavor: Flavor; serviceRoot?: string; language: QueryLanguage; fetchXml?: FetchXmlCapability; environment: string },
): CheckOutcome {
  let problems: Problem[];
  let what: string;
  if (options.language === 'fetchxml') {
    if (!options.fetchXml?.check) {
      return {
        lines: ['FetchXML checking is not available in this version: only OData queries are checked. Convert the query to OData yourself, or check it in the editor.'],
        errors: 0,
      };
    }
    problems = options.fetchXml.check({ index: model, input: query }).map(fromFetchXml);
    what = 'FetchXML query';
  } else {
    const file = parseRequestFile(query);
    if (file.requests.length === 0) return { lines: ['The query is empty: give a URL such as accounts?$select=name, or an .odata request such as GET accounts?$top=5.'], errors: 1 };
    problems = checkRequestFile(file, model, { flavor: options.flavor, serviceRoot: options.serviceRoot }).map((d) => ({ ...d }));
    what = file.requests.length === 1 ? `${requestMethod(file.requests[0]!)} request` : plural(file.requests.length, 'request');
  }
  const lines = new LineIndex(query);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  if (problems.length === 0) {
    return { lines: [`No problems: the ${what} is valid against the metadata of '${options.environment}' (${options.flavor}).`], errors: 0 };
  }
  const out = [
    `${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(problems.length - errors - warnings, 'note')} in the ${what} (environment '${options.environment}', ${options.flavor}):`,
  ];
  problems.slice(0, MAX_LISTED_PROBLEMS).forEach((problem, index) => {
    out.push(`${index + 1}. ${problem.severity}${problem.code ? ` ${problem.code}` : ''}${where(problem.span, lines, query)}: ${oneLine(problem.message, 400)}`);
    const fix = problem.suggestions?.[0];
    if (fix !== undefined && problem.span) out.push(`   Fix: replace ${JSON.stringify(query.slice(problem.span.start, problem.span.end))} with ${JSON.stringify(replacement(query, problem.span, fix))}.`);
  });
  if (problems.length > MAX_LISTED_PROBLEMS) out.push(`… ${problems.length - MAX_LISTED_PROBLEMS} more problems not listed: fix these and check again.`);
  const corrected = correctedQuery(query, problems);
  if (corrected !== undefined) {
    const unfixed = problems.filter((p) => p.severity === 'error' && !(p.suggestions && p.suggestions.length > 0)).length;
    out.push(
      unfixed === 0
        ? 'Corrected query (every fix above applied; check it again):'
        : `Query with the fixes above applied (${plural(unfixed, 'error')} had no automatic fix and may be caused by the others; check it again):`,
    );
    out.push(corrected);
  }
  return { lines: out, errors, corrected };
}

function fromFetchXml(problem: FetchXmlProblem): Problem {
  return { severity: problem.severity ?? 'error', code: problem.code, message: problem.message, span: problem.span, suggestions: problem.suggestions };
}

/** ` at line 1, column 22 ("primarycontact")`: 1-based, with the text the problem covers (short). */
function where(span: Span | undefined, lines: LineIndex, text: string): string {
  if (!span) return '';
  const start = lines.positionAt(span.start);
  const covered = text.slice(span.start, span.end);
  const shown = covered.length === 0 ? '' : ` (${JSON.stringify(covered.length > 60 ? `${covered.slice(0, 59)}…` : covered)})`;
  return ` at line ${start.line + 1}, column ${start.character + 1}${shown}`;
}

/** A suggestion written in place of the covered text, keeping the quotes of a quoted name. */
function replacement(text: string, span: Span, suggestion: string): string {
  const written = text.slice(span.start, span.end);
  return written.length >= 2 && written.startsWith("'") && written.endsWith("'") ? `'${suggestion}'` : suggestion;
}

/** The text with every problem that has a suggestion fixed by its first one; undefined when none has one (or fixes overlap). */
function correctedQuery(text: string, problems: readonly Problem[]): string | undefined {
  const fixable = problems.filter((p) => p.suggestions && p.suggestions.length > 0 && p.span);
  if (fixable.length === 0) return undefined;
  const ordered = [...fixable].sort((a, b) => b.span!.start - a.span!.start);
  let result = text;
  let limit = Infinity;
  for (const problem of ordered) {
    const span = problem.span!;
    if (span.end > limit) return undefined;
    const covered = text.slice(span.start, span.end);
    if (covered.includes('{{') || /[\r\n]/.test(covered)) return undefined;
    result = result.slice(0, span.start) + replacement(text, span, problem.suggestions![0]!) + result.slice(span.end);
    limit = span.start;
  }
  return result;
}

export type ConvertOutcome = { ok: true; lines: string[] } | { ok: false; message: string };

export function convertQuery(query: string, model: ModelIndex, to: QueryLanguage, fetchXml: FetchXmlCapability | undefined): ConvertOutcome {
  if (!fetchXml) {
    return {
      ok: false,
      message: 'Conversion between OData and FetchXML is not available in this version (FetchXML support is not installed). check_query, find_metadata and describe still work on OData.',
    };
  }
  const from = detectLanguage(query);
  if (from === to) return { ok: false, message: `The query is already ${to === 'fetchxml' ? 'FetchXML' : 'OData'}: pass to="${to === 'fetchxml' ? 'odata' : 'fetchxml'}" to convert it the other way.` };
  const input = from === 'odata' ? odataUrlOf(query) : query;
  if (input === undefined) return { ok: false, message: 'Only a single GET request (a query) converts to FetchXML; give one URL such as accounts?$select=name&$top=5.' };
  const result = fetchXml.convert({ index: model, input, to });
  if (result.ok) return { ok: true, lines: [`${to === 'fetchxml' ? 'FetchXML' : 'OData'}:`, result.text] };
  const problems = result.problems.slice(0, MAX_LISTED_PROBLEMS).map((p, i) => `${i + 1}. ${p.severity ?? 'error'}${p.code ? ` ${p.code}` : ''}: ${oneLine(p.message, 300)}`);
  return { ok: false, message: [`The query could not be converted to ${to === 'fetchxml' ? 'FetchXML' : 'OData'}:`, ...problems].join('\n') };
}

/** The URL of a one-request `.odata` text (a bare URL line counts), when it is a GET; undefined otherwise. */
function odataUrlOf(query: string): string | undefined {
  const file = parseRequestFile(query);
  if (file.requests.length !== 1) return undefined;
  const request = file.requests[0]!;
  if (requestMethod(request) !== 'GET') return undefined;
  return request.url.trim();
}
