/**
 * Completion and hover in a FetchXML document, from the one parse (checkFetchXml's analysis): elements valid where the
 * cursor is, XML attributes of the element, and values — tables, the columns of the table in scope (inside a
 * link-entity, the linked table's), relationships that fill name/from/to/alias at once, operators for the column's
 * type, link types, aggregates, date groupings, booleans — and snippets for common shapes.
 * Pure: no I/O.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Hover,
  type Range,
} from 'vscode-languageserver-types';
import type { LineIndex } from '../lineIndex';
import type { Span } from '../uri/ast';
import { analyzeFetchXml, type FetchXmlAnalysis } from './checkFetchXml';
import { aggregateFunctions, conditionOperators, dateGroupings, elements, linkTypes, type AttributeFact } from './fetchXmlFacts';
import { attributeTypeName, type FetchAttribute, type FetchEntity, type FetchXmlModel } from './fetchXmlModel';
import { attributeOf, type XmlAttribute, type XmlElement } from './xmlReader';

/** Where the cursor is, found from the parse. */
export type FetchXmlPosition =
  | { kind: 'element-name'; parent: XmlElement | undefined; span: Span; withBracket: boolean }
  | { kind: 'content'; parent: XmlElement; span: Span }
  | { kind: 'attribute-name'; element: XmlElement; span: Span; attribute: XmlAttribute | undefined }
  | { kind: 'attribute-value'; element: XmlElement; attribute: XmlAttribute; span: Span }
  | { kind: 'none' };

function innermost(list: readonly XmlElement[], offset: number): XmlElement | undefined {
  for (const element of list) {
    if (element.span.start < offset && offset <= element.span.end) {
      // Past the end of a closed element: not inside it.
      if (element.closed && offset === element.span.end && !(element.startTagEnd < 0)) continue;
      return innermost(element.children, offset) ?? element;
    }
  }
  return undefined;
}

function isNameChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_:.-]/.test(c);
}

export function positionIn(analysis: FetchXmlAnalysis, offset: number): FetchXmlPosition {
  const text = analysis.xml.text;
  const element = innermost(analysis.xml.roots, offset);
  if (element) {
    const inStartTag = element.startTagEnd < 0 ? offset <= element.span.end : offset < element.startTagEnd;
    if (inStartTag) {
      if (offset >= element.nameSpan.start && offset <= element.nameSpan.end) {
        return { kind: 'element-name', parent: element.parent, span: element.nameSpan, withBracket: false };
      }
      for (const attribute of element.attributes) {
        if (attribute.valueSpan && offset >= attribute.valueSpan.start && offset <= attribute.valueSpan.end) {
          return { kind: 'attribute-value', element, attribute, span: attribute.valueSpan };
        }
        if (offset >= attribute.nameSpan.start && offset <= attribute.nameSpan.end) {
          return { kind: 'attribute-name', element, span: attribute.nameSpan, attribute };
        }
      }
      return { kind: 'attribute-name', element, span: { start: offset, end: offset }, attribute: undefined };
    }
  }
  let start = offset;
  while (start > 0 && isNameChar(text[start - 1])) start--;
  if (text[start - 1] === '<') return { kind: 'element-name', parent: element, span: { start, end: offset }, withBracket: false };
  if (text[start - 1] === '/' && text[start - 2] === '<') return { kind: 'none' };
  if (!element) return { kind: 'element-name', parent: undefined, span: { start, end: offset }, withBracket: true };
  return { kind: 'content', parent: element, span: { start, end: offset } };
}

export interface FetchXmlServiceInput {
  text: string;
  lines: LineIndex;
  model: FetchXmlModel | undefined;
  /** Reuse an analysis of the same text. */
  analysis?: FetchXmlAnalysis;
}

function rangeOf(lines: LineIndex, span: Span): Range {
  return { start: lines.positionAt(span.start), end: lines.positionAt(span.end) };
}

const SNIPPETS: Record<string, string> = {
  fetch: 'fetch top="${1:50}">\n\t<entity name="${2}">\n\t\t<attribute name="${3}" />\n\t\t$0\n\t</entity>\n</fetch>',
  entity: 'entity name="${1}">\n\t$0\n</entity>',
  'link-entity': 'link-entity name="${1}" from="${2}" to="${3}" link-type="${4|inner,outer|}" alias="${5}">\n\t$0\n</link-entity>',
  attribute: 'attribute name="${1}" />',
  'all-attributes': 'all-attributes />',
  order: 'order attribute="${1}" descending="${2|false,true|}" />',
  filter: 'filter type="${1|and,or|}">\n\t$0\n</filter>',
  condition: 'condition attribute="${1}" operator="${2}" value="${3}" />',
  value: 'value>${1}</value>',
};

