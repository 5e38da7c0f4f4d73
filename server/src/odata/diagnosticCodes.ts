/**
 * Diagnostics of the OData core: stable codes, severities and message templates.
 * Codes never change meaning once released; tests and the CLI's JSON output rely on them.
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
