/**
 * `find_metadata`: entity sets, types, properties, navigation properties, operations and enum types of a
 * model found by name, description and words ("primary contact" -> `primarycontactid`), ranked, one compact
 * line each. The searchable entries of a model are built once and kept with it (a model never changes).
 */
import type { ModelIndex } from '../csdl/modelIndex';
import type { Operation, StructuredType, TypeRef } from '../csdl/model';
import { oneLine } from './answerText';

export type MetadataKind = 'entitySet' | 'entityType' | 'complexType' | 'property' | 'navigationProperty' | 'operation' | 'enumType';
export const metadataKinds: readonly MetadataKind[] = ['entitySet', 'entityType', 'complexType', 'property', 'navigationProperty', 'operation', 'enumType'];

interface Entry {
  kind: MetadataKind;
  name: string;
  lowerName: string;
  /** Qualified owner type of a member. */
  owner?: string;
  /** The line shown, without the description. */
  label: string;
  description?: string;
  lowerDescription: string;
}

export interface FindQuery {
  query: string;
  kinds?: readonly MetadataKind[];
  /** Only members of this entity set or type. */
  within?: string;
  limit: number;
}

export interface FoundItem {
  kind: MetadataKind;
  name: string;
  owner?: string;
  line: string;
  score: number;
}

const entries = new WeakMap<ModelIndex, Entry[]>();

function typeText(type: TypeRef): string {
  const name = type.name.slice(type.name.lastIndexOf('.') + 1);
  const short = type.name.startsWith('Edm.') ? type.name : name;
  return type.collection ? `Collection(${short})` : short;
}

function shortName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

function facets(type: TypeRef): string {
  const parts: string[] = [];
  if (type.maxLength !== undefined) parts.push(`max ${type.maxLength}`);
  if (type.precision !== undefined) parts.push(`precision ${type.precision}`);
  if (type.scale !== undefined) parts.push(`scale ${type.scale}`);
  if (!type.nullable) parts.push('not null');
  return parts.length > 0 ? `, ${parts.join(', ')}` : '';
}

function operationSignature(op: Operation): string {
  const parameters = (op.isBound ? op.parameters.slice(1) : op.parameters).map((p) => `${p.name}: ${typeText(p.type)}`);
  const binding = op.isBound && op.parameters[0] ? ` bound to ${typeText(op.parameters[0].type)}` : '';
  return `${op.kind.toLowerCase()} ${op.fullName}(${parameters.join(', ')})${op.returnType ? ` → ${typeText(op.returnType)}` : ''}${binding}`;
}

function setsOf(model: ModelIndex, type: StructuredType): string {
  const sets = model.entitySetsOfType(type.fullName).map((set) => set.name);
  return sets.length > 0 ? ` [entity set ${sets.slice(0, 3).join(', ')}]` : '';
}

function buildEntries(model: ModelIndex): Entry[] {
  const cached = entries.get(model);
  if (cached) return cached;
  const list: Entry[] = [];
  const add = (entry: Omit<Entry, 'lowerName' | 'lowerDescription'>): void => {
    list.push({ ...entry, lowerName: entry.name.toLowerCase(), lowerDescription: (entry.description ?? '').toLowerCase() });
  };
  const container = model.container?.fullName;
  for (const set of model.entitySets()) {
    const description = (container ? model.description(`${container}/${set.name}`) : undefined) ?? model.description(set.entityType);
    add({ kind: 'entitySet', name: set.name, label: `entity set ${set.name} (of ${shortName(set.entityType)})`, description });
  }
  for (const singleton of model.singletons()) {
    add({ kind: 'entitySet', name: singleton.name, label: `singleton ${singleton.name} (of ${shortName(singleton.type)})`, description: model.description(singleton.type) });
  }
  for (const schema of model.document.schemas) {
    for (const type of [...schema.entityTypes, ...schema.complexTypes]) {
      const kind: MetadataKind = type.kind === 'EntityType' ? 'entityType' : 'complexType';
      add({ kind, name: type.name, label: `${type.kind === 'EntityType' ? 'entity type' : 'complex type'} ${type.fullName}${type.kind === 'EntityType' ? setsOf(model, type) : ''}`, description: model.description(type.fullName) });
      const lookups = type.kind === 'EntityType' ? new Map(model.lookupProperties(type).map((lookup) => [lookup.name, lookup])) : undefined;
      for (const property of type.properties) {
        const lookup = lookups?.get(property.name);
        const lookupNote = lookup ? `, lookup for ${lookup.navigationProperties.map((n) => `${n.name} → ${shortName(n.type.name)}`).join(' | ')}` : '';
        add({
          kind: 'property',
          name: property.name,
          owner: type.fullName,
          label: `property ${type.name}.${property.name}: ${typeText(property.type)}${facets(property.type)}${lookupNote}`,
          description: model.description(`${type.fullName}/${property.name}`),
        });
      }
      for (const navigation of type.navigationProperties) {
        const lookup = navigation.referentialConstraints[0]?.property;
        add({
          kind: 'navigationProperty',
          name: navigation.name,
          owner: type.fullName,
          label: `navigation ${type.name}.${navigation.name} → ${typeText(navigation.type)}${lookup && !navigation.type.collection ? ` (lookup column ${lookup})` : ''}`,
          description: model.description(`${type.fullName}/${navigation.name}`),
        });
      }
    }
    for (const op of schema.operations) {
      add({ kind: 'operation', name: op.name, label: operationSignature(op), description: model.description(op.fullName) });
    }
    for (const enumType of schema.enumTypes) {
      const members = enumType.members.slice(0, 6).map((m) => m.name).join(', ');
      add({ kind: 'enumType', name: enumType.name, label: `enum ${enumType.fullName} {${members}${enumType.members.length > 6 ? ', …' : ''}}`, description: model.description(enumType.fullName) });
    }
  }
  entries.set(model, list);
  return list;
}

