/**
 * Business Central custom API pages: an AL `page` of `PageType = API` with the documented properties, and the
 * `.odata` file that calls its route `api/{publisher}/{group}/{version}/companies({id})/{entitySetName}`.
 *
 * Microsoft's naming rules for API pages ("API page type"): APIPublisher, APIGroup, EntityName, EntitySetName and
 * the field names are camelCase and alphanumeric (A-Z, a-z, 0-9); APIVersion is `vX.Y` or `beta`; the entity set
 * is the plural of the entity name. `ODataKeyFields = SystemId` with an `id` field; `DelayedInsert = true`.
 * Pure: no VS Code, no I/O. The guided input (`runBcApiPageWizard`) runs over the same Prompter as custom APIs.
 */
import { WizardCancelled, type Prompter } from './wizard';

export interface BcApiField {
  /** The field name in the API (camelCase), e.g. `displayName`. */
  apiName: string;
  /** The table field in AL, e.g. `Name` or `No.`. */
  source: string;
}

export interface BcApiPage {
  /** Object ID (per-tenant extensions usually use 50000-99999). */
  id: number;
  /** Object name, at most 30 characters, e.g. `Contoso Customer API`. */
  name: string;
  publisher: string;
  group: string;
  version: string;
  entityName: string;
  entitySetName: string;
  /** The source table, e.g. `Customer` or `Sales Header`. */
  sourceTable: string;
  fields: BcApiField[];
}

const CAMEL = /^[a-z][A-Za-z0-9]*$/;

/** camelCase and alphanumeric: the rule for APIPublisher, APIGroup, EntityName, EntitySetName and field names. */
export function validateCamelCase(what: string, value: string): string | undefined {
  if (!value) return `Enter the ${what}.`;
  if (!/^[A-Za-z0-9]+$/.test(value)) return `The ${what} '${value}' may contain only letters and digits (A-Z, a-z, 0-9): no spaces, dots or dashes.`;
  if (!CAMEL.test(value)) return `The ${what} '${value}' must be camelCase: start with a lower-case letter, like '${toCamelCase(value) || 'contoso'}'.`;
  return undefined;
}

export function validateApiVersion(version: string): string | undefined {
  if (/^v\d+\.\d+$/.test(version) || version === 'beta') return undefined;
  return `The API version '${version}' must be vX.Y (like v1.0) or beta.`;
}

/** The entity set name: camelCase and the plural of the entity name (so not equal to it). */
export function validateEntitySetName(entitySetName: string, entityName: string): string | undefined {
  const camel = validateCamelCase('entity set name', entitySetName);
  if (camel) return camel;
  if (entitySetName === entityName) return `The entity set name must be the plural of the entity name '${entityName}' (for example '${pluralize(entityName)}'), not the same word.`;
  if (!entitySetName.endsWith('s') && !entitySetName.endsWith('a') && !entitySetName.endsWith('i')) {
    return `The entity set name '${entitySetName}' should be plural (for example '${pluralize(entityName)}').`;
  }
  return undefined;
}

export function validatePageId(text: string): string | undefined {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1 || id > 1999999999) return `'${text}' is not an object ID: use a whole number such as 50100 (in your extension's ID range).`;
  return undefined;
}

export function validatePageName(name: string): string | undefined {
  if (!name.trim()) return 'Enter the page object name, for example "Contoso Customer API".';
  if (name.length > 30) return `The object name is ${name.length} characters long; AL allows at most 30.`;
  if (name.includes('"')) return 'The object name cannot contain a double quote.';
  return undefined;
}

export function validateFieldName(apiName: string, existing: readonly BcApiField[]): string | undefined {
  const camel = validateCamelCase('field name', apiName);
  if (camel) return camel;
  if (apiName === 'id' || existing.some((f) => f.apiName === apiName)) return `The field name '${apiName}' is already used on this page ('id' is the SystemId key).`;
  return undefined;
}

