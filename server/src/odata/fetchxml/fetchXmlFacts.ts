/**
 * FetchXML facts as data: the one place completion, diagnostics, hover and conversion read them from.
 *
 * Sources (Microsoft's FetchXML reference, learn.microsoft.com/power-apps/developer/data-platform/fetchxml/reference/):
 * - fetch, entity, link-entity, attribute, all-attributes, order, filter, condition, value element pages
 *   (attributes and their meaning, parent and child elements, link-type values);
 * - "condition operator values" (reference/operators): every operator, what it does and the data types it takes;
 *   between/in-fiscal-period-and-year take two values, eq-userid takes none (the page's examples);
 * - "Aggregate data using FetchXml" (aggregate functions, an alias on every attribute, groupby) and the
 *   XrmDateTimeGrouping values (day, week, month, quarter, year, fiscal-period, fiscal-year);
 * - the Web API's query functions (Microsoft.Dynamics.CRM.LastXDays…), which the CRM `$metadata` declares, for conversion.
 * Pure data: no I/O.
 */

/** The data type groups the operators page uses ("Data Types" column). */
export type FetchDataType = 'choice' | 'datetime' | 'hierarchical' | 'number' | 'owner' | 'string' | 'uniqueidentifier';

/** How many values an operator takes: none, one (the `value` attribute), two `<value>`s, or one or more `<value>`s. */
export type ValueShape = 'none' | 'one' | 'two' | 'many';

/** What kind of value: a value of the column's type, a whole number (the "x" of last-x-days…), or a fiscal period/year. */
export type ValueKind = 'column' | 'integer';

export interface OperatorFact {
  description: string;
  /** Empty: the reference lists no data type ("N/A"). */
  types: readonly FetchDataType[];
  shape: ValueShape;
  valueKind: ValueKind;
}

const D: FetchDataType = 'datetime';
const ALL: readonly FetchDataType[] = ['choice', 'datetime', 'hierarchical', 'number', 'owner', 'string', 'uniqueidentifier'];
const NUM_DATE_STRING: readonly FetchDataType[] = ['number', 'datetime', 'string'];

function op(description: string, types: readonly FetchDataType[], shape: ValueShape, valueKind: ValueKind = 'column'): OperatorFact {
  return { description, types, shape, valueKind };
}

