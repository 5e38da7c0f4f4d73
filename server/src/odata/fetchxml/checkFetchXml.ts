/**
 * Checks a FetchXML query: well-formedness (from the recovering reader), elements, XML attributes and their values
 * (fetchXmlFacts.ts), and, with a model, table and column names in the scope of each entity and link-entity, link
 * from/to pairs, operators for the column's type, value counts and types, aggregate rules, paging and aliases.
 * Also answers, for completion and hover, which table each element is in the scope of.
 * Pure: no I/O; never throws on any text.
 */
import { formatMessage, type ODataDiagnostic } from '../diagnosticCodes';
import { suggest, suggestionSentence } from '../binder/binderSuggest';
import type { Span } from '../uri/ast';
import {
  aggregateFunctions,
  conditionOperators,
  elements,
  fetchXmlCodes,
  filterLinkTypes,
  MAX_TOP,
  noColumnLinkTypes,
  type AttributeFact,
  type FetchXmlCode,
} from './fetchXmlFacts';
import { attributeTypeName, type FetchAttribute, type FetchEntity, type FetchXmlModel } from './fetchXmlModel';
import { attributeOf, readXml, type XmlAttribute, type XmlDocument, type XmlElement } from './xmlReader';

export function fetchXmlDiagnostic(code: FetchXmlCode, span: Span, args: Record<string, string | number | undefined> = {}, suggestions?: string[]): ODataDiagnostic {
  const descriptor = fetchXmlCodes[code];
  const diagnostic: ODataDiagnostic = { code, severity: descriptor.severity, message: formatMessage(descriptor.message, args), span: { start: span.start, end: span.end } };
  if (suggestions && suggestions.length > 0) diagnostic.suggestions = suggestions;
  return diagnostic;
}

export interface FetchXmlAnalysis {
  xml: XmlDocument;
  /** The table each element is in the scope of (entity, link-entity, and what they contain). */
  scopeOf(element: XmlElement): FetchEntity | undefined;
  /** For a link-entity: the table of the element it is nested in. */
  parentScopeOf(element: XmlElement): FetchEntity | undefined;
  /** Link-entities by alias (for condition/order entityname). */
  aliases: Map<string, XmlElement>;
  diagnostics: ODataDiagnostic[];
  aggregate: boolean;
  model: FetchXmlModel | undefined;
}

export function analyzeFetchXml(text: string, model: FetchXmlModel | undefined): FetchXmlAnalysis {
  return new Checker(readXml(text), model).run();
}

export function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

const GUID = /^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/;
const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[-+]\d{2}:?\d{2})?)?$/;

/** Whether a condition value fits an Edm type (undefined: any). */
export function valueFits(edmType: string, value: string): boolean {
  switch (edmType) {
    case 'Edm.Int16':
    case 'Edm.Int32':
    case 'Edm.Int64':
    case 'Edm.Byte':
    case 'Edm.SByte':
      return INTEGER.test(value.trim());
    case 'Edm.Decimal':
    case 'Edm.Double':
    case 'Edm.Single':
      return NUMBER.test(value.trim());
    case 'Edm.Guid':
      return GUID.test(value.trim());
    case 'Edm.Boolean':
      return /^(true|false|1|0)$/.test(value.trim());
    case 'Edm.DateTimeOffset':
    case 'Edm.Date':
      return DATE.test(value.trim());
    default:
      return true;
  }
}

function edmLabel(edmType: string): string {
  return edmType.startsWith('Edm.') ? edmType.slice(4) : edmType;
}

class Checker {
  private readonly diagnostics: ODataDiagnostic[] = [];
  private readonly scopes = new Map<XmlElement, FetchEntity | undefined>();
  private readonly parentScopes = new Map<XmlElement, FetchEntity | undefined>();
  private readonly aliases = new Map<string, XmlElement>();
  private readonly columnAliases = new Map<string, XmlAttribute>();
  private aggregate = false;

  constructor(
    private readonly xml: XmlDocument,
    private readonly model: FetchXmlModel | undefined,
  ) {}

