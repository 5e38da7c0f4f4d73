/**
 * OData <-> FetchXML conversion, against one model. Both directions go through a small query form (`Query`): the
 * OData URL parser or the FetchXML reader fills it, a writer prints the other language. What the target cannot
 * express is a problem that names the part and why, never a silent approximation.
 *
 *   convertQuery({ model, input, to: 'fetchxml' | 'odata' }) -> { ok: true, text } | { ok: false, problems }
 *
 * Pure: no I/O.
 */
import type { ModelIndex } from '../csdl/modelIndex';
import { parseUri } from '../uri/parser';
import type { Expression, LiteralExpression, ODataUri, PathExpression, QueryOption, Transformation } from '../uri/ast';
import { analyzeFetchXml, isTrue } from './checkFetchXml';
import { conditionOperators, queryFunctionOperators } from './fetchXmlFacts';
import { columnOf, fetchXmlModel, type FetchEntity, type FetchXmlModel } from './fetchXmlModel';
import { attributeOf, escapeXml, type XmlElement } from './xmlReader';

export interface ConvertInput {
  model: ModelIndex;
  /** An OData request URL (relative to the service root, or absolute) or a FetchXML query. */
  input: string;
  to: 'fetchxml' | 'odata';
}

export type ConvertResult = { ok: true; text: string } | { ok: false; problems: string[] };

interface Column {
  name: string;
  alias?: string;
  aggregate?: string;
  groupby?: boolean;
  distinct?: boolean;
  dategrouping?: string;
}
interface Condition {
  attribute: string;
  operator: string;
  values: string[];
  /** Compared with another column of the same row (condition valueof). */
  valueof?: string;
}
interface Filter {
  type: 'and' | 'or';
  items: (Condition | Filter | Link)[];
}
interface Order {
  attribute?: string;
  alias?: string;
  descending: boolean;
}
interface Scope {
  name: string;
  columns: Column[];
  allColumns: boolean;
  orders: Order[];
  filter?: Filter;
  links: Link[];
}
interface Link extends Scope {
  kind: 'link';
  from: string;
  to: string;
  alias?: string;
  linkType?: string;
}
interface Query {
  top?: number;
  count?: number;
  page?: number;
  aggregate?: boolean;
  totalCount?: boolean;
  entity: Scope;
}

class NotExpressible extends Error {}

function fail(message: string): never {
  throw new NotExpressible(message);
}

export function convertQuery(input: ConvertInput): ConvertResult {
  const model = fetchXmlModel(input.model);
  const problems: string[] = [];
  try {
    const text = input.input.trim();
    const fromFetch = text.startsWith('<');
    if (input.to === 'fetchxml' && fromFetch) return { ok: false, problems: ['The input is already FetchXML.'] };
    if (input.to === 'odata' && !fromFetch) return { ok: false, problems: ['The input is not FetchXML (it should start with <fetch>).'] };
    const query = fromFetch ? readFetch(text, model, problems) : readOData(text, model, problems);
    if (problems.length > 0 || !query) return { ok: false, problems: problems.length > 0 ? problems : ['Nothing to convert.'] };
    return { ok: true, text: input.to === 'fetchxml' ? writeFetch(query) : writeOData(query, model) };
  } catch (error) {
    if (error instanceof NotExpressible) return { ok: false, problems: [...problems, error.message] };
    // Never an exception to the caller (the language server, the CLI, an agent tool): say what happened.
    return { ok: false, problems: [`Internal error while converting (please report it with the query): ${error instanceof Error ? error.message : String(error)}`] };
  }
}

// ------------------------------------------------------------------------------------------------ OData -> Query

function readOData(text: string, model: FetchXmlModel, problems: string[]): Query | undefined {
  const uri: ODataUri = parseUri(text.replace(/^(GET\s+)/i, ''));
  if (uri.errors.length > 0) {
    problems.push(...uri.errors.map((e) => `The OData query does not parse: ${e.message}`));
    return undefined;
  }
  const segments = uri.path.segments;
  const first = segments[0];
  if (!first || first.kind !== 'Identifier') return fail('The URL must start with an entity set (e.g. accounts?$select=name).');
  if (segments.length > 1 || first.args) return fail(`Only a query of a whole entity set can be converted; '${uri.path.segments.map((s) => s.name).join('/')}' addresses ${first.args ? 'a single record' : 'a path'} (FetchXML queries tables, not paths).`);
  const set = model.index.findEntitySet(first.name);
  if (!set) return fail(`Unknown entity set '${first.name}'.`);
  const entity = model.entity(set.entityType.slice(set.entityType.lastIndexOf('.') + 1));
  if (!entity) return fail(`The entity type of '${first.name}' is not in the model.`);
  const query: Query = { entity: { name: entity.name, columns: [], allColumns: true, orders: [], links: [] } };
  aliasValues = new Map(uri.queryOptions.filter((o) => o.kind === 'alias').map((o) => [o.name, o.value]));
  let countTrue = false;
  let top: number | undefined;
  readOptions(uri.queryOptions, entity, query.entity, model, problems, (option) => {
    if (option.kind === '$top') top = option.value;
    else if (option.kind === '$count') countTrue = option.value === true;
    else if (option.kind === '$apply') readApply(option.transformations, entity, model, query);
    else return false;
    return true;
  });
  if (countTrue) {
    query.totalCount = true;
    if (top !== undefined) {
      query.count = top;
      query.page = 1;
    }
  } else if (top !== undefined) query.top = top;
  return query;
}

