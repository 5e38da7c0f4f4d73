import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from '../../../server/src/odata/uri/parser';
import type { Expression } from '../../../server/src/odata/uri/ast';
import { codes, cut, mark, show } from './astHelpers';

function ok(text: string): Expression {
  const r = parseExpression(text);
  assert.deepEqual(r.errors, [], `errors in ${text}`);
  return r.expression;
}

describe('expressions: precedence', () => {
  it('or < and < comparison < additive < multiplicative < unary', () => {
    assert.equal(show(ok('a eq 1 or b eq 2 and c eq 3')), '(or (eq a 1) (and (eq b 2) (eq c 3)))');
    assert.equal(show(ok('a add b mul c eq d')), '(eq (add a (mul b c)) d)');
    assert.equal(show(ok('a sub b sub c')), '(sub (sub a b) c)');
    assert.equal(show(ok('not a eq true')), '(eq (not a) true)');
    assert.equal(show(ok('-a mul 2')), '(mul (- a) 2)');
    assert.equal(show(ok('(4 add 5) mod (4 sub 1) eq 0')), '(eq (mod (add 4 5) (sub 4 1)) 0)');
    assert.equal(show(ok('a divby 2 gt 1')), '(gt (divby a 2) 1)');
  });
  it('operators are case-insensitive', () => {
    assert.equal(show(ok("Name EQ 'Milk' AND Price LT 2.55")), "(and (eq Name 'Milk') (lt Price 2.55))");
  });
  it('in with lists and JSON arrays; has with enums', () => {
    assert.equal(show(ok("Name in ('Milk', 'Cheese')")), "(in Name (list 'Milk' 'Cheese'))");
    assert.equal(show(ok('Name in ["Milk","Cheese"]')), '(in Name json:["Milk","Cheese"])');
    assert.equal(show(ok("style has Sales.Pattern'Yellow'")), "(has style Sales.Pattern'Yellow')");
  });
  it('binary spans cover operands; operator spans the keyword', () => {
    const text = 'revenue lt 100000 and revenue gt 2000';
    const e = ok(text);
    assert.equal(e.kind, 'Binary');
    if (e.kind !== 'Binary') return;
    assert.equal(mark(text, e.operatorSpan), 'revenue lt 100000 [and] revenue gt 2000');
    assert.equal(cut(text, e.left.span), 'revenue lt 100000');
    assert.equal(cut(text, e.right!.span), 'revenue gt 2000');
    assert.deepEqual(e.span, { start: 0, end: text.length });
  });
});

describe('expressions: literals', () => {
  const cases: [string, string, unknown][] = [
    ['null', 'null', null],
    ['true', 'boolean', true],
    ['42', 'int', 42],
    ['-42', 'int', -42],
    ['3.14', 'decimal', 3.14],
    ['1.5e3', 'double', 1500],
    ['INF', 'double', Infinity],
    ['-INF', 'double', -Infinity],
    ["'it''s'", 'string', "it's"],
    ['01234567-89ab-cdef-0123-456789abcdef', 'guid', '01234567-89ab-cdef-0123-456789abcdef'],
    ['2020-01-31', 'date', '2020-01-31'],
    ['2020-01-31T10:00:00.123Z', 'dateTimeOffset', '2020-01-31T10:00:00.123Z'],
    ['2020-01-31T10:00:00-08:00', 'dateTimeOffset', '2020-01-31T10:00:00-08:00'],
    ['13:20:00', 'timeOfDay', '13:20:00'],
    ["duration'P1DT2H'", 'duration', 'P1DT2H'],
    ["binary'Zm9v'", 'binary', 'Zm9v'],
    ["X'0AFF'", 'binary', '0AFF'],
    ["geography'SRID=4326;Point(1 2)'", 'geography', 'SRID=4326;Point(1 2)'],
    ["geometry'SRID=0;Polygon((1 1,2 2,1 1))'", 'geometry', 'SRID=0;Polygon((1 1,2 2,1 1))'],
    ["Microsoft.Dynamics.DataEntities.NoYes'No'", 'enum', 'No'],
    ["Ns.Flags'A,B'", 'enum', 'A,B'],
  ];
  for (const [text, type, value] of cases) {
    it(`${text} is ${type}`, () => {
      const e = ok(text);
      assert.equal(e.kind, 'Literal');
      if (e.kind !== 'Literal') return;
      assert.equal(e.type, type);
      assert.deepEqual(e.value, value);
      assert.deepEqual(e.span, { start: 0, end: text.length });
    });
  }
  it('enum literal keeps its type name', () => {
    const e = ok("Ns.Color'Red'");
    assert.equal(e.kind === 'Literal' && e.typeName, 'Ns.Color');
  });
  it('rejects invalid literals', () => {
    assert.deepEqual(codes(parseExpression("duration'P1Y'").errors), ['syntax.invalid-literal']);
    assert.deepEqual(codes(parseExpression("binary'Z'").errors), ['syntax.invalid-literal']);
    assert.deepEqual(codes(parseExpression("'abc").errors), ['syntax.unterminated-string']);
  });
  it('JSON values are parsed', () => {
    const e = ok('{"a":[1,"x",null,true],"b":{}}');
    assert.equal(e.kind, 'Json');
    if (e.kind === 'Json') assert.deepEqual(e.value, { a: [1, 'x', null, true], b: {} });
    const withExpr = ok('[$root/Customers(1),2]');
    assert.equal(withExpr.kind === 'Json' && withExpr.value, undefined);
  });
});

