/**
 * `$apply` (OData Data Aggregation 4.0): transformation sequences, aggregate expressions, groupby with
 * rollup / rolluprecursive, hierarchy transformations, nest/addnested/join. Works on the shared Parser.
 */
import type {
  AggregateItem,
  AliasedSequence,
  Argument,
  CallExpression,
  Expression,
  ExpressionTransformation,
  PathExpression,
  PathSegmentExpression,
  Transformation,
} from '../ast';
import type { Parser } from './parserCore';
import { parseExpression, literalFromToken, parseArgs } from './parseExpression';
import { parseOrderByItems, parseComputeItems, parseAsAlias } from './parseOptions';
import { parseSearchAt } from './parseSearch';
import { TokenType } from '../scanner';
import { aggregationMethods, preservingTransformationNames, transformationNames } from '../../facts/applyTransformations';

const aggregateMethods: ReadonlySet<string> = new Set(aggregationMethods);
const preservingNames = preservingTransformationNames;

/** `applyTrafo *( "/" applyTrafo )`. */
export function parseApplyExpr(p: Parser, preservingOnly = false): Transformation[] {
  return p.nested(() => parseSequence(p, preservingOnly), () => []);
}

function parseSequence(p: Parser, preservingOnly: boolean): Transformation[] {
  const seq: Transformation[] = [];
  for (;;) {
    const t = parseTrafo(p, preservingOnly);
    if (t) seq.push(t);
    if (p.is(TokenType.Slash) && p.adjacent()) {
      p.consume();
      continue;
    }
    return seq;
  }
}

