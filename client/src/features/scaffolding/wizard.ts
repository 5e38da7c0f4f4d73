/**
 * The guided input for a new custom API (and for changing an existing one), as a plain async state machine over a
 * `Prompter`: quick picks, input boxes and confirmations. Every step passes the rule's validator to the prompter,
 * which refuses a bad answer with the rule's message and asks again. The VS Code wiring implements `Prompter` with
 * `showQuickPick` / `showInputBox`; tests and the end-to-end test use `ScriptedPrompter` with a list of answers.
 * Pure: no VS Code.
 */
import {
  ENTITY_TYPES,
  PARAMETER_TYPES,
  STEP_TYPES,
  STEP_TYPE_LABELS,
  fieldPrimaryName,
  newCustomApi,
  validateBinding,
  validateCustomApi,
  validateDisplayName,
  validateExecutePrivilegeName,
  validateFieldName,
  validateFieldType,
  validateIsFunction,
  validateLogicalEntityName,
  validateUniqueName,
  validateWorkflow,
  type BindingType,
  type CustomApi,
  type FieldKind,
  type ParameterType,
  type StepType,
} from './customApiModel';

export interface PickItem<T> {
  label: string;
  value: T;
  description?: string;
}

/** The validator of a step: the message to show for a bad answer, undefined for a good one. */
export type Validate<T> = (value: T) => string | undefined;

/**
 * Asks the user. `pick` and `input` resolve with an answer the validator accepted (they show its message and ask
 * again otherwise), or undefined when the user cancels.
 */
export interface Prompter {
  pick<T>(title: string, items: PickItem<T>[], validate?: Validate<T>): Promise<T | undefined>;
  input(title: string, options: { value?: string; placeHolder?: string; validate?: Validate<string> }): Promise<string | undefined>;
  confirm(title: string): Promise<boolean | undefined>;
}

/** Thrown when the user cancels a step (Escape): the command stops and writes nothing. */
export class WizardCancelled extends Error {
  constructor() {
    super('Cancelled.');
  }
}

async function required<T>(answer: Promise<T | undefined>): Promise<T> {
  const value = await answer;
  if (value === undefined) throw new WizardCancelled();
  return value;
}

const YES_NO: PickItem<boolean>[] = [
  { label: 'No', value: false },
  { label: 'Yes', value: true },
];

/** A table the API can be bound to or a parameter can name. */
export interface TableChoice {
  logicalName: string;
  entitySet?: string;
}

export interface WizardContext {
  /** Tables from the environment's metadata; when empty the user types a logical name. */
  tables: TableChoice[];
}

const OTHER_TABLE = '\u0000other';

async function askTable(prompter: Prompter, title: string, context: WizardContext, validate: Validate<string>): Promise<string> {
  if (context.tables.length > 0) {
    const items: PickItem<string>[] = [
      ...context.tables.map((t) => ({ label: t.logicalName, value: t.logicalName, ...(t.entitySet ? { description: t.entitySet } : {}) })),
      { label: 'Other table…', value: OTHER_TABLE, description: 'type its logical name' },
    ];
    const choice = await required(prompter.pick(title, items, (v) => (v === OTHER_TABLE ? undefined : validate(v))));
    if (choice !== OTHER_TABLE) return choice;
  }
  return required(prompter.input(title, { placeHolder: 'account', validate }));
}

/** The guided input for a new custom API. */
export async function runNewCustomApiWizard(prompter: Prompter, context: WizardContext): Promise<CustomApi> {
  const uniquename = await required(
    prompter.input('Unique name, with your publisher prefix', { placeHolder: 'contoso_CalculateDiscount', validate: validateUniqueName }),
  );
  const api = newCustomApi(uniquename);
  const shortName = uniquename.slice(uniquename.indexOf('_') + 1);
  api.displayname = await required(prompter.input('Display name', { value: shortName, validate: validateDisplayName }));
  api.description = await required(prompter.input('Description', { value: api.displayname }));
  api.bindingtype = await required(
    prompter.pick<BindingType>('Binding type', [
      { label: 'Global', value: 'Global', description: 'not bound to a table' },
      { label: 'Entity', value: 'Entity', description: 'called on one record; gets the Target parameter' },
      { label: 'EntityCollection', value: 'EntityCollection', description: 'called on a table’s entity set' },
    ]),
  );
  if (api.bindingtype !== 'Global') {
    api.boundentitylogicalname = await askTable(prompter, 'Bound table', context, (v) => validateBinding(api.bindingtype, v));
  }
  api.isfunction = await required(
    prompter.pick<boolean>('Function or action?', [
      { label: 'Action', value: false, description: 'POST; may change data' },
      { label: 'Function', value: true, description: 'GET; returns data, changes nothing' },
    ]),
  );
  api.allowedcustomprocessingsteptype = await askStepType(prompter);
  api.workflowsdkstepenabled = await required(prompter.pick('Enabled for workflow?', YES_NO, (v) => validateWorkflow(api, v)));
  api.isprivate = await required(prompter.confirm('Private (hidden from $metadata)?'));
  const privilege = await required(prompter.input('Execute privilege name (optional)', { placeHolder: 'prvReadAccount', validate: validateExecutePrivilegeName }));
  if (privilege.trim()) api.executeprivilegename = privilege.trim();
  await editFields(prompter, api, context, false);
  return api;
}

