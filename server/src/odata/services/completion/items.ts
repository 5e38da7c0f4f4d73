/**
 * What completion offers: the item list of one completion (ranges, de-duplication, the cut to the completion
 * limit) and the items every position draws on — members, casts, operations, operators, enum members,
 * transformations, literal hints, parameter and computed aliases — with the per-model and per-type caches that
 * make a keystroke copy item data instead of building it.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList, type Range } from 'vscode-languageserver-types';
import type { EnumType, NavigationProperty, Operation, Parameter, Property, StructuredType } from '../../csdl/model';
import type { ModelIndex } from '../../csdl/modelIndex';
import type { Flavor } from '../../diagnosticCodes';
import { applyTransformations } from '../../facts/applyTransformations';
import { isDataverseQueryFunction } from '../../facts/dataverseQueryFunctions';
import { operators } from '../../facts/operators';
import { scopeAt } from '../../binder/binderScope';
import { matchesTyped } from '../completionFilter';
import { setLazyDocumentation } from '../lazyDocumentation';
import { toRange } from '../serviceContext';
import { CompletionScope } from './context';
import { callSnippet, literalHints, literalPlaceholder, propertyDetail, shortName, signature, typeText } from './itemText';

/** The operators completion offers after an operand, with their documentation. */
const offeredOperators = operators.filter((o) => o.offered);

/** The `$apply` transformations completion offers, in the facts' order. */
const offeredTransformations = applyTransformations.filter((t) => t.offer);

const queryFunctionCache = new WeakMap<ModelIndex, Operation[]>();

interface AddOptions {
  detail?: string;
  /** Markdown; a function for documentation that is costly to make (computed when the item is shown). */
  doc?: string | (() => string | undefined);
  insert?: string;
  snippet?: boolean;
  filter?: string;
  retrigger?: boolean;
  /**
   * `doc` (a function) as an item's lazy documentation, made on the first add and kept here: the cached
   * entries' options are added on every completion, and one closure per item per keystroke was garbage.
   */
  lazyDoc?: () => CompletionItem['documentation'];
}

/** A Markdown documentation made when asked, of a function that returns its text. */
function markdownWhenAsked(doc: () => string | undefined): () => CompletionItem['documentation'] {
  return () => {
    const value = doc();
    return value ? { kind: MarkupKind.Markdown, value } : undefined;
  };
}

/**
 * What `add` needs for one item, computed once per model (or type) for the long lists. Label, kind, sort and
 * filter are what the order and the cut to the completion limit read; the rest (`options`) may be made only for
 * the entries that pass the cut (member entries: see `memberOptions`).
 */
interface Entry {
  label: string;
  kind: CompletionItemKind;
  sort: string;
  /** What the typed text is matched against when it is not the label (`options.filter`, known up front). */
  filter?: string;
  /** Undefined until the entry is first added, for the entries whose options are made on use. */
  options: AddOptions | undefined;
  /** The item's sort text under the entry's own sort (no prefix or override), made on the first add and kept. */
  sortText?: string;
}

/** A member of a type: a structural property (`lookup` marks Dataverse `_x_value` lookups) or a navigation property. */
interface MemberEntry extends Entry {
  lookup: boolean;
  member: Property | NavigationProperty;
}

/**
 * The member entries of a type, each list made on its first use: `$select` on systemuser needs its 112
 * properties, not its 3,552 navigation properties.
 */
interface MemberEntries {
  type: StructuredType;
  properties?: MemberEntry[];
  navigation?: MemberEntry[];
}

/** How `addEntries` adds a list: which entries, and their sort text (`sortPrefix` + sort, or `sort` for all). */
interface EntryOptions<E extends Entry> {
  accept?: (entry: E) => boolean;
  sortPrefix?: string;
  sort?: string;
  /** The options of an entry whose `options` are not made yet. */
  make?: (entry: E) => AddOptions;
}

const pathStartCache = new WeakMap<ModelIndex, Entry[]>();

/** Per type and flavour (lookups are a Dataverse notion). */
const memberCache = new WeakMap<StructuredType, Map<Flavor, MemberEntries>>();

