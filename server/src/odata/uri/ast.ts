/**
 * The syntax tree of an OData URL (resource path + query options), as produced by the recovering parser.
 *
 * Every node carries `span`: offsets into the ORIGINAL text given to the parser (before percent-decoding),
 * so ranges map straight back to the editor. Names and literal values are stored decoded.
 * The parser knows no model: an identifier segment may turn out to be an entity set, a navigation
 * property, a cast, an operation… — the binder decides (binder.ts).
 */

export interface Span {
  /** Offset of the first character, in the original text. */
  start: number;
  /** Offset after the last character. */
  end: number;
}

export interface SyntaxError {
  code: string; // see diagnosticCodes.ts, e.g. 'syntax.unexpected-token'
  message: string;
  span: Span;
}

// ---------------------------------------------------------------------------------------------------------
// The whole URL
// ---------------------------------------------------------------------------------------------------------

export interface ODataUri {
  kind: 'Uri';
  span: Span;
  /** `https://host/api/data/v9.2/` or `[Organization URI]/api/data/v9.2/` prefix that was recognised and skipped, if any. */
  serviceRoot?: Span;
  path: ResourcePath;
  /** In source order; includes system, custom and parameter-alias options. */
  queryOptions: QueryOption[];
  /** Span of the query part after `?` (undefined when there is no `?`). */
  querySpan?: Span;
  errors: SyntaxError[];
  /**
   * Forms the Dynamics services accept although the OASIS grammar does not (space around '=', a trailing comma
   * in $select, a trailing '/', single-quoted JSON, '+' for a space …): warnings with their own codes. Empty in
   * strict mode, where the same forms are errors.
   */
  warnings?: SyntaxError[];
}

// ---------------------------------------------------------------------------------------------------------
// Resource path
// ---------------------------------------------------------------------------------------------------------

export interface ResourcePath {
  kind: 'ResourcePath';
  span: Span;
  segments: PathSegment[];
}

export type PathSegment = IdentifierSegment | KeywordSegment;

/**
 * `accounts`, `accounts(guid)`, `accounts(accountnumber='x')`, `Microsoft.Dynamics.CRM.WhoAmI()`,
 * `Namespace.DerivedType`, `Fn(p=@a)`, `people('x')` ...
 */
export interface IdentifierSegment {
  kind: 'Identifier';
  span: Span;
  /** Decoded, possibly namespace-qualified name (`Microsoft.Dynamics.CRM.WinOpportunity`). */
  name: string;
  nameSpan: Span;
  /**
   * The parenthesised part directly after the name, if any: a key predicate or operation parameters
   * (syntactically the same; the binder decides). `()` gives an empty list.
   */
  args?: ArgumentList;
  /** A second parenthesised group, e.g. a key after a function call `Fn()(1)`; rare. */
  keyAfterCall?: ArgumentList;
  /**
   * Set when the segment is not an OData identifier but a key-as-segment value or an ordinal index
   * (`Orders/1`, `People/O'Neil`, `Addresses/-1`); `name` then holds the decoded text.
   */
  keyAsSegment?: boolean;
}

export interface KeywordSegment {
  kind: 'Keyword';
  span: Span;
  name: '$count' | '$ref' | '$value' | '$each' | '$batch' | '$metadata' | '$entity' | '$all' | '$crossjoin' | '$root' | '$query' | string;
  /** `$crossjoin(a,b)` names, `$filter(...)` path segments (4.01) etc. */
  args?: ArgumentList;
}

export interface ArgumentList {
  kind: 'ArgumentList';
  span: Span;
  args: Argument[];
}

/** `value` (positional) or `name=value` (named). */
export interface Argument {
  kind: 'Argument';
  span: Span;
  name?: string;
  nameSpan?: Span;
  value: Expression;
  /** `case(cond:result, …)`: the result after the colon (`value` holds the condition). */
  result?: Expression;
}

// ---------------------------------------------------------------------------------------------------------
// Query options
// ---------------------------------------------------------------------------------------------------------

export type QueryOption =
  | FilterOption
  | SelectOption
  | ExpandOption
  | OrderByOption
  | IntegerOption
  | CountOption
  | SearchOption
  | ApplyOption
  | ComputeOption
  | LevelsOption
  | TemporalOption
  | RawOption
  | AliasOption
  | CustomOption
  | UnknownSystemOption;

