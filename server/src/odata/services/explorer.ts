/**
 * What the explorer tree shows of a model: entity sets page by page (sorted, filtered), the keys, properties,
 * navigation properties and bound operations of one set, and the unbound operations. Pure: a function of a
 * ModelIndex, answered by the language server through the `odata/entitySets`, `odata/entitySetDetails` and
 * `odata/operations` requests (server/src/lsp/explorerRequests.ts).
 */
import type { ModelIndex } from '../csdl/modelIndex';
import type { EntitySet, Operation, Singleton, TypeRef } from '../csdl/model';

export interface ExplorerEntitySet {
  name: string;
  /** Qualified entity type name. */
  entityType: string;
  /**
   * From a `…DisplayName` or `Common.Label` annotation of the set or its type, when the metadata has one.
   * Dataverse's `$metadata` has none (display names live in `EntityDefinitions`); it has `description`.
   */
  displayName?: string;
  /** `Core.Description` of the set or its entity type (Dataverse: the table's description, in the org's language). */
  description?: string;
  kind: 'EntitySet' | 'Singleton';
}

export interface EntitySetsResult {
  items: ExplorerEntitySet[];
  /** How many match the filter (for paging). */
  total: number;
}

export interface ExplorerProperty {
  name: string;
  type: string;
  nullable: boolean;
  isKey: boolean;
  maxLength?: number | 'max';
  description?: string;
  /** Dataverse `_x_value` lookups: the navigation properties they stand for. */
  lookupFor?: string[];
}

export interface ExplorerNavigationProperty {
  name: string;
  /** Qualified target entity type. */
  target: string;
  collection: boolean;
  /** The entity set the navigation leads to, from the bindings (or the only set of that type). */
  targetEntitySet?: string;
}

export interface ExplorerOperation {
  name: string;
  kind: 'Action' | 'Function';
  bound: boolean;
  /** `Edm.String`, `Collection(Ns.Type)`. */
  returnType?: string;
  /** Bound operations: bound to the collection (`accounts/Ns.Op`) rather than to one entity. */
  collection?: boolean;
  parameters?: { name: string; type: string }[];
}

export interface EntitySetDetails {
  keys: { name: string; type: string }[];
  properties: ExplorerProperty[];
  navigationProperties: ExplorerNavigationProperty[];
  operations: ExplorerOperation[];
}

export interface EntitySetQuery {
  /** Case-insensitive substring of the name, the entity type or the display name. */
  filter?: string;
  offset?: number;
  /** Default 200, at most 5000. */
  limit?: number;
}

export const DEFAULT_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 5000;

interface IndexedSet {
  item: ExplorerEntitySet;
  /** Lower-cased name, type and display name, for the filter. */
  haystack: string;
}

/** Sorted and searchable sets per model, built once (a model is immutable; a reload makes a new one). */
const indexed = new WeakMap<ModelIndex, IndexedSet[]>();

const LABEL_TERM = 'com.sap.vocabularies.Common.v1.Label';

/** A display name from the metadata's own annotations: a `…DisplayName` term or a `Common.Label`. */
function displayNameOf(model: ModelIndex, targets: string[]): string | undefined {
  for (const target of targets) {
    for (const a of model.annotationsFor(target)) {
      if (typeof a.value !== 'string' || a.value.length === 0) continue;
      if (/\.DisplayName$/i.test(a.term) || (a.term === LABEL_TERM && a.qualifier === undefined)) return a.value;
    }
  }
  return undefined;
}

function descriptionOf(model: ModelIndex, targets: string[]): string | undefined {
  for (const target of targets) {
    const description = model.description(target);
    if (description) return description;
  }
  return undefined;
}

function indexSets(model: ModelIndex): IndexedSet[] {
  let list = indexed.get(model);
  if (list) return list;
  const container = model.container?.fullName;
  const sources: (EntitySet | Singleton)[] = [...model.entitySets(), ...model.singletons()];
  list = sources.map((source) => {
    const entityType = source.kind === 'EntitySet' ? source.entityType : source.type;
    const targets = container ? [`${container}/${source.name}`, entityType] : [entityType];
    const displayName = displayNameOf(model, targets);
    const description = descriptionOf(model, targets);
    const item: ExplorerEntitySet = {
      name: source.name,
      entityType,
      kind: source.kind,
      ...(displayName ? { displayName } : {}),
      ...(description ? { description } : {}),
    };
    return { item, haystack: `${source.name}\n${entityType}\n${displayName ?? ''}`.toLowerCase() };
  });
  list.sort((a, b) => {
    const x = a.item.name.toLowerCase();
    const y = b.item.name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : a.item.name < b.item.name ? -1 : a.item.name > b.item.name ? 1 : 0;
  });
  indexed.set(model, list);
  return list;
}