/** Lower-case words of a query: split on spaces, punctuation and camelCase humps. */
export function queryWords(query: string): string[] {
  return query
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9_]+/)
    .filter((word) => word.length > 0);
}

/** How well an entry matches; 0 for no match. Names weigh most, descriptions help. */
function score(entry: Entry, words: readonly string[], joined: string): number {
  const name = entry.lowerName;
  let total = 0;
  if (name === joined) total += 100;
  else if (joined.length >= 3 && name.startsWith(joined)) total += 80 - Math.min(20, name.length - joined.length);
  else if (joined.length >= 3 && name.includes(joined)) total += 60 - Math.min(20, name.length - joined.length);
  let inName = 0;
  let inDescription = 0;
  for (const word of words) {
    if (name.includes(word)) inName++;
    else if (word.length >= 3 && new RegExp(`\\b${word}`).test(entry.lowerDescription)) inDescription++;
  }
  if (total === 0 && inName + inDescription < words.length) {
    // Every word must be found somewhere unless the name matched as a whole.
    return 0;
  }
  total += inName * 15 + inDescription * 6;
  // Prefer the things queries start from.
  if (entry.kind === 'entitySet') total += 4;
  else if (entry.kind === 'property' || entry.kind === 'navigationProperty') total += 2;
  return total;
}

/** Ranked matches (best first) and how many matched in all. */
export function findMetadata(model: ModelIndex, query: FindQuery): { items: FoundItem[]; total: number; withinType?: string } {
  const words = queryWords(query.query);
  const joined = words.join('');
  let withinType: string | undefined;
  if (query.within) {
    const set = model.findEntitySet(query.within) ?? model.findSingleton(query.within);
    const type = set ? model.findStructuredType(set.kind === 'EntitySet' ? set.entityType : set.type) : findTypeByName(model, query.within);
    withinType = type?.fullName;
  }
  const owners = withinType ? new Set([withinType, ...baseNames(model, withinType)]) : undefined;
  const found: FoundItem[] = [];
  for (const entry of buildEntries(model)) {
    if (query.kinds && query.kinds.length > 0 && !query.kinds.includes(entry.kind)) continue;
    if (owners && (!entry.owner || !owners.has(entry.owner))) continue;
    const value = words.length === 0 ? (owners ? 1 : 0) : score(entry, words, joined);
    if (value <= 0) continue;
    const description = entry.description ? ` — ${oneLine(entry.description, 90)}` : '';
    found.push({ kind: entry.kind, name: entry.name, owner: entry.owner, line: `${entry.label}${description}`, score: value });
  }
  found.sort((a, b) => b.score - a.score || a.name.length - b.name.length || (a.line < b.line ? -1 : a.line > b.line ? 1 : 0));
  return { items: found.slice(0, query.limit), total: found.length, withinType };
}

function baseNames(model: ModelIndex, typeName: string): string[] {
  const type = model.findStructuredType(typeName);
  return type ? model.baseTypes(type).map((base) => base.fullName) : [];
}

/** A structured type by qualified, aliased or (when unique) short name, case-insensitively as a last resort. */
export function findTypeByName(model: ModelIndex, name: string): StructuredType | undefined {
  const direct = model.findStructuredType(name);
  if (direct) return direct;
  const lower = name.toLowerCase();
  let caseInsensitive: StructuredType | undefined;
  for (const schema of model.document.schemas) {
    for (const type of [...schema.entityTypes, ...schema.complexTypes]) {
      if (type.name === name) return type;
      if (!caseInsensitive && (type.name.toLowerCase() === lower || type.fullName.toLowerCase() === lower)) caseInsensitive = type;
    }
  }
  return caseInsensitive;
}
