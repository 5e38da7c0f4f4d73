/**
 * Enum literals (`Microsoft.Dynamics.DataEntities.NoYes'No'`, flags `Ns.Color'Red,Blue'`) and enum
 * members written as strings (`Gender eq 'Male'`, OData 4.01).
 */
import type { EnumType } from '../csdl/model';
import type { LiteralExpression, Span } from '../uri/ast';
import type { BindContext } from './binderContext';
import { unknownType, type TypeInfo } from './binderTypes';

export function bindEnumLiteral(ctx: BindContext, literal: LiteralExpression): TypeInfo {
  const typeName = literal.typeName ?? '';
  const enumType = ctx.model.findEnumType(typeName);
  if (!enumType) {
    if (ctx.model.isPrimitive(typeName)) return { name: ctx.model.qualify(typeName), collection: false };
    const candidates = ctx.model.document.schemas.flatMap((s) => s.enumTypes.map((e) => e.fullName));
    ctx.reportUnknown('unknown-type', literal.span, { name: typeName }, candidates);
    return unknownType;
  }
  const type: TypeInfo = { name: enumType.fullName, collection: false, enumType, literal: { type: 'enum', value: literal.value } };
  ctx.resolve({ span: literal.span, kind: 'type', name: enumType.fullName, target: enumType, type });
  checkEnumString(ctx, enumType, literal.value, literal.span);
  return type;
}

/** Checks `'Red'`, `'Red,Blue'` or `'1'` against the members of an enum type. */
export function checkEnumString(ctx: BindContext, enumType: EnumType, value: unknown, span: Span): void {
  if (typeof value !== 'string') return;
  const names = value.split(',').map((part) => part.trim());
  for (const name of names) {
    if (name === '' || /^-?\d+$/.test(name)) continue;
    const member = enumType.members.find((m) => m.name === name);
    if (member) {
      ctx.resolve({ span, kind: 'enumMember', name, target: member, type: { name: enumType.fullName, collection: false, enumType } });
      continue;
    }
    ctx.reportUnknown('unknown-enum-member', span, { name, type: enumType.fullName }, enumType.members.map((m) => m.name));
  }
}
