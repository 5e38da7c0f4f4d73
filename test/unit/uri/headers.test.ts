import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeader, parsePreferHeader, parsePreference } from '../../../server/src/odata/uri/headers';
import { parseContextUrl } from '../../../server/src/odata/uri/contextUrl';

describe('Prefer header and OData headers', () => {
  it('known preferences', () => {
    const r = parsePreferHeader('odata.include-annotations="*", odata.maxpagesize=50, return=representation');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.preferences.map((p) => `${p.name}=${p.value ?? ''}`), ['include-annotations=*', 'maxpagesize=50', 'return=representation']);
    assert.equal(r.preferences[1].start, 31);
  });
  it('invalid preference values', () => {
    assert.equal(parsePreference('odata.maxpagesize=0').errors.length, 1);
    assert.equal(parsePreference('odata.include-annotations="Namespace"').errors.length, 1);
    assert.equal(parsePreference('return=everything').errors.length, 1);
    assert.deepEqual(parsePreference('x-custom-pref').errors, []);
  });
  it('headers', () => {
    assert.deepEqual(parseHeader('OData-Version: 4.01').errors, []);
    assert.equal(parseHeader('OData-Version: 5.0').errors.length, 1);
    assert.deepEqual(parseHeader('Prefer: odata.track-changes').errors, []);
  });
});

describe('context URL fragments', () => {
  it('parses entity sets, keys, select lists and suffixes', () => {
    const r = parseContextUrl("#Customers('ALFKI')/Orders(1)/Items(Product)/$entity");
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.context!.segments.map((s) => s.name), ['Customers', 'Orders', 'Items']);
    assert.equal(r.context!.suffix, '$entity');
    assert.deepEqual(parseContextUrl('#Employees(Title,DirectReports+(FirstName,LastName))').context!.segments[0].selectList![1].expanded, true);
    assert.ok(parseContextUrl('#Employees(@Core.Messages%23second)').errors.length > 0);
  });
});
