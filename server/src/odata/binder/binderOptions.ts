/**
 * Query options in the scope of a resource type: which options the resource allows, duplicates,
 * `$top`/`$skip`/`$count` values, then `$compute` and `$apply` first (their aliases become visible),
 * then `$filter`, `$select`, `$expand` (recursively, in the navigation target's scope), `$orderby`.
 */
import type { StructuredType } from '../csdl/model';
import type { ComputeItem, IntegerOption, OrderByItem, QueryOption, SelectItem } from '../uri/ast';
import { childScope, type BindContext, type ExprScope } from './binderContext';
import { describeType, familyOf } from './binderEdmTypes';
import { bindApply } from './binderApply';
import { bindExpandItem } from './binderExpand';
import { bindExpression, describeOperand, expectBoolean, nameSpanOf } from './binderExpression';
import { boundOperationNames, derivesFrom, findBoundOperations, findMember, isNamespace, memberNames } from './binderMembers';
import type { TypeInfo } from './binderTypes';
import { flavorNames } from '../facts/flavorRules';
import { coreSystemQueryOptionNames, findSystemQueryOption, systemQueryOptions, unsupportedReason } from '../facts/systemQueryOptions';

/** What the options apply to. */
export type ResourceShape = 'collection' | 'single' | 'primitive' | 'primitiveCollection' | 'count' | 'ref' | 'value' | 'unknown';

export interface OptionPlace {
  shape: ResourceShape;
  /** Inside `$expand(...)` (or a 4.01 select item's options). */
  nested: boolean;
  /** `$expand=nav/$ref(...)` or `nav/$count(...)`. */
  expandSuffix?: '$ref' | '$count';
}

/** The system query options' names (did-you-mean candidates), from the facts. */
export const systemOptions = coreSystemQueryOptionNames;

export function bindQueryOptions(ctx: BindContext, options: QueryOption[], scope: ExprScope, place: OptionPlace): void {
  const local = childScope(scope, { aliases: new Map(scope.aliases) });
  reportDuplicateAliases(ctx, options);
  const ordered = [...options.filter(isShapingOption), ...options.filter((o) => !isShapingOption(o))];
  for (const option of ordered) {
    if (option.kind === 'alias' || option.kind === 'custom') continue;
    if (!isKnown(option)) continue;
    checkSupported(ctx, option);
    checkAllowed(ctx, option, place);
    bindOption(ctx, option, local, place);
  }
}

function isShapingOption(option: QueryOption): boolean {
  return option.kind === '$compute' || option.kind === '$apply';
}

/** Parameter aliases given twice (the parser reports duplicate system options). */
function reportDuplicateAliases(ctx: BindContext, options: QueryOption[]): void {
  const seen = new Set<string>();
  for (const option of options) {
    if (option.kind !== 'alias') continue;
    if (seen.has(option.name)) ctx.report('option-not-allowed', option.nameSpan, { detail: `The parameter alias ${option.name} is given more than once.` });
    seen.add(option.name);
  }
}

/** Unknown `$options` are reported by the parser (syntax.unknown-system-option); they are not bound. */
function isKnown(option: QueryOption): boolean {
  return findSystemQueryOption(option.kind) !== undefined || !option.name.startsWith('$');
}

/** An option the flavour rejects (Dataverse `$skip`…), at any depth. */
function checkSupported(ctx: BindContext, option: QueryOption): void {
  const fact = findSystemQueryOption(option.kind);
  const reason = fact && unsupportedReason(fact, ctx.flavor);
  if (reason) ctx.report('option-not-supported', option.nameSpan, { flavor: flavorNames[ctx.flavor], name: fact.name, reason });
}

// ---------------------------------------------------------------------------------------------------------
// Which options a resource allows
// ---------------------------------------------------------------------------------------------------------

const collectionOnly = new Set(systemQueryOptions.filter((o) => o.appliesTo === 'collection').map((o) => o.name));
const shapeOnly = new Set(systemQueryOptions.filter((o) => o.appliesTo === 'shape').map((o) => o.name));

function checkAllowed(ctx: BindContext, option: QueryOption, place: OptionPlace): void {
  const reason = disallowedReason(option.kind, place);
  if (reason) ctx.report('option-not-allowed', option.nameSpan, { detail: `${option.name} is not allowed here: ${reason}` });
}

