/**
 * `$expand` items: `nav`, `Ns.Type/nav`, `complex/nav`, `*`, with `/$ref` or `/$count`, and nested
 * options bound in the scope of the navigation target (to any depth).
 */
import type { EntitySet, Singleton, StructuredType } from '../csdl/model';
import type { ExpandItem, Span } from '../uri/ast';
import { childScope, type BindContext, type ExprScope } from './binderContext';
import { describeType } from './binderEdmTypes';
import { nameSpanOf } from './binderExpression';
import { derivesFrom, findMember, navigationNames, navigationForLookup, type Member } from './binderMembers';
import { bindQueryOptions } from './binderOptions';
import type { TypeInfo } from './binderTypes';

interface ExpandWalk {
  current: TypeInfo;
  entitySet?: EntitySet | Singleton;
  target?: TypeInfo;
  navigationPath: string[];
  suffix?: '$ref' | '$count';
  star: boolean;
  failed: boolean;
}

export function bindExpandItem(ctx: BindContext, item: ExpandItem, scope: ExprScope): void {
  const walk: ExpandWalk = { current: scope.it, navigationPath: [], star: false, failed: false };
  if (scope.entitySet) walk.entitySet = scope.entitySet;
  for (const segment of item.path.segments) {
    if (walk.failed) break;
    bindExpandSegment(ctx, walk, segment.name, nameSpanOf(segment));
  }
  if (!walk.failed && !walk.target && !walk.star && walk.current.structured && walk.navigationPath.length > 0) {
    const last = item.path.segments[item.path.segments.length - 1]!;
    ctx.report('not-a-navigation-property', nameSpanOf(last), { name: last.name, what: 'complex property', type: scope.it.name ?? '', hint: '' });
  }
  bindNestedOptions(ctx, item, scope, walk);
}

function bindExpandSegment(ctx: BindContext, walk: ExpandWalk, name: string, span: Span): void {
  if (name === '*') {
    walk.star = true;
    ctx.resolve({ span, kind: 'keyword', name });
    return;
  }
  if (name === '$ref' || name === '$count') {
    walk.suffix = name;
    ctx.resolve({ span, kind: 'keyword', name });
    return;
  }
  const structured = walk.current.structured;
  if (!structured) {
    walk.failed = true;
    return;
  }
  if (name.includes('.')) {
    const cast = ctx.model.findStructuredType(name);
    if (!cast) {
      const candidates = ctx.model.derivedTypes(structured).map((t) => t.fullName);
      ctx.reportUnknown('unknown-type', span, { name }, candidates);
      walk.failed = true;
      return;
    }
    if (!derivesFrom(ctx.model, cast, structured)) ctx.report('invalid-cast', span, { name: cast.fullName, from: structured.fullName });
    ctx.resolve({ span, kind: 'type', name, target: cast });
    walk.current = { ...walk.current, name: cast.fullName, structured: cast };
    return;
  }
  if (walk.target) {
    ctx.report('invalid-segment', span, { name, previous: `the navigation property '${walk.navigationPath.join('/')}' in $expand` });
    walk.failed = true;
    return;
  }
  const member = findMember(ctx.model, structured, name);
  if (!member) {
    if (!structured.openType) {
      const candidates = [...navigationNames(ctx.model, structured), ...complexPropertyNames(ctx, structured)];
      ctx.reportUnknown('unknown-navigation-property', span, { name, type: structured.fullName }, candidates);
    }
    walk.failed = true;
    return;
  }
  applyMember(ctx, walk, member, name, span);
}

function applyMember(ctx: BindContext, walk: ExpandWalk, member: Member, name: string, span: Span): void {
  const declaringType = walk.current.structured!;
  if (member.kind === 'navigation') {
    ctx.resolve({ span, kind: 'navigation', name, target: member.navigation, type: member.type, declaringType });
    walk.navigationPath.push(name);
    walk.target = member.type;
    walk.current = member.type;
    const set = walk.entitySet ? ctx.model.navigationTarget(walk.entitySet, walk.navigationPath.join('/')) : undefined;
    const sets = member.type.structured ? ctx.model.entitySetsOfType(member.type.structured.fullName) : [];
    const resolved = set ?? (sets.length === 1 ? sets[0] : undefined);
    if (resolved) walk.entitySet = resolved;
    else delete walk.entitySet;
    return;
  }
  if (member.kind === 'property' && member.type.structured) {
    ctx.resolve({ span, kind: 'property', name, target: member.property, type: member.type, declaringType });
    walk.navigationPath.push(name);
    walk.current = member.type;
    return;
  }
  walk.failed = true;
  const navigation = member.kind === 'lookup' ? navigationForLookup(member.lookup) : undefined;
  const hint = navigation
    ? ` Expand the navigation property '${navigation.name}' instead.`
    : member.kind === 'property'
      ? ` Use $select=${name} to include it.`
      : '';
  const suggestions = member.kind === 'lookup' ? member.lookup.navigationProperties.map((n) => n.name) : undefined;
  ctx.report(
    'not-a-navigation-property',
    span,
    { name, what: member.kind === 'lookup' ? 'lookup property' : `structural property (${describeType(member.type)})`, type: declaringType.fullName, hint },
    suggestions,
  );
}

function complexPropertyNames(ctx: BindContext, type: StructuredType): string[] {
  return ctx.model
    .properties(type)
    .filter((p) => !p.type.name.startsWith('Edm.') && ctx.model.findStructuredType(p.type.name))
    .map((p) => p.name);
}

function bindNestedOptions(ctx: BindContext, item: ExpandItem, scope: ExprScope, walk: ExpandWalk): void {
  if (item.options.length === 0 && !item.optionsSpan) return;
  const target = walk.target;
  const element: TypeInfo = target && !walk.failed ? { ...target, collection: false } : { collection: false };
  const nested = childScope(scope, {
    it: element,
    lambdaVariables: new Map(),
    aliases: new Map(),
    expandDepth: scope.expandDepth + 1,
  });
  if (walk.entitySet && target) nested.entitySet = walk.entitySet;
  else delete nested.entitySet;
  ctx.addScope('options', item.optionsSpan, nested);
  const shape = walk.star || walk.failed || !target ? 'unknown' : target.collection ? 'collection' : 'single';
  bindQueryOptions(ctx, item.options, nested, { shape, nested: true, ...(walk.suffix ? { expandSuffix: walk.suffix } : {}) });
}
