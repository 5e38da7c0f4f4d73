/**
 * The CSDL reader's vocabulary parts: Term declarations, Annotations blocks, Annotation elements (inline or in
 * a block) and their values: constant expressions in attribute or element form, Record, PropertyValue and
 * Collection (dynamic expressions are read as null). Functions of the reader's state (readerState.ts), called
 * by the document walk (readerCore.ts) as the elements open and close.
 */
import type { Annotation, AnnotationValue, AnnotationsBlock, Schema, Term } from './model';
import { ELEMENT_KINDS, parseBool, type Attrs, type ReaderState } from './readerState';
import { typeRef } from './readTypes';

const {
  K_ANNOTATION,
  K_ANNOTATIONS,
  K_COLLECTION,
  K_CONSTANT,
  K_CONTAINER,
  K_ENTITYSET,
  K_ENUMTYPE,
  K_IGNORE,
  K_IMPORT,
  K_MEMBER,
  K_NAVPROP,
  K_OPERATION,
  K_PARAMETER,
  K_PROPERTY,
  K_PROPERTYVALUE,
  K_RECORD,
  K_SCHEMA,
  K_STRUCTURED,
  K_TERM,
  K_TYPEDEF,
} = ELEMENT_KINDS;

/** How a constant expression's text becomes a value. */
const C_STRING = 0;
const C_BOOL = 1;
const C_NUMBER = 2;
const C_ENUM = 3;
const C_PATH = 4;
const C_NULL = 5;

const CONSTANT_ELEMENTS = new Map<string, number>([
  ['String', C_STRING],
  ['Bool', C_BOOL],
  ['Int', C_NUMBER],
  ['Decimal', C_NUMBER],
  ['Float', C_NUMBER],
  ['Date', C_STRING],
  ['DateTimeOffset', C_STRING],
  ['Duration', C_STRING],
  ['Guid', C_STRING],
  ['TimeOfDay', C_STRING],
  ['Binary', C_STRING],
  ['EnumMember', C_ENUM],
  ['Path', C_PATH],
  ['PropertyPath', C_PATH],
  ['NavigationPropertyPath', C_PATH],
  ['AnnotationPath', C_PATH],
  ['ModelElementPath', C_PATH],
  ['LabeledElementReference', C_PATH],
  ['Null', C_NULL],
]);

/** Constant-expression attribute names, most frequent first. */
const CONSTANT_ATTRIBUTES = [
  'String',
  'Bool',
  'EnumMember',
  'Int',
  'PropertyPath',
  'NavigationPropertyPath',
  'Path',
  'Decimal',
  'Float',
  'Date',
  'DateTimeOffset',
  'Duration',
  'Guid',
  'TimeOfDay',
  'Binary',
  'AnnotationPath',
  'ModelElementPath',
] as const;

interface PropertyValueFrame {
  record: Record<string, AnnotationValue>;
  property: string;
}

export function openTerm(r: ReaderState, schema: Schema, a: Attrs): void {
  const name = a.Name?.value;
  const type = a.Type?.value;
  if (name === undefined || type === undefined) {
    r.missing('Term', name === undefined ? 'Name' : 'Type');
    r.push(K_IGNORE, null);
    return;
  }
  const t: Term = {
    kind: 'Term',
    name,
    namespace: schema.namespace,
    fullName: schema.namespace + '.' + name,
    type: typeRef(r, type, a),
    annotations: [],
  };
  const baseTerm = a.BaseTerm?.value;
  if (baseTerm !== undefined) t.baseTerm = r.q(baseTerm.trim());
  const appliesTo = a.AppliesTo?.value;
  if (appliesTo !== undefined) t.appliesTo = appliesTo.split(/\s+/).filter((x) => x.length > 0);
  const dv = a.DefaultValue?.value;
  if (dv !== undefined) t.defaultValue = dv;
  schema.terms.push(t);
  return r.push(K_TERM, t);
}

/** An `Annotations` element: a block of annotations for one target. */
export function openAnnotationsBlock(r: ReaderState, schema: Schema, a: Attrs): void {
  const target = a.Target?.value;
  if (target === undefined) {
    r.missing('Annotations', 'Target');
    r.push(K_IGNORE, null);
    return;
  }
  const block: AnnotationsBlock = { target: r.qPath(target.trim()), annotations: [] };
  const qualifier = a.Qualifier?.value;
  if (qualifier !== undefined) block.qualifier = qualifier;
  schema.annotations.push(block);
  return r.push(K_ANNOTATIONS, block);
}