  run(): FetchXmlAnalysis {
    for (const problem of this.xml.problems) this.report('fetchxml.malformed', problem.span, { detail: problem.message });
    const root = this.xml.roots[0];
    if (!root) {
      if (this.xml.text.trim() !== '') this.report('fetchxml.not-fetch', { start: 0, end: 0 });
    } else if (root.name !== 'fetch') {
      this.report('fetchxml.not-fetch', root.nameSpan);
    } else {
      this.aggregate = isTrue(attributeOf(root, 'aggregate')?.value);
      this.collectAliases(root);
      this.element(root, undefined, undefined);
      if (!root.children.some((c) => c.name === 'entity')) this.report('fetchxml.missing-entity', root.nameSpan);
      this.fetchRules(root);
    }
    this.diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
    return {
      xml: this.xml,
      scopeOf: (element) => this.scopeFor(element),
      parentScopeOf: (element) => this.parentScopes.get(element),
      aliases: this.aliases,
      diagnostics: this.diagnostics,
      aggregate: this.aggregate,
      model: this.model,
    };
  }

  private report(code: FetchXmlCode, span: Span, args: Record<string, string | number | undefined> = {}, suggestions?: string[]): void {
    this.diagnostics.push(fetchXmlDiagnostic(code, span, args, suggestions));
  }

  private reportUnknown(code: FetchXmlCode, span: Span, name: string, candidates: Iterable<string>, args: Record<string, string>): void {
    const suggestion = suggest(name, candidates);
    const diagnostic = fetchXmlDiagnostic(code, span, args, suggestion.names);
    diagnostic.message += suggestionSentence(suggestion);
    this.diagnostics.push(diagnostic);
  }

  private scopeFor(element: XmlElement): FetchEntity | undefined {
    for (let e: XmlElement | undefined = element; e; e = e.parent) {
      if (this.scopes.has(e)) return this.scopes.get(e);
      if (e.name === 'entity' || e.name === 'link-entity') return this.resolveEntity(e);
    }
    return undefined;
  }

  private resolveEntity(element: XmlElement): FetchEntity | undefined {
    const name = attributeOf(element, 'name')?.value;
    return name && this.model ? this.model.entity(name) : undefined;
  }

  private collectAliases(root: XmlElement): void {
    const visit = (element: XmlElement): void => {
      if (element.name === 'link-entity') {
        const alias = attributeOf(element, 'alias');
        if (alias?.value) {
          if (this.aliases.has(alias.value)) this.report('fetchxml.duplicate-alias', alias.valueSpan!, { name: alias.value });
          else this.aliases.set(alias.value, element);
        }
      }
      element.children.forEach(visit);
    };
    visit(root);
  }

  /** Checks an element and its content; `parent` is its parent element's fact name, `scope` the table in scope. */
  private element(element: XmlElement, scope: FetchEntity | undefined, parentScope: FetchEntity | undefined): void {
    const fact = elements[element.name];
    if (!fact) return;
    let inner = scope;
    if (element.name === 'entity' || element.name === 'link-entity') {
      inner = this.resolveEntity(element);
      this.scopes.set(element, inner);
      this.parentScopes.set(element, scope);
    }
    this.xmlAttributes(element, fact.attributes);
    this.semantics(element, scope, inner, parentScope);
    for (const child of element.children) {
      if (!fact.children.includes(child.name)) {
        const allowed = fact.children.length > 0 ? fact.children.map((c) => `<${c}>`).join(', ') : 'nothing';
        this.reportUnknown('fetchxml.unknown-element', child.nameSpan, child.name, fact.children, { name: child.name, parent: element.name, allowed });
        continue;
      }
      this.element(child, inner, scope);
    }
    if (!fact.text) {
      for (const text of element.texts) {
        if (text.value.trim() === '') continue;
        const raw = this.xml.text.slice(text.span.start, text.span.end);
        const lead = raw.length - raw.trimStart().length;
        this.report('fetchxml.malformed', { start: text.span.start + lead, end: text.span.start + raw.trimEnd().length }, { detail: `<${element.name}> holds no text.` });
      }
    }
  }

