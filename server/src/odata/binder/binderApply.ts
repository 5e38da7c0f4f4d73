/**
 * `$apply` (OData Data Aggregation): property paths in `groupby`, `aggregate`, `filter`, `compute`,
 * `orderby` bound in the current scope; aggregate and compute aliases become visible to the
 * transformations after them and to the URL's later options.
 */
import type { AggregateItem, Expression, Transformation } from '../uri/ast';
import { childScope, type BindContext, type ExprScope } from './binderContext';
import { describeType, familyOf, int32Type, primitive } from './binderEdmTypes';
import { bindExpression, describeOperand, expectBoolean } from './binderExpression';
import { bindComputeItem } from './binderOptions';
import { unknownType, type TypeInfo } from './binderTypes';

export function bindApply(ctx: BindContext, transformations: Transformation[], scope: ExprScope): void {
  for (const transformation of transformations) {
    // Aliases of the transformations before this one are visible in it (completion reads them here).
    if (scope.aliases.size > 0) ctx.addScope('apply', transformation.span, childScope(scope, { aliases: new Map(scope.aliases) }));
    bindTransformation(ctx, transformation, scope);
  }
}

function bindTransformation(ctx: BindContext, transformation: Transformation, scope: ExprScope): void {
  switch (transformation.kind) {
    case 'aggregate':
      for (const item of transformation.items) bindAggregateItem(ctx, item, scope);
      return;
    case 'groupby':
      for (const property of transformation.properties) bindGroupingProperty(ctx, property, scope);
      bindApply(ctx, transformation.transformations, scope);
      return;
    case 'compute':
      for (const item of transformation.items) bindComputeItem(ctx, item, scope);
      return;
    case 'concat':
      for (const sequence of transformation.sequences) bindApply(ctx, sequence, childScope(scope, { aliases: new Map(scope.aliases) }));
      return;
    case 'filter': {
      const condition = transformation.args[0];
      if (condition) expectBoolean(ctx, condition, bindExpression(ctx, condition, scope), 'The filter() condition');
      return;
    }
    case 'orderby':
      for (const item of transformation.orderBy ?? []) bindExpression(ctx, item.expression, scope);
      return;
    default:
      return;
  }
}

function bindGroupingProperty(ctx: BindContext, property: Expression, scope: ExprScope): void {
  if (property.kind === 'Call' && property.name === 'rollup') {
    for (const arg of property.args.args) if (arg.value.kind === 'Path') bindExpression(ctx, arg.value, scope);
    return;
  }
  bindExpression(ctx, property, scope);
}

function bindAggregateItem(ctx: BindContext, item: AggregateItem, scope: ExprScope): void {
  const type = aggregateValueType(ctx, item, scope);
  if (item.alias) {
    scope.aliases.set(item.alias, type);
    if (item.aliasSpan) ctx.resolve({ span: item.aliasSpan, kind: 'computedAlias', name: item.alias, type });
  }
}

function aggregateValueType(ctx: BindContext, item: AggregateItem, scope: ExprScope): TypeInfo {
  const expression = item.expression;
  if (!expression) return unknownType;
  if (expression.kind === 'Path' && expression.segments.length === 1 && expression.segments[0]!.name === '$count') return int32Type;
  const type = bindExpression(ctx, expression, scope);
  return applyMethod(ctx, item, expression, type);
}

function applyMethod(ctx: BindContext, item: AggregateItem, expression: Expression, type: TypeInfo): TypeInfo {
  const method = item.method;
  const family = familyOf(type);
  if (method === 'countdistinct') return int32Type;
  if (method === 'sum' || method === 'average') {
    if (family !== 'numeric' && family !== 'unknown' && family !== 'null') {
      ctx.report('type-mismatch', expression.span, { detail: `'${method}' aggregates numbers, but ${describeOperand(expression)} is ${describeType(type)}.` });
      return unknownType;
    }
    return method === 'average' ? primitive(type.name === 'Edm.Double' ? 'Edm.Double' : 'Edm.Decimal') : type;
  }
  if (method === 'min' || method === 'max') {
    if (family === 'structured' || type.collection) {
      ctx.report('type-mismatch', expression.span, { detail: `'${method}' needs a single primitive value, but ${describeOperand(expression)} is ${describeType(type)}.` });
    }
    return type;
  }
  return unknownType;
}
