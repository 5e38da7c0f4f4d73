/**
 * Diagnostics of the OData core: stable codes, severities and message templates.
 * Codes never change meaning once released; tests and the CLI's JSON output rely on them.
 *
 * Templates use `{name}` placeholders filled by `createDiagnostic(code, span, args)`, the one function that makes
 * a diagnostic; `collectDiagnostics` gathers them (no repeats, the flavour's own severity where the table gives one, sorted). Syntax errors come from the parser (codes
 * prefixed `syntax.`, in the table below with their default message); they keep the parser's own message.
 */
import type { Span } from './uri/ast';

import { fetchXmlCodes, type FetchXmlCode } from './fetchxml/fetchXmlFacts';

export type Severity = 'error' | 'warning' | 'info';

export type Flavor = 'dataverse' | 'fno' | 'bc' | 'generic';

export interface ODataDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Offsets into the text that was checked. */
  span: Span;
  /** "Did you mean" candidates, best first, when any. */
  suggestions?: string[];
}

export interface DiagnosticDescriptor {
  severity: Severity;
  /** Message template; `{placeholders}` are filled from the diagnostic's arguments. */
  message: string;
  /**
   * A flavour whose service answers differently gets its own severity (say why, with the documentation's address,
   * beside the entry). `collectDiagnostics` applies it, given the flavour: no other place changes a severity.
   */
  severityByFlavor?: Partial<Record<Flavor, Severity>>;
}

