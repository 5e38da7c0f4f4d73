/**
 * The Dataverse custom API model (the `customapi`, `customapirequestparameter` and `customapiresponseproperty`
 * tables) and the rules Microsoft documents for it, one validator per wizard step, each returning the message
 * to show (or undefined when the value is fine). `validateCustomApi` runs them all over a whole model.
 *
 * Sources: "CustomAPI table columns", "CustomAPIRequestParameter table columns" (type codes 0-12), "Enabled for
 * Workflow" limits, and the publisher prefix rules (2-8 letters or digits, starting with a letter, not `mscrm`).
 * Pure: no VS Code, no I/O.
 */

export const BINDING_TYPES = ['Global', 'Entity', 'EntityCollection'] as const;
export type BindingType = (typeof BINDING_TYPES)[number];

export const STEP_TYPES = ['None', 'AsyncOnly', 'SyncAndAsync'] as const;
export type StepType = (typeof STEP_TYPES)[number];
export const STEP_TYPE_LABELS: Record<StepType, string> = { None: 'None', AsyncOnly: 'Async Only', SyncAndAsync: 'Sync and Async' };

/** The documented parameter / property types; the index is the `type` choice value. */
export const PARAMETER_TYPES = [
  'Boolean',
  'DateTime',
  'Decimal',
  'Entity',
  'EntityCollection',
  'EntityReference',
  'Float',
  'Integer',
  'Money',
  'Picklist',
  'String',
  'StringArray',
  'Guid',
] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** Types a workflow-enabled custom API may use (EntityReference only when bound to a table). */
export const WORKFLOW_TYPES: readonly ParameterType[] = ['Boolean', 'DateTime', 'Decimal', 'EntityReference', 'Float', 'Integer', 'Money', 'Picklist', 'String', 'Guid'];
/** Types that may name a table in `logicalentityname`. */
export const ENTITY_TYPES: readonly ParameterType[] = ['Entity', 'EntityCollection', 'EntityReference'];

/** The implicit request parameter of an Entity-bound custom API (an EntityReference to the record). */
export const TARGET_PARAMETER = 'Target';

/** Labels in other languages than 1033 (English), by language code, as solution files carry them. */
export interface Translations {
  displayname?: Record<string, string>;
  description?: Record<string, string>;
}

export interface CustomApiField {
  /** The name used when calling the API (the parameter or property name). */
  uniquename: string;
  /** The primary name; by convention `{api uniquename}.{uniquename}`. */
  name: string;
  displayname: string;
  description: string;
  type: ParameterType;
  /** Table logical name, for Entity / EntityCollection / EntityReference only. */
  logicalentityname?: string;
  translations?: Translations;
}

export interface RequestParameter extends CustomApiField {
  isoptional: boolean;
}

export type ResponseProperty = CustomApiField;

export interface CustomApi {
  uniquename: string;
  name: string;
  displayname: string;
  description: string;
  bindingtype: BindingType;
  boundentitylogicalname?: string;
  isfunction: boolean;
  allowedcustomprocessingsteptype: StepType;
  isprivate: boolean;
  executeprivilegename?: string;
  workflowsdkstepenabled: boolean;
  /** Managed property: whether the component may be customized in a managed solution (solution files carry it). */
  iscustomizable: boolean;
  /** The plug-in type (GUID) that implements the main operation, once registered. */
  plugintypeid?: string;
  translations?: Translations;
  requestParameters: RequestParameter[];
  responseProperties: ResponseProperty[];
}

export type FieldKind = 'request' | 'response';

/** One broken rule: a stable id (for tests and code) and the message shown to the user. */
export interface RuleViolation {
  rule: RuleId;
  message: string;
}

export type RuleId =
  | 'prefix'
  | 'uniqueName'
  | 'displayName'
  | 'boundEntityRequired'
  | 'boundEntityNotAllowed'
  | 'logicalName'
  | 'functionNeedsResponse'
  | 'workflowNotFunction'
  | 'workflowType'
  | 'workflowEntityReference'
  | 'fieldName'
  | 'fieldNameUnique'
  | 'targetReserved'
  | 'logicalEntityNotAllowed'
  | 'privilegeName';

const PREFIX = /^[A-Za-z][A-Za-z0-9]{1,7}$/;
const LOGICAL_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** The customization prefix of a publisher: 2-8 letters or digits, starting with a letter, not `mscrm`. */
export function validatePrefix(prefix: string): string | undefined {
  if (!PREFIX.test(prefix)) return `The publisher prefix '${prefix}' must be 2 to 8 letters or digits and start with a letter (for example 'contoso').`;
  if (prefix.toLowerCase().startsWith('mscrm')) return `The publisher prefix cannot start with 'mscrm': that prefix is reserved by Microsoft.`;
  return undefined;
}

