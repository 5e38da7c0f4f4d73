/**
 * Completion inside request URLs: the resource path, query option names and values, nested `$expand(...)`
 * options to any depth, `$filter` expressions (members, paths, operators, canonical and Dataverse query
 * functions with their arguments, enum members, lambdas), `$orderby`, `$apply`, computed and parameter
 * aliases, and function parameter values.
 *
 * How it finds the context: the text before the cursor (variables expanded) is read with the URL parser's
 * scanner (uri/scanner.ts: percent-decoded, `+` in the query a space as Dynamics reads it), and
 * completion/context.ts turns its tokens into a stack of frames (query options, nested expand options,
 * parentheses, lambdas) — it works on any incomplete input. Types come from binding the resource path with the binder
 * (bindUri) and following navigation properties named in the frames; the binder's scope at the cursor is a
 * fallback when the text alone does not tell; `$compute`/`$apply` aliases come from the binder's scopes.
 * Work is proportional to the URL and to the members of the types in scope, never to the model: the item
 * data of the path start (per model) and of each type's members (per type and flavour) is built once and
 * reused, so a keystroke only copies it with the current range.
 */
import { CompletionItemKind, type CompletionList } from 'vscode-languageserver-types';
import type { Operation } from '../csdl/model';
import { HTTP_METHODS } from '../requestFile/requestFile';
import { aggregationMethods } from '../facts/applyTransformations';
import { canonicalFunctions, canonicalSnippet, signatureText } from '../facts/canonicalFunctions';
import { queryFunctionSnippet } from '../facts/dataverseQueryFunctions';
import { comparisonOperatorWords } from '../facts/operators';
import { urlKeywordDoc } from '../facts/urlKeywords';
import { findFlavorQueryParameter, findSystemQueryOption, offeredOptions } from '../facts/systemQueryOptions';
import { scopeAt } from '../binder/binderScope';
import { requestAt, urlAtCursor, type ODataDocument, type ServiceContext } from './serviceContext';
import { isOperand, lastSignificant, normalizeOption, pathIds, scan, wordEnd, type Frame, type OptionsFrame, type ParenFrame, type Place, type ScanResult } from './completion/context';
import { CompletionItems } from './completion/items';
import { isNumericType, literalPlaceholder, preferredPropertyTypes, shortName, typeText } from './completion/itemText';

// =========================================================================================== entry points

export function completeUrl(document: ODataDocument, offset: number, context: ServiceContext): CompletionList | null {
  const at = urlAtCursor(document, offset, context);
  if (at) {
    const session = new Session(document, context, at.expanded.text, (n) => at.expanded.toDocumentOffset(n), at.request.method !== undefined);
    session.run(at.offset);
    return session.result();
  }
  const request = requestAt(document, offset);
  // Whitespace typed after the URL (the request line is trimmed): `$filter=revenue |`.
  const lastPiece = request?.urlPieces[request.urlPieces.length - 1];
  if (request && lastPiece && lastPiece.text !== '' && offset > lastPiece.span.end) {
    const gap = document.text.slice(lastPiece.span.end, offset);
    const expandedAtEnd = gap.length > 0 && /^[ \t]+$/.test(gap) ? urlAtCursor(document, lastPiece.span.end, context) : undefined;
    if (expandedAtEnd) {
      const base = expandedAtEnd.expanded;
      const length = base.text.length;
      const session = new Session(document, context, base.text + gap, (n) => (n <= length ? base.toDocumentOffset(n) : lastPiece.span.end + (n - length)), request.method !== undefined);
      session.run(length + gap.length);
      return session.result();
    }
  }
  // `GET ` with the cursor after the space and no URL yet: the path start.
  if (request && request.url === '' && request.methodSpan && offset > request.methodSpan.end) {
    const between = document.text.slice(request.methodSpan.end, offset);
    if (/^[ \t]+$/.test(between)) {
      const session = new Session(document, context, '', () => offset, true);
      session.run(0);
      return session.result();
    }
  }
  // A blank line outside any request: a new request starts here.
  if (!request) {
    const lineStart = document.text.lastIndexOf('\n', offset - 1) + 1;
    const lineEnd = document.text.indexOf('\n', offset);
    if (document.text.slice(lineStart, lineEnd < 0 ? document.text.length : lineEnd).trim() === '') {
      const session = new Session(document, context, '', () => offset, false);
      session.run(0);
      return session.result();
    }
  }
  return null;
}

