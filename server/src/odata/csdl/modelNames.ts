/**
 * The model index, first layer: the document's names. Builds the maps of schema types, terms, containers and
 * operations (with their aliases), qualifies names and target paths, and answers the container and operation
 * lookups. The members layer (modelMembers.ts) and the annotations layer (modelAnnotations.ts) build on it;
 * the contract is in modelIndex.ts.
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
  Operation,
  SchemaType,
  Singleton,
  StructuredType,
  Term,
} from './model';

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

/** Shared empty result; frozen so that a caller mutating a result cannot corrupt the index. */
export const EMPTY: never[] = Object.freeze([]) as unknown as never[];

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Names, types, terms, containers and operations of a document (the index's first layer). */
export class ModelNames {
  readonly document: CsdlDocument;
  readonly container: EntityContainer | undefined;

  /** alias -> namespace (schema aliases and reference include aliases). */
  private readonly aliases = new Map<string, string>();
  private readonly namespaces = new Set<string>();
  private readonly referencedNamespaces = new Set<string>();
  protected readonly types = new Map<string, SchemaType>();
  protected readonly terms = new Map<string, Term>();
  protected readonly containers = new Map<string, EntityContainer>();
  protected readonly operations = new Map<string, Operation[]>();
  /** `${bindingType}|1` (collection) / `${bindingType}|0` -> operations declared bound to exactly that type. */
  protected readonly boundDeclared = new Map<string, Operation[]>();
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
  protected readonly external = new Map<string, Annotation[]>();
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

  // ------------------------------------------------------------------ operations

  findOperations(name: string): Operation[] {
    return this.operations.get(name) ?? this.operations.get(this.qualify(name)) ?? EMPTY;
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

  // ------------------------------------------------------------------ navigation binding targets

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
