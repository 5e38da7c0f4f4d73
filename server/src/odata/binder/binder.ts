/**
 * The binder: resolves a parsed URL (ast.ts) against a service's model (ModelIndex), left to right.
 *
 *   bindUri(uri, model, { flavor }) -> BoundUri { segments, resultType, diagnostics, scopes, resolutions }
 *
 * The resource path is bound first (binderPath.ts), then the query options in the scope of the
 * resource's type (binderOptions.ts, binderExpand.ts, binderApply.ts), expressions in
 * binderExpression.ts. Nothing here throws on any input: unknown names produce diagnostics and an
 * unknown type that silences follow-up errors.
 */
import type { ModelIndex } from '../csdl/modelIndex';
import { compareDiagnostics } from '../diagnosticCodes';
import type { AliasOption, ODataUri, QueryOption } from '../uri/ast';
import { BindContext, type ExprScope } from './binderContext';
import { bindQueryOptions, type ResourceShape } from './binderOptions';
import { bindResourcePath, type PathState } from './binderPath';
import { unknownType, type BindOptions, type BoundUri } from './binderTypes';

export type { BindOptions, BoundUri, BoundSegment, Resolution, ResolutionKind, ResolutionTarget, ScopeEntry, ScopeKind, TypeInfo } from './binderTypes';
export { scopeAt, resolutionAt } from './binderScope';
export { canonicalFunctions, findCanonicalFunction, signatureText } from '../facts/canonicalFunctions';
export type { CanonicalFunction } from '../facts/canonicalFunctions';
export { systemOptions } from './binderOptions';

export function bindUri(uri: ODataUri, model: ModelIndex, options: BindOptions): BoundUri {
  const ctx = new BindContext(model, options.flavor, options.suggestions !== false, options.strict === true);
  collectAliases(ctx, uri.queryOptions);
  const rootScope: ExprScope = { it: unknownType, lambdaVariables: new Map(), aliases: new Map(), expandDepth: 0 };
  const { state, segments } = bindResourcePath(ctx, uri.path, rootScope);
  const scope = resourceScope(state, rootScope);
  ctx.addScope('options', uri.querySpan, scope);
  bindQueryOptions(ctx, uri.queryOptions, scope, { shape: shapeOf(state), nested: false });
  reportUnusedAliases(ctx);
  const bound: BoundUri = {
    uri,
    flavor: options.flavor,
    segments,
    resultType: state.type,
    diagnostics: ctx.diagnostics.sort(compareDiagnostics),
    scopes: ctx.scopes,
    resolutions: ctx.resolutions,
  };
  if (state.entitySet) bound.entitySet = state.entitySet;
  return bound;
}

function collectAliases(ctx: BindContext, options: QueryOption[]): void {
  for (const option of options) {
    if (option.kind === 'alias' && !ctx.aliasValues.has(option.name)) ctx.aliasValues.set(option.name, { option: option as AliasOption });
  }
}

/** Codes that mean a name did not resolve: what it would have used (its aliases) is then not reported as unused. */
const unresolvedCodes = new Set(['unknown-entity-set', 'unknown-function', 'unknown-operation', 'unknown-type', 'unknown-navigation-property', 'unknown-parameter', 'invalid-segment']);

function reportUnusedAliases(ctx: BindContext): void {
  // No cascade: when a path, function or operation does not resolve, its aliases are not "never used" too.
  if (ctx.diagnostics.some((d) => unresolvedCodes.has(d.code))) return;
  for (const [name, alias] of ctx.aliasValues) {
    if (!ctx.usedAliases.has(name)) ctx.report('unused-alias', alias.option.nameSpan, { name });
  }
}

function resourceScope(state: PathState, root: ExprScope): ExprScope {
  const scope: ExprScope = { ...root, it: { ...state.type, collection: false } };
  if (state.kind === 'opaque' || state.kind === 'unknown' || state.kind === 'root' || state.kind === 'value') scope.it = unknownType;
  if (state.entitySet) scope.entitySet = state.entitySet;
  return scope;
}

function shapeOf(state: PathState): ResourceShape {
  switch (state.kind) {
    case 'count':
    case 'ref':
    case 'value':
      return state.kind;
    case 'resource':
      if (state.type.name === undefined) return 'unknown';
      if (state.type.structured) return state.type.collection ? 'collection' : 'single';
      return state.type.collection ? 'primitiveCollection' : 'primitive';
    default:
      return 'unknown';
  }
}
