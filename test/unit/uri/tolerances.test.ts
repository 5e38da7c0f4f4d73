/**
 * What the Dynamics services accept although the OASIS grammar does not (issue 14), in both modes:
 * by default a warning with a quick fix to the canonical form (or nothing, where the service itself writes it so),
 * with `strict: true` the grammar's error. Each case asserts the codes, the exact text each span covers, and the
 * text after the quick fix is applied.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeActions, doubleQuotedJson } from '../../../server/src/odata/services/codeActions';
import { checkRequestFile } from '../../../server/src/odata/services/checkDocument';
import { createODataDocument } from '../../../server/src/odata/services/serviceContext';
import { checkUrl, parseUri, type Flavor, type ModelIndex, type ODataDiagnostic } from '../../../server/src/odata/index';
import { severityOf } from '../../../server/src/odata/diagnosticCodes';
import { isPlusSpace } from '../../../server/src/odata/uri/scanner';
import { crmModel } from '../binder/binderHarness';
import { applyWorkspaceEdit } from '../services/servicesHarness';

interface Case {
  name: string;
  text: string;
  /** Default mode: [code, text covered] of each diagnostic (none: the service writes it so). */
  lenient: Array<[string, string]>;
  /** Strict mode: the grammar's error codes. */
  strict: string[];
  /** The text after the quick fix of the (first) warning. */
  fixed?: string;
  flavor?: Flavor;
}

const cases: Case[] = [
  {
    name: 'space around = (plain): a warning',
    text: "accounts?$filter = name eq 'x'",
    lenient: [['syntax.space-around-equals', ' = ']],
    strict: ['syntax.unknown-system-option', 'syntax.invalid-character'],
    fixed: "accounts?$filter=name eq 'x'",
  },
  {
    name: 'space after = only (Business Central filter docs)',
    text: "accounts?$filter= name eq 'x'",
    lenient: [['syntax.space-around-equals', '= ']],
    strict: ['syntax.unexpected-whitespace'],
    fixed: "accounts?$filter=name eq 'x'",
  },
  {
    name: "space around = encoded, as Dataverse writes its next links: nothing",
    text: 'accounts(36dbf27c-8efb-e511-80d2-00155db07c77)/Account_Tasks?$select%20=%20subject,%20scheduledstart',
    lenient: [],
    strict: ['syntax.unknown-system-option'],
  },
  {
    name: 'space around = inside $expand(…), encoded',
    text: 'accounts?$expand=Account_Tasks($select%20=%20subject,%20scheduledstart)',
    lenient: [],
    strict: ['syntax.unknown-system-option'],
  },
  {
    name: "'+' for a space",
    text: "accounts?$filter=name+eq+'a+b'&$top=5",
    lenient: [['syntax.plus-as-space', "+eq+'a+"]],
    strict: ['type-mismatch', 'syntax.unexpected-token'],
    fixed: "accounts?$filter=name eq 'a b'&$top=5",
  },
  {
    name: "'+' as a sign or a time-zone offset stays a '+' (no warning)",
    text: 'accounts?$filter=createdon gt 2024-01-01T10:00:00+01:00 and revenue gt +5',
    lenient: [],
    strict: [],
  },
  {
    name: 'trailing comma in $select',
    text: 'accounts?$select=name,revenue,',
    lenient: [['syntax.trailing-comma', ',']],
    strict: ['syntax.expected-identifier'],
    fixed: 'accounts?$select=name,revenue',
  },
  {
    name: 'trailing comma in a nested $select',
    text: 'accounts?$expand=primarycontactid($select=fullname,)',
    lenient: [['syntax.trailing-comma', ',']],
    strict: ['syntax.expected-identifier'],
    fixed: 'accounts?$expand=primarycontactid($select=fullname)',
  },
  {
    name: "trailing '/' before '?'",
    text: 'accounts/?$select=name',
    lenient: [['syntax.trailing-slash', '/']],
    strict: ['syntax.expected-segment'],
    fixed: 'accounts?$select=name',
  },
  {
    name: "trailing '/' at the end",
    text: 'accounts(36dbf27c-8efb-e511-80d2-00155db07c77)/',
    lenient: [['syntax.trailing-slash', '/']],
    strict: ['syntax.expected-segment'],
    fixed: 'accounts(36dbf27c-8efb-e511-80d2-00155db07c77)',
  },
  {
    name: 'single-quoted JSON in a parameter alias (InitializeFrom, as documented)',
    text: "InitializeFrom(EntityMoniker=@p1,TargetEntityName=@p2,TargetFieldType=@p3)?@p1={'@odata.id':'accounts(c65127ed-2097-e711-80eb-00155db75426)'}&@p2='account'&@p3=Microsoft.Dynamics.CRM.TargetFieldType'ValidForCreate'",
    lenient: [['syntax.single-quoted-json', "{'@odata.id':'accounts(c65127ed-2097-e711-80eb-00155db75426)'}"]],
    strict: ['syntax.invalid-json'],
    fixed:
      'InitializeFrom(EntityMoniker=@p1,TargetEntityName=@p2,TargetFieldType=@p3)?@p1={"@odata.id":"accounts(c65127ed-2097-e711-80eb-00155db75426)"}&@p2=\'account\'&@p3=Microsoft.Dynamics.CRM.TargetFieldType\'ValidForCreate\'',
  },
  {
    name: 'unencoded space inside a quoted custom-option value, as in $filter',
    text: "accounts?$filter=name eq 'a b'&company='CRONUS International Ltd.'",
    lenient: [],
    strict: ['syntax.invalid-character'],
  },
  {
    name: 'an unquoted space in a custom option is still an error in both modes',
    text: 'accounts?company=CRONUS International',
    lenient: [['syntax.invalid-character', ' ']],
    strict: ['syntax.invalid-character'],
  },
  {
    name: 'encoded line break left at the end of a value in a Dataverse next link: nothing',
    text: 'accounts?$select=name%0A&$expand=primarycontactid/$ref',
    lenient: [],
    strict: ['syntax.unexpected-token'],
  },
  {
    name: 'quoted number in a Dataverse query function',
    text: "accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue='7')",
    lenient: [['dataverse.quoted-number', "'7'"]],
    strict: ['type-mismatch'],
    fixed: "accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)",
  },
  {
    name: 'a quoted word is no number: still a type error in both modes',
    text: "accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue='seven')",
    lenient: [['type-mismatch', "'seven'"]],
    strict: ['type-mismatch'],
  },
  {
    name: 'no cascade: an unknown function does not make its aliases "never used"',
    text: 'NoSuchFunction(Target=@p1)?@p1=5',
    lenient: [['unknown-entity-set', 'NoSuchFunction']],
    strict: ['unknown-entity-set'],
  },
];

