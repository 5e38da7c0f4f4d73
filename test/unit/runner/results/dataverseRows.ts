/**
 * Dataverse-shaped rows as the Web API sends them with `Prefer: odata.include-annotations="*"`: an etag per row,
 * formatted values, lookups with their logical name and navigation property, a nested $expand (single and
 * collection), nulls and an empty string. Shared by the results tests.
 */
export const ACCOUNTS_BODY = {
  '@odata.context': 'https://contoso.crm.dynamics.com/api/data/v9.2/$metadata#accounts(name,revenue,statecode,_parentaccountid_value,primarycontactid(fullname),contact_customer_accounts(fullname))',
  '@odata.count': 3,
  '@odata.nextLink': 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22%20/%3E',
  value: [
    {
      '@odata.etag': 'W/"1023455"',
      accountid: '7a1c3f0e-0000-0000-0000-000000000001',
      name: 'Contoso, "Ltd"',
      'revenue@OData.Community.Display.V1.FormattedValue': '$1,000,000.00',
      revenue: 1000000,
      'statecode@OData.Community.Display.V1.FormattedValue': 'Active',
      statecode: 0,
      '_parentaccountid_value@OData.Community.Display.V1.FormattedValue': 'Fabrikam',
      '_parentaccountid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'parentaccountid',
      '_parentaccountid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
      _parentaccountid_value: '7a1c3f0e-0000-0000-0000-0000000000ff',
      primarycontactid: { '@odata.etag': 'W/"555"', fullname: 'Yvonne McKay', contactid: 'c0000000-0000-0000-0000-000000000001' },
      contact_customer_accounts: [{ fullname: 'Yvonne McKay' }, { fullname: 'Susanna Stubberod' }],
      'contact_customer_accounts@odata.nextLink': 'https://contoso.crm.dynamics.com/api/data/v9.2/accounts(7a1c3f0e-0000-0000-0000-000000000001)/contact_customer_accounts',
    },
    {
      '@odata.etag': 'W/"1023456"',
      accountid: '7a1c3f0e-0000-0000-0000-000000000002',
      name: '',
      'revenue@OData.Community.Display.V1.FormattedValue': '$50.50',
      revenue: 50.5,
      'statecode@OData.Community.Display.V1.FormattedValue': 'Inactive',
      statecode: 1,
      _parentaccountid_value: null,
      primarycontactid: null,
      contact_customer_accounts: [],
    },
    {
      '@odata.etag': 'W/"1023457"',
      accountid: '7a1c3f0e-0000-0000-0000-000000000003',
      name: '<img src=x onerror=alert(1)>',
      revenue: null,
      'statecode@OData.Community.Display.V1.FormattedValue': 'Active',
      statecode: 0,
      _parentaccountid_value: null,
      primarycontactid: null,
      contact_customer_accounts: [],
      description: 'line one\nline two',
    },
  ],
};

export const ACCOUNT_ROWS: unknown[] = ACCOUNTS_BODY.value;
