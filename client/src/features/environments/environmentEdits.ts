/**
 * Edits to the list of environments in settings: rename, remove, change a field. Pure: takes the list as
 * stored in one settings scope and returns the new list, or a message saying why the edit is refused.
 */
export interface StoredEnvironment {
  name: string;
  url: string;
  [field: string]: unknown;
}

export type EditResult<T> = { ok: true; environments: T[] } | { ok: false; message: string };

const NAME = /^[A-Za-z0-9._-]+$/;

/** Why a name cannot be used (empty, characters `@environment = name` cannot carry, taken), or undefined. */
export function nameProblem(name: string, taken: Iterable<string>): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a name.';
  if (!NAME.test(trimmed)) return 'Use letters, digits, ".", "-" and "_" only (the name is written in "@environment = name" lines).';
  for (const other of taken) if (other === trimmed) return `An environment named '${trimmed}' exists already: choose another name.`;
  return undefined;
}

export function renameEnvironment<T extends StoredEnvironment>(list: readonly T[], from: string, to: string, allNames: Iterable<string>): EditResult<T> {
  if (!list.some((env) => env.name === from)) return { ok: false, message: `No environment named '${from}' in these settings.` };
  const problem = nameProblem(to, [...allNames].filter((name) => name !== from));
  if (problem) return { ok: false, message: problem };
  return { ok: true, environments: list.map((env) => (env.name === from ? { ...env, name: to.trim() } : env)) };
}

export function removeEnvironment<T extends StoredEnvironment>(list: readonly T[], name: string): EditResult<T> {
  if (!list.some((env) => env.name === name)) return { ok: false, message: `No environment named '${name}' in these settings.` };
  return { ok: true, environments: list.filter((env) => env.name !== name) };
}

export function updateEnvironment<T extends StoredEnvironment>(list: readonly T[], name: string, changes: Partial<T>): EditResult<T> {
  if (!list.some((env) => env.name === name)) return { ok: false, message: `No environment named '${name}' in these settings.` };
  return {
    ok: true,
    environments: list.map((env) => {
      if (env.name !== name) return env;
      const next: T = { ...env, ...changes };
      // A field set to undefined is removed, so settings.json stays clean.
      for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
      return next;
    }),
  };
}

/** Rewrites `@environment = from` lines of an `.odata` file to the new name; undefined when there is none. */
export function renameInRequestFile(text: string, from: string, to: string): string | undefined {
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^(\\s*@environment\\s*=\\s*)${escaped}(\\s*)$`, 'gm');
  const next = text.replace(pattern, `$1${to}$2`);
  return next === text ? undefined : next;
}
