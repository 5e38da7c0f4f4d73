// `dynamics-odata mcp` through the MCP SDK's own client over stdio: the built CLI (dist/cli.js) started as an
// MCP client (VS Code, Claude) starts it, over real metadata files and an environments file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ensureBuilt, repoRoot } from './lspClient';
import { MAX_ANSWER_CHARS } from '../../server/src/odata/agents/index';

const sample = join(repoRoot, 'test', 'fixtures', 'metadata', 'dataverse-sample.xml');
const bc = join(repoRoot, 'test', 'fixtures', 'metadata', 'bc-sample.xml');
const crm = join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');

interface TextAnswer {
  text: string;
  isError: boolean;
}

async function connect(args: string[]): Promise<{ client: Client; stderr: () => string }> {
  const cli = join(ensureBuilt(), '..', 'cli.js');
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', ...args], stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<TextAnswer> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  assert.equal(content.length, 1);
  assert.equal(content[0]!.type, 'text');
  return { text: content[0]!.text, isError: result.isError === true };
}

let client: Client;

before(async () => {
  ({ client } = await connect(['--metadata', sample, '--name', 'sample', '--url', 'https://sample.crm.dynamics.com/api/data/v9.2/', '--metadata', bc, '--name', 'bc', '--flavor', 'bc', '--metadata', crm, '--name', 'crm']));
});

after(async () => {
  await client?.close();
});

test('the tool list: every tool but run_query, with descriptions and JSON input schemas', async () => {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((tool) => tool.name), ['list_environments', 'find_metadata', 'describe', 'check_query', 'convert_query']);
  const find = tools.find((tool) => tool.name === 'find_metadata')!;
  assert.match(find.description ?? '', /"primary contact" finds primarycontactid/);
  assert.equal(find.inputSchema.type, 'object');
  assert.deepEqual(find.inputSchema.required, ['query']);
  assert.deepEqual(Object.keys(find.inputSchema.properties ?? {}), ['environment', 'query', 'kinds', 'within', 'limit']);
  const convert = tools.find((tool) => tool.name === 'convert_query')!;
  assert.deepEqual((convert.inputSchema.properties as Record<string, { enum?: string[] }>).to?.enum, ['fetchxml', 'odata']);
  for (const tool of tools) assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
});

test('list_environments: the three metadata files, flavours detected or given', async () => {
  const answer = await call(client, 'list_environments', {});
  assert.equal(answer.isError, false);
  assert.match(answer.text, /^3 environments \(default: sample\):/);
  assert.match(answer.text, /- sample: dataverse, https:\/\/sample\.crm\.dynamics\.com\/api\/data\/v9\.2\/, not production, metadata loaded \(12 entity sets\)/);
  assert.match(answer.text, /- bc: bc, \(no service root\), not production, metadata loaded \(\d+ entity sets\)/);
  assert.match(answer.text, /- crm: dataverse, \(no service root\), not production, metadata loaded \(252 entity sets\)/);
  const bad = await call(client, 'list_environments', { verbose: true });
  assert.equal(bad.isError, true);
  assert.match(bad.text, /list_environments has no argument "verbose" \(it takes none\)/);
});

test('find_metadata and describe: good input answers, bad input is a clear error', async () => {
  const found = await call(client, 'find_metadata', { query: 'primary contact', limit: 3 });
  assert.equal(found.isError, false);
  assert.match(found.text.split('\n')[1]!, /^- navigation account\.primarycontactid → contact/);
  const missing = await call(client, 'find_metadata', {});
  assert.equal(missing.isError, true);
  assert.match(missing.text, /find_metadata needs "query"/);

  const described = await call(client, 'describe', { name: 'contacts', member: 'fullname' });
  assert.equal(described.isError, false);
  assert.match(described.text, /^Property contact\.fullname: Edm\.String/);
  const unknown = await call(client, 'describe', { name: 'contcts' });
  assert.equal(unknown.isError, true);
  assert.match(unknown.text, /Did you mean 'contacts'/);
  const elsewhere = await call(client, 'describe', { name: 'accounts', environment: 'nowhere' });
  assert.match(elsewhere.text, /There is no environment 'nowhere'\. Known environments: sample, bc, crm\./);
});

test('check_query: a wrong query gets positions and a fix; the fixed one is clean; an absolute URL on the root is read', async () => {
  const wrong = await call(client, 'check_query', { query: 'accounts?$select=name&$filter=revenu gt 100' });
  assert.equal(wrong.isError, false);
  assert.match(wrong.text, /1\. error unknown-property at line 1, column 31 \("revenu"\): Unknown property 'revenu' on Microsoft\.Dynamics\.CRM\.account\. Did you mean 'revenue'\?/);
  const fixed = wrong.text.split('\n').at(-1)!;
  assert.equal(fixed, 'accounts?$select=name&$filter=revenue gt 100');
  const clean = await call(client, 'check_query', { query: fixed });
  assert.match(clean.text, /^No problems/);
  const absolute = await call(client, 'check_query', { query: 'https://sample.crm.dynamics.com/api/data/v9.2/contacts?$top=1' });
  assert.match(absolute.text, /^No problems/);
  const notText = await call(client, 'check_query', { query: ['accounts'] });
  assert.equal(notText.isError, true);
  assert.match(notText.text, /"query" must be a string/);
});

