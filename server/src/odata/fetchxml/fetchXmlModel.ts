/**
 * The FetchXML view of a CSDL model: tables by logical name, their columns, and the relationships a link-entity can
 * follow, read from the same ModelIndex the OData services use.
 *
 * - An entity's logical name is its entity type's name; its entity set (for running) is the set of that type.
 * - A column is a structural property; a Dataverse lookup `_x_value` is the column `x`.
 * - A single-valued navigation property with a referential constraint (`_x_value` -> `targetid`) gives a many-to-one
 *   relationship (link-entity name=target from=targetid to=x) and, read from the target, its one-to-many reverse
 *   (link-entity name=source from=x to=targetid).
 * - Two collection-valued navigation properties that are each other's partner are a many-to-many relationship; when an
 *   entity type of the model holds both tables' key columns (the intersect entity, e.g. teammembership), the link goes
 *   through it.
 * Built once per ModelIndex and cached. Pure: no I/O.
 */
import type { ModelIndex } from '../csdl/modelIndex';
import type { NavigationProperty, Property, StructuredType } from '../csdl/model';
import { dataTypesOfEdm, type FetchDataType } from './fetchXmlFacts';

export interface FetchAttribute {
  /** The FetchXML column name (`parentcustomerid` for `_parentcustomerid_value`). */
  name: string;
  /** The OData property name (`_parentcustomerid_value`). */
  propertyName: string;
  edmType: string;
  isLookup: boolean;
  isKey: boolean;
  /** For a lookup: the logical names of the tables it points to. */
  targets: string[];
  /** For a lookup: its single-valued navigation properties (several for polymorphic lookups). */
  navigationProperties: string[];
  dataTypes: readonly FetchDataType[];
  readonly description: string | undefined;
  property: Property;
}

export interface FetchRelationship {
  /** The navigation property this relationship comes from (on the entity that holds it). */
  navigation: string;
  kind: 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** The table the link-entity names. */
  linkEntity: string;
  /** Column of the link-entity. */
  from: string;
  /** Column of the parent. */
  to: string;
  /** For many-to-many through an intersect entity: the far table and the columns of the second hop. */
  through?: { entity: string; from: string; to: string };
}

export interface FetchEntity {
  name: string;
  type: StructuredType;
  entitySet: string | undefined;
  primaryKey: string | undefined;
  attributes: Map<string, FetchAttribute>;
  relationships: FetchRelationship[];
  readonly description: string | undefined;
}

export interface FetchXmlModel {
  readonly index: ModelIndex;
  entities(): Iterable<FetchEntity>;
  entity(name: string): FetchEntity | undefined;
  /** The entity names, for suggestions. */
  entityNames(): string[];
}

const cache = new WeakMap<ModelIndex, FetchXmlModel>();

export function fetchXmlModel(index: ModelIndex): FetchXmlModel {
  let model = cache.get(index);
  if (!model) {
    model = new LazyModel(index);
    cache.set(index, model);
  }
  return model;
}

class LazyModel implements FetchXmlModel {
  private readonly types = new Map<string, StructuredType>();
  private readonly built = new Map<string, FetchEntity>();
  private relationshipsDone = false;

  constructor(readonly index: ModelIndex) {
    for (const schema of index.document.schemas) {
      for (const type of schema.entityTypes) {
        if (type.abstract && type.properties.length === 0) continue;
        if (!this.types.has(type.name)) this.types.set(type.name, type);
      }
    }
  }

  entityNames(): string[] {
    return [...this.types.keys()];
  }

  *entities(): Iterable<FetchEntity> {
    for (const name of this.types.keys()) yield this.entity(name)!;
  }

  entity(name: string): FetchEntity | undefined {
    const type = this.types.get(name);
    if (!type) return undefined;
    if (!this.relationshipsDone) this.buildRelationships();
    return this.base(name, type);
  }

  private base(name: string, type: StructuredType): FetchEntity {
    let entity = this.built.get(name);
    if (entity) return entity;
    const index = this.index;
    const key = index.key(type);
    const keyNames = new Set([...key.map((k) => k.name), `${name}id`]);
    const lookups = new Map(index.lookupProperties(type).map((l) => [l.name, l]));
    const attributes = new Map<string, FetchAttribute>();
    for (const property of index.properties(type)) {
      const lookup = lookups.get(property.name);
      const isLookup = lookup !== undefined || (property.name.startsWith('_') && property.name.endsWith('_value') && property.name.length > 7);
      const columnName = isLookup ? property.name.slice(1, -6) : property.name;
      const isKey = keyNames.has(property.name);
      const targets = (lookup?.navigationProperties ?? []).map((n) => shortName(n.type.name));
      attributes.set(columnName, {
        name: columnName,
        propertyName: property.name,
        edmType: property.type.name,
        isLookup,
        isKey,
        targets,
        navigationProperties: (lookup?.navigationProperties ?? []).map((n) => n.name),
        dataTypes: dataTypesOfEdm(property.type.name, isLookup, isKey),
        // Read when shown (hover, completion): reading every column's annotations up front costs ~0.4 s on a CRM model.
        get description() {
          return index.description(`${type.fullName}/${property.name}`) || undefined;
        },
        property,
      });
    }
    entity = {
      name,
      type,
      entitySet: index.entitySetsOfType(type.fullName)[0]?.name,
      // Dataverse's primary key column is `<logical name>id`; systemuser and team inherit the key `ownerid` from principal.
      primaryKey: attributes.has(`${name}id`) ? `${name}id` : key.length === 1 ? key[0]!.name : undefined,
      attributes,
      relationships: [],
      get description() {
        return index.description(type.fullName) || undefined;
      },
    };
    this.built.set(name, entity);
    return entity;
  }

