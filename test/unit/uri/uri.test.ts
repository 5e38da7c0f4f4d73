import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseUri } from '../../../server/src/odata/uri/parser';
import type { IdentifierSegment, ODataUri, PathSegment } from '../../../server/src/odata/uri/ast';
import { codes, cut, mark, show, withoutSpans } from './astHelpers';

function ok(text: string): ODataUri {
  const u = parseUri(text);
  assert.deepEqual(u.errors, [], `errors in ${text}`);
  return u;
}

function segs(u: ODataUri): string[] {
  return u.path.segments.map((s: PathSegment) => {
    let t = s.name;
    if (s.args) t += `(${s.args.args.map((a) => (a.name ? `${a.name}=` : '') + show(a.value)).join(',')})`;
    if (s.kind === 'Identifier' && s.keyAfterCall) t += `(${s.keyAfterCall.args.map((a) => show(a.value)).join(',')})`;
    if (s.kind === 'Identifier' && s.keyAsSegment) t = `key:${t}`;
    return t;
  });
}

describe('uri: service roots', () => {
  it('Dataverse absolute and documentation prefixes', () => {
    const text = 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$top=1';
    const u = ok(text);
    assert.equal(mark(text, u.serviceRoot!), '[https://contoso.crm.dynamics.com/api/data/v9.2/]accounts?$top=1');
    assert.deepEqual(segs(u), ['accounts']);
    const doc = ok('[Organization URI]/api/data/v9.2/contacts(70bf4d48-34cb-ed11-b596-0022481d68cd)');
    assert.equal(cut('[Organization URI]/api/data/v9.2/', doc.serviceRoot!), '[Organization URI]/api/data/v9.2/');
    assert.deepEqual(segs(doc), ['contacts(70bf4d48-34cb-ed11-b596-0022481d68cd)']);
  });
  it('F&O, Business Central and generic roots', () => {
    assert.deepEqual(segs(ok('http://[baseURI]/data/FleetCustomers?cross-company=true')), ['FleetCustomers']);
    assert.deepEqual(segs(ok('https://ayt.operations.dynamics.com/Data/CustomersV3')), ['CustomersV3']);
    const bc = 'https://api.businesscentral.dynamics.com/v2.0/tenant/Live/api/v2.0/companies(f03f6225-081c-ec11-bb77-000d3abcd65f)/salesOrders';
    assert.deepEqual(segs(ok(bc)), ['companies(f03f6225-081c-ec11-bb77-000d3abcd65f)', 'salesOrders']);
    assert.deepEqual(segs(ok('http://host/service/EmployeesByManager(ManagerID=3)')), ['EmployeesByManager(ManagerID=3)']);
    assert.deepEqual(segs(ok('http://services.odata.org/OData/OData.svc/')), []);
    assert.deepEqual(segs(ok('/accounts(accountnumber=\'ABC123\')')), ["accounts(accountnumber='ABC123')"]);
  });
  it('explicit service root option', () => {
    const u = parseUri('https://x.example/svc/v1/People', { serviceRoot: 'https://x.example/svc/v1' });
    assert.deepEqual(segs(u), ['People']);
    assert.equal(u.errors.length, 0);
  });
  it('query-only URLs', () => {
    const u = ok('?$filter=revenue eq 100000');
    assert.equal(u.path.segments.length, 0);
    assert.equal(u.queryOptions[0].kind, '$filter');
    const bare = ok('$filter=revenue eq 100000&$top=2');
    assert.deepEqual(bare.queryOptions.map((o) => o.kind), ['$filter', '$top']);
    assert.deepEqual(bare.querySpan, { start: 0, end: 32 });
  });
  it('malformed roots are reported', () => {
    assert.ok(parseUri('http//My.Org/').errors.length > 0);
  });
});

