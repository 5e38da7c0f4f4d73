/**
 * The guided input for custom APIs, driven by scripted answers: every documented rule refuses the bad answer
 * with its message (and the next answer is taken, as a user would retype), the good path builds the model, and
 * the edit path (read back from files) adds parameters and changes flags under the same rules.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newCustomApi, validateCustomApi, type CustomApi } from '../../../client/src/features/scaffolding/customApiModel';
import { readCustomApiFolder, writeCustomApiFiles } from '../../../client/src/features/scaffolding/solutionXml';
import {
  ScriptedPrompter,
  WizardCancelled,
  runEditCustomApiWizard,
  runNewCustomApiWizard,
  type ScriptedAnswer,
  type TableChoice,
} from '../../../client/src/features/scaffolding/wizard';

async function run(answers: ScriptedAnswer[], tables: TableChoice[] = []): Promise<{ api: CustomApi; prompter: ScriptedPrompter }> {
  const prompter = new ScriptedPrompter(answers);
  const api = await runNewCustomApiWizard(prompter, { tables });
  assert.equal(prompter.remaining, 0, 'every scripted answer was used');
  return { api, prompter };
}

/** The header answers up to the parameters loop. */
function header(options: { binding?: string; table?: string[]; kind?: 'Action' | 'Function'; workflow?: ScriptedAnswer[] } = {}): ScriptedAnswer[] {
  return [
    'contoso_DoThing',
    true, // display name: the default
    true, // description: the default
    options.binding ?? 'Global',
    ...(options.table ?? []),
    options.kind ?? 'Action',
    'None',
    ...(options.workflow ?? ['No']),
    false, // private
    '', // execute privilege
  ];
}

const stringParam = (name: string): ScriptedAnswer[] => ['Add request parameter', name, 'String', true, false];
const stringProperty = (name: string): ScriptedAnswer[] => ['Add response property', name, 'String', true];

function messages(prompter: ScriptedPrompter): string[] {
  return prompter.rejections.map((r) => r.message);
}

describe('custom API wizard: the good path', () => {
  test('builds the model from the answers; defaults for display name and description', async () => {
    const { api, prompter } = await run(
      [
        'contoso_EscalateCase',
        'Escalate Case',
        true,
        'Entity',
        'incident',
        'Action',
        'Sync and Async',
        'No',
        true,
        'prvReadIncident',
        'Add request parameter',
        'Priority',
        'Picklist',
        true,
        true,
        'Add response property',
        'AssignedTo',
        'EntityReference',
        'systemuser',
        'Assigned To',
        'Finish',
      ],
      [
        { logicalName: 'incident', entitySet: 'incidents' },
        { logicalName: 'systemuser', entitySet: 'systemusers' },
      ],
    );
    assert.deepEqual(prompter.rejections, []);
    assert.deepEqual(api, {
      ...newCustomApi('contoso_EscalateCase'),
      displayname: 'Escalate Case',
      description: 'Escalate Case',
      bindingtype: 'Entity',
      boundentitylogicalname: 'incident',
      allowedcustomprocessingsteptype: 'SyncAndAsync',
      isprivate: true,
      executeprivilegename: 'prvReadIncident',
      requestParameters: [{ uniquename: 'Priority', name: 'contoso_EscalateCase.Priority', displayname: 'Priority', description: 'Priority', type: 'Picklist', isoptional: true }],
      responseProperties: [
        { uniquename: 'AssignedTo', name: 'contoso_EscalateCase.AssignedTo', displayname: 'Assigned To', description: 'Assigned To', type: 'EntityReference', logicalentityname: 'systemuser' },
      ],
    });
    assert.deepEqual(validateCustomApi(api), []);
  });

  test('cancelling (Escape) stops the wizard', async () => {
    await assert.rejects(runNewCustomApiWizard(new ScriptedPrompter(['contoso_X', null]), { tables: [] }), WizardCancelled);
  });
});

