/** The FetchXML model read from the real CRM $metadata: names, lookups as columns, relationships both ways, many-to-many. */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import { crmFetchModel } from './fetchXmlHarness';

suite('FetchXML model from CSDL', () => {
  test('tables by logical name with their entity set and primary key; a lookup _x_value is the column x', () => {
    const account = crmFetchModel().entity('account')!;
    assert.equal(account.entitySet, 'accounts');
    assert.equal(account.primaryKey, 'accountid');
    const lookup = account.attributes.get('primarycontactid')!;
    assert.deepEqual([lookup.propertyName, lookup.isLookup, lookup.targets], ['_primarycontactid_value', true, ['contact']]);
    assert.equal(account.attributes.has('_primarycontactid_value'), false);
    // systemuser inherits the key `ownerid` from principal; its primary key column is systemuserid.
    assert.equal(crmFetchModel().entity('systemuser')!.primaryKey, 'systemuserid');
  });

  test('a referential constraint gives many-to-one and its one-to-many reverse', () => {
    const model = crmFetchModel();
    const pick = (entity: string, navigation: string) => model.entity(entity)!.relationships.find((r) => r.navigation === navigation);
    assert.deepEqual(pick('account', 'primarycontactid'), { navigation: 'primarycontactid', kind: 'many-to-one', linkEntity: 'contact', from: 'contactid', to: 'primarycontactid' });
    assert.deepEqual(pick('contact', 'account_primary_contact'), { navigation: 'account_primary_contact', kind: 'one-to-many', linkEntity: 'account', from: 'primarycontactid', to: 'contactid' });
  });

  test('a polymorphic lookup without a constraint (regardingobjectid) still relates, from the type that declares it', () => {
    const account = crmFetchModel().entity('account')!;
    assert.deepEqual(account.relationships.find((r) => r.navigation === 'Account_Emails'), { navigation: 'Account_Emails', kind: 'one-to-many', linkEntity: 'email', from: 'regardingobjectid', to: 'accountid' });
    assert.equal(account.relationships.some((r) => r.navigation === 'Account_ActivityPointers' && r.linkEntity === 'email'), false);
  });

  test('many-to-many through the intersect entity the metadata shows', () => {
    const teams = crmFetchModel().entity('systemuser')!.relationships.find((r) => r.navigation === 'teammembership_association');
    assert.deepEqual(teams, {
      navigation: 'teammembership_association',
      kind: 'many-to-many',
      linkEntity: 'teammembership',
      from: 'systemuserid',
      to: 'systemuserid',
      through: { entity: 'team', from: 'teamid', to: 'teamid' },
    });
  });
});