interface OptionBase {
  span: Span;
  /** Decoded option name as written (`$filter`, `filter` when the `$` is omitted in 4.01, `@p1`, `cross-company`). */
  name: string;
  nameSpan: Span;
  /** Span of the text after `=` (empty span at the `=` when the value is empty; undefined when there is no `=`). */
  valueSpan?: Span;
}

export interface FilterOption extends OptionBase {
  kind: '$filter';
  expression?: Expression;
}

export interface SelectOption extends OptionBase {
  kind: '$select';
  items: SelectItem[];
}

export interface ExpandOption extends OptionBase {
  kind: '$expand';
  items: ExpandItem[];
}

export interface OrderByOption extends OptionBase {
  kind: '$orderby';
  items: OrderByItem[];
}

/** `$top`, `$skip`, `$index`. */
export interface IntegerOption extends OptionBase {
  kind: '$top' | '$skip' | '$index';
  value?: number;
}

export interface CountOption extends OptionBase {
  kind: '$count';
  value?: boolean;
}

export interface LevelsOption extends OptionBase {
  kind: '$levels';
  /** A number or 'max'. */
  value?: number | 'max';
}

export interface SearchOption extends OptionBase {
  kind: '$search';
  expression?: SearchExpression;
}

export interface ApplyOption extends OptionBase {
  kind: '$apply';
  transformations: Transformation[];
}

export interface ComputeOption extends OptionBase {
  kind: '$compute';
  items: ComputeItem[];
}

/** Temporal (OData Temporal extension): `$at`, `$from`, `$to`, `$toInclusive` with `min`, `max` or an expression. */
export interface TemporalOption extends OptionBase {
  kind: '$at' | '$from' | '$to' | '$toInclusive';
  expression?: Expression;
}

/** `$format`, `$skiptoken`, `$deltatoken`, `$schemaversion`, `$id` ... kept as decoded text. */
export interface RawOption extends OptionBase {
  kind: '$format' | '$skiptoken' | '$deltatoken' | '$schemaversion' | '$id';
  raw: string;
}

/** A `$`-option the grammar does not know (`$fitler=...`): `name` says what was written. */
export interface UnknownSystemOption extends OptionBase {
  kind: 'unknown';
  raw: string;
}

/** `@p1=value` */
export interface AliasOption extends OptionBase {
  kind: 'alias';
  value?: Expression;
}

/** Any non-`$` option (`cross-company=true`, `api-version=...`). */
export interface CustomOption extends OptionBase {
  kind: 'custom';
  raw: string;
}

export interface SelectItem {
  kind: 'SelectItem';
  span: Span;
  /** `name`, `Ns.Type/name`, `complex/name`, `*`, `Ns.*`, `Ns.Action`. */
  path: PathExpression;
  /** 4.01 nested options on select items, e.g. `addresses($filter=...)`. */
  options?: QueryOption[];
  optionsSpan?: Span;
}

export interface ExpandItem {
  kind: 'ExpandItem';
  span: Span;
  /** `nav`, `complex/nav`, `Ns.Type/nav`, `*`. The final segment may be `$ref` or `$count`. */
  path: PathExpression;
  /** Nested options inside `(...)`, separated by `;`. */
  options: QueryOption[];
  /** Span of the parentheses including them, when present. */
  optionsSpan?: Span;
}

export interface OrderByItem {
  kind: 'OrderByItem';
  span: Span;
  expression: Expression;
  direction?: 'asc' | 'desc';
  directionSpan?: Span;
}

export interface ComputeItem {
  kind: 'ComputeItem';
  span: Span;
  expression: Expression;
  alias?: string;
  aliasSpan?: Span;
}

// ---------------------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------------------

export type Expression =
  | LiteralExpression
  | JsonExpression
  | PathExpression
  | CallExpression
  | BinaryExpression
  | UnaryExpression
  | ListExpression
  | AliasExpression
  | ErrorExpression;

export type LiteralType =
  | 'null'
  | 'boolean'
  | 'int' // integer literal without suffix; value is a number (or string when beyond 2^53)
  | 'decimal'
  | 'double' // includes INF, -INF, NaN and exponent forms
  | 'string'
  | 'guid'
  | 'date'
  | 'dateTimeOffset'
  | 'timeOfDay'
  | 'duration'
  | 'binary'
  | 'enum' // Namespace.EnumType'Member' (typeName holds the type)
  | 'geography'
  | 'geometry';