async function askStepType(prompter: Prompter): Promise<StepType> {
  return required(
    prompter.pick<StepType>(
      'Allowed custom processing step type',
      STEP_TYPES.map((s) => ({ label: STEP_TYPE_LABELS[s], value: s })),
    ),
  );
}

type EditAction = 'request' | 'response' | 'flags' | 'finish';

/** Adds parameters and properties (and, when editing, changes flags) until the user finishes a valid API. */
async function editFields(prompter: Prompter, api: CustomApi, context: WizardContext, editing: boolean): Promise<void> {
  for (;;) {
    const items: PickItem<EditAction>[] = [
      { label: 'Add request parameter', value: 'request' },
      { label: 'Add response property', value: 'response' },
      ...(editing ? [{ label: 'Change flags', value: 'flags' as const }] : []),
      { label: 'Finish', value: 'finish', description: `${api.requestParameters.length} parameters, ${api.responseProperties.length} properties` },
    ];
    const action = await required(
      prompter.pick('Parameters and properties', items, (v) => (v === 'finish' ? validateCustomApi(api)[0]?.message : undefined)),
    );
    if (action === 'finish') return;
    if (action === 'flags') await changeFlag(prompter, api);
    else await addField(prompter, api, context, action);
  }
}

async function addField(prompter: Prompter, api: CustomApi, context: WizardContext, kind: FieldKind): Promise<void> {
  const what = kind === 'request' ? 'Request parameter' : 'Response property';
  const uniquename = await required(prompter.input(`${what}: name`, { placeHolder: 'Amount', validate: (v) => validateFieldName(v, api, kind) }));
  const type = await required(
    prompter.pick<ParameterType>(
      `${what} ${uniquename}: type`,
      PARAMETER_TYPES.map((t) => ({ label: t, value: t })),
      (t) => validateFieldType(t, api, kind, uniquename),
    ),
  );
  let logicalentityname: string | undefined;
  if (ENTITY_TYPES.includes(type)) {
    const chosen = await askTable(prompter, `${what} ${uniquename}: table (optional)`, { tables: [{ logicalName: '(any table)' }, ...context.tables] }, (v) =>
      v === '(any table)' ? undefined : validateLogicalEntityName(type, v),
    );
    if (chosen !== '(any table)' && chosen.trim()) logicalentityname = chosen.trim();
  }
  const displayname = await required(prompter.input(`${what} ${uniquename}: display name`, { value: uniquename, validate: validateDisplayName }));
  const field = {
    uniquename,
    name: fieldPrimaryName(api, uniquename),
    displayname,
    description: displayname,
    type,
    ...(logicalentityname ? { logicalentityname } : {}),
  };
  if (kind === 'request') {
    const isoptional = await required(prompter.confirm(`Is ${uniquename} optional?`));
    api.requestParameters.push({ ...field, isoptional });
  } else {
    api.responseProperties.push(field);
  }
}

type Flag = 'isfunction' | 'workflowsdkstepenabled' | 'isprivate' | 'allowedcustomprocessingsteptype' | 'executeprivilegename' | 'displayname' | 'description';

