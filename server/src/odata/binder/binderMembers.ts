/**
 * Looking up the members of a structured type: structural properties, navigation properties and
 * Dataverse lookups (`_x_value`), casts to derived types and operations bound to the type.
 */
import type { NavigationProperty, Operation, Property, StructuredType } from '../csdl/model';
import type { LookupProperty, ModelIndex } from '../csdl/modelIndex';
import { typeFromRef } from './binderEdmTypes';
import type { TypeInfo } from './binderTypes';

export type Member =
  | { kind: 'property'; property: Property; type: TypeInfo }
  | { kind: 'navigation'; navigation: NavigationProperty; type: TypeInfo }
  | { kind: 'lookup'; lookup: LookupProperty; type: TypeInfo };

const lookupPattern = /^_.+_value$/;

export function findMember(model: ModelIndex, type: StructuredType, name: string): Member | undefined {
  if (lookupPattern.test(name)) {
    const lookup = model.findLookupProperty(type, name);
    if (lookup) return { kind: 'lookup', lookup, type: typeFromRef(model, lookup.property.type) };
  }
  const property = model.findProperty(type, name);
  if (property) return { kind: 'property', property, type: typeFromRef(model, property.type) };
  const navigation = model.findNavigationProperty(type, name);
  if (navigation) return { kind: 'navigation', navigation, type: typeFromRef(model, navigation.type) };
  return undefined;
}

/** Every member name of a type, for did-you-mean. */
export function memberNames(model: ModelIndex, type: StructuredType): string[] {
  const names = model.properties(type).map((p) => p.name);
  for (const n of model.navigationProperties(type)) names.push(n.name);
  for (const l of model.lookupProperties(type)) names.push(l.name);
  return names;
}

export function navigationNames(model: ModelIndex, type: StructuredType): string[] {
  return model.navigationProperties(type).map((n) => n.name);
}

/** True when `candidate` is `base` or derives from it. */
export function derivesFrom(model: ModelIndex, candidate: StructuredType, base: StructuredType): boolean {
  if (candidate.fullName === base.fullName) return true;
  return model.baseTypes(candidate).some((t) => t.fullName === base.fullName);
}

/** Operations bound to `type` (or a base type) named `name` (qualified or not). */
export function findBoundOperations(model: ModelIndex, type: StructuredType, collection: boolean, name: string): Operation[] {
  const qualified = model.qualify(name);
  const all = model.boundOperations(type.fullName, collection);
  return all.filter((op) => op.fullName === qualified || (!name.includes('.') && op.name === name));
}

export function boundOperationNames(model: ModelIndex, type: StructuredType, collection: boolean): string[] {
  return model.boundOperations(type.fullName, collection).map((op) => op.fullName);
}

/** True when the name is a schema namespace or alias (for `Ns.*` in $select). */
export function isNamespace(model: ModelIndex, name: string): boolean {
  return model.document.schemas.some((s) => s.namespace === name || s.alias === name);
}

/** The single entity type a navigation property or lookup leads to, for hints. */
export function navigationForLookup(lookup: LookupProperty): NavigationProperty | undefined {
  return lookup.navigationProperties[0];
}