describe('expressions: functions, paths, lambdas', () => {
  it('canonical functions are calls', () => {
    assert.equal(show(ok("contains(name,'(sample)')")), "contains(name,'(sample)')");
    assert.equal(show(ok('substring(CompanyName, 5)')), 'substring(CompanyName,5)');
    assert.equal(show(ok('now()')), 'now()');
    assert.equal(show(ok('geo.distance(a/Location,b)')), 'geo.distance(a/Location,b)');
    assert.equal(show(ok('cast(Category,Edm.String)')), 'cast(Category,Edm.String)');
    assert.equal(show(ok('isof(Model.Customer)')), 'isof(Model.Customer)');
    assert.equal(show(ok('case(X gt 0:1,X lt 0:-1,true:0)')), 'case((gt X 0):1,(lt X 0):-1,true:0)');
    assert.equal(show(ok("matchesPattern(CompanyName,'%5EA.*e$')")), "matchesPattern(CompanyName,'^A.*e$')");
  });
  it('call name and argument spans', () => {
    const text = "startswith(name,'a')";
    const e = ok(text);
    assert.equal(e.kind, 'Call');
    if (e.kind !== 'Call') return;
    assert.equal(mark(text, e.nameSpan), "[startswith](name,'a')");
    assert.equal(mark(text, e.args.span), "startswith[(name,'a')]");
    assert.equal(mark(text, e.args.args[1].span), "startswith(name,['a'])");
  });
  it('namespace-qualified functions with named arguments (Dataverse query functions)', () => {
    const text = "Microsoft.Dynamics.CRM.Between(PropertyName='numberofemployees',PropertyValues=[\"5\",\"2000\"])";
    const e = ok(text);
    assert.equal(show(e), `Microsoft.Dynamics.CRM.Between(PropertyName='numberofemployees',PropertyValues=json:["5","2000"])`);
    if (e.kind !== 'Call') return;
    assert.equal(cut(text, e.args.args[0].nameSpan!), 'PropertyName');
    assert.equal(show(ok('Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)')), 'Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)');
  });
  it('member paths, casts, $count, $it, $this, $root, annotations', () => {
    assert.equal(show(ok('primarycontactid/createdby/fullname')), 'primarycontactid/createdby/fullname');
    assert.equal(show(ok('Address/Model.AddressWithLocation/Location')), 'Address/Model.AddressWithLocation/Location');
    assert.equal(show(ok('Products/$count gt 0')), '(gt Products/$count 0)');
    assert.equal(show(ok('Products/$count($filter=Price gt 5.00) gt 2')), '(gt Products/$count($filter) 2)');
    assert.equal(show(ok("Addresses/$filter(endswith(Street,'St'))/$count lt 10")), "(lt Addresses/$filter(endswith(Street,'St'))/$count 10)");
    assert.equal(show(ok("endswith($it,'.com')")), "endswith($it,'.com')");
    assert.equal(show(ok("LastName eq $root/Employees('A1245')/LastName")), "(eq LastName $root/Employees('A1245')/LastName)");
    assert.equal(show(ok("Price/@Measures.Currency eq 'EUR'")), "(eq Price/@Measures.Currency 'EUR')");
    assert.equal(show(ok('Products/Model.BestProduct()/Name')), 'Products/Model.BestProduct()/Name');
    assert.equal(show(ok('Items(1)')), 'Items(1)');
  });
  it('lambdas: any/all with variables, any()', () => {
    const text = "Account_Emails/any(e:contains(e/subject,'x') and e/statecode eq 0)";
    const e = ok(text);
    assert.equal(show(e), "Account_Emails/any(e:(and contains(e/subject,'x') (eq e/statecode 0)))");
    if (e.kind !== 'Path' || !e.lambda) return assert.fail('lambda expected');
    assert.equal(cut(text, e.lambda.operatorSpan), 'any');
    assert.equal(cut(text, e.lambda.variableSpan!), 'e');
    assert.equal(cut(text, e.lambda.span), "any(e:contains(e/subject,'x') and e/statecode eq 0)");
    assert.equal(show(ok('Orders/any()')), 'Orders/any()');
    assert.equal(show(ok('Tasks/all(t:t/statecode eq 1)')), 'Tasks/all(t:(eq t/statecode 1))');
    assert.equal(
      show(ok("c/opportunity_customer_contacts/any(o:o/description ne 'N/A')")),
      "c/opportunity_customer_contacts/any(o:(ne o/description 'N/A'))",
    );
  });
  it('percent-encoded input gives the same tree with original spans', () => {
    const plain = ok("contains(name,'a b')");
    const text = "contains%28name%2C%27a%20b%27%29";
    const enc = ok(text);
    assert.equal(show(enc), show(plain));
    if (enc.kind !== 'Call') return;
    assert.equal(cut(text, enc.args.args[1].span), '%27a%20b%27');
    assert.equal(enc.args.args[1].value.kind === 'Literal' && enc.args.args[1].value.value, 'a b');
  });
});

