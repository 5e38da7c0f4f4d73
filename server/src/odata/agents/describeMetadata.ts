/**
 * `describe`: one element of a model exactly — an entity set or type (key, alternate keys, properties with
 * types and facets, lookups with their navigation properties and target sets, collections, bound operations),
 * one property or navigation property, an operation with its parameters, or an enum type with its members.
 */
import type { ModelIndex } from '../csdl/modelIndex';
import type { EntitySet, NavigationProperty, Operation, Property, Singleton, StructuredType, TypeRef } from '../csdl/model';
import { suggest } from '../binder/binderSuggest';
import { oneLine, plural } from './answerText';
import { findTypeByName } from './findMetadata';

/** Properties listed before the rest are cut (a Dataverse table has hundreds). */
export const MAX_DESCRIBED_PROPERTIES = 120;
export const MAX_DESCRIBED_NAVIGATIONS = 60;
export const MAX_DESCRIBED_OPERATIONS = 30;

export type Described = { ok: true; lines: string[] } | { ok: false; message: string };

function typeText(type: TypeRef): string {
  return type.collection ? `Collection(${type.name})` : type.name;
}

function facets(type: TypeRef): string[] {
  const parts: string[] = [];
  if (type.maxLength !== undefined) parts.push(`max length ${type.maxLength}`);
  if (type.precision !== undefined) parts.push(`precision ${type.precision}`);
  if (type.scale !== undefined) parts.push(`scale ${type.scale}`);
  if (type.srid !== undefined) parts.push(`srid ${type.srid}`);
  parts.push(type.nullable ? 'nullable' : 'not null');
  return parts;
}

function described(text: string | undefined, max = 90): string {
  return text ? ` — ${oneLine(text, max)}` : '';
}

function operationLine(op: Operation): string {
  const parameters = (op.isBound ? op.parameters.slice(1) : op.parameters).map((p) => `${p.name}: ${typeText(p.type)}${p.type.nullable ? '' : ' (required)'}`);
  return `${op.kind} ${op.fullName}(${parameters.join(', ')})${op.returnType ? ` → ${typeText(op.returnType)}` : ''}`;
}

export function describeElement(model: ModelIndex, name: string, member?: string): Described {
  let target = name.trim();
  let part = member?.trim() || undefined;
  if (!part && target.includes('/')) {
    part = target.slice(target.indexOf('/') + 1);
    target = target.slice(0, target.indexOf('/'));
  }
  const source: EntitySet | Singleton | undefined = model.findEntitySet(target) ?? model.findSingleton(target);
  const type = source ? model.findStructuredType(source.kind === 'EntitySet' ? source.entityType : source.type) : findTypeByName(model, target);
  if (type) return part ? describeMember(model, type, part, source) : { ok: true, lines: describeType(model, type, source) };
  const operations = findOperations(model, target);
  if (operations.length > 0) return { ok: true, lines: operations.flatMap((op) => describeOperation(model, op)) };
  const enumType = model.findEnumType(target) ?? model.document.schemas.flatMap((s) => s.enumTypes).find((e) => e.name === target);
  if (enumType) {
    const members = enumType.members.slice(0, 100).map((m) => `  ${m.name} = ${m.value}`);
    return { ok: true, lines: [`Enum type ${enumType.fullName} (${enumType.underlyingType}${enumType.isFlags ? ', flags' : ''})${described(model.description(enumType.fullName))}`, ...members] };
  }
  const candidates = [
    ...model.entitySets().map((s) => s.name),
    ...model.singletons().map((s) => s.name),
    ...model.document.schemas.flatMap((s) => [...s.entityTypes, ...s.complexTypes, ...s.operations, ...s.enumTypes].map((t) => t.name)),
  ];
  const suggestion = suggest(target, candidates, 5);
  const didYouMean = suggestion.names.length > 0 ? ` Did you mean ${suggestion.names.map((n) => `'${n}'`).join(', ')}?` : '';
  return { ok: false, message: `'${target}' is not an entity set, singleton, type, action, function or enum type of this environment.${didYouMean} Use find_metadata to search by words.` };
}

function findOperations(model: ModelIndex, name: string): Operation[] {
  const direct = model.findOperations(name);
  if (direct.length > 0) return direct;
  const imported = model.findActionImport(name) ?? model.findFunctionImport(name);
  if (imported) return model.findOperations(imported.kind === 'ActionImport' ? imported.action : imported.function);
  return model.document.schemas.flatMap((schema) => schema.operations.filter((op) => op.name === name));
}

