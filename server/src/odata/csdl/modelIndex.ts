/**
 * The model index: fast name lookups over a CsdlDocument, used by the binder, completion and the tree.
 * Contract first; the implementation is in three layers beside this file: modelNames.ts (names, containers,
 * operations), modelMembers.ts (inheritance, members, keys, bindings, Dataverse lookups) and
 * modelAnnotations.ts (annotations, descriptions, alternate keys). `validateModel` follows the contract here.
 */
import type {
  Annotation,
  CsdlDocument,
  CsdlError,
  EntityContainer,
  EntitySet,
  EnumType,
  FunctionImport,
  ActionImport,
  NavigationProperty,
  Operation,
  Property,
  PropertyRef,
  SchemaType,
  Singleton,
  StructuredType,
  TypeRef,
} from './model';
import { ModelIndexImpl } from './modelAnnotations';


/** A Dataverse lookup property `_x_value` tied to its single-valued navigation property. */
export interface LookupProperty {
  /** e.g. `_primarycontactid_value` */
  name: string;
  property: Property;
  /** The navigation property(ies) this lookup stands for (several for polymorphic lookups such as customerid). */
  navigationProperties: NavigationProperty[];
}

export interface AlternateKey {
  /** Key parts (property paths and optional aliases). */
  parts: PropertyRef[];
  /** Where it came from: `OData.Community.Keys.V1.AlternateKeys` or `Core.AlternateKeys`. */
  source: string;
}

export interface ModelIndex {
  readonly document: CsdlDocument;
  /** The first (or only) entity container. */
  readonly container: EntityContainer | undefined;

  /** Resolve a qualified or alias-qualified name (`mscrm.account`) to its namespace-qualified form; unknown alias -> input. */
  qualify(name: string): string;
  /** Look up a schema type (entity, complex, enum, type definition) by qualified or aliased name. */
  findType(name: string): SchemaType | undefined;
  findStructuredType(name: string): StructuredType | undefined;
  findEnumType(name: string): EnumType | undefined;
  /** True for `Edm.*` primitive names (including abstract ones like Edm.PrimitiveType, Edm.Geography*). */
  isPrimitive(name: string): boolean;

  entitySets(): readonly EntitySet[];
  singletons(): readonly Singleton[];
  functionImports(): readonly FunctionImport[];
  actionImports(): readonly ActionImport[];
  findEntitySet(name: string): EntitySet | undefined;
  findSingleton(name: string): Singleton | undefined;
  findFunctionImport(name: string): FunctionImport | undefined;
  findActionImport(name: string): ActionImport | undefined;

  /** Base type chain, nearest first (excludes the type itself). */
  baseTypes(type: StructuredType): StructuredType[];
  /** All types deriving (directly or not) from this one. */
  derivedTypes(type: StructuredType): StructuredType[];
  /** Declared + inherited structural properties, base-most first. */
  properties(type: StructuredType): Property[];
  navigationProperties(type: StructuredType): NavigationProperty[];
  findProperty(type: StructuredType, name: string): Property | undefined;
  findNavigationProperty(type: StructuredType, name: string): NavigationProperty | undefined;
  /** Key property refs, inherited from the base type chain when not declared. */
  key(type: StructuredType): PropertyRef[];
  alternateKeys(type: StructuredType): AlternateKey[];

  /** All overloads of an action or function by qualified or aliased name. */
  findOperations(name: string): Operation[];
  /**
   * Operations bindable to a type: binding parameter type equals `bindingType` or one of its base types,
   * with matching collection-ness.
   */
  boundOperations(bindingType: string, isCollection: boolean): Operation[];
  /** Unbound operations reachable through imports. */
  operationImports(): (FunctionImport | ActionImport)[];

  /** Entity set reached by following a navigation property from an entity set (navigation property bindings). */
  navigationTarget(source: EntitySet | Singleton, navigationPath: string): EntitySet | Singleton | undefined;
  /** Entity set for an entity type when exactly one set is typed by it (handy when bindings are missing). */
  entitySetsOfType(typeName: string): EntitySet[];

  /** Dataverse lookups (`_x_value`) of a type, by name. */
  lookupProperties(type: StructuredType): LookupProperty[];
  findLookupProperty(type: StructuredType, name: string): LookupProperty | undefined;

  /**
   * Annotations on a model element by target path (`Namespace.Type`, `Namespace.Type/Property`,
   * `Namespace.Container/EntitySet`), merging inline and external `Annotations` blocks.
   */
  annotationsFor(target: string): Annotation[];
  /** Convenience: `Core.Description` (or Dataverse long description) of a target, if any. */
  description(target: string): string | undefined;

  /** Resolve a type reference to its schema type (undefined for primitives or unknown). */
  resolveTypeRef(ref: TypeRef): SchemaType | undefined;
}

