/**
 * Signature help inside the parentheses of a call: canonical functions (`contains`, `substring` with its
 * overloads…), namespace-qualified functions of the model (`Microsoft.Dynamics.CRM.LastXDays(PropertyName,
 * PropertyValue)`) and bound/unbound operations in the resource path. The active parameter is the comma
 * count at the cursor (commas inside strings, JSON values and nested parentheses do not count), or the
 * parameter named by `Name=` in a named argument. Pure; an exception is caught once, in languageService.ts.
 */
import type { ParameterInformation, SignatureHelp, SignatureInformation } from 'vscode-languageserver-types';
import type { ModelIndex } from '../csdl/modelIndex';
import type { Operation, TypeRef } from '../csdl/model';
import { findCanonicalFunction, type CanonicalFunction, type CanonicalSignature, type ParameterSpec } from '../facts/canonicalFunctions';
import { resolutionAt } from '../binder/binderScope';
import { analyzeUrl } from './checkUrl';
import { modelOrEmpty } from './hover';
import { urlAtCursor, type ODataDocument, type ServiceContext } from './serviceContext';

export function doSignatureHelp(document: ODataDocument, offset: number, context: ServiceContext): SignatureHelp | null {
  const at = urlAtCursor(document, offset, context);
  return at ? signatureHelpInUrl(at.expanded.text, at.offset, context) : null;
}

/** Signature help at an offset of a URL text (variables already expanded). */
export function signatureHelpInUrl(text: string, offset: number, context: ServiceContext): SignatureHelp | null {
  const frames = openFrames(text, offset);
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i]!;
    if (frame.bracket !== '(') continue;
    const name = nameBefore(text, frame.open);
    if (!name) continue; // a grouping parenthesis: look further out
    if (name.text === 'any' || name.text === 'all') return null;
    const argument = text.slice(frame.argStart, offset);
    const canonical = findCanonicalFunction(name.text);
    if (canonical) return canonicalHelp(canonical, frame.commas);
    const model = modelOrEmpty(context);
    return operationHelp(text, name, frame.commas, argument, model, context);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Scanning
// ---------------------------------------------------------------------------------------------------------

interface Frame {
  bracket: '(' | '[' | '{';
  /** Offset of the opening bracket. */
  open: number;
  /** Commas at this level before the cursor. */
  commas: number;
  /** Offset after the last comma (or after the opening bracket). */
  argStart: number;
}

/** The brackets still open at `offset`, outermost first; strings (`'…'` with `''`, JSON `"…"`) are skipped. */
function openFrames(text: string, offset: number): Frame[] {
  const frames: Frame[] = [];
  let quote: "'" | '"' | undefined;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    switch (ch) {
      case "'":
      case '"':
        quote = ch;
        break;
      case '(':
      case '[':
      case '{':
        frames.push({ bracket: ch, open: i, commas: 0, argStart: i + 1 });
        break;
      case ')':
      case ']':
      case '}': {
        const open = ch === ')' ? '(' : ch === ']' ? '[' : '{';
        // Close the nearest matching frame (recovering from unbalanced input).
        for (let k = frames.length - 1; k >= 0; k--) {
          if (frames[k]!.bracket === open) {
            frames.length = k;
            break;
          }
        }
        break;
      }
      case ',': {
        const top = frames[frames.length - 1];
        if (top) {
          top.commas++;
          top.argStart = i + 1;
        }
        break;
      }
      case '&':
      case '?':
        // A new query option (outside any string) closes everything opened in the previous one.
        frames.length = 0;
        break;
      default:
        break;
    }
  }
  return frames;
}

function nameBefore(text: string, open: number): { text: string; start: number } | undefined {
  let start = open;
  while (start > 0 && /[\w.$]/.test(text[start - 1]!)) start--;
  const name = text.slice(start, open);
  if (!name || !/^[A-Za-z_$]/.test(name)) return undefined;
  return { text: name, start };
}

// ---------------------------------------------------------------------------------------------------------
// Canonical functions
// ---------------------------------------------------------------------------------------------------------

function specText(spec: ParameterSpec): string {
  return spec === 'any' ? 'any' : spec === 'typeName' ? 'type' : spec.join('|');
}

function returnText(overload: CanonicalSignature): string {
  return overload.returns === 'arg0' ? 'same type' : overload.returns === 'castTarget' ? 'type' : overload.returns;
}

