/**
 * The resource path, left to right: entity set / singleton / operation import first, then keys,
 * navigation, casts, bound operations, properties, `$count`, `$ref`, `$value`. Each step computes the
 * type the path addresses so far and records a `path` scope for completion.
 */
import type { EntitySet, Operation, Singleton, StructuredType } from '../csdl/model';
import type { ArgumentList, IdentifierSegment, KeywordSegment, PathSegment, ResourcePath, Span } from '../uri/ast';
import type { BindContext, ExprScope } from './binderContext';
import { describeType, structuredInfo, typeFromRef } from './binderEdmTypes';
import { bindKeyPredicate } from './binderKeys';
import { boundOperationNames, derivesFrom, findBoundOperations, findMember, memberNames } from './binderMembers';
import { bindOperationArguments, operationReturnType } from './binderOperations';
import { unknownType, type BoundSegment, type TypeInfo } from './binderTypes';

/** Where the path stands after a segment. */
export interface PathState {
  type: TypeInfo;
  entitySet?: EntitySet | Singleton;
  /** `resource`: an entity, collection, complex or primitive value; others end the path. */
  kind: 'root' | 'resource' | 'count' | 'ref' | 'value' | 'opaque' | 'unknown';
  /** The operation the last segment called, when it was one. */
  operation?: Operation;
  name: string;
  span?: Span;
}

const opaqueKeywords = new Set(['$metadata', '$batch', '$crossjoin', '$all', '$entity', '$each', '$filter', '$query', '$root', '$search']);

export function bindResourcePath(ctx: BindContext, path: ResourcePath, emptyScope: ExprScope): { state: PathState; segments: BoundSegment[] } {
  let state: PathState = { type: unknownType, kind: 'root', name: '' };
  const segments: BoundSegment[] = [];
  let previousEnd = path.span.start;
  for (const segment of path.segments) {
    recordPathScope(ctx, state, { start: previousEnd, end: segment.span.end }, emptyScope);
    state = bindSegment(ctx, state, segment, emptyScope);
    segments.push({ span: segment.span, kind: segmentKind(ctx, segment), type: state.type, ...(state.entitySet ? { entitySet: state.entitySet } : {}) });
    previousEnd = segment.span.end;
  }
  if (path.span.end > previousEnd || path.segments.length === 0) recordPathScope(ctx, state, { start: previousEnd, end: path.span.end }, emptyScope);
  return { state, segments };
}

function segmentKind(ctx: BindContext, segment: PathSegment): BoundSegment['kind'] {
  const last = ctx.resolutions[ctx.resolutions.length - 1];
  if (segment.kind === 'Keyword') {
    if (segment.name === '$count') return 'count';
    if (segment.name === '$ref') return 'ref';
    if (segment.name === '$value') return 'value';
    return 'keyword';
  }
  return last && last.span.start === segment.nameSpan.start ? last.kind : 'unknown';
}

function recordPathScope(ctx: BindContext, state: PathState, span: Span, emptyScope: ExprScope): void {
  const type = state.kind === 'resource' ? state.type.structured : undefined;
  ctx.scopes.push({
    kind: 'path',
    span,
    type,
    collection: state.type.collection,
    ...(state.entitySet ? { entitySet: state.entitySet } : {}),
    lambdaVariables: emptyScope.lambdaVariables,
    expandDepth: 0,
  });
}

function bindSegment(ctx: BindContext, state: PathState, segment: PathSegment, scope: ExprScope): PathState {
  if (state.kind === 'opaque' || state.kind === 'unknown') return state;
  if (segment.kind === 'Keyword') return bindKeyword(ctx, state, segment);
  if (state.kind === 'root') return bindFirstIdentifier(ctx, segment, scope);
  if (state.kind !== 'resource') {
    ctx.report('invalid-segment', segment.nameSpan, { name: segment.name, previous: `'${state.name}'` });
    return { ...state, kind: 'unknown', type: unknownType };
  }
  return bindIdentifier(ctx, state, segment, scope);
}

// ---------------------------------------------------------------------------------------------------------
// First segment
// ---------------------------------------------------------------------------------------------------------

