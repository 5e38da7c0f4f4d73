/**
 * Schema drift: what changed between two `$metadata` documents of a service (two environments, or two versions),
 * and which changes can break a query or a client that worked before.
 *
 * Compared: entity sets and singletons, operation imports, entity/complex/enum types, declared properties (type,
 * nullability, max length, precision, scale), navigation properties (target, collection or not), keys and alternate
 * keys, enum members, operations (binding, parameters, return type). A rename shows as a removal and an addition:
 * `$metadata` carries no identity beyond the name.
 *
 * Pure: two ModelIndex values in, a list of changes out.
 */
import type { EnumType, Operation, Parameter, Property, StructuredType, TypeRef } from '../csdl/model';
import type { ModelIndex } from '../csdl/modelIndex';

export type ChangeKind =
  | 'entitySet'
  | 'singleton'
  | 'operationImport'
  | 'entityType'
  | 'complexType'
  | 'enumType'
  | 'property'
  | 'navigationProperty'
  | 'key'
  | 'alternateKey'
  | 'enumMember'
  | 'operation';

export interface SchemaChange {
  change: 'added' | 'removed' | 'changed';
  kind: ChangeKind;
  /** The element: `account` (a type), `account/name` (a member), `accounts` (a set), `Microsoft.Dynamics.CRM.WinOpportunity`. */
  path: string;
  /** True when a query or a client that worked before can fail after this change. */
  breaking: boolean;
  /** What it was / is, in short text (a type, a target, a signature). */
  before?: string;
  after?: string;
  /** Why it is breaking, or what changed, in words. */
  reason?: string;
}

/** Every change from `before` to `after`, in a stable order (kind, then path). */
export function diffSchemas(before: ModelIndex, after: ModelIndex): SchemaChange[] {
  const out: SchemaChange[] = [];
  const oldNames = new TypeNames(before);
  const newNames = new TypeNames(after);
  diffContainer(before, after, out);
  diffStructured('entityType', collectTypes(before, 'EntityType'), collectTypes(after, 'EntityType'), before, after, oldNames, newNames, out);
  diffStructured('complexType', collectTypes(before, 'ComplexType'), collectTypes(after, 'ComplexType'), before, after, oldNames, newNames, out);
  diffEnums(collectEnums(before), collectEnums(after), oldNames, newNames, out);
  diffOperations(before, after, out);
  return out.sort(compareChanges);
}

/** Counts by change and breaking-ness: what a summary line says. */
export function summarizeChanges(changes: readonly SchemaChange[]): { added: number; removed: number; changed: number; breaking: number } {
  const summary = { added: 0, removed: 0, changed: 0, breaking: 0 };
  for (const c of changes) {
    summary[c.change]++;
    if (c.breaking) summary.breaking++;
  }
  return summary;
}

const KIND_ORDER: readonly ChangeKind[] = [
  'entitySet', 'singleton', 'operationImport', 'entityType', 'complexType', 'property', 'navigationProperty', 'key', 'alternateKey',
  'enumType', 'enumMember', 'operation',
];

