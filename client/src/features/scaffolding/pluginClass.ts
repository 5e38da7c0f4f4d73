/**
 * The C# plug-in class that implements a custom API's main operation: reads each request parameter from
 * `context.InputParameters` into a typed local, and copies typed response locals into `context.OutputParameters`.
 *
 * The generated parts sit between marker comments (`// <generated:NAME>` … `// </generated:NAME>`);
 * `regeneratePluginClass` rewrites only those regions and keeps every other byte of the file (the user's logic).
 * Pure: no VS Code, no I/O.
 */
import { TARGET_PARAMETER, type CustomApi, type CustomApiField, type ParameterType } from './customApiModel';

/** The .NET type a parameter of each custom API type arrives as (and a response property must be set as). */
export const DOTNET_TYPES: Record<ParameterType, { type: string; valueType: boolean }> = {
  Boolean: { type: 'bool', valueType: true },
  DateTime: { type: 'DateTime', valueType: true },
  Decimal: { type: 'decimal', valueType: true },
  Entity: { type: 'Entity', valueType: false },
  EntityCollection: { type: 'EntityCollection', valueType: false },
  EntityReference: { type: 'EntityReference', valueType: false },
  Float: { type: 'double', valueType: true },
  Integer: { type: 'int', valueType: true },
  Money: { type: 'Money', valueType: false },
  Picklist: { type: 'OptionSetValue', valueType: false },
  String: { type: 'string', valueType: false },
  StringArray: { type: 'string[]', valueType: false },
  Guid: { type: 'Guid', valueType: true },
};

export const REGIONS = ['parameters', 'responses', 'outputs'] as const;
export type RegionName = (typeof REGIONS)[number];

const CSHARP_KEYWORDS = new Set(
  'abstract as base bool break byte case catch char checked class const continue decimal default delegate do double else enum event explicit extern false finally fixed float for foreach goto if implicit in int interface internal is lock long namespace new null object operator out override params private protected public readonly ref return sbyte sealed short sizeof stackalloc static string struct switch this throw true try typeof uint ulong unchecked unsafe ushort using virtual void volatile while'.split(' '),
);

/** Locals the generated Execute method declares itself. */
const METHOD_LOCALS = new Set(['context', 'tracing', 'serviceProvider', 'target']);

/** A C# local name for a parameter: camelCase, `@`-escaped when it is a keyword, suffixed when the method has that local. */
export function localName(uniquename: string, suffix = ''): string {
  const camel = uniquename.charAt(0).toLowerCase() + uniquename.slice(1) + suffix;
  if (METHOD_LOCALS.has(camel)) return `${camel}Parameter`;
  return CSHARP_KEYWORDS.has(camel) ? `@${camel}` : camel;
}

/** A C# class name from the unique name: `contoso_CalculateDiscount` → `CalculateDiscountPlugin`. */
export function pluginClassName(api: Pick<CustomApi, 'uniquename'>): string {
  const rest = api.uniquename.slice(api.uniquename.indexOf('_') + 1).replace(/[^A-Za-z0-9_]/g, '');
  const pascal = rest.charAt(0).toUpperCase() + rest.slice(1);
  return `${pascal}Plugin`;
}

function csString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function readLine(field: CustomApiField & { isoptional?: boolean }, indent: string): string {
  const { type, valueType } = DOTNET_TYPES[field.type];
  const key = csString(field.uniquename);
  const name = localName(field.uniquename);
  if (field.isoptional) {
    const declared = valueType ? `${type}?` : type;
    return `${indent}${declared} ${name} = context.InputParameters.Contains(${key}) ? (${declared})context.InputParameters[${key}] : null;`;
  }
  return `${indent}${type} ${name} = (${type})context.InputParameters[${key}];`;
}