function bindFirstIdentifier(ctx: BindContext, segment: IdentifierSegment, scope: ExprScope): PathState {
  const { model } = ctx;
  const name = segment.name;
  const span = segment.nameSpan;
  const entitySet = model.findEntitySet(name);
  if (entitySet) return bindEntitySetSegment(ctx, entitySet, segment, scope);
  const singleton = model.findSingleton(name);
  if (singleton) {
    const type = structuredOrUnknown(ctx, singleton.type, false);
    ctx.resolve({ span, kind: 'singleton', name, target: singleton, type });
    if (segment.args) ctx.report('not-a-collection', segment.args.span, { name, type: describeType(type), what: 'a key' });
    return { type, entitySet: singleton, kind: 'resource', name, span };
  }
  const functionImport = model.findFunctionImport(name);
  if (functionImport) {
    const operations = model.findOperations(functionImport.function);
    if (operations.length > 0) return bindImportCall(ctx, operations, segment, scope, functionImport.entitySet);
  }
  const actionImport = model.findActionImport(name);
  if (actionImport) {
    const operations = model.findOperations(actionImport.action);
    if (operations.length > 0) return bindImportCall(ctx, operations, segment, scope, actionImport.entitySet);
  }
  if (name.includes('.')) {
    const unbound = model.findOperations(name).filter((op) => !op.isBound);
    if (unbound.length > 0) return bindImportCall(ctx, unbound, segment, scope, undefined);
  }
  const candidates = [
    ...model.entitySets().map((s) => s.name),
    ...model.singletons().map((s) => s.name),
    ...model.operationImports().map((i) => i.name),
  ];
  ctx.reportUnknown('unknown-entity-set', span, { name }, candidates);
  return { type: unknownType, kind: 'unknown', name, span };
}

function bindEntitySetSegment(ctx: BindContext, entitySet: EntitySet, segment: IdentifierSegment, scope: ExprScope): PathState {
  const entityType = ctx.model.findStructuredType(entitySet.entityType);
  const type = entityType ? structuredInfo(entityType, true) : unknownType;
  ctx.resolve({ span: segment.nameSpan, kind: 'entitySet', name: entitySet.name, target: entitySet, type });
  checkBusinessCentralCompany(ctx, entitySet, segment.nameSpan);
  const state: PathState = { type, entitySet, kind: entityType ? 'resource' : 'unknown', name: segment.name, span: segment.nameSpan };
  if (segment.args && entityType) state.type = bindKeyPredicate(ctx, segment.args, entityType, scopeFor(scope, entityType, entitySet));
  return state;
}

/** Business Central: entities reachable from `companies` must be addressed under a company. */
function checkBusinessCentralCompany(ctx: BindContext, entitySet: EntitySet, span: Span): void {
  if (ctx.flavor !== 'bc' || entitySet.name === 'companies') return;
  const companies = ctx.model.findEntitySet('companies');
  const companyType = companies && ctx.model.findStructuredType(companies.entityType);
  if (companyType && ctx.model.findNavigationProperty(companyType, entitySet.name)) {
    ctx.report('bc.path-outside-company', span, { name: entitySet.name });
  }
}

function bindImportCall(
  ctx: BindContext,
  operations: Operation[],
  segment: IdentifierSegment,
  scope: ExprScope,
  entitySetName: string | undefined,
): PathState {
  const operation = bindOperationArguments(ctx, operations, segment.args, scope, segment.nameSpan, false);
  const entitySet = entitySetName ? ctx.model.findEntitySet(entitySetName) : undefined;
  let state = operationState(ctx, operation, segment, entitySet);
  if (segment.keyAfterCall) state = applyKey(ctx, state, segment.keyAfterCall, scope);
  return state;
}

function operationState(ctx: BindContext, operation: Operation, segment: IdentifierSegment, entitySet: EntitySet | undefined): PathState {
  const type = operationReturnType(ctx, operation);
  const set = entitySet ?? (type.structured?.kind === 'EntityType' ? onlySetOf(ctx, type.structured) : undefined);
  const state: PathState = { type, kind: operation.returnType ? 'resource' : 'opaque', operation, name: segment.name, span: segment.nameSpan };
  if (set) state.entitySet = set;
  return state;
}

