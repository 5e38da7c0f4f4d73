/**
 * Hover: what the word under the cursor is, from the environment's metadata — entity sets, properties
 * (type, nullability, facets, key, description, Computed/Permissions), Dataverse lookups `_x_value`,
 * navigation properties, operations, enum members, canonical functions, query option names, `{{variables}}`
 * and header names. Pure; an exception is caught once, in languageService.ts.
 */
import type { Hover } from 'vscode-languageserver-types';
import type { ActionImport, CsdlDocument, EntitySet, EnumMember, EnumType, FunctionImport, NavigationProperty, Operation, Parameter, Property, Singleton, StructuredType, TypeRef } from '../csdl/model';
import { createModelIndex, type LookupProperty, type ModelIndex } from '../csdl/modelIndex';
import { findCanonicalFunction, signatureText } from '../facts/canonicalFunctions';
import { resolutionAt } from '../binder/binderScope';
import type { CanonicalFunctionRef, Resolution } from '../binder/binderTypes';
import type { ODataUri, Span } from '../uri/ast';
import { ENVIRONMENT_VARIABLE_SPAN, resolveVariableValue, variableTable, type ExpandedText } from '../requestFile/variables';
import { analyzeUrl } from './checkUrl';
import { findHeader } from '../facts/headers';
import { findFlavorQueryParameter, systemQueryOptionOf, unsupportedNotes } from '../facts/systemQueryOptions';
import { urlKeywordDoc } from '../facts/urlKeywords';
import { requestAt, toRange, urlAtCursor, type ODataDocument, type ServiceContext } from './serviceContext';

export function doHover(document: ODataDocument, offset: number, context: ServiceContext): Hover | null {
  return variableHover(document, offset, context) ?? headerHover(document, offset) ?? urlHover(document, offset, context);
}

function hover(document: ODataDocument, span: Span, lines: string[]): Hover {
  return { contents: { kind: 'markdown', value: lines.filter((line) => line !== undefined).join('\n\n') }, range: toRange(document, span) };
}

/**
 * A description read from metadata, as plain text in the markdown hover (issue 12, item 9): every ASCII punctuation
 * character that markdown or HTML could act on is escaped, so a service's (or a forged file's) description cannot
 * add links, command links, remote images or HTML; line breaks are kept.
 */
export function plainTextDescription(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\\`*_{}[\]()#+\-!|<>~&:=]/g, (character) => `\\${character}`)
    // A dot that could make a link (`www.x.com`) or an ordered list (`1. `) is escaped too; a sentence's full stop is not.
    .replace(/\.(?=\S)|^(\s*\d+)\./gm, (_whole: string, number: string | undefined) => (number !== undefined ? `${number}\\.` : '\\.'))
    .replace(/\n{3,}/g, '\n\n');
}

// ---------------------------------------------------------------------------------------------------------
// Model for binding when the environment's metadata is not there (canonical functions, options still answer)
// ---------------------------------------------------------------------------------------------------------

let emptyModel: ModelIndex | undefined;

/** The environment's model, or an empty one (so the parser and binder still run while metadata loads). */
export function modelOrEmpty(context: ServiceContext): ModelIndex {
  if (context.model) return context.model;
  if (!emptyModel) {
    const empty: CsdlDocument = { version: '4.0', references: [], schemas: [], errors: [] };
    emptyModel = createModelIndex(empty);
  }
  return emptyModel;
}

// ---------------------------------------------------------------------------------------------------------
// {{variables}} and @name = value definitions
// ---------------------------------------------------------------------------------------------------------

const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;

function variableHover(document: ODataDocument, offset: number, context: ServiceContext): Hover | null {
  const text = document.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  const table = variableTable(document.file, context.variables);
  for (const match of line.matchAll(REFERENCE)) {
    const start = lineStart + (match.index ?? 0);
    const end = start + match[0].length;
    if (offset < start || offset >= end) continue;
    const name = match[1];
    const head = name.split(/\s+/)[0] ?? '';
    const value = resolveVariableValue(name, table, context.system);
    const span = { start, end };
    if (head.startsWith('$')) {
      const doc = systemVariableDocs[head];
      const lines = [`**${head}** · system variable`];
      if (doc) lines.push(doc);
      if (value !== undefined) lines.push(`Value when checking: \`${value}\``);
      return hover(document, span, lines);
    }
    if (value === undefined) {
      return hover(document, span, [`**${head}** · variable`, table.has(head) ? 'Its value refers to itself or to an unknown variable.' : `Not defined. Add \`@${head} = value\` above the request.`]);
    }
    const definition = table.get(head);
    const lines = [`**${head}** · variable`, '```\n' + value + '\n```'];
    if (definition && definition.value !== value) lines.push(`Defined as \`${definition.value}\``);
    if (definition && definition.span === ENVIRONMENT_VARIABLE_SPAN) lines.push('From the environment\'s `variables` setting.');
    return hover(document, span, lines);
  }
  // The name of a definition `@name = value`.
  for (const definition of document.file.variables) {
    if (offset >= definition.nameSpan.start && offset < definition.nameSpan.end) {
      const value = resolveVariableValue(definition.name, table, context.system);
      const last = table.get(definition.name) === definition;
      const lines = [`**${definition.name}** · variable`];
      if (value !== undefined) lines.push('```\n' + value + '\n```');
      if (!last) lines.push('A later definition of this name wins.');
      return hover(document, definition.nameSpan, lines);
    }
  }
  return null;
}

