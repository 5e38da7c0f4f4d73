/**
 * The `$apply` transformations of OData Data Aggregation 4.0 and the standard aggregation methods: which the
 * parser knows, which keep the input's structure (allowed where only those may stand), and what completion
 * offers with which snippet and documentation.
 */

export interface ApplyTransformation {
  name: string;
  /** Keeps the structure of its input (may stand inside hierarchy functions and `concat` sequences' preserving places). */
  preserving?: boolean;
  /** What completion inserts and says; absent: parsed, not offered (rare). */
  offer?: { snippet: string; doc: string };
}

export const applyTransformations: readonly ApplyTransformation[] = [
  { name: 'aggregate', offer: { snippet: 'aggregate(${1})', doc: 'Aggregates values: `aggregate(revenue with sum as total)`, `aggregate($count as count)`.' } },
  { name: 'groupby', offer: { snippet: 'groupby((${1}))', doc: 'Groups by properties, optionally aggregating: `groupby((statecode),aggregate($count as count))`.' } },
  { name: 'filter', preserving: true, offer: { snippet: 'filter(${1})', doc: 'Keeps the entities that satisfy a condition.' } },
  { name: 'compute', offer: { snippet: 'compute(${1} as ${2:alias})', doc: 'Adds computed properties.' } },
  { name: 'orderby', preserving: true, offer: { snippet: 'orderby(${1})', doc: 'Sorts the entities.' } },
  { name: 'top', preserving: true, offer: { snippet: 'top(${1:10})', doc: 'Keeps the first n entities.' } },
  { name: 'skip', preserving: true, offer: { snippet: 'skip(${1:10})', doc: 'Skips the first n entities.' } },
  { name: 'search', preserving: true, offer: { snippet: 'search(${1})', doc: 'Keeps the entities that match a search expression.' } },
  { name: 'concat', offer: { snippet: 'concat(${1}, ${2})', doc: 'Concatenates the results of several transformation sequences.' } },
  { name: 'identity', preserving: true, offer: { snippet: 'identity', doc: 'The input set unchanged.' } },
  { name: 'topcount', preserving: true, offer: { snippet: 'topcount(${1:10}, ${2})', doc: 'The n entities with the highest values.' } },
  { name: 'bottomcount', preserving: true, offer: { snippet: 'bottomcount(${1:10}, ${2})', doc: 'The n entities with the lowest values.' } },
  { name: 'topsum', preserving: true },
  { name: 'toppercent', preserving: true },
  { name: 'bottomsum', preserving: true },
  { name: 'bottompercent', preserving: true },
  { name: 'nest' },
  { name: 'addnested' },
  { name: 'join' },
  { name: 'outerjoin' },
  { name: 'ancestors', preserving: true },
  { name: 'descendants', preserving: true },
  { name: 'traverse', preserving: true },
];

/** Every transformation name the parser reads (besides `identity`, which takes no parentheses). */
export const transformationNames: ReadonlySet<string> = new Set(applyTransformations.filter((t) => t.name !== 'identity').map((t) => t.name));

/** The transformations that keep their input's structure. */
export const preservingTransformationNames: ReadonlySet<string> = new Set(applyTransformations.filter((t) => t.preserving).map((t) => t.name));

/** The standard aggregation methods (`with sum as total`); a qualified name is a custom one. */
export const aggregationMethods: readonly string[] = ['sum', 'min', 'max', 'average', 'countdistinct'];
