/**
 * The model index, second layer: members of structured types. Base and derived types, declared + inherited
 * properties and navigation properties, keys, operations bound to a type and its bases, navigation property
 * bindings, and Dataverse lookups (`_x_value`). Everything here is computed on first use and cached per type.
 */
import type { EntitySet, NavigationProperty, Operation, Property, PropertyRef, Singleton, StructuredType } from './model';
import type { AlternateKey, LookupProperty } from './modelIndex';
import { EMPTY as NAMES_EMPTY, ModelNames, pushTo as namesPushTo } from './modelNames';

// Module-local copies: under tsx (tests, bench) every read of an imported binding is a getter call.
const EMPTY = NAMES_EMPTY;
const pushTo = namesPushTo;

/** Dataverse terms the lookups read (always stored alias-resolved by the reader). */
export const TERM_CRM_LOOKUP_LOGICAL_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname';
export const TERM_CRM_ASSOCIATED_NAVIGATION_PROPERTY = 'Microsoft.Dynamics.CRM.associatednavigationproperty';

export interface TypeInfo {
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

/** Drop type-cast segments (those with a dot) from a path: `Ns.Derived/nav` -> `nav`. */
function stripCasts(path: string): string {
  if (path.indexOf('.') < 0) return path;
  return path
    .split('/')
    .filter((s) => s.indexOf('.') < 0)
    .join('/');
}

/** Members, keys, bindings and lookups of structured types (the index's second layer). */
export class ModelMembers extends ModelNames {
  private readonly boundCache = new Map<string, Operation[]>();
  private readonly typeInfos = new Map<StructuredType, TypeInfo>();
  private readonly sourceInfos = new Map<EntitySet | Singleton, SourceInfo>();
  private directDerived: Map<string, StructuredType[]> | undefined;

  // ------------------------------------------------------------------ inheritance

  protected info(type: StructuredType): TypeInfo {
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

  // ------------------------------------------------------------------ bound operations

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
}