/** Shapes offered at the top of an empty document. */
const SHAPES: { label: string; detail: string; body: string }[] = [
  { label: 'fetch: columns, filter, order', detail: 'A query with columns, a filter and an order', body: '<fetch top="${1:50}">\n\t<entity name="${2}">\n\t\t<attribute name="${3}" />\n\t\t<filter>\n\t\t\t<condition attribute="${4}" operator="${5:eq}" value="${6}" />\n\t\t</filter>\n\t\t<order attribute="${3}" />\n\t</entity>\n</fetch>' },
  { label: 'fetch: aggregate', detail: 'Count grouped by a column', body: '<fetch aggregate="true">\n\t<entity name="${1}">\n\t\t<attribute name="${2}" alias="${3:count}" aggregate="${4|count,countcolumn,sum,avg,min,max|}" />\n\t\t<attribute name="${5}" alias="${6:group}" groupby="true" />\n\t</entity>\n</fetch>' },
  { label: 'fetch: paged', detail: 'count and page', body: '<fetch count="${1:50}" page="${2:1}">\n\t<entity name="${3}">\n\t\t<attribute name="${4}" />\n\t</entity>\n</fetch>' },
];

export function completeFetchXml(input: FetchXmlServiceInput, offset: number): CompletionList {
  const analysis = input.analysis ?? analyzeFetchXml(input.text, input.model);
  const position = positionIn(analysis, offset);
  const lines = input.lines;
  const items: CompletionItem[] = [];
  switch (position.kind) {
    case 'element-name':
    case 'content': {
      const parent = position.kind === 'element-name' ? position.parent : position.parent;
      const names = parent ? (elements[parent.name]?.children ?? []) : ['fetch'];
      const bracket = position.kind === 'content' || (position.kind === 'element-name' && position.withBracket);
      const range = rangeOf(lines, position.span);
      for (const name of names) {
        if (name === 'link-entity' && parent?.name === 'filter') {
          items.push({
            label: 'link-entity (any)',
            kind: CompletionItemKind.Snippet,
            detail: 'Filter on related rows',
            insertTextFormat: InsertTextFormat.Snippet,
            textEdit: { range, newText: (bracket ? '<' : '') + 'link-entity name="${1}" from="${2}" to="${3}" link-type="${4|any,not any,all,not all|}">\n\t$0\n</link-entity>' },
            filterText: (bracket ? '<' : '') + name,
          });
          continue;
        }
        items.push({
          label: name,
          kind: CompletionItemKind.Property,
          detail: elements[name]?.description,
          insertTextFormat: InsertTextFormat.Snippet,
          textEdit: { range, newText: (bracket ? '<' : '') + (SNIPPETS[name] ?? name) },
          filterText: (bracket ? '<' : '') + name,
        });
      }
      if (!parent) {
        for (const shape of SHAPES) {
          items.push({ label: shape.label, kind: CompletionItemKind.Snippet, detail: shape.detail, insertTextFormat: InsertTextFormat.Snippet, textEdit: { range, newText: bracket ? shape.body : shape.body.slice(1) }, filterText: (bracket ? '<' : '') + 'fetch' });
        }
      }
      break;
    }
    case 'attribute-name': {
      const fact = elements[position.element.name];
      if (!fact) break;
      const range = rangeOf(lines, position.span);
      for (const [name, attribute] of Object.entries(fact.attributes)) {
        if (position.element.attributes.some((a) => a.name === name && a !== position.attribute)) continue;
        const replaceValue = position.attribute?.valueSpan !== undefined;
        items.push({
          label: name,
          kind: CompletionItemKind.Field,
          detail: attribute.description,
          insertTextFormat: replaceValue ? InsertTextFormat.PlainText : InsertTextFormat.Snippet,
          textEdit: { range, newText: replaceValue ? name : `${name}="$1"` },
          sortText: attribute.required ? `0${name}` : `1${name}`,
        });
      }
      break;
    }
    case 'attribute-value':
      items.push(...valueItems(analysis, position.element, position.attribute, rangeOf(lines, position.span), input.text));
      break;
    case 'none':
      break;
  }
  return { isIncomplete: false, items };
}

