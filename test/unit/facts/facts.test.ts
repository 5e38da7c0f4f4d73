/**
 * Each OData fact held to every consumer: what the facts in server/src/odata/facts/ say is what the parser, the
 * binder (checker), completion, hover and signature help do, for every entry and every flavour.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MarkupContent, SignatureHelp } from 'vscode-languageserver-types';
import type { Flavor } from '../../../server/src/odata/diagnosticCodes';
import { aggregationMethods, applyTransformations } from '../../../server/src/odata/facts/applyTransformations';
import { canonicalFunctions, canonicalSnippet, signatureText } from '../../../server/src/odata/facts/canonicalFunctions';
import { flavorNames, flavors } from '../../../server/src/odata/facts/flavorRules';
import { findHeader, odataPreferences, plainPreferences, REQUEST_HEADERS } from '../../../server/src/odata/facts/headers';
import { binaryOperatorLevels, operators } from '../../../server/src/odata/facts/operators';
import {
  findFlavorQueryParameter,
  findSystemQueryOption,
  flavorQueryParameters,
  offeredOptions,
  systemQueryOptions,
  type SystemQueryOption,
} from '../../../server/src/odata/facts/systemQueryOptions';
import { checkUrl } from '../../../server/src/odata/services/checkUrl';
import { doHover } from '../../../server/src/odata/services/hover';
import { completeRequestParts } from '../../../server/src/odata/services/requestCompletion';
import { doSignatureHelp } from '../../../server/src/odata/services/signatureHelp';
import type { ServiceContext } from '../../../server/src/odata/services/serviceContext';
import { parsePreferHeader } from '../../../server/src/odata/uri/headers';
import { expressionVariables, pathKeywords } from '../../../server/src/odata/facts/urlKeywords';
import { parseUri } from '../../../server/src/odata/uri/parser';
import { complete, crm } from '../completion/urlCompletionHarness';
import { withCursor } from '../services/servicesHarness';

/** A value each option accepts against the CRM model's `accounts`. */
const sampleValues: Record<string, string> = {
  $filter: "name eq 'x'",
  $select: 'name',
  $expand: 'primarycontactid',
  $orderby: 'name',
  $top: '1',
  $skip: '1',
  $index: '1',
  $count: 'true',
  $search: 'blue',
  $apply: 'aggregate($count as n)',
  $compute: 'revenue mul 2 as r',
  $levels: '1',
  $format: 'json',
  $skiptoken: 'abc',
  $deltatoken: 'abc',
  $schemaversion: '2.0',
  $id: 'accounts(00000000-0000-0000-0000-000000000001)',
  $at: '2020-01-01',
  $from: '2020-01-01',
  $to: '2020-01-01',
  $toInclusive: '2020-01-01',
};

const context = (flavor: Flavor): ServiceContext => ({ model: crm(), flavor });

function hoverMarkdown(marked: string, flavor: Flavor): string {
  const { document, offset } = withCursor(marked);
  const hover = doHover(document, offset, context(flavor));
  assert.ok(hover, `a hover at ${marked}`);
  return (hover.contents as MarkupContent).value;
}

function notSupported(url: string, flavor: Flavor): { message: string; text: string }[] {
  return checkUrl(url, crm(), { flavor })
    .filter((d) => d.code === 'option-not-supported')
    .map((d) => ({ message: d.message, text: url.slice(d.span.start, d.span.end) }));
}

