/**
 * The CSDL reader's operations: Action and Function, their parameters and return types. Functions of the
 * reader's state (readerState.ts), called by the document walk (readerCore.ts) as the elements open.
 */
import type { Operation, Parameter, Schema } from './model';
import { ELEMENT_KINDS, parseBool, type Attrs, type ReaderState } from './readerState';
import { typeRef } from './readTypes';

const { K_IGNORE, K_LEAF, K_OPERATION, K_PARAMETER } = ELEMENT_KINDS;

export function openOperation(r: ReaderState, local: 'Action' | 'Function', schema: Schema, a: Attrs): void {
  const name = a.Name?.value;
  if (name === undefined) {
    r.missing(local, 'Name');
    r.push(K_IGNORE, null);
    return;
  }
  const op: Operation = {
    kind: local,
    name,
    namespace: schema.namespace,
    fullName: schema.namespace + '.' + name,
    isBound: parseBool(a.IsBound?.value, false),
    isComposable: parseBool(a.IsComposable?.value, false),
    parameters: [],
    annotations: [],
    position: r.pos(),
  };
  const esp = a.EntitySetPath?.value;
  if (esp !== undefined) op.entitySetPath = esp;
  schema.operations.push(op);
  return r.push(K_OPERATION, op);
}

export function openOperationChild(r: ReaderState, local: string, parent: Operation, a: Attrs): void {
  if (local === 'Parameter') return openParameter(r, parent, a);
  if (local === 'ReturnType') {
    const t = a.Type?.value;
    if (t === undefined) r.missing('ReturnType', 'Type', 'warning');
    else parent.returnType = typeRef(r, t, a);
    return r.push(K_LEAF, null);
  }
  r.push(K_IGNORE, null);
}

function openParameter(r: ReaderState, op: Operation, a: Attrs): void {
  const name = a.Name?.value;
  const type = a.Type?.value;
  if (name === undefined || type === undefined) {
    r.missing('Parameter', name === undefined ? 'Name' : 'Type');
    r.push(K_IGNORE, null);
    return;
  }
  const p: Parameter = { name, type: typeRef(r, type, a), annotations: [] };
  op.parameters.push(p);
  r.push(K_PARAMETER, p);
}
