/**
 * The canonical functions of OData v4.01 and Data Aggregation (`contains`, `year`, `round`, `cast`, `isdefined`…):
 * their parameter families and names, return types, descriptions and completion snippets. The parser (which names
 * are calls), the binder (argument checks), completion, hover and signature help all read this one table.
 */
import type { TypeFamily } from '../binder/binderEdmTypes';

/** What an argument may be: one of these families, `any` value, or a type name (`cast`, `isof`). */
export type ParameterSpec = readonly TypeFamily[] | 'any' | 'typeName';

export interface CanonicalSignature {
  parameters: readonly ParameterSpec[];
  /** The parameters' names, as signature help shows them (`text`, `substring`). */
  names: readonly string[];
  /** Number of trailing parameters that may be omitted. */
  optional?: number;
  /** Qualified Edm return type, or `arg0` for "same type as the first argument". */
  returns: string | 'arg0' | 'castTarget';
}

export interface CanonicalFunction {
  name: string;
  overloads: readonly CanonicalSignature[];
  description: string;
  /** What completion inserts (a snippet); `name(${1})` when not given. */
  snippet?: string;
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
  fn('contains', 'True if the first string contains the second.', { parameters: [str, str], names: ['text', 'substring'], returns: 'Edm.Boolean' }),
  fn('startswith', 'True if the first string starts with the second.', { parameters: [str, str], names: ['text', 'prefix'], returns: 'Edm.Boolean' }),
  fn('endswith', 'True if the first string ends with the second.', { parameters: [str, str], names: ['text', 'suffix'], returns: 'Edm.Boolean' }),
  fn('length', 'Number of characters in a string.', { parameters: [str], names: ['text'], returns: 'Edm.Int32' }),
  fn('indexof', 'Zero-based position of the second string in the first, or -1.', { parameters: [str, str], names: ['text', 'substring'], returns: 'Edm.Int32' }),
  fn('substring', 'Part of a string from a zero-based position, optionally of a given length.', { parameters: [str, num, num], names: ['text', 'start', 'length'], optional: 1, returns: 'Edm.String' }),
  fn('matchesPattern', 'True if the string matches the ECMAScript regular expression.', { parameters: [str, str], names: ['text', 'pattern'], returns: 'Edm.Boolean' }),
  fn('tolower', 'The string in lower case.', { parameters: [str], names: ['text'], returns: 'Edm.String' }),
  fn('toupper', 'The string in upper case.', { parameters: [str], names: ['text'], returns: 'Edm.String' }),
  fn('trim', 'The string without leading and trailing whitespace.', { parameters: [str], names: ['text'], returns: 'Edm.String' }),
  fn('concat', 'The two strings joined.', { parameters: [str, str], names: ['left', 'right'], returns: 'Edm.String' }),
  fn('hassubset', 'True if the first collection contains every item of the second.', { parameters: ['any', 'any'], names: ['collection', 'subset'], returns: 'Edm.Boolean' }),
  fn('hassubsequence', 'True if the second collection is a subsequence of the first.', { parameters: ['any', 'any'], names: ['collection', 'subsequence'], returns: 'Edm.Boolean' }),
  fn('year', 'The year of a date or date-time.', { parameters: [dateParts], names: ['value'], returns: 'Edm.Int32' }),
  fn('month', 'The month (1-12) of a date or date-time.', { parameters: [dateParts], names: ['value'], returns: 'Edm.Int32' }),
  fn('day', 'The day of the month of a date or date-time.', { parameters: [dateParts], names: ['value'], returns: 'Edm.Int32' }),
  fn('hour', 'The hour of a date-time or time of day.', { parameters: [timeParts], names: ['value'], returns: 'Edm.Int32' }),
  fn('minute', 'The minute of a date-time or time of day.', { parameters: [timeParts], names: ['value'], returns: 'Edm.Int32' }),
  fn('second', 'The second of a date-time or time of day.', { parameters: [timeParts], names: ['value'], returns: 'Edm.Int32' }),
  fn('fractionalseconds', 'The fractional seconds of a date-time or time of day.', { parameters: [timeParts], names: ['value'], returns: 'Edm.Decimal' }),
  fn('totalseconds', 'The duration in seconds.', { parameters: [['duration']], names: ['duration'], returns: 'Edm.Decimal' }),
  fn('date', 'The date part of a date-time.', { parameters: [['temporal']], names: ['value'], returns: 'Edm.Date' }),
  fn('time', 'The time-of-day part of a date-time.', { parameters: [['temporal']], names: ['value'], returns: 'Edm.TimeOfDay' }),
  fn('totaloffsetminutes', 'The time-zone offset of a date-time, in minutes.', { parameters: [['temporal']], names: ['value'], returns: 'Edm.Int32' }),
  fn('now', 'The current point in time.', { parameters: [], names: [], returns: 'Edm.DateTimeOffset' }),
  fn('maxdatetime', 'The latest possible point in time.', { parameters: [], names: [], returns: 'Edm.DateTimeOffset' }),
  fn('mindatetime', 'The earliest possible point in time.', { parameters: [], names: [], returns: 'Edm.DateTimeOffset' }),
  fn('round', 'The nearest integer value.', { parameters: [num], names: ['number'], returns: 'arg0' }),
  fn('floor', 'The largest integer value not greater than the argument.', { parameters: [num], names: ['number'], returns: 'arg0' }),
  fn('ceiling', 'The smallest integer value not less than the argument.', { parameters: [num], names: ['number'], returns: 'arg0' }),
  fn('geo.distance', 'Distance between two points.', { parameters: [geo, geo], names: ['point1', 'point2'], returns: 'Edm.Double' }),
  fn('geo.length', 'Length of a line string.', { parameters: [geo], names: ['linestring'], returns: 'Edm.Double' }),
  fn('geo.intersects', 'True if the point lies within the polygon.', { parameters: [geo, geo], names: ['point', 'polygon'], returns: 'Edm.Boolean' }),
  fn(
    'cast',
    'The value converted to the given type (or $it when only the type is given).',
    { parameters: ['typeName'], names: ['type'], returns: 'castTarget' },
    { parameters: ['any', 'typeName'], names: ['expression', 'type'], returns: 'castTarget' },
  ),
  fn(
    'isof',
    'True if the value (or $it) is of the given type.',
    { parameters: ['typeName'], names: ['type'], returns: 'Edm.Boolean' },
    { parameters: ['any', 'typeName'], names: ['expression', 'type'], returns: 'Edm.Boolean' },
  ),
  fn('case', 'The value of the first condition that is true (4.01).', { parameters: [], names: [], returns: 'Edm.PrimitiveType' }),
  fn('isdefined', 'True if the property has a value for this instance (Data Aggregation: after groupby, false for the rolled-up rows).', { parameters: ['any'], names: ['property'], returns: 'Edm.Boolean' }),
];