/** The condition operators, as Microsoft's "condition operator values" page lists them. */
export const conditionOperators: Readonly<Record<string, OperatorFact>> = {
  above: op("Returns all records in the referenced record's hierarchical ancestry line.", ['hierarchical'], 'one'),
  'begins-with': op('The string occurs at the beginning of another string.', ['string'], 'one'),
  between: op('The value is between two values.', ['number', D], 'two'),
  'contain-values': op('The choice value is one of the specified values.', ['choice'], 'many'),
  'ends-with': op('The string ends with another string.', ['string'], 'one'),
  eq: op('The values are compared for equality.', ALL, 'one'),
  'eq-businessid': op('The value is equal to the specified business ID.', ['uniqueidentifier'], 'none'),
  'eq-or-above': op('Returns the referenced record and all records above it in the hierarchy.', ['hierarchical'], 'one'),
  'eq-or-under': op('Returns the referenced record and all child records below it in the hierarchy.', ['hierarchical'], 'one'),
  'eq-userid': op('The value is equal to the specified user ID.', ['uniqueidentifier'], 'none'),
  'eq-userlanguage': op('The value is equal to the language for the user.', ['number'], 'none'),
  'eq-useroruserhierarchy': op('When hierarchical security models are used, equals the current user or their reporting hierarchy.', ['hierarchical'], 'none'),
  'eq-useroruserhierarchyandteams': op('When hierarchical security models are used, equals the current user and their teams or their reporting hierarchy and their teams.', ['hierarchical'], 'none'),
  'eq-useroruserteams': op('The record is owned by the user or by teams the user is a member of.', ['owner'], 'none'),
  'eq-userteams': op('The record is owned by the user or by teams the user is a member of.', ['owner'], 'none'),
  ge: op('The value is greater than or equal to the compared value.', NUM_DATE_STRING, 'one'),
  gt: op('The value is greater than the compared value.', NUM_DATE_STRING, 'one'),
  in: op('The value exists in a list of values.', ['choice', 'number', 'owner', 'string', 'uniqueidentifier'], 'many'),
  'in-fiscal-period': op('The value is within the specified fiscal period.', [D], 'one', 'integer'),
  'in-fiscal-period-and-year': op('The value is within the specified fiscal period and year.', [D], 'two', 'integer'),
  'in-fiscal-year': op('The value is within the specified year.', [D], 'one', 'integer'),
  'in-or-after-fiscal-period-and-year': op('The value is within or after the specified fiscal period and year.', [D], 'two', 'integer'),
  'in-or-before-fiscal-period-and-year': op('The value is within or before the specified fiscal period and year.', [D], 'two', 'integer'),
  'last-fiscal-period': op('The value is within the previous fiscal period.', [D], 'none'),
  'last-fiscal-year': op('The value is within the previous fiscal year.', [D], 'none'),
  'last-month': op('The value is within the previous month, first to last day.', [D], 'none'),
  'last-seven-days': op('The value is within the previous seven days, including today.', [D], 'none'),
  'last-week': op('The value is within the previous week, Sunday through Saturday.', [D], 'none'),
  'last-x-days': op('The value is within the previous x days.', [D], 'one', 'integer'),
  'last-x-fiscal-periods': op('The value is within the previous x fiscal periods.', [D], 'one', 'integer'),
  'last-x-fiscal-years': op('The value is within the previous x fiscal years.', [D], 'one', 'integer'),
  'last-x-hours': op('The value is within the previous x hours (not for date-only columns).', [D], 'one', 'integer'),
  'last-x-months': op('The value is within the previous x months.', [D], 'one', 'integer'),
  'last-x-weeks': op('The value is within the previous x weeks.', [D], 'one', 'integer'),
  'last-x-years': op('The value is within the previous x years.', [D], 'one', 'integer'),
  'last-year': op('The value is within the previous year.', [D], 'none'),
  le: op('The value is less than or equal to the compared value.', NUM_DATE_STRING, 'one'),
  like: op('The character string matches the pattern (wildcards: %, _, [ ], [^ ]).', ['string'], 'one'),
  lt: op('The value is less than the compared value.', NUM_DATE_STRING, 'one'),
  ne: op('The two values are not equal.', ALL, 'one'),
  'ne-businessid': op('The value is not equal to the specified business ID.', ['uniqueidentifier'], 'none'),
  'ne-userid': op('The value is not equal to the specified user ID.', ['uniqueidentifier'], 'none'),
  neq: op('Deprecated: use ne.', [], 'one'),
  'next-fiscal-period': op('The value is within the next fiscal period.', [D], 'none'),
  'next-fiscal-year': op('The value is within the next fiscal year.', [D], 'none'),
  'next-month': op('The value is within the next month.', [D], 'none'),
  'next-seven-days': op('The value is within the next seven days.', [D], 'none'),
  'next-week': op('The value is within the next week.', [D], 'none'),
  'next-x-days': op('The value is within the next x days.', [D], 'one', 'integer'),
  'next-x-fiscal-periods': op('The value is within the next x fiscal periods.', [D], 'one', 'integer'),
  'next-x-fiscal-years': op('The value is within the next x fiscal years.', [D], 'one', 'integer'),
  'next-x-hours': op('The value is within the next x hours (not for date-only columns).', [D], 'one', 'integer'),
  'next-x-months': op('The value is within the next x months.', [D], 'one', 'integer'),
  'next-x-weeks': op('The value is within the next x weeks.', [D], 'one', 'integer'),
  'next-x-years': op('The value is within the next x years.', [D], 'one', 'integer'),
  'next-year': op('The value is within the next year.', [D], 'none'),
  'not-begin-with': op('The string does not begin with another string.', ['string'], 'one'),
  'not-between': op('The value is not between two values.', ['number', D], 'two'),
  'not-contain-values': op('The choice value is not one of the specified values.', ['choice'], 'many'),
  'not-end-with': op('The string does not end with another string.', ['string'], 'one'),
  'not-in': op('The given value is not matched to a value in a list.', ['number'], 'many'),
  'not-like': op('The character string does not match the pattern.', ['string'], 'one'),
  'not-null': op('The value is not null.', ALL, 'none'),
  'not-under': op('Returns all records not below the referenced record in the hierarchy.', ['hierarchical'], 'one'),
  null: op('The value is null.', ALL, 'none'),
  'olderthan-x-days': op('The value is older than the specified number of days.', [D], 'one', 'integer'),
  'olderthan-x-hours': op('The value is older than the specified number of hours.', [D], 'one', 'integer'),
  'olderthan-x-minutes': op('The value is older than the specified number of minutes.', [D], 'one', 'integer'),
  'olderthan-x-months': op('The value is older than the specified number of months.', [D], 'one', 'integer'),
  'olderthan-x-weeks': op('The value is older than the specified number of weeks.', [D], 'one', 'integer'),
  'olderthan-x-years': op('The value is older than the specified number of years.', [D], 'one', 'integer'),
  on: op('The value is on the specified date.', [D], 'one'),
  'on-or-after': op('The value is on or after the specified date.', [D], 'one'),
  'on-or-before': op('The value is on or before the specified date.', [D], 'one'),
  'this-fiscal-period': op('The value is within the current fiscal period.', [D], 'none'),
  'this-fiscal-year': op('The value is within the current fiscal year.', [D], 'none'),
  'this-month': op('The value is within the current month.', [D], 'none'),
  'this-week': op('The value is within the current week.', [D], 'none'),
  'this-year': op('The value is within the current year.', [D], 'none'),
  today: op("The value equals today's date.", [D], 'none'),
  tomorrow: op("The value equals tomorrow's date.", [D], 'none'),
  under: op('Returns all child records below the referenced record in the hierarchy.', ['hierarchical'], 'one'),
  yesterday: op("The value equals yesterday's date.", [D], 'none'),
};