/** One signature per arity (`substring(string, start)` and `substring(string, start, length)`). */
function canonicalSignatures(fn: CanonicalFunction): { info: SignatureInformation; count: number }[] {
  const result: { info: SignatureInformation; count: number }[] = [];
  for (const overload of fn.overloads) {
    const total = overload.parameters.length;
    for (let count = total - (overload.optional ?? 0); count <= total; count++) {
      const parts = overload.parameters.slice(0, count).map((spec, index) => `${overload.names[index] ?? `arg${index + 1}`}: ${specText(spec)}`);
      result.push({ info: signature(fn.name, parts, `: ${returnText(overload)}`, fn.description), count });
    }
  }
  return result;
}

function canonicalHelp(fn: CanonicalFunction, commas: number): SignatureHelp {
  const signatures = canonicalSignatures(fn);
  let active = signatures.findIndex((s) => s.count > commas);
  if (active < 0) active = signatures.length - 1;
  return { signatures: signatures.map((s) => s.info), activeSignature: active, activeParameter: commas };
}

/** A signature whose parameter labels are offsets into its label. */
function signature(name: string, parameters: string[], suffix: string, documentation?: string): SignatureInformation {
  let label = `${name}(`;
  const infos: ParameterInformation[] = [];
  parameters.forEach((parameter, index) => {
    if (index > 0) label += ', ';
    infos.push({ label: [label.length, label.length + parameter.length] });
    label += parameter;
  });
  label += `)${suffix}`;
  const info: SignatureInformation = { label, parameters: infos };
  if (documentation) info.documentation = { kind: 'markdown', value: documentation };
  return info;
}

// ---------------------------------------------------------------------------------------------------------
// Operations of the model
// ---------------------------------------------------------------------------------------------------------

function typeRefText(ref: TypeRef): string {
  return ref.collection ? `Collection(${ref.name})` : ref.name;
}

function operationParameters(operation: Operation): Operation['parameters'] {
  return operation.isBound ? operation.parameters.slice(1) : operation.parameters;
}

function operationSignature(operation: Operation, model: ModelIndex): SignatureInformation {
  const parts = operationParameters(operation).map((p) => `${p.name}: ${typeRefText(p.type)}`);
  const suffix = operation.returnType ? `: ${typeRefText(operation.returnType)}` : '';
  const docs: string[] = [];
  const binding = operation.isBound ? operation.parameters[0] : undefined;
  docs.push(`${binding ? '' : 'Unbound '}${operation.kind === 'Function' ? (binding ? 'Function' : 'function') : binding ? 'Action' : 'action'}${binding ? ` bound to \`${typeRefText(binding.type)}\`` : ''}`);
  const description = model.description(operation.fullName);
  if (description) docs.push(description);
  return signature(operation.fullName, parts, suffix, docs.join('\n\n'));
}

function operationHelp(
  text: string,
  name: { text: string; start: number },
  commas: number,
  argument: string,
  model: ModelIndex,
  context: ServiceContext,
): SignatureHelp | null {
  let operations = model.findOperations(name.text);
  if (operations.length === 0) {
    const imported = model.findFunctionImport(name.text) ?? model.findActionImport(name.text);
    if (imported) operations = model.findOperations(imported.kind === 'FunctionImport' ? imported.function : imported.action);
  }
  if (operations.length === 0) return null;

  // The overload the binder chose (a bound operation on the segment's type) comes first.
  let chosen: Operation | undefined;
  try {
    const analysis = analyzeUrl(text, model, { flavor: context.flavor, serviceRoot: context.serviceRoot });
    const resolution = resolutionAt(analysis.bound, name.start);
    const target = resolution?.target;
    if (target && 'kind' in target && (target.kind === 'Function' || target.kind === 'Action')) chosen = target as Operation;
  } catch {
    // no binding: keep the model's order (signature help does not depend on it)
  }
  const ordered = chosen ? [chosen, ...operations.filter((o) => o !== chosen)] : [...operations];
  const unique: Operation[] = [];
  const labels = new Set<string>();
  const signatures: SignatureInformation[] = [];
  for (const operation of ordered) {
    const info = operationSignature(operation, model);
    if (labels.has(info.label)) continue;
    labels.add(info.label);
    unique.push(operation);
    signatures.push(info);
    if (signatures.length >= 20) break;
  }

  // `Name=value`: the parameter written, else the comma count.
  const named = /^\s*([A-Za-z_]\w*)\s*=/.exec(argument);
  let activeParameter = commas;
  const first = unique[0]!;
  if (named) {
    const index = operationParameters(first).findIndex((p) => p.name === named[1]);
    if (index >= 0) activeParameter = index;
  }
  return { signatures, activeSignature: 0, activeParameter };
}
