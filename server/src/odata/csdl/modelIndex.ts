/**
 * The model index: fast name lookups over a CsdlDocument, used by the binder, completion and the tree.
 * Contract first; the implementation follows below this interface in this file.
 */
import type {
  Annotation,
  AnnotationValue,
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
  Term,
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

// ===================================================================================== implementation

/** Term names the index understands (always stored alias-resolved by the reader). */
export const TERM_CORE_DESCRIPTION = 'Org.OData.Core.V1.Description';
export const TERM_CORE_LONG_DESCRIPTION = 'Org.OData.Core.V1.LongDescription';
export const TERM_COMMUNITY_ALTERNATE_KEYS = 'OData.Community.Keys.V1.AlternateKeys';
export const TERM_CORE_ALTERNATE_KEYS = 'Org.OData.Core.V1.AlternateKeys';
export const TERM_CRM_LOOKUP_LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';
export const TERM_CRM_ASSOCIATED_NAVIGATION_PROPERTY = 'Microsoft.Dynamics.CRM.associatednavigationproperty';

/** A target path whose tokens (what `qualifyPath` qualifies) are exactly its `/`-separated segments. */
const SIMPLE_PATH = /^[^(),@#\s]*$/;

const PRIMITIVE_NAMES = new Set<string>([
  'Edm.Binary',
  'Edm.Boolean',
  'Edm.Byte',
  'Edm.Date',
  'Edm.DateTimeOffset',
  'Edm.Decimal',
  'Edm.Double',
  'Edm.Duration',
  'Edm.Guid',
  'Edm.Int16',
  'Edm.Int32',
  'Edm.Int64',
  'Edm.SByte',
  'Edm.Single',
  'Edm.Stream',
  'Edm.String',
  'Edm.TimeOfDay',
  'Edm.Geography',
  'Edm.GeographyPoint',
  'Edm.GeographyLineString',
  'Edm.GeographyPolygon',
  'Edm.GeographyMultiPoint',
  'Edm.GeographyMultiLineString',
  'Edm.GeographyMultiPolygon',
  'Edm.GeographyCollection',
  'Edm.Geometry',
  'Edm.GeometryPoint',
  'Edm.GeometryLineString',
  'Edm.GeometryPolygon',
  'Edm.GeometryMultiPoint',
  'Edm.GeometryMultiLineString',
  'Edm.GeometryMultiPolygon',
  'Edm.GeometryCollection',
  'Edm.PrimitiveType',
  // Abstract path types used by vocabularies.
  'Edm.AnnotationPath',
  'Edm.PropertyPath',
  'Edm.NavigationPropertyPath',
  'Edm.AnyPropertyPath',
  'Edm.ModelElementPath',
]);

/** Abstract Edm types that are not primitive but are valid type references (`Edm.EntityType`, `Edm.Untyped`, ...). */
const ABSTRACT_EDM_NAMES = new Set<string>(['Edm.Untyped', 'Edm.EntityType', 'Edm.ComplexType']);

interface TypeInfo {
  bases?: StructuredType[];
  derived?: StructuredType[];
  properties?: Property[];
  navigationProperties?: NavigationProperty[];
  propertyMap?: Map<string, Property>;
  navigationMap?: Map<string, NavigationProperty>;
  alternateKeys?: AlternateKey[];
  lookups?: LookupProperty[];
  lookupMap?: Map<string, LookupProperty>;
}

interface SourceInfo {
  /** Requested path -> resolved target (null: known not to resolve). */
  resolved: Map<string, EntitySet | Singleton | null>;
  /** Binding path -> target text, as declared (alias-resolved by the reader). */
  bindings: Map<string, string>;
  /** Binding path without type-cast segments -> target text (first wins). */
  uncast?: Map<string, string>;
}

/** Shared empty result; frozen so that a caller mutating a result cannot corrupt the index. */
const EMPTY: never[] = Object.freeze([]) as unknown as never[];

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Drop type-cast segments (those with a dot) from a path: `Ns.Derived/nav` -> `nav`. */
function stripCasts(path: string): string {
  if (path.indexOf('.') < 0) return path;
  return path
    .split('/')
    .filter((s) => s.indexOf('.') < 0)
    .join('/');
}

class ModelIndexImpl implements ModelIndex {
  readonly document: CsdlDocument;
  readonly container: EntityContainer | undefined;

  /** alias -> namespace (schema aliases and reference include aliases). */
  private readonly aliases = new Map<string, string>();
  private readonly namespaces = new Set<string>();
  private readonly referencedNamespaces = new Set<string>();
  private readonly types = new Map<string, SchemaType>();
  private readonly terms = new Map<string, Term>();
  private readonly containers = new Map<string, EntityContainer>();
  private readonly operations = new Map<string, Operation[]>();
  /** `${bindingType}|1` (collection) / `${bindingType}|0` -> operations declared bound to exactly that type. */
  private readonly boundDeclared = new Map<string, Operation[]>();
  private readonly boundCache = new Map<string, Operation[]>();
  private readonly setMap = new Map<string, EntitySet>();
  private readonly singletonMap = new Map<string, Singleton>();
  private readonly functionImportMap = new Map<string, FunctionImport>();
  private readonly actionImportMap = new Map<string, ActionImport>();
  private readonly setList: EntitySet[] = [];
  private readonly singletonList: Singleton[] = [];
  private readonly functionImportList: FunctionImport[] = [];
  private readonly actionImportList: ActionImport[] = [];
  private readonly setsByType = new Map<string, EntitySet[]>();
  /** External `Annotations` blocks by (alias-resolved) target. */
  private readonly external = new Map<string, Annotation[]>();
  private readonly typeInfos = new Map<StructuredType, TypeInfo>();
  private readonly sourceInfos = new Map<EntitySet | Singleton, SourceInfo>();
  private directDerived: Map<string, StructuredType[]> | undefined;
  /** Problems found while indexing (duplicate names); reported by validateModel. */
  readonly indexErrors: CsdlError[] = [];

  constructor(doc: CsdlDocument) {
    this.document = doc;
    for (const ref of doc.references) {
      for (const inc of ref.includes) {
        this.referencedNamespaces.add(inc.namespace);
        if (inc.alias !== undefined && !this.aliases.has(inc.alias)) this.aliases.set(inc.alias, inc.namespace);
      }
    }
    let first: EntityContainer | undefined;
    for (const schema of doc.schemas) {
      this.namespaces.add(schema.namespace);
      if (schema.alias !== undefined) this.aliases.set(schema.alias, schema.namespace);
      for (const t of schema.entityTypes) this.addType(t);
      for (const t of schema.complexTypes) this.addType(t);
      for (const t of schema.enumTypes) this.addType(t);
      for (const t of schema.typeDefinitions) this.addType(t);
      for (const t of schema.terms) this.terms.set(t.fullName, t);
      for (const op of schema.operations) {
        pushTo(this.operations, op.fullName, op);
        if (op.isBound && op.parameters.length > 0) {
          const bt = op.parameters[0].type;
          pushTo(this.boundDeclared, bt.name + (bt.collection ? '|1' : '|0'), op);
        }
      }
      const c = schema.entityContainer;
      if (c !== undefined) {
        this.containers.set(c.fullName, c);
        if (first === undefined) first = c;
      }
      for (const block of schema.annotations) {
        let anns = block.annotations;
        if (block.qualifier !== undefined) {
          const q = block.qualifier;
          anns = anns.map((a) => (a.qualifier === undefined ? { ...a, qualifier: q } : a));
        }
        const existing = this.external.get(block.target);
        if (existing === undefined) this.external.set(block.target, anns.slice());
        else existing.push(...anns);
      }
    }
    this.container = first;
    // The main container, the ones it extends, then any other container (names already taken are skipped).
    const seen = new Set<EntityContainer>();
    let c = first;
    while (c !== undefined && !seen.has(c)) {
      this.addContainer(c);
      seen.add(c);
      c = c.extends !== undefined ? this.containers.get(c.extends) : undefined;
    }
    for (const other of this.containers.values()) if (!seen.has(other)) this.addContainer(other);
  }

  private addType(t: SchemaType): void {
    if (this.types.has(t.fullName)) {
      this.indexErrors.push({
        code: 'duplicate-name',
        message: `The type ${t.fullName} is declared more than once; the first declaration is used.`,
        position: t.position,
        severity: 'error',
      });
      return;
    }
    this.types.set(t.fullName, t);
  }

  private addContainer(c: EntityContainer): void {
    for (const s of c.entitySets) {
      if (this.setMap.has(s.name)) continue;
      this.setMap.set(s.name, s);
      this.setList.push(s);
      pushTo(this.setsByType, s.entityType, s);
    }
    for (const s of c.singletons) {
      if (this.singletonMap.has(s.name)) continue;
      this.singletonMap.set(s.name, s);
      this.singletonList.push(s);
    }
    for (const f of c.functionImports) {
      if (this.functionImportMap.has(f.name)) continue;
      this.functionImportMap.set(f.name, f);
      this.functionImportList.push(f);
    }
    for (const a of c.actionImports) {
      if (this.actionImportMap.has(a.name)) continue;
      this.actionImportMap.set(a.name, a);
      this.actionImportList.push(a);
    }
  }

  // ------------------------------------------------------------------ names

  qualify(name: string): string {
    const dot = name.lastIndexOf('.');
    if (dot <= 0) return name;
    if (name.charCodeAt(name.length - 1) === 0x29 /* ) */ && name.startsWith('Collection(')) {
      return `Collection(${this.qualify(name.slice(11, -1))})`;
    }
    const ns = this.aliases.get(name.slice(0, dot));
    return ns === undefined ? name : ns + name.slice(dot);
  }

  /** Resolve aliases in every qualified segment of a target path (`mscrm.account/name`, `A.Op(A.T)/p`). */
  qualifyPath(path: string): string {
    if (path.indexOf('.') < 0) return path;
    // The common shape (`Ns.Type/member/member`): its segments are its tokens, qualified without a regex.
    if (SIMPLE_PATH.test(path)) {
      const slash = path.indexOf('/');
      if (slash < 0) return this.qualify(path);
      const segments = path.split('/');
      for (let i = 0; i < segments.length; i++) if (segments[i].indexOf('.') >= 0) segments[i] = this.qualify(segments[i]);
      return segments.join('/');
    }
    return path.replace(/[^/(),@#\s]+/g, (token) => (token.indexOf('.') < 0 ? token : this.qualify(token)));
  }

  findType(name: string): SchemaType | undefined {
    const t = this.types.get(name);
    if (t !== undefined) return t;
    const q = this.qualify(name);
    return q === name ? undefined : this.types.get(q);
  }

  findStructuredType(name: string): StructuredType | undefined {
    const t = this.findType(name);
    return t !== undefined && (t.kind === 'EntityType' || t.kind === 'ComplexType') ? t : undefined;
  }

  findEnumType(name: string): EnumType | undefined {
    const t = this.findType(name);
    return t !== undefined && t.kind === 'EnumType' ? t : undefined;
  }

  /** Look up a vocabulary term declared in this document (qualified or aliased name). */
  findTerm(name: string): Term | undefined {
    return this.terms.get(name) ?? this.terms.get(this.qualify(name));
  }

  isPrimitive(name: string): boolean {
    return PRIMITIVE_NAMES.has(name);
  }

  /** Every entity and complex type of the document, in document order. */
  structuredTypes(): StructuredType[] {
    const out: StructuredType[] = [];
    for (const t of this.types.values()) if (t.kind === 'EntityType' || t.kind === 'ComplexType') out.push(t);
    return out;
  }

  /** The entity type of an entity set or singleton. */
  entityTypeOf(source: EntitySet | Singleton): StructuredType | undefined {
    return this.findStructuredType(source.kind === 'EntitySet' ? source.entityType : source.type);
  }

  // ------------------------------------------------------------------ container

  entitySets(): readonly EntitySet[] {
    return this.setList;
  }
  singletons(): readonly Singleton[] {
    return this.singletonList;
  }
  functionImports(): readonly FunctionImport[] {
    return this.functionImportList;
  }
  actionImports(): readonly ActionImport[] {
    return this.actionImportList;
  }
  findEntitySet(name: string): EntitySet | undefined {
    return this.setMap.get(name);
  }
  findSingleton(name: string): Singleton | undefined {
    return this.singletonMap.get(name);
  }
  findFunctionImport(name: string): FunctionImport | undefined {
    return this.functionImportMap.get(name);
  }
  findActionImport(name: string): ActionImport | undefined {
    return this.actionImportMap.get(name);
  }

  // ------------------------------------------------------------------ inheritance

  private info(type: StructuredType): TypeInfo {
    let info = this.typeInfos.get(type);
    if (info === undefined) {
      info = {};
      this.typeInfos.set(type, info);
    }
    return info;
  }

  baseTypes(type: StructuredType): StructuredType[] {
    if (type.baseType === undefined) return EMPTY;
    const info = this.info(type);
    if (info.bases !== undefined) return info.bases;
    const bases: StructuredType[] = [];
    let name: string | undefined = type.baseType;
    while (name !== undefined) {
      const b = this.findStructuredType(name);
      if (b === undefined || b === type || bases.includes(b)) break; // unknown base or a cycle
      bases.push(b);
      name = b.baseType;
    }
    info.bases = bases;
    return bases;
  }

  derivedTypes(type: StructuredType): StructuredType[] {
    const info = this.info(type);
    if (info.derived !== undefined) return info.derived;
    if (this.directDerived === undefined) {
      const map = new Map<string, StructuredType[]>();
      for (const t of this.types.values()) {
        if ((t.kind === 'EntityType' || t.kind === 'ComplexType') && t.baseType !== undefined) {
          const base = this.findStructuredType(t.baseType);
          if (base !== undefined) pushTo(map, base.fullName, t);
        }
      }
      this.directDerived = map;
    }
    const out: StructuredType[] = [];
    const queue: StructuredType[] = [type];
    for (let i = 0; i < queue.length; i++) {
      const children = this.directDerived.get(queue[i].fullName);
      if (children === undefined) continue;
      for (const c of children) {
        if (c === type || out.includes(c)) continue;
        out.push(c);
        queue.push(c);
      }
    }
    info.derived = out;
    return out;
  }

  properties(type: StructuredType): Property[] {
    if (type.baseType === undefined) return type.properties;
    const info = this.info(type);
    if (info.properties !== undefined) return info.properties;
    const bases = this.baseTypes(type);
    const out: Property[] = [];
    for (let i = bases.length - 1; i >= 0; i--) out.push(...bases[i].properties);
    out.push(...type.properties);
    info.properties = out;
    return out;
  }

  navigationProperties(type: StructuredType): NavigationProperty[] {
    if (type.baseType === undefined) return type.navigationProperties;
    const info = this.info(type);
    if (info.navigationProperties !== undefined) return info.navigationProperties;
    const bases = this.baseTypes(type);
    const out: NavigationProperty[] = [];
    for (let i = bases.length - 1; i >= 0; i--) out.push(...bases[i].navigationProperties);
    out.push(...type.navigationProperties);
    info.navigationProperties = out;
    return out;
  }

  findProperty(type: StructuredType, name: string): Property | undefined {
    const info = this.info(type);
    let map = info.propertyMap;
    if (map === undefined) {
      map = new Map();
      for (const p of this.properties(type)) if (!map.has(p.name)) map.set(p.name, p);
      info.propertyMap = map;
    }
    return map.get(name);
  }

  findNavigationProperty(type: StructuredType, name: string): NavigationProperty | undefined {
    const info = this.info(type);
    let map = info.navigationMap;
    if (map === undefined) {
      map = new Map();
      for (const p of this.navigationProperties(type)) if (!map.has(p.name)) map.set(p.name, p);
      info.navigationMap = map;
    }
    return map.get(name);
  }

  key(type: StructuredType): PropertyRef[] {
    if (type.key !== undefined) return type.key;
    for (const b of this.baseTypes(type)) if (b.key !== undefined) return b.key;
    return EMPTY;
  }

  alternateKeys(type: StructuredType): AlternateKey[] {
    const info = this.info(type);
    if (info.alternateKeys !== undefined) return info.alternateKeys;
    let keys = this.declaredAlternateKeys(type);
    if (keys.length === 0) {
      for (const b of this.baseTypes(type)) {
        keys = this.declaredAlternateKeys(b);
        if (keys.length > 0) break;
      }
    }
    info.alternateKeys = keys;
    return keys;
  }

  private declaredAlternateKeys(type: StructuredType): AlternateKey[] {
    const out: AlternateKey[] = [];
    const seen = new Set<string>();
    for (const ann of this.annotationsFor(type.fullName)) {
      if (ann.term !== TERM_COMMUNITY_ALTERNATE_KEYS && ann.term !== TERM_CORE_ALTERNATE_KEYS) continue;
      if (!Array.isArray(ann.value)) continue;
      for (const rec of ann.value) {
        const parts = readKeyParts(rec);
        if (parts.length === 0) continue;
        const sig = parts.map((p) => `${p.name}=${p.alias ?? ''}`).join(',');
        if (seen.has(sig)) continue; // the same key declared twice (seen in real CRM metadata)
        seen.add(sig);
        out.push({ parts, source: ann.term });
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ operations

  findOperations(name: string): Operation[] {
    return this.operations.get(name) ?? this.operations.get(this.qualify(name)) ?? EMPTY;
  }

  boundOperations(bindingType: string, isCollection: boolean): Operation[] {
    const qualified = this.qualify(bindingType);
    const cacheKey = qualified + (isCollection ? '|1' : '|0');
    const cached = this.boundCache.get(cacheKey);
    if (cached !== undefined) return cached;
    const suffix = isCollection ? '|1' : '|0';
    const out: Operation[] = [];
    const own = this.boundDeclared.get(qualified + suffix);
    if (own !== undefined) out.push(...own);
    const type = this.findStructuredType(qualified);
    if (type !== undefined) {
      for (const b of this.baseTypes(type)) {
        const ops = this.boundDeclared.get(b.fullName + suffix);
        if (ops !== undefined) out.push(...ops);
      }
    }
    this.boundCache.set(cacheKey, out);
    return out;
  }

  operationImports(): (FunctionImport | ActionImport)[] {
    return [...this.functionImportList, ...this.actionImportList];
  }

  /** Every action and function (all overloads), in document order. */
  allOperations(): Operation[] {
    const out: Operation[] = [];
    for (const list of this.operations.values()) out.push(...list);
    return out;
  }

  // ------------------------------------------------------------------ navigation bindings

  navigationTarget(source: EntitySet | Singleton, navigationPath: string): EntitySet | Singleton | undefined {
    let si = this.sourceInfos.get(source);
    if (si === undefined) {
      const bindings = new Map<string, string>();
      for (const b of source.navigationPropertyBindings) if (!bindings.has(b.path)) bindings.set(b.path, b.target);
      si = { resolved: new Map(), bindings };
      this.sourceInfos.set(source, si);
    }
    const known = si.resolved.get(navigationPath);
    if (known !== undefined) return known ?? undefined;
    let target = si.bindings.get(navigationPath);
    if (target === undefined) {
      const qualified = this.qualifyPath(navigationPath);
      target = si.bindings.get(qualified);
      if (target === undefined) {
        // Match ignoring type casts: `nav` finds a binding `Ns.Derived/nav` and vice versa.
        if (si.uncast === undefined) {
          const uncast = new Map<string, string>();
          for (const [path, t] of si.bindings) {
            const key = stripCasts(path);
            if (!uncast.has(key)) uncast.set(key, t);
          }
          si.uncast = uncast;
        }
        target = si.uncast.get(stripCasts(qualified));
      }
    }
    const result = target === undefined ? undefined : this.resolveBindingTarget(target);
    si.resolved.set(navigationPath, result ?? null);
    return result;
  }

  /** `Set`, `Singleton`, `Container/Set`, `Ns.Container/Set` -> the set or singleton. */
  resolveBindingTarget(target: string): EntitySet | Singleton | undefined {
    const slash = target.indexOf('/');
    if (slash < 0) return this.setMap.get(target) ?? this.singletonMap.get(target);
    const head = target.slice(0, slash);
    const rest = target.slice(slash + 1);
    const isContainer =
      this.containers.has(this.qualify(head)) || [...this.containers.values()].some((c) => c.name === head);
    if (isContainer) {
      if (rest.indexOf('/') < 0) return this.setMap.get(rest) ?? this.singletonMap.get(rest);
      return undefined; // a containment path: there is no entity set to name
    }
    return undefined;
  }

  entitySetsOfType(typeName: string): EntitySet[] {
    const list = this.setsByType.get(typeName) ?? this.setsByType.get(this.qualify(typeName));
    return list ?? EMPTY;
  }

  // ------------------------------------------------------------------ Dataverse lookups

  lookupProperties(type: StructuredType): LookupProperty[] {
    const info = this.info(type);
    if (info.lookups !== undefined) return info.lookups;
    const props = this.properties(type);
    const navs = this.navigationProperties(type);
    let byConstraint: Map<string, NavigationProperty[]> | undefined;
    const out: LookupProperty[] = [];
    for (const p of props) {
      const name = p.name;
      if (name.length <= 7 || name.charCodeAt(0) !== 0x5f /* _ */ || !name.endsWith('_value')) continue;
      if (byConstraint === undefined) {
        byConstraint = new Map();
        for (const n of navs) {
          if (n.type.collection) continue;
          for (const rc of n.referentialConstraints) {
            const list = byConstraint.get(rc.property);
            if (list === undefined) byConstraint.set(rc.property, [n]);
            else if (!list.includes(n)) list.push(n);
          }
        }
      }
      const stem = name.slice(1, -6);
      const tied: NavigationProperty[] = [];
      const constrained = byConstraint.get(name);
      if (constrained !== undefined) tied.push(...constrained);
      if (tied.length === 0) {
        const same = this.findNavigationProperty(type, stem);
        if (same !== undefined && !same.type.collection) tied.push(same);
      }
      let logicalName: string | undefined;
      for (const a of p.annotations) {
        if (a.term === TERM_CRM_ASSOCIATED_NAVIGATION_PROPERTY && typeof a.value === 'string') {
          const n = this.findNavigationProperty(type, a.value);
          if (n !== undefined && !tied.includes(n)) tied.push(n);
        } else if (a.term === TERM_CRM_LOOKUP_LOGICAL_NAME && typeof a.value === 'string') {
          logicalName = a.value;
        }
      }
      if (tied.length === 0) {
        // Polymorphic lookups without constraints: `customerid_account`, `customerid_contact`, ...
        const prefix = stem + '_';
        for (const n of navs) {
          if (n.type.collection || !n.name.startsWith(prefix)) continue;
          if (logicalName !== undefined && !n.type.name.endsWith('.' + logicalName)) continue;
          tied.push(n);
        }
      }
      out.push({ name, property: p, navigationProperties: tied });
    }
    info.lookups = out;
    return out;
  }

  findLookupProperty(type: StructuredType, name: string): LookupProperty | undefined {
    const info = this.info(type);
    let map = info.lookupMap;
    if (map === undefined) {
      map = new Map();
      for (const l of this.lookupProperties(type)) map.set(l.name, l);
      info.lookupMap = map;
    }
    return map.get(name);
  }

  // ------------------------------------------------------------------ annotations

  annotationsFor(target: string): Annotation[] {
    const t = this.qualifyPath(target.trim());
    const inline = this.inlineAnnotations(t);
    const ext = this.external.get(t);
    if (ext === undefined) return inline;
    if (inline.length === 0) return ext;
    return [...inline, ...ext];
  }

  private inlineAnnotations(target: string): Annotation[] {
    const segments = target.split('/');
    const head = segments[0];
    const paren = head.indexOf('(');
    if (paren >= 0) {
      // An operation overload: `Ns.Op(Ns.BindingType)` or `Ns.Op()`; then optionally `/Param`.
      const ops = this.findOperations(head.slice(0, paren));
      const args = head
        .slice(paren + 1, head.lastIndexOf(')') < 0 ? head.length : head.lastIndexOf(')'))
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      const op = ops.find((o) => overloadMatches(o, args));
      if (op === undefined) return EMPTY;
      return segments.length === 1 ? op.annotations : (op.parameters.find((p) => p.name === segments[1])?.annotations ?? EMPTY);
    }
    const type = this.findType(head);
    if (type !== undefined) {
      if (segments.length === 1) return type.annotations;
      if (type.kind === 'EnumType') {
        return (segments.length === 2 && type.members.find((m) => m.name === segments[1])?.annotations) || EMPTY;
      }
      if (type.kind === 'TypeDefinition') return EMPTY;
      // Walk structural / navigation properties, through complex and navigation types.
      let current: StructuredType | undefined = type;
      let found: Annotation[] = EMPTY;
      for (let i = 1; i < segments.length && current !== undefined; i++) {
        const seg = segments[i];
        if (seg.indexOf('.') >= 0) {
          current = this.findStructuredType(seg); // a type cast
          found = EMPTY;
          continue;
        }
        const p = this.findProperty(current, seg);
        if (p !== undefined) {
          found = p.annotations;
          current = this.findStructuredType(p.type.name);
          continue;
        }
        const n = this.findNavigationProperty(current, seg);
        if (n !== undefined) {
          found = n.annotations;
          current = this.findStructuredType(n.type.name);
          continue;
        }
        return EMPTY;
      }
      return found;
    }
    const container = this.containers.get(head);
    if (container !== undefined) {
      if (segments.length === 1) return container.annotations;
      const name = segments[1];
      const child =
        container.entitySets.find((s) => s.name === name) ??
        container.singletons.find((s) => s.name === name) ??
        container.actionImports.find((s) => s.name === name) ??
        container.functionImports.find((s) => s.name === name);
      return segments.length === 2 && child !== undefined ? child.annotations : EMPTY;
    }
    const ops = this.operations.get(head);
    if (ops !== undefined) {
      if (segments.length === 1) return ops.length === 1 ? ops[0].annotations : ops.flatMap((o) => o.annotations);
      for (const o of ops) {
        const p = o.parameters.find((x) => x.name === segments[1]);
        if (p !== undefined) return p.annotations;
      }
      return EMPTY;
    }
    const term = this.terms.get(head);
    if (term !== undefined && segments.length === 1) return term.annotations;
    return EMPTY;
  }

  description(target: string): string | undefined {
    let long: string | undefined;
    const annotations = this.annotationsFor(target);
    for (const a of annotations) {
      if (typeof a.value !== 'string' || a.value.length === 0) continue;
      if (a.term === TERM_CORE_DESCRIPTION && a.qualifier === undefined) return a.value;
      if (a.term === TERM_CORE_LONG_DESCRIPTION && long === undefined) long = a.value;
    }
    if (long !== undefined) return long;
    // A qualified description (e.g. a language) when no unqualified one exists.
    for (const a of annotations) {
      if (a.term === TERM_CORE_DESCRIPTION && typeof a.value === 'string' && a.value.length > 0) return a.value;
    }
    return undefined;
  }

  resolveTypeRef(ref: TypeRef): SchemaType | undefined {
    return this.findType(ref.name);
  }

  // ------------------------------------------------------------------ validation support

  /** True when a type name can be resolved: primitive, abstract Edm, declared, or in a referenced namespace. */
  isKnownTypeName(name: string): boolean {
    if (PRIMITIVE_NAMES.has(name) || ABSTRACT_EDM_NAMES.has(name)) return true;
    if (this.findType(name) !== undefined) return true;
    const q = this.qualify(name);
    const ns = q.slice(0, Math.max(0, q.lastIndexOf('.')));
    return this.referencedNamespaces.has(ns) && !this.namespaces.has(ns);
  }
}

function overloadMatches(op: Operation, args: string[]): boolean {
  if (!op.isBound) return args.length === 0 || args.length === op.parameters.length;
  if (args.length === 0) return false;
  const bt = op.parameters[0]?.type;
  if (bt === undefined) return false;
  const want = bt.collection ? `Collection(${bt.name})` : bt.name;
  return args[0] === want;
}

/** Read the key parts of an `AlternateKey` record: `{ Key: [ { Name: {$path}, Alias } ] }`. */
function readKeyParts(rec: AnnotationValue): PropertyRef[] {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec) || !('$record' in rec)) return [];
  const key = rec.$record.Key;
  if (!Array.isArray(key)) return [];
  const parts: PropertyRef[] = [];
  for (const item of key) {
    if (item === null || typeof item !== 'object' || Array.isArray(item) || !('$record' in item)) continue;
    const nameValue = item.$record.Name;
    let name: string | undefined;
    if (typeof nameValue === 'string') name = nameValue;
    else if (nameValue !== null && typeof nameValue === 'object' && '$path' in nameValue) name = nameValue.$path;
    if (name === undefined || name.length === 0) continue;
    const alias = item.$record.Alias;
    parts.push(typeof alias === 'string' && alias.length > 0 ? { name, alias } : { name });
  }
  return parts;
}

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
