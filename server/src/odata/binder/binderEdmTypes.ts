/**
 * Type rules of the binder: Edm primitive families, literal types, type references resolved against
 * the model, and which types can be compared or assigned.
 */
import type { ModelIndex } from '../csdl/modelIndex';
import type { StructuredType, TypeRef } from '../csdl/model';
import type { LiteralExpression } from '../uri/ast';
import { unknownType, type TypeInfo } from './binderTypes';

export type TypeFamily =
  | 'numeric'
  | 'string'
  | 'boolean'
  | 'guid'
  | 'temporal'
  | 'duration'
  | 'time'
  | 'binary'
  | 'stream'
  | 'geo'
  | 'enum'
  | 'structured'
  | 'null'
  | 'unknown';

const numericTypes = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Single', 'Edm.Double']);
const integerTypes = new Set(['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64']);

export function isNumericName(name: string): boolean {
  return numericTypes.has(name);
}

export function isIntegerName(name: string): boolean {
  return integerTypes.has(name);
}

export function familyOf(type: TypeInfo): TypeFamily {
  const name = type.name;
  if (name === undefined) return 'unknown';
  if (name === 'null') return 'null';
  if (type.structured) return 'structured';
  if (type.enumType) return 'enum';
  if (numericTypes.has(name)) return 'numeric';
  switch (name) {
    case 'Edm.String':
      return 'string';
    case 'Edm.Boolean':
      return 'boolean';
    case 'Edm.Guid':
      return 'guid';
    case 'Edm.Date':
    case 'Edm.DateTimeOffset':
    case 'Edm.DateTime':
      return 'temporal';
    case 'Edm.TimeOfDay':
      return 'time';
    case 'Edm.Duration':
      return 'duration';
    case 'Edm.Binary':
      return 'binary';
    case 'Edm.Stream':
      return 'stream';
  }
  if (name.startsWith('Edm.Geography') || name.startsWith('Edm.Geometry')) return 'geo';
  return 'unknown';
}

export function primitive(name: string, collection = false): TypeInfo {
  return { name, collection };
}

export const booleanType = primitive('Edm.Boolean');
export const stringType = primitive('Edm.String');
export const int32Type = primitive('Edm.Int32');

export function structuredInfo(type: StructuredType, collection: boolean): TypeInfo {
  return { name: type.fullName, collection, structured: type };
}

/** Resolve a CSDL type reference (type definitions to their underlying type). */
export function typeFromRef(model: ModelIndex, ref: TypeRef | undefined): TypeInfo {
  if (!ref) return unknownType;
  return typeFromName(model, ref.name, ref.collection);
}

export function typeFromName(model: ModelIndex, name: string, collection: boolean): TypeInfo {
  const qualified = model.qualify(name);
  if (qualified.startsWith('Edm.')) return { name: qualified, collection };
  const schemaType = model.findType(qualified);
  if (!schemaType) return { collection };
  switch (schemaType.kind) {
    case 'EntityType':
    case 'ComplexType':
      return { name: schemaType.fullName, collection, structured: schemaType };
    case 'EnumType':
      return { name: schemaType.fullName, collection, enumType: schemaType };
    case 'TypeDefinition':
      return { name: schemaType.underlyingType.name, collection };
  }
}