  private buildRelationships(): void {
    this.relationshipsDone = true;
    const index = this.index;
    const seen = new Set<string>();
    const navigationMaps = new Map<StructuredType, Map<string, NavigationProperty>>();
    const navigationsOf = (type: StructuredType): Map<string, NavigationProperty> => {
      let map = navigationMaps.get(type);
      if (!map) navigationMaps.set(type, (map = new Map(index.navigationProperties(type).map((n) => [n.name, n]))));
      return map;
    };
    const add = (owner: FetchEntity, relationship: FetchRelationship): void => {
      const id = `${owner.name}|${relationship.navigation}|${relationship.linkEntity}|${relationship.from}|${relationship.to}|${relationship.through?.entity ?? ''}`;
      if (seen.has(id)) return;
      seen.add(id);
      owner.relationships.push(relationship);
    };
    for (const [name, type] of this.types) {
      const entity = this.base(name, type);
      // The reverse (one-to-many) direction belongs to the type that declares the navigation property: an inherited
      // one (activitypointer's regardingobjectid_account on email) has its partner on the base type's side.
      const declared = new Set(type.navigationProperties);
      // Lookups tied to their navigation properties (polymorphic ones such as regardingobjectid have no referential
      // constraint in $metadata; the index ties `_regardingobjectid_value` to `regardingobjectid_account_email`…).
      for (const lookup of index.lookupProperties(type)) {
        for (const nav of lookup.navigationProperties) {
          if (nav.type.collection) continue;
          const targetName = shortName(nav.type.name);
          const targetType = this.types.get(targetName);
          if (!targetType) continue;
          const target = this.base(targetName, targetType);
          if (!target.primaryKey) continue;
          const column = columnOf(lookup.name);
          add(entity, { navigation: nav.name, kind: 'many-to-one', linkEntity: targetName, from: target.primaryKey, to: column });
          if (nav.partner && declared.has(nav)) add(target, { navigation: nav.partner, kind: 'one-to-many', linkEntity: name, from: column, to: target.primaryKey });
        }
      }
      for (const nav of index.navigationProperties(type)) {
        const targetName = shortName(nav.type.name);
        const targetType = this.types.get(targetName);
        if (!targetType) continue;
        const target = this.base(targetName, targetType);
        if (!nav.type.collection) {
          if (nav.referentialConstraints.length === 0 && target.primaryKey) {
            // No constraint (a polymorphic lookup's per-target navigation, e.g. regardingobjectid_account_email):
            // the lookup column is the longest `x` with `nav` = `x` or `x_…`.
            let column: string | undefined;
            for (let end = nav.name.length; end > 0 && !column; end = nav.name.lastIndexOf('_', end - 1)) {
              if (entity.attributes.get(nav.name.slice(0, end))?.isLookup) column = nav.name.slice(0, end);
            }
            if (column) {
              add(entity, { navigation: nav.name, kind: 'many-to-one', linkEntity: targetName, from: target.primaryKey, to: column });
              if (nav.partner && declared.has(nav)) add(target, { navigation: nav.partner, kind: 'one-to-many', linkEntity: name, from: column, to: target.primaryKey });
            }
          }
          for (const constraint of nav.referentialConstraints) {
            const column = columnOf(constraint.property);
            const targetColumn = columnOf(constraint.referencedProperty);
            add(entity, { navigation: nav.name, kind: 'many-to-one', linkEntity: targetName, from: targetColumn, to: column });
            if (declared.has(nav)) add(target, { navigation: nav.partner ?? nav.name, kind: 'one-to-many', linkEntity: name, from: column, to: targetColumn });
          }
          continue;
        }
        // Collection-valued with a collection-valued partner: many-to-many.
        const partner = nav.partner ? navigationsOf(targetType).get(nav.partner) : undefined;
        if (!partner || !partner.type.collection || !entity.primaryKey || !target.primaryKey) continue;
        const intersect = this.intersectOf(entity.primaryKey, target.primaryKey, name, targetName);
        if (!intersect) continue;
        add(entity, {
          navigation: nav.name,
          kind: 'many-to-many',
          linkEntity: intersect,
          from: entity.primaryKey,
          to: entity.primaryKey,
          through: { entity: targetName, from: target.primaryKey, to: target.primaryKey },
        });
      }
    }
  }

  /** An entity type, other than the two, whose columns include both key columns (an intersect entity). */
  private intersectOf(keyA: string, keyB: string, a: string, b: string): string | undefined {
    for (const [name, type] of this.types) {
      if (name === a || name === b) continue;
      const props = type.properties;
      if (props.length > 12) continue;
      if (props.some((p) => p.name === keyA) && props.some((p) => p.name === keyB)) return name;
    }
    return undefined;
  }
}

function shortName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

/** The FetchXML column for an OData property name (`_x_value` -> `x`). */
export function columnOf(propertyName: string): string {
  return propertyName.length > 7 && propertyName.startsWith('_') && propertyName.endsWith('_value') ? propertyName.slice(1, -6) : propertyName;
}

/** A short type name for messages: `Edm.String` -> `String`; a lookup -> `Lookup`. */
export function attributeTypeName(attribute: FetchAttribute): string {
  if (attribute.isLookup) return attribute.targets.length > 0 ? `Lookup (${attribute.targets.join(', ')})` : 'Lookup';
  return attribute.edmType.startsWith('Edm.') ? attribute.edmType.slice(4) : attribute.edmType;
}
