// `dynamics-odata check` prints each problem's severity: the flavour's own where the code table gives one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempFolder } from './cliHarness';

const crm = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');
const { file } = tempFolder('dynamics-odata-severity-');
const query = file(
  'initialize.odata',
  "GET InitializeFrom(EntityMoniker=@p1,TargetEntityName=@p2,TargetFieldType=@p3)?@p1={'@odata.id':'accounts(c65127ed-2097-e711-80eb-00155db75426)'}&@p2='account'&@p3=Microsoft.Dynamics.CRM.TargetFieldType'ValidForCreate'\n",
);

test('the same file: info with --flavor dataverse, warning with --flavor generic, error with --strict', async () => {
  const dataverse = await runCli('check', '--metadata', crm, '--flavor', 'dataverse', query);
  assert.match(dataverse.stdout, /^.*initialize\.odata:1:\d+ info syntax\.single-quoted-json /);
  assert.match(dataverse.stderr, /0 errors, 0 warnings/);
  assert.equal(dataverse.code, 0);

  const generic = await runCli('check', '--metadata', crm, '--flavor', 'generic', query);
  assert.match(generic.stdout, /^.*initialize\.odata:1:\d+ warning syntax\.single-quoted-json /);
  assert.match(generic.stderr, /0 errors, 1 warning /);
  assert.equal(generic.code, 0);

  const json = await runCli('check', '--format', 'json', '--metadata', crm, '--flavor', 'dataverse', query);
  assert.deepEqual((JSON.parse(json.stdout) as { severity: string; code: string }[]).map((d) => [d.severity, d.code]), [['info', 'syntax.single-quoted-json']]);

  const strict = await runCli('check', '--strict', '--metadata', crm, '--flavor', 'dataverse', query);
  assert.match(strict.stdout, / error syntax\.invalid-json /);
  assert.equal(strict.code, 1);
});
