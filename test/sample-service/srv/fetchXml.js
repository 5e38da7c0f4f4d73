// The sample service's own FetchXML evaluation: `GET {entityset}?fetchXml={encoded}` answered as Dataverse's Web API
// answers it (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/use-fetchxml-web-api), by
// translating the query into SQL over the service's SQLite tables. It does not use the extension's converter, so a
// FetchXML query and its OData conversion can be run side by side and their rows compared.
//
// What it evaluates (everything else answers a Dataverse-shaped 400 naming the part it does not evaluate):
// - fetch: top, count, page, paging-cookie, distinct, aggregate, returntotalrecordcount (mapping, version,
//   output-format, no-lock, latematerialize, useraworderby are accepted and ignored);
// - entity / link-entity: attribute (alias, aggregate, groupby, dategrouping day|week|month|quarter|year, distinct),
//   all-attributes, order (attribute | alias, descending), filter (and | or, nested), link-entity
//   (link-type inner | outer | any | not any | exists | in, nested, alias);
// - condition: attribute, entityname, value / <value>, valueof, and the operators in OPERATORS below.
// The response follows the Web API: null columns are left out, a lookup is `_x_value`, a link-entity column is
// `alias.attribute`, aggregates are named by their alias; with `Prefer: odata.include-annotations` the formatted
// values, lookup logical names, attribute names of aliased columns, `@Microsoft.Dynamics.CRM.morerecords` and
// `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` (page results: .../fetchxml/page-results).
'use strict';

const { SaxesParser } = require('saxes');

/** Dataverse's default and maximum page size. */
const MAX_PAGE_SIZE = 5000;
/** ErrorCodes.InvalidArgument and ErrorCodes.QueryBuilderNoAttribute of the Dataverse SDK. */
const INVALID_ARGUMENT = '0x80040203';
const NO_ATTRIBUTE = '0x80041103';

const FORMATTED = '@OData.Community.Display.V1.FormattedValue';
const ATTRIBUTE_NAME = '@OData.Community.Display.V1.AttributeName';
const LOOKUP_LOGICAL_NAME = '@Microsoft.Dynamics.CRM.lookuplogicalname';
const PAGING_COOKIE = '@Microsoft.Dynamics.CRM.fetchxmlpagingcookie';
const MORE_RECORDS = '@Microsoft.Dynamics.CRM.morerecords';

/** The primary name column of each table (Dataverse's PrimaryNameAttribute), for the formatted value of lookups. */
const PRIMARY_NAME = {
  account: 'name', contact: 'fullname', lead: 'fullname', opportunity: 'name', incident: 'title',
  activitypointer: 'subject', task: 'subject', company: 'name', customapi: 'uniquename',
  customapirequestparameter: 'uniquename', customapiresponseproperty: 'uniquename',
};

class FetchXmlError extends Error {
  constructor(message, code = INVALID_ARGUMENT) {
    super(message);
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------------- XML

/** Parses XML into `{ name, attrs, children, text }` elements; a well-formedness error is a FetchXmlError. */
function parseXml(text) {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack = [{ name: '#document', attrs: {}, children: [], text: '' }];
  let failure;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    const node = { name: tag.name, attrs: { ...tag.attributes }, children: [], text: '' };
    stack[stack.length - 1].children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (t) => {
    stack[stack.length - 1].text += t;
  });
  try {
    parser.write(text).close();
  } catch (e) {
    failure ??= e;
  }
  if (failure) throw new FetchXmlError(`The FetchXML is not well-formed XML: ${String(failure.message).split('\n')[0]}`);
  const root = stack[0].children[0];
  if (!root) throw new FetchXmlError('The FetchXML is empty.');
  return root;
}

function allowOnly(node, attrs, children) {
  for (const name of Object.keys(node.attrs)) {
    if (!attrs.includes(name)) {
      throw new FetchXmlError(`The sample service does not evaluate the '${name}' attribute of the '${node.name}' element.`);
    }
  }
  for (const child of node.children) {
    if (!children.includes(child.name)) {
      throw new FetchXmlError(`The sample service does not evaluate a '${child.name}' element inside '${node.name}'.`);
    }
  }
}

const isTrue = (v) => v === 'true' || v === '1';

// ---------------------------------------------------------------------------------------------------- model

/** What the evaluator needs of a table, read from the CDS model (`dataverse.<logicalname>`). */
function tableOf(model, logicalName) {
  const def = model.definitions[`dataverse.${logicalName}`];
  if (!def || def.kind !== 'entity') {
    throw new FetchXmlError(`The entity with a name = '${logicalName}' with namemapping = 'Logical' was not found in the MetadataCache.`);
  }
  const columns = new Map();
  const lookups = new Map();
  for (const [name, el] of Object.entries(def.elements)) {
    if (el.isAssociation || el.type === 'cds.Association' || el.type === 'cds.Composition') continue;
    columns.set(name, el);
  }
  for (const el of Object.values(def.elements)) {
    if (!(el.isAssociation || el.type === 'cds.Association') || !el.on) continue;
    const fk = el.on.map((t) => t.ref?.[0]).find((r) => typeof r === 'string' && /^_.+_value$/.test(r) && columns.has(r));
    if (!fk || !el.target?.startsWith('dataverse.')) continue;
    const target = el.target.slice('dataverse.'.length);
    const list = lookups.get(fk) ?? [];
    if (!list.includes(target) && !(target === 'task' && list.includes('activitypointer'))) list.push(target);
    lookups.set(fk, list);
  }
  const key = Object.keys(def.keys ?? {}).find((k) => columns.has(k));
  return { logicalName, sqlName: `dataverse_${logicalName}`, columns, lookups, key, def };
}

/** Choice labels from an element's description ("Status of the account: 0 Active, 1 Inactive."). */
function choiceLabels(el) {
  if (el.type !== 'cds.Integer') return undefined;
  const text = el['@description'];
  if (typeof text !== 'string' || !text.includes(':')) return undefined;
  const labels = new Map();
  for (const m of text.slice(text.indexOf(':') + 1).trim().matchAll(/(?:^|[,;]\s*)(\d+) ([A-Z][^,;()]*?)\s*(?=[,;(.]|$)/g)) {
    if (!labels.has(Number(m[1]))) labels.set(Number(m[1]), m[2].trim());
  }
  return labels.size ? labels : undefined;
}

const isMoney = (el) => /money/i.test(`${el.doc ?? ''} ${el['@description'] ?? ''}`);

/** Resolves a FetchXML attribute (logical name) to its column: `primarycontactid` is the lookup `_primarycontactid_value`. */
function columnOf(table, attribute) {
  if (table.columns.has(attribute) && !/^_.+_value$/.test(attribute)) {
    return { attribute, column: attribute, el: table.columns.get(attribute) };
  }
  const lookup = `_${attribute}_value`;
  if (table.lookups.has(lookup)) {
    return { attribute, column: lookup, el: table.columns.get(lookup), targets: table.lookups.get(lookup) };
  }
  throw new FetchXmlError(`'${table.logicalName}' entity doesn't contain attribute with Name = '${attribute}' and NameMapping = 'Logical'.`, NO_ATTRIBUTE);
}

// ---------------------------------------------------------------------------------------------------- values

const US_DATE = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
const US_TIME = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hour: 'numeric', minute: '2-digit' });
const MONEY = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const DECIMAL = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const FLOAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 5 });

