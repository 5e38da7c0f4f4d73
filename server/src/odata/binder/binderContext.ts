/**
 * The state one `bindUri` call carries around: the model, the flavour, and the three outputs
 * (diagnostics, scopes, resolutions), plus the parameter aliases of the URL.
 */
import type { EntitySet, Singleton, StructuredType } from '../csdl/model';
import type { ModelIndex } from '../csdl/modelIndex';
import {
  createDiagnostic,
  type BindingDiagnosticCode,
  type DiagnosticArgs,
  type Flavor,
  type ODataDiagnostic,
} from '../diagnosticCodes';
import type { AliasOption, Span } from '../uri/ast';
import { suggest, suggestionSentence } from './binderSuggest';
import type { Resolution, ScopeEntry, ScopeKind, TypeInfo } from './binderTypes';

/** What names inside an expression or option are resolved against. */
export interface ExprScope {
  /** `$it`: the element type of the collection being filtered / selected (single-valued). */
  it: TypeInfo;
  entitySet?: EntitySet | Singleton;
  lambdaVariables: Map<string, TypeInfo>;
  /** `$compute` and `$apply` aliases usable as properties. */
  aliases: Map<string, TypeInfo>;
  expandDepth: number;
}

export interface AliasValue {
  option: AliasOption;
  /** Bound lazily, on first use, in the scope of that use. */
  type?: TypeInfo;
}

export class BindContext {
  readonly diagnostics: ODataDiagnostic[] = [];
  readonly scopes: ScopeEntry[] = [];
  readonly resolutions: Resolution[] = [];
  readonly aliasValues = new Map<string, AliasValue>();
  readonly usedAliases = new Set<string>();
  private readonly reported = new Set<string>();

  constructor(
    readonly model: ModelIndex,
    readonly flavor: Flavor,
    /** False when only types and scopes are wanted (completion): unknown names then get no did-you-mean search. */
    private readonly suggestions = true,
    /** Strict mode: no flavour tolerances (see `BindOptions.strict`). */
    readonly strict = false,
  ) {}

  report(code: BindingDiagnosticCode, span: Span, args: DiagnosticArgs = {}, suggestions?: string[]): void {
    const key = `${code}@${span.start}:${span.end}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(createDiagnostic(code, span, args, suggestions));
  }

  /** Reports an unknown name, with a did-you-mean sentence and suggestions from `candidates`. */
  reportUnknown(code: BindingDiagnosticCode, span: Span, args: DiagnosticArgs & { name: string }, candidates: Iterable<string>): void {
    if (!this.suggestions) {
      this.report(code, span, args);
      return;
    }
    const suggestion = suggest(args.name, candidates);
    const before = this.diagnostics.length;
    this.report(code, span, args, suggestion.names);
    const added = this.diagnostics[before];
    if (added) added.message += suggestionSentence(suggestion);
  }

  resolve(resolution: Resolution): void {
    this.resolutions.push(resolution);
  }

  addScope(kind: ScopeKind, span: Span | undefined, scope: ExprScope, type?: StructuredType | null): void {
    if (!span) return;
    const entry: ScopeEntry = {
      kind,
      span: { start: span.start, end: span.end },
      type: type === null ? undefined : (type ?? scope.it.structured),
      lambdaVariables: scope.lambdaVariables,
      expandDepth: scope.expandDepth,
    };
    if (scope.entitySet) entry.entitySet = scope.entitySet;
    if (scope.aliases.size > 0) entry.aliases = scope.aliases;
    this.scopes.push(entry);
  }
}

export function childScope(scope: ExprScope, changes: Partial<ExprScope>): ExprScope {
  return { ...scope, ...changes };
}

/** The span from the start of `span` to the start of `until` (a name before its arguments). */
export function spanBefore(span: Span, until: Span | undefined): Span {
  return until ? { start: span.start, end: Math.max(span.start, until.start) } : span;
}