/** One XML attribute of a FetchXML element. */
export interface AttributeFact {
  description: string;
  required?: boolean;
  /** The closed set of values, when there is one. */
  values?: readonly string[];
  /** What the value names, for completion and checking against the model. */
  kind?: 'boolean' | 'positive-integer' | 'entity' | 'attribute' | 'link-from' | 'link-to' | 'operator' | 'alias-ref';
}

export interface ElementFact {
  description: string;
  attributes: Readonly<Record<string, AttributeFact>>;
  children: readonly string[];
  /** Text content allowed (the `value` element). */
  text?: boolean;
}

const BOOL = ['true', 'false'] as const;

export const linkTypes: Readonly<Record<string, string>> = {
  inner: 'Default. Restricts results to rows with matching values in both tables.',
  outer: "Includes results from the parent element that don't have a matching value.",
  any: 'Filter link type (inside a filter): parent rows with matching rows in the linked entity.',
  'not any': 'Filter link type (inside a filter): parent rows with no matching rows in the linked entity.',
  all: 'Filter link type (inside a filter): parent rows where every matching linked row satisfies the link-entity filters (including parents with no linked rows).',
  'not all': 'Filter link type (inside a filter): parent rows where at least one matching linked row does not satisfy the link-entity filters.',
  exists: 'Like inner, with an exists condition: each parent row at most once; no columns from the linked entity.',
  in: 'Like inner, with an in condition: each parent row at most once; no columns from the linked entity.',
  matchfirstrowusingcrossapply: 'Like outer, but with the columns of one matching linked row at most.',
};

/** Link types that must be inside a filter and return no columns (the reference's "Filter Link Types"). */
export const filterLinkTypes: readonly string[] = ['any', 'not any', 'all', 'not all'];
/** Link types that return no columns from the linked entity. */
export const noColumnLinkTypes: readonly string[] = [...filterLinkTypes, 'exists', 'in'];