/** The typed JSON value and the formatted value Dataverse would show, for a value read from SQLite. */
function present(el, raw) {
  if (raw === null || raw === undefined) return undefined;
  switch (el.type) {
    case 'cds.Boolean': {
      const value = raw === 1 || raw === true || raw === 'true';
      return { value, formatted: value ? 'Yes' : 'No' };
    }
    case 'cds.Integer':
    case 'cds.Int64': {
      const value = Number(raw);
      const labels = choiceLabels(el);
      if (labels) return { value, formatted: labels.get(value) ?? String(value) };
      return { value, formatted: el.type === 'cds.Int64' ? String(value) : WHOLE.format(value) };
    }
    case 'cds.Decimal': {
      const value = Number(raw);
      return { value, formatted: isMoney(el) ? MONEY.format(value) : DECIMAL.format(value) };
    }
    case 'cds.Double':
      return { value: Number(raw), formatted: FLOAT.format(Number(raw)) };
    case 'cds.DateTime':
    case 'cds.Timestamp': {
      const d = new Date(String(raw));
      if (Number.isNaN(d.getTime())) return { value: String(raw) };
      return { value: d.toISOString().replace(/\.\d{3}Z$/, 'Z'), formatted: `${US_DATE.format(d)} ${US_TIME.format(d)}` };
    }
    case 'cds.Date': {
      const d = new Date(`${String(raw).slice(0, 10)}T00:00:00Z`);
      return { value: String(raw).slice(0, 10), formatted: US_DATE.format(d) };
    }
    default:
      return { value: raw };
  }
}

/** A condition value (text) as the SQL parameter for a column of this type. */
function parameter(el, text, attribute) {
  const t = String(text).trim();
  const bad = () => new FetchXmlError(`The value '${text}' is not valid for the attribute '${attribute}' (${el.type.replace('cds.', '')}).`);
  switch (el.type) {
    case 'cds.Integer':
    case 'cds.Int64':
      if (!/^-?\d+$/.test(t)) throw bad();
      return Number(t);
    case 'cds.Decimal':
    case 'cds.Double':
      if (!/^-?\d+(\.\d+)?$/.test(t)) throw bad();
      return Number(t);
    case 'cds.Boolean':
      if (/^(1|true)$/i.test(t)) return 1;
      if (/^(0|false)$/i.test(t)) return 0;
      throw bad();
    case 'cds.UUID': {
      const g = t.replace(/^\{|\}$/g, '').toLowerCase();
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(g)) throw bad();
      return g;
    }
    case 'cds.DateTime':
    case 'cds.Timestamp':
    case 'cds.Date': {
      const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t);
      if (Number.isNaN(d.getTime())) throw bad();
      return d.toISOString();
    }
    default:
      return t;
  }
}

// ---------------------------------------------------------------------------------------------------- operators

