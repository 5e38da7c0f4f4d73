/**
 * The CSDL reader's entity container: EntityContainer, its entity sets and singletons (with their navigation
 * property bindings), action imports and function imports. Functions of the reader's state (readerState.ts),
 * called by the document walk (readerCore.ts) as the elements open.
 */
import type { ActionImport, EntityContainer, EntitySet, FunctionImport, Schema, Singleton } from './model';
import { ELEMENT_KINDS, makeError, parseBool, type Attrs, type ReaderState } from './readerState';

const { K_CONTAINER, K_ENTITYSET, K_IGNORE, K_IMPORT, K_LEAF } = ELEMENT_KINDS;

export function openEntityContainer(r: ReaderState, schema: Schema, a: Attrs): void {
  const name = a.Name?.value;
  if (name === undefined) {
    r.missing('EntityContainer', 'Name');
    r.push(K_IGNORE, null);
    return;
  }
  const c: EntityContainer = {
    name,
    namespace: schema.namespace,
    fullName: schema.namespace + '.' + name,
    entitySets: [],
    singletons: [],
    actionImports: [],
    functionImports: [],
    annotations: [],
  };
  const ext = a.Extends?.value;
  if (ext !== undefined) c.extends = r.q(ext.trim());
  if (schema.entityContainer === undefined) schema.entityContainer = c;
  else r.doc.errors.push(makeError('duplicate-name', `Schema ${schema.namespace} declares more than one EntityContainer.`, r.pos(), 'warning'));
  return r.push(K_CONTAINER, c);
}

export function openContainerChild(r: ReaderState, local: string, c: EntityContainer, a: Attrs): void {
  const name = a.Name?.value;
  switch (local) {
    case 'EntitySet': {
      const et = a.EntityType?.value;
      if (name === undefined || et === undefined) {
        r.missing(local, name === undefined ? 'Name' : 'EntityType');
        break;
      }
      const s: EntitySet = {
        kind: 'EntitySet',
        name,
        entityType: r.q(et.trim()),
        includeInServiceDocument: parseBool(a.IncludeInServiceDocument?.value, true),
        navigationPropertyBindings: [],
        annotations: [],
        position: r.pos(),
      };
      c.entitySets.push(s);
      return r.push(K_ENTITYSET, s);
    }
    case 'Singleton': {
      const type = a.Type?.value;
      if (name === undefined || type === undefined) {
        r.missing(local, name === undefined ? 'Name' : 'Type');
        break;
      }
      const s: Singleton = {
        kind: 'Singleton',
        name,
        type: r.q(type.trim()),
        navigationPropertyBindings: [],
        annotations: [],
        position: r.pos(),
      };
      c.singletons.push(s);
      return r.push(K_ENTITYSET, s);
    }
    case 'ActionImport': {
      const action = a.Action?.value;
      if (name === undefined || action === undefined) {
        r.missing(local, name === undefined ? 'Name' : 'Action');
        break;
      }
      const imp: ActionImport = { kind: 'ActionImport', name, action: r.q(action.trim()), annotations: [], position: r.pos() };
      const es = a.EntitySet?.value;
      if (es !== undefined) imp.entitySet = r.qPath(es);
      c.actionImports.push(imp);
      return r.push(K_IMPORT, imp);
    }
    case 'FunctionImport': {
      const fn = a.Function?.value;
      if (name === undefined || fn === undefined) {
        r.missing(local, name === undefined ? 'Name' : 'Function');
        break;
      }
      const imp: FunctionImport = {
        kind: 'FunctionImport',
        name,
        function: r.q(fn.trim()),
        includeInServiceDocument: parseBool(a.IncludeInServiceDocument?.value, false),
        annotations: [],
        position: r.pos(),
      };
      const es = a.EntitySet?.value;
      if (es !== undefined) imp.entitySet = r.qPath(es);
      c.functionImports.push(imp);
      return r.push(K_IMPORT, imp);
    }
    default:
      break;
  }
  r.push(K_IGNORE, null);
}

/** A child of an EntitySet or Singleton. */
export function openEntitySetChild(r: ReaderState, local: string, parent: EntitySet | Singleton, a: Attrs): void {
  if (local === 'NavigationPropertyBinding') {
    const path = a.Path?.value;
    const target = a.Target?.value;
    if (path === undefined || target === undefined) {
      r.missing('NavigationPropertyBinding', path === undefined ? 'Path' : 'Target', 'warning');
    } else {
      parent.navigationPropertyBindings.push({ path: r.qPath(path), target: r.qPath(target) });
    }
    return r.push(K_LEAF, null);
  }
  r.push(K_IGNORE, null);
}