function parseTrafo(p: Parser, preservingOnly: boolean): Transformation | undefined {
  const t = p.tok;
  if (t.type !== TokenType.Identifier) {
    p.error('syntax.unknown-transformation', t.start, t.end, 'A transformation (aggregate, groupby, filter, …) was expected.');
    p.resync(true);
    return undefined;
  }
  const name = t.text;
  const nameSpan = p.span(t.start, t.end);
  p.consume();
  const hasParen = p.is(TokenType.OpenParen) && p.adjacent();
  const qualified = name.includes('.');
  if (preservingOnly && !qualified && !preservingNames.has(name)) {
    p.error('syntax.unknown-transformation', t.start, t.end, `'${name}' is not a preserving transformation.`);
  }
  if (name === 'identity') return { kind: 'identity', span: nameSpan, nameSpan, args: [] };
  if (!hasParen) {
    p.error(qualified || knownTrafos.has(name) ? 'syntax.expected-open-paren' : 'syntax.unknown-transformation', t.start, t.end);
    return { kind: 'other', span: nameSpan, name, nameSpan, args: [] };
  }
  if (qualified) {
    const argList = parseArgs(p, false);
    return { kind: 'other', span: p.span(t.start, p.prevEnd), name, nameSpan, args: argList.args.map((a) => a.value), argList };
  }
  p.consume(); // '('
  let result: Transformation;
  switch (name) {
    case 'aggregate': {
      const items: AggregateItem[] = [];
      if (p.is(TokenType.CloseParen)) p.error('syntax.invalid-aggregate', p.tok.start, p.tok.end, 'aggregate() needs at least one aggregate expression.');
      else {
        for (;;) {
          items.push(parseAggregateItem(p, true));
          if (p.is(TokenType.Comma)) {
            p.consume();
            continue;
          }
          break;
        }
      }
      p.closeParen();
      result = { kind: 'aggregate', span: p.span(t.start, p.prevEnd), nameSpan, items };
      break;
    }
    case 'groupby': {
      const properties: Expression[] = [];
      if (p.is(TokenType.OpenParen)) {
        p.consume();
        for (;;) {
          properties.push(parseGroupingElement(p));
          if (p.is(TokenType.Comma)) {
            p.consume();
            continue;
          }
          break;
        }
        p.closeParen();
      } else p.error('syntax.expected-open-paren', p.tok.start, p.tok.end, 'groupby needs a parenthesised list of grouping properties.');
      let transformations: Transformation[] = [];
      if (p.is(TokenType.Comma)) {
        p.consume();
        transformations = parseApplyExpr(p);
      }
      p.closeParen();
      result = { kind: 'groupby', span: p.span(t.start, p.prevEnd), nameSpan, properties, transformations };
      break;
    }
    case 'filter': {
      const e = parseExpression(p);
      p.closeParen();
      result = { kind: 'filter', span: p.span(t.start, p.prevEnd), nameSpan, args: [e] };
      break;
    }
    case 'search': {
      const r = parseSearchAt(p, p.tok.start, p.sc.end, true);
      p.reset(r.end, p.sc.end);
      p.closeParen();
      const tr: ExpressionTransformation = { kind: 'search', span: p.span(t.start, p.prevEnd), nameSpan, args: [] };
      if (r.expression) tr.search = r.expression;
      result = tr;
      break;
    }
    case 'compute': {
      const items = parseComputeItems(p);
      p.closeParen();
      result = { kind: 'compute', span: p.span(t.start, p.prevEnd), nameSpan, items };
      break;
    }
    case 'concat': {
      const sequences: Transformation[][] = [parseApplyExpr(p)];
      while (p.is(TokenType.Comma)) {
        p.consume();
        sequences.push(parseApplyExpr(p));
      }
      if (sequences.length < 2) p.error('syntax.unexpected-token', p.tok.start, p.tok.end, 'concat needs at least two transformation sequences.');
      p.closeParen();
      result = { kind: 'concat', span: p.span(t.start, p.prevEnd), nameSpan, sequences };
      break;
    }
    case 'top':
    case 'skip': {
      const n = p.tok;
      const args: Expression[] = [];
      if (n.type === TokenType.Number && /^\d+$/.test(n.text)) {
        p.consume();
        args.push(literalFromToken(p, n));
      } else {
        p.error('syntax.invalid-number', n.start, n.end);
        p.resync(false);
      }
      p.closeParen();
      result = { kind: name, span: p.span(t.start, p.prevEnd), nameSpan, args };
      break;
    }
    case 'orderby': {
      const orderBy = parseOrderByItems(p);
      p.closeParen();
      result = { kind: 'orderby', span: p.span(t.start, p.prevEnd), nameSpan, args: [], orderBy };
      break;
    }
    case 'topcount':
    case 'topsum':
    case 'toppercent':
    case 'bottomcount':
    case 'bottomsum':
    case 'bottompercent': {
      const a = parseExpression(p);
      const args = [a];
      if (p.expect(TokenType.Comma, 'syntax.unexpected-token')) args.push(parseExpression(p));
      p.closeParen();
      result = { kind: name, span: p.span(t.start, p.prevEnd), nameSpan, args };
      break;
    }
    case 'nest': {
      const sequences = parseAliasedSequences(p);
      p.closeParen();
      result = { kind: 'nest', span: p.span(t.start, p.prevEnd), nameSpan, args: [], sequences };
      break;
    }
    case 'addnested': {
      const path = parseSimplePath(p, false);
      let sequences: AliasedSequence[] = [];
      if (p.expect(TokenType.Comma, 'syntax.unexpected-token')) sequences = parseAliasedSequences(p);
      p.closeParen();
      result = { kind: 'addnested', span: p.span(t.start, p.prevEnd), nameSpan, ...(path ? { path } : {}), sequences };
      break;
    }
    case 'join':
    case 'outerjoin': {
      const path = parseSimplePath(p, true);
      const alias = parseAsAlias(p);
      const sequences: AliasedSequence[] = [];
      if (p.is(TokenType.Comma)) {
        p.consume();
        sequences.push({ transformations: parseApplyExpr(p) });
      }
      p.closeParen();
      result = {
        kind: name,
        span: p.span(t.start, p.prevEnd),
        nameSpan,
        ...(path ? { path } : {}),
        ...(alias ? { alias: alias.name, aliasSpan: alias.span } : {}),
        sequences,
      };
      break;
    }
    case 'ancestors':
    case 'descendants': {
      const args = parseRecHierReference(p);
      let transformations: Transformation[] = [];
      if (p.expect(TokenType.Comma, 'syntax.unexpected-token')) transformations = parseApplyExpr(p, true);
      const tr: ExpressionTransformation = { kind: name, span: nameSpan, nameSpan, args, transformations };
      if (p.is(TokenType.Comma)) {
        p.consume();
        if (p.is(TokenType.Number) && /^\d+$/.test(p.tok.text)) {
          args.push(literalFromToken(p, p.consume()));
          if (p.is(TokenType.Comma)) {
            p.consume();
            tr.keepStart = parseKeepStart(p);
          }
        } else tr.keepStart = parseKeepStart(p);
      }
      p.closeParen();
      tr.span = p.span(t.start, p.prevEnd);
      result = tr;
      break;
    }
    case 'traverse': {
      const args = parseRecHierReference(p);
      const tr: ExpressionTransformation = { kind: 'traverse', span: nameSpan, nameSpan, args };
      if (p.expect(TokenType.Comma, 'syntax.unexpected-token')) {
        const o = p.tok;
        if (o.type === TokenType.Identifier && (o.text === 'preorder' || o.text === 'postorder')) {
          p.consume();
          args.push({ kind: 'Path', span: p.span(o.start, o.end), segments: [{ kind: 'PathSegment', span: p.span(o.start, o.end), name: o.text }] });
        } else p.error('syntax.unexpected-token', o.start, o.end, "Expected 'preorder' or 'postorder'.");
      }
      if (p.is(TokenType.Comma)) {
        // Either preserving transformations or order-by items.
        p.consume();
        const look = p.tok;
        const afterIsParen = p.sc.charCode(look.end) === 40;
        if (look.type === TokenType.Identifier && afterIsParen && (preservingNames.has(look.text) || look.text.includes('.'))) {
          tr.transformations = parseApplyExpr(p, true);
          if (p.is(TokenType.Comma)) {
            p.consume();
            tr.orderBy = parseOrderByItems(p);
          }
        } else tr.orderBy = parseOrderByItems(p);
      }
      p.closeParen();
      tr.span = p.span(t.start, p.prevEnd);
      result = tr;
      break;
    }
    default: {
      p.error('syntax.unknown-transformation', t.start, t.end, `Unknown transformation '${name}'.`);
      p.resync(false);
      p.closeParen();
      result = { kind: 'other', span: p.span(t.start, p.prevEnd), name, nameSpan, args: [] };
    }
  }
  return result;
}

