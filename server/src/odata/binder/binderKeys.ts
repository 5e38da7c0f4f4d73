/**
 * Key predicates: `accounts(<guid>)`, `Customers(dataAreaId='usmf',CustomerAccount='US-001')`,
 * alternate keys `contacts(firstname='Joe',emailaddress1='a@b.c')`, alias values `accounts(@id)`.
 * Checks the number of parts, their names and their value types against the key or an alternate key.
 */
import type { PropertyRef, StructuredType } from '../csdl/model';
import type { Argument, ArgumentList } from '../uri/ast';
import type { BindContext, ExprScope } from './binderContext';
import { describeType, familyOf, isAssignable, structuredInfo } from './binderEdmTypes';
import { bindExpression, describeOperand } from './binderExpression';
import { findMember, memberNames, type Member } from './binderMembers';
import type { TypeInfo } from './binderTypes';

/** Binds the key and returns the single entity it addresses. */
export function bindKeyPredicate(ctx: BindContext, list: ArgumentList, entityType: StructuredType, scope: ExprScope): TypeInfo {
  const single = structuredInfo(entityType, false);
  ctx.addScope('key', list.span, scope, entityType);
  const args = list.args;
  const key = ctx.model.key(entityType);
  if (args.length === 0) return single; // `()`: the parser reports syntax.empty-key
  const named = args.filter((a) => a.name !== undefined);
  if (named.length === 0) bindPositionalKey(ctx, args, key, entityType, scope);
  else if (named.length === args.length) bindNamedKey(ctx, args, key, entityType, scope);
  else ctx.report('key-arity', list.span, { detail: 'Key parts are either all named (name=value) or a single unnamed value, not a mix.' });
  return single;
}

function keyText(key: PropertyRef[]): string {
  return key.length === 0 ? 'no declared key' : key.map((k) => k.alias ?? k.name).join(', ');
}

function bindPositionalKey(ctx: BindContext, args: Argument[], key: PropertyRef[], entityType: StructuredType, scope: ExprScope): void {
  if (key.length > 1) {
    const example = key.map((k) => `${k.alias ?? k.name}=…`).join(',');
    ctx.report('key-arity', spanOfArgs(args), {
      detail: `${entityType.fullName} has a composite key (${keyText(key)}): name every part, e.g. (${example}).`,
    });
    for (const arg of args) bindExpression(ctx, arg.value, scope);
    return;
  }
  if (args.length > 1) {
    ctx.report('key-arity', spanOfArgs(args), { detail: `${entityType.fullName} takes one key value (${keyText(key)}), but ${args.length} were given.` });
    return;
  }
  const part = key[0];
  const member = part ? findMember(ctx.model, entityType, part.name) : undefined;
  checkKeyValue(ctx, args[0]!, part?.name ?? '', member, entityType, scope);
}

function bindNamedKey(ctx: BindContext, args: Argument[], key: PropertyRef[], entityType: StructuredType, scope: ExprScope): void {
  const parts = new Map<string, Argument>();
  for (const arg of args) {
    const name = arg.name!;
    if (parts.has(name)) ctx.report('key-arity', arg.nameSpan ?? arg.span, { detail: `The key part '${name}' is given twice.` });
    parts.set(name, arg);
  }
  const candidates = [key, ...ctx.model.alternateKeys(entityType).map((k) => k.parts)];
  const match = candidates.find((parts_) => sameNames(parts_, parts));
  let known = true;
  for (const [name, arg] of parts) {
    const ref = match?.find((p) => (p.alias ?? p.name) === name);
    const member = findMember(ctx.model, entityType, ref?.name ?? name);
    if (!member && !ref?.name.includes('/')) {
      known = false;
      ctx.reportUnknown('key-unknown-property', arg.nameSpan ?? arg.span, { name, type: entityType.fullName }, memberNames(ctx.model, entityType));
      bindExpression(ctx, arg.value, scope);
      continue;
    }
    checkKeyValue(ctx, arg, name, member, entityType, scope);
  }
  if (!match && known) reportUndeclaredKey(ctx, args, parts, key, entityType);
}

function sameNames(refs: PropertyRef[], parts: Map<string, Argument>): boolean {
  return refs.length === parts.size && refs.every((r) => parts.has(r.alias ?? r.name));
}

function reportUndeclaredKey(ctx: BindContext, args: Argument[], parts: Map<string, Argument>, key: PropertyRef[], entityType: StructuredType): void {
  const keyNames = key.map((k) => k.alias ?? k.name);
  const given = [...parts.keys()];
  if (given.every((name) => keyNames.includes(name))) {
    const missing = keyNames.filter((name) => !parts.has(name));
    ctx.report('key-arity', spanOfArgs(args), {
      detail: `The key of ${entityType.fullName} has ${key.length} parts (${keyText(key)}); all are required. Missing: ${missing.join(', ')}.`,
    });
    return;
  }
  const alternates = ctx.model.alternateKeys(entityType).map((k) => `(${k.parts.map((p) => p.alias ?? p.name).join(', ')})`);
  ctx.report('key-not-declared', spanOfArgs(args), {
    names: given.length === 1 ? `'${given[0]}'` : `(${given.join(', ')})`,
    type: entityType.fullName,
    keys: [`(${keyText(key)})`, ...alternates].join(', '),
  });
}

function checkKeyValue(ctx: BindContext, arg: Argument, name: string, member: Member | undefined, entityType: StructuredType, scope: ExprScope): void {
  const valueType = bindExpression(ctx, arg.value, scope);
  if (!member) return;
  const target = member.kind === 'property' ? member.property : member.kind === 'lookup' ? member.lookup : member.navigation;
  ctx.resolve({ span: arg.nameSpan ?? arg.value.span, kind: 'key', name, target, type: member.type, declaringType: entityType });
  if (isAssignable(valueType, member.type)) return;
  const quotedGuid = familyOf(member.type) === 'guid' && familyOf(valueType) === 'string';
  ctx.report('key-type', arg.value.span, {
    value: describeOperand(arg.value).replace(/^the literal /, ''),
    actual: describeType(valueType),
    name,
    type: entityType.fullName,
    expected: describeType(member.type),
    hint: quotedGuid ? ' Write the GUID without quotes.' : '',
  });
}

function spanOfArgs(args: Argument[]) {
  return { start: args[0]!.span.start, end: args[args.length - 1]!.span.end };
}