/** The parameter aliases (`@p1=…`) of the URL being read (set per conversion; conversion is synchronous). */
let aliasValues = new Map<string, Expression | undefined>();

/** An expression with a parameter alias replaced by its value. */
function resolved(expression: Expression | undefined): Expression | undefined {
  if (expression?.kind !== 'Alias') return expression;
  const value = aliasValues.get(expression.name);
  if (!value) fail(`The parameter alias ${expression.name} has no value in the URL.`);
  return value;
}

function readOptions(options: QueryOption[], entity: FetchEntity, scope: Scope, model: FetchXmlModel, problems: string[], topLevel?: (o: QueryOption) => boolean): void {
  for (const option of options) {
    switch (option.kind) {
      case '$select':
        scope.allColumns = false;
        for (const item of option.items) {
          const path = item.path.segments.map((s) => s.name);
          if (path.length !== 1 || item.options) fail(`$select item '${path.join('/')}' is not a column of ${entity.name}.`);
          scope.columns.push({ name: columnName(entity, path[0]!) });
        }
        break;
      case '$filter':
        if (option.expression) scope.filter = toFilter(option.expression, entity, model, false);
        break;
      case '$orderby':
        for (const item of option.items) {
          const name = singleProperty(item.expression, entity, '$orderby');
          scope.orders.push({ attribute: name, descending: item.direction === 'desc' });
        }
        break;
      case '$expand':
        for (const item of option.items) {
          const nav = item.path.segments.map((s) => s.name).join('/');
          const relationship = entity.relationships.find((r) => r.kind === 'many-to-one' && r.navigation === nav);
          if (!relationship) {
            const collection = entity.relationships.some((r) => r.navigation === nav);
            fail(
              collection
                ? `$expand=${nav}: a collection-valued navigation returns nested arrays in OData, while a FetchXML link-entity returns one row per related row; the results would not be equivalent.`
                : `$expand=${nav}: no single-valued navigation property '${nav}' with a referential constraint on ${entity.name}.`,
            );
          }
          const target = model.entity(relationship.linkEntity)!;
          const link: Link = { kind: 'link', name: target.name, from: relationship.from, to: relationship.to, alias: nav, linkType: 'outer', columns: [], allColumns: true, orders: [], links: [] };
          readOptions(item.options, target, link, model, problems);
          if (link.filter || link.orders.length > 0) fail(`$expand=${nav}(…): $filter and $orderby inside the expand of a single-valued navigation have no FetchXML equivalent here.`);
          if (link.allColumns) fail(`$expand=${nav}: add $select inside the expand (e.g. ${nav}($select=…)); FetchXML returns the linked columns it is asked for.`);
          scope.links.push(link);
        }
        break;
      case 'alias':
        break;
      default:
        if (topLevel?.(option)) break;
        fail(`${option.name} has no FetchXML equivalent in this converter.`);
    }
  }
}

function columnName(entity: FetchEntity, property: string): string {
  const column = columnOf(property);
  if (!entity.attributes.has(column)) fail(`'${property}' is not a column of ${entity.name}.`);
  return column;
}

function singleProperty(expressionIn: Expression | undefined, entity: FetchEntity, where: string): string {
  const expression = resolved(expressionIn);
  // `primarycontactid/contactid` (a lookup's navigation, then the related table's key) is the lookup column itself.
  if (expression?.kind === 'Path' && expression.segments.length === 2 && !expression.lambda) {
    const [nav, key] = expression.segments.map((s) => s.name);
    const relationship = entity.relationships.find((r) => r.kind === 'many-to-one' && r.navigation === nav && r.from === key);
    if (relationship) return relationship.to;
    fail(`${where}: '${nav}/${key}' reaches into a related table; only the columns of ${entity.name} (or a lookup's key, e.g. ${nav}/<key>) convert to a condition.`);
  }
  if (expression?.kind !== 'Path' || expression.segments.length !== 1 || expression.lambda || expression.segments[0]!.args) {
    fail(`${where}: only a column of ${entity.name} can be converted here.`);
  }
  return columnName(entity, expression.segments[0]!.name);
}

function literalText(expressionIn: Expression | undefined, where: string): string {
  const expression = resolved(expressionIn);
  if (expression?.kind !== 'Literal') fail(`${where}: only literal values can be converted (not ${expression?.kind ?? 'nothing'}).`);
  return literalValue(expression);
}

function literalValue(literal: LiteralExpression): string {
  if (literal.type === 'string') return String(literal.value);
  if (literal.value === null) return 'null';
  return literal.raw;
}