describe('uri: resource path', () => {
  it('keys: single, named, composite, alternate, GUID, string escapes, aliases', () => {
    assert.deepEqual(segs(ok('Categories(1)/Products')), ['Categories(1)', 'Products']);
    assert.deepEqual(segs(ok("contacts(firstname='Joe',emailaddress1='abc@example.com')")), ["contacts(firstname='Joe',emailaddress1='abc@example.com')"]);
    assert.deepEqual(segs(ok("Customers('O''Neil')")), ["Customers('O''Neil')"]);
    assert.deepEqual(segs(ok('Categories(@key)?@key=1')), ['Categories(@key)']);
    assert.deepEqual(segs(ok('accounts(_primarycontactid_value=00000000-0000-0000-0000-000000000002)')), ['accounts(_primarycontactid_value=00000000-0000-0000-0000-000000000002)']);
  });
  it('key value and name spans', () => {
    const text = "accounts(accountnumber='ABC123')/Account_Tasks";
    const u = ok(text);
    const s = u.path.segments[0] as IdentifierSegment;
    assert.equal(mark(text, s.nameSpan), "[accounts](accountnumber='ABC123')/Account_Tasks");
    assert.equal(mark(text, s.args!.args[0].nameSpan!), "accounts([accountnumber]='ABC123')/Account_Tasks");
    assert.equal(mark(text, s.args!.args[0].value.span), "accounts(accountnumber=['ABC123'])/Account_Tasks");
    assert.equal(mark(text, s.span), "[accounts(accountnumber='ABC123')]/Account_Tasks");
    assert.equal(mark(text, u.path.segments[1].span), "accounts(accountnumber='ABC123')/[Account_Tasks]");
  });
  it('casts, operations, $-segments', () => {
    assert.deepEqual(segs(ok('Products/Model.MostExpensive()')), ['Products', 'Model.MostExpensive()']);
    assert.deepEqual(segs(ok("Categories(1)/Model.ProductsByColor(color='red')")), ['Categories(1)', "Model.ProductsByColor(color='red')"]);
    assert.deepEqual(segs(ok('ProductsByCategoryId(categoryId=2)(2)')), ['ProductsByCategoryId(categoryId=2)(2)']);
    assert.deepEqual(segs(ok('EmployeesByManager(ManagerID=@p1)?@p1=3')), ['EmployeesByManager(ManagerID=@p1)']);
    assert.deepEqual(segs(ok('Products/$count')), ['Products', '$count']);
    assert.deepEqual(segs(ok('Products(1)/Category/$ref')), ['Products(1)', 'Category', '$ref']);
    assert.deepEqual(segs(ok('Categories(1)/ID/$value')), ['Categories(1)', 'ID', '$value']);
    assert.deepEqual(segs(ok('$batch')), ['$batch']);
    assert.deepEqual(segs(ok('$metadata#Customers(Address,Orders)')), ['$metadata']);
    assert.deepEqual(segs(ok('$crossjoin(Customers,Countries)')), ['$crossjoin(Customers,Countries)']);
    assert.deepEqual(segs(ok('$all/Model.Customer?$search=red')), ['$all', 'Model.Customer']);
    assert.deepEqual(segs(ok('$entity?$id=urn:some:id')), ['$entity']);
    assert.deepEqual(segs(ok('Products/$filter(Age gt 3)/$each')), ['Products', '$filter((gt Age 3))', '$each']);
    assert.deepEqual(segs(ok('WhoAmI()')), ['WhoAmI()']);
    assert.deepEqual(segs(ok('salesCreditMemos(1)/Microsoft.NAV.cancelAndSend')), ['salesCreditMemos(1)', 'Microsoft.NAV.cancelAndSend']);
  });
  it('key-as-segment and ordinal index', () => {
    assert.deepEqual(segs(ok("People/O'Neil")), ["People", "key:O'Neil"]);
    assert.deepEqual(segs(ok('Categories/Smartphone%2FTablet')), ['Categories', 'key:Smartphone/Tablet']);
    assert.deepEqual(segs(ok('Suppliers(1)/Addresses/-1')), ['Suppliers(1)', 'Addresses', 'key:-1']);
  });
  it('structural errors', () => {
    assert.deepEqual(codes(parseUri('Products/$count/foo').errors), ['syntax.unexpected-segment']);
    assert.deepEqual(codes(parseUri("Categories('Tablet/Slate')").errors), ['syntax.unencoded-slash']);
    assert.deepEqual(codes(parseUri('OrderItems(OrderID=1;ItemID=2)').errors).slice(0, 1), ['syntax.unexpected-token']);
    assert.deepEqual(codes(parseUri('Categories(ID=wrong)').errors), ['syntax.expected-literal']);
    assert.deepEqual(codes(parseUri('Model.Rejection').errors), ['syntax.unexpected-token']);
    assert.deepEqual(codes(parseUri('accounts?$filter=a eq 1#frag').errors), ['syntax.unexpected-fragment']);
    assert.deepEqual(codes(parseUri('$entity?$format=json').errors), ['syntax.missing-option']);
  });
  it('percent-encoded paths give the same tree', () => {
    const plain = parseUri("Customers('O''Neil')");
    const text = 'Customers%28%27O%27%27Neil%27%29';
    const enc = parseUri(text);
    assert.deepEqual(enc.errors, []);
    assert.deepEqual(withoutSpans(enc.path), withoutSpans(plain.path));
    const seg = enc.path.segments[0] as IdentifierSegment;
    assert.equal(mark(text, seg.args!.args[0].span), 'Customers%28[%27O%27%27Neil%27]%29');
  });
});