/** The item list of one completion, and the items every position draws on. */
export class CompletionItems extends CompletionScope {
  protected readonly items: CompletionItem[] = [];
  protected readonly labels = new Set<string>();
  protected range: Range | undefined;
  protected word = '';
  protected wordStart = 0;
  protected cursor = 0;

  result(): CompletionList {
    return { isIncomplete: this.leftOut, items: this.items };
  }

  /** Set when a long list left entries out (ServiceContext.completionLimit): the editor must ask again. */
  protected leftOut = false;

  /**
   * Add cached entries (kept in sort order). Under a completion limit, a list longer than it adds only the
   * entries that match the typed text, and no more than the limit of them: the client's cut to the first N
   * by sort text keeps nothing beyond those. An entry's options are made (by `how.make`) when it is first added.
   */
  protected addEntries<E extends Entry>(entries: readonly E[], how: EntryOptions<E> = {}): void {
    const { accept, make } = how;
    const limit = this.context.completionLimit;
    const cut = limit !== undefined && entries.length > limit;
    const typed = cut ? this.typedText() : '';
    let added = 0;
    for (const entry of entries) {
      if (accept !== undefined && !accept(entry)) continue;
      if (cut && (added >= limit || (typed !== '' && !matchesTyped(entry.filter ?? entry.label, typed)))) {
        this.leftOut = true;
        if (added >= limit) break;
        continue;
      }
      // An entry already in the list (or no range to add it in) is not made.
      if (this.labels.has(entry.label) || !this.range) continue;
      const options = entry.options ?? (entry.options = make!(entry));
      // The common case's sort text is the entry's own: made once, not a new string per item per keystroke.
      const own = how.sort === undefined && !how.sortPrefix;
      const sort = own ? entry.sort : (how.sort ?? (how.sortPrefix ?? '') + entry.sort);
      if (this.add(entry.label, entry.kind, sort, options, own ? (entry.sortText ??= `${entry.sort}${entry.label}`) : undefined)) added++;
    }
  }

  /** What was typed of the word being completed (its start to the cursor), in lower case, as the client filters it. */
  protected typedText(): string {
    if (!this.range) return '';
    const start = this.toDocument(this.wordStart);
    const end = this.toDocument(this.cursor);
    return end > start ? this.document.text.slice(start, end).toLowerCase() : '';
  }

  protected setRange(start: number, end: number): void {
    this.wordStart = start;
    this.word = this.text.slice(start, end);
    this.range = toRange(this.document, { start: this.toDocument(start), end: this.toDocument(end) });
  }

  /** `sortText`, when given, is `sort` followed by `label` made before (addEntries keeps an entry's). */
  protected add(label: string, kind: CompletionItemKind, sort: string, options: AddOptions = {}, sortText?: string): boolean {
    if (this.labels.has(label) || !this.range) return false;
    this.labels.add(label);
    const item: CompletionItem = {
      label,
      kind,
      sortText: sortText ?? `${sort}${label}`,
      textEdit: { range: this.range, newText: options.insert ?? label },
      insertTextFormat: options.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    };
    if (options.detail) item.detail = options.detail;
    const doc = options.doc;
    if (typeof doc === 'function') {
      setLazyDocumentation(item, options.lazyDoc ??= markdownWhenAsked(doc));
    } else if (doc) {
      item.documentation = { kind: MarkupKind.Markdown, value: doc };
    }
    if (options.filter) item.filterText = options.filter;
    if (options.retrigger) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
    this.items.push(item);
    return true;
  }

  /** filterText for qualified names: the short name until the user types a dot. */
  protected qualifiedFilter(fullName: string): string {
    return this.word.includes('.') ? fullName : fullName.slice(fullName.lastIndexOf('.') + 1);
  }

  protected dropLabels(labels: string[]): void {
    for (let i = this.items.length - 1; i >= 0; i--) if (labels.includes(this.items[i]!.label)) this.items.splice(i, 1);
  }