/** What completion inserts for a function (placeholders named after the usual arguments). */
const snippets: Record<string, string> = {
  contains: "contains(${1:name}, '${2}')",
  startswith: "startswith(${1:name}, '${2}')",
  endswith: "endswith(${1:name}, '${2}')",
  length: 'length(${1:name})',
  indexof: "indexof(${1:name}, '${2}')",
  substring: 'substring(${1:name}, ${2:0})',
  matchesPattern: "matchesPattern(${1:name}, '${2}')",
  tolower: 'tolower(${1:name})',
  toupper: 'toupper(${1:name})',
  trim: 'trim(${1:name})',
  concat: "concat(${1:name}, '${2}')",
  now: 'now()',
  maxdatetime: 'maxdatetime()',
  mindatetime: 'mindatetime()',
  cast: 'cast(${1:name}, ${2:Edm.String})',
  isof: 'isof(${1:Edm.String})',
  case: 'case(${1:condition}:${2:value}, true:${3:default})',
};
for (const f of table) if (snippets[f.name]) f.snippet = snippets[f.name];

const byName = new Map(table.map((f) => [f.name, f]));

export function findCanonicalFunction(name: string): CanonicalFunction | undefined {
  return byName.get(name);
}

export function canonicalFunctions(): readonly CanonicalFunction[] {
  return table;
}

/** The names in lower case: the parser reads `name(` as a call when the name is one of these (case-insensitively). */
export const canonicalFunctionNamesLower: ReadonlySet<string> = new Set(table.map((f) => f.name.toLowerCase()));

/** What completion inserts for `f`. */
export function canonicalSnippet(f: CanonicalFunction): string {
  return f.snippet ?? `${f.name}(\${1})`;
}

/** `contains(string, string) -> Edm.Boolean`, for messages and hover (completion's detail writes the arrow `→`). */
export function signatureText(f: CanonicalFunction, overload: CanonicalSignature = f.overloads[0]!, arrow = '->'): string {
  const parameters = overload.parameters.map((p) => (p === 'any' ? 'any' : p === 'typeName' ? 'type' : p.join('|')));
  const returns = overload.returns === 'arg0' ? 'same type' : overload.returns === 'castTarget' ? 'type' : overload.returns;
  return `${f.name}(${parameters.join(', ')}) ${arrow} ${returns}`;
}
