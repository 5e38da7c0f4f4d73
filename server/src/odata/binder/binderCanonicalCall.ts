/**
 * Checking a call to a canonical function (`contains(name,'x')`, `year(createdon)`, `cast(x,Edm.String)`)
 * against the signatures in facts/canonicalFunctions.ts.
 */
import type { CallExpression, Expression } from '../uri/ast';
import type { BindContext, ExprScope } from './binderContext';
import { describeType, familyOf, primitive } from './binderEdmTypes';
import { bindExpression, describeOperand } from './binderExpression';
import { signatureText, type CanonicalFunction, type CanonicalSignature, type ParameterSpec } from '../facts/canonicalFunctions';
import { unknownType, type TypeInfo } from './binderTypes';

export function bindCanonicalCall(ctx: BindContext, call: CallExpression, fn: CanonicalFunction, scope: ExprScope): TypeInfo {
  const args = call.args.args;
  ctx.resolve({
    span: call.nameSpan,
    kind: 'function',
    name: fn.name,
    target: { kind: 'CanonicalFunction', name: fn.name, signature: signatureText(fn) },
  });
  if (fn.name === 'case') {
    for (const arg of args) bindExpression(ctx, arg.value, scope);
    return unknownType;
  }
  const overload = chooseOverload(fn, args.length);
  if (!overload) {
    for (const arg of args) bindExpression(ctx, arg.value, scope);
    ctx.report('type-mismatch', call.span, { detail: `${fn.name} takes ${arityText(fn)}, but ${args.length} ${args.length === 1 ? 'was' : 'were'} given: ${signatureText(fn)}.` });
    return unknownType;
  }
  const types = args.map((arg, i) => bindArgument(ctx, fn, overload.parameters[i]!, arg.value, i, scope));
  return returnType(overload, types);
}

function chooseOverload(fn: CanonicalFunction, count: number): CanonicalSignature | undefined {
  return fn.overloads.find((o) => count <= o.parameters.length && count >= o.parameters.length - (o.optional ?? 0));
}

function arityText(fn: CanonicalFunction): string {
  const counts = new Set<number>();
  for (const o of fn.overloads) for (let n = o.parameters.length - (o.optional ?? 0); n <= o.parameters.length; n++) counts.add(n);
  const list = [...counts].sort();
  const text = list.length === 1 ? String(list[0]) : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
  return `${text} argument${list.length === 1 && list[0] === 1 ? '' : 's'}`;
}

function bindArgument(ctx: BindContext, fn: CanonicalFunction, spec: ParameterSpec, value: Expression, index: number, scope: ExprScope): TypeInfo {
  if (spec === 'typeName') return bindTypeNameArgument(ctx, value);
  const type = bindExpression(ctx, value, scope);
  if (spec === 'any') return type;
  const family = familyOf(type);
  if (family === 'unknown' || family === 'null') return type;
  if (type.collection || !spec.includes(family)) {
    const expected = spec.map(familyText).join(' or ');
    ctx.report('type-mismatch', value.span, {
      detail: `Argument ${index + 1} of ${fn.name} must be ${expected}, but ${describeOperand(value)} is ${describeType(type)}: ${signatureText(fn)}.`,
    });
  }
  return type;
}

function familyText(family: string): string {
  switch (family) {
    case 'string':
      return 'Edm.String';
    case 'numeric':
      return 'a number';
    case 'temporal':
      return 'Edm.Date or Edm.DateTimeOffset';
    case 'time':
      return 'Edm.TimeOfDay';
    case 'duration':
      return 'Edm.Duration';
    case 'geo':
      return 'a geography or geometry value';
    default:
      return family;
  }
}

/** `Edm.String` or `Ns.Type` as the type argument of cast/isof. */
function bindTypeNameArgument(ctx: BindContext, value: Expression): TypeInfo {
  const name = typeNameOf(value);
  if (!name) return unknownType;
  if (name.startsWith('Edm.')) {
    if (ctx.model.isPrimitive(name)) return primitive(name);
    ctx.report('unknown-type', value.span, { name });
    return unknownType;
  }
  const type = ctx.model.findType(name);
  if (!type) {
    const candidates = ctx.model.document.schemas.flatMap((s) => [...s.entityTypes, ...s.complexTypes, ...s.enumTypes].map((t) => t.fullName));
    ctx.reportUnknown('unknown-type', value.span, { name }, candidates);
    return unknownType;
  }
  if (type.kind === 'EntityType' || type.kind === 'ComplexType') {
    ctx.resolve({ span: value.span, kind: 'type', name, target: type });
    return { name: type.fullName, collection: false, structured: type };
  }
  if (type.kind === 'EnumType') return { name: type.fullName, collection: false, enumType: type };
  return type.kind === 'TypeDefinition' ? primitive(type.underlyingType.name) : unknownType;
}

function typeNameOf(value: Expression): string | undefined {
  if (value.kind === 'Path' && value.segments.length === 1 && !value.lambda) return value.segments[0]!.name;
  if (value.kind === 'Literal' && value.type === 'string' && typeof value.value === 'string') return value.value;
  return undefined;
}

function returnType(overload: CanonicalSignature, args: TypeInfo[]): TypeInfo {
  if (overload.returns === 'arg0') return args[0] ?? unknownType;
  if (overload.returns === 'castTarget') return args[args.length - 1] ?? unknownType;
  return primitive(overload.returns);
}