export interface LiteralExpression {
  kind: 'Literal';
  span: Span;
  type: LiteralType;
  /** Decoded value: string without quotes and with `''` undone; number; boolean; null; or the literal text. */
  value: string | number | boolean | null;
  /** Source text of the literal, decoded. */
  raw: string;
  /** For enum and typed literals (`duration'P1D'`, `Ns.Color'Red'`). */
  typeName?: string;
}

/** A JSON array or object value (`["a","b"]`, `{"x":1}`), for `in`, parameter values and aliases. */
export interface JsonExpression {
  kind: 'Json';
  span: Span;
  /** Parsed value when valid JSON. */
  value: unknown;
  raw: string;
}

/**
 * A member path: `name`, `nav/prop`, `$it/x`, `$this`, `$root/accounts(…)/name`, `Ns.Type/prop`,
 * `e/subject` (lambda variable first), `nav/$count`, `nav/any(e:…)`, `nav/Ns.BoundFunction(…)`.
 */
export interface PathExpression {
  kind: 'Path';
  span: Span;
  segments: PathSegmentExpression[];
  /** Lambda applied at the end: `nav/any(e: body)`. */
  lambda?: LambdaExpression;
}

export interface PathSegmentExpression {
  kind: 'PathSegment';
  span: Span;
  /** Decoded name, possibly qualified (`Ns.Type`), `$it`, `$this`, `$root`, `$count`, `*`, `Ns.*`. */
  name: string;
  /** Key predicate or function arguments written right after the name. */
  args?: ArgumentList;
  /** 4.01 `$count($filter=...)` / `nav/$count($search=...)` options. */
  options?: QueryOption[];
  /** A second parenthesised group after the first, e.g. a key after `$filter(...)`: `$filter(Age gt 3)(ID='x')`. */
  key?: ArgumentList;
  /** Data Aggregation: `Sales/aggregate(Amount with sum)`; the segment name is `aggregate`. */
  aggregate?: AggregateItem;
}

export interface LambdaExpression {
  kind: 'Lambda';
  span: Span;
  operator: 'any' | 'all';
  operatorSpan: Span;
  /** Absent for the `any()` form. */
  variable?: string;
  variableSpan?: Span;
  body?: Expression;
}

/**
 * Function call: canonical (`contains(a,b)`, `now()`, `cast(x,Edm.String)`, `isof(Ns.T)`) or
 * namespace-qualified (`Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)`).
 * Type-name arguments of cast/isof appear as PathExpression with one qualified segment.
 */
export interface CallExpression {
  kind: 'Call';
  span: Span;
  name: string;
  nameSpan: Span;
  args: ArgumentList;
  /** `$apply`: the preserving transformations of `rolluprecursive(…, trafos)`. */
  transformations?: Transformation[];
}

export type BinaryOperator =
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'has' | 'in'
  | 'and' | 'or'
  | 'add' | 'sub' | 'mul' | 'div' | 'divby' | 'mod';

export interface BinaryExpression {
  kind: 'Binary';
  span: Span;
  operator: BinaryOperator;
  operatorSpan: Span;
  left: Expression;
  /** Missing when the input ended or broke after the operator. */
  right?: Expression;
}

export interface UnaryExpression {
  kind: 'Unary';
  span: Span;
  operator: 'not' | '-';
  operatorSpan: Span;
  operand?: Expression;
}

/** Parenthesised list `(1,2,3)` (right side of `in`); a single parenthesised expression is not a list. */
export interface ListExpression {
  kind: 'List';
  span: Span;
  items: Expression[];
}

/** `@p1` */
export interface AliasExpression {
  kind: 'Alias';
  span: Span;
  name: string;
}

/** Placeholder where the parser recovered from an error. */
export interface ErrorExpression {
  kind: 'Error';
  span: Span;
}

// ---------------------------------------------------------------------------------------------------------
// $search
// ---------------------------------------------------------------------------------------------------------

export type SearchExpression =
  | { kind: 'SearchTerm'; span: Span; text: string; phrase: boolean }
  | { kind: 'SearchBinary'; span: Span; operator: 'AND' | 'OR'; left: SearchExpression; right?: SearchExpression }
  | { kind: 'SearchNot'; span: Span; operand?: SearchExpression };

