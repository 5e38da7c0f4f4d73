/**
 * The model index: fast name lookups over a CsdlDocument, used by the binder, completion and the tree.
 * Contract first; the implementation follows below this interface in this file.
 */
import type {
  Annotation,
  CsdlDocument,
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
