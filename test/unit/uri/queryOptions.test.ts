import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQueryOptions, parseSearch, parseUri } from '../../../server/src/odata/uri/parser';
import type { AliasOption, ComputeItem, ExpandItem, ExpandOption, IntegerOption, OrderByItem, QueryOption, SelectItem } from '../../../server/src/odata/uri/ast';
import { codes, cut, mark, show, showSearch, withoutSpans } from './astHelpers';

function ok(text: string): QueryOption[] {
  const r = parseQueryOptions(text);
  assert.deepEqual(r.errors, [], `errors in ${text}`);
  return r.options;
}

/** The single option of `text`, checked to be of `kind`. (RawOption's open `kind` defeats narrowing, hence the loose type.) */
function one(text: string, kind: string): any {
  const opts = ok(text);
  assert.equal(opts.length, 1);
  assert.equal(opts[0].kind, kind);
  return opts[0];
}

function selectPaths(items: (SelectItem | ExpandItem)[]): string[] {
  return items.map((i) => i.path.segments.map((s) => s.name + (s.args ? `(${s.args.args.map((a) => show(a.value)).join(',')})` : '')).join('/'));
}

describe('query options: names, spans, kinds', () => {
  it('option, name and value spans', () => {
    const text = '$top=2&$orderby=Name desc';
    const [top, orderby] = ok(text);
    assert.equal(mark(text, top.span), '[$top=2]&$orderby=Name desc');
    assert.equal(mark(text, top.nameSpan), '[$top]=2&$orderby=Name desc');
    assert.equal(mark(text, top.valueSpan!), '$top=[2]&$orderby=Name desc');
    assert.equal((top as IntegerOption).value, 2);
    assert.equal(mark(text, orderby.valueSpan!), '$top=2&$orderby=[Name desc]');
  });
  it('4.01 case-insensitive and $-less system options', () => {
    assert.equal(one('$OrderBy=Name', '$orderby').name, '$OrderBy');
    assert.equal(one('filter=true', '$filter').name, 'filter');
    assert.equal(one('top=5', '$top').value, 5);
  });
  it('custom options and aliases', () => {
    const c = one('cross-company=true', 'custom');
    assert.equal(c.raw, 'true');
    const [f, p1, p2] = ok(`$filter=Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)&@p1='lastname'&@p2=["OBrian","O'Brian"]`);
    assert.equal(f.kind, '$filter');
    assert.equal(show((p1 as AliasOption).value), "'lastname'");
    const v2 = (p2 as AliasOption).value;
    assert.equal(v2?.kind === 'Json' && JSON.stringify(v2.value), '["OBrian","O\'Brian"]');
    const expr = one('@e=5 add 3', 'alias');
    assert.equal(show(expr.value), '(add 5 3)');
    assert.equal(one('!special', 'custom').raw, '');
  });
  it('$top/$skip/$count/$index/$format/$skiptoken/$schemaversion/$id', () => {
    assert.equal(one('$skip=10', '$skip').value, 10);
    assert.equal(one('$count=true', '$count').value, true);
    assert.equal(one('$index=-42', '$index').value, -42);
    assert.equal(one('$format=application/json', '$format').raw, 'application/json');
    assert.equal(one('$skiptoken=%3Ccookie%20page=%221%22', '$skiptoken').raw, '<cookie page="1"');
    assert.equal(one('$schemaversion=1.0', '$schemaversion').raw, '1.0');
    assert.equal(one('$id=http://host/Customers(1)', '$id').raw, 'http://host/Customers(1)');
  });
  it('errors: unknown, duplicate, invalid values, missing =', () => {
    assert.deepEqual(codes(parseQueryOptions('$filtr=x').errors), ['syntax.unknown-system-option']);
    assert.deepEqual(codes(parseQueryOptions('$top=1&$top=2').errors), ['syntax.duplicate-option']);
    assert.deepEqual(codes(parseQueryOptions('$top=-1').errors), ['syntax.invalid-number']);
    assert.deepEqual(codes(parseQueryOptions('$count').errors), ['syntax.expected-equals']);
    assert.deepEqual(codes(parseQueryOptions('$count=yes').errors), ['syntax.invalid-literal']);
    assert.deepEqual(codes(parseQueryOptions('$filter= true', { strict: true }).errors), ['syntax.unexpected-whitespace']);
    assert.deepEqual(codes(parseQueryOptions('$filter= true').errors), [], 'by default a space after = is tolerated (Dynamics ignores it)');
    assert.deepEqual(codes(parseQueryOptions('a=1&&b=2').errors), ['syntax.empty-option']);
  });
});