function columnItems(entity: FetchEntity | undefined, range: Range, preferred?: Set<string>): CompletionItem[] {
  if (!entity) return [];
  return [...entity.attributes.values()].map((column) => ({
    label: column.name,
    kind: CompletionItemKind.Field,
    detail: attributeTypeName(column),
    documentation: column.description,
    textEdit: { range, newText: column.name },
    sortText: (preferred?.has(column.name) ? '0' : '1') + column.name,
  }));
}

function plainItems(values: Readonly<Record<string, string>> | readonly string[], range: Range, kind: CompletionItemKind = CompletionItemKind.EnumMember): CompletionItem[] {
  const entries = Array.isArray(values) ? (values as readonly string[]).map((v) => [v, undefined] as const) : Object.entries(values);
  return entries.map(([value, detail]) => ({ label: value, kind, detail, textEdit: { range, newText: value } }));
}

/** The scope a condition or order is in: the alias its entityname names, else the enclosing table. */
function conditionScope(analysis: FetchXmlAnalysis, element: XmlElement): FetchEntity | undefined {
  const entityName = attributeOf(element, 'entityname')?.value;
  if (entityName) {
    const link = analysis.aliases.get(entityName);
    return link ? analysis.scopeOf(link) : undefined;
  }
  return analysis.scopeOf(element);
}

function valueItems(analysis: FetchXmlAnalysis, element: XmlElement, attribute: XmlAttribute, range: Range, text: string): CompletionItem[] {
  const fact: AttributeFact | undefined = elements[element.name]?.attributes[attribute.name];
  if (!fact) return [];
  switch (`${element.name}.${attribute.name}`) {
    case 'entity.name':
      return entityItems(analysis, range);
    case 'link-entity.name': {
      const parent = analysis.parentScopeOf(element);
      const items: CompletionItem[] = [];
      const quote = text[(attribute.valueSpan?.start ?? 1) - 1] === "'" ? "'" : '"';
      const hasJoin = attributeOf(element, 'from') || attributeOf(element, 'to');
      const shown = new Set<string>();
      for (const relationship of parent?.relationships ?? []) {
        const alias = relationship.navigation;
        const label = `${relationship.linkEntity} (${relationship.from} → ${parent!.name}.${relationship.to})`;
        if (shown.has(label)) continue; // (several navigation properties may stand for one join)
        shown.add(label);
        items.push({
          label,
          kind: CompletionItemKind.Reference,
          detail: `${relationship.kind} via ${relationship.navigation}${relationship.through ? `, then ${relationship.through.entity}` : ''}`,
          filterText: relationship.linkEntity,
          sortText: `0${relationship.linkEntity}`,
          textEdit: {
            range,
            newText: hasJoin ? relationship.linkEntity : `${relationship.linkEntity}${quote} from=${quote}${relationship.from}${quote} to=${quote}${relationship.to}${quote} alias=${quote}${alias}`,
          },
        });
      }
      return [...items, ...entityItems(analysis, range, '1')];
    }
    case 'link-entity.from': {
      const linked = analysis.scopeOf(element);
      const parent = analysis.parentScopeOf(element);
      const preferred = new Set((parent?.relationships ?? []).filter((r) => r.linkEntity === linked?.name).map((r) => r.from));
      return columnItems(linked, range, preferred);
    }
    case 'link-entity.to': {
      const linked = analysis.scopeOf(element);
      const parent = analysis.parentScopeOf(element);
      const preferred = new Set((parent?.relationships ?? []).filter((r) => r.linkEntity === linked?.name).map((r) => r.to));
      return columnItems(parent, range, preferred);
    }
    case 'attribute.name':
      return columnItems(analysis.scopeOf(element), range);
    case 'condition.attribute':
    case 'condition.valueof':
    case 'order.attribute':
      return columnItems(conditionScope(analysis, element), range);
    case 'condition.entityname':
    case 'order.entityname':
      return plainItems([...analysis.aliases.keys()], range, CompletionItemKind.Variable);
    case 'order.alias': {
      const aliases: string[] = [];
      const visit = (e: XmlElement) => {
        const alias = e.name === 'attribute' ? attributeOf(e, 'alias')?.value : undefined;
        if (alias) aliases.push(alias);
        e.children.forEach(visit);
      };
      analysis.xml.roots.forEach(visit);
      return plainItems(aliases, range, CompletionItemKind.Variable);
    }
    case 'condition.operator': {
      const column = columnFor(analysis, element);
      return Object.entries(conditionOperators)
        .filter(([, op]) => !column || column.dataTypes.length === 0 || op.types.length === 0 || op.types.some((t) => column.dataTypes.includes(t)))
        .filter(([name]) => name !== 'neq')
        .map(([name, op]) => ({ label: name, kind: CompletionItemKind.Operator, detail: op.description, textEdit: { range, newText: name } }));
    }
    case 'link-entity.link-type':
      return plainItems(linkTypes, range);
    case 'attribute.aggregate':
      return plainItems(aggregateFunctions, range);
    case 'attribute.dategrouping':
      return plainItems(dateGroupings, range);
    default:
      return fact.values ? plainItems(fact.values, range) : [];
  }
}