export const aggregateFunctions: Readonly<Record<string, string>> = {
  avg: 'The average value of the column values with data.',
  count: 'The number of rows.',
  countcolumn: 'The number of rows with data in that column.',
  max: 'The maximum value of the rows in that column.',
  min: 'The minimum value of the rows in that column.',
  sum: 'The total value of the column values with data.',
};

export const dateGroupings: Readonly<Record<string, string>> = {
  day: 'Group by day.',
  week: 'Group by week.',
  month: 'Group by month.',
  quarter: 'Group by quarter.',
  year: 'Group by year.',
  'fiscal-period': 'Group by fiscal period.',
  'fiscal-year': 'Group by fiscal year.',
};

/** The most rows `top` may ask for (fetch element page). */
export const MAX_TOP = 5000;

export const elements: Readonly<Record<string, ElementFact>> = {
  fetch: {
    description: 'The root element of a FetchXML query.',
    children: ['entity'],
    attributes: {
      aggregate: { description: 'Whether the query returns aggregate values.', values: BOOL, kind: 'boolean' },
      aggregatelimit: { description: 'A limit below the standard 50,000-record aggregate limit.', kind: 'positive-integer' },
      count: { description: 'The number of records to return in a page.', kind: 'positive-integer' },
      datasource: { description: "Set to 'retained' to query only rows kept by long-term data retention.", values: ['retained'] },
      distinct: { description: 'Whether duplicate rows are left out of the results.', values: BOOL, kind: 'boolean' },
      latematerialize: { description: 'Break the query into smaller parts and reassemble the results (may help long-running queries).', values: BOOL, kind: 'boolean' },
      'no-lock': { description: 'Legacy setting to prevent shared locks on records; no longer necessary.', values: BOOL, kind: 'boolean' },
      options: { description: 'SQL Server hints, comma-separated; only when Microsoft support recommends them.' },
      page: { description: 'The page number to return.', kind: 'positive-integer' },
      'paging-cookie': { description: 'The paging cookie from the previous page, to retrieve the next page efficiently.' },
      returntotalrecordcount: { description: 'Whether the total number of matching records is returned.', values: BOOL, kind: 'boolean' },
      top: { description: "The number of records to return (at most 5,000). Don't use with page, count or returntotalrecordcount.", kind: 'positive-integer' },
      useraworderby: { description: 'Sort choice columns by their integer value rather than by their labels.', values: BOOL, kind: 'boolean' },
      version: { description: 'Legacy version attribute, ignored.' },
      'output-format': { description: 'Legacy output format attribute.' },
      mapping: { description: "Legacy attribute ('logical').", values: ['logical'] },
      'min-active-row-version': { description: 'Legacy attribute.', values: BOOL, kind: 'boolean' },
    },
  },
  entity: {
    description: "The query's main table: the one child of fetch.",
    children: ['all-attributes', 'attribute', 'order', 'link-entity', 'filter'],
    attributes: {
      name: { description: 'The logical name of the table.', required: true, kind: 'entity' },
      enableprefiltering: { description: 'Enable pre-filtering (reports).', values: BOOL, kind: 'boolean' },
      prefilterparametername: { description: 'The pre-filter parameter name (reports).' },
    },
  },
  'link-entity': {
    description: 'Joins a table related to the entity or link-entity; inside a filter (any, not any, all, not all) it filters on related rows.',
    children: ['all-attributes', 'attribute', 'order', 'link-entity', 'filter'],
    attributes: {
      name: { description: 'The logical name of the related table.', required: true, kind: 'entity' },
      from: { description: 'The column of the related table (this link-entity) that matches the to column of the parent.', kind: 'link-from' },
      to: { description: 'The column of the parent element that matches the from column of the related table.', kind: 'link-to' },
      alias: { description: 'The name of the related table in the results (prefix of its columns).' },
      'link-type': { description: 'The kind of join.', values: Object.keys(linkTypes) },
      intersect: { description: 'The link-entity joins tables and returns no columns (many-to-many intersect tables).', values: BOOL, kind: 'boolean' },
      visible: { description: 'Legacy attribute.', values: BOOL, kind: 'boolean' },
      enableprefiltering: { description: 'Enable pre-filtering (reports).', values: BOOL, kind: 'boolean' },
      prefilterparametername: { description: 'The pre-filter parameter name (reports).' },
    },
  },
  attribute: {
    description: 'A column of the entity or link-entity to return.',
    children: [],
    attributes: {
      name: { description: 'The logical name of the column.', required: true, kind: 'attribute' },
      alias: { description: 'The name of the column in the results; required on every attribute of an aggregate query.' },
      aggregate: { description: 'The aggregate function to apply.', values: Object.keys(aggregateFunctions) },
      groupby: { description: 'Group the aggregate by this column.', values: BOOL, kind: 'boolean' },
      dategrouping: { description: 'When grouping by a date column, the date part to group by.', values: Object.keys(dateGroupings) },
      distinct: { description: 'With countcolumn: count only distinct values.', values: BOOL, kind: 'boolean' },
      rowaggregate: { description: "'CountChildren': include the number of child records in the hierarchy.", values: ['CountChildren'] },
      usertimezone: { description: "Group dates in the user's time zone (true, the default) or in UTC (false).", values: BOOL, kind: 'boolean' },
      build: { description: 'Legacy attribute.' },
    },
  },
  'all-attributes': {
    description: 'Return every non-null column of each row (the same as no attribute element). Not recommended in most cases.',
    children: [],
    attributes: {},
  },
  order: {
    description: 'A sort order for the rows of the results.',
    children: [],
    attributes: {
      attribute: { description: 'The name of the column to sort by.', kind: 'attribute' },
      alias: { description: 'The alias of the attribute element to sort by (aggregate queries).', kind: 'alias-ref' },
      descending: { description: 'Sort in descending order.', values: BOOL, kind: 'boolean' },
      entityname: { description: 'The alias of a link-entity whose column to sort by, so its order is not applied last.' },
    },
  },
  filter: {
    description: 'Conditions for the rows of the entity or link-entity.',
    children: ['condition', 'filter', 'link-entity'],
    attributes: {
      type: { description: 'and: all conditions must be met (default); or: any one.', values: ['and', 'or'] },
      hint: { description: "'union': a hint for a specific kind of or query.", values: ['union'] },
      isquickfindfields: { description: 'Run the query as a quick find query.', values: BOOL, kind: 'boolean' },
      overridequickfindrecordlimitenabled: { description: 'Apply the quick find record limit.', values: BOOL, kind: 'boolean' },
      overridequickfindrecordlimitdisabled: { description: 'Bypass the quick find record limit.', values: BOOL, kind: 'boolean' },
    },
  },
  condition: {
    description: 'A condition on the values of a row; the operator says how to compare.',
    children: ['value'],
    attributes: {
      attribute: { description: 'The name of the column to test.', kind: 'attribute' },
      entityname: { description: 'The name or alias of a link-entity the condition applies to (after an outer join).' },
      operator: { description: 'How to compare.', required: true, kind: 'operator', values: Object.keys(conditionOperators) },
      value: { description: 'The value to compare with (operators that take one value).' },
      valueof: { description: 'The name of another column of the same table to compare with.', kind: 'attribute' },
      uiname: { description: 'Display name of a lookup value (saved views).' },
      uitype: { description: 'Table of a lookup value (saved views).' },
      uihidden: { description: 'Legacy attribute.' },
    },
  },
  value: {
    description: 'One value for operators that take several (in, between…).',
    children: [],
    text: true,
    attributes: {
      uiname: { description: 'Display name of a lookup value (saved views).' },
      uitype: { description: 'Table of a lookup value (saved views).' },
    },
  },
};

