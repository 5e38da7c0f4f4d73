/**
 * The `$` keywords of an OData URL other than query options: the resource-path segments (`$metadata`, `$batch`,
 * `$count` …, OData 4.01 URL conventions §4) with where each may stand, and the expression variables (`$it`,
 * `$this`, `$root`, `$these`) that start a path inside an expression. The parser checks segments and variables
 * against these lists; hover shows their docs. No flavour rejects any of them in the checker.
 */

export interface PathKeyword {
  name: string;
  /** Markdown for hover. */
  doc: string;
  /** `first`: only as the first segment of the path; `afterResource`: only after a resource (never first). */
  place: 'first' | 'afterResource';
  /** Nothing may follow it in the path. */
  terminal: boolean;
}

export const pathKeywords: readonly PathKeyword[] = [
  { name: '$metadata', place: 'first', terminal: true, doc: 'The service\'s CSDL document: every entity type, property and operation.' },
  { name: '$batch', place: 'first', terminal: true, doc: 'Sends several requests in one `multipart/mixed` body (Business Central: up to 100 operations).' },
  { name: '$entity', place: 'first', terminal: false, doc: 'Resolves an entity id (`$entity?$id=…`).' },
  { name: '$crossjoin', place: 'first', terminal: false, doc: 'Combines entity sets.' },
  { name: '$all', place: 'first', terminal: false, doc: 'Every entity of the service.' },
  { name: '$count', place: 'afterResource', terminal: true, doc: 'The number of items (as plain text in a path; `$count=true` adds `@odata.count`).' },
  { name: '$ref', place: 'afterResource', terminal: true, doc: 'The references (`@odata.id`) to the related records rather than the records themselves.' },
  { name: '$value', place: 'afterResource', terminal: true, doc: 'The raw value of a property or the media stream of an entity.' },
  { name: '$query', place: 'afterResource', terminal: true, doc: 'The query sent in the body of a POST (`…/$query`, OData 4.01), for URLs too long for GET.' },
  { name: '$each', place: 'afterResource', terminal: false, doc: 'Applies the following action or update to each member of the collection (OData 4.01).' },
  { name: '$filter', place: 'afterResource', terminal: false, doc: 'The members of the collection that satisfy the condition: `…/$filter(@cond)/…` (OData 4.01).' },
];

export interface ExpressionVariable {
  name: string;
  /** Markdown for hover. */
  doc: string;
}

/** Variables that can only start a path in an expression. */
export const expressionVariables: readonly ExpressionVariable[] = [
  { name: '$it', doc: 'The current item of the collection being filtered.' },
  { name: '$this', doc: 'The current item (inside a nested option or lambda).' },
  { name: '$root', doc: 'The service root, to refer to other records in an expression.' },
  { name: '$these', doc: 'The collection the current `$apply` transformation works on (Data Aggregation).' },
];

const pathKeywordsByName = new Map(pathKeywords.map((k) => [k.name, k]));
const expressionVariablesByName = new Map(expressionVariables.map((v) => [v.name, v]));

export function findPathKeyword(name: string): PathKeyword | undefined {
  return pathKeywordsByName.get(name);
}

export function isExpressionVariable(name: string): boolean {
  return expressionVariablesByName.has(name);
}

/** The doc of a path keyword or expression variable, for hover. */
export function urlKeywordDoc(name: string): string | undefined {
  return pathKeywordsByName.get(name)?.doc ?? expressionVariablesByName.get(name)?.doc;
}