/** The type of a literal as written (`int` literals fit Int32 unless too large). */
export function literalType(literal: LiteralExpression): TypeInfo {
  const value = { type: literal.type, value: literal.value };
  switch (literal.type) {
    case 'null':
      return { name: 'null', collection: false, literal: value };
    case 'boolean':
      return { name: 'Edm.Boolean', collection: false, literal: value };
    case 'int':
      return { name: fitsInt32(literal.value) ? 'Edm.Int32' : 'Edm.Int64', collection: false, literal: value };
    case 'decimal':
      return { name: 'Edm.Decimal', collection: false, literal: value };
    case 'double':
      return { name: 'Edm.Double', collection: false, literal: value };
    case 'string':
      return { name: 'Edm.String', collection: false, literal: value };
    case 'guid':
      return { name: 'Edm.Guid', collection: false, literal: value };
    case 'date':
      return { name: 'Edm.Date', collection: false, literal: value };
    case 'dateTimeOffset':
      return { name: 'Edm.DateTimeOffset', collection: false, literal: value };
    case 'timeOfDay':
      return { name: 'Edm.TimeOfDay', collection: false, literal: value };
    case 'duration':
      return { name: 'Edm.Duration', collection: false, literal: value };
    case 'binary':
      return { name: 'Edm.Binary', collection: false, literal: value };
    case 'geography':
      return { name: 'Edm.Geography', collection: false, literal: value };
    case 'geometry':
      return { name: 'Edm.Geometry', collection: false, literal: value };
    case 'enum':
      return { name: literal.typeName, collection: false, literal: value };
  }
}

function fitsInt32(value: unknown): boolean {
  return typeof value === 'number' && value >= -2147483648 && value <= 2147483647;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuidText(text: unknown): boolean {
  return typeof text === 'string' && guidPattern.test(text);
}

export function describeType(type: TypeInfo): string {
  if (type.name === undefined) return 'an unknown type';
  if (type.name === 'null') return 'null';
  return type.collection ? `Collection(${type.name})` : type.name;
}

export type Comparability = 'ok' | 'mismatch' | 'guid-as-string';

/** Can `left op right` be compared (eq/ne/lt/…)? Unknown and null are compatible with everything. */
export function comparability(left: TypeInfo, right: TypeInfo): Comparability {
  const a = familyOf(left);
  const b = familyOf(right);
  if (a === 'unknown' || b === 'unknown' || a === 'null' || b === 'null') return 'ok';
  if (left.collection !== right.collection) return 'mismatch';
  if (a === b) return a === 'enum' && !sameEnum(left, right) ? 'mismatch' : 'ok';
  if ((a === 'guid' && b === 'string') || (a === 'string' && b === 'guid')) return 'guid-as-string';
  if (a === 'enum' || b === 'enum') return enumAgainstPrimitive(a === 'enum' ? right : left) ? 'ok' : 'mismatch';
  return 'mismatch';
}

function sameEnum(left: TypeInfo, right: TypeInfo): boolean {
  return !left.enumType || !right.enumType || left.enumType.fullName === right.enumType.fullName;
}

/** An enum compares with a string literal naming a member (4.01) or its underlying integer value. */
function enumAgainstPrimitive(other: TypeInfo): boolean {
  const family = familyOf(other);
  return family === 'string' || family === 'numeric';
}

/** Can a value of type `value` be passed where `target` is expected (parameters, keys)? */
export function isAssignable(value: TypeInfo, target: TypeInfo): boolean {
  const v = familyOf(value);
  const t = familyOf(target);
  if (v === 'unknown' || t === 'unknown' || v === 'null') return true;
  if (value.collection !== target.collection) return false;
  if (v === t) return v !== 'numeric' || numericFits(value.name!, target.name!);
  if (t === 'enum') return v === 'string' || v === 'numeric';
  if (t === 'temporal' && v === 'temporal') return true;
  return false;
}

function numericFits(value: string, target: string): boolean {
  if (isIntegerName(value)) return true;
  return !isIntegerName(target);
}

/** The result type of arithmetic on two numeric operands (the wider one). */
export function promoteNumeric(left: TypeInfo, right: TypeInfo): TypeInfo {
  const order = ['Edm.Byte', 'Edm.SByte', 'Edm.Int16', 'Edm.Int32', 'Edm.Int64', 'Edm.Decimal', 'Edm.Single', 'Edm.Double'];
  const l = order.indexOf(left.name ?? '');
  const r = order.indexOf(right.name ?? '');
  if (l < 0 || r < 0) return unknownType;
  return primitive(order[Math.max(l, r)]!);
}