function run(text: string, strict: boolean, flavor: Flavor = 'dataverse', model: ModelIndex = crmModel()): ODataDiagnostic[] {
  return checkUrl(text, model, { flavor, strict });
}

function show(text: string, diagnostics: ODataDiagnostic[]): string {
  return diagnostics.map((d) => `${d.severity} ${d.code} '${text.slice(d.span.start, d.span.end)}'`).join('\n') || '(none)';
}

describe('tolerances: default mode (the services accept it)', () => {
  for (const c of cases) {
    test(c.name, () => {
      const diagnostics = run(c.text, false, c.flavor);
      assert.deepEqual(
        diagnostics.map((d) => [d.code, c.text.slice(d.span.start, d.span.end)]),
        c.lenient,
        `for ${c.text}\n${show(c.text, diagnostics)}`,
      );
      for (const d of diagnostics) {
        // Never an error: a warning, or the flavour's own severity where the code table gives one (severityByFlavor).
        if (d.code.startsWith('syntax.') && d.code !== 'syntax.invalid-character') assert.equal(d.severity, severityOf(d.code, c.flavor ?? 'dataverse'), d.code);
        if (d.code.startsWith('syntax.') && d.code !== 'syntax.invalid-character') assert.notEqual(d.severity, 'error', d.code);
      }
    });
  }
});

describe('tolerances: strict mode (the pure OASIS grammar)', () => {
  for (const c of cases) {
    test(c.name, () => {
      const diagnostics = run(c.text, true, c.flavor);
      const codes = [...new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))];
      assert.deepEqual(codes, c.strict, `for ${c.text}\n${show(c.text, diagnostics)}`);
      assert.deepEqual(
        diagnostics.filter((d) => d.severity === 'warning' && (d.code.startsWith('syntax.') || d.code === 'dataverse.quoted-number')),
        [],
        'strict mode has no tolerance warnings',
      );
    });
  }
});

describe('tolerances: quick fixes to the canonical form', () => {
  for (const c of cases.filter((k) => k.fixed !== undefined)) {
    test(c.name, () => {
      const line = `GET ${c.text}`;
      const doc = createODataDocument('file:///t.odata', line);
      const diagnostics = checkRequestFile(doc.file, crmModel(), { flavor: 'dataverse' });
      const warning = diagnostics.find((d) => d.code === c.lenient[0]?.[0]);
      assert.ok(warning, `a warning for ${c.text}`);
      const fix = codeActions(doc, warning.span, diagnostics).find((a) => a.kind === 'quickfix' && a.diagnostics?.[0]?.code === warning.code);
      assert.ok(fix, `a quick fix for ${warning.code}`);
      assert.equal(fix.isPreferred, true);
      const after = applyWorkspaceEdit(doc, fix.edit);
      assert.equal(after, `GET ${c.fixed}`);
      // The canonical form is clean in both modes.
      assert.deepEqual(show(c.fixed!, run(c.fixed!, false)), '(none)');
      assert.deepEqual(show(c.fixed!, run(c.fixed!, true)), '(none)');
    });
  }
});

describe('tolerance helpers', () => {
  test("isPlusSpace: '+' between words is a space, a sign or an offset is not", () => {
    const text = "name+eq+'x' and n eq +5 and d gt 2024-01-01T10:00:00+01:00 and e eq 1e+5 and (+1)";
    const plus = [...text].map((ch, i) => (ch === '+' ? isPlusSpace(text, i) : undefined)).filter((v) => v !== undefined);
    assert.deepEqual(plus, [true, true, false, false, false, false]);
  });

  test('doubleQuotedJson keeps double-quoted strings and escapes what JSON needs', () => {
    assert.equal(doubleQuotedJson("{'a':'O''Brian','b':[\"x\",'y\"z'],'c':1}"), '{"a":"O\'Brian","b":["x","y\\"z"],"c":1}');
    assert.equal(doubleQuotedJson("{'a':'open"), undefined);
    assert.equal(doubleQuotedJson('%7B%27a%27:1%7D'), '{"a":1}');
  });

  test('the parser keeps tolerance warnings apart from errors, and has none in strict mode', () => {
    const text = 'accounts/?$select=name,';
    const lenient = parseUri(text);
    assert.deepEqual(lenient.errors, []);
    assert.deepEqual(lenient.warnings?.map((w) => w.code), ['syntax.trailing-slash', 'syntax.trailing-comma']);
    const strict = parseUri(text, { strict: true });
    assert.deepEqual(strict.warnings, []);
    assert.deepEqual(strict.errors.map((e) => e.code), ['syntax.expected-segment', 'syntax.expected-identifier']);
  });
});
