/**
 * The system query options (`$filter`, `$top`, …) and the query parameters a flavour gives meaning to
 * (`cross-company`, `fetchXml`…): one entry each, with where the grammar allows it, what it applies to, its
 * documentation and which flavours do not support it. The parser (names, nesting), the binder (where an option
 * applies, flavour support), completion (what to offer, in which order), hover and the checker read this table;
 * none keeps its own list.
 */
import type { Flavor } from '../diagnosticCodes';
import { dataverseMaxPageSize, flavorNames } from './flavorRules';
import { groupedDigits } from '../numberText';

/** The parenthesised places an option can stand in (the parser's option contexts besides the query itself). */
export type NestedPlace = 'expand' | 'expandRef' | 'expandCount' | 'expandStar' | 'select' | 'count';

/**
 * What the binder checks about the resource an option is given to: `collection` (only a collection has it),
 * `shape` (only a structured resource: `$select`, `$expand`, `$compute`), `any` (nothing to check).
 */
export type OptionResource = 'collection' | 'shape' | 'any';

export interface SystemQueryOption {
  /** Canonical spelling, with `$` (`$toInclusive` keeps its capital). */
  name: string;
  /** The ABNF rule of the value, as the parser reads it. */
  value: string;
  /** One-paragraph documentation (hover and completion). */
  doc: string;
  /** Only recognised with its `$` (`skiptoken=` is a custom option). */
  dollarOnly?: boolean;
  /** The parenthesised places where the grammar allows it (none: only in the query itself). */
  nestedIn: readonly NestedPlace[];
  appliesTo: OptionResource;
  /** Completion asks for the value right after inserting `name=`. */
  retrigger?: boolean;
  /** Flavours that reject the option, with what to do instead. */
  unsupported?: Partial<Record<Flavor, string>>;
  /** An extension's option (OData Temporal): parsed, never offered or suggested. */
  extension?: 'temporal';
}

const inExpandAndSelect: readonly NestedPlace[] = ['expand', 'expandRef', 'select'];

