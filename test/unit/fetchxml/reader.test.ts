/** The recovering XML reader and the FetchXML of `fetchXml=` requests in .odata files (decoding, ranges on the URL). */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { checkFetchXmlInRequests, fetchXmlEnvironment, fetchXmlParameter, parseRequestFile } from '../../../server/src/odata/index';
import { analyzeFetchXml } from '../../../server/src/odata/fetchxml/checkFetchXml';
import { readXml } from '../../../server/src/odata/fetchxml/xmlReader';
import { completeFetchXml, hoverFetchXml } from '../../../server/src/odata/fetchxml/fetchXmlCompletion';
import { LineIndex } from '../../../server/src/odata/lineIndex';
import { crmFetchModel, crmModel } from './fetchXmlHarness';

suite('XML reader: recovery with positions', () => {
  test('elements, attributes and text with their spans; entities decoded', () => {
    const text = `<fetch top='5'><entity name="a&amp;b"><filter><condition attribute="x" operator="in"><value> 1 </value></condition></filter></entity></fetch>`;
    const doc = readXml(text);
    assert.deepEqual(doc.problems, []);
    const entity = doc.roots[0]!.children[0]!;
    assert.equal(entity.attributes[0]!.value, 'a&b');
    assert.equal(text.slice(entity.attributes[0]!.valueSpan!.start, entity.attributes[0]!.valueSpan!.end), 'a&amp;b');
    const value = entity.children[0]!.children[0]!.children[0]!;
    assert.equal(value.texts[0]!.value, ' 1 ');
    assert.equal(text.slice(value.span.start, value.span.end), '<value> 1 </value>');
  });

  test('a missing end tag, a stray end tag, a missing quote and an unterminated tag are reported and read around', () => {
    const text = `<fetch><entity name="account"><attribute name="name></entity></oops><filter type=and><condition </fetch>`;
    const doc = readXml(text);
    const problems = doc.problems.map((p) => [p.message, text.slice(p.span.start, p.span.end)]);
    assert.deepEqual(problems, [
      // The value stops at '>' (as a person typing sees it); the tag ends there.
      ["The value of 'name' is missing its closing quote.", '"name'],
      ['<attribute> is not closed before </entity>.', '<attribute'],
      ['</oops> closes nothing: no <oops> is open here.', '</oops>'],
      ["The value of 'type' must be in quotes.", 'and'],
      // Reported once, not again as unclosed before </fetch>.
      ["The start tag <condition> is not closed: add '>'.", '<condition'],
      ['<filter> is not closed before </fetch>.', '<filter'],
    ]);
    // The structure around the flaws is kept: </entity> closed the entity, so the filter is fetch's.
    assert.deepEqual(doc.roots[0]!.children.map((c) => c.name), ['entity', 'filter']);
    assert.deepEqual(doc.roots[0]!.children[1]!.children.map((c) => c.name), ['condition']);
  });

  test('never throws and always ends, on any input (random mutations of a real query)', () => {
    const seed = `<fetch aggregate='true' top="5"><entity name="account"><attribute name="revenue" alias="r" aggregate="sum" /><link-entity name="contact" from="contactid" to="primarycontactid" alias="c"><filter type="or"><condition attribute="fullname" operator="like" value="%a%" /><condition attribute="createdon" operator="between"><value>2020-01-01</value><value>2021-01-01</value></condition></filter></link-entity><!-- c --></entity></fetch>`;
    const alphabet = `<>/="' \n&;!-?[]abc`;
    let state = 42;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state % n;
    };
    const model = crmFetchModel();
    for (let i = 0; i < 400; i++) {
      let text = seed;
      for (let k = 0; k < 1 + random(6); k++) {
        const at = random(text.length + 1);
        const op = random(3);
        if (op === 0) text = text.slice(0, at) + text.slice(at + 1 + random(8));
        else if (op === 1) text = text.slice(0, at) + alphabet[random(alphabet.length)] + text.slice(at);
        else text = text.slice(0, at);
      }
      const analysis = analyzeFetchXml(text, model);
      for (const d of analysis.diagnostics) assert.ok(d.span.start >= 0 && d.span.end <= text.length && d.span.start <= d.span.end, `${d.code} ${JSON.stringify(d.span)} in ${text}`);
      const lines = new LineIndex(text);
      for (const offset of [0, random(text.length + 1), text.length]) {
        completeFetchXml({ text, lines, model, analysis }, offset);
        hoverFetchXml({ text, lines, model, analysis }, offset);
      }
    }
  });
});

suite('FetchXML in .odata files', () => {
  const fetch = `<fetch top="3"><entity name="account"><attribute name="nme" /></entity></fetch>`;

  test('a percent-encoded fetchXml= value is decoded with each character mapped back to the URL', () => {
    const url = `accounts?fetchXml=${encodeURIComponent(fetch)}&x=1`;
    const decoded = fetchXmlParameter(url)!;
    assert.equal(decoded.text, fetch);
    const at = decoded.text.indexOf('nme');
    assert.equal(url.slice(decoded.urlOffsets[at]!, decoded.urlOffsets[at + 3]!), 'nme');
    assert.equal(url.slice(decoded.urlOffsets[0]!, decoded.urlOffsets[1]!), '%3C');
  });

  test('diagnostics land on the URL text: encoded and plain', () => {
    const text = ['### encoded', `GET accounts?fetchXml=${encodeURIComponent(fetch)}`, '', '### plain', `GET accounts?fetchXml=${fetch}`, ''].join('\n');
    const got = checkFetchXmlInRequests(parseRequestFile(text), crmModel()).map((d) => [d.code, d.span.start, text.slice(d.span.start, d.span.end)]);
    assert.deepEqual(got, [
      ['fetchxml.unknown-attribute', text.indexOf('nme'), 'nme'],
      ['fetchxml.unknown-attribute', text.lastIndexOf('nme'), 'nme'],
    ]);
  });

  test('a value over a continuation line (& …) is read from the joined URL', () => {
    const text = ['GET accounts?$top=1', `    &fetchXml=${encodeURIComponent('<fetch><entity name="acount" /></fetch>')}`, ''].join('\n');
    const got = checkFetchXmlInRequests(parseRequestFile(text), crmModel()).map((d) => [d.code, text.slice(d.span.start, d.span.end)]);
    assert.deepEqual(got, [['fetchxml.unknown-entity', 'acount']]);
  });

  test('a spread over %XX: the whole escape is covered', () => {
    const text = `GET accounts?fetchXml=${encodeURIComponent('<fetch><entity name="account"><atribute /></entity></fetch>')}\n`;
    const got = checkFetchXmlInRequests(parseRequestFile(text), crmModel()).map((d) => [d.code, text.slice(d.span.start, d.span.end)]);
    assert.deepEqual(got, [['fetchxml.unknown-element', 'atribute']]);
  });

  test('the environment of a .fetchxml file: an @environment comment', () => {
    const text = '<!-- @environment = contoso-dev -->\n<fetch />';
    const env = fetchXmlEnvironment(text)!;
    assert.equal(env.name, 'contoso-dev');
    assert.equal(text.slice(env.span.start, env.span.end), 'contoso-dev');
    assert.equal(fetchXmlEnvironment('<fetch />'), undefined);
  });
});