  /** Entity sets, singletons, function and action imports: the same for every path start of a model. */
  protected pathStartEntries(model: ModelIndex): Entry[] {
    let entries = pathStartCache.get(model);
    if (entries) return entries;
    entries = [];
    const container = model.container?.fullName;
    // Documented when shown: describing every set reads every entity type (see lazyDocumentation.ts).
    for (const set of model.entitySets()) {
      const detail = `Collection(${shortName(set.entityType)})`;
      const doc = (): string | undefined => describe(model, container ? `${container}/${set.name}` : undefined, set.entityType);
      entries.push({ label: set.name, kind: CompletionItemKind.Class, sort: '1', options: { detail, doc } });
    }
    for (const singleton of model.singletons()) {
      const doc = (): string | undefined => describe(model, container ? `${container}/${singleton.name}` : undefined, singleton.type);
      const options = { detail: `${shortName(singleton.type)} (singleton)`, doc };
      entries.push({ label: singleton.name, kind: CompletionItemKind.Class, sort: '2', options });
    }
    for (const fi of model.functionImports()) {
      const operation = model.findOperations(fi.function)[0];
      const parameters = operation ? operation.parameters : [];
      entries.push({
        label: fi.name,
        kind: CompletionItemKind.Function,
        sort: '3',
        filter: fi.name,
        options: {
          detail: `function${operation?.returnType ? ` → ${typeText(operation.returnType)}` : ''}`,
          doc: this.describe(fi.function, undefined) ?? signature(fi.name, parameters),
          insert: callSnippet(fi.name, parameters),
          snippet: true,
          filter: fi.name,
        },
      });
    }
    for (const ai of model.actionImports()) {
      const operation = model.findOperations(ai.action)[0];
      entries.push({
        label: ai.name,
        kind: CompletionItemKind.Method,
        sort: '4',
        options: {
          detail: `action (POST)${operation?.returnType ? ` → ${typeText(operation.returnType)}` : ''}`,
          doc: this.describe(ai.action, undefined) ?? signature(ai.name, operation?.parameters ?? []),
        },
      });
    }
    inSortOrder(entries);
    pathStartCache.set(model, entries);
    return entries;
  }

  protected addKeySnippetItem(name: string, type: StructuredType | undefined): void {
    if (!type || !this.model) return;
    const key = this.keyText(type);
    if (!key) return;
    this.add(`${name}(${key.label})`, CompletionItemKind.Snippet, '0', {
      detail: `${shortName(type.fullName)} by key`,
      doc: `Address one \`${shortName(type.fullName)}\` by its key.`,
      insert: `${name}(${key.snippet})`,
      snippet: true,
      filter: name,
    });
  }

  /** The key contents as a snippet: a GUID for Dataverse, named parts elsewhere. */
  protected keyText(type: StructuredType): { label: string; snippet: string } | undefined {
    const model = this.model!;
    const key = model.key(type);
    if (key.length === 0) return undefined;
    if (key.length === 1) {
      const property = model.findProperty(type, key[0]!.name);
      if (this.flavor === 'dataverse' || property?.type.name === 'Edm.Guid') {
        if (property?.type.name === 'Edm.Guid') return { label: key[0]!.name, snippet: '${1:00000000-0000-0000-0000-000000000000}' };
      }
      if (this.flavor !== 'fno' && this.flavor !== 'bc' && property) {
        return { label: key[0]!.name, snippet: literalPlaceholder(property.type.name, 1) };
      }
    }
    const parts = key.map((ref, i) => `${ref.alias ?? ref.name}=${literalPlaceholder(model.findProperty(type, ref.name)?.type.name, i + 1)}`);
    return { label: key.map((ref) => ref.alias ?? ref.name).join(','), snippet: parts.join(',') };
  }

  protected addOperators(logicalFirst: boolean): void {
    offeredOperators.forEach(({ name: op, doc, unsupported }, index) => {
      if (unsupported?.[this.flavor] !== undefined) return;
      const logical = op === 'and' || op === 'or';
      const sort = logicalFirst ? `${logical ? 0 : 1}${String(index).padStart(2, '0')}` : String(index).padStart(2, '0');
      this.add(op, CompletionItemKind.Operator, sort, { detail: 'operator', doc: `\`${op}\`: ${doc}`, insert: `${op} ` });
    });
  }