function describeOperation(model: ModelIndex, op: Operation): string[] {
  const lines = [`${op.kind} ${op.fullName}${op.isBound ? ' (bound)' : ' (unbound)'}${op.isComposable ? ', composable' : ''}${described(model.description(op.fullName), 200)}`];
  if (op.isBound && op.parameters[0]) {
    const binding = op.parameters[0].type;
    lines.push(`  Bound to: ${typeText(binding)} — call as ${binding.collection ? '{set}' : '{set}({key})'}/${op.fullName}${op.kind === 'Function' ? '(…)' : ''}`);
  } else {
    const imported = model.operationImports().find((i) => (i.kind === 'ActionImport' ? i.action : i.function) === op.fullName);
    if (imported) lines.push(`  Called as: ${op.kind === 'Action' ? 'POST' : 'GET'} ${imported.name}${op.kind === 'Function' ? '(…)' : ''}`);
  }
  const parameters = op.isBound ? op.parameters.slice(1) : op.parameters;
  lines.push(parameters.length === 0 ? '  Parameters: none' : '  Parameters:');
  for (const p of parameters) lines.push(`    ${p.name}: ${typeText(p.type)} (${facets(p.type).join(', ')})${described(model.description(`${op.fullName}/${p.name}`))}`);
  lines.push(`  Returns: ${op.returnType ? typeText(op.returnType) : 'nothing'}`);
  return lines;
}

function describeMember(model: ModelIndex, type: StructuredType, name: string, source: EntitySet | Singleton | undefined): Described {
  const property = model.findProperty(type, name);
  if (property) return { ok: true, lines: describeProperty(model, type, property) };
  const navigation = model.findNavigationProperty(type, name);
  if (navigation) return { ok: true, lines: [navigationLine(model, navigation, source, true)] };
  const names = [...model.properties(type).map((p) => p.name), ...model.navigationProperties(type).map((n) => n.name)];
  const suggestion = suggest(name, names, 5);
  const didYouMean = suggestion.names.length > 0 ? ` Did you mean ${suggestion.names.map((n) => `'${n}'`).join(', ')}?` : '';
  return { ok: false, message: `${type.fullName} has no property or navigation property '${name}'.${didYouMean}` };
}

function describeProperty(model: ModelIndex, type: StructuredType, property: Property): string[] {
  const isKey = model.key(type).some((ref) => ref.name === property.name);
  const lines = [`Property ${type.name}.${property.name}: ${typeText(property.type)} (${[...(isKey ? ['key'] : []), ...facets(property.type)].join(', ')})${described(model.description(`${type.fullName}/${property.name}`), 300)}`];
  if (property.defaultValue !== undefined) lines.push(`  Default: ${property.defaultValue}`);
  const enumType = model.findEnumType(property.type.name);
  if (enumType) lines.push(`  Members: ${enumType.members.slice(0, 40).map((m) => m.name).join(', ')}${enumType.members.length > 40 ? ', …' : ''}`);
  const lookup = model.findLookupProperty(type, property.name);
  if (lookup) {
    for (const navigation of lookup.navigationProperties) {
      lines.push(`  Lookup: the id of ${navigation.name} → ${navigation.type.name}; filter with ${property.name} eq <guid>, read the row with $expand=${navigation.name}($select=…), set it with "${navigation.name}@odata.bind": "/<set>(<id>)"`);
    }
  }
  return lines;
}

function navigationLine(model: ModelIndex, navigation: NavigationProperty, source: EntitySet | Singleton | undefined, long = false): string {
  const bound = source ? model.navigationTarget(source, navigation.name) : undefined;
  const candidates = bound ? undefined : model.entitySetsOfType(navigation.type.name);
  const set = bound?.name ?? (candidates && candidates.length === 1 ? candidates[0]!.name : undefined);
  const constraint = navigation.referentialConstraints.map((c) => `${c.property} = ${c.referencedProperty}`).join(', ');
  const head = long ? `Navigation property ${navigation.name}` : `  ${navigation.name}`;
  return `${head} → ${typeText(navigation.type)}${set ? ` (entity set ${set})` : ''}${constraint ? `, via ${constraint}` : ''}${navigation.partner ? `, partner ${navigation.partner}` : ''}`;
}

