/**
 * One request file checked against several environments at once: a diagnostic that appears in some environments
 * and not in others is a query that works in one and breaks in another (schema drift). Pure.
 */
import type { ODataDiagnostic } from '../diagnosticCodes';

export interface EnvironmentDiagnostics {
  /** The environment's name, as the user knows it. */
  environment: string;
  diagnostics: readonly ODataDiagnostic[];
}

export interface MultiEnvironmentDiagnostic extends ODataDiagnostic {
  /** The environments where this diagnostic appears, in the order they were given. */
  environments: string[];
  /** Every environment checked, so a reader knows where it holds. */
  checked: string[];
}

/**
 * Merges per-environment diagnostics: one entry per (range, code), listing the environments where it appears.
 * When it does not appear everywhere, the message says so: "valid in dev; in prod: Unknown property 'x'…".
 */
export function mergeEnvironmentDiagnostics(results: readonly EnvironmentDiagnostics[]): MultiEnvironmentDiagnostic[] {
  const checked = results.map((r) => r.environment);
  const merged = new Map<string, { first: ODataDiagnostic; byEnvironment: Map<string, ODataDiagnostic> }>();
  for (const { environment, diagnostics } of results) {
    for (const d of diagnostics) {
      const key = `${d.span.start}:${d.span.end}:${d.code}`;
      let entry = merged.get(key);
      if (!entry) merged.set(key, (entry = { first: d, byEnvironment: new Map() }));
      if (!entry.byEnvironment.has(environment)) entry.byEnvironment.set(environment, d);
    }
  }
  const out: MultiEnvironmentDiagnostic[] = [];
  for (const { first, byEnvironment } of merged.values()) {
    const environments = checked.filter((name) => byEnvironment.has(name));
    const valid = checked.filter((name) => !byEnvironment.has(name));
    const messages = new Set([...byEnvironment.values()].map((d) => d.message));
    let message: string;
    if (valid.length === 0 && messages.size === 1) message = first.message;
    else {
      const parts = environments.map((name) => `in ${name}: ${byEnvironment.get(name)!.message}`);
      // The same message in several environments is said once for all of them.
      const grouped = messages.size === 1 ? [`in ${environments.join(', ')}: ${first.message}`] : parts;
      message = `${valid.length ? `valid in ${valid.join(', ')}; ` : ''}${grouped.join('; ')}`;
    }
    const suggestions = byEnvironment.get(environments[0]!)?.suggestions;
    out.push({ ...first, message, environments, checked, ...(suggestions ? { suggestions } : {}) });
  }
  return out.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
