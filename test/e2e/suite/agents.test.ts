// The agent tools in VS Code: contributed language model tools, registered with vscode.lm.registerTool and
// invoked with vscode.lm.invokeTool as a chat participant or another extension would (no chat model needed).
// find/describe/check answer from the language server; run_query reads from the real sample OData service.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, waitFor } from './helpers';

const TOOLS = ['list_environments', 'find_metadata', 'describe', 'check_query', 'convert_query', 'run_query'].map((name) => `dynamicsOData_${name}`);

function sampleServiceRoot(): string {
  const root = process.env.E2E_SAMPLE_SERVICE_ROOT ?? fs.readFileSync(path.join(__dirname, '..', 'sample-service-root.txt'), 'utf8').trim();
  assert.ok(root, 'runExtensionTests.mjs starts the sample service');
  return root;
}

async function invoke(tool: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(`dynamicsOData_${tool}`, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part as { value?: unknown }).value).filter((value): value is string => typeof value === 'string').join('');
}

suite('agent tools (VS Code language model tools)', () => {
  let settingsFile = '';
  let original = '';

  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    settingsFile = path.join(workspace, '.vscode', 'settings.json');
    original = fs.readFileSync(settingsFile, 'utf8');
    const configuration = vscode.workspace.getConfiguration('dynamicsOData');
    const current = configuration.inspect<unknown[]>('environments')?.workspaceValue ?? [];
    await configuration.update(
      'environments',
      [...current, { name: 'agents-local', flavor: 'generic', url: sampleServiceRoot() }, { name: 'agents-prod', flavor: 'generic', url: sampleServiceRoot(), production: true }],
      vscode.ConfigurationTarget.Workspace,
    );
  });

  suiteTeardown(async () => {
    fs.writeFileSync(settingsFile, original);
    await waitFor('the original workspace settings', () => {
      const environments = vscode.workspace.getConfiguration('dynamicsOData').get<{ name: string }[]>('environments', []);
      return environments.some((env) => env.name === 'agents-local') ? undefined : true;
    });
  });

  test('vscode.lm.tools lists the six tools with their descriptions and input schemas', async () => {
    const ours = await waitFor('the registered tools', () => {
      const found = vscode.lm.tools.filter((tool) => tool.name.startsWith('dynamicsOData_'));
      return found.length === TOOLS.length ? found : undefined;
    });
    assert.deepEqual(ours.map((tool) => tool.name).sort(), [...TOOLS].sort());
    const find = ours.find((tool) => tool.name === 'dynamicsOData_find_metadata')!;
    assert.match(find.description, /"primary contact" finds primarycontactid/);
    assert.deepEqual((find.inputSchema as { required?: string[] }).required, ['query']);
  });

  test('find_metadata and describe answer from the language server\'s model', async () => {
    const found = await invoke('find_metadata', { query: 'primary contact', environment: 'sample', limit: 3 });
    assert.match(found, /^11 matches for "primary contact" in 'sample' \(dataverse\), best 3 shown:\n- navigation account\.primarycontactid → contact/);
    const described = await invoke('describe', { name: 'accounts', environment: 'sample' });
    assert.match(described, /^Entity set accounts — entity type Microsoft\.Dynamics\.CRM\.account/);
    assert.match(described, /^Key: accountid \(Edm\.Guid\)$/m);
    const bad = await invoke('describe', { name: 'acounts', environment: 'sample' });
    assert.match(bad, /Did you mean 'accounts'/);
  });

  test('list_environments marks the production environment', async () => {
    const listed = await invoke('list_environments', {});
    assert.match(listed, /- sample: dataverse, https:\/\/sample\.crm\.dynamics\.com\/api\/data\/v9\.2\/, not production, metadata loaded/);
    assert.match(listed, /- agents-prod: generic, .*, PRODUCTION, /);
  });

  test('an agent loop through invokeTool: a wrong query, check_query, the fix applied, clean', async () => {
    let query = 'GET accounts?$select=name,revenu&$fitler=statecode eq 0';
    let answer = '';
    for (let round = 0; round < 4; round++) {
      answer = await invoke('check_query', { query, environment: 'sample' });
      if (answer.startsWith('No problems')) break;
      const lines = answer.split('\n');
      const at = lines.findIndex((line) => line.startsWith('Corrected query') || line.startsWith('Query with the fixes above applied'));
      assert.ok(at >= 0, answer);
      query = lines.slice(at + 1).join('\n');
    }
    assert.match(answer, /^No problems: the GET request is valid against the metadata of 'sample' \(dataverse\)\.$/);
    assert.equal(query, 'GET accounts?$select=name,revenue&$filter=statecode eq 0');
  });

  test('run_query refuses a POST (nothing is sent)', async () => {
    const before = (await (await fetch(`${sampleServiceRoot()}accounts/$count`)).text()).trim();
    const answer = await invoke('run_query', { query: 'POST accounts\nContent-Type: application/json\n\n{ "name": "from an agent" }', environment: 'agents-local' });
    assert.match(answer, /^run_query only reads data: POST is refused/);
    const after = (await (await fetch(`${sampleServiceRoot()}accounts/$count`)).text()).trim();
    assert.equal(after, before);
  });

  test('run_query reads rows from the sample service as a compact, capped table', async () => {
    const answer = await invoke('run_query', { query: 'accounts?$select=name,accountnumber&$orderby=name', environment: 'agents-local', maxRows: 3 });
    const lines = answer.split('\n');
    assert.match(lines[0]!, /^GET accounts\?\$select=name,accountnumber&\$orderby=name on 'agents-local': 200 /);
    assert.match(lines[1]!, /rows? returned.*; more rows exist/);
    assert.match(lines[2]!, /^\| name \| accountnumber \|/);
    assert.equal(lines.length, 2 + 2 + 3, answer);
    assert.doesNotMatch(answer, /Bearer|Authorization/i);
  });

  test('run_query asks before reading a production environment (its confirmation), and not otherwise', async () => {
    interface Prepared { invocationMessage?: string; confirmation?: { title: string; message: string } }
    const production = await vscode.commands.executeCommand<Prepared>('dynamicsOData.agents.prepareRunQuery', { query: 'accounts?$top=1', environment: 'agents-prod' });
    assert.equal(production.confirmation?.title, 'Read from the production environment agents-prod?');
    assert.match(production.confirmation?.message ?? '', /\*\*agents-prod\*\* is a production environment .* Only a read is sent:/);
    assert.match(production.confirmation?.message ?? '', /accounts\?\$top=1/);
    const local = await vscode.commands.executeCommand<Prepared>('dynamicsOData.agents.prepareRunQuery', { query: 'accounts?$top=1', environment: 'agents-local' });
    assert.equal(local.confirmation, undefined);
    assert.equal(local.invocationMessage, 'Running a read-only query on agents-local');
  });
});