describe('facts: system query options', () => {
  test('every option has a sample value here, a doc, and a name the parser reads as that option', () => {
    for (const option of systemQueryOptions) {
      assert.ok(sampleValues[option.name] !== undefined, `a sample value for ${option.name}`);
      assert.ok(option.doc.length > 10, option.name);
      const uri = parseUri(`accounts?${option.name}=${sampleValues[option.name]}`);
      assert.equal(uri.queryOptions[0]?.kind, option.name, `the parser reads ${option.name}`);
      assert.ok(!uri.errors.some((e) => e.code === 'syntax.unknown-system-option'), option.name);
      if (!option.dollarOnly) assert.equal(parseUri(`accounts?${option.name.slice(1)}=${sampleValues[option.name]}`).queryOptions[0]?.kind, option.name);
      else assert.equal(parseUri(`accounts?${option.name.slice(1)}=x`).queryOptions[0]?.kind, 'custom', `${option.name} needs its $`);
    }
  });

  test('the parser allows an option inside $expand(...) exactly where the facts say', () => {
    for (const option of systemQueryOptions) {
      const uri = parseUri(`accounts?$expand=primarycontactid(${option.name}=${sampleValues[option.name]})`);
      const rejected = uri.errors.some((e) => e.code === 'syntax.option-not-allowed');
      assert.equal(rejected, !option.nestedIn.includes('expand'), `${option.name} inside $expand: ${JSON.stringify(uri.errors)}`);
    }
  });

  for (const flavor of flavors) {
    test(`${flavor}: an option the flavour rejects gets a diagnostic, is never offered, and hover says so; the others get none`, () => {
      const offeredTop = complete('accounts?|', crm(), flavor).labels;
      const offeredNested = complete('accounts?$expand=primarycontactid(|)', crm(), flavor).labels;
      for (const option of systemQueryOptions) {
        const reason = option.unsupported?.[flavor];
        const url = `accounts?${option.name}=${sampleValues[option.name]}`;
        const found = notSupported(url, flavor);
        const hover = hoverMarkdown(`accounts?${option.name.slice(0, 2)}|${option.name.slice(2)}=${sampleValues[option.name]}`, flavor);
        assert.ok(hover.includes(option.doc), `hover of ${option.name} shows its doc`);
        if (reason) {
          assert.deepEqual(found, [{ message: `${flavorNames[flavor]} does not support ${option.name}: ${reason}`, text: option.name }], `${flavor} ${option.name}`);
          if (option.nestedIn.includes('expand')) {
            const nested = notSupported(`accounts?$expand=primarycontactid(${option.name}=${sampleValues[option.name]})`, flavor);
            assert.equal(nested.length, 1, `${flavor} ${option.name} nested`);
          }
          assert.ok(!offeredTop.includes(option.name), `${flavor} must not offer ${option.name}`);
          assert.ok(!offeredNested.includes(option.name), `${flavor} must not offer ${option.name} nested`);
          assert.ok(hover.includes(`Not supported by ${flavorNames[flavor]}: ${reason}`), `hover of ${option.name}:\n${hover}`);
        } else {
          assert.deepEqual(found, [], `${flavor} supports ${option.name}`);
        }
      }
    });

    test(`${flavor}: completion offers the facts' options in their order, with their docs`, () => {
      const offered = offeredOptions[flavor];
      const top = complete('accounts?|', crm(), flavor);
      const options = top.list!.items.filter((i) => i.detail === 'query option').sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
      assert.deepEqual(options.map((i) => i.label), offered.top);
      for (const item of options) {
        const fact: SystemQueryOption | undefined = findSystemQueryOption(item.label);
        const doc = fact?.doc ?? findFlavorQueryParameter(item.label)?.doc;
        assert.ok(doc, `${item.label} is an option or a flavour's parameter`);
        assert.equal((item.documentation as MarkupContent).value, doc);
      }
      const nested = complete('accounts?$expand=primarycontactid(|)', crm(), flavor);
      const nestedLabels = nested.list!.items.filter((i) => i.detail === 'nested query option').sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1)).map((i) => i.label);
      assert.deepEqual(nestedLabels, offered.nested);
      for (const name of offered.nested) assert.ok(findSystemQueryOption(name)?.nestedIn.includes('expand'), `${name} is allowed nested`);
    });
  }

  test("a flavour's query parameters are explained by hover", () => {
    for (const parameter of flavorQueryParameters) {
      const hover = hoverMarkdown(`accounts?${parameter.name.slice(0, 2)}|${parameter.name.slice(2)}=x`, parameter.flavor);
      assert.ok(hover.includes(parameter.doc), parameter.name);
    }
  });

  test('Dataverse $skip: the checker, completion and hover agree', () => {
    assert.deepEqual(notSupported('accounts?$top=10&$skip=10', 'dataverse').map((d) => d.text), ['$skip']);
    assert.ok(!complete('accounts?$top=10&|', crm(), 'dataverse').labels.includes('$skip'));
    assert.ok(hoverMarkdown('accounts?$sk|ip=10', 'dataverse').includes('Not supported by Dataverse'));
    assert.deepEqual(notSupported('accounts?$top=10&$skip=10', 'fno'), []);
  });
});