describe('expressions: errors and recovery', () => {
  it('missing right operand', () => {
    const r = parseExpression('name eq ');
    assert.deepEqual(codes(r.errors), ['syntax.expected-expression']);
    assert.equal(show(r.expression), '(eq name ?)');
  });
  it('missing closing parenthesis keeps the arguments', () => {
    const text = "contains(name,'x'";
    const r = parseExpression(text);
    assert.deepEqual(codes(r.errors), ['syntax.expected-closing-paren']);
    assert.equal(show(r.expression), "contains(name,'x')");
    assert.deepEqual(r.errors[0].span, { start: text.length, end: text.length });
  });
  it('operators need whitespace', () => {
    assert.deepEqual(codes(parseExpression("a eq'x'").errors), ['syntax.expected-whitespace']);
  });
  it('a bare qualified name is neither a call nor a cast', () => {
    assert.deepEqual(codes(parseExpression('Model.Available').errors), ['syntax.expected-open-paren']);
  });
  it('lists only after in, and only literals inside', () => {
    assert.deepEqual(codes(parseExpression("a eq ('x','y')").errors), ['syntax.unexpected-list']);
    assert.deepEqual(codes(parseExpression('a in (b,c)').errors), ['syntax.expected-literal', 'syntax.expected-literal']);
  });
  it('all() needs a lambda', () => {
    assert.deepEqual(codes(parseExpression('Products/all()').errors), ['syntax.expected-lambda']);
  });
  it('deep nesting is reported, not a stack overflow', () => {
    for (const text of ['('.repeat(5000) + 'x', 'not '.repeat(5000) + 'x', '['.repeat(50000), 'f('.repeat(3000)]) {
      assert.ok(codes(parseExpression(text).errors).includes('syntax.too-deep'));
    }
  });
  it('never throws on garbage', () => {
    for (const text of ['(((', ')))', "'", '[{', '@', '$', 'a/', 'a eq (1,', '-', 'x/any(', 'f(a=', '{"a":', '\u0000%']) {
      const r = parseExpression(text);
      assert.ok(r.errors.length > 0, text);
    }
  });
});
