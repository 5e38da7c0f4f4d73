/**
 * Scopes (what completion will offer at a position, `|` marks the cursor) and resolutions (what hover
 * will show), through nested $expand(...) and lambdas.
 */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { bind, genericModel, guid, scopeAtMarker } from './binderHarness';
import { resolutionAt } from '../../../server/src/odata/index';

function typeAt(marked: string): string | undefined {
  return scopeAtMarker(marked).scope?.type?.fullName;
}

suite('scopeAt', () => {
  test('top-level options are in the scope of the entity set type', () => {
    const { scope } = scopeAtMarker('accounts?$select=na|me');
    assert.equal(scope?.kind, 'select');
    assert.equal(scope?.type?.fullName, 'Microsoft.Dynamics.CRM.account');
    assert.equal(scope?.entitySet?.name, 'accounts');
    assert.equal(scopeAtMarker("accounts?$filter=|name eq 'x'").scope?.kind, 'filter');
  });

  test('inside a nested $expand the scope is the navigation target, to any depth', () => {
    assert.equal(typeAt('accounts?$expand=primarycontactid($select=full|name)'), 'Microsoft.Dynamics.CRM.contact');
    assert.equal(typeAt('accounts?$expand=primarycontactid($select=fullname;$expand=createdby($select=|fullname))'), 'Microsoft.Dynamics.CRM.systemuser');
    assert.equal(
      typeAt('tasks?$select=subject&$expand=regardingobjectid_contact_task($select=fullname;$expand=parentcustomerid_account($select=name;$expand=createdby($select=|fullname)))'),
      'Microsoft.Dynamics.CRM.systemuser',
    );
    const { scope } = scopeAtMarker('accounts?$expand=Account_Tasks($filter=contains(|subject,\'x\'))');
    assert.equal(scope?.kind, 'filter');
    assert.equal(scope?.type?.fullName, 'Microsoft.Dynamics.CRM.task');
    assert.equal(scope?.expandDepth, 1);
  });

  test('right after the opening parenthesis of $expand(...) the scope is the target type', () => {
    const { scope } = scopeAtMarker('accounts?$expand=primarycontactid(|$select=fullname)');
    assert.equal(scope?.type?.fullName, 'Microsoft.Dynamics.CRM.contact');
  });

  test('lambda variables are scoped to the lambda body with the element type', () => {
    const { scope } = scopeAtMarker("accounts?$filter=Account_Tasks/any(t:t/|subject eq 'x')");
    assert.equal(scope?.kind, 'lambda');
    assert.equal(scope?.type?.fullName, 'Microsoft.Dynamics.CRM.account', '$it stays the account');
    assert.equal(scope?.lambdaVariables.get('t')?.structured?.fullName, 'Microsoft.Dynamics.CRM.task');
    const outside = scopeAtMarker("accounts?$filter=Account_Tasks/any(t:t/subject eq 'x') and |name eq 'y'").scope;
    assert.equal(outside?.kind, 'filter');
    assert.equal(outside?.lambdaVariables.has('t'), false);
  });

  test('nested lambdas see both variables', () => {
    const { scope } = scopeAtMarker("accounts?$filter=contact_customer_accounts/any(c:c/jobtitle eq 'x' and c/opportunity_customer_contacts/any(o:o/|description ne 'N/A'))");
    assert.equal(scope?.lambdaVariables.get('c')?.structured?.fullName, 'Microsoft.Dynamics.CRM.contact');
    assert.equal(scope?.lambdaVariables.get('o')?.structured?.fullName, 'Microsoft.Dynamics.CRM.opportunity');
  });

  test('path scopes hold the type before the segment', () => {
    const root = scopeAtMarker('acc|ounts').scope;
    assert.equal(root?.kind, 'path');
    assert.equal(root?.type, undefined, 'entity sets are expected at the root');
    const nav = scopeAtMarker(`accounts(${guid})/Account_|Tasks`).scope;
    assert.equal(nav?.kind, 'path');
    assert.equal(nav?.type?.fullName, 'Microsoft.Dynamics.CRM.account');
    assert.equal(nav?.collection, false);
  });

  test('key predicates have a key scope of the entity type', () => {
    const { scope } = scopeAtMarker("contacts(first|name='Joe',emailaddress1='abc@example.com')");
    assert.equal(scope?.kind, 'key');
    assert.equal(scope?.type?.fullName, 'Microsoft.Dynamics.CRM.contact');
  });

  test('the query part outside any option value is in the options scope of the resource', () => {
    const { scope } = scopeAtMarker(`accounts(${guid})/Account_Tasks?$sel|ect=subject`);
    assert.equal(scope?.kind, 'options');
    assert.equal(scope?.type?.fullName, 'Microsoft.Dynamics.CRM.task');
  });
});

suite('resolutions', () => {
  test('each name of a filter path resolves with its type', () => {
    const text = "accounts?$filter=primarycontactid/fullname eq 'x'&$select=_primarycontactid_value";
    const bound = bind(text);
    const nav = resolutionAt(bound, text.indexOf('primarycontactid/') + 2);
    assert.equal(nav?.kind, 'navigation');
    assert.equal(nav?.type?.structured?.fullName, 'Microsoft.Dynamics.CRM.contact');
    assert.equal(nav?.declaringType?.fullName, 'Microsoft.Dynamics.CRM.account');
    const property = resolutionAt(bound, text.indexOf('fullname') + 1);
    assert.equal(property?.kind, 'property');
    assert.equal(property?.type?.name, 'Edm.String');
    const lookup = resolutionAt(bound, text.indexOf('_primarycontactid_value') + 1);
    assert.equal(lookup?.kind, 'lookup');
    assert.equal(lookup?.type?.name, 'Edm.Guid');
  });

  test('entity set, key, operation and enum member resolve', () => {
    const text = `accounts(${guid})/Account_Tasks`;
    const bound = bind(text);
    assert.equal(resolutionAt(bound, 1)?.kind, 'entitySet');
    assert.equal(resolutionAt(bound, text.indexOf(guid) + 1)?.kind, 'key');
    assert.equal(bound.resultType.structured?.fullName, 'Microsoft.Dynamics.CRM.task');
    assert.equal(bound.resultType.collection, true);
    assert.equal(bound.entitySet?.name, 'tasks');

    const g = "Products(1)/Sample.Discontinue";
    assert.equal(resolutionAt(bind(g, { model: genericModel(), flavor: 'generic' }), g.indexOf('Discontinue'))?.kind, 'operation');
    const e = "Products?$filter=Size eq Sample.Size'Large'";
    const enumMember = bind(e, { model: genericModel(), flavor: 'generic' }).resolutions.find((r) => r.kind === 'enumMember');
    assert.equal(enumMember?.name, 'Large');
  });

  test('lambda variables and canonical functions resolve', () => {
    const text = "accounts?$filter=Account_Emails/any(e:contains(e/subject,'x'))";
    const bound = bind(text);
    const variable = resolutionAt(bound, text.indexOf('e/subject'));
    assert.equal(variable?.kind, 'lambdaVariable');
    assert.equal(variable?.type?.structured?.fullName, 'Microsoft.Dynamics.CRM.email');
    const fn = resolutionAt(bound, text.indexOf('contains') + 1);
    assert.equal(fn?.kind, 'function');
  });

  test('path segments record their types', () => {
    const bound = bind(`accounts(${guid})/primarycontactid/fullname`);
    assert.deepEqual(
      bound.segments.map((s) => s.type.name),
      ['Microsoft.Dynamics.CRM.account', 'Microsoft.Dynamics.CRM.contact', 'Edm.String'],
    );
  });
});
