/** The Add Environment guide's detection (client/src/features/environments/detectEnvironment.ts), on real-shaped URLs. */
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { companiesFrom, detectEnvironment, findCompany } from '../../../client/src/features/environments/detectEnvironment';

function detected(input: string): { flavor: string; serviceRoot: string; suggestedName: string; note?: string } {
  const result = detectEnvironment(input);
  assert.ok(result.ok, `${input}: ${result.ok ? '' : result.error}`);
  const { flavor, serviceRoot, suggestedName, note } = result;
  return note ? { flavor, serviceRoot, suggestedName, note } : { flavor, serviceRoot, suggestedName };
}

function error(input: string): string {
  const result = detectEnvironment(input);
  assert.ok(!result.ok, `${input} should be refused`);
  return result.error;
}

describe('detectEnvironment: Dataverse', () => {
  const cases: [string, string, string][] = [
    ['https://contoso.crm.dynamics.com', 'https://contoso.crm.dynamics.com/api/data/v9.2/', 'contoso'],
    ['https://contoso.crm.dynamics.com/', 'https://contoso.crm.dynamics.com/api/data/v9.2/', 'contoso'],
    ['https://Contoso-Dev.CRM4.dynamics.com/main.aspx?appid=123&pagetype=entitylist', 'https://contoso-dev.crm4.dynamics.com/api/data/v9.2/', 'contoso-dev'],
    ['https://org1a2b3c.crm11.dynamics.com/api/data/v9.2/accounts?$select=name&$top=3', 'https://org1a2b3c.crm11.dynamics.com/api/data/v9.2/', 'org1a2b3c'],
    ['https://contoso.crm.dynamics.com/api/data/v9.2/$metadata', 'https://contoso.crm.dynamics.com/api/data/v9.2/', 'contoso'],
    ['https://contoso.crm.dynamics.com/api/data/v9.1/WhoAmI', 'https://contoso.crm.dynamics.com/api/data/v9.1/', 'contoso'],
    ['https://contoso.crm.dynamics.com/api/data/', 'https://contoso.crm.dynamics.com/api/data/v9.2/', 'contoso'],
    ['https://contoso.crm21.dynamics.com/api/data/v9.0', 'https://contoso.crm21.dynamics.com/api/data/v9.0/', 'contoso'],
    ['contoso.crm.dynamics.com', 'https://contoso.crm.dynamics.com/api/data/v9.2/', 'contoso'],
    ['  https://contoso.crm9.dynamics.com  ', 'https://contoso.crm9.dynamics.com/api/data/v9.2/', 'contoso'],
    ['https://contoso.crm.microsoftdynamics.us', 'https://contoso.crm.microsoftdynamics.us/api/data/v9.2/', 'contoso'],
    ['https://contoso.crm.appsplatform.us/api/data/v9.2/', 'https://contoso.crm.appsplatform.us/api/data/v9.2/', 'contoso'],
    ['https://contoso.crm.dynamics.cn', 'https://contoso.crm.dynamics.cn/api/data/v9.2/', 'contoso'],
  ];
  for (const [input, root, name] of cases) {
    test(input.trim(), () => assert.deepEqual(detected(input), { flavor: 'dataverse', serviceRoot: root, suggestedName: name }));
  }
});

describe('detectEnvironment: Finance & Operations', () => {
  const cases: [string, string, string][] = [
    ['https://contoso.operations.dynamics.com', 'https://contoso.operations.dynamics.com/data/', 'contoso'],
    ['https://contoso.operations.dynamics.com/?cmp=USMF&mi=DefaultDashboard', 'https://contoso.operations.dynamics.com/data/', 'contoso'],
    ['https://contoso.operations.dynamics.com/data/CustomersV3?cross-company=true', 'https://contoso.operations.dynamics.com/data/', 'contoso'],
    ['https://contoso-uat.sandbox.operations.dynamics.com/data/$metadata', 'https://contoso-uat.sandbox.operations.dynamics.com/data/', 'contoso-uat'],
    ['https://usnconeboxax1aos.cloudax.dynamics.com/data', 'https://usnconeboxax1aos.cloudax.dynamics.com/data/', 'usnconeboxax1aos'],
    ['https://contosodev1234devaos.axcloud.dynamics.com/', 'https://contosodev1234devaos.axcloud.dynamics.com/data/', 'contosodev1234devaos'],
    ['https://contoso-prod.operations.eu.dynamics.com/', 'https://contoso-prod.operations.eu.dynamics.com/data/', 'contoso-prod'],
  ];
  for (const [input, root, name] of cases) {
    test(input, () => assert.deepEqual(detected(input), { flavor: 'fno', serviceRoot: root, suggestedName: name }));
  }
});

