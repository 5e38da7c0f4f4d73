/**
 * The generated `.odata` call of a custom API: GET with parameter aliases for functions, POST with a JSON body
 * for actions, `Microsoft.Dynamics.CRM.{name}` on a record or an entity set for bound ones; and
 * `dynamics-odata check` (the CLI's main, in-process) accepts every generated call against a metadata document
 * built to contain the APIs (csdlFragment), and rejects it against one that does not.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../../server/src/cli';
import { customApiCsdl, csdlType } from '../../../client/src/features/scaffolding/csdlFragment';
import { BINDING_TYPES, newCustomApi, type BindingType, type CustomApi, type ParameterType } from '../../../client/src/features/scaffolding/customApiModel';
import { generateODataCall, guessEntitySet } from '../../../client/src/features/scaffolding/odataCall';
import { parseRequestFile } from '../../../server/src/odata/index';

const dir = mkdtempSync(join(tmpdir(), 'dynamics-odata-scaffolding-'));

/** Every type a URL alias can carry in this sample (Entity / EntityCollection go in action bodies). */
const URL_TYPES: ParameterType[] = ['Boolean', 'DateTime', 'Decimal', 'EntityReference', 'Float', 'Integer', 'Money', 'Picklist', 'String', 'StringArray', 'Guid'];

function sampleApi(binding: BindingType, isfunction: boolean): CustomApi {
  const api = newCustomApi(`contoso_${binding}${isfunction ? 'Lookup' : 'Update'}`);
  api.displayname = `${binding} ${isfunction ? 'lookup' : 'update'}`;
  api.bindingtype = binding;
  if (binding !== 'Global') api.boundentitylogicalname = 'account';
  api.isfunction = isfunction;
  const types: ParameterType[] = isfunction ? URL_TYPES : [...URL_TYPES, 'Entity', 'EntityCollection'];
  for (const type of types) {
    api.requestParameters.push({ uniquename: `P${type}`, name: '', displayname: type, description: '', type, isoptional: false, ...(type === 'EntityReference' ? { logicalentityname: 'account' } : {}) });
  }
  api.responseProperties.push({ uniquename: 'Result', name: '', displayname: 'Result', description: '', type: 'String' });
  return api;
}

function metadata(apis: CustomApi[]): string {
  const fragments = apis.map(customApiCsdl);
  return `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="crmbaseentity" Abstract="true" />
      <EntityType Name="account" BaseType="mscrm.crmbaseentity">
        <Key><PropertyRef Name="accountid" /></Key>
        <Property Name="accountid" Type="Edm.Guid" />
        <Property Name="name" Type="Edm.String" />
      </EntityType>
${fragments.map((f) => f.schemaElements).join('\n')}
      <EntityContainer Name="System">
        <EntitySet Name="accounts" EntityType="mscrm.account" />
${fragments.map((f) => f.containerElements).join('\n')}
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`;
}