const knownTrafos = transformationNames;

function parseKeepStart(p: Parser): boolean {
  const k = p.tok;
  if (k.type === TokenType.Identifier && k.text === 'keep') {
    p.consume();
    const s = p.tok;
    if (s.type === TokenType.Identifier && s.text === 'start' && s.wsBefore) {
      p.consume();
      return true;
    }
  }
  p.error('syntax.unexpected-token', k.start, k.end, "Expected a number or 'keep start'.");
  p.resync(false);
  return false;
}

/** `applyExpr asAlias *( , applyExpr asAlias )`. */
function parseAliasedSequences(p: Parser): AliasedSequence[] {
  const out: AliasedSequence[] = [];
  for (;;) {
    const transformations = parseApplyExpr(p);
    const alias = parseAsAlias(p);
    out.push(alias ? { transformations, alias: alias.name, aliasSpan: alias.span } : { transformations });
    if (p.is(TokenType.Comma)) {
      p.consume();
      continue;
    }
    return out;
  }
}

/** `rootExpr , qualifier , propertyPath` of hierarchy functions. */
function parseRecHierReference(p: Parser): Expression[] {
  const args: Expression[] = [];
  const root = parseExpression(p);
  args.push(root);
  if (!(root.kind === 'Path' && root.segments[0]?.name === '$root')) {
    p.report('syntax.unexpected-token', root.span, 'A hierarchy reference starts with a $root/… path.');
  }
  if (p.expect(TokenType.Comma, 'syntax.unexpected-token')) {
    const q = p.tok;
    if (q.type === TokenType.Identifier && !q.text.includes('.')) {
      p.consume();
      args.push({ kind: 'Path', span: p.span(q.start, q.end), segments: [{ kind: 'PathSegment', span: p.span(q.start, q.end), name: q.text }] });
    } else p.error('syntax.expected-identifier', q.start, q.end, 'Expected the hierarchy qualifier.');
  }
  if (p.expect(TokenType.Comma, 'syntax.unexpected-token')) {
    const path = parseSimplePath(p, false);
    if (path) args.push(path);
  }
  return args;
}