export const systemQueryOptions: readonly SystemQueryOption[] = [
  {
    name: '$filter',
    value: 'boolCommonExpr',
    doc: 'Restricts the results to the items for which the boolean expression is true: `$filter=revenue gt 1000 and statecode eq 0`.',
    nestedIn: ['expand', 'expandRef', 'expandCount', 'select', 'count'],
    appliesTo: 'collection',
    retrigger: true,
  },
  {
    name: '$select',
    value: 'selectItem list',
    doc: 'Returns only the listed properties, comma-separated: `$select=name,revenue` (always select what you need in Dataverse: it is much faster).',
    nestedIn: ['expand', 'select'],
    appliesTo: 'shape',
    retrigger: true,
  },
  {
    name: '$expand',
    value: 'expandItem list',
    doc: 'Includes related records through navigation properties, with nested options in parentheses: `$expand=primarycontactid($select=fullname)`.',
    nestedIn: ['expand'],
    appliesTo: 'shape',
    retrigger: true,
  },
  {
    name: '$orderby',
    value: 'orderbyItem list',
    doc: 'Sorts the results by one or more expressions, each `asc` (default) or `desc`: `$orderby=revenue desc,name`.',
    nestedIn: inExpandAndSelect,
    appliesTo: 'collection',
    retrigger: true,
  },
  {
    name: '$top',
    value: 'non-negative integer',
    doc: `Returns at most this many items. To read page by page, send \`Prefer: odata.maxpagesize=N\` instead (Dataverse: at most ${groupedDigits(dataverseMaxPageSize)}) and follow \`@odata.nextLink\`.`,
    nestedIn: inExpandAndSelect,
    appliesTo: 'collection',
  },
  {
    name: '$skip',
    value: 'non-negative integer',
    doc: 'Skips this many items.',
    nestedIn: inExpandAndSelect,
    appliesTo: 'collection',
    unsupported: { dataverse: 'page with `Prefer: odata.maxpagesize` and follow `@odata.nextLink` (its `$skiptoken`) instead.' },
  },
  {
    name: '$index',
    value: 'integer',
    doc: 'The zero-based position where a new item is inserted into an ordered collection.',
    nestedIn: [],
    appliesTo: 'collection',
    unsupported: {
      dataverse: 'collections of records have no order to insert into.',
      fno: 'collections of records have no order to insert into.',
      bc: 'collections of records have no order to insert into.',
    },
  },
  {
    name: '$count',
    value: 'true | false',
    doc: `\`true\` adds the total count \`@odata.count\` to the response (Dataverse counts at most ${groupedDigits(dataverseMaxPageSize)}).`,
    nestedIn: inExpandAndSelect,
    appliesTo: 'collection',
    retrigger: true,
  },
  {
    name: '$search',
    value: 'searchExpr',
    doc: 'Free-text search over the items: `$search=blue OR green`.',
    nestedIn: ['expand', 'expandRef', 'expandCount', 'select', 'count'],
    appliesTo: 'collection',
    unsupported: {
      dataverse: 'use Dataverse search (`/api/search/v2.0/query`) or `contains()` in $filter.',
      fno: 'use `contains()` or `eq` with a `*` wildcard in $filter.',
    },
  },
  {
    name: '$apply',
    value: 'applyExpr',
    doc: 'Aggregation transformations: `$apply=groupby((statecode),aggregate($count as count))`, `aggregate(revenue with sum as total)`, `filter(...)`.',
    nestedIn: ['expand'],
    appliesTo: 'collection',
    retrigger: true,
    unsupported: { fno: 'read the records and aggregate them on the client, or use an aggregate data entity.' },
  },
  {
    name: '$compute',
    value: 'computeItem list',
    doc: 'Computed properties, `expression as alias`, usable in `$select`, `$filter` and `$orderby`: `$compute=revenue mul 2 as double`.',
    nestedIn: ['expand', 'select'],
    appliesTo: 'shape',
    retrigger: true,
    unsupported: {
      dataverse: 'compute the value on the client, or use a calculated or formula column.',
      fno: 'compute the value on the client.',
    },
  },
  {
    name: '$levels',
    value: 'positive integer | max',
    doc: 'How many levels a recursive `$expand` follows (a number, or `max` for all).',
    nestedIn: ['expand', 'expandStar'],
    appliesTo: 'any',
    retrigger: true,
  },
  {
    name: '$format',
    value: 'json | atom | xml | media type',
    doc: 'The response format (`json`); prefer the `Accept` header.',
    nestedIn: [],
    appliesTo: 'any',
    retrigger: true,
  },
  {
    name: '$skiptoken',
    value: 'opaque token',
    doc: 'Server-side paging token from `@odata.nextLink`; do not write it by hand.',
    dollarOnly: true,
    nestedIn: [],
    appliesTo: 'any',
  },
  {
    name: '$deltatoken',
    value: 'opaque token',
    doc: 'Change-tracking token from `@odata.deltaLink`.',
    dollarOnly: true,
    nestedIn: [],
    appliesTo: 'any',
  },
  {
    name: '$schemaversion',
    value: 'version',
    doc: 'Requests a particular version of the service\'s schema (Business Central: the API schema version, e.g. `$schemaversion=2.1`).',
    nestedIn: [],
    appliesTo: 'any',
    unsupported: {
      dataverse: 'the Web API version is in the path (`/api/data/v9.2/`).',
      fno: 'Finance & Operations has one schema per environment.',
    },
  },
  {
    name: '$id',
    value: 'entity id (URL)',
    doc: 'The entity id, with `$ref` (remove a reference) or `$entity`.',
    nestedIn: [],
    appliesTo: 'any',
  },
  { name: '$at', value: 'temporal point', doc: 'Temporal: the state of the data at this point in time.', dollarOnly: true, nestedIn: ['expand'], appliesTo: 'any', extension: 'temporal' },
  { name: '$from', value: 'temporal point', doc: 'Temporal: the start of a time range.', dollarOnly: true, nestedIn: ['expand'], appliesTo: 'any', extension: 'temporal' },
  { name: '$to', value: 'temporal point', doc: 'Temporal: the end of a time range (exclusive).', dollarOnly: true, nestedIn: ['expand'], appliesTo: 'any', extension: 'temporal' },
  { name: '$toInclusive', value: 'temporal point', doc: 'Temporal: the end of a time range (inclusive).', dollarOnly: true, nestedIn: ['expand'], appliesTo: 'any', extension: 'temporal' },
];

/** The parenthesised places where parameter aliases (`@p=…`) may be defined. */
export const aliasesAllowedIn: readonly NestedPlace[] = ['expand', 'select'];

/** The options (and `alias`, for parameter aliases) the grammar allows in a parenthesised place. */
export function optionsAllowedIn(place: NestedPlace): ReadonlySet<string> {
  const names = systemQueryOptions.filter((o) => o.nestedIn.includes(place)).map((o) => o.name);
  if (aliasesAllowedIn.includes(place)) names.push('alias');
  return new Set(names);
}

const byLowerName = new Map(systemQueryOptions.map((o) => [o.name.toLowerCase(), o]));