test('convert_query converts OData to FetchXML and back; check_query checks FetchXML; run_query is not offered', async () => {
  const converted = await call(client, 'convert_query', { query: 'accounts?$select=name', to: 'fetchxml' });
  assert.equal(converted.isError, false, converted.text);
  assert.match(converted.text, /^FetchXML:\n<fetch/);
  assert.match(converted.text, /<entity name='account'>/);
  assert.match(converted.text, /<attribute name='name'/);
  const back = await call(client, 'convert_query', { query: converted.text.replace(/^FetchXML:\n/, ''), to: 'odata' });
  assert.equal(back.isError, false, back.text);
  assert.match(back.text, /accounts\?\$select=name/);
  const checked = await call(client, 'check_query', { query: '<fetch top="5"><entity name="acount"><attribute name="name"/></entity></fetch>' });
  assert.match(checked.text, /fetchxml\.unknown-entity/);
  assert.match(checked.text, /account/);
  const run = await call(client, 'run_query', { query: 'accounts' });
  assert.equal(run.isError, true);
  assert.match(run.text, /run_query runs only inside VS Code/);
});

test('a large answer is capped with a line that says what was cut (a Dataverse org)', async () => {
  const answer = await call(client, 'describe', { name: 'accounts', environment: 'crm' });
  assert.equal(answer.isError, false);
  assert.ok(answer.text.length <= MAX_ANSWER_CHARS, `${answer.text.length} characters`);
  assert.match(answer.text, /more properties not listed|… cut: \d+ more lines? left out/);
});

test('an environments file in the settings shape (comments, relative paths, production, default)', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'mcp-env-'));
  try {
    const file = join(folder, 'settings.json');
    writeFileSync(
      file,
      `{
  // the workspace's settings
  "dynamicsOData.environments": [
    { "name": "dev", "flavor": "dataverse", "url": "https://dev.crm.dynamics.com/api/data/v9.2/", "metadataFile": ${JSON.stringify(sample)} },
    { "name": "prod", "flavor": "dataverse", "url": "https://prod.crm.dynamics.com/api/data/v9.2/", "metadataFile": "missing.xml", "production": true, },
    { "name": "downloaded", "flavor": "fno", "url": "https://contoso.operations.dynamics.com/data/" },
  ],
  "dynamicsOData.defaultEnvironment": "dev",
}`,
    );
    const { client: second } = await connect(['--environments', file]);
    try {
      const list = await call(second, 'find_metadata', { query: 'account', kinds: ['entitySet'] });
      assert.match(list.text, /in 'dev' \(dataverse\)/);
      const environments = await call(second, 'list_environments', {});
      assert.match(environments.text, /- prod: dataverse, https:\/\/prod\.crm\.dynamics\.com\/api\/data\/v9\.2\/, PRODUCTION, metadata not available: .*missing\.xml could not be read \(ENOENT\)/);
      assert.match(environments.text, /- downloaded: fno, .*, metadata not available: it has no "metadataFile"/);
      const prod = await call(second, 'describe', { name: 'accounts', environment: 'prod' });
      assert.equal(prod.isError, true);
      assert.match(prod.text, /The metadata of 'prod' is not available/);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('bad usage exits 2 with a message on stderr (stdout stays the protocol\'s)', async () => {
  const { spawnSync } = await import('node:child_process');
  const cli = join(ensureBuilt(), '..', 'cli.js');
  const badEnvironments = join(mkdtempSync(join(tmpdir(), 'mcp-bad-')), 'settings.json');
  writeFileSync(badEnvironments, JSON.stringify({ 'dynamicsOData.environments': [{ name: 'dev', flavor: 'sap', url: 'https://dev.crm.dynamics.com/api/data/v9.2/' }] }));
  const cases: [string[], RegExp][] = [
    [[], /give at least one --metadata FILE or an --environments FILE/],
    [['--name', 'x'], /--name applies to the --metadata before it/],
    [['--metadata', sample, '--flavor', 'sap'], /unknown flavor 'sap'/],
    [['--environments', join(repoRoot, 'nope.json')], /cannot read the environments file .*nope\.json': ENOENT/],
    [['--metadata', sample, '--metadata', sample], /two environments are named 'dataverse-sample'/],
    // The extension's own settings reader: the same shape and the same sentences.
    [['--environments', badEnvironments], /has problems:\n {2}dynamicsOData\.environments\[0\] \("dev"\): "flavor" is "sap"; use one of dataverse/],
  ];
  for (const [args, expected] of cases) {
    const run = spawnSync(process.execPath, [cli, 'mcp', ...args], { encoding: 'utf8', input: '' });
    assert.equal(run.status, 2, args.join(' '));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, expected);
  }
});