function disallowedReason(kind: string, place: OptionPlace): string | undefined {
  if (findSystemQueryOption(kind)?.appliesTo === 'any') return undefined; // $levels outside $expand: reported by the parser
  switch (place.shape) {
    case 'value':
      return 'the path ends with /$value, so the response is the raw value.';
    case 'count':
      return kind === '$filter' || kind === '$search' ? undefined : 'the path ends with /$count, which returns a number (only $filter and $search apply).';
    case 'ref':
      return shapeOnly.has(kind) ? 'the path ends with /$ref, which returns entity references only.' : undefined;
    case 'primitive':
      return shapeOnly.has(kind) || collectionOnly.has(kind) ? 'the resource is a single primitive value.' : undefined;
    case 'primitiveCollection':
      return shapeOnly.has(kind) && kind !== '$compute' ? 'the resource is a collection of primitive values, which has no properties.' : undefined;
    case 'single':
      return !place.nested && collectionOnly.has(kind) ? 'the path addresses a single entity, and this option applies to collections.' : undefined;
    default:
      break; // a collection, or a resource not known: every option may apply
  }
  if (place.expandSuffix === '$count' && kind !== '$filter' && kind !== '$search') return '$count in $expand takes only $filter and $search.';
  if (place.expandSuffix === '$ref' && shapeOnly.has(kind)) return '$ref in $expand returns entity references only.';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Binding each option
// ---------------------------------------------------------------------------------------------------------

function bindOption(ctx: BindContext, anyOption: QueryOption, scope: ExprScope, place: OptionPlace): void {
  switch (anyOption.kind) {
    case '$filter': {
      const option = anyOption;
      ctx.addScope('filter', option.valueSpan, scope);
      if (option.expression) expectBoolean(ctx, option.expression, bindExpression(ctx, option.expression, scope), 'The $filter expression');
      return;
    }
    case '$select': {
      const option = anyOption;
      ctx.addScope('select', option.valueSpan, scope);
      for (const item of option.items) bindSelectItem(ctx, item, scope);
      return;
    }
    case '$expand': {
      const option = anyOption;
      if (ctx.flavor === 'fno' && place.nested) ctx.report('fno.expand-depth', option.nameSpan);
      ctx.addScope('expand', option.valueSpan, scope);
      for (const item of option.items) bindExpandItem(ctx, item, scope);
      return;
    }
    case '$orderby': {
      const option = anyOption;
      ctx.addScope('orderby', option.valueSpan, scope);
      for (const item of option.items) bindOrderByItem(ctx, item, scope);
      return;
    }
    case '$compute': {
      const option = anyOption;
      ctx.addScope('compute', option.valueSpan, scope);
      for (const item of option.items) bindComputeItem(ctx, item, scope);
      return;
    }
    case '$apply': {
      const option = anyOption;
      ctx.addScope('apply', option.valueSpan, scope);
      bindApply(ctx, option.transformations, scope);
      return;
    }
    case '$search': {
      const option = anyOption;
      ctx.addScope('search', option.valueSpan, scope);
      return;
    }
    case '$top':
    case '$skip':
    case '$index':
      checkInteger(ctx, anyOption as IntegerOption);
      return;
    case '$count': {
      const option = anyOption;
      if (option.value === undefined) reportBadValue(ctx, option, `${option.name} must be true or false.`);
      return;
    }
    case '$levels': {
      const option = anyOption;
      if (option.value === undefined || (typeof option.value === 'number' && option.value < 1)) reportBadValue(ctx, option, '$levels must be a positive integer or max.');
      return;
    }
    default:
      return; // the other options' values are opaque tokens, custom options and aliases are checked elsewhere
  }
}

function checkInteger(ctx: BindContext, option: IntegerOption): void {
  const value = option.value;
  if (value === undefined) return; // no integer there: the parser reports it
  if (!Number.isInteger(value) || (value < 0 && option.kind !== '$index')) {
    reportBadValue(ctx, option, `${option.name} must be a non-negative integer, not ${value}.`);
  }
}

function reportBadValue(ctx: BindContext, option: QueryOption, detail: string): void {
  const span = option.valueSpan && option.valueSpan.end > option.valueSpan.start ? option.valueSpan : option.span;
  ctx.report('invalid-option-value', span, { detail });
}

function bindOrderByItem(ctx: BindContext, item: OrderByItem, scope: ExprScope): void {
  const type = bindExpression(ctx, item.expression, scope);
  if (familyOf(type) === 'structured' || type.collection) {
    ctx.report('type-mismatch', item.expression.span, {
      detail: `$orderby sorts by single primitive values, but ${describeOperand(item.expression)} is ${describeType(type)}.`,
    });
  }
}

export function bindComputeItem(ctx: BindContext, item: ComputeItem, scope: ExprScope): void {
  const type = bindExpression(ctx, item.expression, scope);
  if (item.alias) {
    scope.aliases.set(item.alias, type);
    if (item.aliasSpan) ctx.resolve({ span: item.aliasSpan, kind: 'computedAlias', name: item.alias, type });
  }
}

// ---------------------------------------------------------------------------------------------------------
// $select
// ---------------------------------------------------------------------------------------------------------

function bindSelectItem(ctx: BindContext, item: SelectItem, scope: ExprScope): void {
  const segments = item.path.segments;
  let current: TypeInfo = scope.it;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const span = nameSpanOf(segment);
    const name = segment.name;
    if (name === '*') {
      ctx.resolve({ span, kind: 'keyword', name });
      return;
    }
    if (name.endsWith('.*')) {
      const namespace = name.slice(0, -2);
      if (!isNamespace(ctx.model, namespace)) ctx.report('unknown-type', span, { name: namespace });
      return;
    }
    const structured = current.structured;
    if (!structured) {
      if (current.name !== undefined) ctx.report('not-structured', span, { name, previous: segments[i - 1]?.name ?? '', type: describeType(current) });
      return;
    }
    if (scope.aliases.has(name) && i === 0 && !findMember(ctx.model, structured, name)) {
      ctx.resolve({ span, kind: 'computedAlias', name, type: scope.aliases.get(name)! });
      return;
    }
    const next = name.includes('.') ? bindSelectQualified(ctx, current, name, span) : bindSelectMember(ctx, segments.map((s) => s.name), i, structured, span);
    if (!next) return;
    current = next;
  }
  if (item.options && current.structured) {
    const nested = childScope(scope, { it: { ...current, collection: false }, lambdaVariables: new Map(), aliases: new Map() });
    ctx.addScope('options', item.optionsSpan, nested);
    bindQueryOptions(ctx, item.options, nested, { shape: current.collection ? 'collection' : 'single', nested: true });
  }
}