/** The unique name: `{prefix}_{Name}`, letters, digits and underscores, at most 128 characters. */
export function validateUniqueName(uniquename: string): string | undefined {
  const underscore = uniquename.indexOf('_');
  if (underscore <= 0) return `The unique name '${uniquename}' needs your publisher prefix and an underscore, like 'contoso_CalculateDiscount'.`;
  const prefixMessage = validatePrefix(uniquename.slice(0, underscore));
  if (prefixMessage) return prefixMessage;
  const rest = uniquename.slice(underscore + 1);
  if (!/^[A-Za-z0-9_]+$/.test(rest) || !/[A-Za-z]/.test(rest[0] ?? '')) {
    return `After the prefix, the unique name must start with a letter and use only letters, digits and underscores (got '${rest}').`;
  }
  if (uniquename.length > 128) return `The unique name is ${uniquename.length} characters long; the limit is 128.`;
  return undefined;
}

export function validateDisplayName(displayname: string): string | undefined {
  if (displayname.trim() === '') return 'Enter a display name: it is shown when the API is called from an app.';
  if (displayname.length > 100) return `The display name is ${displayname.length} characters long; the limit is 100.`;
  return undefined;
}

/** A table logical name (lower case): `account`, `contoso_project`. */
export function validateLogicalName(name: string): string | undefined {
  if (!LOGICAL_NAME.test(name)) return `'${name}' is not a table logical name: use lower-case letters, digits and underscores, like 'account' or 'contoso_project'.`;
  return undefined;
}

/** Entity and EntityCollection bindings need the bound table; Global must not have one. */
export function validateBinding(bindingtype: BindingType, boundentitylogicalname: string | undefined): string | undefined {
  return bindingViolation(bindingtype, boundentitylogicalname)?.message;
}

function bindingViolation(bindingtype: BindingType, boundentitylogicalname: string | undefined): RuleViolation | undefined {
  const bound = boundentitylogicalname?.trim() ?? '';
  if (bindingtype === 'Global') {
    return bound
      ? { rule: 'boundEntityNotAllowed', message: `A Global custom API is not bound to a table: remove the bound table '${bound}' or choose Entity or EntityCollection binding.` }
      : undefined;
  }
  if (!bound) return { rule: 'boundEntityRequired', message: `A custom API with ${bindingtype} binding needs the bound table's logical name (for example 'account').` };
  const message = validateLogicalName(bound);
  return message ? { rule: 'logicalName', message } : undefined;
}

/** A function is called with GET and cannot be enabled for workflow. */
export function validateIsFunction(isfunction: boolean, workflowsdkstepenabled: boolean): string | undefined {
  if (isfunction && workflowsdkstepenabled) return 'A custom API enabled for workflow cannot be a function: make it an action, or turn off Enabled for Workflow.';
  return undefined;
}

/** Enabling workflow: not for functions, and every parameter and property must have a workflow type. */
export function validateWorkflow(api: Pick<CustomApi, 'isfunction' | 'bindingtype' | 'requestParameters' | 'responseProperties'>, enabled: boolean): string | undefined {
  if (!enabled) return undefined;
  const functionMessage = validateIsFunction(api.isfunction, enabled);
  if (functionMessage) return functionMessage;
  for (const [kind, fields] of [['request', api.requestParameters], ['response', api.responseProperties]] as const) {
    for (const field of fields) {
      const message = validateFieldType(field.type, { bindingtype: api.bindingtype, workflowsdkstepenabled: true }, kind, field.uniquename);
      if (message) return message;
    }
  }
  return undefined;
}

/** Type rules that depend on the API: workflow-supported types, EntityReference with workflow only when bound. */
export function validateFieldType(
  type: ParameterType,
  api: Pick<CustomApi, 'bindingtype' | 'workflowsdkstepenabled'>,
  kind: FieldKind,
  fieldName?: string,
): string | undefined {
  return fieldTypeViolation(type, api, kind, fieldName)?.message;
}

function fieldTypeViolation(type: ParameterType, api: Pick<CustomApi, 'bindingtype' | 'workflowsdkstepenabled'>, kind: FieldKind, fieldName?: string): RuleViolation | undefined {
  if (!api.workflowsdkstepenabled) return undefined;
  const what = `${kind === 'request' ? 'Request parameter' : 'Response property'}${fieldName ? ` '${fieldName}'` : ''}`;
  if (!WORKFLOW_TYPES.includes(type)) {
    return {
      rule: 'workflowType',
      message: `${what}: type ${type} is not supported by workflow. A custom API enabled for workflow can use only ${WORKFLOW_TYPES.join(', ')}.`,
    };
  }
  if (type === 'EntityReference' && api.bindingtype !== 'Entity') {
    return {
      rule: 'workflowEntityReference',
      message: `${what}: with Enabled for Workflow, EntityReference can only be used when the custom API is bound to a table (Entity binding).`,
    };
  }
  return undefined;
}