/** The option named `name` (with `$`, any case). */
export function findSystemQueryOption(name: string): SystemQueryOption | undefined {
  return byLowerName.get(name.toLowerCase());
}

/**
 * The option a query parameter name stands for: `$filter`, `$FILTER` and (OData 4.01) `filter` all give `$filter`;
 * the `dollarOnly` ones need their `$`.
 */
export function systemQueryOptionOf(name: string): SystemQueryOption | undefined {
  if (name.startsWith('$')) return byLowerName.get(name.toLowerCase());
  const option = byLowerName.get('$' + name.toLowerCase());
  return option && !option.dollarOnly ? option : undefined;
}

/** The names of the options that are not an extension's (the did-you-mean candidates). */
export const coreSystemQueryOptionNames: readonly string[] = systemQueryOptions.filter((o) => !o.extension).map((o) => o.name);

/** Why `flavor` rejects `option`, when it does. */
export function unsupportedReason(option: SystemQueryOption, flavor: Flavor): string | undefined {
  return option.unsupported?.[flavor];
}

/** The sentences hover shows about the flavours that reject the option. */
export function unsupportedNotes(option: SystemQueryOption): string[] {
  return Object.entries(option.unsupported ?? {}).map(([flavor, reason]) => `Not supported by ${flavorNames[flavor as Flavor]}: ${reason}`);
}

// ---------------------------------------------------------------------------------------------------------
// Query parameters a flavour gives meaning to (custom options in OData terms)
// ---------------------------------------------------------------------------------------------------------

export interface FlavorQueryParameter {
  name: string;
  flavor: Flavor;
  doc: string;
  /** What completion inserts, when it offers the parameter. */
  insert?: string;
}

export const flavorQueryParameters: readonly FlavorQueryParameter[] = [
  { name: 'cross-company', flavor: 'fno', doc: 'Finance & Operations: `true` returns records of every legal entity (company), not only the user\'s default company.', insert: 'cross-company=true' },
  { name: 'fetchXml', flavor: 'dataverse', doc: 'Dataverse: runs a FetchXML query (URL-encoded `<fetch>` XML) against the entity set instead of OData options.' },
  { name: 'savedQuery', flavor: 'dataverse', doc: 'Dataverse: runs a system view by its savedqueryid.' },
  { name: 'userQuery', flavor: 'dataverse', doc: 'Dataverse: runs a personal view by its userqueryid.' },
  { name: 'company', flavor: 'bc', doc: 'Business Central: the company (name) to address through the `company` query parameter.' },
];

const parameterByLowerName = new Map(flavorQueryParameters.map((p) => [p.name.toLowerCase(), p]));

export function findFlavorQueryParameter(name: string): FlavorQueryParameter | undefined {
  return parameterByLowerName.get(name.toLowerCase());
}

// ---------------------------------------------------------------------------------------------------------
// What completion offers, in its order
// ---------------------------------------------------------------------------------------------------------

export interface OfferedOptions {
  /** In the query itself (option names and the flavour's parameters). */
  top: readonly string[];
  /** Inside `$expand(...)` and a select item's parentheses. */
  nested: readonly string[];
  /** `$levels` is offered inside a recursive `$expand`. */
  levels: boolean;
}

/**
 * The options completion offers for each flavour, most used first. An option a flavour does not support is never
 * here (a test holds that); the others left out are written by the server (`$deltatoken`), rare (`$id`, `$index`),
 * or an extension's.
 */
export const offeredOptions: Readonly<Record<Flavor, OfferedOptions>> = {
  dataverse: {
    top: ['$select', '$filter', '$expand', '$orderby', '$top', '$count', '$apply', '$skiptoken'],
    nested: ['$select', '$filter', '$expand', '$orderby', '$top'],
    levels: false,
  },
  fno: {
    top: ['$select', '$filter', '$expand', '$orderby', '$top', '$skip', '$count', 'cross-company', '$format', '$skiptoken'],
    nested: ['$select', '$filter', '$orderby', '$top', '$count'],
    levels: false,
  },
  bc: {
    top: ['$select', '$filter', '$expand', '$orderby', '$top', '$skip', '$count', '$schemaversion', '$search', '$skiptoken'],
    nested: ['$select', '$filter', '$expand', '$orderby', '$top', '$skip', '$count'],
    levels: true,
  },
  generic: {
    top: ['$select', '$filter', '$expand', '$orderby', '$top', '$skip', '$count', '$search', '$apply', '$compute', '$format', '$skiptoken', '$deltatoken', '$index'],
    nested: ['$select', '$filter', '$expand', '$orderby', '$top', '$skip', '$count', '$search', '$compute'],
    levels: true,
  },
};