function bindSelectQualified(ctx: BindContext, current: TypeInfo, name: string, span: { start: number; end: number }): TypeInfo | undefined {
  const base = current.structured!;
  const cast = ctx.model.findStructuredType(name);
  if (cast) {
    if (!derivesFrom(ctx.model, cast, base)) ctx.report('invalid-cast', span, { name: cast.fullName, from: base.fullName });
    ctx.resolve({ span, kind: 'type', name, target: cast });
    return { name: cast.fullName, structured: cast, collection: current.collection };
  }
  const operations = findBoundOperations(ctx.model, base, current.collection, name);
  if (operations.length > 0) {
    ctx.resolve({ span, kind: 'operation', name, target: operations[0]! });
    return undefined;
  }
  const candidates = [...boundOperationNames(ctx.model, base, current.collection), ...ctx.model.derivedTypes(base).map((t) => t.fullName)];
  ctx.reportUnknown(ctx.model.findOperations(name).length > 0 ? 'unknown-operation' : 'unknown-type', span, { name, type: describeType(current) }, candidates);
  return undefined;
}

function bindSelectMember(ctx: BindContext, names: string[], index: number, structured: StructuredType, span: { start: number; end: number }): TypeInfo | undefined {
  const name = names[index]!;
  const member = findMember(ctx.model, structured, name);
  if (!member) {
    if (!structured.openType) ctx.reportUnknown('unknown-property', span, { name, type: structured.fullName }, memberNames(ctx.model, structured));
    return undefined;
  }
  const target = member.kind === 'property' ? member.property : member.kind === 'navigation' ? member.navigation : member.lookup;
  ctx.resolve({ span, kind: member.kind, name, target, type: member.type, declaringType: structured });
  if (member.kind === 'navigation' && index < names.length - 1) {
    ctx.report('select-through-navigation', span, { name, rest: names.slice(index + 1).join('/') });
    return undefined;
  }
  return member.kind === 'navigation' ? undefined : member.type;
}