describe('facts: canonical functions', () => {
  const filterCompletion = complete('accounts?$filter=|', crm(), 'dataverse');
  for (const f of canonicalFunctions()) {
    test(`${f.name}: parser, binder, completion, hover and signature help use the one signature`, () => {
      const overload = f.overloads[f.overloads.length - 1]!;
      const args = overload.parameters.map((p) => (p === 'typeName' ? 'Edm.String' : p === 'any' ? 'name' : p.includes('string') ? "'x'" : p.includes('numeric') ? '1' : 'createdon'));
      const call = f.name === 'case' ? 'case(true:1)' : `${f.name}(${args.join(',')})`;
      const uri = parseUri(`accounts?$filter=${call} eq null`);
      assert.ok(!uri.errors.some((e) => e.code === 'syntax.expected-open-paren' || e.code === 'syntax.unknown-segment'), `${call}: ${JSON.stringify(uri.errors)}`);
      const diagnostics = checkUrl(`accounts?$filter=${call} eq null`, crm(), { flavor: 'dataverse' });
      assert.ok(!diagnostics.some((d) => d.code === 'unknown-function'), `${call}: ${JSON.stringify(diagnostics)}`);
      const item = filterCompletion.item(f.name);
      assert.equal(item.detail, signatureText(f, f.overloads[0], '→'));
      assert.equal(filterCompletion.inserted(f.name), canonicalSnippet(f));
      const hover = hoverMarkdown(`accounts?$filter=${f.name.slice(0, 1)}|${call.slice(1)} eq null`, 'dataverse');
      assert.ok(hover.includes(signatureText(f)) && hover.includes(f.description), `hover of ${f.name}:\n${hover}`);
      const { document, offset } = withCursor(`accounts?$filter=${f.name}(|)`);
      const help = doSignatureHelp(document, offset, context('dataverse')) as SignatureHelp;
      assert.ok(help, `signature help for ${f.name}`);
      const expected = f.overloads.flatMap((o) => {
        const labels: string[] = [];
        for (let count = o.parameters.length - (o.optional ?? 0); count <= o.parameters.length; count++) labels.push(o.names.slice(0, count).join(','));
        return labels;
      });
      const shown = help.signatures.map((s) => (s.parameters ?? []).map((p) => (typeof p.label === 'string' ? p.label : s.label.slice(p.label[0], p.label[1])).split(':')[0]!.trim()).join(','));
      assert.deepEqual(shown, expected);
      for (const o of f.overloads) assert.equal(o.names.length, o.parameters.length, `${f.name}: a name per parameter`);
    });
  }
});