// ---------------------------------------------------------------------------------------------------------
// $apply (OData Data Aggregation)
// ---------------------------------------------------------------------------------------------------------

export type Transformation =
  | AggregateTransformation
  | GroupByTransformation
  | ExpressionTransformation
  | ComputeTransformation
  | ConcatTransformation
  | NestTransformation
  | OtherTransformation;

export interface AggregateItem {
  kind: 'AggregateItem';
  span: Span;
  /** `revenue with sum as total`: expression=revenue. `$count as n`: expression is a `$count` path. */
  expression?: Expression;
  /** `sum`, `min`, `max`, `average`, `countdistinct`, or a qualified custom aggregation method. */
  method?: string;
  methodSpan?: Span;
  alias?: string;
  aliasSpan?: Span;
  /** `from` chain and nested forms kept loosely. */
  from?: { path: Expression; method?: string }[];
}

export interface AggregateTransformation {
  kind: 'aggregate';
  span: Span;
  nameSpan: Span;
  items: AggregateItem[];
}

export interface GroupByTransformation {
  kind: 'groupby';
  span: Span;
  nameSpan: Span;
  /** Grouping properties (paths, possibly `rollup(...)` rendered as Call). */
  properties: Expression[];
  /** Optional transformation sequence applied per group. */
  transformations: Transformation[];
}

/** `filter(expr)`, `search(...)`, `top(...)`-style transformations whose payload is an expression list. */
export interface ExpressionTransformation {
  kind: 'filter' | 'orderby' | 'skip' | 'top' | 'search' | 'expand' | 'identity' | 'topcount' | 'bottomcount' | 'topsum' | 'bottomsum' | 'toppercent' | 'bottompercent' | 'ancestors' | 'descendants' | 'traverse' | 'nest';
  span: Span;
  nameSpan: Span;
  args: Expression[];
  /** For `orderby(...)` and the order of `traverse(...)`. */
  orderBy?: OrderByItem[];
  /** For `search(...)`. */
  search?: SearchExpression;
  /** Preserving transformations of `ancestors` / `descendants` / `traverse`. */
  transformations?: Transformation[];
  /** `nest(seq as alias, …)`. */
  sequences?: AliasedSequence[];
  /** `ancestors(…, keep start)` / `descendants(…, keep start)`. */
  keepStart?: boolean;
}

/** A transformation sequence with `as alias`. */
export interface AliasedSequence {
  transformations: Transformation[];
  alias?: string;
  aliasSpan?: Span;
}

/** `addnested(path, seq as alias, …)`, `join(path as alias[, seq])`, `outerjoin(…)`. */
export interface NestTransformation {
  kind: 'addnested' | 'join' | 'outerjoin';
  span: Span;
  nameSpan: Span;
  path?: PathExpression;
  /** join/outerjoin alias. */
  alias?: string;
  aliasSpan?: Span;
  /** addnested: the aliased sequences; join: at most one sequence without alias. */
  sequences: AliasedSequence[];
}

export interface ComputeTransformation {
  kind: 'compute';
  span: Span;
  nameSpan: Span;
  items: ComputeItem[];
}

export interface ConcatTransformation {
  kind: 'concat';
  span: Span;
  nameSpan: Span;
  sequences: Transformation[][];
}

/** A namespace-qualified custom transformation or anything else the parser keeps as raw calls. */
export interface OtherTransformation {
  kind: 'other';
  span: Span;
  name: string;
  nameSpan: Span;
  args: Expression[];
  /** The parenthesised arguments with their names (`Ns.Fn(Count=1)`). */
  argList?: ArgumentList;
}

// ---------------------------------------------------------------------------------------------------------
// Parser entry points (implemented in parser.ts)
// ---------------------------------------------------------------------------------------------------------

export interface ParseOptions {
  /**
   * Text before the resource path that is a service root (e.g. `https://org.crm.dynamics.com/api/data/v9.2/`).
   * When given and the input starts with it, it is skipped. Otherwise the parser recognises absolute URLs
   * and `[Organization URI]/api/data/v9.2/`-style prefixes on its own.
   */
  serviceRoot?: string;
  /**
   * The pure OASIS grammar: what Dynamics tolerates (see `ODataUri.warnings`) is a syntax error. Default false:
   * the services' real behaviour.
   */
  strict?: boolean;
}
