/**
 * The `$metadata` (CSDL) elements Dataverse publishes for a custom API: an `Action` or `Function` (bound ones
 * take the record `entity` or the set `entityset` first), its `{uniquename}Response` complex type when it has
 * response properties, and an `ActionImport` / `FunctionImport` for unbound ones. Used to check a generated call
 * before the API exists in an environment, and by tests. Pure.
 */
import type { CustomApi, CustomApiField } from './customApiModel';

/** The namespace alias used in the elements (`mscrm`, as in Dataverse's `$metadata`). */
const ALIAS = 'mscrm';

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The CSDL type of a parameter or property. */
export function csdlType(field: Pick<CustomApiField, 'type' | 'logicalentityname'>): string {
  const table = field.logicalentityname ? `${ALIAS}.${field.logicalentityname}` : `${ALIAS}.crmbaseentity`;
  switch (field.type) {
    case 'Boolean':
      return 'Edm.Boolean';
    case 'DateTime':
      return 'Edm.DateTimeOffset';
    case 'Decimal':
    case 'Money':
      return 'Edm.Decimal';
    case 'Float':
      return 'Edm.Double';
    case 'Integer':
    case 'Picklist':
      return 'Edm.Int32';
    case 'String':
      return 'Edm.String';
    case 'StringArray':
      return 'Collection(Edm.String)';
    case 'Guid':
      return 'Edm.Guid';
    case 'Entity':
    case 'EntityReference':
      return table;
    case 'EntityCollection':
      return `Collection(${table})`;
  }
}

export interface CsdlFragment {
  /** Elements for the schema (`Action`/`Function`, and the response complex type). */
  schemaElements: string;
  /** Elements for the entity container (`ActionImport`/`FunctionImport`), empty for bound APIs. */
  containerElements: string;
}

export function customApiCsdl(api: CustomApi): CsdlFragment {
  const element = api.isfunction ? 'Function' : 'Action';
  const bound = api.bindingtype !== 'Global';
  const lines: string[] = [];
  const responseType = `${api.uniquename}Response`;
  if (api.responseProperties.length > 0) {
    lines.push(`<ComplexType Name="${responseType}">`);
    for (const p of api.responseProperties) lines.push(`  <Property Name="${escapeAttribute(p.uniquename)}" Type="${csdlType(p)}" />`);
    lines.push('</ComplexType>');
  }
  lines.push(`<${element} Name="${api.uniquename}" IsBound="${bound}"${api.isfunction ? ' IsComposable="false"' : ''}>`);
  const table = `${ALIAS}.${api.boundentitylogicalname ?? 'crmbaseentity'}`;
  if (api.bindingtype === 'Entity') lines.push(`  <Parameter Name="entity" Type="${table}" Nullable="false" />`);
  if (api.bindingtype === 'EntityCollection') lines.push(`  <Parameter Name="entityset" Type="Collection(${table})" Nullable="false" />`);
  for (const p of api.requestParameters) {
    lines.push(`  <Parameter Name="${escapeAttribute(p.uniquename)}" Type="${csdlType(p)}" Nullable="${p.isoptional}" />`);
  }
  if (api.responseProperties.length > 0) lines.push(`  <ReturnType Type="${ALIAS}.${responseType}" Nullable="false" />`);
  lines.push(`</${element}>`);
  const containerElements = bound ? '' : `<${element}Import Name="${api.uniquename}" ${element}="${ALIAS}.${api.uniquename}" />`;
  return { schemaElements: lines.join('\n'), containerElements };
}
