import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseApply } from '../../../server/src/odata/uri/parser';
import type { Transformation } from '../../../server/src/odata/uri/ast';
import { codes, cut, show } from './astHelpers';

function ok(text: string): Transformation[] {
  const r = parseApply(text);
  assert.deepEqual(r.errors, [], `errors in ${text}`);
  return r.value;
}

describe('$apply', () => {
  it('groupby with aggregate (Dataverse)', () => {
    const text = 'groupby((statuscode),aggregate(revenue with average as averagevalue))';
    const [g] = ok(text);
    assert.equal(g.kind, 'groupby');
    if (g.kind !== 'groupby') return;
    assert.deepEqual(g.properties.map(show), ['statuscode']);
    const agg = g.transformations[0];
    assert.equal(agg.kind, 'aggregate');
    if (agg.kind !== 'aggregate') return;
    const item = agg.items[0];
    assert.equal(show(item.expression), 'revenue');
    assert.equal(item.method, 'average');
    assert.equal(item.alias, 'averagevalue');
    assert.equal(cut(text, item.methodSpan!), 'average');
    assert.equal(cut(text, item.aliasSpan!), 'averagevalue');
    assert.equal(cut(text, agg.nameSpan), 'aggregate');
  });
  it('$count, from chains, custom aggregates', () => {
    const [a] = ok('aggregate($count as count,Amount with sum from Time with average as DailyAverage,Budget)');
    if (a.kind !== 'aggregate') return assert.fail();
    assert.deepEqual(a.items.map((i) => `${show(i.expression)}|${i.method ?? ''}|${i.alias ?? ''}|${(i.from ?? []).map((f) => `${show(f.path)}:${f.method}`).join()}`), [
      '$count||count|',
      'Amount|sum|DailyAverage|Time:average',
      'Budget|||',
    ]);
  });
  it('sequences, filter, orderby, top, compute, concat, nest, join', () => {
    const seq = ok("filter(address1_stateorprovince eq 'WA')/groupby((primarycontactid/fullname))/orderby(Total desc)/top(4)");
    assert.deepEqual(seq.map((t) => t.kind), ['filter', 'groupby', 'orderby', 'top']);
    const [c] = ok('concat(topcount(2,Amount),bottomcount(2,Amount))');
    assert.equal(c.kind === 'concat' && c.sequences.length, 2);
    const [cmp] = ok('compute(Amount mul Product/TaxRate as Tax)');
    assert.equal(cmp.kind === 'compute' && cmp.items[0].alias, 'Tax');
    const [n] = ok('addnested(Sales,filter(Amount gt 3) as FilteredSales)');
    assert.equal(n.kind === 'addnested' && n.sequences[0].alias, 'FilteredSales');
    const [j] = ok("join(Sales as Sale,filter(Customer/Country eq 'US'))");
    assert.equal(j.kind === 'join' && j.alias, 'Sale');
    const [x] = ok("Self.TopCountAndBalance(Count=1,Property='Total')");
    assert.equal(x.kind === 'other' && x.argList?.args[0].name, 'Count');
  });
  it('rollup and hierarchy transformations', () => {
    const [g] = ok('groupby((rollup(Customer/Country,Customer/Name),Currency/Code),aggregate(Amount with sum as Total))');
    assert.equal(g.kind === 'groupby' && show(g.properties[0]), 'rollup(Customer/Country,Customer/Name)');
    const [d] = ok("descendants($root/SalesOrganizations,SalesOrgHierarchy,ID,filter(Name eq 'US'),3,keep start)");
    assert.equal(d.kind === 'descendants' && d.keepStart, true);
    const [t] = ok('traverse($root/SalesOrganizations,SalesOrgHierarchy,ID,preorder)');
    assert.equal(t.kind, 'traverse');
  });
  it('aggregate in expressions: $these/aggregate(...) and nav/aggregate(...)', () => {
    const [c] = ok('compute(Amount div $these/aggregate(Amount with sum) as RelativeAmount)');
    if (c.kind !== 'compute') return assert.fail();
    const e = c.items[0].expression;
    assert.equal(e.kind === 'Binary' && e.right?.kind === 'Path' && e.right.segments[1].aggregate?.method, 'sum');
  });
  it('errors', () => {
    assert.deepEqual(codes(parseApply('aggregate()').errors), ['syntax.invalid-aggregate']);
    assert.deepEqual(codes(parseApply('aggregate(Amount with sum)').errors), ['syntax.expected-alias']);
    assert.deepEqual(codes(parseApply('aggregate($count with sum as n)').errors), ['syntax.invalid-aggregate']);
    assert.deepEqual(codes(parseApply('frobnicate(x)').errors), ['syntax.unknown-transformation']);
    assert.deepEqual(codes(parseApply('groupby((a/@Core.X))').errors), ['syntax.unexpected-token']);
  });
});