async function changeFlag(prompter: Prompter, api: CustomApi): Promise<void> {
  const flag = await required(
    prompter.pick<Flag>('Change which flag?', [
      { label: 'Function or action', value: 'isfunction', description: api.isfunction ? 'Function' : 'Action' },
      { label: 'Enabled for workflow', value: 'workflowsdkstepenabled', description: api.workflowsdkstepenabled ? 'Yes' : 'No' },
      { label: 'Private', value: 'isprivate', description: api.isprivate ? 'Yes' : 'No' },
      { label: 'Allowed custom processing step type', value: 'allowedcustomprocessingsteptype', description: STEP_TYPE_LABELS[api.allowedcustomprocessingsteptype] },
      { label: 'Execute privilege name', value: 'executeprivilegename', description: api.executeprivilegename ?? '(none)' },
      { label: 'Display name', value: 'displayname', description: api.displayname },
      { label: 'Description', value: 'description', description: api.description },
    ]),
  );
  switch (flag) {
    case 'isfunction':
      api.isfunction = await required(
        prompter.pick<boolean>(
          'Function or action?',
          [
            { label: 'Action', value: false },
            { label: 'Function', value: true },
          ],
          (v) => validateIsFunction(v, api.workflowsdkstepenabled),
        ),
      );
      return;
    case 'workflowsdkstepenabled':
      api.workflowsdkstepenabled = await required(prompter.pick('Enabled for workflow?', YES_NO, (v) => validateWorkflow(api, v)));
      return;
    case 'isprivate':
      api.isprivate = await required(prompter.confirm('Private (hidden from $metadata)?'));
      return;
    case 'allowedcustomprocessingsteptype':
      api.allowedcustomprocessingsteptype = await askStepType(prompter);
      return;
    case 'executeprivilegename': {
      const value = await required(prompter.input('Execute privilege name (empty for none)', { value: api.executeprivilegename ?? '', validate: validateExecutePrivilegeName }));
      if (value.trim()) api.executeprivilegename = value.trim();
      else delete api.executeprivilegename;
      return;
    }
    case 'displayname':
      api.displayname = await required(prompter.input('Display name', { value: api.displayname, validate: validateDisplayName }));
      return;
    case 'description':
      api.description = await required(prompter.input('Description', { value: api.description }));
      return;
  }
}

/** Changes an existing custom API (read back from its folder): add parameters or properties, change flags. */
export async function runEditCustomApiWizard(prompter: Prompter, api: CustomApi, context: WizardContext): Promise<CustomApi> {
  const copy: CustomApi = structuredClone(api);
  await editFields(prompter, copy, context, true);
  return copy;
}

/** One rejected answer of a scripted run: which step, what was answered, and the rule's message. */
export interface Rejection {
  title: string;
  answer: unknown;
  message: string;
}

/** A scripted answer: a pick's label (or value), an input's text, a confirm's boolean; null cancels. */
export type ScriptedAnswer = string | boolean | null;

/**
 * A Prompter that answers from a list, as a person would: an answer the step's validator refuses is recorded in
 * `rejections` (with the message the user would see) and the next answer is tried. Used by the tests and by the
 * commands' scripted-answers argument (end-to-end tests).
 */
export class ScriptedPrompter implements Prompter {
  readonly rejections: Rejection[] = [];
  readonly asked: string[] = [];
  private readonly answers: ScriptedAnswer[];

  constructor(answers: readonly ScriptedAnswer[]) {
    this.answers = [...answers];
  }

  get remaining(): number {
    return this.answers.length;
  }

  private next(title: string): ScriptedAnswer {
    this.asked.push(title);
    if (this.answers.length === 0) throw new Error(`No scripted answer left for "${title}".`);
    return this.answers.shift()!;
  }

  async pick<T>(title: string, items: PickItem<T>[], validate?: Validate<T>): Promise<T | undefined> {
    for (;;) {
      const answer = this.next(title);
      if (answer === null) return undefined;
      const item = items.find((i) => i.label === answer || String(i.value) === String(answer));
      if (!item) throw new Error(`"${String(answer)}" is not a choice of "${title}" (${items.map((i) => i.label).join(', ')}).`);
      const message = validate?.(item.value);
      if (!message) return item.value;
      this.rejections.push({ title, answer, message });
    }
  }

  async input(title: string, options: { value?: string; validate?: Validate<string> }): Promise<string | undefined> {
    for (;;) {
      const answer = this.next(title);
      if (answer === null) return undefined;
      const text = answer === true ? (options.value ?? '') : String(answer);
      const message = options.validate?.(text);
      if (!message) return text;
      this.rejections.push({ title, answer, message });
    }
  }

  async confirm(title: string): Promise<boolean | undefined> {
    const answer = this.next(title);
    if (answer === null) return undefined;
    if (typeof answer !== 'boolean') throw new Error(`"${title}" needs true or false, got "${answer}".`);
    return answer;
  }
}