const FLIP: Record<string, string> = { eq: 'eq', ne: 'ne', lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' };
const NEGATE: Record<string, string> = { eq: 'ne', ne: 'eq', lt: 'ge', le: 'gt', gt: 'le', ge: 'lt', null: 'not-null', 'not-null': 'null', like: 'not-like', 'not-like': 'like', in: 'not-in', 'not-in': 'in', between: 'not-between', 'not-between': 'between' };

function escapeLike(text: string): string {
  return text.replace(/[%_[]/g, (c) => `[${c}]`);
}

function toFilter(expression: Expression, entity: FetchEntity, model: FetchXmlModel, negated: boolean): Filter {
  const item = toFilterItem(expression, entity, model, negated);
  return 'type' in item && !('kind' in item) ? item : { type: 'and', items: [item] };
}

function toFilterItem(expression: Expression, entity: FetchEntity, model: FetchXmlModel, negated: boolean): Condition | Filter | Link {
  switch (expression.kind) {
    case 'Binary': {
      if (expression.operator === 'and' || expression.operator === 'or') {
        // not (a and b) = not a or not b
        const type = (expression.operator === 'and') !== negated ? 'and' : 'or';
        const items: (Condition | Filter | Link)[] = [];
        for (const side of [expression.left, expression.right]) {
          if (!side) fail('An incomplete and/or expression cannot be converted.');
          const part = toFilterItem(side, entity, model, negated);
          if ('type' in part && !('kind' in part) && part.type === type) items.push(...part.items);
          else items.push(part);
        }
        return { type, items };
      }
      if (expression.operator === 'in') {
        const attribute = singleProperty(expression.left, entity, 'in');
        const list = expression.right;
        if (list?.kind !== 'List') fail("'in' needs a list of literals.");
        return { attribute, operator: negated ? 'not-in' : 'in', values: list.items.map((i) => literalText(i, 'in')) };
      }
      const op = FLIP[expression.operator];
      if (!op) fail(`The operator '${expression.operator}' has no FetchXML condition equivalent.`);
      const through = throughLookup(expression, entity, model, negated);
      if (through) return through;
      let left = expression.left;
      let right = expression.right;
      let operator = expression.operator;
      if (left.kind === 'Literal' && right?.kind === 'Path') {
        [left, right] = [right, left];
        operator = op as typeof operator;
      }
      const attribute = singleProperty(left, entity, `'${expression.operator}'`);
      if (resolved(right)?.kind === 'Path') {
        // Column comparison: FetchXML's valueof.
        return { attribute, operator: negated ? NEGATE[operator]! : operator, values: [], valueof: singleProperty(right, entity, `'${expression.operator}'`) };
      }
      if (right?.kind === 'Literal' && right.value === null) {
        if (operator !== 'eq' && operator !== 'ne') fail(`Comparing with null using '${operator}' has no FetchXML equivalent.`);
        const fetchOp = operator === 'eq' ? 'null' : 'not-null';
        return { attribute, operator: negated ? NEGATE[fetchOp]! : fetchOp, values: [] };
      }
      const value = literalText(right, `'${attribute} ${operator}'`);
      return { attribute, operator: negated ? NEGATE[operator]! : operator, values: [value] };
    }
    case 'Unary':
      if (expression.operator !== 'not' || !expression.operand) fail(`'${expression.operator}' cannot be converted.`);
      return toFilterItem(expression.operand, entity, model, !negated);
    case 'Call': {
      const name = expression.name;
      const args = expression.args.args;
      if (name === 'contains' || name === 'startswith' || name === 'endswith') {
        const attribute = singleProperty(args[0]?.value, entity, name);
        const text = escapeLike(literalText(args[1]?.value, name));
        const pattern = name === 'contains' ? `%${text}%` : name === 'startswith' ? `${text}%` : `%${text}`;
        return { attribute, operator: negated ? 'not-like' : 'like', values: [pattern] };
      }
      const short = name.startsWith('Microsoft.Dynamics.CRM.') ? name.slice('Microsoft.Dynamics.CRM.'.length) : name;
      const fetchOp = queryFunctionOperators[short];
      if (!fetchOp) fail(`The function '${name}' has no FetchXML equivalent.`);
      let attribute: string | undefined;
      const values: string[] = [];
      for (const arg of args) {
        const value = resolved(arg.value)!;
        if (arg.name === 'PropertyName') attribute = columnName(entity, literalText(value, name));
        else if (value.kind === 'Json' && Array.isArray(value.value)) values.push(...(value.value as unknown[]).map(String));
        else if (value.kind === 'List') values.push(...value.items.map((i) => literalText(i, name)));
        else values.push(literalText(value, name));
      }
      if (!attribute) fail(`${name} needs PropertyName.`);
      const operator = negated ? NEGATE[fetchOp] : fetchOp;
      if (!operator) fail(`not ${short}(…) has no FetchXML operator.`);
      return { attribute, operator, values };
    }
    case 'Path': {
      const lambda = expression.lambda;
      if (!lambda) fail(`A bare path '${expression.segments.map((s) => s.name).join('/')}' in $filter cannot be converted (compare it with a value).`);
      const nav = expression.segments.map((s) => s.name).join('/');
      const relationship = entity.relationships.find((r) => r.kind === 'one-to-many' && r.navigation === nav);
      if (!relationship) fail(`${nav}/${lambda.operator}(…): only collection-valued navigation properties of one-to-many relationships convert to a filter link-entity.`);
      const target = model.entity(relationship.linkEntity)!;
      const link: Link = { kind: 'link', name: target.name, from: relationship.from, to: relationship.to, columns: [], allColumns: false, orders: [], links: [] };
      link.linkType = lambda.operator === 'any' ? (negated ? 'not any' : 'any') : negated ? 'not all' : 'all';
      if (lambda.body) link.filter = toFilter(stripLambdaVariable(lambda.body, lambda.variable ?? ''), target, model, false);
      else if (lambda.operator === 'all') fail(`${nav}/all() needs a condition.`);
      return link;
    }
    default:
      return fail(`A ${expression.kind} expression cannot be converted.`);
  }
}

/**
 * `primarycontactid/fullname eq 'x'`: a comparison through a lookup's navigation property is a filter link-entity
 * (link-type any: at most one related row, so "the related row matches") on the many-to-one relationship.
 */
function throughLookup(expression: Extract<Expression, { kind: 'Binary' }>, entity: FetchEntity, model: FetchXmlModel, negated: boolean): Link | undefined {
  const left = resolved(expression.left);
  if (left?.kind !== 'Path' || left.segments.length < 2 || left.lambda) return undefined;
  const nav = left.segments[0]!.name;
  const relationship = entity.relationships.find((r) => r.kind === 'many-to-one' && r.navigation === nav);
  if (!relationship || (left.segments.length === 2 && left.segments[1]!.name === relationship.from)) return undefined;
  const target = model.entity(relationship.linkEntity)!;
  const inner: Expression = { ...expression, left: { ...left, segments: left.segments.slice(1) } };
  return {
    kind: 'link',
    name: target.name,
    from: relationship.from,
    to: relationship.to,
    linkType: negated ? 'not any' : 'any',
    columns: [],
    allColumns: false,
    orders: [],
    links: [],
    filter: toFilter(inner, target, model, false),
  };
}

/** `o/name eq 'x'` inside a lambda -> `name eq 'x'` (the lambda variable's paths are the linked table's columns). */
function stripLambdaVariable(expression: Expression, variable: string): Expression {
  switch (expression.kind) {
    case 'Path': {
      if (expression.segments[0]?.name !== variable || expression.segments.length < 2) return expression;
      return { ...expression, segments: expression.segments.slice(1) } satisfies PathExpression;
    }
    case 'Binary':
      return { ...expression, left: stripLambdaVariable(expression.left, variable), right: expression.right && stripLambdaVariable(expression.right, variable) };
    case 'Unary':
      return { ...expression, operand: expression.operand && stripLambdaVariable(expression.operand, variable) };
    case 'Call':
      return { ...expression, args: { ...expression.args, args: expression.args.args.map((a) => ({ ...a, value: stripLambdaVariable(a.value, variable) })) } };
    default:
      return expression;
  }
}

const APPLY_METHODS: Record<string, string> = { sum: 'sum', average: 'avg', min: 'min', max: 'max', countdistinct: 'countcolumn' };

function readApply(transformations: Transformation[], entity: FetchEntity, model: FetchXmlModel, query: Query): void {
  const aggregate = (items: Extract<Transformation, { kind: 'aggregate' }>['items']) => {
    for (const item of items) {
      if (!item.alias) fail('$apply aggregate needs "as alias" on every item.');
      if (item.expression?.kind === 'Path' && item.expression.segments.length === 1 && item.expression.segments[0]!.name === '$count') {
        query.entity.columns.push({ name: entity.primaryKey ?? fail(`${entity.name} has no primary key to count.`), alias: item.alias, aggregate: 'count' });
        continue;
      }
      const method = item.method ? APPLY_METHODS[item.method] : undefined;
      if (!method) fail(`$apply aggregate 'with ${item.method ?? '?'}' has no FetchXML aggregate (use sum, average, min, max, countdistinct or $count).`);
      const column: Column = { name: singleProperty(item.expression, entity, '$apply'), alias: item.alias, aggregate: method };
      if (item.method === 'countdistinct') column.distinct = true;
      query.entity.columns.push(column);
    }
  };
  let aggregated = false;
  for (const t of transformations) {
    if (t.kind === 'filter') {
      // filter(…) before the aggregation picks the rows aggregated: the entity's filter. After it, it would filter groups.
      if (aggregated) fail('$apply filter(…) after groupby or aggregate (a filter of the groups) has no FetchXML equivalent.');
      const [condition, ...rest] = t.args;
      if (!condition || rest.length > 0) fail('$apply filter(…) needs exactly one condition.');
      const filter = toFilter(condition, entity, model, false);
      const before = query.entity.filter;
      const items = (f: Filter): (Condition | Filter | Link)[] => (f.type === 'and' ? f.items : [f]);
      query.entity.filter = before ? { type: 'and', items: [...items(before), ...items(filter)] } : filter;
      continue;
    }
    // Only an aggregation makes the query an aggregate one: `$apply=filter(…)` alone answers whole rows, as $filter.
    aggregated = true;
    query.aggregate = true;
    query.entity.allColumns = false;
    if (t.kind === 'aggregate') aggregate(t.items);
    else if (t.kind === 'groupby') {
      for (const p of t.properties) {
        const name = singleProperty(p, entity, '$apply groupby');
        query.entity.columns.push({ name, alias: name, groupby: true });
      }
      for (const inner of t.transformations) {
        if (inner.kind !== 'aggregate') fail(`$apply groupby(…, ${inner.kind}(…)): only aggregate(…) inside groupby converts.`);
        aggregate(inner.items);
      }
    } else fail(`$apply ${t.kind}(…) has no FetchXML equivalent in this converter.`);
  }
}

// ------------------------------------------------------------------------------------------------ FetchXML -> Query

function readFetch(text: string, model: FetchXmlModel, problems: string[]): Query | undefined {
  const analysis = analyzeFetchXml(text, model);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    problems.push(...errors.map((d) => `${d.code} at ${d.span.start}: ${d.message}`));
    return undefined;
  }
  const root = analysis.xml.roots[0]!;
  const entity = root.children.find((c) => c.name === 'entity')!;
  const number = (name: string) => {
    const value = attributeOf(root, name)?.value;
    return value === undefined ? undefined : Number(value);
  };
  for (const name of ['distinct', 'paging-cookie', 'options', 'datasource', 'latematerialize', 'useraworderby', 'aggregatelimit']) {
    const value = attributeOf(root, name)?.value;
    if (value !== undefined && (name !== 'distinct' || isTrue(value)) && !['latematerialize', 'useraworderby'].includes(name)) fail(`<fetch ${name}='${value}'> has no OData equivalent.`);
  }
  return {
    top: number('top'),
    count: number('count'),
    page: number('page'),
    aggregate: analysis.aggregate,
    totalCount: isTrue(attributeOf(root, 'returntotalrecordcount')?.value),
    entity: readScope(entity),
  };
}

function readScope(element: XmlElement): Scope {
  const scope: Scope = { name: attributeOf(element, 'name')?.value ?? '', columns: [], allColumns: false, orders: [], links: [] };
  let sawColumns = false;
  for (const child of element.children) {
    switch (child.name) {
      case 'attribute': {
        sawColumns = true;
        const get = (n: string) => attributeOf(child, n)?.value;
        scope.columns.push({ name: get('name') ?? '', alias: get('alias'), aggregate: get('aggregate'), groupby: isTrue(get('groupby')), distinct: isTrue(get('distinct')), dategrouping: get('dategrouping') });
        break;
      }
      case 'all-attributes':
        scope.allColumns = sawColumns = true;
        break;
      case 'order':
        if (attributeOf(child, 'entityname')) fail("<order entityname='…'> (ordering by a linked table's column) has no OData equivalent.");
        scope.orders.push({ attribute: attributeOf(child, 'attribute')?.value, alias: attributeOf(child, 'alias')?.value, descending: isTrue(attributeOf(child, 'descending')?.value) });
        break;
      case 'filter':
        scope.filter = readFilter(child);
        break;
      case 'link-entity':
        scope.links.push(readLink(child));
        break;
    }
  }
  if (!sawColumns && element.name === 'entity') scope.allColumns = true;
  return scope;
}

function readLink(element: XmlElement): Link {
  const get = (n: string) => attributeOf(element, n)?.value;
  return { ...readScope(element), kind: 'link', from: get('from') ?? '', to: get('to') ?? '', alias: get('alias'), linkType: get('link-type') };
}

function readFilter(element: XmlElement): Filter {
  const filter: Filter = { type: attributeOf(element, 'type')?.value === 'or' ? 'or' : 'and', items: [] };
  for (const child of element.children) {
    if (child.name === 'condition') {
      if (attributeOf(child, 'entityname')) fail("<condition entityname='…'> (a condition on a linked table after an outer join) has no OData equivalent.");
      const valueof = attributeOf(child, 'valueof')?.value;
      const values: string[] = [];
      const single = attributeOf(child, 'value')?.value;
      if (single !== undefined) values.push(single);
      for (const v of child.children) if (v.name === 'value') values.push(v.texts.map((t) => t.value).join('').trim());
      const condition: Condition = { attribute: attributeOf(child, 'attribute')?.value ?? '', operator: attributeOf(child, 'operator')?.value ?? '', values };
      if (valueof) condition.valueof = valueof;
      filter.items.push(condition);
    } else if (child.name === 'filter') filter.items.push(readFilter(child));
    else if (child.name === 'link-entity') filter.items.push(readLink(child));
  }
  return filter;
}

// ------------------------------------------------------------------------------------------------ Query -> FetchXML

function writeFetch(query: Query): string {
  const attrs: string[] = [];
  if (query.aggregate) attrs.push(`aggregate='true'`);
  if (query.top !== undefined) attrs.push(`top='${query.top}'`);
  if (query.count !== undefined) attrs.push(`count='${query.count}'`);
  if (query.page !== undefined) attrs.push(`page='${query.page}'`);
  if (query.totalCount) attrs.push(`returntotalrecordcount='true'`);
  const lines = [`<fetch${attrs.map((a) => ' ' + a).join('')}>`];
  writeScope(lines, query.entity, 'entity', [`name='${escapeXml(query.entity.name)}'`], 1);
  lines.push('</fetch>');
  return lines.join('\n');
}

function xmlAttrs(pairs: [string, string | undefined][]): string[] {
  return pairs.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}='${escapeXml(v!)}'`);
}

function writeScope(lines: string[], scope: Scope, tag: string, head: string[], depth: number): void {
  const pad = '  '.repeat(depth);
  const body: string[] = [];
  if (scope.allColumns && tag === 'entity' && (scope.columns.length > 0 || scope.links.length > 0 || scope.filter || scope.orders.length > 0)) body.push(`${pad}  <all-attributes />`);
  for (const c of scope.columns) {
    const attrs = xmlAttrs([['name', c.name], ['alias', c.alias], ['aggregate', c.aggregate], ['groupby', c.groupby ? 'true' : undefined], ['distinct', c.distinct ? 'true' : undefined], ['dategrouping', c.dategrouping]]);
    body.push(`${pad}  <attribute ${attrs.join(' ')} />`);
  }
  if (scope.filter) writeFilter(body, scope.filter, depth + 1);
  for (const o of scope.orders) body.push(`${pad}  <order ${xmlAttrs([['attribute', o.attribute], ['alias', o.alias], ['descending', o.descending ? 'true' : undefined]]).join(' ')} />`);
  for (const link of scope.links) writeLink(body, link, depth + 1);
  const open = `${pad}<${tag} ${head.join(' ')}`;
  if (body.length === 0) lines.push(`${open} />`);
  else lines.push(`${open}>`, ...body, `${pad}</${tag}>`);
}

function writeLink(lines: string[], link: Link, depth: number): void {
  writeScope(lines, link, 'link-entity', xmlAttrs([['name', link.name], ['from', link.from], ['to', link.to], ['link-type', link.linkType], ['alias', link.alias]]), depth);
}

function writeFilter(lines: string[], filter: Filter, depth: number): void {
  const pad = '  '.repeat(depth);
  lines.push(`${pad}<filter type='${filter.type}'>`);
  for (const item of filter.items) {
    if ('kind' in item) writeLink(lines, item, depth + 1);
    else if ('type' in item) writeFilter(lines, item, depth + 1);
    else {
      const shape = conditionOperators[item.operator]?.shape ?? 'one';
      const head = `${pad}  <condition attribute='${escapeXml(item.attribute)}' operator='${escapeXml(item.operator)}'`;
      if (item.valueof !== undefined) lines.push(`${head} valueof='${escapeXml(item.valueof)}' />`);
      else if (shape === 'none') lines.push(`${head} />`);
      else if (shape === 'one') lines.push(`${head} value='${escapeXml(item.values[0] ?? '')}' />`);
      else {
        lines.push(`${head}>`);
        for (const v of item.values) lines.push(`${pad}    <value>${escapeXml(v)}</value>`);
        lines.push(`${pad}  </condition>`);
      }
    }
  }
  lines.push(`${pad}</filter>`);
}

// ------------------------------------------------------------------------------------------------ Query -> OData

const REVERSE_FUNCTIONS = new Map(Object.entries(queryFunctionOperators).map(([fn, op]) => [op, fn]));

function writeOData(query: Query, model: FetchXmlModel): string {
  const entity = model.entity(query.entity.name) ?? fail(`Unknown table '${query.entity.name}'.`);
  if (!entity.entitySet) fail(`The table '${entity.name}' has no entity set in the metadata, so OData cannot query it.`);
  const options: string[] = [];
  const scope = query.entity;
  if (query.aggregate) options.push(`$apply=${applyOf(scope, entity, model)}`);
  else {
    const select = selectOf(scope, entity);
    if (select) options.push(`$select=${select}`);
  }
  const filterParts: string[] = [];
  // An aggregate query's filter picks the rows aggregated: it is the $apply's filter(…), written by applyOf.
  if (scope.filter && !query.aggregate) filterParts.push(filterOf(scope.filter, entity, model, '', true));
  const expands: string[] = [];
  for (const link of scope.links) expands.push(expandOf(link, entity, model));
  if (expands.length > 0) options.push(`$expand=${expands.join(',')}`);
  if (filterParts.length > 0 && filterParts[0] !== '') options.push(`$filter=${filterParts.join(' and ')}`);
  if (scope.orders.length > 0) {
    options.push(
      `$orderby=${scope.orders
        .map((o) => {
          const name = o.alias ?? o.attribute;
          if (!name) fail('An <order> without attribute or alias cannot be converted.');
          return `${o.alias ? name : propertyOf(entity, name)}${o.descending ? ' desc' : ''}`;
        })
        .join(',')}`,
    );
  }
  if (query.top !== undefined) options.push(`$top=${query.top}`);
  if (query.count !== undefined) {
    if ((query.page ?? 1) !== 1) fail(`<fetch page='${query.page}'>: OData pages with @odata.nextLink, not page numbers; only page 1 converts (as $top).`);
    options.push(`$top=${query.count}`);
  }
  if (query.totalCount) options.push('$count=true');
  return `${entity.entitySet}${options.length > 0 ? '?' + options.join('&') : ''}`;
}

function propertyOf(entity: FetchEntity, column: string): string {
  const attribute = entity.attributes.get(column) ?? fail(`'${column}' is not a column of ${entity.name}.`);
  return attribute.propertyName;
}

function selectOf(scope: Scope, entity: FetchEntity): string {
  if (scope.allColumns) return '';
  for (const c of scope.columns) if (c.alias && c.alias !== c.name) fail(`<attribute name='${c.name}' alias='${c.alias}'>: OData has no column aliases outside $apply.`);
  return scope.columns.map((c) => propertyOf(entity, c.name)).join(',');
}

function applyOf(scope: Scope, entity: FetchEntity, model: FetchXmlModel): string {
  const groups: string[] = [];
  const aggregates: string[] = [];
  for (const c of scope.columns) {
    if (c.dategrouping) fail(`dategrouping='${c.dategrouping}' has no OData $apply equivalent.`);
    if (c.groupby) {
      if (c.alias && c.alias !== c.name) fail(`groupby column '${c.name}' with alias '${c.alias}': OData groupby keeps the property name.`);
      groups.push(propertyOf(entity, c.name));
      continue;
    }
    const alias = c.alias ?? fail(`Aggregate of '${c.name}' needs an alias.`);
    if (c.aggregate === 'count') aggregates.push(`$count as ${alias}`);
    else if (c.aggregate === 'countcolumn') {
      if (!c.distinct) fail(`aggregate='countcolumn' (rows with data in '${c.name}') has no OData $apply method; countcolumn with distinct='true' converts to countdistinct.`);
      aggregates.push(`${propertyOf(entity, c.name)} with countdistinct as ${alias}`);
    } else {
      const method = { sum: 'sum', avg: 'average', min: 'min', max: 'max' }[c.aggregate ?? ''] ?? fail(`aggregate='${c.aggregate}' has no OData equivalent.`);
      aggregates.push(`${propertyOf(entity, c.name)} with ${method} as ${alias}`);
    }
  }
  if (scope.links.length > 0) fail('An aggregate query with a link-entity is not converted to $apply yet.');
  const condition = scope.filter ? filterOf(scope.filter, entity, model, '', true) : '';
  const filter = condition ? `filter(${condition})/` : '';
  const aggregate = aggregates.length > 0 ? `aggregate(${aggregates.join(',')})` : '';
  if (groups.length === 0) return filter + aggregate;
  return `${filter}groupby((${groups.join(',')})${aggregate ? ',' + aggregate : ''})`;
}

function expandOf(link: Link, parent: FetchEntity, model: FetchXmlModel): string {
  const joins = parent.relationships.filter((r) => r.kind === 'many-to-one' && r.linkEntity === link.name && r.from === link.from && r.to === link.to);
  const relationship = joins.find((r) => r.navigation === link.alias) ?? joins[0];
  if (!relationship) fail(`<link-entity name='${link.name}' from='${link.from}' to='${link.to}'>: only many-to-one links (a lookup of ${parent.name}) convert, to $expand.`);
  if (link.linkType !== 'outer') fail(`<link-entity name='${link.name}' link-type='${link.linkType ?? 'inner'}'>: an inner join drops ${parent.name} rows without a related row; OData $expand keeps them. Use link-type='outer' to convert to $expand.`);
  if (link.filter || link.orders.length > 0) fail(`<link-entity name='${link.name}'> with a filter or order has no $expand equivalent here.`);
  if (link.alias && link.alias !== relationship.navigation) fail(`<link-entity alias='${link.alias}'>: OData names the expanded record by its navigation property '${relationship.navigation}'; use that alias to convert.`);
  const target = model.entity(link.name)!;
  const options: string[] = [];
  const select = selectOf(link, target);
  if (select) options.push(`$select=${select}`);
  if (link.links.length > 0) options.push(`$expand=${link.links.map((l) => expandOf(l, target, model)).join(',')}`);
  return `${relationship.navigation}${options.length > 0 ? `(${options.join(';')})` : ''}`;
}

function filterOf(filter: Filter, entity: FetchEntity, model: FetchXmlModel, prefix: string, top: boolean): string {
  const parts = filter.items.map((item) => {
    if ('kind' in item) return lambdaOf(item, entity, model, prefix);
    if ('type' in item) return filterOf(item, entity, model, prefix, false);
    return conditionOf(item, entity, model, prefix);
  });
  if (parts.length === 1) return parts[0]!;
  const joined = parts.join(` ${filter.type} `);
  return top ? joined : `(${joined})`;
}

function lambdaOf(link: Link, parent: FetchEntity, model: FetchXmlModel, prefix: string): string {
  const lookup = parent.relationships.find((r) => r.kind === 'many-to-one' && r.linkEntity === link.name && r.from === link.from && r.to === link.to);
  if (lookup && (link.linkType === 'any' || link.linkType === 'not any') && link.filter) {
    // One related row at most: "any related row matches" is a comparison through the navigation property.
    const body = filterOf(link.filter, model.entity(link.name)!, model, `${prefix}${lookup.navigation}/`, false);
    return link.linkType === 'any' ? body : `not ${body.startsWith('(') ? body : `(${body})`}`;
  }
  const relationship = parent.relationships.find((r) => r.kind === 'one-to-many' && r.linkEntity === link.name && r.from === link.from && r.to === link.to);
  if (!relationship) fail(`<link-entity name='${link.name}' from='${link.from}' to='${link.to}'> in a filter: only one-to-many links convert, to any/all on a collection-valued navigation property.`);
  const target = model.entity(link.name)!;
  const variable = `x${prefix.length}`;
  const body = link.filter ? filterOf(link.filter, target, model, `${variable}/`, true) : '';
  const path = `${prefix}${relationship.navigation}`;
  switch (link.linkType) {
    case 'any':
      return `${path}/any(${body ? `${variable}:${body}` : ''})`;
    case 'not any':
      return `not ${path}/any(${body ? `${variable}:${body}` : ''})`;
    case 'all':
      if (!body) fail(`link-type='all' needs a filter inside the link-entity.`);
      return `${path}/all(${variable}:${body})`;
    case 'not all':
      if (!body) fail(`link-type='not all' needs a filter inside the link-entity.`);
      return `not ${path}/all(${variable}:${body})`;
    default:
      return fail(`<link-entity link-type='${link.linkType ?? 'inner'}'> inside a filter: only any, not any, all and not all convert.`);
  }
}

function odataLiteral(entity: FetchEntity, column: string, value: string): string {
  const edm = entity.attributes.get(column)?.edmType ?? 'Edm.String';
  if (edm === 'Edm.String') return `'${value.replace(/'/g, "''")}'`;
  return value;
}