const bindingCodes = {
  // --- names that resolve to nothing ---------------------------------------------------------------------
  'unknown-entity-set': { severity: 'error', message: "Unknown entity set '{name}'." },
  'unknown-property': { severity: 'error', message: "Unknown property '{name}' on {type}." },
  'unknown-navigation-property': { severity: 'error', message: "Unknown navigation property '{name}' on {type}." },
  'unknown-type': { severity: 'error', message: "Unknown type '{name}'." },
  'unknown-operation': { severity: 'error', message: "Unknown operation '{name}' bound to {type}." },
  'unknown-function': { severity: 'error', message: "Unknown function '{name}'." },
  'unknown-parameter': { severity: 'error', message: "'{name}' is not a parameter of {operation}." },
  'missing-parameter': { severity: 'error', message: "Missing required parameter(s) of {operation}: {names}." },
  'unknown-enum-member': { severity: 'error', message: "'{name}' is not a member of the enum type {type}." },
  'unknown-alias': { severity: 'error', message: "The parameter alias '{name}' has no value: add '&{name}=…' to the query." },
  'unused-alias': { severity: 'info', message: "The parameter alias '{name}' is never used." },
  // --- wrong kind of thing -------------------------------------------------------------------------------
  'not-a-navigation-property': { severity: 'error', message: "'{name}' is a {what} of {type}, not a navigation property: $expand takes navigation properties.{hint}" },
  'not-a-collection': { severity: 'error', message: "'{name}' is single-valued ({type}): {what} needs a collection." },
  'collection-not-allowed': { severity: 'error', message: "'{name}' is a collection ({type}): {hint}" },
  'missing-key': { severity: 'error', message: "'{name}' is a member of a single {type}, but the path addresses a collection: add a key first, e.g. {set}(<key>)/{name}." },
  'not-structured': { severity: 'error', message: "'{name}' cannot follow '{previous}': {type} has no members." },
  'invalid-cast': { severity: 'error', message: "Cannot cast {from} to {name}: {name} does not derive from {from}." },
  'select-through-navigation': { severity: 'error', message: "$select cannot go through the navigation property '{name}'. Use $expand={name}($select={rest}) instead." },
  'invalid-segment': { severity: 'error', message: "'{name}' cannot follow {previous} in a resource path." },
  // --- types ---------------------------------------------------------------------------------------------
  'type-mismatch': { severity: 'error', message: '{detail}' },
  'guid-as-string': { severity: 'info', message: "{left} is Edm.Guid and is compared with a quoted string. OData expects an unquoted GUID ({value}); Dataverse accepts both." },
  // --- keys ----------------------------------------------------------------------------------------------
  'key-arity': { severity: 'error', message: '{detail}' },
  'key-type': { severity: 'error', message: "The key value {value} is {actual}, but the key '{name}' of {type} is {expected}.{hint}" },
  'key-unknown-property': { severity: 'error', message: "'{name}' is not a property of {type}, so it cannot be a key part." },
  'key-not-declared': { severity: 'warning', message: '{names} is neither the key nor a declared alternate key of {type}. The request fails unless such an alternate key exists (declared keys: {keys}).' },
  // --- query options -------------------------------------------------------------------------------------
  'option-not-allowed': { severity: 'error', message: '{detail}' },
  'invalid-option-value': { severity: 'error', message: '{detail}' },
  'option-not-supported': { severity: 'error', message: '{flavor} does not support {name}: {reason}' },
  // --- flavour rules -------------------------------------------------------------------------------------
  'dataverse.url-too-long': { severity: 'error', message: 'The URL is {length} characters long; Dataverse accepts at most 32,768. Send long queries inside a $batch request (64 KB) or shorten $filter with parameter aliases.' },
  'dataverse.segment-too-long': { severity: 'error', message: 'This path segment is {length} characters long; Dataverse accepts at most 260 characters per segment. Move long values into parameter aliases (…(Param=@p1)?@p1=…).' },
  'dataverse.lookup-filter': { severity: 'info', message: "'{name}' is a navigation property; to filter on the related record's id, compare the lookup column '{lookup}' instead (faster, and works when the related record is not readable)." },
  'fno.expand-depth': { severity: 'error', message: 'Finance and Operations supports $expand on the first level only; nested $expand is not allowed.' },
  'fno.operator-not-supported': { severity: 'error', message: "Finance and Operations does not support the '{name}' operator in $filter.{hint}" },
  'bc.path-outside-company': { severity: 'error', message: "Business Central API entities live under a company: use companies(<company id>)/{name}." },
  // --- the .odata file and its environment ---------------------------------------------------------------
  'request.unknown-variable': { severity: 'error', message: "Unknown variable '{name}'. Define it with '@{name} = value' above the request." },
  'request.variable-cycle': { severity: 'error', message: "Variable '{name}' refers to itself through other variables; give it a value that does not." },
  'request.missing-url': { severity: 'error', message: 'The request has no URL. Write it after the method, e.g. GET accounts?$select=name.' },
  'request.unknown-environment': { severity: 'warning', message: "No environment named '{name}' is configured. Add it, or change @environment." },
  'request.variable-too-deep': { severity: 'error', message: "Variable '{name}' nests other variables more than {max} levels deep; give it a flatter value." },
  'request.variable-too-large': { severity: 'error', message: "Variable '{name}' expands to more than {max} characters; shorten it (definitions that use another variable twice double at every level)." },
  'request.forbidden-header': { severity: 'error', message: '{detail}' },
  'metadata.unreadable': { severity: 'error', message: '{detail}' },
  'metadata.damaged': { severity: 'warning', message: '{detail}' },
  // --- guard ---------------------------------------------------------------------------------------------
  'internal-error': { severity: 'error', message: 'Internal error while checking this URL ({detail}). Please report it with the URL.' },
  // --- what Dynamics accepts although the OASIS grammar does not (errors with --strict) ----------------------
  'syntax.space-around-equals': { severity: 'warning', message: "A space around the '=' of a query option: Dynamics ignores it, the OData grammar does not allow it. Remove the space." },
  'syntax.plus-as-space': { severity: 'warning', message: "'+' for a space: Dynamics reads a '+' in a query string as a space, OData (and this extension's runner, which sends '+' as %2B) as a plus. Write a space; write a real plus as %2B." },
  'syntax.trailing-comma': { severity: 'warning', message: 'A trailing comma in $select: Dynamics ignores it, the OData grammar does not allow it. Remove it.' },
  'syntax.trailing-slash': { severity: 'warning', message: "A trailing '/' after the resource path: Dynamics ignores it, the OData grammar does not allow it. Remove it." },
  // Dataverse documents single-quoted JSON in a parameter alias (InitializeFrom's `@p1={'@odata.id':'accounts(…)'}`:
  // https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/create-entity-web-api#create-a-new-table-row-from-another-table),
  // so there it is only a portability hint; another service reads the value as JSON (RFC 8259 strings are double-quoted).
  'syntax.single-quoted-json': { severity: 'warning', severityByFlavor: { dataverse: 'info' }, message: 'JSON with single-quoted member names or strings: Dataverse accepts it (its documentation passes entity references so), JSON and the OData grammar want double quotes. Use double quotes.' },
  'dataverse.quoted-number': { severity: 'warning', message: "The parameter '{name}' of {operation} is {type}: Dataverse accepts the number quoted, OData wants it unquoted. Write {value}." },
} satisfies Record<string, DiagnosticDescriptor>;

