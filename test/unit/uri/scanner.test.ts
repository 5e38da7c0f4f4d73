import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeUrlText, Scanner, TokenType } from '../../../server/src/odata/uri/scanner';

function tokens(text: string): string[] {
  const sc = new Scanner(decodeUrlText(text));
  const out: string[] = [];
  for (let t = sc.scan(); t.type !== TokenType.EOF; t = sc.scan()) out.push(`${TokenType[t.type]}:${t.text}`);
  return out;
}

describe('scanner: percent-decoding', () => {
  it('decodes ASCII escapes and keeps original offsets', () => {
    const d = decodeUrlText("a%20b%27c");
    assert.equal(d.text, "a b'c");
    assert.deepEqual([...d.offsets], [0, 1, 4, 5, 8, 9]);
    assert.deepEqual([...d.encoded], [0, 1, 0, 1, 0]);
  });
  it('decodes UTF-8 sequences to one character', () => {
    const d = decodeUrlText('x%CE%94y');
    assert.equal(d.text, 'xΔy');
    assert.deepEqual([...d.offsets], [0, 1, 7, 8]);
  });
  it('keeps invalid escapes literally', () => {
    assert.equal(decodeUrlText('100%zz').text, '100%zz');
    assert.equal(decodeUrlText('%C3').text, '%C3');
  });
  it('does not turn + into a space', () => {
    assert.equal(decodeUrlText('a+b').text, 'a+b');
  });
});

describe('scanner: tokens', () => {
  it('scans names, operators and literals', () => {
    assert.deepEqual(tokens("name eq 'O''Neil'"), ['Identifier:name', 'Identifier:eq', "String:'O''Neil'"]);
    assert.deepEqual(tokens('Microsoft.Dynamics.CRM.LastXDays(PropertyName=@p1)'), [
      'Identifier:Microsoft.Dynamics.CRM.LastXDays', 'OpenParen:(', 'Identifier:PropertyName', 'Equals:=', 'AtName:@p1', 'CloseParen:)',
    ]);
  });
  it('scans date/time literals and GUIDs (also starting with a letter)', () => {
    assert.deepEqual(tokens('2020-01-31 2020-01-31T10:00:00.5+01:00 23:59 cdef0123-89ab-cdef-0123-456789abcdef'), [
      'Date:2020-01-31', 'DateTimeOffset:2020-01-31T10:00:00.5+01:00', 'TimeOfDay:23:59', 'Guid:cdef0123-89ab-cdef-0123-456789abcdef',
    ]);
  });
  it('scans numbers with sign and exponent, INF', () => {
    assert.deepEqual(tokens('-1 +2.5 3e-4 -INF'), ['Number:-1', 'Number:+2.5', 'Number:3e-4', 'Number:-INF']);
  });
  it('scans typed literals', () => {
    assert.deepEqual(tokens("duration'P1D' Ns.Color'Red,Blue' X'0A'"), ["TypedLiteral:duration'P1D'", "TypedLiteral:Ns.Color'Red,Blue'", "TypedLiteral:X'0A'"]);
  });
  it('treats encoded punctuation like plain punctuation', () => {
    assert.deepEqual(tokens('f%28a%2Cb%29'), ['Identifier:f', 'OpenParen:(', 'Identifier:a', 'Comma:,', 'Identifier:b', 'CloseParen:)']);
  });
  it('flags unterminated strings', () => {
    const sc = new Scanner(decodeUrlText("'abc"));
    const t = sc.scan();
    assert.equal(t.type, TokenType.String);
    assert.equal(t.unterminated, true);
    assert.equal(t.value, 'abc');
  });
});