  protected addEnumMembers(enumType: EnumType): void {
    enumType.members.forEach((member, index) => {
      const literal = `${enumType.fullName}'${member.name}'`;
      this.add(literal, CompletionItemKind.EnumMember, String(index).padStart(4, '0'), {
        detail: `${enumType.name} = ${member.value}`,
        doc: this.describe(`${enumType.fullName}/${member.name}`, undefined),
        filter: this.word.includes('.') ? literal : member.name,
      });
    });
    if (this.flavor !== 'fno') return;
    enumType.members.forEach((member, index) => {
      this.add(`'${member.name}'`, CompletionItemKind.EnumMember, `1${String(index).padStart(4, '0')}`, {
        detail: `${enumType.name} = ${member.value} (short form)`,
        doc: this.describe(`${enumType.fullName}/${member.name}`, undefined),
        filter: member.name,
      });
    });
  }

  /** Dataverse query functions (unbound functions with a PropertyName parameter), once per model. */
  protected queryFunctions(): Operation[] {
    const model = this.model!;
    let cached = queryFunctionCache.get(model);
    if (!cached) {
      cached = [];
      for (const schema of model.document.schemas) {
        for (const operation of schema.operations) {
          if (isDataverseQueryFunction(operation)) cached.push(operation);
        }
      }
      queryFunctionCache.set(model, cached);
    }
    return cached;
  }

  /** Literal placeholders for a parameter value, by the parameter's type (and for query functions, what they compare). */
  protected addLiteralHints(operation: Operation, parameter: Parameter): void {
    const typeName = parameter.type.name;
    if (parameter.type.collection) {
      const strings = typeName === 'Edm.String';
      this.add(strings ? '["…"]' : '[…]', CompletionItemKind.Value, '0', {
        detail: typeText(parameter.type),
        doc: strings ? 'A JSON array of strings: `["a","b"]` (numbers and option-set values too, as strings).' : 'A JSON array of values.',
        insert: strings ? '["${1}"]' : '[${1}]',
        snippet: true,
        filter: '[',
      });
      return;
    }
    const enumType = this.model?.findEnumType(typeName);
    if (enumType) {
      this.addEnumMembers(enumType);
      return;
    }
    for (const hint of literalHints(typeName, operation.name)) {
      this.add(hint.label, CompletionItemKind.Value, '0', { detail: hint.detail, insert: hint.insert, snippet: true, filter: hint.label });
    }
  }

  /** `@name` parameter aliases of the URL: those defined (`&@p1=…`, with their value) and those only used so far. */
  protected addParameterAliases(): void {
    const query = this.text.indexOf('?');
    if (query < 0) return;
    const defined = new Map<string, string>();
    const definitions = /[?&]@([A-Za-z_]\w*)=([^&]*)/g;
    for (let match = definitions.exec(this.text); match; match = definitions.exec(this.text)) {
      if (!defined.has(match[1]!)) defined.set(match[1]!, match[2]!);
    }
    for (const [name, value] of defined) {
      const shown = value.length > 40 ? `${value.slice(0, 39)}…` : value;
      this.add(`@${name}`, CompletionItemKind.Variable, '5', { detail: `parameter alias = ${shown}`, doc: `The value of \`@${name}\` is given later in the URL: \`@${name}=${value}\`.` });
    }
    const uses = /@([A-Za-z_]\w*)/g;
    for (let match = uses.exec(this.text); match; match = uses.exec(this.text)) {
      if (match.index === this.wordStart || defined.has(match[1]!)) continue;
      this.add(match[0], CompletionItemKind.Variable, '6', { detail: 'parameter alias (not defined yet)', doc: `Define it with \`&${match[0]}=…\` at the end of the URL.` });
    }
  }

  /** `$compute` and `$apply` aliases (`… as total`) visible at the cursor, with their computed types. */
  protected addComputedAliases(skip: Set<string> | undefined): void {
    // Binding the whole URL costs more than the rest of a completion: only when it can define aliases.
    if (!this.model || !/compute|apply/i.test(this.text)) return;
    if (this.bound === null) this.bound = this.bindText(this.text);
    const aliases = this.bound ? scopeAt(this.bound, this.cursor)?.aliases : undefined;
    if (!aliases) return;
    for (const [name, type] of aliases) {
      if (skip?.has(name)) continue;
      const typeName = type.name === undefined ? 'unknown type' : type.name.startsWith('Edm.') ? type.name : shortName(type.name);
      this.add(name, CompletionItemKind.Field, '0', {
        detail: `${type.collection ? `Collection(${typeName})` : typeName} (computed)`,
        doc: `An alias defined with \`as ${name}\` in $compute or $apply.`,
      });
    }
  }