function conditionOf(condition: Condition, entity: FetchEntity, model: FetchXmlModel, prefix: string): string {
  const property = prefix + propertyOf(entity, condition.attribute);
  const value = condition.values[0] ?? '';
  if (condition.valueof !== undefined) {
    if (!(condition.operator in FLIP)) fail(`valueof with the operator '${condition.operator}' has no OData equivalent (only eq, ne, gt, ge, lt, le).`);
    return `${property} ${condition.operator} ${prefix}${propertyOf(entity, condition.valueof)}`;
  }
  switch (condition.operator) {
    case 'eq':
    case 'ne':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return `${property} ${condition.operator} ${odataLiteral(entity, condition.attribute, value)}`;
    case 'null':
      return `${property} eq null`;
    case 'not-null':
      return `${property} ne null`;
    case 'like':
    case 'not-like': {
      const call = likeCall(property, value);
      return condition.operator === 'like' ? call : `not ${call}`;
    }
    case 'begins-with':
      return `startswith(${property},'${value.replace(/'/g, "''")}')`;
    case 'not-begin-with':
      return `not startswith(${property},'${value.replace(/'/g, "''")}')`;
    case 'ends-with':
      return `endswith(${property},'${value.replace(/'/g, "''")}')`;
    case 'not-end-with':
      return `not endswith(${property},'${value.replace(/'/g, "''")}')`;
  }
  if (prefix) fail(`The operator '${condition.operator}' inside any/all: Dataverse query functions cannot be used in lambda expressions.`);
  const fn = REVERSE_FUNCTIONS.get(condition.operator) ?? fail(`The operator '${condition.operator}' has no OData equivalent.`);
  const operation = model.index.findOperations(`Microsoft.Dynamics.CRM.${fn}`)[0] ?? fail(`The metadata declares no function Microsoft.Dynamics.CRM.${fn} for '${condition.operator}'.`);
  const args: string[] = [];
  let next = 0;
  for (const parameter of operation.parameters) {
    // Query functions take the column's logical name (PropertyName='ownerid'), not the lookup property `_ownerid_value`.
    if (parameter.name === 'PropertyName') args.push(`PropertyName='${propertyOf(entity, condition.attribute) && condition.attribute}'`);
    else if (parameter.type.collection) {
      args.push(`${parameter.name}=[${condition.values.slice(next).map((v) => JSON.stringify(v)).join(',')}]`);
      next = condition.values.length;
    } else {
      const v = condition.values[next++] ?? fail(`${fn} needs a value for ${parameter.name}.`);
      args.push(`${parameter.name}=${parameter.type.name === 'Edm.String' ? `'${v.replace(/'/g, "''")}'` : v}`);
    }
  }
  return `Microsoft.Dynamics.CRM.${fn}(${args.join(',')})`;
}

function likeCall(property: string, pattern: string): string {
  const inner = (text: string) => {
    if (/[%_]|\[(?![%_[]\])/.test(text.replace(/\[[%_[]\]/g, ''))) fail(`like '${pattern}': a wildcard inside the pattern has no OData equivalent (only %x%, x% and %x convert).`);
    return text.replace(/\[([%_[])\]/g, '$1').replace(/'/g, "''");
  };
  if (pattern.length >= 2 && pattern.startsWith('%') && pattern.endsWith('%')) return `contains(${property},'${inner(pattern.slice(1, -1))}')`;
  if (pattern.endsWith('%')) return `startswith(${property},'${inner(pattern.slice(0, -1))}')`;
  if (pattern.startsWith('%')) return `endswith(${property},'${inner(pattern.slice(1))}')`;
  inner(pattern);
  return fail(`like '${pattern}' without a wildcard: write operator='eq' instead.`);
}