export function openAnnotation(r: ReaderState, parentKind: number, parent: unknown, a: Attrs): void {
  const term = a.Term?.value;
  if (term === undefined) {
    r.missing('Annotation', 'Term', 'warning');
    r.push(K_IGNORE, null);
    return;
  }
  const ann: Annotation = { term: r.q(term.trim()), value: null };
  const qualifier = a.Qualifier?.value;
  if (qualifier !== undefined) ann.qualifier = qualifier;
  const v = constantFromAttributes(r, a);
  // No value: a tag term (Core.Computed, ...) whose value defaults to true.
  ann.value = v === undefined ? true : v;
  switch (parentKind) {
    case K_STRUCTURED:
    case K_PROPERTY:
    case K_NAVPROP:
    case K_ENUMTYPE:
    case K_MEMBER:
    case K_TYPEDEF:
    case K_OPERATION:
    case K_PARAMETER:
    case K_CONTAINER:
    case K_ENTITYSET:
    case K_IMPORT:
    case K_TERM:
    case K_ANNOTATIONS:
      (parent as { annotations: Annotation[] }).annotations.push(ann);
      break;
    case K_SCHEMA: {
      // Inline annotations of the schema itself: kept as a block targeting the namespace.
      const schema = parent as Schema;
      let block = r.schemaBlock;
      if (block === undefined || r.schema !== schema) {
        block = { target: schema.namespace, annotations: [] };
        schema.annotations.push(block);
        r.schemaBlock = block;
      }
      block.annotations.push(ann);
      break;
    }
    default:
      // Annotations of records, annotations, references...: read (to keep the stack right) but not kept.
      break;
  }
  r.push(K_ANNOTATION, ann);
}

/** Value of a constant expression given in attribute form, or undefined when none. */
function constantFromAttributes(r: ReaderState, a: Attrs): AnnotationValue | undefined {
  const s = a.String;
  if (s !== undefined) return s.value;
  for (let i = 1; i < CONSTANT_ATTRIBUTES.length; i++) {
    const name = CONSTANT_ATTRIBUTES[i];
    const attr = a[name];
    if (attr !== undefined) return constantValue(r, CONSTANT_ELEMENTS.get(name)!, attr.value);
  }
  return undefined;
}

export function constantValue(r: ReaderState, kind: number, text: string): AnnotationValue {
  switch (kind) {
    case C_STRING:
      return text;
    case C_BOOL:
      return parseBool(text, false);
    case C_NUMBER: {
      const t = text.trim();
      const n = Number(t);
      if (t !== '' && Number.isFinite(n)) return n;
      return t; // INF, -INF, NaN, or out of shape: keep the text
    }
    case C_ENUM:
      return { $enumMember: r.qEnum(text) };
    case C_PATH:
      return { $path: r.qPath(text.trim()) };
    default:
      return null;
  }
}

/** Deliver an expression's value to the enclosing Annotation / PropertyValue / Collection. */
export function deliver(kind: number, target: unknown, v: AnnotationValue): void {
  if (kind === K_ANNOTATION) (target as Annotation).value = v;
  else if (kind === K_PROPERTYVALUE) {
    const f = target as PropertyValueFrame;
    f.record[f.property] = v;
  } else if (kind === K_COLLECTION) (target as AnnotationValue[]).push(v);
}

export function openExpression(r: ReaderState, local: string, parentKind: number, parent: unknown, a: Attrs): void {
  if (local === 'Record') {
    const rec: { $record: Record<string, AnnotationValue>; $type?: string } = { $record: {} };
    const type = a.Type?.value;
    if (type !== undefined) rec.$type = r.q(type.trim());
    deliver(parentKind, parent, rec);
    r.push(K_RECORD, rec);
    return;
  }
  if (local === 'Collection') {
    const arr: AnnotationValue[] = [];
    deliver(parentKind, parent, arr);
    r.push(K_COLLECTION, arr);
    return;
  }
  const ck = CONSTANT_ELEMENTS.get(local);
  if (ck !== undefined) {
    r.push(K_CONSTANT, ck);
    r.startText();
    return;
  }
  // Dynamic expressions (If, Apply, Cast, UrlRef, ...): not evaluated; the value is null.
  deliver(parentKind, parent, null);
  r.push(K_IGNORE, null);
}

export function openRecordChild(r: ReaderState, local: string, parent: unknown, a: Attrs): void {
  if (local === 'PropertyValue') {
    const property = a.Property?.value;
    const rec = (parent as { $record: Record<string, AnnotationValue> }).$record;
    if (property === undefined) {
      r.missing('PropertyValue', 'Property', 'warning');
      return r.push(K_IGNORE, null);
    }
    const frame: PropertyValueFrame = { record: rec, property };
    const v = constantFromAttributes(r, a);
    // No value: a Boolean property value defaults to true (as for tag terms).
    rec[property] = v === undefined ? true : v;
    return r.push(K_PROPERTYVALUE, frame);
  }
  r.push(K_IGNORE, null);
}