const systemVariableDocs: Record<string, string> = {
  $guid: 'A new random GUID each time the request is sent.',
  $timestamp: 'The current Unix time in seconds (`{{$timestamp -1 d}}` for an offset).',
  $datetime: 'The current UTC date and time (`{{$datetime iso8601}}`, `{{$datetime rfc1123}}`, with an optional offset).',
  $localDatetime: 'The current local date and time.',
  $randomInt: 'A random integer (`{{$randomInt min max}}`).',
  $processEnv: 'An environment variable of the process (`{{$processEnv NAME}}`).',
  $dotenv: 'A value from the `.env` file beside the document (`{{$dotenv NAME}}`).',
};

// ---------------------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------------------

function headerHover(document: ODataDocument, offset: number): Hover | null {
  const request = requestAt(document, offset);
  if (!request) return null;
  for (const header of request.headers) {
    if (offset < header.nameSpan.start || offset >= header.nameSpan.end) continue;
    const doc = findHeader(header.name)?.doc;
    return hover(document, header.nameSpan, [`**${header.name}** · header`, doc ?? 'A custom header, sent as written.']);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// The URL
// ---------------------------------------------------------------------------------------------------------

function urlHover(document: ODataDocument, offset: number, context: ServiceContext): Hover | null {
  const at = urlAtCursor(document, offset, context);
  if (!at) return null;
  const model = modelOrEmpty(context);
  const text = at.expanded.text;
  const analysis = analyzeUrl(text, model, { flavor: context.flavor, serviceRoot: context.serviceRoot });
  const toDoc = (span: Span): Span => docSpan(at.expanded, span);

  const resolution = resolutionAt(analysis.bound, at.offset);
  if (resolution) {
    const lines = describeResolution(resolution, model, context);
    if (lines) return hover(document, toDoc(wordSpan(text, resolution, at.offset)), lines);
  }
  const option = optionAt(analysis.uri, at.offset);
  if (option) {
    const lines = optionDocLines(option.name);
    if (lines) return hover(document, toDoc(option.nameSpan), [`**${option.name}** · query option`, ...lines]);
    if (option.name.startsWith('@')) return hover(document, toDoc(option.nameSpan), [`**${option.name}** · parameter alias`, 'A value referred to as `' + option.name + '` in the URL.']);
  }
  const keyword = keywordAt(text, at.offset);
  if (keyword) {
    const doc = urlKeywordDoc(keyword.word);
    if (doc) return hover(document, toDoc(keyword.span), [`**${keyword.word}**`, doc]);
  }
  return null;
}

/** A system query option's documentation and the flavours that reject it, or a flavour's query parameter's. */
function optionDocLines(name: string): string[] | undefined {
  const option = systemQueryOptionOf(name);
  if (option) return [option.doc, ...unsupportedNotes(option)];
  const parameter = findFlavorQueryParameter(name);
  return parameter ? [parameter.doc] : undefined;
}

function docSpan(expanded: ExpandedText, span: Span): Span {
  const start = expanded.toDocumentOffset(span.start);
  return { start, end: Math.max(start, expanded.toDocumentOffset(span.end)) };
}

/** The hovered word: a quoted property name (`PropertyName='createdon'`) or an enum member without the quotes when the cursor is inside them. */
function wordSpan(text: string, resolution: Resolution, offset: number): Span {
  const span = innerWordSpan(text, resolution);
  return offset >= span.start && offset <= span.end ? span : resolution.span;
}

/** A resolution's name without its quotes (`PropertyName='createdon'`, an enum member `'Active'`): hover and semantic tokens. */
export function innerWordSpan(text: string, resolution: Resolution): Span {
  const { start, end } = resolution.span;
  if (resolution.kind === 'enumMember') {
    const quote = text.indexOf("'", start);
    if (quote >= 0 && quote < end - 1 && text[end - 1] === "'") return { start: quote + 1, end: end - 1 };
  }
  if (end - start >= 2 && text[start] === "'" && text[end - 1] === "'") return { start: start + 1, end: end - 1 };
  return resolution.span;
}

interface OptionLike {
  name: string;
  nameSpan: Span;
  span: Span;
}

/** The query option (at any depth of `$expand(...)`) whose name contains the offset. */
function optionAt(uri: ODataUri, offset: number): OptionLike | undefined {
  let found: OptionLike | undefined;
  const visit = (node: unknown, depth: number): void => {
    if (found || depth > 200 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    const record = node as Record<string, unknown>;
    const kind = record.kind;
    if (typeof kind === 'string' && (kind.startsWith('$') || kind === 'alias' || kind === 'custom') && isSpan(record.nameSpan) && typeof record.name === 'string') {
      const nameSpan = record.nameSpan;
      if (offset >= nameSpan.start && offset < nameSpan.end) {
        found = record as unknown as OptionLike;
        return;
      }
    }
    if (isSpan(record.span) && (offset < record.span.start || offset > record.span.end) && kind !== 'Uri') return;
    for (const key of Object.keys(record)) {
      if (key === 'span' || key === 'nameSpan' || key === 'errors') continue;
      const value = record[key];
      if (value && typeof value === 'object') visit(value, depth + 1);
    }
  };
  visit(uri.queryOptions, 0);
  return found;
}

function isSpan(value: unknown): value is Span {
  return !!value && typeof value === 'object' && typeof (value as Span).start === 'number' && typeof (value as Span).end === 'number';
}

function keywordAt(text: string, offset: number): { word: string; span: Span } | undefined {
  const re = /\$[A-Za-z]+/g;
  for (const match of text.matchAll(re)) {
    const start = match.index ?? 0;
    if (offset >= start && offset < start + match[0].length) return { word: match[0], span: { start, end: start + match[0].length } };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Resolutions
// ---------------------------------------------------------------------------------------------------------

function kindOf(target: Resolution['target']): string | undefined {
  return target && 'kind' in target ? target.kind : undefined;
}

function describeResolution(resolution: Resolution, model: ModelIndex, context: ServiceContext): string[] | undefined {
  const target = resolution.target;
  const kind = kindOf(target);
  switch (resolution.kind) {
    case 'entitySet':
    case 'singleton':
      return kind === 'EntitySet' || kind === 'Singleton' ? entitySetHover(target as EntitySet | Singleton, model) : undefined;
    case 'property':
    case 'key':
      return kind === 'Property' ? propertyHover(target as Property, resolution, model, resolution.kind === 'key') : undefined;
    case 'lookup':
      return lookupHover(resolution, model);
    case 'navigation':
      return kind === 'NavigationProperty' ? navigationHover(target as NavigationProperty, resolution, model, context) : undefined;
    case 'operation':
      return kind === 'Function' || kind === 'Action' ? operationHover(target as Operation, model) : undefined;
    case 'functionImport':
    case 'actionImport': {
      if (kind !== 'FunctionImport' && kind !== 'ActionImport') return undefined;
      const imported = target as FunctionImport | ActionImport;
      const qualified = imported.kind === 'FunctionImport' ? imported.function : imported.action;
      const operation = model.findOperations(qualified)[0];
      const label = imported.kind === 'FunctionImport' ? 'function import' : 'action import';
      return operation ? [`**${imported.name}** · ${label} of \`${qualified}\``, ...operationHover(operation, model).slice(1)] : [`**${imported.name}** · ${label}`];
    }
    case 'parameter':
      return target && kind === undefined && 'type' in target ? parameterHover(target as Parameter) : undefined;
    case 'function':
      return kind === 'CanonicalFunction' ? canonicalHover(target as CanonicalFunctionRef) : undefined;
    case 'enumMember': {
      const enumType = resolution.type?.enumType ?? (resolution.type?.name ? model.findEnumType(resolution.type.name) : undefined);
      const member = target && kind === undefined && 'value' in target ? (target as EnumMember) : enumType?.members.find((m) => m.name === resolution.name);
      if (!member) return enumType ? [`**${resolution.name}** · member of \`${enumType.fullName}\``] : undefined;
      const lines = [`**${member.name}** · member of \`${enumType?.fullName ?? resolution.type?.name ?? 'enum'}\``, `Value: \`${member.value}\``];
      if (enumType?.isFlags) lines.push('Flags: combine members with `,` and test them with `has`.');
      return lines;
    }
    case 'type': {
      if (kind === 'EnumType') {
        const enumType = target as EnumType;
        return [`**${enumType.fullName}** · enum type`, 'Members: ' + enumType.members.slice(0, 20).map((m) => `\`${m.name}\`=${m.value}`).join(', ') + (enumType.members.length > 20 ? ', …' : '')];
      }
      if (kind === 'EntityType' || kind === 'ComplexType') return structuredTypeHover(target as StructuredType, model);
      return resolution.name ? [`**${resolution.name}** · type`] : undefined;
    }
    case 'lambdaVariable':
      return [`**${resolution.name}** · lambda variable of \`${resolution.type?.name ?? 'unknown type'}\``, 'Each related item the `any`/`all` condition is tested on.'];
    case 'alias':
    case 'computedAlias':
      return [`**${resolution.name}** · ${resolution.kind === 'alias' ? 'parameter alias' : 'computed alias'}${resolution.type?.name ? ` of \`${typeName(resolution.type.name, resolution.type.collection)}\`` : ''}`];
    case 'keyword': {
      const doc = urlKeywordDoc(resolution.name);
      return doc ? [`**${resolution.name}**`, doc] : undefined;
    }
    default:
      return undefined;
  }
}

function typeName(name: string, collection: boolean): string {
  return collection ? `Collection(${name})` : name;
}

function typeRefText(ref: TypeRef): string {
  return typeName(ref.name, ref.collection);
}

function entitySetHover(set: EntitySet | Singleton, model: ModelIndex): string[] {
  const typeName = set.kind === 'EntitySet' ? set.entityType : set.type;
  const type = model.findStructuredType(typeName);
  const lines = [`**${set.name}** · ${set.kind === 'EntitySet' ? 'entity set' : 'singleton'} of \`${typeName}\``];
  if (type) {
    const key = model.key(type);
    if (key.length > 0) {
      lines.push(
        'Key: ' +
          key
            .map((part) => {
              const property = model.findProperty(type, part.name);
              return `\`${part.name}\`${property ? ` (${property.type.name})` : ''}`;
            })
            .join(', '),
      );
    }
    const description = model.description(type.fullName) ?? model.description(containerTarget(model, set.name));
    if (description) lines.push(plainTextDescription(description));
    lines.push(`${model.properties(type).length} properties, ${model.navigationProperties(type).length} navigation properties`);
  }
  return lines;
}

function containerTarget(model: ModelIndex, name: string): string {
  return model.container ? `${model.container.fullName}/${name}` : name;
}

function structuredTypeHover(type: StructuredType, model: ModelIndex): string[] {
  const lines = [`**${type.fullName}** · ${type.kind === 'EntityType' ? 'entity type' : 'complex type'}${type.baseType ? ` (derived from \`${type.baseType}\`)` : ''}`];
  const description = model.description(type.fullName);
  if (description) lines.push(plainTextDescription(description));
  lines.push(`${model.properties(type).length} properties, ${model.navigationProperties(type).length} navigation properties`);
  return lines;
}

/** The type that declares a member (the resolution's type or one of its base types). */
function declaringTypeOf(model: ModelIndex, type: StructuredType | undefined, member: Property | NavigationProperty): StructuredType | undefined {
  if (!type) return undefined;
  for (const candidate of [type, ...model.baseTypes(type)]) {
    if (member.kind === 'Property' ? candidate.properties.includes(member) : candidate.navigationProperties.includes(member)) return candidate;
  }
  return type;
}

function facetText(ref: TypeRef): string[] {
  const facts: string[] = [ref.nullable ? 'nullable' : 'not nullable'];
  if (ref.maxLength !== undefined) facts.push(`max length ${ref.maxLength}`);
  if (ref.precision !== undefined) facts.push(`precision ${ref.precision}`);
  if (ref.scale !== undefined) facts.push(`scale ${ref.scale}`);
  if (ref.srid !== undefined) facts.push(`SRID ${ref.srid}`);
  return facts;
}

function annotationFacts(annotations: readonly { term: string; value: unknown }[]): string[] {
  const facts: string[] = [];
  for (const annotation of annotations) {
    const term = annotation.term;
    if (term === 'Org.OData.Core.V1.Computed' && annotation.value !== false) facts.push('Computed: set by the server, read-only');
    else if (term === 'Org.OData.Core.V1.Immutable' && annotation.value !== false) facts.push('Immutable: can be set on create only');
    else if (term === 'Org.OData.Core.V1.Permissions') facts.push(`Permissions: ${permissionsText(annotation.value)}`);
    else if (term === 'Org.OData.Core.V1.ConcurrencyMode' || term === 'Org.OData.Core.V1.OptimisticConcurrency') facts.push('Used for optimistic concurrency (ETag)');
  }
  return facts;
}

function permissionsText(value: unknown): string {
  const members: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') members.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object' && '$enumMember' in v) visit((v as { $enumMember: unknown }).$enumMember);
  };
  visit(value);
  const names = members
    .flatMap((m) => m.split(/\s+/))
    .map((m) => m.slice(m.lastIndexOf('/') + 1))
    .filter(Boolean);
  const text = names.join(', ') || 'none';
  return names.length === 1 && names[0] === 'Read' ? 'Read (read-only)' : text;
}

function propertyHover(property: Property, resolution: Resolution, model: ModelIndex, asKeyValue: boolean): string[] {
  const declaring = declaringTypeOf(model, resolution.declaringType, property);
  const owner = declaring?.fullName;
  const lines = [`**${property.name}** · ${asKeyValue ? 'key' : 'property'}${owner ? ` of \`${owner}\`` : ''}`];
  const facts = [`\`${typeRefText(property.type)}\``, ...facetText(property.type)];
  if (declaring && model.key(declaring).some((part) => part.name === property.name)) facts.push('**key**');
  lines.push(facts.join(' · '));
  const annotations = owner ? model.annotationsFor(`${owner}/${property.name}`) : property.annotations;
  const description = owner ? model.description(`${owner}/${property.name}`) : undefined;
  if (description) lines.push(plainTextDescription(description));
  const more = annotationFacts(annotations.length > 0 ? annotations : property.annotations);
  if (more.length > 0) lines.push(more.join(' · '));
  const enumType = model.findEnumType(property.type.name);
  if (enumType) lines.push('Members: ' + enumType.members.slice(0, 12).map((m) => `\`${m.name}\``).join(', ') + (enumType.members.length > 12 ? ', …' : ''));
  return lines;
}

function lookupHover(resolution: Resolution, model: ModelIndex): string[] | undefined {
  const type = resolution.declaringType;
  let lookup: LookupProperty | undefined = resolution.target && 'navigationProperties' in resolution.target ? (resolution.target as LookupProperty) : undefined;
  if (!lookup && type) lookup = model.findLookupProperty(type, resolution.name);
  if (!lookup) return undefined;
  const lines = propertyHover(lookup.property, { ...resolution, kind: 'property' }, model, false);
  lines[0] = `**${lookup.name}** · lookup property${type ? ` of \`${declaringTypeOf(model, type, lookup.property)?.fullName ?? type.fullName}\`` : ''}`;
  if (lookup.navigationProperties.length > 0) {
    const targets = lookup.navigationProperties.map((nav) => `\`${nav.name}\` → \`${nav.type.name}\``).join(', ');
    lines.splice(2, 0, `The GUID of the record that ${lookup.navigationProperties.length > 1 ? 'one of the navigation properties' : 'the navigation property'} ${targets} points to. Use the navigation property in \`$expand\` and \`@odata.bind\`.`);
  }
  return lines;
}

function navigationHover(nav: NavigationProperty, resolution: Resolution, model: ModelIndex, context: ServiceContext): string[] {
  const declaring = declaringTypeOf(model, resolution.declaringType, nav);
  const lines = [`**${nav.name}** · navigation property${declaring ? ` of \`${declaring.fullName}\`` : ''}`];
  const facts = [nav.type.collection ? `collection of \`${nav.type.name}\`` : `single \`${nav.type.name}\``];
  if (!nav.type.collection) facts.push(nav.type.nullable ? 'nullable' : 'not nullable');
  if (nav.partner) facts.push(`partner \`${nav.partner}\``);
  if (nav.containsTarget) facts.push('contained');
  lines.push(facts.join(' · '));
  const description = declaring ? model.description(`${declaring.fullName}/${nav.name}`) : undefined;
  if (description) lines.push(plainTextDescription(description));
  if (context.flavor === 'dataverse' && !nav.type.collection) {
    const lookupName = nav.referentialConstraints[0]?.property;
    if (lookupName && /^_.*_value$/.test(lookupName)) lines.push(`Its GUID is the lookup property \`${lookupName}\`; bind it with \`"${nav.name}@odata.bind": "/…(id)"\`.`);
  }
  return lines;
}

export function operationSignature(operation: Operation): string {
  const parameters = (operation.isBound ? operation.parameters.slice(1) : operation.parameters).map((p) => `${p.name}: ${typeRefText(p.type)}`);
  const returns = operation.returnType ? `: ${typeRefText(operation.returnType)}` : '';
  return `${operation.fullName}(${parameters.join(', ')})${returns}`;
}

function operationHover(operation: Operation, model: ModelIndex): string[] {
  const lines = [`**${operation.name}** · ${operation.kind === 'Function' ? 'function' : 'action'}${operation.isComposable ? ' (composable)' : ''}`];
  lines.push('```\n' + operationSignature(operation) + '\n```');
  const binding = operation.isBound ? operation.parameters[0] : undefined;
  lines.push(binding ? `Bound to \`${typeRefText(binding.type)}\`` : 'Unbound');
  lines.push(operation.returnType ? `Returns \`${typeRefText(operation.returnType)}\`` : 'Returns nothing');
  const description = model.description(operation.fullName);
  if (description) lines.push(plainTextDescription(description));
  if (operation.kind === 'Action') lines.push('Call it with POST and the parameters in a JSON body.');
  return lines;
}

function parameterHover(parameter: Parameter): string[] {
  return [`**${parameter.name}** · parameter`, [`\`${typeRefText(parameter.type)}\``, ...facetText(parameter.type)].join(' · ')];
}

function canonicalHover(ref: CanonicalFunctionRef): string[] {
  const fn = findCanonicalFunction(ref.name);
  if (!fn) return [`**${ref.name}** · function`, '```\n' + ref.signature + '\n```'];
  return [`**${fn.name}** · canonical function`, '```\n' + fn.overloads.map((overload) => signatureText(fn, overload)).join('\n') + '\n```', fn.description];
}
