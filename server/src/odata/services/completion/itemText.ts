/**
 * How completion items show OData things: type names, property details, literal placeholders and hints, call
 * snippets and signatures.
 */
import type { Parameter, Property, TypeRef } from '../../csdl/model';

/** `Edm.String (nullable) max 100`. */
export function propertyDetail(property: Property): string {
  const nullable = property.type.nullable ? ' (nullable)' : '';
  const length = property.type.maxLength !== undefined ? ` max ${property.type.maxLength}` : '';
  return `${typeText(property.type)}${nullable}${length}`;
}

export function shortName(name: string): string {
  const collection = /^Collection\((.*)\)$/.exec(name);
  const inner = collection ? collection[1]! : name;
  if (inner.startsWith('Edm.')) return collection ? name : inner;
  const short = inner.slice(inner.lastIndexOf('.') + 1);
  return collection ? `Collection(${short})` : short;
}

export function typeText(type: TypeRef): string {
  const name = type.name.startsWith('Edm.') ? type.name : shortName(type.name);
  return type.collection ? `Collection(${name})` : name;
}

export function isNumericType(name: string): boolean {
  return /^Edm\.(Decimal|Double|Single|Int16|Int32|Int64|Byte|SByte)$/.test(name);
}

export function literalPlaceholder(typeName: string | undefined, index: number): string {
  switch (typeName) {
    case 'Edm.Guid':
      return `\${${index}:00000000-0000-0000-0000-000000000000}`;
    case 'Edm.String':
    case undefined:
      return `'\${${index}}'`;
    default:
      return `\${${index}}`;
  }
}

/**
 * For a Dataverse query function, the property types its PropertyName usually names (offered first):
 * dates for the date functions, GUIDs (lookups, keys) for the user, business unit and hierarchy functions.
 */
export function preferredPropertyTypes(functionName: string): Set<string> | undefined {
  const name = functionName.slice(functionName.lastIndexOf('.') + 1);
  if (/Day|Week|Month|Year|Hour|Minute|Fiscal|^On|^Today$|^Yesterday$|^Tomorrow$/.test(name)) return dateTypes;
  if (/User|Business|Under|Above/.test(name)) return guidTypes;
  return undefined;
}

const dateTypes = new Set(['Edm.DateTimeOffset', 'Edm.Date']);

const guidTypes = new Set(['Edm.Guid']);

export interface LiteralHint {
  label: string;
  insert: string;
  detail: string;
}

/** Example literals (snippets) for a value of a primitive type; `functionName` refines strings of query functions. */
export function literalHints(typeName: string, functionName: string): LiteralHint[] {
  switch (typeName) {
    case 'Edm.Int64':
    case 'Edm.Int32':
    case 'Edm.Int16':
    case 'Edm.Byte':
    case 'Edm.SByte':
      return [{ label: '1', insert: '${1:1}', detail: `${typeName}: a whole number` }];
    case 'Edm.Decimal':
    case 'Edm.Double':
    case 'Edm.Single':
      return [{ label: '0.0', insert: '${1:0.0}', detail: `${typeName}: a number` }];
    case 'Edm.Boolean':
      return [
        { label: 'true', insert: 'true', detail: typeName },
        { label: 'false', insert: 'false', detail: typeName },
      ];
    case 'Edm.Guid':
      return [{ label: '00000000-0000-0000-0000-000000000000', insert: '${1:00000000-0000-0000-0000-000000000000}', detail: `${typeName}: unquoted` }];
    case 'Edm.Date':
      return [{ label: '2025-01-31', insert: '${1:2025-01-31}', detail: `${typeName}: unquoted` }];
    case 'Edm.DateTimeOffset':
      return [{ label: '2025-01-31T00:00:00Z', insert: '${1:2025-01-31T00:00:00Z}', detail: `${typeName}: unquoted` }];
    case 'Edm.String': {
      const name = functionName.slice(functionName.lastIndexOf('.') + 1);
      if (/^On/.test(name)) return [{ label: "'2025-01-31'", insert: "'${1:2025-01-31}'", detail: 'Edm.String: a date in quotes' }];
      if (/Under|Above/.test(name)) return [{ label: "'00000000-0000-0000-0000-000000000000'", insert: "'${1:00000000-0000-0000-0000-000000000000}'", detail: 'Edm.String: the id of the record, in quotes' }];
      return [{ label: "''", insert: "'${1}'", detail: 'Edm.String: text in quotes' }];
    }
    default:
      return [{ label: "''", insert: "'${1}'", detail: `${typeName}` }];
  }
}

export function callSnippet(name: string, parameters: Parameter[]): string {
  return `${name}(${parameters.map((p, i) => `${p.name}=${literalPlaceholder(p.type.collection ? 'Collection' : p.type.name, i + 1)}`).join(',')})`;
}

export function signature(name: string, parameters: Parameter[]): string {
  return `\`${name}(${parameters.map((p) => `${p.name}: ${typeText(p.type)}`).join(', ')})\``;
}