function describeType(model: ModelIndex, type: StructuredType, source: EntitySet | Singleton | undefined): string[] {
  const lines: string[] = [];
  const sets = source ? [] : model.entitySetsOfType(type.fullName).map((s) => s.name);
  const head = source
    ? `${source.kind === 'EntitySet' ? 'Entity set' : 'Singleton'} ${source.name} — entity type ${type.fullName}`
    : `${type.kind === 'EntityType' ? 'Entity type' : 'Complex type'} ${type.fullName}${sets.length > 0 ? ` — entity set ${sets.join(', ')}` : ''}`;
  const container = model.container?.fullName;
  const description = (source && container ? model.description(`${container}/${source.name}`) : undefined) ?? model.description(type.fullName);
  lines.push(`${head}${described(description, 200)}`);
  const bases = model.baseTypes(type);
  if (bases.length > 0) lines.push(`Base types: ${bases.map((b) => b.fullName).join(' → ')}`);
  const properties = model.properties(type);
  if (type.kind === 'EntityType') {
    const key = model.key(type);
    lines.push(`Key: ${key.map((ref) => `${ref.name} (${properties.find((p) => p.name === ref.name)?.type.name ?? '?'})`).join(', ') || 'none declared'}`);
    const alternate = model.alternateKeys(type);
    if (alternate.length > 0) lines.push(`Alternate keys: ${alternate.map((k) => `(${k.parts.map((p) => p.name).join(', ')})`).join(', ')}`);
  }
  const lookups = new Map(type.kind === 'EntityType' ? model.lookupProperties(type).map((l) => [l.name, l]) : []);
  const keyNames = new Set(type.kind === 'EntityType' ? model.key(type).map((ref) => ref.name) : []);
  lines.push(`Properties (${properties.length}):`);
  for (const property of properties.slice(0, MAX_DESCRIBED_PROPERTIES)) {
    const lookup = lookups.get(property.name);
    const notes = [...(keyNames.has(property.name) ? ['key'] : []), ...facets(property.type).filter((f) => f !== 'nullable')];
    if (lookup) notes.push(`lookup → ${lookup.navigationProperties.map((n) => n.name).join(' | ')}`);
    lines.push(`  ${property.name}: ${property.type.name}${property.type.collection ? ' (collection)' : ''}${notes.length > 0 ? ` [${notes.join(', ')}]` : ''}${described(model.description(`${type.fullName}/${property.name}`), 70)}`);
  }
  if (properties.length > MAX_DESCRIBED_PROPERTIES) {
    lines.push(`  … ${plural(properties.length - MAX_DESCRIBED_PROPERTIES, 'more property', 'more properties')} not listed: use find_metadata with within="${source?.name ?? type.name}" and words, or describe "${source?.name ?? type.name}/<property>".`);
  }
  const navigations = model.navigationProperties(type);
  const single = navigations.filter((n) => !n.type.collection);
  const many = navigations.filter((n) => n.type.collection);
  const listNavigations = (title: string, list: NavigationProperty[]): void => {
    if (list.length === 0) return;
    lines.push(`${title} (${list.length}):`);
    for (const navigation of list.slice(0, MAX_DESCRIBED_NAVIGATIONS)) lines.push(navigationLine(model, navigation, source));
    if (list.length > MAX_DESCRIBED_NAVIGATIONS) lines.push(`  … ${list.length - MAX_DESCRIBED_NAVIGATIONS} more not listed: use find_metadata with within="${source?.name ?? type.name}".`);
  };
  listNavigations('Lookups — single-valued navigation properties, $expand them', single);
  listNavigations('Collections — collection-valued navigation properties', many);
  if (type.kind === 'EntityType') {
    const operations = [
      ...model.boundOperations(type.fullName, false).map((op) => `  ${operationLine(op)} — on one row`),
      ...model.boundOperations(type.fullName, true).map((op) => `  ${operationLine(op)} — on the collection`),
    ];
    const unique = [...new Set(operations)];
    if (unique.length > 0) {
      lines.push(`Bound operations (${unique.length}):`);
      lines.push(...unique.slice(0, MAX_DESCRIBED_OPERATIONS));
      if (unique.length > MAX_DESCRIBED_OPERATIONS) lines.push(`  … ${unique.length - MAX_DESCRIBED_OPERATIONS} more not listed: use find_metadata with kinds=["operation"].`);
    }
  }
  return lines;
}
