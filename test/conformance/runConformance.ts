/**
 * OASIS OData ABNF conformance: runs the test cases of ../shared/corpus/abnf/*.yaml against the URL parser.
 *
 * Each grammar rule maps to a parser entry point (table `rules` below). A positive case passes when the
 * entry point reports no syntax error; a negative case (FailAt) passes when it reports one. The files'
 * `Constraints` stand in for a model: `ModelCheck` applies the few checks that need one (which names are
 * function imports, complex or stream properties, custom aggregates, custom query options …) on the AST,
 * the way the binder does with a real $metadata.
 *
 * The parser runs in strict mode (`{ strict: true }`): the tolerances for what Dynamics accepts beyond the grammar
 * (space around '=', trailing comma or '/', single-quoted JSON, '+' as a space …) are errors here, as the ABNF says.
 *
 * Not checked here because the ABNF is context-free: `syntax.duplicate-option` (the spec forbids repeated
 * system query options; the ABNF test cases repeat $format on purpose) is ignored.
 *
 *   npm run conformance [-- --verbose]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { SyntaxError } from '../../server/src/odata/uri/ast';
import {
  parseExpression,
  parseLiteral,
  parseQueryOptions,
  parseResourcePath,
  parseSearch,
  parseUri,
  type LiteralTypeHint,
} from '../../server/src/odata/uri/parser';
import { parseContextUrl } from '../../server/src/odata/uri/contextUrl';
import { parseHeader, parsePreference } from '../../server/src/odata/uri/headers';
import { checkPrimitiveValue, matchIdentifier, type PrimitiveValueType } from '../../server/src/odata/uri/literals';

type Constraints = Record<string, string[] | null | undefined>;

interface TestCase {
  Name: string;
  Rule: string;
  Input: string | number | boolean;
  FailAt?: number;
  Expect?: string[];
}

interface TestFile {
  Constraints?: Constraints;
  TestCases: TestCase[];
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const abnfDir = join(repoRoot, '..', 'shared', 'corpus', 'abnf');
const files = ['odata-abnf-testcases.yaml', 'odata-aggregation-testcases.yaml', 'odata-temporal-testcases.yaml'];
const verbose = process.argv.includes('--verbose');
/** The ABNF is the pure OASIS grammar: the parser runs strict (no Dynamics tolerances). */
const strict = { strict: true } as const;

// ---------------------------------------------------------------------------------------------------------
// Model checks from Constraints
// ---------------------------------------------------------------------------------------------------------

type Node = { kind?: string; [key: string]: unknown };

class ModelCheck {
  private readonly sets = new Map<string, Set<string>>();
  constructor(private readonly constraints: Constraints) {}

  private set(...rules: string[]): Set<string> {
    const key = rules.join('|');
    let s = this.sets.get(key);
    if (!s) {
      s = new Set();
      for (const r of rules) for (const n of this.constraints[r] ?? []) s.add(n);
      this.sets.set(key, s);
    }
    return s;
  }

  private has(name: string, ...rules: string[]): boolean {
    return this.set(...rules).has(name);
  }

  private unqualified(name: string): string {
    const i = name.lastIndexOf('.');
    return i >= 0 ? name.slice(i + 1) : name;
  }