  protected addTransformations(): void {
    offeredTransformations.forEach(({ name, offer }, index) => {
      this.add(name, CompletionItemKind.Function, String(index).padStart(2, '0'), { detail: 'transformation', doc: offer!.doc, insert: offer!.snippet, snippet: true, filter: name });
    });
  }

  /**
   * The members after `entity(…)/`: what most likely comes next (navigation properties, then bound operations)
   * sorts before the columns, so a list cut to the completion limit with nothing typed keeps them.
   */
  protected addMembersAfterEntity(type: StructuredType): void {
    const model = this.model;
    if (!model) return;
    const entries = this.memberEntries(type);
    const make = this.memberOptions(model, type);
    this.addEntries(this.navigationEntries(model, entries), { sortPrefix: '0', make });
    this.addEntries(this.propertyEntries(model, entries), { sortPrefix: '5', make });
  }

  protected addMembers(type: StructuredType, options: { lookups: boolean; navigation: boolean; complexOnly: boolean; skip?: Set<string> }): void {
    const model = this.model;
    if (!model) return;
    const entries = this.memberEntries(type);
    const make = this.memberOptions(model, type);
    this.addEntries(this.propertyEntries(model, entries), { accept: (entry) => (!entry.lookup || options.lookups === true) && !options.skip?.has(entry.label), make });
    if (!options.navigation) return;
    this.addEntries(this.navigationEntries(model, entries), { accept: (entry) => !options.skip?.has(entry.label), make });
  }

  /**
   * The navigation properties of a type as items sorted `sort` (else as members, '3'), from the same cached
   * entries as `addMembers`: `$expand=` on systemuser makes the 200 that pass the cut, not 3,552 items.
   */
  protected addNavigationEntries(type: StructuredType, sort: string, skip?: Set<string>): void {
    const model = this.model;
    if (!model) return;
    const entries = this.navigationEntries(model, this.memberEntries(type));
    this.addEntries(entries, { accept: skip && ((entry) => !skip.has(entry.label)), sort, make: this.memberOptions(model, type) });
  }

  /** The member entries of a type for this flavour (lookups are a Dataverse notion): its lists are made on use. */
  protected memberEntries(type: StructuredType): MemberEntries {
    let byFlavor = memberCache.get(type);
    let entries = byFlavor?.get(this.flavor);
    if (entries) return entries;
    entries = { type };
    if (!byFlavor) {
      byFlavor = new Map();
      memberCache.set(type, byFlavor);
    }
    byFlavor.set(this.flavor, entries);
    return entries;
  }

  /** The structural properties of a type in sort order: key first, then the columns, then the lookups. */
  protected propertyEntries(model: ModelIndex, entries: MemberEntries): MemberEntry[] {
    if (entries.properties) return entries.properties;
    const type = entries.type;
    const properties: MemberEntry[] = [];
    const keys = new Set(model.key(type).map((k) => k.name));
    for (const property of model.properties(type)) {
      const lookupLike = this.flavor === 'dataverse' && property.name.startsWith('_') && property.name.endsWith('_value');
      if (lookupLike && model.findLookupProperty(type, property.name)) {
        properties.push({ label: property.name, kind: CompletionItemKind.Reference, sort: '2', options: undefined, lookup: true, member: property });
        continue;
      }
      properties.push({ label: property.name, kind: CompletionItemKind.Property, sort: keys.has(property.name) ? '0' : '1', options: undefined, lookup: lookupLike, member: property });
    }
    inSortOrder(properties);
    return (entries.properties = properties);
  }

  protected navigationEntries(model: ModelIndex, entries: MemberEntries): MemberEntry[] {
    if (entries.navigation) return entries.navigation;
    const navigation: MemberEntry[] = [];
    for (const member of model.navigationProperties(entries.type)) {
      navigation.push({ label: member.name, kind: CompletionItemKind.Module, sort: '3', options: undefined, lookup: false, member });
    }
    inSortOrder(navigation);
    return (entries.navigation = navigation);
  }

