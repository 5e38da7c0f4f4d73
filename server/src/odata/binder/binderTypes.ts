/**
 * What the binder produces: the type of each part of a URL, the scopes completion needs, and what every
 * name resolved to (for hover and go-to-definition).
 */
import type { Flavor, ODataDiagnostic } from '../diagnosticCodes';
import type {
  EntitySet,
  EnumMember,
  EnumType,
  FunctionImport,
  ActionImport,
  NavigationProperty,
  Operation,
  Parameter,
  Property,
  Singleton,
  StructuredType,
} from '../csdl/model';
import type { LookupProperty } from '../csdl/modelIndex';
import type { ODataUri, Span } from '../uri/ast';

/**
 * The type of a value in a URL. `name` is the qualified type name (`Edm.String`,
 * `Microsoft.Dynamics.CRM.account`), `null` for the `null` literal, and undefined when unknown
 * (unknown types never produce follow-up errors).
 */
export interface TypeInfo {
  name?: string;
  collection: boolean;
  structured?: StructuredType;
  enumType?: EnumType;
  /** Set for a literal (its value as parsed), so a GUID-as-string or an enum string can be recognised. */
  literal?: { type: string; value: unknown };
}

export type BindOptions = {
  flavor: Flavor;
  /** Search did-you-mean suggestions for unknown names (default true; completion, which needs no diagnostics, turns it off). */
  suggestions?: boolean;
  /** The pure OASIS rules: what a flavour tolerates beyond them (e.g. Dataverse's quoted numbers) is an error. */
  strict?: boolean;
};

export type ScopeKind =
  | 'path'
  | 'key'
  | 'arguments'
  | 'select'
  | 'expand'
  | 'filter'
  | 'orderby'
  | 'apply'
  | 'compute'
  | 'search'
  | 'lambda'
  | 'alias'
  | 'options';

/** A region of the URL and the type names are resolved against there. */
export interface ScopeEntry {
  kind: ScopeKind;
  span: Span;
  /**
   * The structured type that names are resolved against: for `path` scopes the type BEFORE the segment
   * (undefined at the service root, where entity sets are expected); for options the element type of the
   * resource or of the expanded navigation property.
   */
  type: StructuredType | undefined;
  /** For `path` scopes: whether the previous segment addressed a collection (keys/casts/bound ops apply). */
  collection?: boolean;
  entitySet?: EntitySet | Singleton;
  /** Lambda variables visible here (outer ones included), by name. */
  lambdaVariables: Map<string, TypeInfo>;
  /** `$compute` / `$apply` aliases visible here. */
  aliases?: Map<string, TypeInfo>;
  /** 0 for the URL's own options, 1 inside a first-level `$expand(...)`, etc. */
  expandDepth: number;
}

export type ResolutionKind =
  | 'entitySet'
  | 'singleton'
  | 'functionImport'
  | 'actionImport'
  | 'property'
  | 'navigation'
  | 'lookup'
  | 'operation'
  | 'parameter'
  | 'function'
  | 'type'
  | 'enumMember'
  | 'key'
  | 'alias'
  | 'lambdaVariable'
  | 'computedAlias'
  | 'keyword';

export type ResolutionTarget =
  | EntitySet
  | Singleton
  | FunctionImport
  | ActionImport
  | Property
  | NavigationProperty
  | LookupProperty
  | Operation
  | Parameter
  | StructuredType
  | EnumType
  | EnumMember
  | CanonicalFunctionRef;

/** A canonical (built-in) function such as `contains`, as a resolution target. */
export interface CanonicalFunctionRef {
  kind: 'CanonicalFunction';
  name: string;
  signature: string;
}

/** What one name in the URL resolved to. */
export interface Resolution {
  span: Span;
  kind: ResolutionKind;
  name: string;
  target?: ResolutionTarget;
  /** The type of the value the name stands for, when known. */
  type?: TypeInfo;
  /** The type the name was looked up on (the declaring context), when any. */
  declaringType?: StructuredType;
}

/** The result of resolving one resource path segment. */
export interface BoundSegment {
  span: Span;
  kind: ResolutionKind | 'count' | 'ref' | 'value' | 'unknown';
  type: TypeInfo;
  entitySet?: EntitySet | Singleton;
}

export interface BoundUri {
  uri: ODataUri;
  flavor: Flavor;
  segments: BoundSegment[];
  /** Type addressed by the whole resource path (unknown when a segment failed). */
  resultType: TypeInfo;
  /** Entity set (or singleton) the result belongs to, when known. */
  entitySet?: EntitySet | Singleton;
  diagnostics: ODataDiagnostic[];
  scopes: ScopeEntry[];
  resolutions: Resolution[];
}

export const unknownType: TypeInfo = Object.freeze({ collection: false }) as TypeInfo;
