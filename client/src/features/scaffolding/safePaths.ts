/**
 * Names that become paths (issue 12, item 9). Scaffolding turns names into files: names typed in the wizard, and
 * names read back from an existing folder's XML (a repository someone else wrote). Every segment is checked, and
 * the resolved path must stay inside the target folder. Pure (node:path only).
 */
import * as path from 'node:path';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_SEGMENT = 255;

/** Why a name cannot be one segment of a path (a file or folder name), or undefined when it can. */
export function pathSegmentProblem(name: string): string | undefined {
  if (name.length === 0) return 'an empty name';
  if (name === '.' || name === '..') return `'${name}' (it names a folder outside)`;
  if (/[\\/]/.test(name)) return `'${name}' contains a path separator`;
  if (CONTROL.test(name)) return `'${escapeControl(name)}' contains a control character`;
  if (/[:*?"<>|]/.test(name)) return `'${name}' contains a character that is not allowed in file names (: * ? " < > |)`;
  if (/[. ]$/.test(name)) return `'${name}' ends with a dot or a space`;
  if (WINDOWS_RESERVED.test(name)) return `'${name}' is a reserved device name on Windows`;
  if (name.length > MAX_SEGMENT) return `a name of ${name.length} characters (at most ${MAX_SEGMENT})`;
  return undefined;
}

function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export type InsideResult = { ok: true; path: string } | { ok: false; message: string };

/**
 * The absolute path of `relative` (segments joined by `/`) under `root`, or why it may not be written: a bad segment,
 * or a result outside `root`.
 */
export function resolveInside(root: string, relative: string): InsideResult {
  const segments = relative.split('/');
  for (const segment of segments) {
    const problem = pathSegmentProblem(segment);
    if (problem) return { ok: false, message: `Not written: the path '${relative}' has ${problem}. Fix the name in the files it was read from (or in the wizard) and try again.` };
  }
  const base = path.resolve(root);
  const resolved = path.resolve(base, ...segments);
  const fromRoot = path.relative(base, resolved);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) {
    return { ok: false, message: `Not written: '${relative}' resolves outside the folder ${base}.` };
  }
  return { ok: true, path: resolved };
}

/** Every file's absolute path under `root`, or the first problem (nothing is written when any path is refused). */
export function resolveAllInside(root: string, relativePaths: readonly string[]): { ok: true; paths: string[] } | { ok: false; message: string } {
  const paths: string[] = [];
  for (const relative of relativePaths) {
    const result = resolveInside(root, relative);
    if (!result.ok) return result;
    paths.push(result.path);
  }
  return { ok: true, paths };
}
