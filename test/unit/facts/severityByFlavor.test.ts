/**
 * Severity by flavour: the one code table may give a code its own severity for a flavour (`severityByFlavor`), and
 * `collectDiagnostics` — the one function every diagnostic of a URL or a request file goes through — applies it.
 * The real use: single-quoted JSON in a parameter alias, which Dataverse documents (InitializeFrom), is a hint there
 * and a warning elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectDiagnostics, createDiagnostic, diagnosticCodes, severityOf, type Flavor } from '../../../server/src/odata/diagnosticCodes';
import { flavors } from '../../../server/src/odata/facts/flavorRules';
import { checkUrl } from '../../../server/src/odata/services/checkUrl';
import { checkDocument } from '../../../server/src/odata/services/checkDocument';
import { crmModel } from '../binder/binderHarness';

const initializeFrom =
  "InitializeFrom(EntityMoniker=@p1,TargetEntityName=@p2,TargetFieldType=@p3)?@p1={'@odata.id':'accounts(c65127ed-2097-e711-80eb-00155db75426)'}&@p2='account'&@p3=Microsoft.Dynamics.CRM.TargetFieldType'ValidForCreate'";

const severities = (flavor: Flavor, strict = false): string[] => checkUrl(initializeFrom, crmModel(), { flavor, strict }).map((d) => `${d.severity} ${d.code}`);

test('the same URL: a hint on Dataverse, which documents it; a warning on every other flavour', () => {
  assert.deepEqual(severities('dataverse'), ['info syntax.single-quoted-json']);
  for (const flavor of ['generic', 'fno', 'bc'] as const) assert.deepEqual(severities(flavor), ['warning syntax.single-quoted-json'], flavor);
});

test('strict mode is the OASIS grammar whatever the flavour: an error', () => {
  for (const flavor of flavors) assert.deepEqual(severities(flavor, true), ['error syntax.invalid-json'], flavor);
});

test('a request file gets the flavour severity too, at the place in the document', () => {
  const text = `@environment = x\nGET ${initializeFrom}\n`;
  const dataverse = checkDocument(text, crmModel(), { flavor: 'dataverse' });
  const generic = checkDocument(text, crmModel(), { flavor: 'generic' });
  assert.deepEqual(dataverse.map((d) => d.severity), ['info']);
  assert.deepEqual(generic.map((d) => d.severity), ['warning']);
  assert.deepEqual(dataverse[0].span, generic[0].span);
  assert.equal(text.slice(dataverse[0].span.start, dataverse[0].span.end), "{'@odata.id':'accounts(c65127ed-2097-e711-80eb-00155db75426)'}");
});

test('collectDiagnostics applies the table only when it knows the flavour, and keeps de-duplicating and sorting', () => {
  const quoted = createDiagnostic('syntax.single-quoted-json', { start: 5, end: 9 });
  const other = createDiagnostic('unknown-property', { start: 1, end: 2 }, { name: 'x', type: 'T' });
  assert.equal(quoted.severity, 'warning', 'createDiagnostic gives the code its own severity');
  assert.deepEqual(collectDiagnostics([quoted, quoted], [other]).map((d) => [d.code, d.severity]), [
    ['unknown-property', 'error'],
    ['syntax.single-quoted-json', 'warning'],
  ]);
  assert.deepEqual(collectDiagnostics({ flavor: 'dataverse' }, [quoted], [other, quoted]).map((d) => [d.code, d.severity]), [
    ['unknown-property', 'error'],
    ['syntax.single-quoted-json', 'info'],
  ]);
  assert.deepEqual(collectDiagnostics({ flavor: 'bc' }, [quoted]).map((d) => d.severity), ['warning']);
  // The input is not changed (a diagnostic may be shared by several environments' results).
  assert.equal(quoted.severity, 'warning');
  assert.deepEqual(collectDiagnostics({ flavor: 'dataverse' }), []);
});

test('every flavour severity in the table names a flavour and differs from the code\'s own', () => {
  let entries = 0;
  for (const [code, descriptor] of Object.entries(diagnosticCodes)) {
    for (const [flavor, severity] of Object.entries(descriptor.severityByFlavor ?? {})) {
      entries++;
      assert.ok((flavors as readonly string[]).includes(flavor), `${code}: ${flavor}`);
      assert.notEqual(severity, descriptor.severity, `${code}: ${flavor} repeats the default`);
      assert.equal(severityOf(code, flavor as Flavor), severity);
    }
  }
  assert.ok(entries > 0);
  assert.equal(severityOf('syntax.single-quoted-json'), 'warning');
});