/** A plain property path (identifiers and casts, no keys, no functions, no annotations). */
function parseSimplePath(p: Parser, allowAnnotation: boolean): PathExpression | undefined {
  const start = p.tok.start;
  const segments: PathSegmentExpression[] = [];
  for (;;) {
    const t = p.tok;
    if (t.type === TokenType.Identifier || (allowAnnotation && t.type === TokenType.AtName)) {
      p.consume();
      segments.push({ kind: 'PathSegment', span: p.span(t.start, t.end), name: t.text });
      if (p.is(TokenType.OpenParen) && p.adjacent()) {
        p.error('syntax.unexpected-token', p.tok.start, p.tok.end, 'Keys and parameters are not allowed in this path.');
        p.resync(false);
        if (p.is(TokenType.CloseParen)) p.consume();
      }
    } else {
      p.error('syntax.expected-identifier', t.start, t.end, 'A property path was expected.');
      break;
    }
    if (p.is(TokenType.Slash) && p.adjacent()) {
      p.consume();
      continue;
    }
    break;
  }
  if (segments.length === 0) return undefined;
  return { kind: 'Path', span: p.span(start, p.prevEnd), segments };
}

/** groupingProperty / rollup(…) / rolluprecursive(…). */
function parseGroupingElement(p: Parser): Expression {
  const t = p.tok;
  if (t.type === TokenType.Identifier && (t.text === 'rollup' || t.text === 'rolluprecursive') && p.sc.charCode(t.end) === 40) {
    p.consume();
    const open = p.consume();
    const args: Argument[] = [];
    let transformations: Transformation[] | undefined;
    const add = (e: Expression): void => {
      args.push({ kind: 'Argument', span: e.span, value: e });
    };
    if (t.text === 'rollup') {
      for (;;) {
        add(parseGroupingProperty(p));
        if (p.is(TokenType.Comma)) {
          p.consume();
          continue;
        }
        break;
      }
    } else {
      for (const e of parseRecHierReference(p)) add(e);
      if (p.is(TokenType.Comma)) {
        p.consume();
        transformations = parseApplyExpr(p, true);
      }
    }
    p.closeParen();
    const call: CallExpression = {
      kind: 'Call',
      span: p.span(t.start, p.prevEnd),
      name: t.text,
      nameSpan: p.span(t.start, t.end),
      args: { kind: 'ArgumentList', span: p.span(open.start, p.prevEnd), args },
    };
    if (transformations) call.transformations = transformations;
    return call;
  }
  return parseGroupingProperty(p);
}

/** `[cast/] path` of single-valued properties: no annotations, no keys, not ending in a cast. */
function parseGroupingProperty(p: Parser): Expression {
  const start = p.tok.start;
  const path = parseSimplePath(p, true);
  if (!path) return { kind: 'Error', span: p.span(start, start) };
  const last = path.segments[path.segments.length - 1];
  for (const s of path.segments) {
    if (s.name.startsWith('@')) p.report('syntax.unexpected-token', s.span, 'Annotations cannot be grouping properties.');
  }
  if (last.name.includes('.') && !last.name.startsWith('@')) {
    p.report('syntax.unexpected-token', last.span, 'A grouping property cannot end with a type cast.');
  }
  return path;
}

/**
 * `aggregateExpr` of `aggregate(…)` (with `as alias`) or `aggregateFunctionExpr` after `path/aggregate(`
 * (no alias). The current token is the first one inside the parentheses.
 */
