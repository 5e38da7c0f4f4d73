/**
 * The CSDL model: what an OData service's `$metadata` describes, as plain data.
 *
 * Produced by `readCsdl()` (csdlReader.ts) and queried through `ModelIndex` (modelIndex.ts).
 * Names are always stored qualified with the schema's namespace (never its alias);
 * type references are resolved to the qualified name at read time where the alias is known.
 * Pure data: no I/O, no VS Code.
 */

/** A position in the XML text (1-based line and column, 0-based offset). */
export interface XmlPosition {
  line: number;
  column: number;
  offset: number;
}

export type CsdlErrorCode =
  | 'xml-malformed' // the XML itself is not well-formed
  | 'not-edmx' // the root element is not edmx:Edmx / the document is not CSDL
  | 'unsupported-version'
  | 'missing-attribute' // a required attribute (Name, Type…) is missing
  | 'unresolved-type' // a type reference names no known type
  | 'unresolved-reference' // a referenced/included schema is not available
  | 'duplicate-name';

export interface CsdlError {
  code: CsdlErrorCode;
  message: string;
  position?: XmlPosition;
  severity: 'error' | 'warning';
}

/** A reference to a type: `Edm.String`, `Microsoft.Dynamics.CRM.account`, `Collection(...)` unwrapped. */
export interface TypeRef {
  /** Qualified name (alias resolved), e.g. `Edm.Decimal`, `Microsoft.Dynamics.CRM.account`. */
  name: string;
  collection: boolean;
  /** Defaults to true for properties/parameters, as in CSDL. */
  nullable: boolean;
  maxLength?: number | 'max';
  precision?: number;
  scale?: number | 'variable' | 'floating';
  srid?: string;
  unicode?: boolean;
}

/** An annotation value, as read from CSDL constant and dynamic expressions. */
export type AnnotationValue =
  | string
  | number
  | boolean
  | null
  | { $path: string }
  | { $enumMember: string }
  | { $record: Record<string, AnnotationValue>; $type?: string }
  | AnnotationValue[];

export interface Annotation {
  /** Qualified term name, alias resolved, e.g. `Org.OData.Core.V1.Description`. */
  term: string;
  qualifier?: string;
  value: AnnotationValue;
}

export interface Annotated {
  annotations: Annotation[];
}

export interface Property extends Annotated {
  kind: 'Property';
  name: string;
  type: TypeRef;
  defaultValue?: string;
  position?: XmlPosition;
}

export interface ReferentialConstraint {
  property: string;
  referencedProperty: string;
}

export interface NavigationProperty extends Annotated {
  kind: 'NavigationProperty';
  name: string;
  /** Target entity type (qualified); `collection` for many-valued navigation. */
  type: TypeRef;
  partner?: string;
  containsTarget: boolean;
  referentialConstraints: ReferentialConstraint[];
  onDelete?: string;
  position?: XmlPosition;
}

export interface PropertyRef {
  /** Property path (may contain `/` into complex properties). */
  name: string;
  alias?: string;
}

export interface StructuredType extends Annotated {
  kind: 'EntityType' | 'ComplexType';
  name: string;
  namespace: string;
  /** `namespace.name` */
  fullName: string;
  /** Qualified name of the base type, if any. */
  baseType?: string;
  abstract: boolean;
  openType: boolean;
  hasStream: boolean;
  /** Declared key (entity types only; inherited keys come through the index). */
  key?: PropertyRef[];
  properties: Property[];
  navigationProperties: NavigationProperty[];
  position?: XmlPosition;
}

export interface EnumMember extends Annotated {
  name: string;
  value: number;
}

export interface EnumType extends Annotated {
  kind: 'EnumType';
  name: string;
  namespace: string;
  fullName: string;
  underlyingType: string;
  isFlags: boolean;
  members: EnumMember[];
  position?: XmlPosition;
}

export interface TypeDefinition extends Annotated {
  kind: 'TypeDefinition';
  name: string;
  namespace: string;
  fullName: string;
  underlyingType: TypeRef;
  position?: XmlPosition;
}

export interface Parameter extends Annotated {
  name: string;
  type: TypeRef;
}

export interface Operation extends Annotated {
  kind: 'Action' | 'Function';
  name: string;
  namespace: string;
  fullName: string;
  isBound: boolean;
  isComposable: boolean;
  entitySetPath?: string;
  /** For bound operations the first parameter is the binding parameter. */
  parameters: Parameter[];
  returnType?: TypeRef;
  position?: XmlPosition;
}

export interface NavigationPropertyBinding {
  path: string;
  target: string;
}

export interface EntitySet extends Annotated {
  kind: 'EntitySet';
  name: string;
  /** Qualified entity type name. */
  entityType: string;
  includeInServiceDocument: boolean;
  navigationPropertyBindings: NavigationPropertyBinding[];
  position?: XmlPosition;
}

export interface Singleton extends Annotated {
  kind: 'Singleton';
  name: string;
  type: string;
  navigationPropertyBindings: NavigationPropertyBinding[];
  position?: XmlPosition;
}

export interface ActionImport extends Annotated {
  kind: 'ActionImport';
  name: string;
  /** Qualified action name. */
  action: string;
  entitySet?: string;
  position?: XmlPosition;
}

export interface FunctionImport extends Annotated {
  kind: 'FunctionImport';
  name: string;
  /** Qualified function name. */
  function: string;
  entitySet?: string;
  includeInServiceDocument: boolean;
  position?: XmlPosition;
}

export interface EntityContainer extends Annotated {
  name: string;
  namespace: string;
  fullName: string;
  extends?: string;
  entitySets: EntitySet[];
  singletons: Singleton[];
  actionImports: ActionImport[];
  functionImports: FunctionImport[];
}

export interface Term extends Annotated {
  kind: 'Term';
  name: string;
  namespace: string;
  fullName: string;
  type: TypeRef;
  baseTerm?: string;
  appliesTo?: string[];
  defaultValue?: string;
}

/** An external `<Annotations Target="...">` block, with the target's alias resolved. */
export interface AnnotationsBlock {
  target: string;
  qualifier?: string;
  annotations: Annotation[];
}

export interface Schema {
  namespace: string;
  alias?: string;
  entityTypes: StructuredType[];
  complexTypes: StructuredType[];
  enumTypes: EnumType[];
  typeDefinitions: TypeDefinition[];
  operations: Operation[];
  terms: Term[];
  entityContainer?: EntityContainer;
  annotations: AnnotationsBlock[];
}

export interface ReferenceInclude {
  namespace: string;
  alias?: string;
}

export interface Reference {
  uri: string;
  includes: ReferenceInclude[];
  includeAnnotations: { termNamespace: string; qualifier?: string; targetNamespace?: string }[];
}

export interface CsdlDocument {
  /** `4.0` or `4.01` as declared on edmx:Edmx. */
  version: string;
  references: Reference[];
  schemas: Schema[];
  /** Everything that went wrong; the rest of the document is still read. */
  errors: CsdlError[];
}

export type SchemaType = StructuredType | EnumType | TypeDefinition;

/** Edm primitive type names, qualified. */
export type PrimitiveTypeName = `Edm.${string}`;