/** Web API query functions (`Microsoft.Dynamics.CRM.<Name>(PropertyName=…,PropertyValue(s)=…)`) and their FetchXML operators. */
export const queryFunctionOperators: Readonly<Record<string, string>> = {
  Above: 'above',
  AboveOrEqual: 'eq-or-above',
  Between: 'between',
  ContainValues: 'contain-values',
  DoesNotContainValues: 'not-contain-values',
  EqualBusinessId: 'eq-businessid',
  EqualUserId: 'eq-userid',
  EqualUserLanguage: 'eq-userlanguage',
  EqualUserOrUserHierarchy: 'eq-useroruserhierarchy',
  EqualUserOrUserHierarchyAndTeams: 'eq-useroruserhierarchyandteams',
  EqualUserOrUserTeams: 'eq-useroruserteams',
  EqualUserTeams: 'eq-userteams',
  In: 'in',
  InFiscalPeriod: 'in-fiscal-period',
  InFiscalPeriodAndYear: 'in-fiscal-period-and-year',
  InFiscalYear: 'in-fiscal-year',
  InOrAfterFiscalPeriodAndYear: 'in-or-after-fiscal-period-and-year',
  InOrBeforeFiscalPeriodAndYear: 'in-or-before-fiscal-period-and-year',
  Last7Days: 'last-seven-days',
  LastFiscalPeriod: 'last-fiscal-period',
  LastFiscalYear: 'last-fiscal-year',
  LastMonth: 'last-month',
  LastWeek: 'last-week',
  LastXDays: 'last-x-days',
  LastXFiscalPeriods: 'last-x-fiscal-periods',
  LastXFiscalYears: 'last-x-fiscal-years',
  LastXHours: 'last-x-hours',
  LastXMonths: 'last-x-months',
  LastXWeeks: 'last-x-weeks',
  LastXYears: 'last-x-years',
  LastYear: 'last-year',
  Next7Days: 'next-seven-days',
  NextFiscalPeriod: 'next-fiscal-period',
  NextFiscalYear: 'next-fiscal-year',
  NextMonth: 'next-month',
  NextWeek: 'next-week',
  NextXDays: 'next-x-days',
  NextXFiscalPeriods: 'next-x-fiscal-periods',
  NextXFiscalYears: 'next-x-fiscal-years',
  NextXHours: 'next-x-hours',
  NextXMonths: 'next-x-months',
  NextXWeeks: 'next-x-weeks',
  NextXYears: 'next-x-years',
  NextYear: 'next-year',
  NotBetween: 'not-between',
  NotEqualBusinessId: 'ne-businessid',
  NotEqualUserId: 'ne-userid',
  NotIn: 'not-in',
  NotUnder: 'not-under',
  OlderThanXDays: 'olderthan-x-days',
  OlderThanXHours: 'olderthan-x-hours',
  OlderThanXMinutes: 'olderthan-x-minutes',
  OlderThanXMonths: 'olderthan-x-months',
  OlderThanXWeeks: 'olderthan-x-weeks',
  OlderThanXYears: 'olderthan-x-years',
  On: 'on',
  OnOrAfter: 'on-or-after',
  OnOrBefore: 'on-or-before',
  ThisFiscalPeriod: 'this-fiscal-period',
  ThisFiscalYear: 'this-fiscal-year',
  ThisMonth: 'this-month',
  ThisWeek: 'this-week',
  ThisYear: 'this-year',
  Today: 'today',
  Tomorrow: 'tomorrow',
  Under: 'under',
  UnderOrEqual: 'eq-or-under',
  Yesterday: 'yesterday',
};

