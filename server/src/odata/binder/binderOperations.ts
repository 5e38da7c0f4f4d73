/**
 * Calls of model operations: function imports, bound functions/actions in a path, and functions in
 * expressions such as `Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)`.
 * Parameter names, required parameters and value types are checked; a `PropertyName` parameter
 * (Dataverse query functions) must name a property of the current type.
 */
import type { Operation, Parameter } from '../csdl/model';
import type { Argument, ArgumentList, Span } from '../uri/ast';
import type { BindContext, ExprScope } from './binderContext';
import { describeType, isAssignable, typeFromRef } from './binderEdmTypes';
import { bindExpression, describeOperand, literalOf } from './binderExpression';
import { findMember, memberNames } from './binderMembers';
import { unknownType, type TypeInfo } from './binderTypes';

/** Chooses the overload that fits the argument names best, checks the arguments, returns the overload. */
export function bindOperationArguments(
  ctx: BindContext,
  operations: Operation[],
  list: ArgumentList | undefined,
  scope: ExprScope,
  nameSpan: Span,
  bound: boolean,
): Operation {
  const args = list?.args ?? [];
  const operation = chooseOverload(operations, args, bound);
  ctx.resolve({ span: nameSpan, kind: 'operation', name: operation.fullName, target: operation, type: operationReturnType(ctx, operation) });
  if (list) ctx.addScope('arguments', list.span, scope);
  const parameters = valueParameters(operation, bound);
  for (const arg of args) bindArgument(ctx, operation, parameters, arg, scope);
  if (operation.kind === 'Function' && list) reportMissing(ctx, operation, parameters, args, nameSpan);
  return operation;
}

export function operationReturnType(ctx: BindContext, operation: Operation): TypeInfo {
  return operation.returnType ? typeFromRef(ctx.model, operation.returnType) : unknownType;
}

/** The parameters passed in the URL (the binding parameter of a bound operation excluded). */
function valueParameters(operation: Operation, bound: boolean): Parameter[] {
  return bound && operation.isBound ? operation.parameters.slice(1) : operation.parameters;
}

function chooseOverload(operations: Operation[], args: Argument[], bound: boolean): Operation {
  let best = operations[0]!;
  let bestScore = -Infinity;
  for (const operation of operations) {
    const names = new Set(valueParameters(operation, bound).map((p) => p.name));
    const score = args.filter((a) => a.name && names.has(a.name)).length - args.filter((a) => a.name && !names.has(a.name)).length;
    if (score > bestScore) {
      best = operation;
      bestScore = score;
    }
  }
  return best;
}

function bindArgument(ctx: BindContext, operation: Operation, parameters: Parameter[], arg: Argument, scope: ExprScope): void {
  const valueType = bindExpression(ctx, arg.value, scope);
  if (!arg.name) return;
  const parameter = parameters.find((p) => p.name === arg.name);
  const nameSpan = arg.nameSpan ?? arg.span;
  if (!parameter) {
    ctx.reportUnknown('unknown-parameter', nameSpan, { name: arg.name, operation: operation.fullName }, parameters.map((p) => p.name));
    return;
  }
  const parameterType = typeFromRef(ctx.model, parameter.type);
  ctx.resolve({ span: nameSpan, kind: 'parameter', name: parameter.name, target: parameter, type: parameterType });
  if (!isAssignable(valueType, parameterType) && quotedNumberTolerated(ctx, operation, arg, parameterType)) return;
  if (!isAssignable(valueType, parameterType)) {
    ctx.report('type-mismatch', arg.value.span, {
      detail: `The parameter '${parameter.name}' of ${operation.fullName} is ${describeType(parameterType)}, but ${describeOperand(arg.value)} is ${describeType(valueType)}.`,
    });
    return;
  }
  if (parameter.name === 'PropertyName' && parameterType.name === 'Edm.String') checkPropertyNameValue(ctx, arg, scope);
}

const numericTypes = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Double', 'Edm.Single']);

/**
 * Dataverse accepts a number written as a string in its query functions (`LastXDays(…,PropertyValue='7')`): a
 * warning with the unquoted form instead of a type error, except in strict mode.
 */
function quotedNumberTolerated(ctx: BindContext, operation: Operation, arg: Argument, parameterType: TypeInfo): boolean {
  if (ctx.strict || ctx.flavor !== 'dataverse' || !operation.fullName.startsWith('Microsoft.Dynamics.CRM.')) return false;
  if (!parameterType.name || !numericTypes.has(parameterType.name) || parameterType.collection) return false;
  const literal = literalOf(ctx, arg.value);
  if (!literal || literal.type !== 'string' || typeof literal.value !== 'string' || !/^[+-]?\d+(\.\d+)?$/.test(literal.value)) return false;
  ctx.report('dataverse.quoted-number', arg.value.span, { name: arg.name ?? '', operation: operation.fullName, type: parameterType.name, value: literal.value });
  return true;
}

/** Dataverse query functions name the compared column as a string: it must be a property of `$it`. */
function checkPropertyNameValue(ctx: BindContext, arg: Argument, scope: ExprScope): void {
  const literal = literalOf(ctx, arg.value);
  const type = scope.it.structured;
  if (!literal || literal.type !== 'string' || typeof literal.value !== 'string' || !type) return;
  const member = findMember(ctx.model, type, literal.value);
  if (member) {
    const target = member.kind === 'property' ? member.property : member.kind === 'lookup' ? member.lookup : member.navigation;
    ctx.resolve({ span: literal.span, kind: member.kind, name: literal.value, target, type: member.type, declaringType: type });
    return;
  }
  if (!type.openType) {
    ctx.reportUnknown('unknown-property', literal.span, { name: literal.value, type: type.fullName }, memberNames(ctx.model, type));
  }
}

function reportMissing(ctx: BindContext, operation: Operation, parameters: Parameter[], args: Argument[], nameSpan: Span): void {
  const given = new Set(args.map((a) => a.name));
  if (args.some((a) => !a.name)) return;
  const missing = parameters.filter((p) => !given.has(p.name) && p.type.nullable === false);
  if (missing.length === 0) return;
  const names = missing.map((p) => `'${p.name}' (${describeType(typeFromRef(ctx.model, p.type))})`).join(', ');
  ctx.report('missing-parameter', nameSpan, { names, operation: operation.fullName });
}
