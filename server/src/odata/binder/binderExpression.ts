/**
 * Binding expressions ($filter, $orderby, $compute, $apply, parameter values): the type of every
 * sub-expression, member paths resolved against `$it` / lambda variables, operators and function
 * calls checked.
 */
import type { Operation } from '../csdl/model';
import type {
  AliasExpression,
  BinaryExpression,
  CallExpression,
  Expression,
  LambdaExpression,
  LiteralExpression,
  PathExpression,
  PathSegmentExpression,
  Span,
  UnaryExpression,
} from '../uri/ast';
import { childScope, spanBefore, type BindContext, type ExprScope } from './binderContext';
import {
  booleanType,
  comparability,
  describeType,
  familyOf,
  int32Type,
  isGuidText,
  literalType,
  primitive,
  promoteNumeric,
  structuredInfo,
} from './binderEdmTypes';
import { bindCanonicalCall } from './binderCanonicalCall';
import { bindEnumLiteral, checkEnumString } from './binderEnums';
import { bindKeyPredicate } from './binderKeys';
import { boundOperationNames, derivesFrom, findBoundOperations, findMember, memberNames } from './binderMembers';
import { bindOperationArguments, operationReturnType } from './binderOperations';
import { findCanonicalFunction, canonicalFunctions } from '../facts/canonicalFunctions';
import { unsupportedOperatorHint } from '../facts/operators';
import { unknownType, type TypeInfo } from './binderTypes';

export function bindExpression(ctx: BindContext, expr: Expression | undefined, scope: ExprScope): TypeInfo {
  if (!expr) return unknownType;
  switch (expr.kind) {
    case 'Literal':
      return bindLiteral(ctx, expr);
    case 'Json':
      return { collection: Array.isArray(expr.value) };
    case 'Alias':
      return bindAlias(ctx, expr, scope);
    case 'Path':
      return bindMemberPath(ctx, expr, scope);
    case 'Call':
      return bindCall(ctx, expr, scope);
    case 'Binary':
      return bindBinary(ctx, expr, scope);
    case 'Unary':
      return bindUnary(ctx, expr, scope);
    case 'List':
      for (const item of expr.items) bindExpression(ctx, item, scope);
      return { collection: true };
    case 'Error':
      return unknownType;
  }
}

function bindLiteral(ctx: BindContext, literal: LiteralExpression): TypeInfo {
  if (literal.type === 'enum') return bindEnumLiteral(ctx, literal);
  return literalType(literal);
}