/** OData comparison operators and their FetchXML operators. */
export const comparisonOperators: Readonly<Record<string, string>> = { eq: 'eq', ne: 'ne', gt: 'gt', ge: 'ge', lt: 'lt', le: 'le' };

/** The Edm types of `$metadata` and the operator data types they can stand for (`$metadata` cannot tell choice from number). */
export function dataTypesOfEdm(edm: string, isLookup: boolean, isKey: boolean): readonly FetchDataType[] {
  if (isLookup) return ['uniqueidentifier', 'owner', 'hierarchical'];
  switch (edm) {
    case 'Edm.String':
      return ['string', 'choice']; // a multi-select choice column is an Edm.String in $metadata
    case 'Edm.Int16':
    case 'Edm.Int32':
    case 'Edm.Int64':
    case 'Edm.Byte':
    case 'Edm.SByte':
      return ['number', 'choice']; // choice columns are Edm.Int32 in $metadata
    case 'Edm.Decimal':
    case 'Edm.Double':
    case 'Edm.Single':
      return ['number'];
    case 'Edm.Boolean':
      return ['choice']; // Yes/No columns are two-option choices
    case 'Edm.DateTimeOffset':
    case 'Edm.Date':
      return ['datetime'];
    case 'Edm.Guid':
      return isKey ? ['uniqueidentifier', 'hierarchical'] : ['uniqueidentifier', 'owner'];
    default:
      return [];
  }
}