function parseAggregateItem(p: Parser, withAlias: boolean): AggregateItem {
  const start = p.tok.start;
  const item: AggregateItem = { kind: 'AggregateItem', span: p.span(start, start) };
  let isCount = false;
  if (p.is(TokenType.DollarName) && p.tok.text === '$count') {
    const c = p.consume();
    isCount = true;
    item.expression = { kind: 'Path', span: p.span(c.start, c.end), segments: [{ kind: 'PathSegment', span: p.span(c.start, c.end), name: '$count' }] };
  } else {
    item.expression = p.withTypeNames(() => parseExpression(p));
    const e = item.expression;
    if (e.kind === 'Path' && e.segments[e.segments.length - 1]?.name === '$count') isCount = true;
  }
  if (isWord(p, 'with')) {
    const w = p.consume();
    if (isCount) p.error('syntax.invalid-aggregate', w.start, w.end, "'$count' takes no aggregation method.");
    const m = p.tok;
    if (m.type === TokenType.Identifier && m.wsBefore && (aggregateMethods.has(m.text) || m.text.includes('.'))) {
      p.consume();
      item.method = m.text;
      item.methodSpan = p.span(m.start, m.end);
    } else p.error('syntax.invalid-aggregate', m.start, m.end, 'Expected sum, min, max, average, countdistinct or a qualified custom method.');
  }
  // from chain
  let fromCount = 0;
  while (isWord(p, 'from')) {
    p.consume();
    const paths: Expression[] = [];
    for (;;) {
      paths.push(parseGroupingProperty(p));
      if (p.is(TokenType.Comma) && nextIsPathThenWith(p)) {
        p.consume();
        continue;
      }
      break;
    }
    let method: string | undefined;
    if (isWord(p, 'with')) {
      p.consume();
      const m = p.tok;
      if (m.type === TokenType.Identifier && (aggregateMethods.has(m.text) || m.text.includes('.'))) {
        p.consume();
        method = m.text;
      } else p.error('syntax.invalid-aggregate', m.start, m.end);
    } else if (item.method || isCount) {
      p.error('syntax.invalid-aggregate', p.tok.start, p.tok.end, "Each 'from' needs 'with' and an aggregation method.");
    }
    item.from = item.from ?? [];
    for (const path of paths) item.from.push(method ? { path, method } : { path });
    fromCount++;
  }
  if (withAlias) {
    const needsAlias = !!item.method || isCount || fromCount > 0;
    if (isWord(p, 'as')) {
      const alias = parseAsAlias(p);
      if (alias) {
        item.alias = alias.name;
        item.aliasSpan = alias.span;
      }
    } else if (needsAlias) {
      p.error('syntax.expected-alias', p.tok.start, p.tok.end, "An aggregate expression needs 'as' and an alias.");
    }
  }
  item.span = p.span(start, p.prevEnd);
  if (!p.is(TokenType.Comma) && !p.is(TokenType.CloseParen)) {
    p.error('syntax.unexpected-token', p.tok.start, p.tok.end, `Unexpected '${p.tok.text}' in aggregate expression.`);
    p.resync(true);
  }
  return item;
}

function isWord(p: Parser, w: string): boolean {
  return p.tok.type === TokenType.Identifier && p.tok.text === w && p.tok.wsBefore;
}

/** In `from A,B with m`, a comma continues the grouping list (not the next aggregate expression). */
function nextIsPathThenWith(p: Parser): boolean {
  const save = p.sc.pos;
  let depth = 0;
  let result = false;
  for (;;) {
    const t = p.sc.scan();
    if (t.type === TokenType.EOF) break;
    if (t.type === TokenType.OpenParen) depth++;
    else if (t.type === TokenType.CloseParen) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && t.type === TokenType.Comma) break;
    else if (depth === 0 && t.type === TokenType.Identifier && t.wsBefore && (t.text === 'with' || t.text === 'from')) {
      result = true;
      break;
    } else if (depth === 0 && t.type === TokenType.Identifier && t.wsBefore && t.text === 'as') break;
  }
  p.sc.pos = save;
  return result;
}

/** `path/aggregate( aggregateFunctionExpr )`; the `(` has been consumed. */
export function parseAggregateInPath(p: Parser): AggregateItem {
  return parseAggregateItem(p, false);
}
