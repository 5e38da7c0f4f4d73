/**
 * The canonical functions of OData v4.01 (`contains`, `year`, `round`, `cast`…) with their parameter
 * families and return types, as the binder checks them.
 */
import type { TypeFamily } from '../uri/binderEdmTypes';

/** What an argument may be: one of these families, `any` value, or a type name (`cast`, `isof`). */
export type ParameterSpec = readonly TypeFamily[] | 'any' | 'typeName';

export interface CanonicalSignature {
  parameters: readonly ParameterSpec[];
  /** Number of trailing parameters that may be omitted. */
  optional?: number;
  /** Qualified Edm return type, or `arg0` for "same type as the first argument". */
  returns: string | 'arg0' | 'castTarget';
}

export interface CanonicalFunction {
  name: string;
  overloads: readonly CanonicalSignature[];
  description: string;
}

const str: readonly TypeFamily[] = ['string'];
const num: readonly TypeFamily[] = ['numeric'];
const dateParts: readonly TypeFamily[] = ['temporal'];
const timeParts: readonly TypeFamily[] = ['temporal', 'time'];
const geo: readonly TypeFamily[] = ['geo'];

function fn(name: string, description: string, ...overloads: CanonicalSignature[]): CanonicalFunction {
  return { name, description, overloads };
}

const table: CanonicalFunction[] = [
  fn('contains', 'True if the first string contains the second.', { parameters: [str, str], returns: 'Edm.Boolean' }),
  fn('startswith', 'True if the first string starts with the second.', { parameters: [str, str], returns: 'Edm.Boolean' }),
  fn('endswith', 'True if the first string ends with the second.', { parameters: [str, str], returns: 'Edm.Boolean' }),
  fn('length', 'Number of characters in a string.', { parameters: [str], returns: 'Edm.Int32' }),
  fn('indexof', 'Zero-based position of the second string in the first, or -1.', { parameters: [str, str], returns: 'Edm.Int32' }),
  fn('substring', 'Part of a string from a zero-based position, optionally of a given length.', { parameters: [str, num, num], optional: 1, returns: 'Edm.String' }),
  fn('matchesPattern', 'True if the string matches the ECMAScript regular expression.', { parameters: [str, str], returns: 'Edm.Boolean' }),
  fn('tolower', 'The string in lower case.', { parameters: [str], returns: 'Edm.String' }),
  fn('toupper', 'The string in upper case.', { parameters: [str], returns: 'Edm.String' }),
  fn('trim', 'The string without leading and trailing whitespace.', { parameters: [str], returns: 'Edm.String' }),
  fn('concat', 'The two strings joined.', { parameters: [str, str], returns: 'Edm.String' }),
  fn('hassubset', 'True if the first collection contains every item of the second.', { parameters: ['any', 'any'], returns: 'Edm.Boolean' }),
  fn('hassubsequence', 'True if the second collection is a subsequence of the first.', { parameters: ['any', 'any'], returns: 'Edm.Boolean' }),
  fn('year', 'The year of a date or date-time.', { parameters: [dateParts], returns: 'Edm.Int32' }),
  fn('month', 'The month (1-12) of a date or date-time.', { parameters: [dateParts], returns: 'Edm.Int32' }),
  fn('day', 'The day of the month of a date or date-time.', { parameters: [dateParts], returns: 'Edm.Int32' }),
  fn('hour', 'The hour of a date-time or time of day.', { parameters: [timeParts], returns: 'Edm.Int32' }),
  fn('minute', 'The minute of a date-time or time of day.', { parameters: [timeParts], returns: 'Edm.Int32' }),
  fn('second', 'The second of a date-time or time of day.', { parameters: [timeParts], returns: 'Edm.Int32' }),
  fn('fractionalseconds', 'The fractional seconds of a date-time or time of day.', { parameters: [timeParts], returns: 'Edm.Decimal' }),
  fn('totalseconds', 'The duration in seconds.', { parameters: [['duration']], returns: 'Edm.Decimal' }),
  fn('date', 'The date part of a date-time.', { parameters: [['temporal']], returns: 'Edm.Date' }),
  fn('time', 'The time-of-day part of a date-time.', { parameters: [['temporal']], returns: 'Edm.TimeOfDay' }),
  fn('totaloffsetminutes', 'The time-zone offset of a date-time, in minutes.', { parameters: [['temporal']], returns: 'Edm.Int32' }),
  fn('now', 'The current point in time.', { parameters: [], returns: 'Edm.DateTimeOffset' }),
  fn('maxdatetime', 'The latest possible point in time.', { parameters: [], returns: 'Edm.DateTimeOffset' }),
  fn('mindatetime', 'The earliest possible point in time.', { parameters: [], returns: 'Edm.DateTimeOffset' }),
  fn('round', 'The nearest integer value.', { parameters: [num], returns: 'arg0' }),
  fn('floor', 'The largest integer value not greater than the argument.', { parameters: [num], returns: 'arg0' }),
  fn('ceiling', 'The smallest integer value not less than the argument.', { parameters: [num], returns: 'arg0' }),
  fn('geo.distance', 'Distance between two points.', { parameters: [geo, geo], returns: 'Edm.Double' }),
  fn('geo.length', 'Length of a line string.', { parameters: [geo], returns: 'Edm.Double' }),
  fn('geo.intersects', 'True if the point lies within the polygon.', { parameters: [geo, geo], returns: 'Edm.Boolean' }),
  fn(
    'cast',
    'The value converted to the given type (or $it when only the type is given).',
    { parameters: ['typeName'], returns: 'castTarget' },
    { parameters: ['any', 'typeName'], returns: 'castTarget' },
  ),
  fn(
    'isof',
    'True if the value (or $it) is of the given type.',
    { parameters: ['typeName'], returns: 'Edm.Boolean' },
    { parameters: ['any', 'typeName'], returns: 'Edm.Boolean' },
  ),
  fn('case', 'The value of the first condition that is true (4.01).', { parameters: [], returns: 'Edm.PrimitiveType' }),
];

const byName = new Map(table.map((f) => [f.name, f]));

export function findCanonicalFunction(name: string): CanonicalFunction | undefined {
  return byName.get(name);
}

export function canonicalFunctions(): readonly CanonicalFunction[] {
  return table;
}

/** `contains(Edm.String, Edm.String) -> Edm.Boolean`, for messages and hover. */
export function signatureText(f: CanonicalFunction, overload: CanonicalSignature = f.overloads[0]!): string {
  const parameters = overload.parameters.map((p) => (p === 'any' ? 'any' : p === 'typeName' ? 'type' : p.join('|')));
  const returns = overload.returns === 'arg0' ? 'same type' : overload.returns === 'castTarget' ? 'type' : overload.returns;
  return `${f.name}(${parameters.join(', ')}) -> ${returns}`;
}