export type BindingDiagnosticCode = keyof typeof bindingCodes;

/** The parser's codes, with the message used when the parser gives none of its own. */
export const syntaxErrorCodes = {
  'syntax.unexpected-token': { severity: 'error', message: 'Unexpected text at this position.' },
  'syntax.unterminated-string': { severity: 'error', message: "A string literal is missing its closing quote." },
  'syntax.expected-expression': { severity: 'error', message: 'An expression was expected here.' },
  'syntax.expected-closing-paren': { severity: 'error', message: "A closing parenthesis ')' was expected." },
  'syntax.expected-open-paren': { severity: 'error', message: "An opening parenthesis '(' (or a '/' after a type cast) was expected." },
  'syntax.expected-identifier': { severity: 'error', message: 'A name was expected here.' },
  'syntax.expected-equals': { severity: 'error', message: "An '=' and a value were expected after the option name." },
  'syntax.expected-whitespace': { severity: 'error', message: 'Operators must be separated from their operands by whitespace.' },
  'syntax.unexpected-whitespace': { severity: 'error', message: 'Whitespace is not allowed here.' },
  'syntax.expected-literal': { severity: 'error', message: 'A literal value or a parameter alias (@name) was expected.' },
  'syntax.invalid-literal': { severity: 'error', message: 'The literal is not valid for its type.' },
  'syntax.invalid-number': { severity: 'error', message: 'A non-negative integer was expected.' },
  'syntax.invalid-json': { severity: 'error', message: 'Invalid JSON array or object.' },
  'syntax.unknown-system-option': { severity: 'error', message: 'Unknown system query option.' },
  'syntax.duplicate-option': { severity: 'error', message: 'The system query option is given more than once.' },
  'syntax.option-not-allowed': { severity: 'error', message: 'This query option is not allowed here.' },
  'syntax.empty-option': { severity: 'error', message: 'Empty query option (two consecutive "&").' },
  'syntax.empty-key': { severity: 'error', message: 'A key predicate cannot be empty.' },
  'syntax.unencoded-slash': { severity: 'error', message: "A '/' inside a literal in the resource path must be percent-encoded as %2F." },
  'syntax.unexpected-segment': { severity: 'error', message: 'No path segment may follow this one.' },
  'syntax.unknown-segment': { severity: 'error', message: 'Unknown $-segment.' },
  'syntax.expected-segment': { severity: 'error', message: 'A path segment was expected after "/".' },
  'syntax.unexpected-list': { severity: 'error', message: "A parenthesised list is only allowed after 'in'." },
  'syntax.unexpected-fragment': { severity: 'error', message: "A '#' fragment is only allowed after $metadata." },
  'syntax.invalid-character': { severity: 'error', message: 'This character is not allowed here; percent-encode it.' },
  'syntax.invalid-service-root': { severity: 'error', message: 'The service root URL is malformed.' },
  'syntax.expected-lambda': { severity: 'error', message: "A lambda 'variable:expression' was expected." },
  'syntax.invalid-search': { severity: 'error', message: 'Invalid $search expression.' },
  'syntax.expected-alias': { severity: 'error', message: "'as' and an alias name were expected." },
  'syntax.unknown-transformation': { severity: 'error', message: 'Unknown $apply transformation.' },
  'syntax.invalid-aggregate': { severity: 'error', message: 'Invalid aggregate expression.' },
  'syntax.missing-option': { severity: 'error', message: 'A required query option is missing.' },
  'syntax.invalid-header': { severity: 'error', message: 'Invalid header or preference value.' },
  'syntax.too-deep': { severity: 'error', message: 'The expression is nested too deeply.' },
} satisfies Record<string, DiagnosticDescriptor>;

export type SyntaxErrorCode = keyof typeof syntaxErrorCodes;