/** Diagnostic codes of FetchXML, with severities and message templates (`{placeholders}`). Never change a code's meaning. */
export const fetchXmlCodes = {
  'fetchxml.malformed': { severity: 'error', message: '{detail}' },
  'fetchxml.unknown-element': { severity: 'error', message: "'<{name}>' is not allowed inside <{parent}>. Allowed here: {allowed}." },
  'fetchxml.unknown-xml-attribute': { severity: 'error', message: "'{name}' is not an attribute of <{element}>. Its attributes: {allowed}." },
  'fetchxml.missing-xml-attribute': { severity: 'error', message: "<{element}> needs the '{name}' attribute." },
  'fetchxml.invalid-value': { severity: 'error', message: "'{value}' is not a valid value of {attribute}: use {allowed}." },
  'fetchxml.unknown-entity': { severity: 'error', message: "Unknown table '{name}': no entity type of that logical name in the environment's metadata." },
  'fetchxml.unknown-attribute': { severity: 'error', message: "'{name}' is not a column of {entity}." },
  'fetchxml.unrelated-link': { severity: 'warning', message: "No relationship in the metadata joins {entity}.{from} to {parent}.{to}. Check from/to (from is a column of {entity}, to a column of {parent})." },
  'fetchxml.unknown-operator': { severity: 'error', message: "Unknown condition operator '{name}'." },
  'fetchxml.operator-type': { severity: 'warning', message: "The operator '{operator}' is for {types} columns; '{attribute}' is {actual}." },
  'fetchxml.value-count': { severity: 'error', message: '{detail}' },
  'fetchxml.value-type': { severity: 'error', message: "'{value}' is not a valid {type} value for '{attribute}'." },
  'fetchxml.aggregate-alias': { severity: 'error', message: 'In an aggregate query every attribute needs an alias.' },
  'fetchxml.aggregate-attribute': { severity: 'error', message: "In an aggregate query (fetch aggregate='true') every attribute needs aggregate='…' or groupby='true'." },
  'fetchxml.aggregate-not-enabled': { severity: 'error', message: "'{name}' is only used in aggregate queries: add aggregate='true' to <fetch>." },
  'fetchxml.aggregate-all-attributes': { severity: 'error', message: 'An aggregate query cannot use <all-attributes>: list the attributes with aggregate or groupby.' },
  'fetchxml.dategrouping-type': { severity: 'error', message: "dategrouping is for date columns; '{attribute}' is {actual}." },
  'fetchxml.top-with-paging': { severity: 'error', message: "Don't use top together with {other}: use count (and page) to page, or top alone." },
  'fetchxml.top-too-large': { severity: 'error', message: 'top can be at most 5,000.' },
  'fetchxml.duplicate-alias': { severity: 'error', message: "The alias '{name}' is used more than once; every alias must be unique." },
  'fetchxml.filter-link-outside-filter': { severity: 'error', message: "link-type '{type}' filters on related rows: put this link-entity inside a <filter>." },
  'fetchxml.columns-not-returned': { severity: 'warning', message: "A link-entity with link-type '{type}' returns no columns; this <{element}> is ignored." },
  'fetchxml.not-fetch': { severity: 'error', message: 'A FetchXML query starts with <fetch>.' },
  'fetchxml.missing-entity': { severity: 'error', message: '<fetch> needs one <entity name="…"> child.' },
} as const satisfies Record<string, { severity: 'error' | 'warning' | 'info'; message: string }>;

export type FetchXmlCode = keyof typeof fetchXmlCodes;
