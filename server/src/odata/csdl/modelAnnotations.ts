/**
 * The model index, top layer: annotations (inline and external `Annotations` blocks, by target path),
 * descriptions, and alternate keys (declared as annotations). `ModelIndexImpl` is the whole index.
 */
import type { Annotation, AnnotationValue, Operation, PropertyRef, SchemaType, StructuredType, TypeRef } from './model';
import type { AlternateKey, ModelIndex } from './modelIndex';
import { ModelMembers } from './modelMembers';
import { EMPTY as NAMES_EMPTY } from './modelNames';

// A module-local copy: under tsx (tests, bench) every read of an imported binding is a getter call.
const EMPTY = NAMES_EMPTY;

/** Term names the index understands (always stored alias-resolved by the reader). */
export const TERM_CORE_DESCRIPTION = 'Org.OData.Core.V1.Description';
export const TERM_CORE_LONG_DESCRIPTION = 'Org.OData.Core.V1.LongDescription';
export const TERM_COMMUNITY_ALTERNATE_KEYS = 'OData.Community.Keys.V1.AlternateKeys';
export const TERM_CORE_ALTERNATE_KEYS = 'Org.OData.Core.V1.AlternateKeys';

/** The whole model index: the names and members layers plus annotations, descriptions and alternate keys. */
export class ModelIndexImpl extends ModelMembers implements ModelIndex {
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