/** The plural of an entity name (the usual English rules). */
export function pluralize(entityName: string): string {
  if (/[^aeiou]y$/.test(entityName)) return `${entityName.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(entityName)) return `${entityName}es`;
  return `${entityName}s`;
}

/** An API name for an AL name: `Display Name` → `displayName`, `No.` → `number`, `E-Mail` → `eMail`. */
export function toCamelCase(alName: string): string {
  const words = alName
    .replace(/\bNo\./g, 'Number ')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

/** Every naming rule over a whole page; empty when valid. */
export function validateBcApiPage(page: BcApiPage): string[] {
  const messages = [
    validatePageId(String(page.id)),
    validatePageName(page.name),
    validateCamelCase('API publisher', page.publisher),
    validateCamelCase('API group', page.group),
    validateApiVersion(page.version),
    validateCamelCase('entity name', page.entityName),
    validateEntitySetName(page.entitySetName, page.entityName),
    page.sourceTable.trim() ? undefined : 'Enter the source table, for example Customer.',
    ...page.fields.map((f, i) => validateFieldName(f.apiName, page.fields.slice(0, i))),
  ];
  return messages.filter((m): m is string => m !== undefined);
}

/** An AL identifier, quoted when it is not a plain name. */
function alName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `"${name}"`;
}

function alText(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function caption(apiName: string): string {
  const words = apiName.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The AL source of the page. */
export function generateBcApiPage(page: BcApiPage): string {
  const field = (apiName: string, source: string, extra: string[] = []) =>
    [`                field(${apiName}; Rec.${alName(source)})`, '                {', `                    Caption = ${alText(caption(apiName))};`, ...extra, '                }'].join('\n');
  const fields = [field('id', 'SystemId', ['                    Editable = false;']), ...page.fields.map((f) => field(f.apiName, f.source))];
  return `page ${page.id} ${alName(page.name)}
{
    PageType = API;
    APIPublisher = ${alText(page.publisher)};
    APIGroup = ${alText(page.group)};
    APIVersion = ${alText(page.version)};
    EntityName = ${alText(page.entityName)};
    EntitySetName = ${alText(page.entitySetName)};
    EntityCaption = ${alText(caption(page.entityName))};
    EntitySetCaption = ${alText(caption(page.entitySetName))};
    SourceTable = ${alName(page.sourceTable)};
    ODataKeyFields = SystemId;
    DelayedInsert = true;
    Extensible = false;

    layout
    {
        area(Content)
        {
            repeater(Records)
            {
${fields.join('\n')}
            }
        }
    }
}
`;
}

/** The route of the page under a company. */
export function bcApiRoute(page: Pick<BcApiPage, 'publisher' | 'group' | 'version' | 'entitySetName'>, companyId: string): string {
  return `api/${page.publisher}/${page.group}/${page.version}/companies(${companyId})/${page.entitySetName}`;
}

export interface BcODataOptions {
  /** The environment's service root, e.g. `https://api.businesscentral.dynamics.com/v2.0/{tenant}/{env}/api/v2.0/`: makes the URL absolute. */
  serviceRoot?: string;
  environment?: string;
}

/**
 * The `.odata` file calling the page. With the environment's service root the URL is absolute (custom API routes
 * sit beside `api/v2.0/`, not under it); without it the URL is relative to the environment's base
 * `https://api.businesscentral.dynamics.com/v2.0/{tenant}/{environment}/`.
 */
export function generateBcODataCall(page: BcApiPage, options: BcODataOptions = {}): string {
  const base = options.serviceRoot ? options.serviceRoot.replace(/api\/(v\d+\.\d+|beta)\/?$/, '').replace(/\/?$/, '/') : '';
  const route = `${base}${bcApiRoute(page, '{{companyId}}')}`;
  const lines = [`# Calls the Business Central API page ${page.name} (${page.entitySetName}).`];
  if (!base) lines.push('# The URL is relative to https://api.businesscentral.dynamics.com/v2.0/{tenant}/{environment}/.');
  if (options.environment) lines.push(`@environment = ${options.environment}`);
  lines.push('@companyId = 00000000-0000-0000-0000-000000000000', '');
  lines.push(`### List ${page.entitySetName}`, `GET ${route}?$top=10`, '');
  const body: Record<string, string> = {};
  for (const f of page.fields) body[f.apiName] = '';
  lines.push(`### Create a ${page.entityName}`, `POST ${route}`, 'Content-Type: application/json', '', JSON.stringify(body, null, 2));
  return `${lines.join('\n')}\n`;
}

async function required<T>(answer: Promise<T | undefined>): Promise<T> {
  const value = await answer;
  if (value === undefined) throw new WizardCancelled();
  return value;
}

/** The guided input for a Business Central API page. */
export async function runBcApiPageWizard(prompter: Prompter): Promise<BcApiPage> {
  const publisher = await required(prompter.input('API publisher (camelCase)', { placeHolder: 'contoso', validate: (v) => validateCamelCase('API publisher', v) }));
  const group = await required(prompter.input('API group (camelCase)', { placeHolder: 'app', validate: (v) => validateCamelCase('API group', v) }));
  const version = await required(prompter.input('API version', { value: 'v1.0', validate: validateApiVersion }));
  const sourceTable = await required(prompter.input('Source table', { placeHolder: 'Customer', validate: (v) => (v.trim() ? undefined : 'Enter the source table, for example Customer.') }));
  const entityName = await required(
    prompter.input('Entity name (camelCase, singular)', { value: toCamelCase(sourceTable), validate: (v) => validateCamelCase('entity name', v) }),
  );
  const entitySetName = await required(
    prompter.input('Entity set name (camelCase, plural)', { value: pluralize(entityName), validate: (v) => validateEntitySetName(v, entityName) }),
  );
  const id = Number(await required(prompter.input('Page object ID', { value: '50100', validate: validatePageId })));
  const defaultName = `${sourceTable} API`.slice(0, 30);
  const name = await required(prompter.input('Page object name', { value: defaultName, validate: validatePageName }));
  const fields: BcApiField[] = [];
  for (;;) {
    const source = await required(prompter.input('Table field to expose (empty to finish)', { placeHolder: 'No.' }));
    if (!source.trim()) break;
    const apiName = await required(prompter.input(`API name of ${source}`, { value: toCamelCase(source), validate: (v) => validateFieldName(v, fields) }));
    fields.push({ apiName, source: source.trim() });
  }
  return { id, name, publisher, group, version, entityName, entitySetName, sourceTable, fields };
}