  /** Problems of a parsed tree (any node). */
  check(root: unknown): string[] {
    const problems: string[] = [];
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) {
        for (const x of n) visit(x);
        return;
      }
      if (!n || typeof n !== 'object') return;
      const node = n as Node;
      switch (node.kind) {
        case 'custom':
          this.checkCustomOption(node, problems);
          break;
        case 'ResourcePath':
          this.checkResourcePath(node, problems);
          break;
        case 'AggregateItem':
          this.checkAggregateItem(node, problems);
          break;
        case 'groupby':
          for (const p of node.properties as Node[]) if (p.kind === 'Path') this.checkGroupingPath(p, problems);
          break;
        case 'join':
        case 'outerjoin': {
          const path = node.path as Node | undefined;
          const segs = (path?.segments as { name: string }[] | undefined) ?? [];
          const last = segs[segs.length - 1]?.name;
          if (last && !last.startsWith('@') && !this.has(last, 'complexColProperty', 'entityColNavigationProperty')) problems.push(`join property '${last}' is not collection-valued`);
          break;
        }
        default:
          break;
      }
      for (const key of Object.keys(node)) {
        if (key === 'span' || key.endsWith('Span')) continue;
        visit(node[key]);
      }
    };
    visit(root);
    return problems;
  }

  private checkCustomOption(node: Node, problems: string[]): void {
    if (!this.constraints.customName) return;
    const name = node.name as string;
    if (!this.has(name, 'customName', 'parameterName')) problems.push(`'${name}' is not a known custom option or parameter`);
  }

  private checkResourcePath(node: Node, problems: string[]): void {
    const segs = node.segments as { kind: string; name: string; args?: unknown }[];
    let prevCast = false;
    for (let k = 0; k < segs.length; k++) {
      const s = segs[k];
      const bare = this.unqualified(s.name);
      if (k > 0 && s.kind === 'Identifier') {
        const isImport = this.has(bare, 'entityFunctionImport', 'entityColFunctionImport', 'complexFunctionImport', 'complexColFunctionImport', 'primitiveFunctionImport', 'primitiveColFunctionImport', 'actionImport');
        const isBound = this.has(bare, 'entityFunction', 'entityColFunction', 'complexFunction', 'complexColFunction', 'primitiveFunction', 'primitiveColFunction', 'primitiveColFunction', 'action');
        if (isImport && !isBound) problems.push(`function import '${s.name}' cannot follow a path segment`);
      }
      if (s.kind === 'Keyword' && s.name === '$value' && k > 0) {
        const prev = segs[k - 1].name;
        if (this.has(prev, 'complexProperty', 'complexColProperty', 'streamProperty')) problems.push(`'$value' cannot follow '${prev}'`);
      }
      const isCast = s.kind === 'Identifier' && s.name.includes('.') && !s.args && this.has(bare, 'entityTypeName', 'complexTypeName');
      if (isCast && prevCast) problems.push(`two consecutive type casts at '${s.name}'`);
      prevCast = isCast;
    }
  }

  private checkAggregateItem(node: Node, problems: string[]): void {
    if (node.method) {
      const expr = node.expression as Node | undefined;
      if (expr && expr.kind !== 'Path') this.checkNoPropertyAfterCollection(expr, problems);
      return;
    }
    const expr = node.expression as Node | undefined;
    if (!expr || expr.kind !== 'Path') return;
    const segs = expr.segments as { name: string }[];
    const last = segs[segs.length - 1]?.name;
    if (last === '$count') return;
    if (last && !this.has(last, 'customAggregate')) problems.push(`'${last}' is not a custom aggregate: add 'with <method> as <alias>'`);
  }

  /** In an arithmetic expression, `collectionNav/property` is not single-valued. */
  private checkNoPropertyAfterCollection(expr: unknown, problems: string[]): void {
    const visit = (n: unknown): void => {
      if (Array.isArray(n)) return n.forEach(visit);
      if (!n || typeof n !== 'object') return;
      const node = n as Node;
      if (node.kind === 'Path') {
        const segs = node.segments as { name: string; args?: unknown }[];
        for (let k = 0; k + 1 < segs.length; k++) {
          const next = segs[k + 1];
          if (this.has(segs[k].name, 'entityColNavigationProperty') && !segs[k].args && !next.name.startsWith('$') && !next.name.includes('.')) {
            problems.push(`'${segs[k].name}/${next.name}' is collection-valued`);
          }
        }
        return;
      }
      for (const key of Object.keys(node)) if (key !== 'span') visit(node[key]);
    };
    visit(expr);
  }

  private checkGroupingPath(path: Node, problems: string[]): void {
    const segs = path.segments as { name: string }[];
    for (let k = 0; k + 1 < segs.length; k++) {
      const n = segs[k].name;
      if (this.has(n, 'entityColNavigationProperty', 'complexColProperty') && !this.has(n, 'entityNavigationProperty', 'complexProperty')) {
        problems.push(`grouping path through collection '${n}'`);
      }
      const primitive = this.has(n, 'primitiveKeyProperty', 'primitiveNonKeyProperty', 'primitiveColProperty');
      const structured = this.has(n, 'entityNavigationProperty', 'entityColNavigationProperty', 'complexProperty', 'complexColProperty', 'entitySetName');
      if (primitive && !structured) problems.push(`'${n}' is primitive and has no properties`);
    }
  }

  /** Context URL select lists: unqualified names must be properties. */
  checkContextSelect(items: { path: string[]; selectList?: unknown[] }[] | undefined, problems: string[]): void {
    if (!items) return;
    const props = this.set(
      'primitiveKeyProperty', 'primitiveNonKeyProperty', 'primitiveColProperty', 'complexProperty', 'complexColProperty',
      'entityNavigationProperty', 'entityColNavigationProperty', 'streamProperty',
    );
    for (const item of items) {
      for (const part of item.path) {
        if (part === '*' || part.startsWith('@') || part.includes('.')) continue;
        if (props.size > 0 && !props.has(part)) problems.push(`'${part}' is not a property`);
      }
      this.checkContextSelect(item.selectList as { path: string[]; selectList?: unknown[] }[] | undefined, problems);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Rule table
// ---------------------------------------------------------------------------------------------------------

/** Returns the problems found (empty: the input matches the rule). */
type RuleCheck = (input: string, model: ModelCheck) => string[];

const relevant = (errors: SyntaxError[]): string[] =>
  errors.filter((e) => e.code !== 'syntax.duplicate-option').map((e) => `${e.code} @${e.span.start}: ${e.message}`);

const uriCheck: RuleCheck = (input, model) => {
  const uri = parseUri(input, strict);
  return [...relevant(uri.errors), ...model.check(uri)];
};

const absoluteUriCheck: RuleCheck = (input, model) => {
  const problems = uriCheck(input, model);
  if (!/^https?:\/\//i.test(input)) problems.push('not an absolute http(s) URL');
  return problems;
};

const expressionCheck: RuleCheck = (input, model) => {
  const r = parseExpression(input, strict);
  return [...relevant(r.errors), ...model.check(r.expression)];
};

const queryCheck: RuleCheck = (input, model) => {
  const r = parseQueryOptions(input, strict);
  return [...relevant(r.errors), ...model.check(r.options)];
};

/** One query option of the given kinds. */
const optionCheck = (...kinds: string[]): RuleCheck => (input, model) => {
  const r = parseQueryOptions(input, strict);
  const problems = [...relevant(r.errors), ...model.check(r.options)];
  if (r.options.length !== 1) problems.push(`expected one option, found ${r.options.length}`);
  else if (kinds.length > 0 && !kinds.includes(r.options[0].kind)) problems.push(`expected ${kinds.join('/')}, found ${r.options[0].kind}`);
  return problems;
};

const literalCheck = (hint?: LiteralTypeHint, prefix?: RegExp): RuleCheck => (input) => {
  const r = parseLiteral(input, hint, strict);
  const problems = relevant(r.errors);
  if (!r.literal) problems.push('no literal');
  else if (prefix && !prefix.test(String(r.literal.value))) problems.push(`not a ${prefix.source} literal`);
  return problems;
};

const valueCheck = (type: PrimitiveValueType): RuleCheck => (input) => (checkPrimitiveValue(input, type) ? [] : [`not a valid ${type} value`]);

const geo = (prefix: 'geography' | 'geometry', kind: string): RuleCheck => {
  const inner = literalCheck(prefix, new RegExp(`^SRID=\\d+;${kind}\\(`, 'i'));
  return (input, model) => {
    const problems = inner(input, model);
    if (!input.toLowerCase().startsWith(prefix)) problems.push(`expected ${prefix}'…'`);
    return problems;
  };
};

const rules: Record<string, RuleCheck> = {
  odataUri: absoluteUriCheck,
  odataRelativeUri: uriCheck,
  resourcePath: (input, model) => {
    const r = parseResourcePath(input, strict);
    return [...relevant(r.errors), ...model.check(r.path)];
  },
  queryOptions: queryCheck,
  systemQueryOption: optionCheck(),
  customQueryOption: optionCheck('custom'),
  filter: optionCheck('$filter'),
  select: optionCheck('$select'),
  expand: optionCheck('$expand'),
  orderby: optionCheck('$orderby'),
  orderBy: optionCheck('$orderby'),
  compute: optionCheck('$compute'),
  search: optionCheck('$search'),
  skiptoken: optionCheck('$skiptoken'),
  deltatoken: optionCheck('$deltatoken'),
  searchExpr: (input) => relevant(parseSearch(input, strict).errors),
  commonExpr: expressionCheck,
  boolCommonExpr: expressionCheck,
  boolcommonExpr: expressionCheck,
  notExpr: expressionCheck,
  isofExpr: expressionCheck,
  firstMemberExpr: expressionCheck,
  propertyPathExpr: expressionCheck,
  anyExpr: (input, model) => {
    const r = parseExpression(`Items/${input}`, strict);
    const problems = [...relevant(r.errors), ...model.check(r.expression)];
    if (r.expression.kind !== 'Path' || !r.expression.lambda) problems.push('not a lambda');
    return problems;
  },
  functionParameter: (input, model) => {
    const r = parseResourcePath(`Function(${input})`, strict);
    const problems = [...relevant(r.errors), ...model.check(r.path)];
    const seg = r.path.segments[0];
    if (!seg || seg.kind !== 'Identifier' || seg.args?.args.length !== 1 || !seg.args.args[0].name) problems.push('not a name=value parameter');
    return problems;
  },
  context: (input, model) => {
    const r = parseContextUrl(input);
    const problems = relevant(r.errors);
    for (const seg of r.context?.segments ?? []) model.checkContextSelect(seg.selectList, problems);
    return problems;
  },
  header: (input) => relevant(parseHeader(input).errors),
  prefer: (input) => {
    const r = parseHeader(input);
    const problems = relevant(r.errors);
    if (r.name?.toLowerCase() !== 'prefer') problems.push('not a Prefer header');
    return problems;
  },
  preference: (input) => relevant(parsePreference(input).errors),
  includeAnnotationsPreference: (input) => relevant(parsePreference(input).errors),
  maxpagesizePreference: (input) => relevant(parsePreference(input).errors),
  'request-id': (input) => relevant(parseHeader(`Content-ID: ${input}`).errors),
  odataIdentifier: (input) => (matchIdentifier(input, 0, input.length) === input.length ? [] : ['not an identifier']),
  entitySetName: (input, model) => (matchIdentifier(input, 0, input.length) === input.length ? model.check([]) : ['not an identifier']),
  stringInUrl: (input) => {
    const r = parseExpression(`[${input}]`, strict);
    const problems = relevant(r.errors);
    if (r.expression.kind !== 'Json' || !Array.isArray(r.expression.value) || typeof r.expression.value[0] !== 'string') problems.push('not a JSON string');
    return problems;
  },
  // URL literals
  primitiveLiteral: literalCheck(),
  null: literalCheck('null'),
  boolean: literalCheck('boolean'),
  guid: literalCheck('guid'),
  date: literalCheck('date'),
  dateTimeOffsetLiteral: literalCheck('dateTimeOffset'),
  dateTimeOffsetValueInUrl: literalCheck('dateTimeOffset'),
  timeOfDayLiteral: literalCheck('timeOfDay'),
  decimalLiteral: literalCheck('decimal'),
  doubleLiteral: literalCheck('double'),
  singleLiteral: literalCheck('single'),
  sbyteLiteral: literalCheck('sbyte'),
  int16Literal: literalCheck('int16'),
  int32Literal: literalCheck('int32'),
  int64Literal: literalCheck('int64'),
  stringLiteral: literalCheck('string'),
  durationLiteral: literalCheck('duration'),
  enumLiteral: literalCheck('enum'),
  binaryLiteral: literalCheck('binary'),
  geographyPoint: geo('geography', 'Point'),
  geographyLineString: geo('geography', 'LineString'),
  geographyPolygon: geo('geography', 'Polygon'),
  geographyMultiPoint: geo('geography', 'MultiPoint'),
  geographyMultiLineString: geo('geography', 'MultiLineString'),
  geographyMultiPolygon: geo('geography', 'MultiPolygon'),
  geographyCollection: geo('geography', 'GeometryCollection'),
  geometryPoint: geo('geometry', 'Point'),
  geometryLineString: geo('geometry', 'LineString'),
  geometryPolygon: geo('geometry', 'Polygon'),
  geometryMultiPoint: geo('geometry', 'MultiPoint'),
  geometryMultiLineString: geo('geometry', 'MultiLineString'),
  geometryMultiPolygon: geo('geometry', 'MultiPolygon'),
  geometryCollection: geo('geometry', 'GeometryCollection'),
  // Payload values (CSDL default values): no percent-decoding.
  primitiveValue: valueCheck('any'),
  booleanValue: valueCheck('boolean'),
  dateValue: valueCheck('date'),
  dateTimeOffsetValue: valueCheck('dateTimeOffset'),
  timeOfDayValue: valueCheck('timeOfDay'),
  durationValue: valueCheck('duration'),
  decimalValue: valueCheck('decimal'),
  doubleValue: valueCheck('double'),
  singleValue: valueCheck('single'),
  byteValue: valueCheck('byte'),
  sbyteValue: valueCheck('sbyte'),
  int16Value: valueCheck('int16'),
  int32Value: valueCheck('int32'),
  int64Value: valueCheck('int64'),
  enumValue: valueCheck('enum'),
};

// ---------------------------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------------------------

interface RuleStats {
  passed: number;
  failed: number;
  unsupported: number;
}

function pad(s: string | number, n: number, right = false): string {
  const t = String(s);
  return right ? t.padStart(n) : t.padEnd(n);
}

function main(): void {
  let totalPassed = 0;
  let totalFailed = 0;
  let totalUnsupported = 0;
  let total = 0;
  const perRule = new Map<string, RuleStats>();
  const failures: string[] = [];
  for (const file of files) {
    const doc = parseYaml(readFileSync(join(abnfDir, file), 'utf8')) as TestFile;
    const model = new ModelCheck(doc.Constraints ?? {});
    let passed = 0;
    let failed = 0;
    let unsupported = 0;
    for (const tc of doc.TestCases) {
      const input = String(tc.Input ?? '');
      const stats = perRule.get(tc.Rule) ?? { passed: 0, failed: 0, unsupported: 0 };
      perRule.set(tc.Rule, stats);
      const check = rules[tc.Rule];
      if (!check) {
        stats.unsupported++;
        unsupported++;
        if (verbose) failures.push(`UNSUPPORTED ${file} [${tc.Rule}] ${tc.Name}: ${input}`);
        continue;
      }
      let problems: string[];
      try {
        problems = check(input, model);
      } catch (e) {
        problems = [`THREW: ${(e as Error).stack ?? String(e)}`];
      }
      const negative = tc.FailAt !== undefined;
      const ok = negative ? problems.length > 0 && !problems.some((p) => p.startsWith('THREW')) : problems.length === 0;
      if (ok) {
        stats.passed++;
        passed++;
      } else {
        stats.failed++;
        failed++;
        if (verbose) {
          failures.push(
            `FAIL ${file} [${tc.Rule}] ${tc.Name}${negative ? ` (negative, FailAt ${tc.FailAt})` : ''}\n    input: ${input}\n    ${negative ? 'no error reported' : problems.join('\n    ')}`,
          );
        }
      }
    }
    console.log(`${file}: ${passed} passed, ${failed} failed, ${unsupported} unsupported of ${doc.TestCases.length}`);
    totalPassed += passed;
    totalFailed += failed;
    totalUnsupported += unsupported;
    total += doc.TestCases.length;
  }
  console.log('');
  console.log(`${pad('rule', 34)} ${pad('passed', 7, true)} ${pad('failed', 7, true)} ${pad('unsupp.', 8, true)}`);
  const rows = [...perRule.entries()].sort((a, b) => b[1].failed + b[1].unsupported - (a[1].failed + a[1].unsupported) || a[0].localeCompare(b[0]));
  for (const [rule, s] of rows) {
    console.log(`${pad(rule, 34)} ${pad(s.passed, 7, true)} ${pad(s.failed, 7, true)} ${pad(s.unsupported, 8, true)}`);
  }
  if (verbose && failures.length) {
    console.log('');
    for (const f of failures) console.log(f);
  }
  console.log('');
  console.log(`conformance: ${totalPassed} passed, ${totalFailed} failed, ${totalUnsupported} unsupported of ${total}`);
  process.exit(total > 0 && totalPassed / total >= 0.97 ? 0 : 1);
}

main();