function compareChanges(a: SchemaChange, b: SchemaChange): number {
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || (a.change < b.change ? -1 : a.change > b.change ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------------------
// Names: a type is named by its short name where that is unique in the document, else by its qualified name.
// ---------------------------------------------------------------------------------------------------------

class TypeNames {
  private readonly shortCount = new Map<string, number>();
  constructor(index: ModelIndex) {
    for (const schema of index.document.schemas) {
      for (const t of [...schema.entityTypes, ...schema.complexTypes, ...schema.enumTypes, ...schema.typeDefinitions]) {
        this.shortCount.set(t.name, (this.shortCount.get(t.name) ?? 0) + 1);
      }
    }
  }
  display(fullName: string, shortName: string): string {
    return (this.shortCount.get(shortName) ?? 0) > 1 ? fullName : shortName;
  }
}

function typeText(ref: TypeRef): string {
  return ref.collection ? `Collection(${ref.name})` : ref.name;
}

// ---------------------------------------------------------------------------------------------------------
// The container: entity sets, singletons, operation imports
// ---------------------------------------------------------------------------------------------------------

function diffContainer(before: ModelIndex, after: ModelIndex, out: SchemaChange[]): void {
  const oldSets = new Map(before.entitySets().map((s) => [s.name, s]));
  const newSets = new Map(after.entitySets().map((s) => [s.name, s]));
  for (const [name, set] of oldSets) {
    const now = newSets.get(name);
    if (!now) out.push({ change: 'removed', kind: 'entitySet', path: name, breaking: true, before: set.entityType, reason: 'queries addressing this entity set fail' });
    else if (now.entityType !== set.entityType) {
      out.push({ change: 'changed', kind: 'entitySet', path: name, breaking: true, before: set.entityType, after: now.entityType, reason: 'the entity type of the set changed' });
    }
  }
  for (const [name, set] of newSets) if (!oldSets.has(name)) out.push({ change: 'added', kind: 'entitySet', path: name, breaking: false, after: set.entityType });

  const oldSingletons = new Map(before.singletons().map((s) => [s.name, s]));
  const newSingletons = new Map(after.singletons().map((s) => [s.name, s]));
  for (const [name, s] of oldSingletons) {
    const now = newSingletons.get(name);
    if (!now) out.push({ change: 'removed', kind: 'singleton', path: name, breaking: true, before: s.type, reason: 'queries addressing this singleton fail' });
    else if (now.type !== s.type) out.push({ change: 'changed', kind: 'singleton', path: name, breaking: true, before: s.type, after: now.type, reason: 'the type of the singleton changed' });
  }
  for (const [name, s] of newSingletons) if (!oldSingletons.has(name)) out.push({ change: 'added', kind: 'singleton', path: name, breaking: false, after: s.type });

  const imports = (index: ModelIndex) =>
    new Map<string, string>([
      ...index.functionImports().map((f) => [f.name, f.function] as [string, string]),
      ...index.actionImports().map((a) => [a.name, a.action] as [string, string]),
    ]);
  const oldImports = imports(before);
  const newImports = imports(after);
  for (const [name, target] of oldImports) {
    const now = newImports.get(name);
    if (now === undefined) out.push({ change: 'removed', kind: 'operationImport', path: name, breaking: true, before: target, reason: 'calls to this operation fail' });
    else if (now !== target) out.push({ change: 'changed', kind: 'operationImport', path: name, breaking: true, before: target, after: now, reason: 'the import now names another operation' });
  }
  for (const [name, target] of newImports) if (!oldImports.has(name)) out.push({ change: 'added', kind: 'operationImport', path: name, breaking: false, after: target });
}

// ---------------------------------------------------------------------------------------------------------
// Structured types and their members
// ---------------------------------------------------------------------------------------------------------

function collectTypes(index: ModelIndex, kind: 'EntityType' | 'ComplexType'): Map<string, StructuredType> {
  const map = new Map<string, StructuredType>();
  for (const schema of index.document.schemas) for (const t of kind === 'EntityType' ? schema.entityTypes : schema.complexTypes) map.set(t.fullName, t);
  return map;
}

function diffStructured(
  kind: 'entityType' | 'complexType',
  oldTypes: Map<string, StructuredType>,
  newTypes: Map<string, StructuredType>,
  before: ModelIndex,
  after: ModelIndex,
  oldNames: TypeNames,
  newNames: TypeNames,
  out: SchemaChange[],
): void {
  for (const [fullName, type] of oldTypes) {
    const now = newTypes.get(fullName);
    const path = oldNames.display(fullName, type.name);
    if (!now) {
      out.push({ change: 'removed', kind, path, breaking: true, before: fullName, reason: 'every query and client using this type fails' });
      continue;
    }
    if ((type.baseType ?? '') !== (now.baseType ?? '')) {
      out.push({ change: 'changed', kind, path, breaking: true, before: `base ${type.baseType ?? '(none)'}`, after: `base ${now.baseType ?? '(none)'}`, reason: 'the base type changed: inherited members may differ' });
    }
    if (type.abstract !== now.abstract && now.abstract) {
      out.push({ change: 'changed', kind, path, breaking: true, before: 'concrete', after: 'abstract', reason: 'an abstract type cannot be created' });
    }
    diffProperties(path, type, now, out);
    diffNavigation(path, type, now, out);
    if (kind === 'entityType') diffKeys(path, type, now, before, after, out);
  }
  for (const [fullName, type] of newTypes) {
    if (!oldTypes.has(fullName)) out.push({ change: 'added', kind, path: newNames.display(fullName, type.name), breaking: false, after: fullName });
  }
}

function diffProperties(typePath: string, oldType: StructuredType, newType: StructuredType, out: SchemaChange[]): void {
  const oldProps = new Map(oldType.properties.map((p) => [p.name, p]));
  const newProps = new Map(newType.properties.map((p) => [p.name, p]));
  for (const [name, p] of oldProps) {
    const now = newProps.get(name);
    const path = `${typePath}/${name}`;
    if (!now) {
      out.push({ change: 'removed', kind: 'property', path, breaking: true, before: propertyText(p), reason: 'queries selecting, filtering or ordering by it fail' });
      continue;
    }
    const change = propertyChange(p, now);
    if (change) out.push({ change: 'changed', kind: 'property', path, breaking: change.breaking, before: propertyText(p), after: propertyText(now), reason: change.reason });
  }
  for (const [name, p] of newProps) {
    if (oldProps.has(name)) continue;
    const required = !p.type.nullable && p.defaultValue === undefined;
    out.push({
      change: 'added',
      kind: 'property',
      path: `${typePath}/${name}`,
      breaking: required,
      after: propertyText(p),
      ...(required ? { reason: 'a new property that is not nullable and has no default: creates that omit it can fail' } : {}),
    });
  }
}

function propertyText(p: Property): string {
  const facets: string[] = [];
  if (!p.type.nullable) facets.push('not null');
  if (p.type.maxLength !== undefined) facets.push(`max ${p.type.maxLength}`);
  if (p.type.precision !== undefined) facets.push(`precision ${p.type.precision}`);
  if (p.type.scale !== undefined) facets.push(`scale ${p.type.scale}`);
  return facets.length ? `${typeText(p.type)} (${facets.join(', ')})` : typeText(p.type);
}

function propertyChange(before: Property, after: Property): { breaking: boolean; reason: string } | undefined {
  const a = before.type;
  const b = after.type;
  const reasons: string[] = [];
  let breaking = false;
  if (a.name !== b.name || a.collection !== b.collection) {
    reasons.push(`type ${typeText(a)} → ${typeText(b)}`);
    breaking = true;
  }
  if (a.nullable !== b.nullable) {
    reasons.push(b.nullable ? 'now nullable' : 'no longer nullable (writes without it fail)');
    if (!b.nullable) breaking = true;
  }
  if (a.maxLength !== b.maxLength) {
    const shorter = b.maxLength !== undefined && b.maxLength !== 'max' && (a.maxLength === undefined || a.maxLength === 'max' || b.maxLength < a.maxLength);
    reasons.push(`max length ${a.maxLength ?? 'unbounded'} → ${b.maxLength ?? 'unbounded'}`);
    if (shorter) breaking = true;
  }
  if (a.precision !== b.precision) {
    reasons.push(`precision ${a.precision ?? 'default'} → ${b.precision ?? 'default'}`);
    if (b.precision !== undefined && (a.precision === undefined || b.precision < a.precision)) breaking = true;
  }
  if (a.scale !== b.scale) {
    reasons.push(`scale ${a.scale ?? 'default'} → ${b.scale ?? 'default'}`);
    breaking = true;
  }
  return reasons.length ? { breaking, reason: reasons.join('; ') } : undefined;
}

function diffNavigation(typePath: string, oldType: StructuredType, newType: StructuredType, out: SchemaChange[]): void {
  const oldNav = new Map(oldType.navigationProperties.map((n) => [n.name, n]));
  const newNav = new Map(newType.navigationProperties.map((n) => [n.name, n]));
  for (const [name, n] of oldNav) {
    const now = newNav.get(name);
    const path = `${typePath}/${name}`;
    if (!now) {
      out.push({ change: 'removed', kind: 'navigationProperty', path, breaking: true, before: typeText(n.type), reason: '$expand and paths through it fail' });
    } else if (now.type.name !== n.type.name || now.type.collection !== n.type.collection) {
      out.push({
        change: 'changed',
        kind: 'navigationProperty',
        path,
        breaking: true,
        before: typeText(n.type),
        after: typeText(now.type),
        reason: now.type.collection !== n.type.collection ? 'single-valued ↔ collection' : 'the target type changed',
      });
    }
  }
  for (const [name, n] of newNav) if (!oldNav.has(name)) out.push({ change: 'added', kind: 'navigationProperty', path: `${typePath}/${name}`, breaking: false, after: typeText(n.type) });
}

function diffKeys(typePath: string, oldType: StructuredType, newType: StructuredType, before: ModelIndex, after: ModelIndex, out: SchemaChange[]): void {
  const oldKey = before.key(oldType).map((k) => k.name).join(',');
  const newKey = after.key(newType).map((k) => k.name).join(',');
  if (oldKey !== newKey) {
    out.push({ change: 'changed', kind: 'key', path: typePath, breaking: true, before: oldKey || '(none)', after: newKey || '(none)', reason: 'URLs addressing one record by key change' });
  }
  const keyText = (parts: { name: string }[]) => parts.map((p) => p.name).join(',');
  const oldAlt = new Set(before.alternateKeys(oldType).map((k) => keyText(k.parts)));
  const newAlt = new Set(after.alternateKeys(newType).map((k) => keyText(k.parts)));
  for (const k of oldAlt) {
    if (!newAlt.has(k)) out.push({ change: 'removed', kind: 'alternateKey', path: `${typePath}(${k})`, breaking: true, before: k, reason: 'URLs addressing a record by this alternate key fail' });
  }
  for (const k of newAlt) if (!oldAlt.has(k)) out.push({ change: 'added', kind: 'alternateKey', path: `${typePath}(${k})`, breaking: false, after: k });
}

// ---------------------------------------------------------------------------------------------------------
// Enum types
// ---------------------------------------------------------------------------------------------------------

function collectEnums(index: ModelIndex): Map<string, EnumType> {
  const map = new Map<string, EnumType>();
  for (const schema of index.document.schemas) for (const t of schema.enumTypes) map.set(t.fullName, t);
  return map;
}

function diffEnums(oldEnums: Map<string, EnumType>, newEnums: Map<string, EnumType>, oldNames: TypeNames, newNames: TypeNames, out: SchemaChange[]): void {
  for (const [fullName, e] of oldEnums) {
    const now = newEnums.get(fullName);
    const path = oldNames.display(fullName, e.name);
    if (!now) {
      out.push({ change: 'removed', kind: 'enumType', path, breaking: true, before: fullName, reason: 'literals and properties of this enum fail' });
      continue;
    }
    if (e.isFlags !== now.isFlags || e.underlyingType !== now.underlyingType) {
      out.push({
        change: 'changed',
        kind: 'enumType',
        path,
        breaking: true,
        before: `${e.underlyingType}${e.isFlags ? ' flags' : ''}`,
        after: `${now.underlyingType}${now.isFlags ? ' flags' : ''}`,
        reason: 'the enum’s underlying type or flags changed',
      });
    }
    const oldMembers = new Map(e.members.map((m) => [m.name, m.value]));
    const newMembers = new Map(now.members.map((m) => [m.name, m.value]));
    for (const [name, value] of oldMembers) {
      const v = newMembers.get(name);
      if (v === undefined) out.push({ change: 'removed', kind: 'enumMember', path: `${path}/${name}`, breaking: true, before: String(value), reason: 'filters and writes using this member fail' });
      else if (v !== value) out.push({ change: 'changed', kind: 'enumMember', path: `${path}/${name}`, breaking: true, before: String(value), after: String(v), reason: 'the member’s value changed' });
    }
    for (const [name, value] of newMembers) if (!oldMembers.has(name)) out.push({ change: 'added', kind: 'enumMember', path: `${path}/${name}`, breaking: false, after: String(value) });
  }
  for (const [fullName, e] of newEnums) if (!oldEnums.has(fullName)) out.push({ change: 'added', kind: 'enumType', path: newNames.display(fullName, e.name), breaking: false, after: fullName });
}

// ---------------------------------------------------------------------------------------------------------
// Operations (actions and functions): one entry per overload, named by its binding where it has one
// ---------------------------------------------------------------------------------------------------------

function operationKey(op: Operation): string {
  if (!op.isBound) return op.fullName;
  const binding = op.parameters[0];
  return binding ? `${op.fullName}(${typeText(binding.type)})` : op.fullName;
}

function collectOperations(index: ModelIndex): Map<string, Operation> {
  const map = new Map<string, Operation>();
  for (const schema of index.document.schemas) {
    for (const op of schema.operations) {
      let key = operationKey(op);
      // Unbound function overloads differ by their parameters' names.
      if (map.has(key)) key = `${key}[${op.parameters.map((p) => p.name).join(',')}]`;
      map.set(key, op);
    }
  }
  return map;
}

function signature(op: Operation): string {
  const params = op.parameters.slice(op.isBound ? 1 : 0).map((p) => `${p.name}: ${typeText(p.type)}${p.type.nullable ? '' : '!'}`);
  return `${op.kind} (${params.join(', ')})${op.returnType ? ` → ${typeText(op.returnType)}` : ''}`;
}

function diffOperations(before: ModelIndex, after: ModelIndex, out: SchemaChange[]): void {
  const oldOps = collectOperations(before);
  const newOps = collectOperations(after);
  for (const [key, op] of oldOps) {
    const now = newOps.get(key);
    if (!now) {
      out.push({ change: 'removed', kind: 'operation', path: key, breaking: true, before: signature(op), reason: 'calls to this operation fail' });
      continue;
    }
    const reasons: string[] = [];
    let breaking = false;
    if (op.kind !== now.kind) {
      reasons.push(`${op.kind} → ${now.kind} (called with ${now.kind === 'Action' ? 'POST' : 'GET'} now)`);
      breaking = true;
    }
    const oldParams = new Map<string, Parameter>(op.parameters.slice(op.isBound ? 1 : 0).map((p) => [p.name, p]));
    const newParams = new Map<string, Parameter>(now.parameters.slice(now.isBound ? 1 : 0).map((p) => [p.name, p]));
    for (const [name, p] of oldParams) {
      const q = newParams.get(name);
      if (!q) {
        reasons.push(`parameter ${name} removed`);
        breaking = true;
      } else if (typeText(p.type) !== typeText(q.type)) {
        reasons.push(`parameter ${name}: ${typeText(p.type)} → ${typeText(q.type)}`);
        breaking = true;
      } else if (p.type.nullable && !q.type.nullable) {
        reasons.push(`parameter ${name} now required`);
        breaking = true;
      }
    }
    for (const [name, q] of newParams) {
      if (oldParams.has(name)) continue;
      reasons.push(`parameter ${name} added${q.type.nullable ? '' : ' (required)'}`);
      if (!q.type.nullable) breaking = true;
    }
    const oldReturn = op.returnType ? typeText(op.returnType) : '';
    const newReturn = now.returnType ? typeText(now.returnType) : '';
    if (oldReturn !== newReturn) {
      reasons.push(`returns ${oldReturn || 'nothing'} → ${newReturn || 'nothing'}`);
      breaking = true;
    }
    if (reasons.length) out.push({ change: 'changed', kind: 'operation', path: key, breaking, before: signature(op), after: signature(now), reason: reasons.join('; ') });
  }
  for (const [key, op] of newOps) if (!oldOps.has(key)) out.push({ change: 'added', kind: 'operation', path: key, breaking: false, after: signature(op) });
}