  /** The detail and documentation of a member entry, made when it is first added (one function per list). */
  protected memberOptions(model: ModelIndex, type: StructuredType): (entry: MemberEntry) => AddOptions {
    return (entry) => {
      const target = `${type.fullName}/${entry.label}`;
      if (entry.kind === CompletionItemKind.Module) {
        const navigation = entry.member as NavigationProperty;
        const to = shortName(navigation.type.name);
        return describedOnUse(model, target, { detail: navigation.type.collection ? `→ Collection(${to})` : `→ ${to} (single)` });
      }
      const property = entry.member as Property;
      if (entry.kind === CompletionItemKind.Reference) {
        const targets = (model.findLookupProperty(type, property.name)?.navigationProperties ?? []).map((n) => shortName(n.type.name));
        return describedOnUse(model, target, { detail: `${typeText(property.type)} → ${[...new Set(targets)].join(' | ') || 'lookup'} (lookup)` });
      }
      return describedOnUse(model, target, { detail: propertyDetail(property) });
    };
  }

  protected addProperty(type: StructuredType, property: Property, sort: string): void {
    this.add(property.name, CompletionItemKind.Property, sort, { detail: propertyDetail(property), doc: this.describe(`${type.fullName}/${property.name}`, undefined) });
  }

  protected addCasts(type: StructuredType): void {
    const model = this.model;
    if (!model) return;
    const derived = model.derivedTypes(type);
    for (let i = 0; i < derived.length && i < 200; i++) {
      const d = derived[i]!;
      this.add(d.fullName, CompletionItemKind.Class, '7', { detail: `cast to ${d.name}`, doc: this.describe(d.fullName, undefined), filter: this.qualifiedFilter(d.fullName) });
    }
  }

  protected addOperation(operation: Operation, bound: boolean, sort = '6'): void {
    const parameters = bound ? operation.parameters.slice(1) : operation.parameters;
    const isFunction = operation.kind === 'Function';
    this.add(operation.fullName, isFunction ? CompletionItemKind.Function : CompletionItemKind.Method, sort, {
      detail: `${isFunction ? 'bound function' : 'bound action (POST)'}${operation.returnType ? ` → ${typeText(operation.returnType)}` : ''}`,
      doc: this.describe(operation.fullName, undefined) ?? signature(operation.fullName, parameters),
      insert: isFunction ? callSnippet(operation.fullName, parameters) : operation.fullName,
      snippet: isFunction,
      filter: this.qualifiedFilter(operation.fullName),
    });
  }

  protected describe(target: string | undefined, fallbackType: string | undefined): string | undefined {
    return this.model ? describe(this.model, target, fallbackType) : undefined;
  }
}

/**
 * Cached entries in the order an editor shows them (sortText = sort + label): the items of a long list then
 * come out nearly sorted, and cutting it to the first few hundred (server/src/lsp/languageFeatures.ts) is a
 * merge of runs instead of a full sort on every keystroke.
 */
function inSortOrder(entries: Entry[]): void {
  entries.sort((a, b) => (a.sort !== b.sort ? (a.sort < b.sort ? -1 : 1) : a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/**
 * Options whose `doc` is looked up when an item is made of them: a cached member list of thousands (systemuser's
 * navigation properties) describes only the members that pass the completion limit (perf, issue 15).
 */
function describedOnUse(model: ModelIndex, target: string, options: AddOptions): AddOptions {
  return Object.defineProperty(options, 'doc', { enumerable: true, get: () => describe(model, target, undefined) });
}

/** The description of `target`, else of `fallbackType`. */
function describe(model: ModelIndex, target: string | undefined, fallbackType: string | undefined): string | undefined {
  if (target) {
    const description = cachedDescription(model, target);
    if (description) return description;
  }
  return fallbackType ? cachedDescription(model, fallbackType) : undefined;
}

/** Descriptions by target, per model: completion asks for the same members on every keystroke. */
const descriptionCache = new WeakMap<ModelIndex, Map<string, string | null>>();

function cachedDescription(model: ModelIndex, target: string): string | undefined {
  let cache = descriptionCache.get(model);
  if (!cache) {
    cache = new Map();
    descriptionCache.set(model, cache);
  }
  let value = cache.get(target);
  if (value === undefined) {
    value = model.description(target) ?? null;
    cache.set(target, value);
  }
  return value ?? undefined;
}