export function isUnknown(type: TypeInfo): boolean {
  return type.name === undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Parameter aliases
// ---------------------------------------------------------------------------------------------------------

export function bindAlias(ctx: BindContext, expr: AliasExpression, scope: ExprScope): TypeInfo {
  const alias = ctx.aliasValues.get(expr.name);
  if (!alias) {
    ctx.reportUnknown('unknown-alias', expr.span, { name: expr.name }, ctx.aliasValues.keys());
    return unknownType;
  }
  ctx.usedAliases.add(expr.name);
  if (!alias.type) {
    alias.type = unknownType; // guards against `@a=@a`
    alias.type = alias.option.value && alias.option.value.kind !== 'Alias' ? bindExpression(ctx, alias.option.value, scope) : unknownType;
  }
  ctx.resolve({ span: expr.span, kind: 'alias', name: expr.name, type: alias.type });
  return alias.type;
}

/** The literal an expression stands for, following a parameter alias. */
export function literalOf(ctx: BindContext, expr: Expression | undefined): LiteralExpression | undefined {
  if (expr?.kind === 'Literal') return expr;
  if (expr?.kind === 'Alias') {
    const value = ctx.aliasValues.get(expr.name)?.option.value;
    return value?.kind === 'Literal' ? value : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Member paths
// ---------------------------------------------------------------------------------------------------------

interface PathCursor {
  type: TypeInfo;
  name: string;
  span: Span | undefined;
}

export function bindMemberPath(ctx: BindContext, path: PathExpression, scope: ExprScope): TypeInfo {
  const segments = path.segments;
  let cursor: PathCursor = { type: scope.it, name: '$it', span: undefined };
  let index = 0;
  const head = segments[0] ? bindPathHead(ctx, segments, scope) : undefined;
  if (head) {
    cursor = head.cursor;
    index = head.consumed;
  }
  for (; index < segments.length; index++) {
    const segment = segments[index]!;
    const type = index === 0 && segment.args && isUnknownCall(ctx, segment, scope) ? reportUnknownCall(ctx, segment, scope) : bindPathStep(ctx, segment, cursor, scope);
    cursor = { type, name: segment.name, span: nameSpanOf(segment) };
  }
  if (path.lambda) return bindLambda(ctx, path.lambda, cursor, scope);
  return cursor.type;
}

/** `contain(name,'x')`: a call of a name that is neither a member nor a function. */
function isUnknownCall(ctx: BindContext, segment: PathSegmentExpression, scope: ExprScope): boolean {
  const type = scope.it.structured;
  if (segment.name.includes('.') || !type || type.openType) return false;
  return !findMember(ctx.model, type, segment.name) && findBoundOperations(ctx.model, type, false, segment.name).length === 0;
}

function reportUnknownCall(ctx: BindContext, segment: PathSegmentExpression, scope: ExprScope): TypeInfo {
  for (const arg of segment.args?.args ?? []) bindExpression(ctx, arg.value, scope);
  const candidates = canonicalFunctions().map((f) => f.name);
  ctx.reportUnknown('unknown-function', nameSpanOf(segment), { name: segment.name }, candidates);
  return unknownType;
}

export function nameSpanOf(segment: PathSegmentExpression): Span {
  return spanBefore(segment.span, segment.args?.span ?? segment.options?.[0]?.span);
}

/** `$it`, `$this`, `$root/…`, a lambda variable or a computed alias at the start of a path. */
function bindPathHead(
  ctx: BindContext,
  segments: PathSegmentExpression[],
  scope: ExprScope,
): { cursor: PathCursor; consumed: number } | undefined {
  const first = segments[0]!;
  const span = nameSpanOf(first);
  const at = (type: TypeInfo, consumed = 1) => ({ cursor: { type, name: first.name, span }, consumed });
  if (first.name === '$it' || first.name === '$this') {
    ctx.resolve({ span, kind: 'keyword', name: first.name, type: scope.it });
    return at(scope.it);
  }
  if (first.name === '$root') return bindRootPath(ctx, segments, scope);
  const variable = scope.lambdaVariables.get(first.name);
  if (variable) {
    ctx.resolve({ span, kind: 'lambdaVariable', name: first.name, type: variable });
    return at(variable);
  }
  const computed = scope.aliases.get(first.name);
  if (computed && !(scope.it.structured && findMember(ctx.model, scope.it.structured, first.name))) {
    ctx.resolve({ span, kind: 'computedAlias', name: first.name, type: computed });
    return at(computed);
  }
  return undefined;
}

/** `$root/accounts(id)/name`: an entity set (with key) reached from the service root. */
function bindRootPath(ctx: BindContext, segments: PathSegmentExpression[], scope: ExprScope) {
  const setSegment = segments[1];
  if (!setSegment) return { cursor: { type: unknownType, name: '$root', span: segments[0]!.span }, consumed: 1 };
  const span = nameSpanOf(setSegment);
  const set = ctx.model.findEntitySet(setSegment.name);
  const entityType = set && ctx.model.findStructuredType(set.entityType);
  if (!set || !entityType) {
    const names = ctx.model.entitySets().map((s) => s.name);
    ctx.reportUnknown('unknown-entity-set', span, { name: setSegment.name }, names);
    return { cursor: { type: unknownType, name: setSegment.name, span }, consumed: 2 };
  }
  let type = structuredInfo(entityType, true);
  ctx.resolve({ span, kind: 'entitySet', name: set.name, target: set, type });
  if (setSegment.args) type = bindKeyPredicate(ctx, setSegment.args, entityType, scope);
  return { cursor: { type, name: setSegment.name, span }, consumed: 2 };
}

function bindPathStep(ctx: BindContext, segment: PathSegmentExpression, cursor: PathCursor, scope: ExprScope): TypeInfo {
  const current = cursor.type;
  if (isUnknown(current)) return unknownType;
  const span = nameSpanOf(segment);
  if (segment.name === '$count') return bindCountSegment(ctx, span, cursor);
  if (segment.name.includes('.')) return bindQualifiedStep(ctx, segment, current, scope);
  if (current.collection) {
    reportCollectionTraversal(ctx, cursor, segment);
    return unknownType;
  }
  const structured = current.structured;
  if (!structured) {
    ctx.report('not-structured', span, { name: segment.name, previous: cursor.name, type: describeType(current) });
    return unknownType;
  }
  const member = findMember(ctx.model, structured, segment.name);
  if (!member) {
    const operations = findBoundOperations(ctx.model, structured, false, segment.name);
    if (operations.length > 0) return bindBoundCall(ctx, segment, operations, scope);
    if (!structured.openType) {
      ctx.reportUnknown('unknown-property', span, { name: segment.name, type: structured.fullName }, memberNames(ctx.model, structured));
    }
    return unknownType;
  }
  const target = member.kind === 'property' ? member.property : member.kind === 'navigation' ? member.navigation : member.lookup;
  ctx.resolve({ span, kind: member.kind, name: segment.name, target, type: member.type, declaringType: structured });
  if (segment.args && member.type.collection && member.type.structured) {
    return bindKeyPredicate(ctx, segment.args, member.type.structured, scope);
  }
  return member.type;
}

function bindCountSegment(ctx: BindContext, span: Span, cursor: PathCursor): TypeInfo {
  ctx.resolve({ span, kind: 'keyword', name: '$count', type: int32Type });
  if (!cursor.type.collection) {
    ctx.report('not-a-collection', cursor.span ?? span, { name: cursor.name, type: describeType(cursor.type), what: '$count' });
  }
  return int32Type;
}

function reportCollectionTraversal(ctx: BindContext, cursor: PathCursor, segment: PathSegmentExpression): void {
  const hint = `use ${cursor.name}/any(x: x/${segment.name} …) or ${cursor.name}/all(…) to test its members, or ${cursor.name}/$count.`;
  ctx.report('collection-not-allowed', cursor.span ?? segment.span, { name: cursor.name, type: describeType(cursor.type), hint });
}

/** `Ns.DerivedType` (cast) or `Ns.BoundFunction(…)` after a path. */
function bindQualifiedStep(ctx: BindContext, segment: PathSegmentExpression, current: TypeInfo, scope: ExprScope): TypeInfo {
  const span = nameSpanOf(segment);
  const base = current.structured;
  if (!base) {
    ctx.report('not-structured', span, { name: segment.name, previous: '', type: describeType(current) });
    return unknownType;
  }
  const cast = ctx.model.findStructuredType(segment.name);
  if (cast) {
    if (!derivesFrom(ctx.model, cast, base)) ctx.report('invalid-cast', span, { name: cast.fullName, from: base.fullName });
    const type = structuredInfo(cast, current.collection);
    ctx.resolve({ span, kind: 'type', name: segment.name, target: cast, type });
    return type;
  }
  const operations = findBoundOperations(ctx.model, base, current.collection, segment.name);
  if (operations.length > 0) return bindBoundCall(ctx, segment, operations, scope);
  const candidates = [...boundOperationNames(ctx.model, base, current.collection), ...ctx.model.derivedTypes(base).map((t) => t.fullName)];
  const code = segment.args || ctx.model.findOperations(segment.name).length > 0 ? 'unknown-operation' : 'unknown-type';
  ctx.reportUnknown(code, span, { name: segment.name, type: describeType(current) }, candidates);
  return unknownType;
}

function bindBoundCall(
  ctx: BindContext,
  segment: PathSegmentExpression,
  operations: Operation[],
  scope: ExprScope,
): TypeInfo {
  const operation = bindOperationArguments(ctx, operations, segment.args, scope, nameSpanOf(segment), true);
  return operationReturnType(ctx, operation);
}

function bindLambda(ctx: BindContext, lambda: LambdaExpression, owner: PathCursor, scope: ExprScope): TypeInfo {
  const collection = owner.type;
  if (!isUnknown(collection) && !collection.collection) {
    ctx.report('not-a-collection', owner.span ?? lambda.operatorSpan, {
      name: owner.name,
      type: describeType(collection),
      what: `${lambda.operator}()`,
    });
  }
  const element: TypeInfo = isUnknown(collection) ? unknownType : { ...collection, collection: false };
  const variables = new Map(scope.lambdaVariables);
  if (lambda.variable) {
    variables.set(lambda.variable, element);
    if (lambda.variableSpan) ctx.resolve({ span: lambda.variableSpan, kind: 'lambdaVariable', name: lambda.variable, type: element });
  }
  const inner = childScope(scope, { lambdaVariables: variables });
  ctx.addScope('lambda', lambda.span, inner);
  if (lambda.body) expectBoolean(ctx, lambda.body, bindExpression(ctx, lambda.body, inner), `The body of ${lambda.operator}()`);
  return booleanType;
}

// ---------------------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------------------

function bindCall(ctx: BindContext, call: CallExpression, scope: ExprScope): TypeInfo {
  const canonical = findCanonicalFunction(call.name);
  if (canonical) return bindCanonicalCall(ctx, call, canonical, scope);
  const operations = call.name.includes('.') ? ctx.model.findOperations(call.name).filter((op) => op.kind === 'Function') : [];
  if (operations.length === 0) {
    for (const arg of call.args.args) bindExpression(ctx, arg.value, scope);
    const candidates = call.name.includes('.') ? functionNames(ctx) : canonicalFunctions().map((f) => f.name);
    ctx.reportUnknown('unknown-function', call.nameSpan, { name: call.name }, candidates);
    return unknownType;
  }
  const operation = bindOperationArguments(ctx, operations, call.args, scope, call.nameSpan, operations.every((op) => op.isBound));
  return operationReturnType(ctx, operation);
}

function functionNames(ctx: BindContext): string[] {
  const names: string[] = [];
  for (const schema of ctx.model.document.schemas) {
    for (const op of schema.operations) if (op.kind === 'Function') names.push(op.fullName);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------------------------

function bindUnary(ctx: BindContext, expr: UnaryExpression, scope: ExprScope): TypeInfo {
  const operand = bindExpression(ctx, expr.operand, scope);
  if (expr.operator === 'not') {
    if (expr.operand) expectBoolean(ctx, expr.operand, operand, "The operand of 'not'");
    return booleanType;
  }
  const family = familyOf(operand);
  if (family !== 'unknown' && family !== 'numeric' && family !== 'duration' && family !== 'null') {
    ctx.report('type-mismatch', expr.span, { detail: `Negation needs a number or a duration, but ${describeOperand(expr.operand)} is ${describeType(operand)}.` });
    return unknownType;
  }
  return operand;
}

function bindBinary(ctx: BindContext, expr: BinaryExpression, scope: ExprScope): TypeInfo {
  const left = bindExpression(ctx, expr.left, scope);
  switch (expr.operator) {
    case 'and':
    case 'or':
      return bindLogical(ctx, expr, left, scope);
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge':
      return bindComparison(ctx, expr, left, bindExpression(ctx, expr.right, scope), scope);
    case 'has':
      return bindHas(ctx, expr, left, scope);
    case 'in':
      return bindIn(ctx, expr, left, scope);
    default:
      return bindArithmetic(ctx, expr, left, bindExpression(ctx, expr.right, scope));
  }
}

function bindLogical(ctx: BindContext, expr: BinaryExpression, left: TypeInfo, scope: ExprScope): TypeInfo {
  const right = bindExpression(ctx, expr.right, scope);
  expectBoolean(ctx, expr.left, left, `The left operand of '${expr.operator}'`);
  if (expr.right) expectBoolean(ctx, expr.right, right, `The right operand of '${expr.operator}'`);
  return booleanType;
}

function bindComparison(ctx: BindContext, expr: BinaryExpression, left: TypeInfo, right: TypeInfo, scope: ExprScope): TypeInfo {
  if (!expr.right) return booleanType;
  const ordering = expr.operator !== 'eq' && expr.operator !== 'ne';
  const notComparable = (t: TypeInfo) => familyOf(t) === 'structured' || t.collection;
  if (notComparable(left) || notComparable(right)) {
    if (familyOf(left) !== 'null' && familyOf(right) !== 'null' || ordering) {
      const bad = notComparable(left) ? expr.left : expr.right;
      const badType = notComparable(left) ? left : right;
      ctx.report('type-mismatch', expr.span, {
        detail: `'${expr.operator}' compares single primitive values, but ${describeOperand(bad)} is ${describeType(badType)}.`,
      });
    }
    return booleanType;
  }
  if (ctx.flavor === 'dataverse') {
    suggestLookup(ctx, expr.left, scope);
    if (expr.right) suggestLookup(ctx, expr.right, scope);
  }
  const verdict = comparability(left, right);
  if (verdict === 'guid-as-string') reportGuidAsString(ctx, expr, left, right);
  else if (verdict === 'mismatch') reportMismatch(ctx, expr, left, right);
  else checkEnumAgainstString(ctx, expr, left, right);
  return booleanType;
}

/** Dataverse: `primarycontactid/contactid eq …` is better written with the lookup `_primarycontactid_value`. */
function suggestLookup(ctx: BindContext, operand: Expression, scope: ExprScope): void {
  const type = scope.it.structured;
  if (operand.kind !== 'Path' || operand.lambda || operand.segments.length !== 2 || !type) return;
  const [navigationSegment, keySegment] = operand.segments as [PathSegmentExpression, PathSegmentExpression];
  const navigation = ctx.model.findNavigationProperty(type, navigationSegment.name);
  const target = navigation && !navigation.type.collection ? ctx.model.findStructuredType(navigation.type.name) : undefined;
  if (!target) return;
  const key = ctx.model.key(target);
  if (key.length !== 1 || key[0]!.name !== keySegment.name) return;
  const lookup = ctx.model.lookupProperties(type).find((l) => l.navigationProperties.some((n) => n.name === navigationSegment.name));
  if (lookup) ctx.report('dataverse.lookup-filter', operand.span, { name: navigationSegment.name, lookup: lookup.name }, [lookup.name]);
}

function checkEnumAgainstString(ctx: BindContext, expr: BinaryExpression, left: TypeInfo, right: TypeInfo): void {
  if (left.enumType && right.literal?.type === 'string' && expr.right) checkEnumString(ctx, left.enumType, right.literal.value, expr.right.span);
  if (right.enumType && left.literal?.type === 'string') checkEnumString(ctx, right.enumType, left.literal.value, expr.left.span);
}

function reportGuidAsString(ctx: BindContext, expr: BinaryExpression, left: TypeInfo, right: TypeInfo): void {
  const stringSide = familyOf(left) === 'string' ? left : right;
  const guidOperand = familyOf(left) === 'guid' ? expr.left : expr.right!;
  const value = stringSide.literal?.value;
  const text = typeof value === 'string' ? value.replace(/^\{(.*)\}$/, '$1') : undefined;
  if (text !== undefined && isGuidText(text)) {
    ctx.report('guid-as-string', expr.span, { left: describeOperand(guidOperand), value: text });
    return;
  }
  reportMismatch(ctx, expr, left, right, text !== undefined ? ` '${value}' is not a GUID.` : '');
}

function reportMismatch(ctx: BindContext, expr: BinaryExpression, left: TypeInfo, right: TypeInfo, extra = ''): void {
  const detail =
    `Cannot apply '${expr.operator}' to ${describeOperand(expr.left)} (${describeType(left)}) and ` +
    `${describeOperand(expr.right)} (${describeType(right)}).${extra}`;
  ctx.report('type-mismatch', expr.span, { detail });
}

/** An operator the flavour rejects (the facts say which: Finance & Operations' `has` and `in`). */
function reportUnsupportedOperator(ctx: BindContext, expr: BinaryExpression, name: string): void {
  const hint = unsupportedOperatorHint(name, ctx.flavor);
  if (hint !== undefined && ctx.flavor === 'fno') ctx.report('fno.operator-not-supported', expr.operatorSpan, { name, hint });
}

function bindHas(ctx: BindContext, expr: BinaryExpression, left: TypeInfo, scope: ExprScope): TypeInfo {
  reportUnsupportedOperator(ctx, expr, 'has');
  const right = bindExpression(ctx, expr.right, scope);
  const family = familyOf(left);
  if (family !== 'unknown' && family !== 'enum' && family !== 'null') {
    ctx.report('type-mismatch', expr.span, { detail: `'has' tests enum flags, but ${describeOperand(expr.left)} is ${describeType(left)}.` });
  } else if (expr.right && left.enumType && right.enumType && left.enumType.fullName !== right.enumType.fullName) {
    reportMismatch(ctx, expr, left, right);
  }
  return booleanType;
}

function bindIn(ctx: BindContext, expr: BinaryExpression, left: TypeInfo, scope: ExprScope): TypeInfo {
  reportUnsupportedOperator(ctx, expr, 'in');
  const right = expr.right;
  if (right?.kind === 'List') {
    for (const item of right.items) {
      const itemType = bindExpression(ctx, item, scope);
      if (comparability(left, itemType) === 'mismatch') {
        ctx.report('type-mismatch', item.span, {
          detail: `${describeOperand(item)} (${describeType(itemType)}) cannot be compared with ${describeOperand(expr.left)} (${describeType(left)}).`,
        });
      }
    }
    return booleanType;
  }
  const rightType = bindExpression(ctx, right, scope);
  if (right && !isUnknown(rightType) && !rightType.collection) {
    ctx.report('type-mismatch', right.span, { detail: `The right operand of 'in' must be a list or a collection, but ${describeOperand(right)} is ${describeType(rightType)}.` });
  }
  return booleanType;
}

function bindArithmetic(ctx: BindContext, expr: BinaryExpression, left: TypeInfo, right: TypeInfo): TypeInfo {
  if (!expr.right) return unknownType;
  const l = familyOf(left);
  const r = familyOf(right);
  if (l === 'unknown' || r === 'unknown' || l === 'null' || r === 'null') return unknownType;
  if (l === 'numeric' && r === 'numeric') return expr.operator === 'divby' ? primitive('Edm.Decimal') : promoteNumeric(left, right);
  const temporal = expr.operator === 'add' || expr.operator === 'sub';
  if (temporal && (l === 'temporal' || l === 'duration') && r === 'duration') return left;
  if (expr.operator === 'sub' && l === 'temporal' && r === 'temporal') return primitive('Edm.Duration');
  ctx.report('type-mismatch', expr.span, {
    detail: `'${expr.operator}' needs numeric operands, but ${describeOperand(expr.left)} is ${describeType(left)} and ${describeOperand(expr.right)} is ${describeType(right)}.`,
  });
  return unknownType;
}

export function expectBoolean(ctx: BindContext, expr: Expression, type: TypeInfo, what: string): void {
  const family = familyOf(type);
  if (family === 'unknown' || family === 'null' || (family === 'boolean' && !type.collection)) return;
  ctx.report('type-mismatch', expr.span, { detail: `${what} must be Edm.Boolean, but ${describeOperand(expr)} is ${describeType(type)}.` });
}

/** A short rendering of an operand for messages: `'revenue'`, `'x'`, `the call to contains`. */
export function describeOperand(expr: Expression | undefined): string {
  if (!expr) return 'the operand';
  switch (expr.kind) {
    case 'Path':
      return `'${expr.segments.map((s) => s.name).join('/')}${expr.lambda ? `/${expr.lambda.operator}(…)` : ''}'`;
    case 'Literal':
      return `the literal ${expr.raw}`;
    case 'Alias':
      return `'${expr.name}'`;
    case 'Call':
      return `${expr.name}(…)`;
    default:
      return 'the expression';
  }
}
