/**
 * Diagnostics of the OData core: stable codes, severities and message templates.
 * Codes never change meaning once released; tests and the CLI's JSON output rely on them.
 *
 * Templates use `{name}` placeholders filled by `createDiagnostic(code, span, args)`.
 * Syntax errors come from the parser (codes prefixed `syntax.`); they keep the parser's own message
 * and are registered here with `registerDiagnosticCodes()` so the table stays the one place to look.
 */
import type { Span } from './uri/ast';

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
  'metadata.unreadable': { severity: 'error', message: '{detail}' },
  'metadata.damaged': { severity: 'warning', message: '{detail}' },
  // --- guard ---------------------------------------------------------------------------------------------
  'internal-error': { severity: 'error', message: 'Internal error while checking this URL ({detail}). Please report it with the URL.' },
} satisfies Record<string, DiagnosticDescriptor>;

export type BindingDiagnosticCode = keyof typeof bindingCodes;

/** The parser's codes, with the message used when the parser gives none of its own. */
export const syntaxErrorCodes = {
  'syntax.unexpected-token': 'Unexpected text at this position.',
  'syntax.unterminated-string': "A string literal is missing its closing quote.",
  'syntax.expected-expression': 'An expression was expected here.',
  'syntax.expected-closing-paren': "A closing parenthesis ')' was expected.",
  'syntax.expected-open-paren': "An opening parenthesis '(' (or a '/' after a type cast) was expected.",
  'syntax.expected-identifier': 'A name was expected here.',
  'syntax.expected-equals': "An '=' and a value were expected after the option name.",
  'syntax.expected-whitespace': 'Operators must be separated from their operands by whitespace.',
  'syntax.unexpected-whitespace': 'Whitespace is not allowed here.',
  'syntax.expected-literal': 'A literal value or a parameter alias (@name) was expected.',
  'syntax.invalid-literal': 'The literal is not valid for its type.',
  'syntax.invalid-number': 'A non-negative integer was expected.',
  'syntax.invalid-json': 'Invalid JSON array or object.',
  'syntax.unknown-system-option': 'Unknown system query option.',
  'syntax.duplicate-option': 'The system query option is given more than once.',
  'syntax.option-not-allowed': 'This query option is not allowed here.',
  'syntax.empty-option': 'Empty query option (two consecutive "&").',
  'syntax.empty-key': 'A key predicate cannot be empty.',
  'syntax.unencoded-slash': "A '/' inside a literal in the resource path must be percent-encoded as %2F.",
  'syntax.unexpected-segment': 'No path segment may follow this one.',
  'syntax.unknown-segment': 'Unknown $-segment.',
  'syntax.expected-segment': 'A path segment was expected after "/".',
  'syntax.unexpected-list': "A parenthesised list is only allowed after 'in'.",
  'syntax.unexpected-fragment': "A '#' fragment is only allowed after $metadata.",
  'syntax.invalid-character': 'This character is not allowed here; percent-encode it.',
  'syntax.invalid-service-root': 'The service root URL is malformed.',
  'syntax.expected-lambda': "A lambda 'variable:expression' was expected.",
  'syntax.invalid-search': 'Invalid $search expression.',
  'syntax.expected-alias': "'as' and an alias name were expected.",
  'syntax.unknown-transformation': 'Unknown $apply transformation.',
  'syntax.invalid-aggregate': 'Invalid aggregate expression.',
  'syntax.missing-option': 'A required query option is missing.',
  'syntax.invalid-header': 'Invalid header or preference value.',
  'syntax.too-deep': 'The expression is nested too deeply.',
} as const;

export type SyntaxErrorCode = keyof typeof syntaxErrorCodes;

/** Every code the core emits, with its severity and message template. */
export const diagnosticCodes: Record<string, DiagnosticDescriptor> = { ...bindingCodes };

/**
 * Adds codes defined elsewhere (the parser's `syntax.*` codes). Accepts a table of descriptors, of
 * message strings, or a list of code names; existing entries are kept.
 */
export function registerDiagnosticCodes(table: unknown): void {
  if (Array.isArray(table)) {
    for (const code of table) if (typeof code === 'string') addCode(code, { severity: 'error', message: '{message}' });
    return;
  }
  if (!table || typeof table !== 'object') return;
  for (const [code, value] of Object.entries(table as Record<string, unknown>)) {
    if (typeof value === 'string') addCode(code, { severity: 'error', message: value });
    else if (value && typeof value === 'object') addCode(code, toDescriptor(value as Record<string, unknown>));
  }
}

function addCode(code: string, descriptor: DiagnosticDescriptor): void {
  if (!(code in diagnosticCodes)) diagnosticCodes[code] = descriptor;
}

function toDescriptor(value: Record<string, unknown>): DiagnosticDescriptor {
  const severity = value.severity === 'warning' || value.severity === 'info' ? value.severity : 'error';
  const message = typeof value.message === 'string' ? value.message : '{message}';
  return { severity, message };
}

export type DiagnosticArgs = Record<string, string | number | undefined>;

/** Fills a template: `{name}` -> args.name; unknown placeholders become empty. */
export function formatMessage(template: string, args: DiagnosticArgs): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = args[key];
    return value === undefined ? '' : String(value);
  });
}

export function severityOf(code: string): Severity {
  return diagnosticCodes[code]?.severity ?? 'error';
}

/** Builds a diagnostic from the table; the message may be extended with a did-you-mean sentence. */
export function createDiagnostic(
  code: BindingDiagnosticCode,
  span: Span,
  args: DiagnosticArgs = {},
  suggestions?: string[],
): ODataDiagnostic {
  const descriptor = diagnosticCodes[code] ?? { severity: 'error', message: code };
  const diagnostic: ODataDiagnostic = {
    code,
    severity: descriptor.severity,
    message: formatMessage(descriptor.message, args),
    span: { start: span.start, end: span.end },
  };
  if (suggestions && suggestions.length > 0) diagnostic.suggestions = suggestions;
  return diagnostic;
}

/** Orders diagnostics by start offset, then end offset, then code (stable for tests and the CLI). */
export function compareDiagnostics(a: ODataDiagnostic, b: ODataDiagnostic): number {
  return a.span.start - b.span.start || a.span.end - b.span.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