describe('custom API wizard: every rule refuses the bad answer with its message', () => {
  test('unique name: publisher prefix and underscore, prefix format, reserved mscrm, name after the prefix', async () => {
    const { api, prompter } = await run(['DoThing', 'x_Do', '1abc_Do', 'mscrm_Do', 'contoso_1Do', 'contoso_Do', ...header().slice(1), 'Finish']);
    assert.equal(api.uniquename, 'contoso_Do');
    assert.deepEqual(messages(prompter), [
      "The unique name 'DoThing' needs your publisher prefix and an underscore, like 'contoso_CalculateDiscount'.",
      "The publisher prefix 'x' must be 2 to 8 letters or digits and start with a letter (for example 'contoso').",
      "The publisher prefix '1abc' must be 2 to 8 letters or digits and start with a letter (for example 'contoso').",
      "The publisher prefix cannot start with 'mscrm': that prefix is reserved by Microsoft.",
      "After the prefix, the unique name must start with a letter and use only letters, digits and underscores (got '1Do').",
    ]);
  });

  test('display name cannot be empty', async () => {
    const answers = header();
    answers.splice(1, 1, '  ', 'Do Thing');
    const { api, prompter } = await run([...answers, 'Finish']);
    assert.equal(api.displayname, 'Do Thing');
    assert.deepEqual(messages(prompter), ['Enter a display name: it is shown when the API is called from an app.']);
  });

  test('a bound API needs its table, as a logical name', async () => {
    const { api, prompter } = await run([...header({ binding: 'EntityCollection', table: ['', 'Account', 'account'] }), 'Finish']);
    assert.equal(api.boundentitylogicalname, 'account');
    assert.deepEqual(messages(prompter), [
      "A custom API with EntityCollection binding needs the bound table's logical name (for example 'account').",
      "'Account' is not a table logical name: use lower-case letters, digits and underscores, like 'account' or 'contoso_project'.",
    ]);
  });

  test('the bound table is picked from the environment, or typed as another table', async () => {
    const tables = [{ logicalName: 'account', entitySet: 'accounts' }];
    const picked = await run([...header({ binding: 'Entity', table: ['account'] }), 'Finish'], tables);
    assert.equal(picked.api.boundentitylogicalname, 'account');
    const typed = await run([...header({ binding: 'Entity', table: ['Other table…', 'contoso_project'] }), 'Finish'], tables);
    assert.equal(typed.api.boundentitylogicalname, 'contoso_project');
  });

  test('a function cannot be enabled for workflow', async () => {
    const { api, prompter } = await run([...header({ kind: 'Function', workflow: ['Yes', 'No'] }), ...stringProperty('Out'), 'Finish']);
    assert.equal(api.workflowsdkstepenabled, false);
    assert.deepEqual(messages(prompter), ['A custom API enabled for workflow cannot be a function: make it an action, or turn off Enabled for Workflow.']);
  });

  test('a function needs at least one response property', async () => {
    const { api, prompter } = await run([...header({ kind: 'Function' }), 'Finish', ...stringProperty('Out'), 'Finish']);
    assert.equal(api.responseProperties.length, 1);
    assert.deepEqual(messages(prompter), ['A function must return data: add at least one response property, or make the custom API an action.']);
  });

  test('workflow-enabled APIs take only the workflow types', async () => {
    const { api, prompter } = await run([
      ...header({ workflow: ['Yes'] }),
      'Add request parameter',
      'Rows',
      'EntityCollection',
      'StringArray',
      'Entity',
      'String',
      true,
      false,
      'Add response property',
      'Items',
      'StringArray',
      'Integer',
      true,
      'Finish',
    ]);
    assert.deepEqual(api.requestParameters.map((p) => p.type), ['String']);
    assert.deepEqual(api.responseProperties.map((p) => p.type), ['Integer']);
    const allowed = 'Boolean, DateTime, Decimal, EntityReference, Float, Integer, Money, Picklist, String, Guid';
    assert.deepEqual(messages(prompter), [
      `Request parameter 'Rows': type EntityCollection is not supported by workflow. A custom API enabled for workflow can use only ${allowed}.`,
      `Request parameter 'Rows': type StringArray is not supported by workflow. A custom API enabled for workflow can use only ${allowed}.`,
      `Request parameter 'Rows': type Entity is not supported by workflow. A custom API enabled for workflow can use only ${allowed}.`,
      `Response property 'Items': type StringArray is not supported by workflow. A custom API enabled for workflow can use only ${allowed}.`,
    ]);
  });

  test('with workflow, EntityReference only when the API is bound to a table', async () => {
    const unbound = await run([...header({ workflow: ['Yes'] }), 'Add request parameter', 'Owner', 'EntityReference', 'Guid', true, false, 'Finish']);
    assert.deepEqual(messages(unbound.prompter), [
      "Request parameter 'Owner': with Enabled for Workflow, EntityReference can only be used when the custom API is bound to a table (Entity binding).",
    ]);
    const bound = await run([...header({ binding: 'Entity', table: ['account'], workflow: ['Yes'] }), 'Add request parameter', 'Owner', 'EntityReference', '(any table)', true, false, 'Finish']);
    assert.deepEqual(bound.prompter.rejections, []);
    assert.equal(bound.api.requestParameters[0]!.type, 'EntityReference');
  });

  test('an Entity binding reserves Target (it is added implicitly)', async () => {
    const { api, prompter } = await run([...header({ binding: 'Entity', table: ['account'] }), ...['Add request parameter', 'Target', 'Record', 'String', true, false], 'Finish']);
    assert.deepEqual(api.requestParameters.map((p) => p.uniquename), ['Record']);
    assert.deepEqual(messages(prompter), ["'Target' is reserved: an Entity-bound custom API gets the request parameter Target (an EntityReference to the record) automatically."]);
    // A Global API may name a parameter Target.
    const global = await run([...header(), ...stringParam('Target'), 'Finish']);
    assert.deepEqual(global.prompter.rejections, []);
  });

  test('names are identifiers and unique (case-insensitive) in their list', async () => {
    const { api, prompter } = await run([
      ...header(),
      ...stringParam('Amount'),
      'Add request parameter',
      '1st',
      'amount',
      'Total',
      'String',
      true,
      false,
      ...stringProperty('Amount'), // a response property may share a request parameter's name
      'Finish',
    ]);
    assert.deepEqual(api.requestParameters.map((p) => p.uniquename), ['Amount', 'Total']);
    assert.deepEqual(api.responseProperties.map((p) => p.uniquename), ['Amount']);
    assert.deepEqual(messages(prompter), [
      "'1st' is not a valid name: start with a letter or underscore and use only letters, digits and underscores (at most 100).",
      "The request parameter 'amount' already exists: names must be unique.",
    ]);
  });

  test('a logical entity name only where the type has a table, and well-formed', async () => {
    const { api, prompter } = await run([...header(), 'Add request parameter', 'Record', 'Entity', 'Other table…', 'Not A Table', 'contact', true, false, 'Finish']);
    assert.equal(api.requestParameters[0]!.logicalentityname, 'contact');
    assert.deepEqual(messages(prompter), ["'Not A Table' is not a table logical name: use lower-case letters, digits and underscores, like 'account' or 'contoso_project'."]);
    // The wizard never asks for a table for other types; a file that has one is reported.
    const fromFile = newCustomApi('contoso_X');
    fromFile.requestParameters.push({ uniquename: 'Text', name: '', displayname: 'Text', description: '', type: 'String', isoptional: false, logicalentityname: 'account' });
    assert.deepEqual(validateCustomApi(fromFile), [
      { rule: 'logicalEntityNotAllowed', message: 'A String has no table: the logical entity name is only for Entity, EntityCollection and EntityReference.' },
    ]);
  });

  test('the execute privilege must look like a privilege name', async () => {
    const answers = header();
    answers.splice(answers.length - 1, 1, 'ReadAccount', 'prvReadAccount');
    const { api, prompter } = await run([...answers, 'Finish']);
    assert.equal(api.executeprivilegename, 'prvReadAccount');
    assert.deepEqual(messages(prompter), ["'ReadAccount' is not a privilege name: privileges look like 'prvReadAccount' (only existing privileges can be used)."]);
  });

  test('validateCustomApi reports every broken rule of a model with its id', () => {
    const api = newCustomApi('bad');
    api.bindingtype = 'Entity';
    api.isfunction = true;
    api.workflowsdkstepenabled = true;
    api.requestParameters.push({ uniquename: 'Target', name: '', displayname: 'T', description: '', type: 'StringArray', isoptional: false });
    assert.deepEqual(
      validateCustomApi(api).map((v) => v.rule),
      ['uniqueName', 'boundEntityRequired', 'workflowNotFunction', 'functionNeedsResponse', 'targetReserved', 'workflowType'],
    );
  });
});

