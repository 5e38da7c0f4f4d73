/**
 * Semantic tokens: what each name in a request's URL resolved to against the environment's model, which
 * the TextMate grammar cannot know. An entity set, a structural property, a navigation property, a
 * Dataverse lookup (`_x_value`, read-only), an enum member, a type cast, a bound or canonical function,
 * a parameter, a lambda variable or an alias each get their own token type, so a theme shows a
 * navigation property apart from a column, a known name apart from an unknown one (which gets no token
 * and keeps the grammar's colour, beside its diagnostic).
 *
 * The source is the binder's resolutions (the same ones hover explains); key values and keywords keep the
 * grammar's colours. Only names that stand in the
 * document as they do in the expanded URL get a token: a name that came from a `{{variable}}` has no
 * place in the document to colour.
 *
 * Pure: no I/O.
 */
import type { Operation } from '../csdl/model';
import { expandRequestUrl, variableTable } from '../requestFile/variables';
import { bindUri } from '../binder/binder';
import type { Resolution } from '../binder/binderTypes';
import { parseUri } from '../uri/parser';
import { innerWordSpan } from './hover';
import type { ODataDocument, ServiceContext } from './serviceContext';

/** The legend: token type and modifier names, in the order their indexes refer to. */
export const semanticTokenLegend = {
  tokenTypes: ['class', 'property', 'navigationProperty', 'enumMember', 'type', 'function', 'method', 'parameter', 'variable'],
  tokenModifiers: ['readonly', 'defaultLibrary'],
} as const;

type TokenType = (typeof semanticTokenLegend.tokenTypes)[number];

const T = Object.fromEntries(semanticTokenLegend.tokenTypes.map((name, index) => [name, index])) as Record<TokenType, number>;
const READONLY = 1 << 0;
const DEFAULT_LIBRARY = 1 << 1;

/** One token in document offsets. */
export interface SemanticToken {
  start: number;
  end: number;
  type: number;
  modifiers: number;
}

function classify(resolution: Resolution): { type: number; modifiers: number } | undefined {
  switch (resolution.kind) {
    case 'entitySet':
    case 'singleton':
      return { type: T.class, modifiers: 0 };
    case 'property':
      return { type: T.property, modifiers: 0 };
    case 'lookup':
      return { type: T.property, modifiers: READONLY };
    case 'navigation':
      return { type: T.navigationProperty, modifiers: 0 };
    case 'enumMember':
      return { type: T.enumMember, modifiers: 0 };
    case 'type':
      return { type: T.type, modifiers: 0 };
    case 'functionImport':
      return { type: T.function, modifiers: 0 };
    case 'actionImport':
      return { type: T.method, modifiers: 0 };
    case 'operation':
      return { type: (resolution.target as Operation | undefined)?.kind === 'Action' ? T.method : T.function, modifiers: 0 };
    case 'function':
      return { type: T.function, modifiers: (resolution.target as { kind?: string } | undefined)?.kind === 'CanonicalFunction' ? DEFAULT_LIBRARY : 0 };
    case 'parameter':
      return { type: T.parameter, modifiers: 0 };
    case 'alias':
    case 'lambdaVariable':
    case 'computedAlias':
      return { type: T.variable, modifiers: 0 };
    default:
      return undefined;
  }
}

/** The tokens of every request's URL, in document order (none without a model). */
export function semanticTokens(document: ODataDocument, context: ServiceContext): SemanticToken[] {
  const model = context.model;
  if (!model) return [];
  const tokens: SemanticToken[] = [];
  const variables = variableTable(document.file, context.variables);
  for (const request of document.file.requests) {
    if (request.url.trim() === '') continue;
    const expanded = expandRequestUrl(request, variables, context.system);
    const text = expanded.text;
    const bound = bindUri(parseUri(text, context.serviceRoot ? { serviceRoot: context.serviceRoot } : undefined), model, { flavor: context.flavor, suggestions: false });
    for (const resolution of bound.resolutions) {
      const kind = classify(resolution);
      if (!kind) continue;
      const span = innerWordSpan(text, resolution);
      if (span.end <= span.start) continue;
      // (The last character's place, plus one: the end of a name at the end of a line maps past the line break.)
      const start = expanded.toDocumentOffset(span.start);
      const end = expanded.toDocumentOffset(span.end - 1) + 1;
      // Only a name that stands in the document as it is in the URL (not one a variable brought in).
      if (end - start !== span.end - span.start || document.text.slice(start, end) !== text.slice(span.start, span.end)) continue;
      tokens.push({ start, end, ...kind });
    }
  }
  tokens.sort((a, b) => a.start - b.start || a.end - b.end);
  // One token per place: where the binder resolved overlapping spans, the first one stands.
  const kept: SemanticToken[] = [];
  for (const token of tokens) if (kept.length === 0 || token.start >= kept[kept.length - 1].end) kept.push(token);
  return kept;
}

/** The tokens in the LSP encoding: five integers each, line and start relative to the previous token. */
export function encodeSemanticTokens(document: ODataDocument, tokens: readonly SemanticToken[]): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const token of tokens) {
    const from = document.lines.positionAt(token.start);
    const to = document.lines.positionAt(token.end);
    if (to.line !== from.line) continue; // a token never spans lines
    data.push(from.line - line, from.line === line ? from.character - character : from.character, to.character - from.character, token.type, token.modifiers);
    line = from.line;
    character = from.character;
  }
  return data;
}