/** The name of a request parameter or response property: an identifier, unique in its list; `Target` is reserved on Entity-bound APIs. */
export function validateFieldName(
  uniquename: string,
  api: Pick<CustomApi, 'bindingtype' | 'requestParameters' | 'responseProperties'>,
  kind: FieldKind,
): string | undefined {
  return fieldNameViolation(uniquename, api, kind)?.message;
}

function fieldNameViolation(uniquename: string, api: Pick<CustomApi, 'bindingtype' | 'requestParameters' | 'responseProperties'>, kind: FieldKind): RuleViolation | undefined {
  if (!FIELD_NAME.test(uniquename)) {
    return { rule: 'fieldName', message: `'${uniquename}' is not a valid name: start with a letter or underscore and use only letters, digits and underscores (at most 100).` };
  }
  if (kind === 'request' && api.bindingtype === 'Entity' && uniquename.toLowerCase() === TARGET_PARAMETER.toLowerCase()) {
    return {
      rule: 'targetReserved',
      message: `'${TARGET_PARAMETER}' is reserved: an Entity-bound custom API gets the request parameter Target (an EntityReference to the record) automatically.`,
    };
  }
  const list = kind === 'request' ? api.requestParameters : api.responseProperties;
  if (list.some((f) => f.uniquename.toLowerCase() === uniquename.toLowerCase())) {
    return { rule: 'fieldNameUnique', message: `The ${kind === 'request' ? 'request parameter' : 'response property'} '${uniquename}' already exists: names must be unique.` };
  }
  return undefined;
}

/** `logicalentityname` only for Entity, EntityCollection and EntityReference; optional there. */
export function validateLogicalEntityName(type: ParameterType, logicalentityname: string | undefined): string | undefined {
  const name = logicalentityname?.trim() ?? '';
  if (!name) return undefined;
  if (!ENTITY_TYPES.includes(type)) return `A ${type} has no table: the logical entity name is only for Entity, EntityCollection and EntityReference.`;
  return validateLogicalName(name);
}

/** The execute privilege: optional, an existing privilege name such as `prvReadAccount`. */
export function validateExecutePrivilegeName(name: string | undefined): string | undefined {
  const value = name?.trim() ?? '';
  if (!value) return undefined;
  if (!/^prv[A-Za-z0-9_]+$/.test(value)) return `'${value}' is not a privilege name: privileges look like 'prvReadAccount' (only existing privileges can be used).`;
  return undefined;
}

/** Every documented rule over a whole model; an empty list when the custom API is valid. */
export function validateCustomApi(api: CustomApi): RuleViolation[] {
  const out: RuleViolation[] = [];
  const add = (violation: RuleViolation | undefined) => {
    if (violation) out.push(violation);
  };
  const rule = (id: RuleId, message: string | undefined) => (message ? { rule: id, message } : undefined);
  add(rule('uniqueName', validateUniqueName(api.uniquename)));
  add(rule('displayName', validateDisplayName(api.displayname)));
  add(bindingViolation(api.bindingtype, api.boundentitylogicalname));
  add(rule('privilegeName', validateExecutePrivilegeName(api.executeprivilegename)));
  add(rule('workflowNotFunction', validateIsFunction(api.isfunction, api.workflowsdkstepenabled)));
  if (api.isfunction && api.responseProperties.length === 0) {
    add(rule('functionNeedsResponse', 'A function must return data: add at least one response property, or make the custom API an action.'));
  }
  for (const kind of ['request', 'response'] as const) {
    const fields: CustomApiField[] = kind === 'request' ? api.requestParameters : api.responseProperties;
    fields.forEach((field, index) => {
      const earlier = fields.slice(0, index);
      const others = { bindingtype: api.bindingtype, requestParameters: kind === 'request' ? earlier : [], responseProperties: kind === 'response' ? earlier : [] };
      add(fieldNameViolation(field.uniquename, others as Pick<CustomApi, 'bindingtype' | 'requestParameters' | 'responseProperties'>, kind));
      add(fieldTypeViolation(field.type, api, kind, field.uniquename));
      add(rule('logicalEntityNotAllowed', validateLogicalEntityName(field.type, field.logicalentityname)));
    });
  }
  return out;
}

/** A new, empty model with the documented defaults. */
export function newCustomApi(uniquename: string): CustomApi {
  return {
    uniquename,
    name: uniquename,
    displayname: uniquename,
    description: uniquename,
    bindingtype: 'Global',
    isfunction: false,
    allowedcustomprocessingsteptype: 'None',
    isprivate: false,
    workflowsdkstepenabled: false,
    iscustomizable: true,
    requestParameters: [],
    responseProperties: [],
  };
}

/** The conventional primary name of a parameter or property: `{api uniquename}.{uniquename}`. */
export function fieldPrimaryName(api: Pick<CustomApi, 'uniquename'>, uniquename: string): string {
  return `${api.uniquename}.${uniquename}`;
}