describe('custom API wizard: editing an existing API read back from its files', () => {
  function existing(): CustomApi {
    const api = newCustomApi('contoso_Sync');
    api.workflowsdkstepenabled = true;
    api.requestParameters.push({ uniquename: 'Code', name: 'contoso_Sync.Code', displayname: 'Code', description: 'Code', type: 'String', isoptional: false });
    return readCustomApiFolder(writeCustomApiFiles(api));
  }

  test('adds a parameter and changes flags; the rules still hold; the input model is not changed', async () => {
    const before = existing();
    const prompter = new ScriptedPrompter([
      'Change flags',
      'Function or action',
      'Function', // refused: workflow is on
      'Action',
      'Change flags',
      'Private',
      true,
      'Add request parameter',
      'Code', // refused: exists
      'Count',
      'Integer',
      true,
      true,
      'Finish',
    ]);
    const after = await runEditCustomApiWizard(prompter, before, { tables: [] });
    assert.equal(prompter.remaining, 0);
    assert.deepEqual(messages(prompter), [
      'A custom API enabled for workflow cannot be a function: make it an action, or turn off Enabled for Workflow.',
      "The request parameter 'Code' already exists: names must be unique.",
    ]);
    assert.equal(after.isprivate, true);
    assert.deepEqual(after.requestParameters.map((p) => p.uniquename), ['Code', 'Count']);
    assert.deepEqual(before.requestParameters.map((p) => p.uniquename), ['Code']);
    // And the edit round-trips through the files.
    assert.deepEqual(readCustomApiFolder(writeCustomApiFiles(after)), after);
  });

  test('turning workflow on is refused while a parameter has a non-workflow type', async () => {
    const api = newCustomApi('contoso_List');
    api.requestParameters.push({ uniquename: 'Names', name: '', displayname: 'Names', description: '', type: 'StringArray', isoptional: false });
    const prompter = new ScriptedPrompter(['Change flags', 'Enabled for workflow', 'Yes', 'No', 'Finish']);
    const after = await runEditCustomApiWizard(prompter, api, { tables: [] });
    assert.equal(after.workflowsdkstepenabled, false);
    assert.match(messages(prompter)[0]!, /^Request parameter 'Names': type StringArray is not supported by workflow/);
  });
});