describe('facts: operators', () => {
  test('every binary operator parses at its precedence: a looser one never ends up inside a tighter one', () => {
    for (const [level, names] of binaryOperatorLevels.entries()) {
      for (const name of names) {
        const uri = parseUri(`accounts?$filter=a ${name} b`);
        const option = uri.queryOptions[0] as { expression?: { kind: string; operator?: string } };
        assert.equal(option.expression?.kind, 'Binary', name);
        assert.equal(option.expression?.operator, name);
        const tighter = binaryOperatorLevels[level + 1]?.[0];
        if (!tighter) continue;
        const mixed = parseUri(`accounts?$filter=a ${name} b ${tighter} c`).queryOptions[0] as { expression?: { operator?: string } };
        assert.equal(mixed.expression?.operator, name, `${name} binds looser than ${tighter}`);
      }
    }
  });

  for (const flavor of flavors) {
    test(`${flavor}: an operator the flavour rejects gets a diagnostic and is not offered; the offered ones carry their doc`, () => {
      const after = complete("accounts?$filter=name |", crm(), flavor);
      for (const operator of operators) {
        const hint = operator.unsupported?.[flavor];
        const url = operator.name === 'in' ? "accounts?$filter=name in ('a','b')" : operator.name === 'has' ? 'accounts?$filter=accountcategorycode has 1' : `accounts?$filter=revenue ${operator.name} 1 eq 1`;
        const rejected = checkUrl(url, crm(), { flavor }).filter((d) => d.code.endsWith('operator-not-supported'));
        if (hint !== undefined) {
          assert.equal(rejected.length, 1, `${flavor} rejects ${operator.name}`);
          assert.ok(rejected[0]!.message.endsWith(hint), rejected[0]!.message);
          assert.ok(!after.labels.includes(operator.name), `${flavor} must not offer ${operator.name}`);
        } else {
          assert.deepEqual(rejected, [], `${flavor} accepts ${operator.name}`);
          if (operator.offered) assert.equal((after.item(operator.name).documentation as MarkupContent).value, `\`${operator.name}\`: ${operator.doc}`);
        }
      }
    });
  }
});

describe('facts: headers and Prefer', () => {
  test('hover explains every header with its doc; completion offers exactly the offered ones', () => {
    const { document, offset } = withCursor('GET accounts\n|');
    const names = completeRequestParts(document, offset, { model: crm(), flavor: 'generic' })!.items.map((i) => i.label);
    for (const header of REQUEST_HEADERS) {
      const hover = doHover(withCursor(`GET accounts\n${header.name.slice(0, 1)}|${header.name.slice(1)}: x`).document, `GET accounts\n${header.name.slice(0, 1)}`.length, context('generic'));
      assert.ok(hover && (hover.contents as MarkupContent).value.includes(header.doc), header.name);
      assert.equal(names.includes(header.name), !header.notOffered, header.name);
      assert.equal(findHeader(header.name.toUpperCase()), header);
    }
  });

  test("every Prefer value completion offers is a preference the header checker knows and accepts", () => {
    const prefer = findHeader('prefer')!;
    for (const value of prefer.values) {
      const written = value.insert ? value.value.replace('…', '100') : value.value;
      const { preferences, errors } = parsePreferHeader(written);
      assert.deepEqual(errors, [], written);
      assert.equal(preferences.length, 1, written);
      assert.ok(preferences[0]!.known, `${written} is an OData preference`);
      assert.ok(odataPreferences.has(preferences[0]!.name) || plainPreferences.has(preferences[0]!.name));
    }
  });
});

describe('facts: $apply transformations', () => {
  test('the parser knows every transformation; completion offers exactly the offered ones, with their snippet and doc', () => {
    const offered = complete('accounts?$apply=|', crm(), 'generic');
    for (const transformation of applyTransformations) {
      const uri = parseUri(`accounts?$apply=${transformation.name}(x)`);
      const at = 'accounts?$apply='.length;
      assert.ok(!uri.errors.some((e) => e.code === 'syntax.unknown-transformation' && e.span.start === at), transformation.name);
      assert.equal(offered.labels.includes(transformation.name), transformation.offer !== undefined, transformation.name);
      if (!transformation.offer) continue;
      assert.equal(offered.inserted(transformation.name), transformation.offer.snippet);
      assert.equal((offered.item(transformation.name).documentation as MarkupContent).value, transformation.offer.doc);
    }
    assert.ok(parseUri('accounts?$apply=expand(x)').errors.some((e) => e.code === 'syntax.unknown-transformation'), 'not a transformation: not offered either');
  });

  test('the aggregation methods completion offers are the ones the parser accepts', () => {
    assert.deepEqual(complete('accounts?$apply=aggregate(revenue with |', crm(), 'generic').labels, [...aggregationMethods]);
    for (const method of aggregationMethods) assert.deepEqual(parseUri(`accounts?$apply=aggregate(revenue with ${method} as t)`).errors, [], method);
    assert.ok(parseUri('accounts?$apply=aggregate(revenue with median as t)').errors.length > 0);
  });
});

