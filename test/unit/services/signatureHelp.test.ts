/**
 * Signature help at `|`: labels, the active signature and the active parameter.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SignatureHelp } from 'vscode-languageserver-types';
import { doSignatureHelp } from '../../../server/src/odata/services/signatureHelp';
import type { ServiceContext } from '../../../server/src/odata/services/serviceContext';
import { crm, noModel, withCursor } from './servicesHarness';

function helpAt(marked: string, context: ServiceContext = crm()): SignatureHelp | null {
  const { document, offset } = withCursor(marked);
  return doSignatureHelp(document, offset, context);
}

function labels(help: SignatureHelp | null): string[] {
  return help?.signatures.map((s) => s.label) ?? [];
}

/** The text of the active parameter in the active signature's label. */
function activeParameterText(help: SignatureHelp): string {
  const signature = help.signatures[help.activeSignature ?? 0]!;
  const parameter = signature.parameters![help.activeParameter ?? 0]!;
  const label = parameter.label;
  return typeof label === 'string' ? label : signature.label.slice(label[0], label[1]);
}

describe('signature help: Dataverse query functions and operations', () => {
  const lastXDays = 'Microsoft.Dynamics.CRM.LastXDays(PropertyName: Edm.String, PropertyValue: Edm.Int64): Edm.Boolean';

  test('LastXDays: parameter types, activeParameter 1 after the comma', () => {
    const help = helpAt("GET accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',|");
    assert.ok(help);
    assert.deepEqual(labels(help), [lastXDays]);
    assert.equal(help.activeParameter, 1);
    assert.equal(activeParameterText(help), 'PropertyValue: Edm.Int64');
  });

  test('LastXDays: first parameter; commas and parentheses inside a string do not count; a named argument wins', () => {
    assert.equal(helpAt("accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(|")?.activeParameter, 0);
    assert.equal(helpAt("accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='a,(b|')")?.activeParameter, 0);
    assert.equal(helpAt("accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyValue=7|,PropertyName='createdon')")?.activeParameter, 1);
  });

  test('inside a nested $expand filter and in a lambda', () => {
    const help = helpAt("accounts?$expand=contact_customer_accounts($filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',Prop|))");
    assert.deepEqual(labels(help), [lastXDays]);
    assert.equal(help!.activeParameter, 1);
    const inLambda = helpAt("accounts?$filter=Account_Tasks/any(t:t/statecode eq 0 and Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',|))");
    assert.deepEqual(labels(inLambda), [lastXDays]);
    assert.equal(inLambda!.activeParameter, 1);
  });

  test('commas inside a JSON array value do not count', () => {
    const help = helpAt('accounts?$filter=Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["5","2|000"])');
    assert.deepEqual(labels(help), ['Microsoft.Dynamics.CRM.Between(PropertyName: Edm.String, PropertyValues: Collection(Edm.String)): Edm.Boolean']);
    assert.equal(help!.activeParameter, 1);
  });

  test('bound function in the path (the binding parameter is not shown) and a function import', () => {
    const bound = helpAt('incidents(00000000-0000-0000-0000-000000000001)/Microsoft.Dynamics.CRM.CalculateTotalTimeIncident(|)');
    assert.deepEqual(labels(bound), ['Microsoft.Dynamics.CRM.CalculateTotalTimeIncident(): Microsoft.Dynamics.CRM.CalculateTotalTimeIncidentResponse']);
    assert.deepEqual(bound!.signatures[0]!.documentation, { kind: 'markdown', value: 'Function bound to `Microsoft.Dynamics.CRM.incident`' });
    assert.deepEqual(labels(helpAt('WhoAmI(|)')), ['Microsoft.Dynamics.CRM.WhoAmI(): Microsoft.Dynamics.CRM.WhoAmIResponse']);
  });
});

describe('signature help: canonical functions', () => {
  test('contains: second parameter', () => {
    const help = helpAt('accounts?$filter=contains(name,|');
    assert.deepEqual(labels(help), ['contains(text: string, substring: string): Edm.Boolean']);
    assert.equal(help!.activeParameter, 1);
    assert.deepEqual(help!.signatures[0]!.documentation, { kind: 'markdown', value: 'True if the first string contains the second.' });
  });

  test('substring: one signature per arity; the active one fits the argument count', () => {
    const two = 'substring(text: string, start: numeric): Edm.String';
    const three = 'substring(text: string, start: numeric, length: numeric): Edm.String';
    const first = helpAt('accounts?$filter=substring(|name,1) eq \'x\'');
    assert.deepEqual(labels(first), [two, three]);
    assert.equal(first!.activeSignature, 0);
    const third = helpAt('accounts?$filter=substring(name,1,|');
    assert.equal(third!.activeSignature, 1);
    assert.equal(third!.activeParameter, 2);
    assert.equal(activeParameterText(third!), 'length: numeric');
  });

  test('nested calls and grouping parentheses: the innermost call', () => {
    const help = helpAt("accounts?$filter=contains(tolower(|name),'x')");
    assert.deepEqual(labels(help), ['tolower(text: string): Edm.String']);
    const grouped = helpAt('accounts?$filter=Account_Tasks/any(t:contains(t/subject,(|');
    assert.deepEqual(labels(grouped), ['contains(text: string, substring: string): Edm.Boolean']);
    assert.equal(grouped!.activeParameter, 1);
  });

  test('cast and isof: both overloads', () => {
    assert.deepEqual(labels(helpAt('accounts?$filter=isof(|')), ['isof(type: type): Edm.Boolean', 'isof(expression: any, type: type): Edm.Boolean']);
  });

  test('works without metadata', () => {
    assert.equal(helpAt('accounts?$filter=startswith(name,|', noModel())!.activeParameter, 1);
  });

  test('no help: after the closing parenthesis, in a key, in $expand options, in a lambda head, in headers', () => {
    assert.equal(helpAt("accounts?$filter=contains(name,'x')|"), null);
    assert.equal(helpAt('accounts(|'), null);
    assert.equal(helpAt('accounts?$expand=primarycontactid($select=|)'), null);
    assert.equal(helpAt('accounts?$filter=Account_Tasks/any(|'), null);
    assert.equal(helpAt('GET accounts\nPrefer: x(|'), null);
  });
});