function regionBody(api: CustomApi, region: RegionName, indent: string): string[] {
  if (region === 'parameters') {
    const lines: string[] = [];
    if (api.bindingtype === 'Entity') {
      lines.push(`${indent}// The record the API is called on (${api.boundentitylogicalname ?? 'the bound table'}).`);
      lines.push(`${indent}EntityReference target = (EntityReference)context.InputParameters[${csString(TARGET_PARAMETER)}];`);
    }
    for (const p of api.requestParameters) lines.push(readLine(p, indent));
    if (lines.length === 0) lines.push(`${indent}// No request parameters.`);
    return lines;
  }
  if (region === 'responses') {
    if (api.responseProperties.length === 0) return [`${indent}// No response properties.`];
    return api.responseProperties.map((p) => {
      const { type } = DOTNET_TYPES[p.type];
      return `${indent}${type} ${localName(p.uniquename, 'Result')} = default;`;
    });
  }
  if (api.responseProperties.length === 0) return [`${indent}// No response properties.`];
  return api.responseProperties.map((p) => `${indent}context.OutputParameters[${csString(p.uniquename)}] = ${localName(p.uniquename, 'Result')};`);
}

function region(api: CustomApi, name: RegionName, indent: string): string {
  return [`${indent}// <generated:${name}>`, ...regionBody(api, name, indent), `${indent}// </generated:${name}>`].join('\n');
}

export interface PluginClassOptions {
  namespace?: string;
}

/** A new plug-in class for the custom API. */
export function generatePluginClass(api: CustomApi, options: PluginClassOptions = {}): string {
  const ns = options.namespace ?? 'CustomApis';
  const className = pluginClassName(api);
  const body = '            ';
  return `// Plug-in for the custom API ${api.uniquename}${api.displayname ? ` (${api.displayname})` : ''}.
// Register the assembly, then set this type as the custom API's Plugin Type (no step is needed).
// The regions between // <generated:…> and // </generated:…> are rewritten when the API changes;
// write your code outside them and it is kept.
using System;
using Microsoft.Xrm.Sdk;

namespace ${ns}
{
    public class ${className} : IPlugin
    {
        public void Execute(IServiceProvider serviceProvider)
        {
            var context = (IPluginExecutionContext)serviceProvider.GetService(typeof(IPluginExecutionContext));
            var tracing = (ITracingService)serviceProvider.GetService(typeof(ITracingService));
            if (context.MessageName != ${csString(api.uniquename)})
            {
                throw new InvalidPluginExecutionException($"${className} handles ${api.uniquename}, not {context.MessageName}.");
            }

${region(api, 'parameters', body)}

${region(api, 'responses', body)}

            // Your logic: use the parameters above and set the *Result variables.
            tracing.Trace(${csString(`${api.uniquename} called`)});

${region(api, 'outputs', body)}
        }
    }
}
`;
}

export interface RegeneratedClass {
  text: string;
  /** Regions whose markers were not found (the file was edited there): nothing was written for them. */
  missingRegions: RegionName[];
}

/**
 * Rewrites the generated regions of an existing class for the (changed) API. Text outside the regions, and the
 * indentation of each region's opening marker, are kept byte for byte.
 */
export function regeneratePluginClass(existing: string, api: CustomApi): RegeneratedClass {
  let text = existing;
  const missingRegions: RegionName[] = [];
  for (const name of REGIONS) {
    const open = `// <generated:${name}>`;
    const close = `// </generated:${name}>`;
    const start = text.indexOf(open);
    const end = start < 0 ? -1 : text.indexOf(close, start);
    if (start < 0 || end < 0) {
      missingRegions.push(name);
      continue;
    }
    const lineStart = text.lastIndexOf('\n', start) + 1;
    const indent = text.slice(lineStart, start);
    if (indent.trim() !== '') {
      missingRegions.push(name);
      continue;
    }
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const replacement = region(api, name, indent).split('\n').join(eol);
    text = text.slice(0, lineStart) + replacement + text.slice(end + close.length);
  }
  return { text, missingRegions };
}