function entityItems(analysis: FetchXmlAnalysis, range: Range, sortPrefix = ''): CompletionItem[] {
  return [...(analysis.model?.entities() ?? [])].map((entity) => ({
    label: entity.name,
    kind: CompletionItemKind.Class,
    detail: entity.entitySet ? `entity set ${entity.entitySet}` : undefined,
    documentation: entity.description,
    textEdit: { range, newText: entity.name },
    sortText: sortPrefix + entity.name,
  }));
}

export function columnFor(analysis: FetchXmlAnalysis, condition: XmlElement): FetchAttribute | undefined {
  const name = attributeOf(condition, 'attribute')?.value;
  return name ? conditionScope(analysis, condition)?.attributes.get(name) : undefined;
}

// ---------------------------------------------------------------------------------------------------- hover

export function hoverFetchXml(input: FetchXmlServiceInput, offset: number): Hover | null {
  const analysis = input.analysis ?? analyzeFetchXml(input.text, input.model);
  const position = positionIn(analysis, offset);
  const md = (value: string, span: Span): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range: rangeOf(input.lines, span) });
  if (position.kind === 'element-name' && position.span.end > position.span.start) {
    const name = input.text.slice(position.span.start, position.span.end);
    const fact = elements[name];
    return fact ? md(`**<${name}>** — ${fact.description}`, position.span) : null;
  }
  if (position.kind === 'attribute-name' && position.attribute) {
    const fact = elements[position.element.name]?.attributes[position.attribute.name];
    return fact ? md(`**${position.attribute.name}** (of <${position.element.name}>) — ${fact.description}`, position.span) : null;
  }
  if (position.kind !== 'attribute-value') return null;
  const { element, attribute } = position;
  const value = attribute.value ?? '';
  const key = `${element.name}.${attribute.name}`;
  if (key === 'entity.name' || key === 'link-entity.name') {
    const entity = analysis.scopeOf(element);
    if (!entity) return null;
    const lines = [`**${entity.name}** (table)`, entity.entitySet ? `Entity set: \`${entity.entitySet}\`` : '', entity.primaryKey ? `Primary key: \`${entity.primaryKey}\`` : '', entity.description ?? ''];
    return md(lines.filter(Boolean).join('\n\n'), position.span);
  }
  let column: FetchAttribute | undefined;
  if (key === 'attribute.name') column = analysis.scopeOf(element)?.attributes.get(value);
  else if (key === 'condition.attribute' || key === 'condition.valueof' || key === 'order.attribute') column = conditionScope(analysis, element)?.attributes.get(value);
  else if (key === 'link-entity.from') column = analysis.scopeOf(element)?.attributes.get(value);
  else if (key === 'link-entity.to') column = analysis.parentScopeOf(element)?.attributes.get(value);
  if (column) {
    const owner = column.isLookup ? `\n\nOData property: \`${column.propertyName}\`` : '';
    return md(`**${column.name}**: ${attributeTypeName(column)}${owner}${column.description ? `\n\n${column.description}` : ''}`, position.span);
  }
  if (key === 'condition.operator') {
    const op = conditionOperators[value];
    if (!op) return null;
    const takes = { none: 'no value', one: 'one value (the value attribute)', two: 'two <value> elements', many: 'one or more <value> elements' }[op.shape];
    const types = op.types.length > 0 ? op.types.join(', ') : 'any';
    return md(`**${value}** — ${op.description}\n\nData types: ${types}. Takes ${takes}${op.valueKind === 'integer' ? ' (a whole number)' : ''}.`, position.span);
  }
  const table = key === 'link-entity.link-type' ? linkTypes : key === 'attribute.aggregate' ? aggregateFunctions : key === 'attribute.dategrouping' ? dateGroupings : undefined;
  const description = table?.[value];
  return description ? md(`**${value}** — ${description}`, position.span) : null;
}