describe('query options: recovery', () => {
  it('a broken $filter keeps the next options', () => {
    const text = 'accounts?$filter=name eq &$top=5';
    const u = parseUri(text);
    assert.deepEqual(codes(u.errors), ['syntax.expected-expression']);
    assert.equal(mark(text, u.errors[0].span), 'accounts?$filter=name eq []&$top=5');
    assert.deepEqual(u.queryOptions.map((o) => o.kind), ['$filter', '$top']);
    const top = u.queryOptions[1];
    assert.equal((top as IntegerOption).value, 5);
  });
  it('an unclosed nested $expand recovers at & and reports the missing paren', () => {
    const text = 'accounts?$expand=a($select=x;$filter=y eq 1&$top=1';
    const u = parseUri(text);
    assert.deepEqual(codes(u.errors), ['syntax.expected-closing-paren']);
    assert.equal(u.queryOptions.length, 2);
    const exp = u.queryOptions[0];
    assert.equal((exp as ExpandOption).items[0].options.length, 2);
  });
  it('junk after an expression is reported and skipped', () => {
    const text = '$filter=a eq 1 b&$top=1';
    const r = parseQueryOptions(text);
    assert.deepEqual(codes(r.errors), ['syntax.unexpected-token']);
    assert.equal(mark(text, r.errors[0].span), '$filter=a eq 1 [b]&$top=1');
    assert.equal(r.options.length, 2);
  });
  it('unterminated string in $filter', () => {
    const r = parseQueryOptions("$filter=name eq 'abc&$top=1");
    assert.deepEqual(codes(r.errors), ['syntax.unterminated-string']);
    assert.equal(r.options[1].kind, '$top');
  });
});

describe('query options: $select and $expand', () => {
  it('select paths, *, qualified, function overloads and nested options', () => {
    assert.deepEqual(selectPaths(one('$select=name,Address/Street,*,Model.*', '$select').items), ['name', 'Address/Street', '*', 'Model.*']);
    assert.deepEqual(selectPaths(one('$select=Model.MostPopularName(Location,Kind)', '$select').items), ['Model.MostPopularName(Location,Kind)']);
    const sel = one("$select=Addresses($filter=startswith(City,'H');$top=5;$orderby=$it)", '$select');
    assert.deepEqual(sel.items[0].options!.map((o: QueryOption) => o.kind), ['$filter', '$top', '$orderby']);
  });
  it('expand nested to any depth with spans', () => {
    const text = '$expand=regardingobjectid_contact_task($select=fullname;$expand=parentcustomerid_account($select=name;$expand=createdby($select=fullname)))';
    const e = one(text, '$expand');
    const lvl1 = e.items[0];
    assert.equal(cut(text, lvl1.path.span), 'regardingobjectid_contact_task');
    assert.equal(mark(text, lvl1.optionsSpan!).startsWith('$expand=regardingobjectid_contact_task[('), true);
    const lvl2 = lvl1.options[1];
    assert.equal(lvl2.kind, '$expand');
    if (lvl2.kind !== '$expand') return;
    const lvl3 = lvl2.items[0].options[1];
    assert.equal(lvl3.kind === '$expand' && cut(text, lvl3.items[0].path.span), 'createdby');
  });
  it('$ref, $count, *, $levels', () => {
    assert.deepEqual(selectPaths(one('$expand=*,*/$ref,*($levels=2),primarycontactid/$ref,Items/$count($filter=x eq 1)', '$expand').items), [
      '*', '*/$ref', '*', 'primarycontactid/$ref', 'Items/$count',
    ]);
    const lv = one('$expand=Category($levels=max)', '$expand').items[0].options[0];
    assert.equal(lv.kind === '$levels' && lv.value, 'max');
  });
  it('options not allowed in context', () => {
    assert.deepEqual(codes(parseQueryOptions('$expand=Customer/$ref($select=Name)').errors), ['syntax.option-not-allowed']);
    assert.deepEqual(codes(parseQueryOptions('$expand=Items/$count($top=1)').errors), ['syntax.option-not-allowed']);
    assert.deepEqual(codes(parseQueryOptions('$expand=C($levels=04)').errors), ['syntax.invalid-number']);
    assert.deepEqual(codes(parseQueryOptions('$levels=2').errors), ['syntax.option-not-allowed']);
  });
});

describe('query options: $orderby, $compute', () => {
  it('orderby directions', () => {
    const text = '$orderby=Name asc,Rating,ReleaseDate desc';
    const o = one(text, '$orderby');
    assert.deepEqual(o.items.map((i: OrderByItem) => `${show(i.expression)}:${i.direction ?? ''}`), ['Name:asc', 'Rating:', 'ReleaseDate:desc']);
    assert.equal(mark(text, o.items[2].directionSpan!), '$orderby=Name asc,Rating,ReleaseDate [desc]');
  });
  it('compute with alias', () => {
    const text = '$compute=Amount mul Product/TaxRate as Tax,day(Time/Date) as WeekDay';
    const c = one(text, '$compute');
    assert.deepEqual(c.items.map((i: ComputeItem) => `${show(i.expression)} as ${i.alias}`), ['(mul Amount Product/TaxRate) as Tax', 'day(Time/Date) as WeekDay']);
    assert.equal(cut(text, c.items[1].aliasSpan!), 'WeekDay');
    assert.deepEqual(codes(parseQueryOptions('$compute=a add b').errors), ['syntax.expected-alias']);
  });
});