// =========================================================================================== the session

/** One completion: where the cursor is (frames, CompletionScope) decides which items (CompletionItems) to offer. */
class Session extends CompletionItems {
  private frames: Frame[] = [];

  // ------------------------------------------------------------------------------------------ dispatch

  run(cursor: number): void {
    const text = this.text;
    const scanned = scan(text, cursor);
    this.cursor = cursor;
    this.frames = scanned.frames;
    const end = wordEnd(text, cursor);
    if (scanned.stringStart !== undefined) {
      this.setRange(scanned.stringStart, end);
      this.completeInString(scanned);
      return;
    }
    let start = cursor;
    const frames = scanned.frames;
    const inner = frames[frames.length - 1]!;
    // The word being typed is the last token; take it out of the context.
    const last = inner.toks[inner.toks.length - 1];
    if (last && last.k === 'id' && last.e === cursor) {
      inner.toks.pop();
      start = last.s;
    }
    this.setRange(start, end);
    if (scanned.query === undefined) this.completePath(inner, start);
    else this.completeQuery(frames, inner, start);
  }

  private completePath(inner: Frame, wordStart: number): void {
    if (inner.kind === 'paren') {
      this.completePathParens(inner);
      return;
    }
    const rootEnd = this.pathStart();
    let slash = -1;
    for (const tok of inner.toks) if (tok.k === 'p' && tok.v === '/' && tok.s >= rootEnd && tok.e <= wordStart) slash = tok.s;
    // A leading `/` (`/accounts`) is still the path start.
    const leading = this.text.slice(rootEnd, wordStart).replace(/^\/+/, '');
    if (slash < 0 || leading.indexOf('/') < 0) {
      this.completePathStart(wordStart);
      return;
    }
    if (!this.model) return;
    const bound = this.bindText(this.text.slice(0, slash));
    if (!bound) return;
    const lastSegment = bound.segments[bound.segments.length - 1];
    const type = bound.resultType;
    const model = this.model;
    if (type.structured) {
      const structured = type.structured;
      if (!type.collection) {
        this.addMembersAfterEntity(structured);
        const typed = model.findNavigationProperty(structured, this.word);
        if (typed?.type.collection) this.addKeySnippetItem(typed.name, model.findStructuredType(typed.type.name));
        if (structured.hasStream) this.add('$value', CompletionItemKind.Keyword, '4', { detail: 'media stream', doc: 'The media resource (stream) of the entity.' });
      } else {
        this.add('$count', CompletionItemKind.Keyword, '0', { detail: 'Edm.Int32', doc: 'The number of entities in the collection.' });
      }
      if (lastSegment?.kind === 'navigation' || lastSegment?.kind === 'entitySet') {
        if (lastSegment.kind === 'navigation' || !type.collection) this.add('$ref', CompletionItemKind.Keyword, '4', { detail: 'entity reference', doc: 'The reference(s) (`@odata.id`) instead of the entities.' });
      }
      this.addCasts(structured);
      // After a single entity, bound operations rank with its navigation properties, before its columns.
      for (const operation of model.boundOperations(structured.fullName, type.collection)) this.addOperation(operation, true, type.collection ? '6' : '1');
    } else if (type.name && !type.collection && lastSegment && lastSegment.kind === 'property') {
      this.add('$value', CompletionItemKind.Keyword, '0', { detail: type.name, doc: 'The raw value of the property.' });
    }
  }

