/**
 * `dynamics-odata diff OLD NEW [--format text|json|markdown] [--breaking-only]`: what changed between two `$metadata`
 * documents, and what breaks. Exit status: 1 when a breaking change is found, 0 otherwise, 2 on bad usage or input.
 */
import { diffAsMarkdown, diffAsText, diffSchemas, type ModelIndex, type SchemaChange } from './odata/index';

export interface DiffIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const diffUsage = `Usage: dynamics-odata diff OLD NEW [--format text|json|markdown] [--breaking-only]

Compares two $metadata documents (CSDL XML files: two environments, or two versions of one) and lists what
was added, removed or changed: entity sets, singletons, operation imports, entity/complex/enum types,
properties (type, nullability, max length, precision, scale), navigation properties, keys and alternate keys,
enum members and operations. A change is breaking when a query or a client that worked against OLD can fail
against NEW (a removal, a type change, a property that is no longer nullable…). A rename shows as a removal and
an addition.

Options:
  --format NAME     text (the default), json (an array of {change, kind, path, breaking, before?, after?, reason?})
                    or markdown (a table, for pull requests)
  --breaking-only   list only the breaking changes

Exit status: 1 when anything breaking is found, 0 otherwise, 2 on bad usage or unreadable input.
`;

export interface DiffArguments {
  old: string;
  new: string;
  format: 'text' | 'json' | 'markdown';
  breakingOnly: boolean;
}

/** Parses the arguments after `diff`; a string is the usage problem. */
export function parseDiffArguments(args: string[]): DiffArguments | string {
  const files: string[] = [];
  let format: DiffArguments['format'] = 'text';
  let breakingOnly = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--format') {
      const value = inline ?? args[++i];
      if (value !== 'text' && value !== 'json' && value !== 'markdown') return `unknown format '${value ?? ''}'; use text, json or markdown.`;
      format = value;
    } else if (flag === '--breaking-only') breakingOnly = true;
    else if (flag.startsWith('-') && flag !== '-') return `unknown option '${flag}' for diff.`;
    else files.push(arg);
  }
  if (files.length !== 2) return `diff takes two metadata files (OLD NEW), not ${files.length}.`;
  return { old: files[0]!, new: files[1]!, format, breakingOnly };
}

/** Runs `diff`; `load` reads and indexes one metadata file (reporting its own problems), undefined when unusable. */
export function runDiff(argv: string[], io: DiffIo, load: (file: string) => ModelIndex | undefined): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(diffUsage);
    return 0;
  }
  const args = parseDiffArguments(argv);
  if (typeof args === 'string') {
    io.stderr(`dynamics-odata: ${args}\nRun 'dynamics-odata diff --help' for usage.\n`);
    return 2;
  }
  const before = load(args.old);
  const after = load(args.new);
  if (!before || !after) return 2;
  const all = diffSchemas(before, after);
  const changes: SchemaChange[] = args.breakingOnly ? all.filter((c) => c.breaking) : all;
  if (args.format === 'json') io.stdout(`${JSON.stringify(changes, null, 2)}\n`);
  else if (args.format === 'markdown') io.stdout(diffAsMarkdown(changes, `Schema differences: ${args.old} → ${args.new}`));
  else io.stdout(diffAsText(changes));
  return all.some((c) => c.breaking) ? 1 : 0;
}