describe('query options: $search', () => {
  it('precedence NOT > AND (implicit) > OR, phrases, parentheses', () => {
    assert.equal(showSearch(parseSearch('foo AND bar OR baz').expression), '(OR (AND foo bar) baz)');
    assert.equal(showSearch(parseSearch('blue green').expression), '(AND blue green)');
    assert.equal(showSearch(parseSearch('NOT blue OR "a b"').expression), '(OR (NOT blue) "a b")');
    assert.equal(showSearch(parseSearch('(foo OR that) AND NOT quux').expression), '(AND (OR foo that) (NOT quux))');
    assert.equal(showSearch(parseSearch('AND').expression), 'AND');
    assert.equal(showSearch(parseSearch('blue%20green').expression), '(AND blue green)');
  });
  it('errors', () => {
    assert.deepEqual(codes(parseSearch('"blue').errors), ['syntax.unterminated-string']);
    assert.deepEqual(codes(parseQueryOptions('$search=a;b').errors), ['syntax.invalid-search']);
    assert.deepEqual(codes(parseQueryOptions('$search=#1').errors), ['syntax.invalid-search']);
  });
  it('encoded separators stay inside the value', () => {
    const s = one('$search=more%26more', '$search');
    assert.equal(showSearch(s.expression), 'more&more');
  });
});

describe('query options: percent-encoding', () => {
  it('encoded and plain queries give the same tree', () => {
    const plain = parseQueryOptions("$filter=CustomerAccount eq 'a b'&$select=x,y");
    const enc = parseQueryOptions('%24filter=CustomerAccount%20eq%20%27a%20b%27&$select=x%2Cy');
    assert.deepEqual(enc.errors, []);
    assert.deepEqual(withoutSpans(enc.options.map((o) => ({ ...o, name: o.name.replace('%24', '$') }))), withoutSpans(plain.options));
  });
  it('spans point into the encoded text', () => {
    const text = '$filter=name%20eq%20%27x%27';
    const f = one(text, '$filter');
    const e = f.expression!;
    assert.equal(e.kind, 'Binary');
    if (e.kind === 'Binary') assert.equal(cut(text, e.right!.span), '%27x%27');
  });
});

it('a nested option without a name or with a custom name: an error, and parsing goes on (found by the fuzz test: it looped)', () => {
  for (const text of ['t?$expand=r($select=f;=', 't?$expand=r($top=1;=x;$select=a)', 't?$expand=r($select=f;foo=1;$top=2)']) {
    const uri = parseUri(text);
    assert.ok(uri.errors.length > 0, text);
  }
  const uri = parseUri('t?$expand=r($select=f;foo=1;$top=2)');
  const expand = uri.queryOptions[0] as ExpandOption;
  assert.deepEqual(expand.items[0].options.map((option) => option.name), ['$select', 'foo', '$top']);
  assert.deepEqual(uri.errors.map((error) => error.code), ['syntax.option-not-allowed']);
});

it('an option written without "=" keeps the shape of its kind (found by the fuzz test: the binder crashed on it)', () => {
  const uri = parseUri('accounts?$select&$expand&$orderby&$compute&$apply&$filter&$top');
  const byName = new Map(uri.queryOptions.map((option) => [option.name, option as unknown as Record<string, unknown>]));
  for (const name of ['$select', '$expand', '$orderby', '$compute']) assert.deepEqual(byName.get(name)?.items, [], name);
  assert.deepEqual(byName.get('$apply')?.transformations, []);
  assert.equal(byName.get('$filter')?.expression, undefined);
  assert.deepEqual(codes(uri.errors), Array(7).fill('syntax.expected-equals'));
});

it("an unknown $-option is kind 'unknown', keeping its name and raw value, so known kinds narrow the union", () => {
  const uri = parseUri('accounts?$fitler=x&$format=json');
  assert.deepEqual(
    uri.queryOptions.map((option) => [option.kind, option.name, 'raw' in option ? option.raw : undefined]),
    [
      ['unknown', '$fitler', 'x'],
      ['$format', '$format', 'json'],
    ],
  );
  assert.deepEqual(codes(uri.errors), ['syntax.unknown-system-option']);
});

describe('query options: & inside a string literal', () => {
  it('belongs to the literal (the runner sends it as %26), and escaped quotes keep the literal open', () => {
    const r = parseQueryOptions("$filter=name eq 'O''Neil & Sons'&$top=1");
    assert.deepEqual(codes(r.errors), []);
    assert.deepEqual(r.options.map((o) => o.kind), ['$filter', '$top']);
  });
  it('a quote left open still lets the next options parse', () => {
    const r = parseQueryOptions("$filter=name eq 'a & b&$top=1&$skip=2");
    assert.ok(codes(r.errors).includes('syntax.unterminated-string'), codes(r.errors).join(', '));
    assert.deepEqual(r.options.slice(-2).map((o) => o.kind), ['$top', '$skip']);
  });
});