function onlySetOf(ctx: BindContext, type: StructuredType): EntitySet | undefined {
  const sets = ctx.model.entitySetsOfType(type.fullName);
  return sets.length === 1 ? sets[0] : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Following segments
// ---------------------------------------------------------------------------------------------------------

function bindKeyword(ctx: BindContext, state: PathState, segment: KeywordSegment): PathState {
  const name = segment.name;
  const after = { name, span: segment.span };
  if (state.kind === 'root' || opaqueKeywords.has(name)) return { ...state, ...after, kind: 'opaque', type: unknownType };
  if (state.kind !== 'resource') {
    ctx.report('invalid-segment', segment.span, { name, previous: `'${state.name}'` });
    return { ...state, ...after, kind: 'unknown', type: unknownType };
  }
  ctx.resolve({ span: segment.span, kind: 'keyword', name });
  switch (name) {
    case '$count':
      if (!state.type.collection) ctx.report('not-a-collection', segment.span, { name: state.name, type: describeType(state.type), what: '$count' });
      return { ...state, ...after, kind: 'count', type: state.type.collection ? state.type : unknownType };
    case '$ref':
      if (state.type.structured?.kind !== 'EntityType') ctx.report('invalid-segment', segment.span, { name, previous: `${describeType(state.type)} (it needs entities)` });
      return { ...state, ...after, kind: 'ref' };
    case '$value':
      return bindValueKeyword(ctx, state, segment);
    default:
      ctx.report('invalid-segment', segment.span, { name, previous: `'${state.name}'` });
      return { ...state, ...after, kind: 'unknown', type: unknownType };
  }
}

function bindValueKeyword(ctx: BindContext, state: PathState, segment: KeywordSegment): PathState {
  const structured = state.type.structured;
  if (state.type.collection || (structured && !(structured.kind === 'EntityType' && hasStream(ctx, structured)))) {
    ctx.report('invalid-segment', segment.span, { name: '$value', previous: `${describeType(state.type)} (it needs a single primitive value or a media entity)` });
  }
  return { ...state, name: '$value', span: segment.span, kind: 'value' };
}

function hasStream(ctx: BindContext, type: StructuredType): boolean {
  return type.hasStream || ctx.model.baseTypes(type).some((t) => t.hasStream);
}

function bindIdentifier(ctx: BindContext, state: PathState, segment: IdentifierSegment, scope: ExprScope): PathState {
  const current = state.type;
  const structured = current.structured;
  if (!structured) {
    if (current.name !== undefined) ctx.report('not-structured', segment.nameSpan, { name: segment.name, previous: state.name, type: describeType(current) });
    return { ...state, kind: 'unknown', type: unknownType, name: segment.name, span: segment.nameSpan };
  }
  if (segment.name.includes('.')) return bindQualifiedSegment(ctx, state, structured, segment, scope);
  const operations = findBoundOperations(ctx.model, structured, current.collection, segment.name);
  if (current.collection) {
    if (operations.length > 0) return bindBoundOperation(ctx, state, operations, segment, scope);
    return reportMemberOfCollection(ctx, state, structured, segment);
  }
  const member = findMember(ctx.model, structured, segment.name);
  if (!member) {
    if (operations.length > 0) return bindBoundOperation(ctx, state, operations, segment, scope);
    if (!structured.openType) {
      ctx.reportUnknown('unknown-property', segment.nameSpan, { name: segment.name, type: structured.fullName }, memberNames(ctx.model, structured));
    }
    return { ...state, kind: 'unknown', type: unknownType, name: segment.name, span: segment.nameSpan };
  }
  const target = member.kind === 'property' ? member.property : member.kind === 'navigation' ? member.navigation : member.lookup;
  ctx.resolve({ span: segment.nameSpan, kind: member.kind, name: segment.name, target, type: member.type, declaringType: structured });
  const next: PathState = { type: member.type, kind: 'resource', name: segment.name, span: segment.nameSpan };
  const entitySet = member.kind === 'navigation' ? navigationSet(ctx, state, segment.name, member.type) : undefined;
  if (entitySet) next.entitySet = entitySet;
  return segment.args ? applyKey(ctx, next, segment.args, scope) : next;
}

function navigationSet(ctx: BindContext, state: PathState, name: string, type: TypeInfo): EntitySet | Singleton | undefined {
  const viaBinding = state.entitySet ? ctx.model.navigationTarget(state.entitySet, name) : undefined;
  return viaBinding ?? (type.structured ? onlySetOf(ctx, type.structured) : undefined);
}

function applyKey(ctx: BindContext, state: PathState, args: ArgumentList, scope: ExprScope): PathState {
  const structured = state.type.structured;
  if (!state.type.collection || !structured) {
    if (state.type.name !== undefined) ctx.report('not-a-collection', args.span, { name: state.name, type: describeType(state.type), what: 'a key' });
    return state;
  }
  const type = bindKeyPredicate(ctx, args, structured, scopeFor(scope, structured, state.entitySet));
  return { ...state, type };
}

function reportMemberOfCollection(ctx: BindContext, state: PathState, structured: StructuredType, segment: IdentifierSegment): PathState {
  if (findMember(ctx.model, structured, segment.name)) {
    ctx.report('missing-key', segment.nameSpan, { name: segment.name, type: structured.fullName, set: state.name });
  } else {
    const candidates = [...memberNames(ctx.model, structured), ...boundOperationNames(ctx.model, structured, true)];
    ctx.reportUnknown('unknown-property', segment.nameSpan, { name: segment.name, type: structured.fullName }, candidates);
  }
  return { ...state, kind: 'unknown', type: unknownType, name: segment.name, span: segment.nameSpan };
}

function bindQualifiedSegment(ctx: BindContext, state: PathState, base: StructuredType, segment: IdentifierSegment, scope: ExprScope): PathState {
  const cast = ctx.model.findStructuredType(segment.name);
  if (cast) {
    if (!derivesFrom(ctx.model, cast, base)) ctx.report('invalid-cast', segment.nameSpan, { name: cast.fullName, from: base.fullName });
    const type = structuredInfo(cast, state.type.collection);
    ctx.resolve({ span: segment.nameSpan, kind: 'type', name: segment.name, target: cast, type });
    const next: PathState = { ...state, type, name: segment.name, span: segment.nameSpan };
    return segment.args ? applyKey(ctx, next, segment.args, scope) : next;
  }
  const operations = findBoundOperations(ctx.model, base, state.type.collection, segment.name);
  if (operations.length > 0) return bindBoundOperation(ctx, state, operations, segment, scope);
  const candidates = [...boundOperationNames(ctx.model, base, state.type.collection), ...ctx.model.derivedTypes(base).map((t) => t.fullName)];
  const code = segment.args || ctx.model.findOperations(segment.name).length > 0 || !ctx.model.findType(segment.name) ? 'unknown-operation' : 'unknown-type';
  ctx.reportUnknown(code, segment.nameSpan, { name: segment.name, type: describeType(state.type) }, candidates);
  return { ...state, kind: 'unknown', type: unknownType, name: segment.name, span: segment.nameSpan };
}

function bindBoundOperation(ctx: BindContext, state: PathState, operations: Operation[], segment: IdentifierSegment, scope: ExprScope): PathState {
  const structured = state.type.structured!;
  const operation = bindOperationArguments(ctx, operations, segment.args, scopeFor(scope, structured, state.entitySet), segment.nameSpan, true);
  let next = operationState(ctx, operation, segment, undefined);
  if (segment.keyAfterCall) next = applyKey(ctx, next, segment.keyAfterCall, scope);
  return next;
}

function structuredOrUnknown(ctx: BindContext, name: string, collection: boolean): TypeInfo {
  const type = ctx.model.findStructuredType(name);
  return type ? structuredInfo(type, collection) : typeFromRef(ctx.model, { name, collection, nullable: true });
}

function scopeFor(scope: ExprScope, type: StructuredType, entitySet: EntitySet | Singleton | undefined): ExprScope {
  const next: ExprScope = { ...scope, it: structuredInfo(type, false) };
  if (entitySet) next.entitySet = entitySet;
  return next;
}