  private xmlAttributes(element: XmlElement, facts: Readonly<Record<string, AttributeFact>>): void {
    const names = Object.keys(facts);
    for (const attribute of element.attributes) {
      if (attribute.name === 'xmlns' || attribute.name.startsWith('xmlns:') || attribute.name.startsWith('xml:')) continue;
      const fact = facts[attribute.name];
      if (!fact) {
        this.reportUnknown('fetchxml.unknown-xml-attribute', attribute.nameSpan, attribute.name, names, {
          name: attribute.name,
          element: element.name,
          allowed: names.length > 0 ? names.join(', ') : 'none',
        });
        continue;
      }
      const value = attribute.value;
      if (value === undefined || !attribute.valueSpan) continue;
      if (fact.kind === 'boolean') {
        if (!/^(true|false|1|0)$/.test(value)) this.report('fetchxml.invalid-value', attribute.valueSpan, { value, attribute: attribute.name, allowed: 'true or false' });
      } else if (fact.kind === 'positive-integer') {
        if (!/^[1-9]\d*$/.test(value.trim())) this.report('fetchxml.invalid-value', attribute.valueSpan, { value, attribute: attribute.name, allowed: 'a positive whole number' });
      } else if (fact.values && fact.kind !== 'operator') {
        if (!fact.values.includes(value)) {
          const suggestion = suggest(value, fact.values);
          const d = fetchXmlDiagnostic('fetchxml.invalid-value', attribute.valueSpan, { value, attribute: attribute.name, allowed: fact.values.map((v) => `'${v}'`).join(', ') }, suggestion.names);
          d.message += suggestionSentence(suggestion);
          this.diagnostics.push(d);
        }
      }
    }
    for (const [name, fact] of Object.entries(facts)) {
      if (fact.required && !attributeOf(element, name)) this.report('fetchxml.missing-xml-attribute', element.nameSpan, { element: element.name, name });
    }
  }

  private column(entity: FetchEntity | undefined, attribute: XmlAttribute | undefined): FetchAttribute | undefined {
    if (!entity || !attribute?.value || !attribute.valueSpan) return undefined;
    const found = entity.attributes.get(attribute.value);
    if (!found) {
      this.reportUnknown('fetchxml.unknown-attribute', attribute.valueSpan, attribute.value, entity.attributes.keys(), { name: attribute.value, entity: entity.name });
    }
    return found;
  }

  private semantics(element: XmlElement, scope: FetchEntity | undefined, inner: FetchEntity | undefined, parentScope: FetchEntity | undefined): void {
    void parentScope;
    switch (element.name) {
      case 'entity':
      case 'link-entity': {
        const name = attributeOf(element, 'name');
        if (this.model && name?.value && name.valueSpan && !inner) {
          this.reportUnknown('fetchxml.unknown-entity', name.valueSpan, name.value, this.model.entityNames(), { name: name.value });
        }
        if (element.name === 'link-entity') this.linkEntity(element, scope, inner);
        return;
      }
      case 'attribute':
        this.attributeElement(element, scope);
        return;
      case 'all-attributes':
        if (this.aggregate) this.report('fetchxml.aggregate-all-attributes', element.nameSpan);
        this.notReturned(element);
        return;
      case 'order': {
        this.notReturned(element);
        const entityName = attributeOf(element, 'entityname');
        const orderScope = entityName?.value ? this.scopeFor(this.aliases.get(entityName.value) ?? element) : scope;
        if (!attributeOf(element, 'attribute') && !attributeOf(element, 'alias')) this.report('fetchxml.missing-xml-attribute', element.nameSpan, { element: 'order', name: 'attribute' });
        this.column(orderScope, attributeOf(element, 'attribute'));
        const alias = attributeOf(element, 'alias');
        if (alias?.value && alias.valueSpan && !this.columnAliases.has(alias.value) && !this.hasColumnAlias(alias.value)) {
          this.report('fetchxml.invalid-value', alias.valueSpan, { value: alias.value, attribute: 'alias', allowed: 'the alias of an attribute element of this query' });
        }
        return;
      }
      case 'condition':
        this.condition(element, scope);
        return;
      default:
        return;
    }
  }

  private hasColumnAlias(alias: string): boolean {
    const root = this.xml.roots[0];
    const visit = (e: XmlElement): boolean => (e.name === 'attribute' && attributeOf(e, 'alias')?.value === alias) || e.children.some(visit);
    return root ? visit(root) : false;
  }