/** One page of entity sets and singletons, sorted by name; `total` counts every match of the filter. */
export function listEntitySets(model: ModelIndex, query: EntitySetQuery = {}): EntitySetsResult {
  const all = indexSets(model);
  const filter = query.filter?.trim().toLowerCase();
  const matches = filter ? all.filter((entry) => entry.haystack.includes(filter)) : all;
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(query.limit ?? DEFAULT_PAGE_SIZE)));
  return { items: matches.slice(offset, offset + limit).map((entry) => entry.item), total: matches.length };
}

export function typeText(type: TypeRef): string {
  return type.collection ? `Collection(${type.name})` : type.name;
}

function operationOf(op: Operation, name: string, collection?: boolean): ExplorerOperation {
  const parameters = (op.isBound ? op.parameters.slice(1) : op.parameters).map((p) => ({ name: p.name, type: typeText(p.type) }));
  return {
    name,
    kind: op.kind,
    bound: op.isBound,
    ...(op.returnType ? { returnType: typeText(op.returnType) } : {}),
    ...(collection !== undefined ? { collection } : {}),
    parameters,
  };
}

/** Keys, properties, navigation properties and bound operations of an entity set or singleton; undefined when unknown. */
export function entitySetDetails(model: ModelIndex, name: string): EntitySetDetails | undefined {
  const source = model.findEntitySet(name) ?? model.findSingleton(name);
  if (!source) return undefined;
  const type = model.findStructuredType(source.kind === 'EntitySet' ? source.entityType : source.type);
  if (!type) return { keys: [], properties: [], navigationProperties: [], operations: [] };

  const properties = model.properties(type);
  const keyRefs = model.key(type);
  const keyNames = new Set(keyRefs.map((ref) => ref.alias ?? ref.name));
  const keys = keyRefs.map((ref) => {
    const property = ref.name.includes('/') ? undefined : properties.find((p) => p.name === ref.name);
    return { name: ref.alias ?? ref.name, type: property ? typeText(property.type) : 'Edm.String' };
  });

  const lookups = new Map(model.lookupProperties(type).map((lookup) => [lookup.name, lookup.navigationProperties.map((n) => n.name)]));
  const explorerProperties: ExplorerProperty[] = properties.map((p) => {
    const description = model.description(`${type.fullName}/${p.name}`);
    const lookupFor = lookups.get(p.name);
    return {
      name: p.name,
      type: typeText(p.type),
      nullable: p.type.nullable,
      isKey: keyRefs.some((ref) => ref.name === p.name) || keyNames.has(p.name),
      ...(p.type.maxLength !== undefined ? { maxLength: p.type.maxLength } : {}),
      ...(description ? { description } : {}),
      ...(lookupFor && lookupFor.length > 0 ? { lookupFor } : {}),
    };
  });

  const navigationProperties: ExplorerNavigationProperty[] = model.navigationProperties(type).map((n) => {
    const bound = model.navigationTarget(source, n.name);
    const candidates = bound ? undefined : model.entitySetsOfType(n.type.name);
    const targetEntitySet = bound?.name ?? (candidates && candidates.length === 1 ? candidates[0].name : undefined);
    return { name: n.name, target: n.type.name, collection: n.type.collection, ...(targetEntitySet ? { targetEntitySet } : {}) };
  });

  const operations: ExplorerOperation[] = [];
  const seen = new Set<string>();
  const bindings: [boolean, Operation[]][] =
    source.kind === 'EntitySet'
      ? [
          [true, model.boundOperations(type.fullName, true)],
          [false, model.boundOperations(type.fullName, false)],
        ]
      : [[false, model.boundOperations(type.fullName, false)]];
  for (const [collection, ops] of bindings) {
    for (const op of ops) {
      const key = `${op.fullName}|${collection}`;
      if (seen.has(key)) continue; // overloads: one node per name
      seen.add(key);
      operations.push(operationOf(op, op.fullName, collection));
    }
  }
  operations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  return { keys, properties: explorerProperties, navigationProperties, operations };
}

/** The unbound actions and functions, through their imports (the names a URL uses), sorted by name. */
export function unboundOperations(model: ModelIndex): ExplorerOperation[] {
  const out: ExplorerOperation[] = [];
  for (const imported of model.operationImports()) {
    const target = imported.kind === 'ActionImport' ? imported.action : imported.function;
    const op = model.findOperations(target).find((candidate) => !candidate.isBound);
    if (op) out.push(operationOf(op, imported.name));
    else out.push({ name: imported.name, kind: imported.kind === 'ActionImport' ? 'Action' : 'Function', bound: false });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
