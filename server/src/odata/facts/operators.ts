/**
 * The operators of OData expressions: their precedence (the parser's binary levels), what they mean (completion's
 * documentation) and which flavours reject them (the binder's diagnostic, completion leaves them out).
 */
import type { Flavor } from '../diagnosticCodes';

export type OperatorKind = 'logical' | 'comparison' | 'arithmetic';

export interface OperatorFact {
  /** The keyword, lower case. */
  name: string;
  kind: OperatorKind;
  /** Binding strength of a binary operator: 0 binds loosest (`or`); undefined for the unary `not`. */
  precedence?: number;
  /** What completion says about it. */
  doc: string;
  /** Completion offers it after an operand (`divby` and `not` are left out: rare, and `not` starts an operand). */
  offered: boolean;
  /** Flavours that reject the operator, with what to write instead (a sentence, starting with a space). */
  unsupported?: Partial<Record<Flavor, string>>;
}

export const operators: readonly OperatorFact[] = [
  { name: 'eq', kind: 'comparison', precedence: 2, doc: 'equal', offered: true },
  { name: 'ne', kind: 'comparison', precedence: 2, doc: 'not equal', offered: true },
  { name: 'gt', kind: 'comparison', precedence: 2, doc: 'greater than', offered: true },
  { name: 'ge', kind: 'comparison', precedence: 2, doc: 'greater than or equal', offered: true },
  { name: 'lt', kind: 'comparison', precedence: 2, doc: 'less than', offered: true },
  { name: 'le', kind: 'comparison', precedence: 2, doc: 'less than or equal', offered: true },
  { name: 'and', kind: 'logical', precedence: 1, doc: 'logical and', offered: true },
  { name: 'or', kind: 'logical', precedence: 0, doc: 'logical or', offered: true },
  { name: 'has', kind: 'comparison', precedence: 2, doc: 'has enum flags', offered: true, unsupported: { fno: ' Compare with eq instead.' } },
  { name: 'in', kind: 'comparison', precedence: 2, doc: "is in a list: `name in ('a','b')`", offered: true, unsupported: { fno: " Combine 'eq' comparisons with 'or' instead." } },
  { name: 'add', kind: 'arithmetic', precedence: 3, doc: 'addition', offered: true },
  { name: 'sub', kind: 'arithmetic', precedence: 3, doc: 'subtraction', offered: true },
  { name: 'mul', kind: 'arithmetic', precedence: 4, doc: 'multiplication', offered: true },
  { name: 'div', kind: 'arithmetic', precedence: 4, doc: 'division', offered: true },
  { name: 'divby', kind: 'arithmetic', precedence: 4, doc: 'decimal division (4.01)', offered: false },
  { name: 'mod', kind: 'arithmetic', precedence: 4, doc: 'modulo', offered: true },
  { name: 'not', kind: 'logical', doc: 'logical negation', offered: false },
];

const byName = new Map(operators.map((o) => [o.name, o]));

export function findOperator(name: string): OperatorFact | undefined {
  return byName.get(name);
}

/** The binary operators by precedence level, loosest first: the parser's climbing order. */
export const binaryOperatorLevels: readonly (readonly string[])[] = (() => {
  const levels: string[][] = [];
  for (const o of operators) if (o.precedence !== undefined) (levels[o.precedence] ??= []).push(o.name);
  return levels;
})();

/** Every operator keyword (a word completion must not mistake for a member name). */
export const operatorWords: ReadonlySet<string> = new Set(operators.map((o) => o.name));

/** The comparison operators (after one, completion offers values of the left operand's type). */
export const comparisonOperatorWords: ReadonlySet<string> = new Set(operators.filter((o) => o.kind === 'comparison').map((o) => o.name));

/** Why `flavor` rejects the operator (a hint sentence), when it does. */
export function unsupportedOperatorHint(name: string, flavor: Flavor): string | undefined {
  return byName.get(name)?.unsupported?.[flavor];
}