export type DiagnosticCode = BindingDiagnosticCode | SyntaxErrorCode | FetchXmlCode;

/** Every code the core emits, with its severity and message template. */
// FetchXML's codes are kept with the other FetchXML facts (fetchxml/fetchXmlFacts.ts) and join the one table here.
const codeTable: Readonly<Record<DiagnosticCode, DiagnosticDescriptor>> = { ...bindingCodes, ...syntaxErrorCodes, ...fetchXmlCodes };
export const diagnosticCodes: Readonly<Record<string, DiagnosticDescriptor>> = codeTable;

/** A code of the table (the parser's errors, and the warnings it gives for what the services tolerate). */
export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(codeTable, code);
}

export function isSyntaxErrorCode(code: string): code is SyntaxErrorCode {
  return Object.prototype.hasOwnProperty.call(syntaxErrorCodes, code);
}

export type DiagnosticArgs = Record<string, string | number | undefined>;

/** Fills a template: `{name}` -> args.name; unknown placeholders become empty. */
export function formatMessage(template: string, args: DiagnosticArgs): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = args[key];
    return value === undefined ? '' : String(value);
  });
}

/** A code's severity: the flavour's own when the table gives it one, else the code's. */
export function severityOf(code: string, flavor?: Flavor): Severity {
  const descriptor = diagnosticCodes[code];
  return (flavor && descriptor?.severityByFlavor?.[flavor]) ?? descriptor?.severity ?? 'error';
}

/**
 * Builds a diagnostic from the table: its severity, its message (the template filled from `args`, or `message`
 * when the caller has a more precise one, as the parser often does), a range that never ends before it starts.
 */
export function createDiagnostic(
  code: DiagnosticCode,
  span: Span,
  args: DiagnosticArgs = {},
  suggestions?: string[],
  message?: string,
): ODataDiagnostic {
  const descriptor = codeTable[code];
  const diagnostic: ODataDiagnostic = {
    code,
    severity: descriptor.severity,
    message: message ?? formatMessage(descriptor.message, args),
    span: { start: span.start, end: Math.max(span.start, span.end) },
  };
  if (suggestions && suggestions.length > 0) diagnostic.suggestions = suggestions;
  return diagnostic;
}

type DiagnosticGroup = readonly ODataDiagnostic[];

/** What `collectDiagnostics` may know about where the text is sent. */
export interface CollectOptions {
  /** The flavour of the environment: a code with a severity of its own for it (`severityByFlavor`) gets that one. */
  flavor: Flavor;
}

/**
 * The one way diagnostics of a text are gathered (syntax, binding, flavour rules, the request file's): drops a
 * diagnostic that repeats an earlier one (same code and range), gives each the severity of the environment's flavour
 * when the options name it (see `severityByFlavor`), and sorts the rest (see `compareDiagnostics`).
 */
export function collectDiagnostics(...groups: readonly DiagnosticGroup[]): ODataDiagnostic[];
export function collectDiagnostics(options: CollectOptions, ...groups: readonly DiagnosticGroup[]): ODataDiagnostic[];
export function collectDiagnostics(...args: readonly (CollectOptions | DiagnosticGroup)[]): ODataDiagnostic[] {
  const options = args.length > 0 && !isGroup(args[0]) ? args[0] : undefined;
  const seen = new Set<string>();
  const kept: ODataDiagnostic[] = [];
  for (const group of args) {
    if (!isGroup(group)) continue;
    for (const diagnostic of group) {
      const key = `${diagnostic.code}@${diagnostic.span.start}-${diagnostic.span.end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const severity = (options && diagnosticCodes[diagnostic.code]?.severityByFlavor?.[options.flavor]) ?? diagnostic.severity;
      kept.push(severity === diagnostic.severity ? diagnostic : { ...diagnostic, severity });
    }
  }
  return kept.sort(compareDiagnostics);
}

function isGroup(value: CollectOptions | DiagnosticGroup | undefined): value is DiagnosticGroup {
  return Array.isArray(value);
}

/** Orders diagnostics by start offset, then end offset, then code (stable for tests and the CLI). */
export function compareDiagnostics(a: ODataDiagnostic, b: ODataDiagnostic): number {
  return a.span.start - b.span.start || a.span.end - b.span.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
