/** Test helpers: compact renderings of URL ASTs and spans. */
import type { Argument, Expression, SearchExpression, Span, SyntaxError } from '../../../server/src/odata/uri/ast';

/** The text with the span marked by brackets: `accounts?$filter=[name eq 1]`. */
export function mark(text: string, span: Span): string {
  return `${text.slice(0, span.start)}[${text.slice(span.start, span.end)}]${text.slice(span.end)}`;
}

/** The covered text of a span. */
export function cut(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

function arg(a: Argument): string {
  const v = a.result ? `${show(a.value)}:${show(a.result)}` : show(a.value);
  return a.name ? `${a.name}=${v}` : v;
}

/** S-expression rendering: `(and (eq name 'x') (gt revenue 5))`. */
export function show(e: Expression | undefined): string {
  if (!e) return '?';
  switch (e.kind) {
    case 'Literal':
      return e.raw;
    case 'Json':
      return `json:${e.raw}`;
    case 'Alias':
      return e.name;
    case 'Error':
      return '<error>';
    case 'List':
      return `(list ${e.items.map(show).join(' ')})`;
    case 'Unary':
      return `(${e.operator} ${show(e.operand)})`;
    case 'Binary':
      return `(${e.operator} ${show(e.left)} ${show(e.right)})`;
    case 'Call':
      return `${e.name}(${e.args.args.map(arg).join(',')})`;
    case 'Path': {
      const segs = e.segments.map((s) => {
        let t = s.name;
        if (s.args) t += `(${s.args.args.map(arg).join(',')})`;
        if (s.key) t += `(${s.key.args.map(arg).join(',')})`;
        if (s.options) t += `(${s.options.map((o) => o.name).join(';')})`;
        return t;
      });
      if (e.lambda) {
        const l = e.lambda;
        segs.push(`${l.operator}(${l.variable ? `${l.variable}:${show(l.body)}` : ''})`);
      }
      return segs.join('/');
    }
  }
}

export function showSearch(e: SearchExpression | undefined): string {
  if (!e) return '?';
  switch (e.kind) {
    case 'SearchTerm':
      return e.phrase ? `"${e.text}"` : e.text;
    case 'SearchNot':
      return `(NOT ${showSearch(e.operand)})`;
    case 'SearchBinary':
      return `(${e.operator} ${showSearch(e.left)} ${showSearch(e.right)})`;
  }
}

export function codes(errors: SyntaxError[]): string[] {
  return errors.map((e) => e.code);
}

/** Strips spans for structural comparison of two trees. */
export function withoutSpans(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'span' || k.endsWith('Span') || k === 'raw' || k === 'querySpan' ? undefined : v)));
}
