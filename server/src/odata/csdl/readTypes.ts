/**
 * The CSDL reader's types: EntityType and ComplexType (key, properties, navigation properties), EnumType and its
 * members, TypeDefinition, and type references with their facets. Functions of the reader's state (readerState.ts),
 * called by the document walk (readerCore.ts) as the elements open.
 */
import type { EnumMember, EnumType, NavigationProperty, Property, Schema, StructuredType, TypeDefinition, TypeRef } from './model';
import { ELEMENT_KINDS, parseBool, type Attrs, type ReaderState } from './readerState';

const { K_ENUMTYPE, K_IGNORE, K_KEY, K_LEAF, K_MEMBER, K_NAVPROP, K_PROPERTY, K_STRUCTURED, K_TYPEDEF } = ELEMENT_KINDS;

function parseNonNegInt(v: string): number | undefined {
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function openStructuredType(r: ReaderState, local: 'EntityType' | 'ComplexType', schema: Schema, a: Attrs): void {
  const name = a.Name?.value;
  if (name === undefined) {
    r.missing(local, 'Name');
    r.push(K_IGNORE, null);
    return;
  }
  const t: StructuredType = {
    kind: local,
    name,
    namespace: schema.namespace,
    fullName: schema.namespace + '.' + name,
    abstract: parseBool(a.Abstract?.value, false),
    openType: parseBool(a.OpenType?.value, false),
    hasStream: parseBool(a.HasStream?.value, false),
    properties: [],
    navigationProperties: [],
    annotations: [],
    position: r.pos(),
  };
  const base = a.BaseType?.value;
  if (base !== undefined) t.baseType = r.q(base.trim());
  if (local === 'EntityType') schema.entityTypes.push(t);
  else schema.complexTypes.push(t);
  if (r.lazyTypes !== undefined && r.fast) r.skipContent = true;
  return r.push(K_STRUCTURED, t);
}

export function openEnumType(r: ReaderState, schema: Schema, a: Attrs): void {
  const name = a.Name?.value;
  if (name === undefined) {
    r.missing('EnumType', 'Name');
    r.push(K_IGNORE, null);
    return;
  }
  const t: EnumType = {
    kind: 'EnumType',
    name,
    namespace: schema.namespace,
    fullName: schema.namespace + '.' + name,
    underlyingType: a.UnderlyingType ? r.q(a.UnderlyingType.value.trim()) : 'Edm.Int32',
    isFlags: parseBool(a.IsFlags?.value, false),
    members: [],
    annotations: [],
    position: r.pos(),
  };
  schema.enumTypes.push(t);
  return r.push(K_ENUMTYPE, t);
}

export function openTypeDefinition(r: ReaderState, schema: Schema, a: Attrs): void {
  const name = a.Name?.value;
  const ut = a.UnderlyingType?.value;
  if (name === undefined || ut === undefined) {
    r.missing('TypeDefinition', name === undefined ? 'Name' : 'UnderlyingType');
    r.push(K_IGNORE, null);
    return;
  }
  const t: TypeDefinition = {
    kind: 'TypeDefinition',
    name,
    namespace: schema.namespace,
    fullName: schema.namespace + '.' + name,
    underlyingType: typeRef(r, ut, a),
    annotations: [],
    position: r.pos(),
  };
  schema.typeDefinitions.push(t);
  return r.push(K_TYPEDEF, t);
}

export function openStructuredChild(r: ReaderState, local: string, t: StructuredType, a: Attrs): void {
  switch (local) {
    case 'Property': {
      const name = a.Name?.value;
      const type = a.Type?.value;
      if (name === undefined || type === undefined) {
        r.missing('Property', name === undefined ? 'Name' : 'Type');
        break;
      }
      const dv = a.DefaultValue?.value;
      const p: Property = {
        kind: 'Property',
        name,
        type: typeRef(r, type, a),
        annotations: [],
        position: r.pos(),
      };
      if (dv !== undefined) p.defaultValue = dv;
      t.properties.push(p);
      return r.push(K_PROPERTY, p);
    }
    case 'NavigationProperty': {
      const name = a.Name?.value;
      const type = a.Type?.value;
      if (name === undefined || type === undefined) {
        r.missing('NavigationProperty', name === undefined ? 'Name' : 'Type');
        break;
      }
      const tn = r.typeName(type);
      const nav: NavigationProperty = {
        kind: 'NavigationProperty',
        name,
        type: { name: tn.name, collection: tn.collection, nullable: parseBool(a.Nullable?.value, true) },
        containsTarget: parseBool(a.ContainsTarget?.value, false),
        referentialConstraints: [],
        annotations: [],
        position: r.pos(),
      };
      const partner = a.Partner?.value;
      if (partner !== undefined) nav.partner = partner;
      t.navigationProperties.push(nav);
      return r.push(K_NAVPROP, nav);
    }
    case 'Key':
      if (t.key === undefined) t.key = [];
      return r.push(K_KEY, t);
    default:
      break;
  }
  r.push(K_IGNORE, null);
}

export function openKeyChild(r: ReaderState, local: string, parent: StructuredType, a: Attrs): void {
  if (local === 'PropertyRef') {
    const name = a.Name?.value;
    if (name === undefined) {
      r.missing('PropertyRef', 'Name');
    } else {
      const key = parent.key!;
      const alias = a.Alias?.value;
      key.push(alias !== undefined ? { name, alias } : { name });
    }
    return r.push(K_LEAF, null);
  }
  r.push(K_IGNORE, null);
}

export function openNavigationPropertyChild(r: ReaderState, local: string, parent: NavigationProperty, a: Attrs): void {
  if (local === 'ReferentialConstraint') {
    const property = a.Property?.value;
    const referencedProperty = a.ReferencedProperty?.value;
    if (property === undefined || referencedProperty === undefined) {
      r.missing('ReferentialConstraint', property === undefined ? 'Property' : 'ReferencedProperty', 'warning');
    } else {
      parent.referentialConstraints.push({ property, referencedProperty });
    }
    return r.push(K_LEAF, null);
  }
  if (local === 'OnDelete') {
    const action = a.Action?.value;
    if (action !== undefined) parent.onDelete = action;
    return r.push(K_LEAF, null);
  }
  r.push(K_IGNORE, null);
}

export function openMember(r: ReaderState, t: EnumType, a: Attrs): void {
  const name = a.Name?.value;
  if (name === undefined) {
    r.missing('Member', 'Name');
    r.push(K_IGNORE, null);
    return;
  }
  const raw = a.Value?.value;
  let value: number;
  if (raw !== undefined && raw.trim() !== '' && Number.isFinite(Number(raw))) {
    value = Number(raw);
  } else {
    const members = t.members;
    value = members.length === 0 ? 0 : members[members.length - 1].value + 1;
  }
  const m: EnumMember = { name, value, annotations: [] };
  t.members.push(m);
  r.push(K_MEMBER, m);
}

/** A type reference with its facets (Nullable defaults to true). */
export function typeRef(r: ReaderState, raw: string, a: Attrs): TypeRef {
  const tn = r.typeName(raw);
  const ref: TypeRef = { name: tn.name, collection: tn.collection, nullable: true };
  const nullable = a.Nullable;
  if (nullable !== undefined) ref.nullable = parseBool(nullable.value, true);
  const maxLength = a.MaxLength;
  if (maxLength !== undefined) {
    const v = maxLength.value;
    if (v === 'max' || v.trim().toLowerCase() === 'max') ref.maxLength = 'max';
    else {
      const n = parseNonNegInt(v);
      if (n !== undefined) ref.maxLength = n;
    }
  }
  const unicode = a.Unicode;
  if (unicode !== undefined) ref.unicode = parseBool(unicode.value, true);
  const precision = a.Precision;
  if (precision !== undefined) {
    const n = parseNonNegInt(precision.value);
    if (n !== undefined) ref.precision = n;
  }
  const scale = a.Scale;
  if (scale !== undefined) {
    const v = scale.value.trim();
    const l = v.toLowerCase();
    if (l === 'variable') ref.scale = 'variable';
    else if (l === 'floating') ref.scale = 'floating';
    else {
      const n = parseNonNegInt(v);
      if (n !== undefined) ref.scale = n;
    }
  }
  const srid = a.SRID;
  if (srid !== undefined) ref.srid = srid.value;
  return ref;
}