  private completePathStart(wordStart: number): void {
    const model = this.model;
    const lineStart = this.toDocument(wordStart);
    if (!this.hasMethod && this.text.slice(0, wordStart).trim() === '' && this.isLineStart(lineStart)) {
      for (const method of HTTP_METHODS) {
        this.add(method, CompletionItemKind.Keyword, '9', { detail: 'HTTP method', insert: `${method} `, doc: `Send the request with \`${method}\`.` });
      }
    }
    this.add('$metadata', CompletionItemKind.Keyword, '8', { detail: 'service metadata (CSDL)', doc: urlKeywordDoc('$metadata') });
    this.add('$batch', CompletionItemKind.Keyword, '8', { detail: 'batch request', doc: urlKeywordDoc('$batch') });
    if (!model) return;
    this.addEntries(this.pathStartEntries(model));
    const exact = model.findEntitySet(this.word);
    if (exact) this.addKeySnippetItem(exact.name, model.findStructuredType(exact.entityType));
  }

  /** Inside `(` in the path: key values or operation parameters. */
  private completePathParens(frame: ParenFrame): void {
    if (!this.model || !frame.callee) return;
    const model = this.model;
    const bound = this.bindText(this.text.slice(0, frame.open));
    const lastSegment = bound?.segments[bound.segments.length - 1];
    const callee = frame.callee;
    const operation = model.findFunctionImport(callee) ? model.findOperations(model.findFunctionImport(callee)!.function)[0] : callee.includes('.') ? model.findOperations(callee)[0] : undefined;
    if (operation) {
      const parameters = operation.isBound ? operation.parameters.slice(1) : operation.parameters;
      if (frame.argName !== undefined) {
        const parameter = parameters.find((p) => p.name === frame.argName);
        if (parameter && !lastSignificant(frame.toks)) {
          this.addLiteralHints(operation, parameter);
          this.addParameterAliases();
        }
        return;
      }
      for (const parameter of parameters) {
        if (frame.argNames.includes(parameter.name)) continue;
        this.add(`${parameter.name}=`, CompletionItemKind.Variable, '0', { detail: `${typeText(parameter.type)}${parameter.type.nullable ? ' (nullable)' : ''}`, insert: `${parameter.name}=`, retrigger: true });
      }
      return;
    }
    const type = bound?.resultType;
    if (!type?.structured || !type.collection || (lastSegment && lastSegment.kind !== 'entitySet' && lastSegment.kind !== 'navigation')) return;
    if (frame.argName !== undefined || frame.argIndex > 0 || lastSignificant(frame.toks)) return;
    const structured = type.structured;
    const key = this.keyText(structured);
    if (key) {
      this.add(key.label, CompletionItemKind.Snippet, '0', {
        detail: `key of ${shortName(structured.fullName)}`,
        doc: `The key of \`${shortName(structured.fullName)}\`: ${model.key(structured).map((k) => `\`${k.name}\``).join(', ')}.`,
        insert: key.snippet,
        snippet: true,
      });
    }
    for (const alternate of model.alternateKeys(structured)) {
      const label = alternate.parts.map((p) => p.alias ?? p.name).join(',');
      const snippet = alternate.parts.map((p, i) => `${p.alias ?? p.name}=${literalPlaceholder(model.findProperty(structured, p.name)?.type.name, i + 1)}`).join(',');
      this.add(label, CompletionItemKind.Snippet, '1', { detail: 'alternate key', doc: `Alternate key of \`${shortName(structured.fullName)}\`.`, insert: snippet, snippet: true });
    }
  }

  private completeQuery(frames: Frame[], inner: Frame, wordStart: number): void {
    const place = this.place(frames);
    if (!place.it) place.it = this.scopeType(wordStart);
    const optionsFrame = place.options;
    const option = normalizeOption(optionsFrame.option);
    if (option === undefined) {
      if (inner.kind === 'options') this.completeOptionNames(optionsFrame, place.nestedDepth > 0, place.nestedDepth > 0 && this.isRecursiveExpand(frames));
      return;
    }
    if (option.startsWith('@')) {
      if (inner.kind === 'options' && !lastSignificant(inner.toks) && this.completeAliasValue(optionsFrame.option ?? '')) return;
      this.completeExpression(inner, place, 'filter');
      return;
    }
    switch (option) {
      case '$select':
        if (inner.kind === 'options') this.completeSelect(inner, place);
        else this.completeExpression(inner, place, 'filter');
        return;
      case '$expand':
        if (inner.kind === 'options') this.completeExpand(inner, place);
        return;
      case '$filter':
        this.completeExpression(inner, place, 'filter');
        return;
      case '$orderby':
        this.completeExpression(inner, place, inner.kind === 'options' ? 'orderby' : 'filter');
        return;
      case '$compute':
        this.completeExpression(inner, place, 'compute');
        return;
      case '$apply':
        this.completeApply(frames, inner, place);
        return;
      case '$count':
      case 'cross-company':
        this.add('true', CompletionItemKind.Value, '0', { detail: 'Edm.Boolean' });
        this.add('false', CompletionItemKind.Value, '1', { detail: 'Edm.Boolean' });
        return;
      case '$levels':
        this.add('max', CompletionItemKind.Value, '0', { detail: 'all levels', doc: 'Follow the recursive expansion to the end.' });
        for (const n of ['1', '2', '3']) this.add(n, CompletionItemKind.Value, '1', { detail: `${n} level(s)` });
        return;
      case '$format':
        this.add('json', CompletionItemKind.Value, '0', { detail: 'application/json' });
        this.add('application/json;odata.metadata=minimal', CompletionItemKind.Value, '1', { detail: 'JSON, minimal metadata' });
        this.add('application/json;odata.metadata=full', CompletionItemKind.Value, '1', { detail: 'JSON, full metadata' });
        this.add('application/json;odata.metadata=none', CompletionItemKind.Value, '1', { detail: 'JSON, no metadata' });
        return;
      case '$schemaversion':
        this.add('2.0', CompletionItemKind.Value, '0', { detail: 'schema version' });
        this.add('2.1', CompletionItemKind.Value, '1', { detail: 'schema version' });
        return;
      default:
        return;
    }
  }

  private completeOptionNames(frame: OptionsFrame, nested: boolean, recursive: boolean): void {
    const given = new Set(frame.names.map((n) => normalizeOption(n)));
    const offered = offeredOptions[this.flavor];
    const names = [...(nested ? offered.nested : offered.top)];
    if (recursive && offered.levels) names.push('$levels');
    names.forEach((name, index) => {
      if (given.has(name)) return;
      const option = findSystemQueryOption(name);
      const parameter = option ? undefined : findFlavorQueryParameter(name);
      this.add(name, CompletionItemKind.Keyword, String(index).padStart(2, '0'), {
        detail: nested ? 'nested query option' : 'query option',
        doc: option?.doc ?? parameter?.doc,
        insert: parameter?.insert ?? `${name}=`,
        filter: name,
        retrigger: option?.retrigger,
      });
    });
    if (nested) return;
    // Parameter aliases used in the URL but not defined yet.
    const defined = new Set(frame.names.filter((n) => n.startsWith('@')));
    const used = this.text.match(/@[A-Za-z_]\w*/g) ?? [];
    for (const alias of used) {
      if (defined.has(alias)) continue;
      this.add(alias, CompletionItemKind.Variable, '0', { detail: 'parameter alias (used, not defined)', insert: `${alias}=`, doc: `Define the value of the parameter alias \`${alias}\`.` });
    }
  }

  private completeSelect(frame: OptionsFrame, place: Place): void {
    const prefix = pathIds(frame.toks, true);
    let type = place.it;
    if (prefix.length > 0) type = this.resolvePath(prefix, place.it, new Map())?.structured;
    if (!type || !this.model) {
      if (prefix.length === 0) this.add('*', CompletionItemKind.Keyword, '9', { detail: 'all properties' });
      return;
    }
    const skip = new Set(frame.items);
    if (prefix.length === 0) {
      this.add('*', CompletionItemKind.Keyword, '9', { detail: 'all properties', doc: 'Select all structural properties (avoid it on Dataverse: it is slow).' });
      this.addComputedAliases(skip);
    }
    this.addMembers(type, { lookups: true, navigation: false, complexOnly: false, skip });
  }

  private completeExpand(frame: OptionsFrame, place: Place): void {
    const prefix = pathIds(frame.toks, true);
    let type = place.it;
    if (prefix.length > 0) type = this.resolvePath(prefix, place.it, new Map())?.structured;
    if (prefix.length === 0) this.add('*', CompletionItemKind.Keyword, '9', { detail: 'all navigation properties' });
    if (!type || !this.model) return;
    const model = this.model;
    const skip = new Set(frame.items.map((item) => item.split('(')[0]!));
    this.addNavigationEntries(type, '0', skip);
    // Complex properties can lead to navigation properties.
    for (const property of model.properties(type)) {
      if (!model.findStructuredType(property.type.name)) continue;
      this.addProperty(type, property, '5');
    }
    this.addCasts(type);
  }

  // ------------------------------------------------------------------------------------------ expressions

  private completeExpression(frame: Frame, place: Place, mode: 'filter' | 'orderby' | 'compute'): void {
    if (frame.kind === 'paren' && this.completeArguments(frame, place)) return;
    const toks = frame.toks;
    const model = this.model;
    // After `path/`: the members of the path's target.
    const prefix = pathIds(toks, true);
    if (prefix.length > 0) {
      const resolved = this.resolvePath(prefix, place.it, place.vars);
      if (!resolved || !resolved.structured) return;
      if (resolved.collection) {
        this.add('any', CompletionItemKind.Function, '0', { detail: 'lambda: true if any item matches', insert: 'any(${1:x}:${1:x}/$0)', snippet: true, doc: 'True when at least one related item satisfies the condition: `nav/any(x:x/name eq \'a\')`.' });
        this.add('all', CompletionItemKind.Function, '0', { detail: 'lambda: true if every item matches', insert: 'all(${1:x}:${1:x}/$0)', snippet: true, doc: 'True when every related item satisfies the condition.' });
        this.add('$count', CompletionItemKind.Keyword, '1', { detail: 'Edm.Int32', doc: 'The number of related items.' });
        this.addCasts(resolved.structured);
        return;
      }
      this.addMembers(resolved.structured, { lookups: this.flavor === 'dataverse', navigation: true, complexOnly: false });
      this.addCasts(resolved.structured);
      return;
    }
    if (lastSignificant(toks)?.k === 'p' && lastSignificant(toks)?.v === '/') return;
    const last = lastSignificant(toks);
    const afterSpace = toks.length > 0 && toks[toks.length - 1]!.k === 'ws';
    if (last && afterSpace && isOperand(last)) {
      if (mode === 'orderby') {
        this.add('asc', CompletionItemKind.Keyword, '0', { detail: 'ascending (default)' });
        this.add('desc', CompletionItemKind.Keyword, '0', { detail: 'descending' });
        return;
      }
      if (mode === 'compute') this.add('as', CompletionItemKind.Keyword, '0', { detail: 'name the computed value', insert: 'as ${1:alias}', snippet: true });
      // After a complete comparison (`name eq 'x' |`), `and` / `or` come first.
      const before = lastSignificant(toks.slice(0, toks.lastIndexOf(last)));
      const compared = before?.k === 'id' && comparisonOperatorWords.has(before.v);
      this.addOperators(compared);
      return;
    }
    if (last && isOperand(last) && !afterSpace) return; // `name|` directly after a string or `)`: nothing sensible.
    // A value position after a comparison: enum members / Booleans for the operand's type.
    if (last && last.k === 'id' && (last.v === 'eq' || last.v === 'ne' || last.v === 'has') && model) {
      const resolved = this.resolveOperandBefore(toks, last, place);
      if (resolved?.enumType) {
        this.addEnumMembers(resolved.enumType);
        this.add('null', CompletionItemKind.Value, '8', { detail: 'null' });
        return;
      }
      if (resolved?.typeName === 'Edm.Boolean') {
        this.add('true', CompletionItemKind.Value, '0', { detail: 'Edm.Boolean' });
        this.add('false', CompletionItemKind.Value, '0', { detail: 'Edm.Boolean' });
        this.add('null', CompletionItemKind.Value, '8', { detail: 'null' });
        return;
      }
    }
    this.addExpressionStart(place, mode);
  }

  private addExpressionStart(place: Place, mode: 'filter' | 'orderby' | 'compute'): void {
    const model = this.model;
    if (place.it && model) this.addMembers(place.it, { lookups: this.flavor === 'dataverse', navigation: true, complexOnly: false });
    for (const [name, type] of place.vars) {
      this.add(name, CompletionItemKind.Variable, '0', { detail: type ? `lambda variable: ${shortName(type.fullName)}` : 'lambda variable', insert: name });
    }
    if (normalizeOption(place.options.option) !== '$compute') this.addComputedAliases(undefined);
    if (mode === 'orderby') return;
    this.add('$it', CompletionItemKind.Keyword, '8', { detail: place.it ? shortName(place.it.fullName) : 'the current instance', doc: 'The instance being filtered.' });
    if (place.inLambda || place.nestedDepth > 0) this.add('$this', CompletionItemKind.Keyword, '8', { detail: 'the current instance', doc: 'The current instance of the collection (inside lambdas and nested options).' });
    this.add('$root', CompletionItemKind.Keyword, '8', { detail: 'service root', doc: 'Start a path at the service root: `$root/accounts(…)/name`.' });
    for (const f of canonicalFunctions()) {
      const snippet = canonicalSnippet(f);
      this.add(f.name, CompletionItemKind.Function, '6', { detail: signatureText(f, f.overloads[0], '→'), doc: f.description, insert: snippet, snippet: true, filter: f.name });
    }
    if (model && this.flavor === 'dataverse') {
      for (const operation of this.queryFunctions()) {
        const parameters = operation.parameters;
        const snippet = queryFunctionSnippet(operation);
        this.add(operation.fullName, CompletionItemKind.Function, '7', {
          detail: `query function (${parameters.map((p) => p.name).join(', ')})`,
          doc: this.describe(operation.fullName, undefined) ?? `Dataverse query function \`${operation.name}\`.`,
          insert: snippet,
          snippet: true,
          filter: this.qualifiedFilter(operation.fullName),
        });
      }
    }
    if (mode === 'filter') this.add('not', CompletionItemKind.Operator, '8', { detail: 'logical negation', insert: 'not ' });
    this.add('true', CompletionItemKind.Value, '9', { detail: 'Edm.Boolean' });
    this.add('false', CompletionItemKind.Value, '9', { detail: 'Edm.Boolean' });
    this.add('null', CompletionItemKind.Value, '9', { detail: 'null' });
    this.addParameterAliases();
  }

  /** Inside a string: property names for `PropertyName='…'` of a query function. */
  private completeInString(scanned: ScanResult): void {
    if (!this.model || scanned.query === undefined) return;
    const frames = scanned.frames;
    const inner = frames[frames.length - 1]!;
    if (inner.kind !== 'paren' || inner.argName !== 'PropertyName' || lastSignificant(inner.toks)) return;
    const place = this.place(frames);
    const type = place.it ?? this.scopeType(inner.open);
    if (!type) return;
    const preferred = inner.callee ? preferredPropertyTypes(inner.callee) : undefined;
    for (const property of this.model.properties(type)) this.addProperty(type, property, preferred && !preferred.has(property.type.name) ? '1' : '0');
  }

  // ------------------------------------------------------------------------------------------ call arguments

  /**
   * Positions inside the parentheses of a function call with a known operation (`Microsoft.Dynamics.CRM.In(`),
   * a `[…]` collection literal given to one, and `operand in (…)` lists. True when the position was one of those.
   */
  private completeArguments(frame: ParenFrame, place: Place): boolean {
    const index = this.frames.lastIndexOf(frame);
    const parent = index > 0 ? this.frames[index - 1] : undefined;
    const typed = lastSignificant(frame.toks) !== undefined;
    if (frame.bracket) {
      if (parent?.kind !== 'paren' || !parent.argName || !this.callOperation(parent)) return false;
      if (!typed) {
        this.add('"…"', CompletionItemKind.Value, '0', {
          detail: 'one value (as a string)',
          doc: 'Values in the collection are JSON strings, also for numbers and option-set values: `["1","2"]`. Option-set values are not in $metadata.',
          insert: '"${1}"',
          snippet: true,
          filter: '"',
        });
      }
      return true;
    }
    const operation = frame.callee ? this.callOperation(frame) : undefined;
    if (operation) {
      this.completeOperationArgument(operation, frame, typed, place);
      return true;
    }
    if (frame.callee === undefined && parent && !typed) return this.completeInList(parent, place);
    return false;
  }

  /** The unbound function a call in an expression names (`Microsoft.Dynamics.CRM.LastXDays`), if the model has it. */
  private callOperation(frame: ParenFrame): Operation | undefined {
    const callee = frame.callee;
    if (!this.model || frame.inPath || !callee || !callee.includes('.')) return undefined;
    return this.model.findOperations(callee).find((operation) => operation.kind === 'Function' && !operation.isBound);
  }

  /** `Fn(|`, `Fn(A=1,|`: parameter names not given yet; `Fn(A=|`: values for the parameter's type and aliases. */
  private completeOperationArgument(operation: Operation, frame: ParenFrame, typed: boolean, place: Place): void {
    if (typed) return;
    const parameters = operation.parameters;
    if (frame.argName === undefined) {
      parameters.forEach((parameter, index) => {
        if (frame.argNames.includes(parameter.name)) return;
        const quoted = parameter.name === 'PropertyName';
        this.add(`${parameter.name}=`, CompletionItemKind.Variable, String(index), {
          detail: `${typeText(parameter.type)}${parameter.type.nullable ? ' (nullable)' : ''}`,
          doc: quoted ? 'The name of the property (column) the function tests, in quotes.' : undefined,
          insert: quoted ? `${parameter.name}='\${1}'` : `${parameter.name}=`,
          snippet: quoted,
          filter: parameter.name,
          retrigger: true,
        });
      });
      return;
    }
    const parameter = parameters.find((p) => p.name === frame.argName);
    if (!parameter) return;
    if (parameter.name === 'PropertyName') {
      const type = place.it ?? this.scopeType(frame.open);
      if (type && this.model) {
        const preferred = preferredPropertyTypes(operation.name);
        for (const property of this.model.properties(type)) {
          const nullable = property.type.nullable ? ' (nullable)' : '';
          this.add(`'${property.name}'`, CompletionItemKind.Property, preferred && !preferred.has(property.type.name) ? '1' : '0', {
            detail: `${typeText(property.type)}${nullable}`,
            doc: this.describe(`${type.fullName}/${property.name}`, undefined),
            filter: property.name,
          });
        }
      }
    } else {
      this.addLiteralHints(operation, parameter);
    }
    this.addParameterAliases();
  }

  /**
   * `&@p1=|` where `@p1` is given to a function parameter (`LastXDays(PropertyName=@p1,…)`): the values of that
   * parameter (quoted property names for a PropertyName). False when the alias is not used as a parameter.
   */
  private completeAliasValue(alias: string): boolean {
    if (!this.model) return false;
    const use = new RegExp(`([A-Za-z_]\\w*)=${alias.replace(/[^\w@]/g, '')}(?![\\w])`).exec(this.text);
    if (!use) return false;
    const open = this.text.lastIndexOf('(', use.index);
    const callee = open > 0 ? /[A-Za-z_][\w.]*$/.exec(this.text.slice(Math.max(0, open - 200), open))?.[0] : undefined;
    const operation = callee ? this.model.findOperations(callee).find((o) => o.kind === 'Function') : undefined;
    const parameter = operation?.parameters.find((p) => p.name === use[1]);
    if (!operation || !parameter) return false;
    if (parameter.name !== 'PropertyName') {
      this.addLiteralHints(operation, parameter);
      return true;
    }
    if (this.bound === null) this.bound = this.bindText(this.text);
    const type = this.bound ? scopeAt(this.bound, use.index)?.type : undefined;
    if (!type) return true;
    const preferred = preferredPropertyTypes(operation.name);
    for (const property of this.model.properties(type)) {
      this.add(`'${property.name}'`, CompletionItemKind.Property, preferred && !preferred.has(property.type.name) ? '1' : '0', {
        detail: `${typeText(property.type)}${property.type.nullable ? ' (nullable)' : ''}`,
        doc: this.describe(`${type.fullName}/${property.name}`, undefined),
        filter: property.name,
      });
    }
    return true;
  }

  /** `operand in (|`: the members of an enum operand, or true/false. */
  private completeInList(parent: Frame, place: Place): boolean {
    const toks = parent.toks;
    const last = lastSignificant(toks);
    if (!last || last.k !== 'id' || last.v !== 'in' || !this.model) return false;
    const resolved = this.resolveOperandBefore(toks, last, place);
    if (resolved?.enumType) {
      this.addEnumMembers(resolved.enumType);
      return true;
    }
    if (resolved?.typeName === 'Edm.Boolean') {
      this.add('true', CompletionItemKind.Value, '0', { detail: 'Edm.Boolean' });
      this.add('false', CompletionItemKind.Value, '0', { detail: 'Edm.Boolean' });
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------ $apply

  private completeApply(frames: Frame[], inner: Frame, place: Place): void {
    if (inner.kind === 'options') {
      this.addTransformations();
      return;
    }
    const toks = inner.toks;
    const last = lastSignificant(toks);
    const afterSpace = toks.length > 0 && toks[toks.length - 1]!.k === 'ws';
    const callee = inner.callee;
    if (callee === 'aggregate') {
      if (last && afterSpace) {
        if (last.k === 'id' && last.v === 'with') {
          aggregationMethods.forEach((m, i) => this.add(m, CompletionItemKind.Function, String(i), { detail: 'aggregation method', insert: `${m} as ` }));
          return;
        }
        if (last.k === 'id' && (aggregationMethods.includes(last.v) || last.v === '$count')) {
          this.add('as', CompletionItemKind.Keyword, '0', { detail: 'name the aggregate', insert: 'as ${1:alias}', snippet: true });
          return;
        }
        if (last.k === 'id' && last.v !== 'as') {
          this.add('with', CompletionItemKind.Keyword, '0', { detail: 'aggregation method', insert: 'with ' });
          return;
        }
        if (last.k === 'id' && last.v === 'as') return;
      }
      this.add('$count as', CompletionItemKind.Keyword, '0', { detail: 'count of entities', insert: '$count as ${1:count}', snippet: true, filter: '$count' });
      if (place.it && this.model) {
        for (const property of this.model.properties(place.it)) {
          if (!isNumericType(property.type.name) && property.type.name !== 'Edm.Guid' && !property.name.endsWith('_value')) continue;
          this.add(`${property.name} with sum as`, CompletionItemKind.Snippet, '5', {
            detail: typeText(property.type),
            insert: `${property.name} with \${1|sum,min,max,average,countdistinct|} as \${2:${property.name}_\${1}}`,
            snippet: true,
            filter: property.name,
          });
        }
        this.addMembers(place.it, { lookups: false, navigation: true, complexOnly: false });
      }
      return;
    }
    // `groupby((` — the grouping properties; after `),` the transformations.
    const outer = frames[frames.length - 2];
    if (callee === undefined && outer?.kind === 'paren' && outer.callee === 'groupby') {
      this.completeExpression(inner, place, 'orderby');
      // no asc/desc in groupby: drop them
      this.dropLabels(['asc', 'desc']);
      return;
    }
    if (callee === 'groupby') {
      if (inner.argIndex > 0) this.addTransformations();
      return;
    }
    if (callee === 'filter') {
      this.completeExpression(inner, place, 'filter');
      return;
    }
    if (callee === 'orderby') {
      this.completeExpression(inner, place, 'orderby');
      return;
    }
    if (callee === 'compute') {
      this.completeExpression(inner, place, 'compute');
      return;
    }
    if (callee === 'expand') {
      if (inner.argIndex === 0 && place.it) this.addNavigationEntries(place.it, '0');
      else if (inner.argIndex > 0) this.addTransformations();
      return;
    }
    if (callee === 'concat') {
      this.addTransformations();
      return;
    }
    if (callee && /^(top|bottom)(count|sum|percent)$/.test(callee) && inner.argIndex > 0) {
      this.completeExpression(inner, place, 'filter');
    }
  }
}
