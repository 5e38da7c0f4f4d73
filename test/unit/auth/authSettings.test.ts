// The `auth` settings object: defaults, validation messages, the authority per cloud and tenant, and scopes.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PUBLIC_CLIENT_ID, defaultMethod, resolveAuth, scopeFor, type SignInEnvironment } from '../../../client/src/features/auth/authSettings';

const env = (auth: unknown, flavor: SignInEnvironment['flavor'] = 'dataverse'): SignInEnvironment => ({
  name: 'dev',
  url: 'https://contoso.crm.dynamics.com/api/data/v9.2/',
  flavor,
  auth,
});

function resolved(auth: unknown, flavor?: SignInEnvironment['flavor']) {
  const result = resolveAuth(env(auth, flavor));
  assert.ok(result.ok, result.ok ? '' : result.problems.join(' '));
  return result.auth;
}

function problems(auth: unknown): string {
  const result = resolveAuth(env(auth));
  assert.equal(result.ok, false);
  return result.ok ? '' : result.problems.join('\n');
}

test('without an auth object: interactive for Dynamics flavours, none for a generic service', () => {
  const auth = resolved(undefined);
  assert.equal(auth.method, 'interactive');
  assert.equal(auth.tenant, 'organizations');
  assert.equal(auth.clientId, DEFAULT_PUBLIC_CLIENT_ID);
  assert.equal(auth.authority, 'https://login.microsoftonline.com/organizations');
  assert.equal(resolved(undefined, 'generic').method, 'none');
});

test('the authority follows the cloud and the tenant', () => {
  assert.equal(resolved({ method: 'interactive', tenant: 'contoso.onmicrosoft.com' }).authority, 'https://login.microsoftonline.com/contoso.onmicrosoft.com');
  assert.equal(resolved({ method: 'interactive', cloud: 'usgovhigh' }).authority, 'https://login.microsoftonline.us/organizations');
  assert.equal(resolved({ method: 'interactive', cloud: 'dod' }).authority, 'https://login.microsoftonline.us/organizations');
  assert.equal(resolved({ method: 'interactive', cloud: 'china' }).authority, 'https://login.chinacloudapi.cn/organizations');
  assert.equal(resolved({ method: 'interactive', cloud: 'usgov' }).authority, 'https://login.microsoftonline.com/organizations');
  const trusted = resolveAuth(env({ method: 'interactive', authorityHost: 'https://localhost:8443/', tenant: 't1' }), { trustedAuthorityHosts: ['https://localhost:8443'] });
  assert.ok(trusted.ok);
  const custom = trusted.auth;
  assert.equal(custom.authority, 'https://localhost:8443/t1');
  assert.equal(custom.customAuthorityHost, 'https://localhost:8443');
});

test('validation says what to change', () => {
  assert.match(problems('interactive'), /must be an object/);
  assert.match(problems({ method: 'password' }), /method "password" is not one of interactive, deviceCode, clientSecret, certificate, none/);
  assert.match(problems({ method: 'interactive', cloud: 'mars' }), /cloud "mars" is not one of/);
  assert.match(problems({ method: 'interactive', tenant: 'contoso tenant' }), /is not a tenant id \(GUID\) or domain/);
  assert.match(problems({ method: 'interactive', authorityHost: 'http://login.example.com' }), /must be an https origin/);
  assert.match(problems({ method: 'interactive', authorityHost: 'https://login.example.com/tenant' }), /must be an https origin/);
  assert.match(problems({ method: 'interactive', authorityHost: 'https://login.example.com' }), /not a Microsoft sign-in host.*"dynamicsOData.trustedAuthorityHosts"/);
  assert.match(problems({ method: 'clientSecret', clientId: '11111111-2222-3333-4444-555555555555' }), /needs the tenant id or domain, not "organizations"/);
  assert.match(problems({ method: 'clientSecret', tenant: 'contoso.com' }), /set the application \(client\) id of your app registration/);
  assert.match(problems({ method: 'certificate', tenant: 'contoso.com', clientId: 'abc' }), /certificatePath: set the path of a PEM file/);
  assert.match(problems({ method: 'certificate', tenant: 'contoso.com', clientId: 'abc', certificatePath: '/x/cert.pfx' }), /openssl pkcs12 -in cert.pfx -out cert.pem -nodes/);
  assert.match(problems({ method: 'interactive', certificateThumbprint: 'xyz' }), /40 \(SHA-1\) or 64 \(SHA-256\) hexadecimal digits/);
  assert.match(problems({ method: 'interactive', tenant: 42 }), /tenant must be a string/);
});

test('a thumbprint is normalised (colons and spaces removed, upper case)', () => {
  const auth = resolved({ method: 'certificate', tenant: 'contoso.com', clientId: 'abc', certificatePath: '/c.pem', certificateThumbprint: 'ab:cd ef' + '0'.repeat(34) });
  assert.equal(auth.certificateThumbprint, `ABCDEF${'0'.repeat(34)}`);
});

test('the scope is the service origin’s .default; Business Central uses its API resource', () => {
  assert.equal(scopeFor({ url: 'https://contoso.crm4.dynamics.com/api/data/v9.2/', flavor: 'dataverse' }), 'https://contoso.crm4.dynamics.com/.default');
  assert.equal(scopeFor({ url: 'https://contoso.operations.dynamics.com/data/', flavor: 'fno' }), 'https://contoso.operations.dynamics.com/.default');
  assert.equal(scopeFor({ url: 'https://api.businesscentral.dynamics.com/v2.0/t/production/api/v2.0/', flavor: 'bc' }), 'https://api.businesscentral.dynamics.com/.default');
  assert.equal(scopeFor({ url: 'https://bc.example.us/v2.0/t/p/api/v2.0/', flavor: 'bc' }, 'usgovhigh'), 'https://bc.example.us/.default');
  assert.equal(scopeFor({ url: 'http://127.0.0.1:4004/odata/v4/', flavor: 'generic' }), 'http://127.0.0.1:4004/.default');
});

describe('the default sign-in method', () => {
  it('is interactive for Dynamics services, none for generic services and for services on this machine', () => {
    assert.equal(defaultMethod('dataverse', 'https://contoso.crm.dynamics.com/api/data/v9.2/'), 'interactive');
    assert.equal(defaultMethod('bc'), 'interactive');
    assert.equal(defaultMethod('generic', 'https://example.com/odata/'), 'none');
    assert.equal(defaultMethod('dataverse', 'http://127.0.0.1:4004/api/data/v9.2/'), 'none');
    assert.equal(defaultMethod('fno', 'http://localhost:8080/data/'), 'none');
    assert.equal(defaultMethod('dataverse', 'not a url'), 'interactive');
  });
});