describe('detectEnvironment: Business Central', () => {
  const tenant = '7a1b2c3d-0000-4000-8000-123456789abc';
  const cases: [string, string, string][] = [
    [`https://api.businesscentral.dynamics.com/v2.0/${tenant}/Production`, `https://api.businesscentral.dynamics.com/v2.0/${tenant}/Production/api/v2.0/`, 'Production'],
    [`https://api.businesscentral.dynamics.com/v2.0/${tenant}/Sandbox/api/v2.0/`, `https://api.businesscentral.dynamics.com/v2.0/${tenant}/Sandbox/api/v2.0/`, 'Sandbox'],
    [
      `https://api.businesscentral.dynamics.com/v2.0/${tenant}/production/api/v2.0/companies(11111111-2222-3333-4444-555555555555)/customers?$top=5`,
      `https://api.businesscentral.dynamics.com/v2.0/${tenant}/production/api/v2.0/`,
      'production',
    ],
    ['https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/UAT/ODataV4/Company(\'CRONUS\')/Customers', 'https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/UAT/api/v2.0/', 'UAT'],
    ['https://api.businesscentral.dynamics.com/v2.0/Production/api/v2.0/companies', 'https://api.businesscentral.dynamics.com/v2.0/Production/api/v2.0/', 'Production'],
    [`https://businesscentral.dynamics.com/${tenant}/Sandbox?company=CRONUS%20USA&page=22`, `https://api.businesscentral.dynamics.com/v2.0/${tenant}/Sandbox/api/v2.0/`, 'Sandbox'],
  ];
  for (const [input, root, name] of cases) {
    test(input, () => {
      const result = detected(input);
      assert.deepEqual({ ...result, note: undefined }, { flavor: 'bc', serviceRoot: root, suggestedName: name, note: undefined });
      assert.match(result.note ?? '', /company .* chosen later/);
    });
  }
  test('an API address without the environment is refused with the shape to use', () => {
    assert.match(error('https://api.businesscentral.dynamics.com/v2.0/'), /v2\.0\/\{tenant\}\/\{environment\}/);
    assert.match(error('https://api.businesscentral.dynamics.com/something'), /starts with https:\/\/api\.businesscentral\.dynamics\.com\/v2\.0/);
  });
});

describe('detectEnvironment: generic OData services', () => {
  const cases: [string, string, string][] = [
    ['https://services.odata.org/V4/TripPinServiceRW', 'https://services.odata.org/V4/TripPinServiceRW/', 'services'],
    ['https://services.odata.org/V4/Northwind/Northwind.svc/$metadata', 'https://services.odata.org/V4/Northwind/Northwind.svc/', 'services'],
    ['http://127.0.0.1:4004/api/data/v9.2/', 'http://127.0.0.1:4004/api/data/v9.2/', 'local'],
    ['http://localhost:4004/odata/v4/catalog?x=1#frag', 'http://localhost:4004/odata/v4/catalog/', 'local'],
    ['https://my-sap.example.com:44300/sap/opu/odata4/sap/api_business_partner/srvd_a2x/sap/businesspartner/0001/', 'https://my-sap.example.com:44300/sap/opu/odata4/sap/api_business_partner/srvd_a2x/sap/businesspartner/0001/', 'my-sap'],
    // Look-alikes of the Dynamics hosts are not Dynamics.
    ['https://contoso.crm.dynamics.com.evil.example/api/data/v9.2/', 'https://contoso.crm.dynamics.com.evil.example/api/data/v9.2/', 'contoso'],
    ['https://operations.dynamics.com.example.org/data/', 'https://operations.dynamics.com.example.org/data/', 'operations'],
  ];
  for (const [input, root, name] of cases) {
    test(input, () => assert.deepEqual(detected(input), { flavor: 'generic', serviceRoot: root, suggestedName: name }));
  }
});

describe('detectEnvironment: errors say what to type', () => {
  test('empty', () => assert.match(error('   '), /Enter the URL/));
  test('not a URL', () => {
    assert.match(error('contoso'), /'contoso' is not a URL/);
    assert.match(error('https://'), /is not a URL/);
    assert.match(error('hello world'), /not a URL/);
  });
  test('not http(s)', () => assert.match(error('ftp://contoso.crm.dynamics.com/'), /not an http\(s\) address \(it uses ftp:\)/));
  test('plain http is refused except on the loopback', () => {
    assert.match(error('http://contoso.crm.dynamics.com/'), /plain http\. Use https:\/\/ .*localhost and 127\.0\.0\.1/);
    assert.match(error('http://10.0.0.5:8080/odata/'), /plain http/);
    assert.equal(detected('http://[::1]:8080/odata').serviceRoot, 'http://[::1]:8080/odata/');
  });
  test('credentials in the URL are refused', () => assert.match(error('https://user:secret@contoso.crm.dynamics.com/'), /Remove the user name and password/));
});

describe('Business Central companies', () => {
  const answer = {
    '@odata.context': 'https://api.businesscentral.dynamics.com/v2.0/t/production/api/v2.0/$metadata#companies',
    value: [
      { id: '9c4f2ddc-9e75-ea11-bbf0-000d3a38a583', name: 'CRONUS USA', displayName: 'CRONUS USA, Inc.' },
      { id: '5d115c9c-44e3-ea11-bb43-000d3a2feca1', name: 'My Company', displayName: 'My Company' },
      { name: 'no id' },
    ],
  };
  it('reads the companies answer, sorted, skipping rows without an id', () => {
    const companies = companiesFrom(answer);
    assert.deepEqual(companies.map((company) => company.name), ['CRONUS USA', 'My Company']);
    assert.equal(companies[0]!.displayName, 'CRONUS USA, Inc.');
    assert.equal('displayName' in companies[1]!, false, 'a display name equal to the name adds nothing');
    assert.deepEqual(companiesFrom({ error: { message: 'x' } }), []);
    assert.deepEqual(companiesFrom(null), []);
  });
  it('finds a company by id, name or display name', () => {
    const companies = companiesFrom(answer);
    assert.equal(findCompany(companies, 'cronus usa, inc.')?.name, 'CRONUS USA');
    assert.equal(findCompany(companies, '5D115C9C-44E3-EA11-BB43-000D3A2FECA1')?.name, 'My Company');
    assert.equal(findCompany(companies, 'nope'), undefined);
  });
});
