/**
 * The ready-to-run `.odata` call of a custom API: a function is a GET with parameter aliases
 * (`name(P=@p1)?@p1=…`), an action a POST with a JSON body; bound ones use the qualified name
 * `Microsoft.Dynamics.CRM.{uniquename}` on a record (`{entityset}({id})/…`) or on the entity set.
 * Sample values stand in for the parameters; the user edits them. Pure: no VS Code, no I/O.
 */
import type { CustomApi, RequestParameter } from './customApiModel';

export const DATAVERSE_NAMESPACE = 'Microsoft.Dynamics.CRM';
const SAMPLE_ID = '00000000-0000-0000-0000-000000000001';

export interface ODataCallOptions {
  /** The bound table's entity set (from the environment's metadata); guessed from the logical name otherwise. */
  entitySet?: string;
  /** Entity sets of other tables named by parameters (`logicalentityname` → entity set), from the metadata. */
  entitySetOf?: (logicalName: string) => string | undefined;
  /** The environment the file targets (`@environment = …`). */
  environment?: string;
}

/** A plural guess for a logical name when no metadata says it (Dataverse's usual rule). */
export function guessEntitySet(logicalName: string): string {
  if (/[^aeiou]y$/.test(logicalName)) return `${logicalName.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(logicalName)) return `${logicalName}es`;
  return `${logicalName}s`;
}

/** A sample JSON value for a parameter (used in bodies and in aliases). */
export function sampleJsonValue(parameter: Pick<RequestParameter, 'type' | 'logicalentityname'>): unknown {
  const table = parameter.logicalentityname || 'account';
  switch (parameter.type) {
    case 'Boolean':
      return true;
    case 'DateTime':
      return '2026-01-01T00:00:00Z';
    case 'Decimal':
    case 'Money':
      return 100.5;
    case 'Float':
      return 1.5;
    case 'Integer':
    case 'Picklist':
      return 1;
    case 'String':
      return 'text';
    case 'StringArray':
      return ['one', 'two'];
    case 'Guid':
      return SAMPLE_ID;
    case 'EntityReference':
    case 'Entity':
      return { '@odata.type': `${DATAVERSE_NAMESPACE}.${table}`, [`${table}id`]: SAMPLE_ID };
    case 'EntityCollection':
      return [{ '@odata.type': `${DATAVERSE_NAMESPACE}.${table}`, [`${table}id`]: SAMPLE_ID }];
  }
}

/** A parameter alias value in URL literal form (OData ABNF: strings quoted, others bare, JSON for structures). */
export function sampleAliasValue(parameter: Pick<RequestParameter, 'type' | 'logicalentityname'>, options: ODataCallOptions = {}): string {
  const value = sampleJsonValue(parameter);
  if (parameter.type === 'String') return `'${String(value)}'`;
  if (parameter.type === 'EntityReference') {
    const table = parameter.logicalentityname || 'account';
    const set = options.entitySetOf?.(table) ?? guessEntitySet(table);
    return JSON.stringify({ '@odata.id': `${set}(${SAMPLE_ID})` });
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The request path of the call (relative to the service root), without the query. */
export function callPath(api: CustomApi, options: ODataCallOptions = {}): string {
  if (api.bindingtype === 'Global') return api.uniquename;
  const set = options.entitySet ?? guessEntitySet(api.boundentitylogicalname ?? 'account');
  const qualified = `${DATAVERSE_NAMESPACE}.${api.uniquename}`;
  return api.bindingtype === 'Entity' ? `${set}(${SAMPLE_ID})/${qualified}` : `${set}/${qualified}`;
}

/** The `.odata` file text with one request calling the custom API. */
export function generateODataCall(api: CustomApi, options: ODataCallOptions = {}): string {
  const lines: string[] = [`# Calls the custom API ${api.uniquename}${api.displayname ? ` (${api.displayname})` : ''}.`];
  if (api.isprivate) lines.push('# Private APIs are hidden from $metadata: the editor cannot check this call, but it can be sent.');
  if (api.bindingtype !== 'Global' && !options.entitySet) {
    lines.push(`# The entity set '${guessEntitySet(api.boundentitylogicalname ?? 'account')}' is a guess from the table name: check it.`);
  }
  if (options.environment) lines.push(`@environment = ${options.environment}`);
  lines.push('');
  lines.push(`### ${api.displayname || api.uniquename}`);
  const path = callPath(api, options);
  if (api.isfunction) {
    const parameters = api.requestParameters;
    const call = `${path}(${parameters.map((p, i) => `${p.uniquename}=@p${i + 1}`).join(',')})`;
    lines.push(`GET ${call}`);
    parameters.forEach((p, i) => lines.push(`    ${i === 0 ? '?' : '&'}@p${i + 1}=${sampleAliasValue(p, options)}`));
    return `${lines.join('\n')}\n`;
  }
  const body: Record<string, unknown> = {};
  for (const p of api.requestParameters) body[p.uniquename] = sampleJsonValue(p);
  lines.push(`POST ${path}`, 'Content-Type: application/json', '', JSON.stringify(body, null, 2));
  return `${lines.join('\n')}\n`;
}