/** Term names the index understands, each declared in the layer that reads it. */
export {
  TERM_CORE_DESCRIPTION,
  TERM_CORE_LONG_DESCRIPTION,
  TERM_COMMUNITY_ALTERNATE_KEYS,
  TERM_CORE_ALTERNATE_KEYS,
} from './modelAnnotations';
export { TERM_CRM_LOOKUP_LOGICAL_NAME, TERM_CRM_ASSOCIATED_NAVIGATION_PROPERTY } from './modelMembers';

/** Build the index over a document. Cheap: maps of names only; inherited members are computed on first use. */
export function createModelIndex(doc: CsdlDocument): ModelIndex {
  return new ModelIndexImpl(doc);
}

/**
 * Check the references inside a model: unknown property/parameter/return types, base types, entity set
 * types, navigation property binding targets, import targets, duplicate type names. Returns errors as data.
 */
export function validateModel(index: ModelIndex): CsdlError[] {
  const impl = index instanceof ModelIndexImpl ? index : new ModelIndexImpl(index.document);
  const out: CsdlError[] = [...impl.indexErrors];
  const unresolved = (what: string, name: string, position: CsdlError['position']): void => {
    const e: CsdlError = { code: 'unresolved-type', message: `${what} refers to the unknown type ${name}.`, severity: 'error' };
    if (position !== undefined) e.position = position;
    out.push(e);
  };
  for (const schema of impl.document.schemas) {
    for (const t of [...schema.entityTypes, ...schema.complexTypes]) {
      if (t.baseType !== undefined) {
        const base = impl.findStructuredType(t.baseType);
        if (base === undefined) unresolved(`The base type of ${t.fullName}`, t.baseType, t.position);
        else if (base.kind !== t.kind) {
          out.push({
            code: 'unresolved-type',
            message: `${t.fullName} (${t.kind}) derives from ${base.fullName}, which is a ${base.kind}.`,
            position: t.position,
            severity: 'error',
          });
        }
      }
      for (const p of t.properties) {
        if (!impl.isKnownTypeName(p.type.name)) unresolved(`Property ${t.name}.${p.name}`, p.type.name, p.position);
      }
      for (const n of t.navigationProperties) {
        const target = impl.findType(n.type.name);
        if (target === undefined || target.kind !== 'EntityType') {
          if (!impl.isKnownTypeName(n.type.name) || target !== undefined) {
            unresolved(`Navigation property ${t.name}.${n.name}`, n.type.name, n.position);
          }
        }
      }
    }
    for (const td of schema.typeDefinitions) {
      if (!impl.isPrimitive(td.underlyingType.name)) unresolved(`Type definition ${td.fullName}`, td.underlyingType.name, td.position);
    }
    for (const op of schema.operations) {
      for (const p of op.parameters) {
        if (!impl.isKnownTypeName(p.type.name)) unresolved(`Parameter ${p.name} of ${op.fullName}`, p.type.name, op.position);
      }
      if (op.returnType !== undefined && !impl.isKnownTypeName(op.returnType.name)) {
        unresolved(`The return type of ${op.fullName}`, op.returnType.name, op.position);
      }
    }
    const c = schema.entityContainer;
    if (c === undefined) continue;
    for (const s of c.entitySets) {
      if (impl.findStructuredType(s.entityType)?.kind !== 'EntityType') unresolved(`Entity set ${s.name}`, s.entityType, s.position);
      checkBindings(impl, s, out);
    }
    for (const s of c.singletons) {
      if (impl.findStructuredType(s.type)?.kind !== 'EntityType') unresolved(`Singleton ${s.name}`, s.type, s.position);
      checkBindings(impl, s, out);
    }
    for (const a of c.actionImports) {
      if (!impl.findOperations(a.action).some((o) => o.kind === 'Action')) {
        out.push({ code: 'unresolved-reference', message: `Action import ${a.name} refers to the unknown action ${a.action}.`, position: a.position, severity: 'error' });
      }
    }
    for (const f of c.functionImports) {
      if (!impl.findOperations(f.function).some((o) => o.kind === 'Function')) {
        out.push({
          code: 'unresolved-reference',
          message: `Function import ${f.name} refers to the unknown function ${f.function}.`,
          position: f.position,
          severity: 'error',
        });
      }
    }
  }
  return out;
}

function checkBindings(impl: ModelIndexImpl, source: EntitySet | Singleton, out: CsdlError[]): void {
  for (const b of source.navigationPropertyBindings) {
    if (impl.resolveBindingTarget(b.target) !== undefined) continue;
    // Containment paths (`Set/nav`, `Container/Set/nav`) name no entity set: accept them when their head resolves.
    const segments = b.target.split('/');
    if (segments.length > 1) {
      const head = segments.length > 2 ? segments[1] : segments[0];
      if (impl.findEntitySet(head) !== undefined || impl.findSingleton(head) !== undefined) continue;
    }
    // Real Dataverse metadata binds `ownerid` to `owners`, which is no entity set: a warning, not an error.
    out.push({
      code: 'unresolved-reference',
      message: `The navigation property binding ${source.name}/${b.path} targets ${b.target}, which is not an entity set or singleton.`,
      position: source.position,
      severity: 'warning',
    });
  }
}