  /** Columns asked of a link-entity that returns none. */
  private notReturned(element: XmlElement): void {
    const parent = element.parent;
    if (parent?.name !== 'link-entity') return;
    const type = attributeOf(parent, 'link-type')?.value;
    if (type && noColumnLinkTypes.includes(type) && element.name !== 'order') this.report('fetchxml.columns-not-returned', element.nameSpan, { type, element: element.name });
  }

  private linkEntity(element: XmlElement, parent: FetchEntity | undefined, linked: FetchEntity | undefined): void {
    const type = attributeOf(element, 'link-type');
    if (type?.value && filterLinkTypes.includes(type.value) && element.parent?.name !== 'filter') {
      this.report('fetchxml.filter-link-outside-filter', type.valueSpan!, { type: type.value });
    }
    const from = attributeOf(element, 'from');
    const to = attributeOf(element, 'to');
    const fromColumn = this.column(linked, from);
    const toColumn = this.column(parent, to);
    if (fromColumn && toColumn && linked && parent && !related(parent, linked, fromColumn.name, toColumn.name)) {
      this.report('fetchxml.unrelated-link', element.nameSpan, { entity: linked.name, from: fromColumn.name, parent: parent.name, to: toColumn.name });
    }
  }

  private attributeElement(element: XmlElement, scope: FetchEntity | undefined): void {
    this.notReturned(element);
    const column = this.column(scope, attributeOf(element, 'name'));
    const alias = attributeOf(element, 'alias');
    if (alias?.value && alias.valueSpan) {
      if (this.columnAliases.has(alias.value)) this.report('fetchxml.duplicate-alias', alias.valueSpan, { name: alias.value });
      else this.columnAliases.set(alias.value, alias);
    }
    const aggregate = attributeOf(element, 'aggregate');
    const groupby = attributeOf(element, 'groupby');
    const dategrouping = attributeOf(element, 'dategrouping');
    if (this.aggregate) {
      if (!alias) this.report('fetchxml.aggregate-alias', element.nameSpan);
      if (!aggregate && !isTrue(groupby?.value)) this.report('fetchxml.aggregate-attribute', element.nameSpan);
    } else {
      for (const a of [aggregate, groupby, dategrouping]) if (a) this.report('fetchxml.aggregate-not-enabled', a.nameSpan, { name: a.name });
    }
    if (dategrouping && column && !column.dataTypes.includes('datetime')) {
      this.report('fetchxml.dategrouping-type', dategrouping.nameSpan, { attribute: column.name, actual: attributeTypeName(column) });
    }
    void aggregateFunctions;
  }