describe('facts: URL keywords (path segments and expression variables)', () => {
  const id = '00000000-0000-0000-0000-000000000001';
  /** A URL where each path keyword is at home. */
  const pathSamples: Record<string, string> = {
    $metadata: '$metadata',
    $batch: '$batch',
    $entity: `$entity?$id=accounts(${id})`,
    $crossjoin: '$crossjoin(accounts,contacts)',
    $all: '$all',
    $count: 'accounts/$count',
    $ref: `accounts(${id})/primarycontactid/$ref`,
    $value: `accounts(${id})/name/$value`,
    $query: 'accounts/$query',
    $each: 'accounts/$each',
    $filter: "accounts/$filter(@c)/$each?@c=name eq 'x'",
  };
  /** A `$filter`/`$apply` value where each expression variable starts a path. */
  const variableSamples: Record<string, string> = {
    $it: "accounts?$filter=$it/name eq 'x'",
    $this: "accounts?$filter=$this/name eq 'x'",
    $root: `accounts?$filter=$root/accounts(${id})/name eq name`,
    $these: 'accounts?$apply=topcount($these/$count div 10,revenue)',
  };
  const hoverAt = (url: string, name: string): string => {
    const at = url.indexOf(name) + 2;
    return hoverMarkdown(`${url.slice(0, at)}|${url.slice(at)}`, 'dataverse');
  };

  test('every path keyword parses where the facts put it and hover shows its doc', () => {
    assert.deepEqual(Object.keys(pathSamples).sort(), pathKeywords.map((k) => k.name).sort());
    for (const keyword of pathKeywords) {
      const url = pathSamples[keyword.name]!;
      const uri = parseUri(url, { strict: true });
      assert.deepEqual(uri.errors, [], `${url} parses`);
      assert.ok(uri.path.segments.some((s) => s.kind === 'Keyword' && s.name === keyword.name), `${url} has the segment ${keyword.name}`);
      assert.ok(hoverAt(url, keyword.name).includes(keyword.doc), `hover of ${keyword.name} shows its doc`);
    }
  });

  test("the parser enforces each path keyword's place and whether anything may follow it", () => {
    for (const keyword of pathKeywords) {
      const misplaced = keyword.place === 'first' ? `accounts/${keyword.name}` : keyword.name;
      const expected = keyword.place === 'first' ? `'${keyword.name}' must be the first segment.` : `'${keyword.name}' must follow a resource.`;
      assert.ok(parseUri(misplaced).errors.some((e) => e.message === expected), `${misplaced}: ${expected}`);
      const followed = parseUri(`${keyword.place === 'first' ? '' : 'accounts/'}${keyword.name}${keyword.name === '$crossjoin' || keyword.name === '$filter' ? '(x)' : ''}/name`);
      const nothingMayFollow = followed.errors.some((e) => e.message === `Nothing may follow '${keyword.name}'.`);
      assert.equal(nothingMayFollow, keyword.terminal, `${keyword.name} terminal: ${JSON.stringify(followed.errors)}`);
    }
    assert.ok(parseUri('accounts/$nothing').errors.some((e) => e.code === 'syntax.unknown-segment'), 'a keyword outside the facts is unknown');
  });

  test('every expression variable starts a path, only there, and hover shows its doc', () => {
    assert.deepEqual(Object.keys(variableSamples).sort(), expressionVariables.map((v) => v.name).sort());
    for (const variable of expressionVariables) {
      const url = variableSamples[variable.name]!;
      assert.deepEqual(parseUri(url, { strict: true }).errors, [], `${url} parses`);
      const inside = parseUri(`accounts?$filter=name/${variable.name} eq 'x'`);
      assert.ok(inside.errors.some((e) => e.message === `'${variable.name}' can only start a path.`), `${variable.name} after a segment`);
      assert.ok(hoverAt(url, variable.name).includes(variable.doc), `hover of ${variable.name} shows its doc`);
    }
    assert.ok(parseUri("accounts?$filter=$nothing/name eq 'x'").errors.some((e) => e.code === 'syntax.unknown-segment'), 'a variable outside the facts is unknown');
  });
});