async function check(metadataXml: string, files: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const metadataPath = join(dir, `metadata-${Object.keys(files).length}-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(metadataPath, metadataXml);
  const paths = Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  let stdout = '';
  let stderr = '';
  const code = await main(['check', '--metadata', metadataPath, ...paths], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readFile: (p) => readFileSync(p, 'utf8'),
  });
  return { code, stdout, stderr };
}

const apis = BINDING_TYPES.flatMap((b) => [sampleApi(b, true), sampleApi(b, false)]);

describe('the generated .odata call', () => {
  test('function: GET with parameter aliases; action: POST with a JSON body; bound: qualified name', () => {
    const fn = generateODataCall(sampleApi('Entity', true), { entitySet: 'accounts', environment: 'contoso-dev' });
    assert.match(fn, /^@environment = contoso-dev$/m);
    assert.match(fn, /^GET accounts\(00000000-0000-0000-0000-000000000001\)\/Microsoft\.Dynamics\.CRM\.contoso_EntityLookup\(PBoolean=@p1,PDateTime=@p2,.*,PGuid=@p11\)$/m);
    assert.match(fn, /^ {4}\?@p1=true$/m);
    assert.match(fn, /^ {4}&@p4=\{"@odata.id":"accounts\(00000000-0000-0000-0000-000000000001\)"\}$/m);
    assert.match(fn, /^ {4}&@p9='text'$/m);
    assert.match(fn, /^ {4}&@p10=\["one","two"\]$/m);
    assert.match(fn, /^ {4}&@p11=00000000-0000-0000-0000-000000000001$/m);

    const action = generateODataCall(sampleApi('Global', false));
    const request = parseRequestFile(action).requests[0]!;
    assert.equal(request.method, 'POST');
    assert.match(action, /^POST contoso_GlobalUpdate$/m);
    assert.match(action, /^Content-Type: application\/json$/m);
    const body = JSON.parse(action.slice(action.indexOf('\n{') + 1)) as Record<string, unknown>;
    assert.equal(body.PString, 'text');
    assert.equal(body.PInteger, 1);
    assert.deepEqual(body.PStringArray, ['one', 'two']);
    assert.deepEqual(body.PEntityReference, { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountid: '00000000-0000-0000-0000-000000000001' });
    assert.doesNotMatch(action, /@environment/, 'no environment line when none is known');

    const collection = generateODataCall(sampleApi('EntityCollection', false), { entitySet: 'accounts' });
    assert.match(collection, /^POST accounts\/Microsoft\.Dynamics\.CRM\.contoso_EntityCollectionUpdate$/m);

    const guessed = generateODataCall({ ...sampleApi('Entity', false), boundentitylogicalname: 'opportunity' });
    assert.match(guessed, /^POST opportunities\(/m);
    assert.match(guessed, /is a guess from the table name/);
    assert.equal(guessEntitySet('address'), 'addresses');
  });

  test('dynamics-odata check passes every generated call against a metadata document that contains the APIs', async () => {
    const files = Object.fromEntries(apis.map((api) => [`${api.uniquename}.odata`, generateODataCall(api, { entitySet: 'accounts', environment: 'dev' })]));
    const result = await check(metadata(apis), files);
    assert.equal(result.stdout, '', 'no diagnostics');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /0 errors, 0 warnings in 6 requests of 6 files \(flavor: dataverse\)/);
  });

  test('and fails them against a metadata document without them (the check is real)', async () => {
    const files = Object.fromEntries(apis.map((api) => [`missing-${api.uniquename}.odata`, generateODataCall(api, { entitySet: 'accounts' })]));
    const result = await check(metadata([]), files);
    assert.equal(result.code, 1);
    assert.equal(result.stdout.trim().split('\n').length >= 6, true, result.stdout);
    assert.match(result.stdout, /contoso_GlobalLookup/);
  });

  test('CSDL types follow Dataverse', () => {
    assert.equal(csdlType({ type: 'Money' }), 'Edm.Decimal');
    assert.equal(csdlType({ type: 'Picklist' }), 'Edm.Int32');
    assert.equal(csdlType({ type: 'StringArray' }), 'Collection(Edm.String)');
    assert.equal(csdlType({ type: 'EntityCollection', logicalentityname: 'contact' }), 'Collection(mscrm.contact)');
    assert.equal(csdlType({ type: 'EntityReference' }), 'mscrm.crmbaseentity');
    const bound = customApiCsdl(sampleApi('Entity', true));
    assert.match(bound.schemaElements, /<Function Name="contoso_EntityLookup" IsBound="true" IsComposable="false">\n {2}<Parameter Name="entity" Type="mscrm.account" Nullable="false" \/>/);
    assert.equal(bound.containerElements, '');
    assert.match(customApiCsdl(sampleApi('Global', false)).containerElements, /<ActionImport Name="contoso_GlobalUpdate" Action="mscrm.contoso_GlobalUpdate" \/>/);
  });
});
