import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from './helpers';

interface ScaffoldingResult {
  written: string[];
  rejections: { message: string }[];
  report?: { ok: boolean; steps: { ok: boolean; message: string }[] };
  cancelled?: boolean;
}

function sampleServiceRoot(): string {
  const root = process.env.E2E_SAMPLE_SERVICE_ROOT ?? fs.readFileSync(path.join(__dirname, '..', 'sample-service-root.txt'), 'utf8').trim();
  assert.ok(root, 'runExtensionTests.mjs starts the sample service');
  return root;
}

suite('custom API scaffolding', () => {
  const ENV = 'scaffold-local';
  let workspace = '';
  let settingsFile = '';
  let original = '';

  suiteSetup(async () => {
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    settingsFile = path.join(workspace, '.vscode', 'settings.json');
    original = fs.readFileSync(settingsFile, 'utf8');
    const configuration = vscode.workspace.getConfiguration('dynamicsOData');
    const current = configuration.inspect<unknown[]>('environments')?.workspaceValue ?? [];
    await configuration.update('environments', [...current, { name: ENV, flavor: 'dataverse', url: sampleServiceRoot() }], vscode.ConfigurationTarget.Workspace);
  });

  suiteTeardown(async () => {
    fs.rmSync(path.join(workspace, 'customapis'), { recursive: true, force: true });
    fs.writeFileSync(settingsFile, original);
    await waitFor('the original workspace settings', () => {
      const environments = vscode.workspace.getConfiguration('dynamicsOData').get<{ name: string }[]>('environments', []);
      return environments.some((env) => env.name === ENV) ? undefined : true;
    });
  });

  test('"New Dataverse Custom API" with scripted answers writes the solution files, the plug-in class and the call', async () => {
    const result = await vscode.commands.executeCommand<ScaffoldingResult>('dynamicsOData.newCustomApi', {
      folder: 'customapis',
      environment: '',
      answers: ['contoso_EscalateCase', true, true, 'Entity', 'incident', 'Action', 'None', 'No', false, '', 'Add request parameter', 'Priority', 'Picklist', true, false, 'Finish'],
    });
    assert.ok(result && !result.cancelled, 'the command ran to the end');
    assert.deepEqual(result.rejections, []);
    const folder = path.join(workspace, 'customapis', 'contoso_EscalateCase');
    const relative = result.written.map((file) => path.relative(folder, file).split(path.sep).join('/')).sort();
    assert.ok(relative.includes('customapi.xml'), relative.join(', '));
    assert.ok(relative.some((file) => /^customapirequestparameters\/[^/]+\/customapirequestparameter\.xml$/.test(file)), relative.join(', '));
    assert.ok(relative.some((file) => file.endsWith('.cs')), relative.join(', '));
    assert.ok(relative.some((file) => file.endsWith('.odata')), relative.join(', '));
    const xml = fs.readFileSync(path.join(folder, 'customapi.xml'), 'utf8');
    assert.match(xml, /<customapi uniquename="contoso_EscalateCase">/);
    assert.match(xml, /<bindingtype>1<\/bindingtype>/);
    const call = fs.readFileSync(result.written.find((file) => file.endsWith('.odata'))!, 'utf8');
    assert.match(call, /^POST incidents\(.*\)\/Microsoft\.Dynamics\.CRM\.contoso_EscalateCase$/m);
  });

  test('"Deploy Dataverse Custom API" creates it in the sample service by deep insert', async () => {
    const result = await vscode.commands.executeCommand<ScaffoldingResult>('dynamicsOData.deployCustomApi', {
      folder: 'customapis/contoso_EscalateCase',
      environment: ENV,
      solution: '',
      confirm: true,
    });
    assert.ok(result?.report, 'deploy reports each request');
    assert.equal(result.report.ok, true, result.report.steps.map((step) => step.message).join('\n'));
    const response = await fetch(`${sampleServiceRoot()}customapis?$filter=uniquename%20eq%20'contoso_EscalateCase'&$expand=CustomAPIRequestParameters`);
    const body = (await response.json()) as { value: { uniquename: string; bindingtype: number; CustomAPIRequestParameters: { uniquename: string }[] }[] };
    assert.equal(body.value.length, 1);
    assert.equal(body.value[0]!.bindingtype, 1);
    assert.deepEqual(body.value[0]!.CustomAPIRequestParameters.map((p) => p.uniquename), ['Priority']);
  });
});