const DAY_MS = 86_400_000;
const startOfDay = (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
const addMonths = (d, n) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
const startOfMonth = (d, n = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
const startOfYear = (d, n = 0) => new Date(Date.UTC(d.getUTCFullYear() + n, 0, 1));

/** Date ranges [from, to) for the relative date operators, from the clock (UTC). */
function relativeRange(operator, x, now) {
  const today = startOfDay(now);
  const span = (unit, n) => {
    switch (unit) {
      case 'hours': return n * 3_600_000;
      case 'days': return n * DAY_MS;
      case 'weeks': return n * 7 * DAY_MS;
      default: return 0;
    }
  };
  switch (operator) {
    case 'today': return [today, new Date(+today + DAY_MS)];
    case 'yesterday': return [new Date(+today - DAY_MS), today];
    case 'tomorrow': return [new Date(+today + DAY_MS), new Date(+today + 2 * DAY_MS)];
    case 'this-month': return [startOfMonth(now), startOfMonth(now, 1)];
    case 'last-month': return [startOfMonth(now, -1), startOfMonth(now)];
    case 'next-month': return [startOfMonth(now, 1), startOfMonth(now, 2)];
    case 'this-year': return [startOfYear(now), startOfYear(now, 1)];
    case 'last-year': return [startOfYear(now, -1), startOfYear(now)];
    case 'next-year': return [startOfYear(now, 1), startOfYear(now, 2)];
    case 'last-x-hours': return [new Date(+now - span('hours', x)), now];
    case 'next-x-hours': return [now, new Date(+now + span('hours', x))];
    case 'last-x-days': return [new Date(+today - span('days', x)), now];
    case 'next-x-days': return [now, new Date(+today + span('days', x + 1))];
    case 'last-x-weeks': return [new Date(+today - span('weeks', x)), now];
    case 'next-x-weeks': return [now, new Date(+today + span('weeks', x) + DAY_MS)];
    case 'last-x-months': return [addMonths(today, -x), now];
    case 'next-x-months': return [now, new Date(+addMonths(today, x) + DAY_MS)];
    case 'last-x-years': return [addMonths(today, -12 * x), now];
    case 'next-x-years': return [now, new Date(+addMonths(today, 12 * x) + DAY_MS)];
    case 'olderthan-x-days': return [new Date(0), new Date(+today - span('days', x))];
    case 'olderthan-x-months': return [new Date(0), addMonths(today, -x)];
    case 'olderthan-x-years': return [new Date(0), addMonths(today, -12 * x)];
    default: return undefined;
  }
}

const COMPARISON = { eq: '=', ne: '<>', neq: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
const PATTERN = {
  like: [false, (v) => v], 'not-like': [true, (v) => v],
  'begins-with': [false, (v) => `${escapeLike(v)}%`], 'not-begin-with': [true, (v) => `${escapeLike(v)}%`],
  'ends-with': [false, (v) => `%${escapeLike(v)}`], 'not-end-with': [true, (v) => `%${escapeLike(v)}`],
};
const DATE_ONLY = { on: '=', 'on-or-before': '<=', 'on-or-after': '>=' };
const RELATIVE_NO_VALUE = ['today', 'yesterday', 'tomorrow', 'this-month', 'last-month', 'next-month', 'this-year', 'last-year', 'next-year'];
const RELATIVE_X = ['last-x-hours', 'next-x-hours', 'last-x-days', 'next-x-days', 'last-x-weeks', 'next-x-weeks', 'last-x-months', 'next-x-months', 'last-x-years', 'next-x-years', 'olderthan-x-days', 'olderthan-x-months', 'olderthan-x-years'];

/** The condition operators the sample service evaluates. */
const OPERATORS = [
  ...Object.keys(COMPARISON), ...Object.keys(PATTERN), 'in', 'not-in', 'between', 'not-between', 'null', 'not-null',
  ...Object.keys(DATE_ONLY), ...RELATIVE_NO_VALUE, ...RELATIVE_X,
];

function escapeLike(v) {
  return String(v).replace(/[\\%_]/g, (c) => `\\${c}`);
}

const quote = (name) => `"${name.replace(/"/g, '""')}"`;

// ---------------------------------------------------------------------------------------------------- query

/**
 * Compiles a parsed <fetch> into SQL and the descriptions of its result columns.
 * @param {object} model  the CDS model
 * @param {object} fetch  the parsed <fetch> element
 * @param {string} expectedEntity the logical name of the entity set the request addressed
 */
function compile(model, fetch, expectedEntity, now) {
  if (fetch.name !== 'fetch') throw new FetchXmlError(`The root element of a FetchXML query is 'fetch', not '${fetch.name}'.`);
  allowOnly(fetch, ['top', 'count', 'page', 'paging-cookie', 'distinct', 'aggregate', 'returntotalrecordcount', 'mapping', 'version', 'output-format', 'no-lock', 'latematerialize', 'useraworderby'], ['entity']);
  const entityNodes = fetch.children.filter((c) => c.name === 'entity');
  if (entityNodes.length !== 1) throw new FetchXmlError('A FetchXML query has exactly one entity element.');
  const entityNode = entityNodes[0];
  const name = entityNode.attrs.name;
  if (!name) throw new FetchXmlError("The entity element needs a 'name' attribute: the table's logical name.");
  if (name !== expectedEntity) {
    throw new FetchXmlError(`The entity name '${name}' in the FetchXML does not match the entity set of the request (entity '${expectedEntity}').`);
  }
  const aggregate = isTrue(fetch.attrs.aggregate);
  const distinct = isTrue(fetch.attrs.distinct);
  const top = fetch.attrs.top !== undefined ? positiveInt(fetch.attrs.top, 'top') : undefined;
  if (top !== undefined && (fetch.attrs.count !== undefined || fetch.attrs.page !== undefined)) {
    throw new FetchXmlError("The 'top' attribute can't be specified with paging attribute 'count' or 'page'.");
  }
  if (top !== undefined && top > MAX_PAGE_SIZE) throw new FetchXmlError(`'top' can be at most ${MAX_PAGE_SIZE}.`);
  const count = fetch.attrs.count !== undefined ? positiveInt(fetch.attrs.count, 'count') : MAX_PAGE_SIZE;
  if (count > MAX_PAGE_SIZE) throw new FetchXmlError(`'count' (the page size) can be at most ${MAX_PAGE_SIZE}.`);
  const page = fetch.attrs.page !== undefined ? positiveInt(fetch.attrs.page, 'page') : 1;

  const ctx = { model, now, params: [], joins: [], columns: [], orders: [], aliases: new Map(), linkCounts: new Map(), next: 1, aggregate, linkOrder: false };
  const root = { table: tableOf(model, name), sqlAlias: 't0', alias: undefined };
  ctx.aliases.set(name, root);
  const where = scopeOf(ctx, entityNode, root, true);
  const sql = [];
  if (aggregate) {
    const groups = ctx.columns.filter((c) => c.groupby);
    if (!ctx.columns.some((c) => c.aggregate || c.groupby)) throw new FetchXmlError('An aggregate query needs attributes with aggregate or groupby.');
    const select = ctx.columns.map((c) => `${c.sql} AS ${quote(c.key)}`).join(', ');
    sql.push(`SELECT ${select} FROM ${quote(root.table.sqlName)} AS t0`, ...ctx.joins);
    if (where) sql.push(`WHERE ${where}`);
    if (groups.length) sql.push(`GROUP BY ${groups.map((g) => g.sql).join(', ')}`);
    const orders = ctx.orders.map((o) => `${o.sql}${o.descending ? ' DESC' : ''}`);
    if (orders.length) sql.push(`ORDER BY ${orders.join(', ')}`);
  } else {
    if (!ctx.columns.some((c) => c.scope === root)) addAllAttributes(ctx, root);
    if (!distinct && root.table.key && !ctx.columns.some((c) => c.scope === root && c.column === root.table.key)) {
      ctx.columns.push(columnDescriptor(ctx, root, columnOf(root.table, root.table.key)));
    }
    if (!distinct && root.table.columns.has('versionnumber')) {
      ctx.columns.push({ key: `c${ctx.next++}`, sql: 't0."versionnumber"', etag: true, scope: root });
    }
    const select = [
      ...ctx.columns.flatMap((c) => [`${c.sql} AS ${quote(c.key)}`, ...(c.extra ?? [])]),
      // the raw values of the root's order columns, for the paging cookie
      ...(distinct ? [] : ctx.orders.filter((o) => o.scope === root).map((o) => `t0.${quote(o.column)} AS ${quote(`o_${o.column}`)}`)),
    ].join(', ');
    sql.push(`SELECT ${distinct ? 'DISTINCT ' : ''}${select} FROM ${quote(root.table.sqlName)} AS t0`, ...ctx.joins);
    if (where) sql.push(`WHERE ${where}`);
    const orders = ctx.orders.map((o) => `${o.sql}${o.descending ? ' DESC' : ''}`);
    if (!distinct && root.table.key) orders.push(`t0.${quote(root.table.key)}`);
    if (orders.length) sql.push(`ORDER BY ${orders.join(', ')}`);
  }
  return { sql: sql.join(' '), params: ctx.params, columns: ctx.columns, orders: ctx.orders, root, aggregate, distinct, top, count, page, cookieText: fetch.attrs['paging-cookie'], ctx, where };
}

function positiveInt(text, what) {
  if (!/^\d+$/.test(String(text).trim()) || Number(text) < 1) throw new FetchXmlError(`'${what}' must be a positive whole number, not '${text}'.`);
  return Number(text);
}

/** Reads the children of an entity or link-entity: columns, orders, link-entities; returns the WHERE of its filters. */
function scopeOf(ctx, node, scope, isRoot) {
  const allowedAttrs = isRoot ? ['name', 'enableprefiltering', 'prefilterparametername'] : ['name', 'from', 'to', 'alias', 'link-type', 'intersect', 'visible'];
  allowOnly(node, allowedAttrs, ['attribute', 'all-attributes', 'order', 'filter', 'link-entity']);
  const filters = [];
  // Columns and joins first, so that orders and conditions can name a link-entity's alias wherever it is declared.
  for (const child of node.children) {
    if (child.name === 'attribute') addAttribute(ctx, scope, child);
    else if (child.name === 'all-attributes') {
      allowOnly(child, [], []);
      addAllAttributes(ctx, scope);
    } else if (child.name === 'link-entity') addLink(ctx, scope, child, filters);
  }
  for (const child of node.children) {
    if (child.name === 'order') addOrder(ctx, scope, child, isRoot);
    else if (child.name === 'filter') filters.push(filterSql(ctx, scope, child));
  }
  const parts = filters.filter(Boolean);
  return parts.length ? parts.map((p) => `(${p})`).join(' AND ') : '';
}

/** A root column is named as in the Web API (a lookup is `_x_value`); a link-entity column is `alias.attribute`. */
function outputName(scope, resolved) {
  if (scope.alias) return `${scope.alias}.${resolved.attribute}`;
  return resolved.targets ? resolved.column : resolved.attribute;
}

function columnDescriptor(ctx, scope, resolved, alias) {
  const key = `c${ctx.next++}`;
  const d = { key, sql: `${scope.sqlAlias}.${quote(resolved.column)}`, el: resolved.el, scope, attribute: resolved.attribute, column: resolved.column, name: alias ?? outputName(scope, resolved), aliased: Boolean(alias || scope.alias) };
  if (resolved.targets) {
    // The lookup's formatted value (the target's primary name) and its logical name, through one join per target.
    const names = [];
    const cases = [];
    for (const target of resolved.targets) {
      const t = tableOf(ctx.model, target);
      const primary = PRIMARY_NAME[target];
      if (!t.key || !primary || !t.columns.has(primary)) continue;
      const a = `l${ctx.next++}`;
      ctx.joins.push(`LEFT JOIN ${quote(t.sqlName)} AS ${a} ON ${a}.${quote(t.key)} = ${d.sql}`);
      names.push(`${a}.${quote(primary)}`);
      cases.push(`WHEN ${a}.${quote(t.key)} IS NOT NULL THEN '${target}'`);
    }
    if (names.length) {
      d.extra = [`${names.length > 1 ? `COALESCE(${names.join(', ')})` : names[0]} AS ${quote(`${key}_name`)}`, `CASE ${cases.join(' ')} END AS ${quote(`${key}_entity`)}`];
      d.lookup = true;
    }
  }
  return d;
}

function addAttribute(ctx, scope, node) {
  allowOnly(node, ['name', 'alias', 'aggregate', 'groupby', 'dategrouping', 'distinct', 'usertimezone'], []);
  const { name, alias } = node.attrs;
  if (!name) throw new FetchXmlError("An attribute element needs a 'name' attribute.");
  const resolved = columnOf(scope.table, name);
  const col = `${scope.sqlAlias}.${quote(resolved.column)}`;
  if (ctx.aggregate) {
    if (!alias) throw new FetchXmlError(`An aggregate query needs an alias on every attribute ('${name}' has none).`);
    if (node.attrs.aggregate) {
      const fn = node.attrs.aggregate;
      const distinct = isTrue(node.attrs.distinct);
      let sql;
      let type = resolved.el;
      switch (fn) {
        case 'count': sql = 'COUNT(*)'; type = { type: 'cds.Integer' }; break;
        case 'countcolumn': sql = `COUNT(${distinct ? 'DISTINCT ' : ''}${col})`; type = { type: 'cds.Integer' }; break;
        case 'sum': sql = `SUM(${col})`; break;
        case 'avg': sql = `AVG(${col})`; break;
        case 'min': sql = `MIN(${col})`; break;
        case 'max': sql = `MAX(${col})`; break;
        default: throw new FetchXmlError(`The sample service does not evaluate the aggregate '${fn}' (it evaluates count, countcolumn, sum, avg, min, max).`);
      }
      ctx.columns.push({ key: alias, sql, el: type, scope, attribute: name, name: alias, aggregate: fn, aliased: true, avgOfWhole: fn === 'avg' && /Int/.test(resolved.el.type) });
    } else if (isTrue(node.attrs.groupby)) {
      let sql = col;
      let el = resolved.el;
      const grouping = node.attrs.dategrouping;
      if (grouping) {
        if (!/Date/.test(resolved.el.type)) throw new FetchXmlError(`dategrouping applies to date columns only; '${name}' is ${resolved.el.type.replace('cds.', '')}.`);
        const part = { day: "CAST(strftime('%d', X) AS INTEGER)", week: "CAST(strftime('%W', X) AS INTEGER)", month: "CAST(strftime('%m', X) AS INTEGER)", year: "CAST(strftime('%Y', X) AS INTEGER)", quarter: "((CAST(strftime('%m', X) AS INTEGER) + 2) / 3)" }[grouping];
        if (!part) throw new FetchXmlError(`The sample service does not evaluate dategrouping '${grouping}' (it evaluates day, week, month, quarter, year).`);
        sql = part.replace('X', col);
        el = { type: 'cds.Int64' };
      }
      ctx.columns.push({ key: alias, sql, el, scope, attribute: name, name: alias, groupby: true, aliased: true, lookupTargets: grouping ? undefined : resolved.targets });
    } else {
      throw new FetchXmlError(`In an aggregate query, the attribute '${name}' needs aggregate or groupby.`);
    }
    return;
  }
  if (node.attrs.aggregate || node.attrs.groupby) throw new FetchXmlError(`The attribute '${name}' has aggregate or groupby, but the fetch element is not aggregate='true'.`);
  ctx.columns.push(columnDescriptor(ctx, scope, resolved, alias));
}

function addAllAttributes(ctx, scope) {
  if (ctx.aggregate) throw new FetchXmlError('all-attributes cannot be used in an aggregate query.');
  for (const [column] of scope.table.columns) {
    const attribute = /^_(.+)_value$/.test(column) ? column.slice(1, -6) : column;
    if (ctx.columns.some((c) => c.scope === scope && c.column === column && !c.etag)) continue;
    ctx.columns.push(columnDescriptor(ctx, scope, columnOf(scope.table, attribute)));
  }
}

function addOrder(ctx, scope, node, isRoot) {
  allowOnly(node, ['attribute', 'alias', 'descending', 'entityname'], []);
  const descending = isTrue(node.attrs.descending);
  if (node.attrs.alias) {
    const c = ctx.columns.find((x) => x.key === node.attrs.alias && (x.aggregate || x.groupby));
    if (!c) throw new FetchXmlError(`The order alias '${node.attrs.alias}' is not the alias of an aggregate or groupby attribute.`);
    ctx.orders.push({ sql: quote(c.key), descending });
    return;
  }
  if (!node.attrs.attribute) throw new FetchXmlError("An order element needs an 'attribute' (or, in an aggregate query, an 'alias').");
  if (ctx.aggregate) throw new FetchXmlError("In an aggregate query, order by the 'alias' of an attribute.");
  const target = node.attrs.entityname ? linkedScope(ctx, node.attrs.entityname) : scope;
  const resolved = columnOf(target.table, node.attrs.attribute);
  if (!isRoot || target !== scope) ctx.linkOrder = true;
  const col = `${target.sqlAlias}.${quote(resolved.column)}`;
  // Dataverse sorts text without regard to case, as its SQL Server collation does.
  ctx.orders.push({ sql: resolved.el.type === 'cds.String' ? `${col} COLLATE NOCASE` : col, descending, scope: target, column: resolved.column, attribute: node.attrs.attribute, el: resolved.el });
}

function linkedScope(ctx, name) {
  const s = ctx.aliases.get(name);
  if (!s) throw new FetchXmlError(`No link-entity has the alias or name '${name}'.`);
  return s;
}

function filterSql(ctx, scope, node) {
  allowOnly(node, ['type', 'hint', 'isquickfindfields', 'overridequickfindrecordlimitenabled', 'overridequickfindrecordlimitdisabled'], ['condition', 'filter', 'link-entity']);
  const type = node.attrs.type ?? 'and';
  if (type !== 'and' && type !== 'or') throw new FetchXmlError(`A filter's type is 'and' or 'or', not '${type}'.`);
  const parts = [];
  for (const child of node.children) {
    if (child.name === 'condition') parts.push(conditionSql(ctx, scope, child));
    else if (child.name === 'filter') parts.push(filterSql(ctx, scope, child));
    else if (child.name === 'link-entity') {
      const linkType = child.attrs['link-type'];
      if (!['any', 'not any', 'exists', 'in'].includes(linkType ?? '')) {
        throw new FetchXmlError("A link-entity inside a filter needs link-type 'any', 'not any' (the sample service does not evaluate 'all' or 'not all').");
      }
      parts.push(existsSql(ctx, scope, child));
    }
  }
  const kept = parts.filter(Boolean);
  return kept.length ? kept.map((p) => `(${p})`).join(type === 'and' ? ' AND ' : ' OR ') : '';
}

function conditionSql(ctx, scope, node) {
  allowOnly(node, ['attribute', 'operator', 'value', 'entityname', 'valueof', 'uiname', 'uitype', 'uihidden'], ['value']);
  const { attribute, operator, entityname, valueof } = node.attrs;
  if (!attribute) throw new FetchXmlError("A condition needs an 'attribute'.");
  if (!operator) throw new FetchXmlError(`The condition on '${attribute}' needs an 'operator'.`);
  if (!OPERATORS.includes(operator)) {
    throw new FetchXmlError(`The sample service does not evaluate the condition operator '${operator}' (it evaluates ${OPERATORS.join(', ')}).`);
  }
  const target = entityname ? linkedScope(ctx, entityname) : scope;
  const resolved = columnOf(target.table, attribute);
  const el = resolved.el;
  const col = `${target.sqlAlias}.${quote(resolved.column)}`;
  const isText = el.type === 'cds.String';
  const isDate = /Date|Timestamp/.test(el.type);
  const values = node.children.filter((c) => c.name === 'value').map((v) => v.text);
  const single = () => {
    const v = node.attrs.value ?? values[0];
    if (v === undefined) throw new FetchXmlError(`The condition '${attribute} ${operator}' needs a value.`);
    return v;
  };
  const lhs = isDate ? `julianday(${col})` : isText ? `${col} COLLATE NOCASE` : el.type === 'cds.UUID' ? `lower(${col})` : col;
  const rhs = (text) => {
    ctx.params.push(parameter(el, text, attribute));
    return isDate ? 'julianday(?)' : '?';
  };
  if (valueof) {
    const other = columnOf(target.table, valueof);
    if (!COMPARISON[operator]) throw new FetchXmlError(`valueof works with eq, ne, gt, ge, lt and le, not '${operator}'.`);
    return `${lhs} ${COMPARISON[operator]} ${target.sqlAlias}.${quote(other.column)}`;
  }
  if (COMPARISON[operator]) return `${lhs} ${COMPARISON[operator]} ${rhs(single())}`;
  if (PATTERN[operator]) {
    if (!isText) throw new FetchXmlError(`The operator '${operator}' applies to text columns; '${attribute}' is ${el.type.replace('cds.', '')}.`);
    const [negate, shape] = PATTERN[operator];
    ctx.params.push(shape(single()));
    return `${negate ? 'NOT ' : ''}${col} LIKE ? ESCAPE '\\'`;
  }
  switch (operator) {
    case 'null': return `${col} IS NULL`;
    case 'not-null': return `${col} IS NOT NULL`;
    case 'in':
    case 'not-in': {
      if (!values.length) throw new FetchXmlError(`The operator '${operator}' needs at least one <value> element.`);
      return `${lhs} ${operator === 'in' ? 'IN' : 'NOT IN'} (${values.map(rhs).join(', ')})`;
    }
    case 'between':
    case 'not-between': {
      if (values.length !== 2) throw new FetchXmlError(`The operator '${operator}' needs exactly two <value> elements.`);
      return `${lhs} ${operator === 'between' ? 'BETWEEN' : 'NOT BETWEEN'} ${rhs(values[0])} AND ${rhs(values[1])}`;
    }
    default:
      break;
  }
  if (!isDate) throw new FetchXmlError(`The operator '${operator}' applies to date columns; '${attribute}' is ${el.type.replace('cds.', '')}.`);
  if (DATE_ONLY[operator]) {
    ctx.params.push(parameter(el, single(), attribute).slice(0, 10));
    return `date(${col}) ${DATE_ONLY[operator]} ?`;
  }
  let x = 0;
  if (RELATIVE_X.includes(operator)) {
    const v = single();
    if (!/^\d+$/.test(String(v).trim())) throw new FetchXmlError(`The operator '${operator}' takes a whole number of units as its value, not '${v}'.`);
    x = Number(v);
  }
  const [from, to] = relativeRange(operator, x, ctx.now);
  ctx.params.push(from.toISOString(), to.toISOString());
  return `(julianday(${col}) >= julianday(?) AND julianday(${col}) < julianday(?))`;
}

/** The alias of a link-entity: its own, or Dataverse's default (the table name for many-to-one, `{name}{N}` otherwise). */
function linkAlias(ctx, node, linked) {
  if (node.attrs.alias) return node.attrs.alias;
  const n = (ctx.linkCounts.get(linked.logicalName) ?? 0) + 1;
  ctx.linkCounts.set(linked.logicalName, n);
  return node.attrs.from === linked.key ? linked.logicalName : `${linked.logicalName}${n}`;
}

function linkParts(ctx, parent, node) {
  const { name, from, to } = node.attrs;
  if (!name || !from || !to) throw new FetchXmlError("A link-entity needs 'name', 'from' and 'to'.");
  const table = tableOf(ctx.model, name);
  const fromCol = columnOf(table, from);
  const toCol = columnOf(parent.table, to);
  const alias = linkAlias(ctx, node, table);
  if (ctx.aliases.has(alias) && ctx.aliases.get(alias).alias === alias) throw new FetchXmlError(`The alias '${alias}' is used twice in the query.`);
  const scope = { table, sqlAlias: `t${ctx.next++}`, alias };
  ctx.aliases.set(alias, scope);
  const on = `${scope.sqlAlias}.${quote(fromCol.column)} = ${parent.sqlAlias}.${quote(toCol.column)}`;
  return { scope, on };
}

function addLink(ctx, parent, node, parentFilters) {
  const linkType = node.attrs['link-type'] ?? 'inner';
  if (['any', 'not any', 'exists', 'in'].includes(linkType)) {
    parentFilters.push(existsSql(ctx, parent, node));
    return;
  }
  if (linkType !== 'inner' && linkType !== 'outer') {
    throw new FetchXmlError(`The sample service does not evaluate link-type '${linkType}' (it evaluates inner, outer, any, not any, exists, in).`);
  }
  const { scope, on } = linkParts(ctx, parent, node);
  const joinIndex = ctx.joins.length;
  ctx.joins.push('');
  const where = scopeOf(ctx, node, scope, false);
  // The link's own filters belong to its ON clause (for an outer join, they limit what is joined, not the rows).
  ctx.joins[joinIndex] = `${linkType === 'outer' ? 'LEFT' : 'INNER'} JOIN ${quote(scope.table.sqlName)} AS ${scope.sqlAlias} ON ${on}${where ? ` AND (${where})` : ''}`;
}

function existsSql(ctx, parent, node) {
  const linkType = node.attrs['link-type'];
  const { scope, on } = linkParts(ctx, parent, node);
  const saved = { joins: ctx.joins, columns: ctx.columns, orders: ctx.orders };
  ctx.joins = [];
  ctx.columns = [];
  ctx.orders = [];
  const where = scopeOf(ctx, node, scope, false);
  if (ctx.columns.length) throw new FetchXmlError(`A link-entity with link-type '${linkType}' returns no columns: remove its attribute elements.`);
  const sub = `EXISTS (SELECT 1 FROM ${quote(scope.table.sqlName)} AS ${scope.sqlAlias} ${ctx.joins.join(' ')} WHERE ${on}${where ? ` AND (${where})` : ''})`;
  Object.assign(ctx, saved);
  return linkType === 'not any' ? `NOT ${sub}` : sub;
}

// ---------------------------------------------------------------------------------------------------- paging cookie

/** `<cookie page="1"><name last=".." first=".." /><accountid last="{..}" first="{..}" /></cookie>` */
function makeCookie(page, entries) {
  const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<cookie page="${page}">${entries.map((e) => `<${e.name} last="${esc(e.last)}" first="${esc(e.first)}" />`).join('')}</cookie>`;
}

/** Dataverse URL-encodes the inner cookie twice, with lower-case hex. */
function encodeTwice(text) {
  const once = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  return once(once(text));
}

function cookieValue(el, raw) {
  if (el?.type === 'cds.UUID') return `{${String(raw).toUpperCase()}}`;
  return raw;
}

function parseCookie(text) {
  let node;
  try {
    node = parseXml(text);
  } catch {
    throw new FetchXmlError('The paging-cookie is not a cookie that this service returned: use the pagingcookie value of @Microsoft.Dynamics.CRM.fetchxmlpagingcookie, URL-decoded twice.');
  }
  if (node.name !== 'cookie' || !/^\d+$/.test(node.attrs.page ?? '')) {
    throw new FetchXmlError("The paging-cookie is not a <cookie page='N'> element.");
  }
  return { page: Number(node.attrs.page), entries: node.children.map((c) => ({ name: c.name, last: c.attrs.last })) };
}

/** The WHERE that continues after the cookie's last row, for the root entity's order columns then its key. */
function keysetAfter(compiled, cookie) {
  const { root, orders } = compiled;
  const keys = [...orders.map((o) => ({ column: o.column, attribute: o.attribute, descending: o.descending, el: o.el })), { column: root.table.key, attribute: root.table.key, descending: false, el: root.table.columns.get(root.table.key) }];
  const lasts = [];
  for (const k of keys) {
    const entry = cookie.entries.find((e) => e.name === k.attribute);
    if (!entry || entry.last === undefined || entry.last === '') return undefined; // fall back to simple paging
    try {
      lasts.push(parameter(k.el, entry.last, k.attribute));
    } catch {
      throw new FetchXmlError(`The paging-cookie has a value for '${k.attribute}' that does not fit the column: pass the cookie this service returned.`);
    }
  }
  const params = [];
  const ors = keys.map((k, i) => {
    const ands = keys.slice(0, i).map((p, j) => {
      params.push(lasts[j]);
      return `${colSql(p)} = ${valSql(p)}`;
    });
    params.push(lasts[i]);
    // SQLite sorts NULL first: after a non-null value, a descending order still has its NULL rows to come.
    ands.push(k.descending ? `(${colSql(k)} < ${valSql(k)} OR t0.${quote(k.column)} IS NULL)` : `${colSql(k)} > ${valSql(k)}`);
    return `(${ands.join(' AND ')})`;
  });
  return { sql: `(${ors.join(' OR ')})`, params };
  function colSql(k) {
    const c = `t0.${quote(k.column)}`;
    return /Date|Timestamp/.test(k.el.type) ? `julianday(${c})` : k.el.type === 'cds.String' ? `${c} COLLATE NOCASE` : k.el.type === 'cds.UUID' ? `lower(${c})` : c;
  }
  function valSql(k) {
    return /Date|Timestamp/.test(k.el.type) ? 'julianday(?)' : '?';
  }
}

// ---------------------------------------------------------------------------------------------------- evaluate

/** Which annotations `Prefer: odata.include-annotations="..."` asks for. */
function annotationFilter(prefer) {
  const m = /odata\.include-annotations\s*=\s*"?([^";]*)"?/i.exec(prefer ?? '');
  if (!m) return { applied: undefined, wants: () => false };
  const patterns = m[1].split(',').map((p) => p.trim()).filter(Boolean);
  const wants = (name) => patterns.some((p) => !p.startsWith('-') && (p === '*' || p === name || (p.endsWith('.*') && name.startsWith(p.slice(0, -1)))));
  return { applied: `odata.include-annotations="${m[1]}"`, wants };
}

/**
 * Evaluates a FetchXML query.
 * @param {{ model: object, xml: string, entity: string, entitySet: string, prefer?: string, count?: boolean,
 *   run: (sql: string, params: unknown[]) => Promise<object[]>, now?: Date }} request
 * @returns {Promise<{ status: number, headers: Record<string, string>, body: object }>}
 */
async function evaluateFetchXml({ model, xml, entity, entitySet, prefer, count: withCount, run, now = new Date() }) {
  try {
    const fetch = parseXml(xml);
    const compiled = compile(model, fetch, entity, now);
    const annotations = annotationFilter(prefer);
    const { top, count, page, aggregate } = compiled;
    let sql = compiled.sql;
    let params = compiled.params;
    let offset = top !== undefined ? 0 : (page - 1) * count;
    const limit = top !== undefined ? top : count + 1;
    if (compiled.cookieText && !aggregate && !compiled.distinct && !compiled.ctx.linkOrder && top === undefined) {
      const cookie = parseCookie(compiled.cookieText);
      // Dataverse ignores a cookie for a page that does not follow the cookie's page.
      if (cookie.page === page - 1) {
        const after = keysetAfter(compiled, cookie);
        if (after) {
          sql = injectWhere(compiled, after.sql);
          params = [...compiled.params, ...after.params];
          offset = 0;
        }
      }
    }
    const rows = await run(`${sql} LIMIT ${limit} OFFSET ${offset}`, params);
    const more = top === undefined && rows.length > count;
    const pageRows = more ? rows.slice(0, count) : rows;
    const value = pageRows.map((row) => shapeRow(compiled, row, annotations.wants));
    const body = { '@odata.context': `$metadata#${entitySet}` };
    if (withCount || isTrue(fetch.attrs.returntotalrecordcount)) {
      const totalSql = `SELECT COUNT(*) AS n FROM (${compiled.sql}) AS counted`;
      const [{ n }] = await run(totalSql, compiled.params);
      if (withCount) body['@odata.count'] = Math.min(Number(n), MAX_PAGE_SIZE);
      if (isTrue(fetch.attrs.returntotalrecordcount) && annotations.wants('Microsoft.Dynamics.CRM.totalrecordcount')) {
        body['@Microsoft.Dynamics.CRM.totalrecordcount'] = Math.min(Number(n), MAX_PAGE_SIZE);
        body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'] = Number(n) > MAX_PAGE_SIZE;
      }
    }
    if (more) {
      if (!aggregate && !compiled.distinct && !compiled.ctx.linkOrder && annotations.wants('Microsoft.Dynamics.CRM.fetchxmlpagingcookie')) {
        const first = pageRows[0];
        const last = pageRows[pageRows.length - 1];
        const keyDescriptor = compiled.columns.find((c) => c.scope === compiled.root && c.column === compiled.root.table.key);
        const entries = [
          ...compiled.orders.map((o) => ({ name: o.attribute, first: cookieValue(o.el, first[`o_${o.column}`] ?? ''), last: cookieValue(o.el, last[`o_${o.column}`] ?? '') })),
          { name: compiled.root.table.key, first: cookieValue({ type: 'cds.UUID' }, first[keyDescriptor.key]), last: cookieValue({ type: 'cds.UUID' }, last[keyDescriptor.key]) },
        ];
        body[PAGING_COOKIE] = `<cookie pagenumber="${page + 1}" pagingcookie="${encodeTwice(makeCookie(page, entries))}" istracking="False" />`;
      }
      if (annotations.wants('Microsoft.Dynamics.CRM.morerecords')) body[MORE_RECORDS] = true;
    }
    body.value = value;
    const headers = { 'OData-Version': '4.0' };
    if (annotations.applied) headers['Preference-Applied'] = annotations.applied;
    return { status: 200, headers, body };
  } catch (e) {
    if (e instanceof FetchXmlError) return { status: 400, headers: { 'OData-Version': '4.0' }, body: { error: { code: e.code, message: e.message } } };
    throw e;
  }
}

/** Adds the keyset condition to the compiled SQL (before its ORDER BY) and selects the order columns' raw values. */
function injectWhere(compiled, condition) {
  const i = compiled.sql.lastIndexOf(' ORDER BY ');
  const head = compiled.sql.slice(0, i);
  const tail = compiled.sql.slice(i);
  return compiled.where ? `${head} AND ${condition}${tail}` : `${head} WHERE ${condition}${tail}`;
}

function shapeRow(compiled, row, wants) {
  const out = {};
  const etag = compiled.columns.find((c) => c.etag);
  if (etag && row[etag.key] !== null && row[etag.key] !== undefined) out['@odata.etag'] = `W/"${row[etag.key]}"`;
  for (const c of compiled.columns) {
    if (c.etag) continue;
    const shown = present(c.el, row[c.key]);
    if (!shown) continue; // FetchXML results leave out null values
    let value = shown.value;
    let formatted = shown.formatted;
    if (c.avgOfWhole) {
      value = Math.trunc(value);
      formatted = WHOLE.format(value);
    }
    if (c.aliased && wants('OData.Community.Display.V1.AttributeName')) out[`${c.name}${ATTRIBUTE_NAME}`] = c.attribute;
    if (c.lookup) {
      if (row[`${c.key}_name`] != null && wants('OData.Community.Display.V1.FormattedValue')) out[`${c.name}${FORMATTED}`] = row[`${c.key}_name`];
      if (row[`${c.key}_entity`] != null && wants('Microsoft.Dynamics.CRM.lookuplogicalname')) out[`${c.name}${LOOKUP_LOGICAL_NAME}`] = row[`${c.key}_entity`];
    } else if (formatted !== undefined && c.el.type !== 'cds.UUID' && wants('OData.Community.Display.V1.FormattedValue')) {
      out[`${c.name}${FORMATTED}`] = formatted;
    }
    out[c.name] = value;
  }
  return out;
}

module.exports = { evaluateFetchXml, OPERATORS, FetchXmlError, MAX_PAGE_SIZE, PRIMARY_NAME };