  private condition(element: XmlElement, scope: FetchEntity | undefined): void {
    const entityName = attributeOf(element, 'entityname');
    let conditionScope = scope;
    if (entityName?.value && entityName.valueSpan) {
      const link = this.aliases.get(entityName.value) ?? this.linkByName(entityName.value);
      if (!link) {
        this.reportUnknown('fetchxml.invalid-value', entityName.valueSpan, entityName.value, this.aliases.keys(), {
          value: entityName.value,
          attribute: 'entityname',
          allowed: 'the alias or name of a link-entity of this query',
        });
        conditionScope = undefined;
      } else conditionScope = this.scopeFor(link);
    }
    const attributeAttr = attributeOf(element, 'attribute');
    const column = this.column(conditionScope, attributeAttr);
    this.column(conditionScope, attributeOf(element, 'valueof'));
    const operatorAttr = attributeOf(element, 'operator');
    const operatorName = operatorAttr?.value;
    if (operatorName === undefined || !operatorAttr?.valueSpan) return;
    const fact = conditionOperators[operatorName];
    if (!fact) {
      this.reportUnknown('fetchxml.unknown-operator', operatorAttr.valueSpan, operatorName, Object.keys(conditionOperators), { name: operatorName });
      return;
    }
    if (column && fact.types.length > 0 && column.dataTypes.length > 0 && !fact.types.some((t) => column.dataTypes.includes(t))) {
      this.report('fetchxml.operator-type', operatorAttr.valueSpan, {
        operator: operatorName,
        types: fact.types.join('/'),
        attribute: column.name,
        actual: attributeTypeName(column),
      });
    }
    // Value count and shape.
    const valueAttr = attributeOf(element, 'value');
    const valueof = attributeOf(element, 'valueof');
    const valueElements = element.children.filter((c) => c.name === 'value');
    const values: { text: string; span: Span }[] = [];
    if (valueAttr?.value !== undefined && valueAttr.valueSpan) values.push({ text: valueAttr.value, span: valueAttr.valueSpan });
    for (const v of valueElements) {
      const text = v.texts.map((t) => t.value).join('');
      const first = v.texts[0]?.span.start ?? v.startTagEnd;
      const last = v.texts[v.texts.length - 1]?.span.end ?? v.startTagEnd;
      const lead = text.length - text.trimStart().length;
      const trail = text.length - text.trimEnd().length;
      values.push({ text: text.trim(), span: { start: first + lead, end: Math.max(first + lead, last - trail) } });
    }
    const count = values.length + (valueof ? 1 : 0);
    const where = operatorAttr.valueSpan;
    const detail = (text: string) => this.report('fetchxml.value-count', where, { detail: text });
    switch (fact.shape) {
      case 'none':
        if (count > 0) detail(`The operator '${operatorName}' takes no value: remove the value.`);
        break;
      case 'one':
        if (count === 0) detail(`The operator '${operatorName}' needs one value: add value="…".`);
        else if (count > 1) detail(`The operator '${operatorName}' takes one value, not ${count}.`);
        break;
      case 'two':
        if (valueElements.length !== 2 || valueAttr || valueof) detail(`The operator '${operatorName}' takes two <value> elements (found ${valueElements.length}${valueAttr ? ' and a value attribute' : ''}).`);
        break;
      case 'many':
        if (valueElements.length === 0) detail(`The operator '${operatorName}' takes one or more <value> elements${valueAttr ? ', not the value attribute' : ''}.`);
        else if (valueAttr) detail(`The operator '${operatorName}' takes <value> elements, not the value attribute.`);
        break;
    }
    // Value types.
    for (const value of values) {
      if (value.text === '') continue;
      if (fact.valueKind === 'integer') {
        if (!INTEGER.test(value.text)) this.report('fetchxml.value-type', value.span, { value: value.text, type: 'whole number', attribute: operatorName });
      } else if (column && !['like', 'not-like', 'begins-with', 'not-begin-with', 'ends-with', 'not-end-with'].includes(operatorName) && !valueFits(column.edmType, value.text)) {
        this.report('fetchxml.value-type', value.span, { value: value.text, type: edmLabel(column.edmType), attribute: column.name });
      }
    }
  }

  private linkByName(name: string): XmlElement | undefined {
    const root = this.xml.roots[0];
    const visit = (e: XmlElement): XmlElement | undefined => {
      if (e.name === 'link-entity' && attributeOf(e, 'name')?.value === name) return e;
      for (const c of e.children) {
        const found = visit(c);
        if (found) return found;
      }
      return undefined;
    };
    return root ? visit(root) : undefined;
  }

  private fetchRules(root: XmlElement): void {
    const top = attributeOf(root, 'top');
    if (!top) return;
    for (const other of ['count', 'page', 'returntotalrecordcount']) {
      const attribute = attributeOf(root, other);
      if (attribute && (other !== 'returntotalrecordcount' || isTrue(attribute.value))) this.report('fetchxml.top-with-paging', top.nameSpan, { other });
    }
    const n = Number(top.value);
    if (top.valueSpan && Number.isInteger(n) && n > MAX_TOP) this.report('fetchxml.top-too-large', top.valueSpan);
  }
}

/** Whether a relationship of the model joins linked.from to parent.to (either direction, or an intersect key join). */
export function related(parent: FetchEntity, linked: FetchEntity, from: string, to: string): boolean {
  if (parent.relationships.some((r) => r.linkEntity === linked.name && r.from === from && r.to === to)) return true;
  if (linked.relationships.some((r) => r.linkEntity === parent.name && r.from === to && r.to === from)) return true;
  // Intersect entities (many-to-many): a plain column named like the other table's key.
  if (from === to && (from === linked.primaryKey || to === parent.primaryKey)) return true;
  return false;
}
