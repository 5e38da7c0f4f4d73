/**
 * `dynamics-odata check`: validates the OData URLs of `.odata` files against a `$metadata` document,
 * for CI. Exit status: 0 clean (warnings allowed), 1 errors found, 2 bad usage or unreadable input.
 *
 *   dynamics-odata check --metadata metadata.xml [--flavor dataverse|fno|bc|generic] [--format text|json] [--strict] FILE...
 *
 * `main(argv, io)` runs in-process for tests; bundled to dist/cli.js (CommonJS) it runs itself.
 */
import { readFileSync } from 'node:fs';
import packageJson from '../../package.json';
import {
  checkFetchXmlDocument,
  checkFetchXmlInRequests,
  convertQuery,
  checkRequestFile,
  createModelIndex,
  detectFlavor,
  LineIndex,
  parseRequestFile,
  readCsdl,
  type CsdlDocument,
  type Flavor,
  type ModelIndex,
  type ODataDiagnostic,
  mergeEnvironmentDiagnostics,
} from './odata/index';
import { mcpUsage, McpUsageError, parseMcpArguments, serveMcp, type McpArguments } from './mcp/mcpServer';
import { FLAVORS } from './protocol/environmentSettings';
import { runDiff } from './cliDiff';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads a file as UTF-8; throws like fs.readFileSync when it cannot. */
  readFile(path: string): string;
}

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: (path) => readFileSync(path, 'utf8'),
};

const flavors: readonly Flavor[] = FLAVORS;

const usage = `Usage: dynamics-odata check --metadata [NAME=]FILE... [--flavor dataverse|fno|bc|generic] [--format text|json] [--strict] FILE...

Checks every request URL in the given .odata files against a $metadata document.
Requests are separated by ### lines (a file of bare URL lines works too: one request a line);
a request line is an optional method and the URL, which may continue on indented ?/& lines.
Comments start with # or //; @name = value defines a variable used as {{name}}.

Options:
  --metadata FILE   the service's $metadata (CSDL XML), e.g. saved from <service root>/$metadata;
                    repeat it (as NAME=FILE to name each environment) to check against several
                    environments at once: each problem says where it fails ("valid in dev; in prod: …")
  --flavor NAME     dataverse, fno (Finance & Operations), bc (Business Central) or generic;
                    default: detected from the metadata's namespaces
  --format NAME     text (file:line:col severity code message, the default) or json
  --strict          the pure OASIS OData grammar: what the service tolerates beyond it (a space
                    around '=', a trailing comma or '/', single-quoted JSON, '+' for a space …)
                    is an error; by default it is a warning, or nothing where the service writes it so
  -h, --help        show this help
  -v, --version     show the version

Exit status: 0 no errors (warnings and infos allowed), 1 errors found, 2 bad usage or unreadable input.

       dynamics-odata diff OLD NEW [--format text|json|markdown] [--breaking-only]

Compares two $metadata documents; 'dynamics-odata diff --help' says more.
`;

export interface CheckArguments {
  /** Each `--metadata`: a file, or `NAME=FILE` to name the environment (several: every file is checked against each). */
  metadata: string[];
  flavor?: Flavor;
  format: 'text' | 'json';
  files: string[];
  /** `--strict`: the pure OASIS grammar. */
  strict?: boolean;
}

class UsageError extends Error {}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    if (argv[0] === 'mcp') return await runMcp(argv.slice(1), io);
    return runCommand(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`dynamics-odata: ${error.message}\nRun 'dynamics-odata --help' for usage.\n`);
      return 2;
    }
    io.stderr(`dynamics-odata: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

function runCommand(argv: string[], io: CliIo): number {
  // Subcommands with their own --help.
  if (argv[0] === 'diff') return runDiff(argv.slice(1), io, (file) => loadMetadata(file, io)?.model);
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    (argv.length === 0 ? io.stderr : io.stdout)(usage + convertUsage);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    io.stdout(`${packageJson.version}\n`);
    return 0;
  }
  const [command, ...rest] = argv;
  if (command === 'convert') return runConvert(rest, io);
  if (command !== 'check') throw new UsageError(`unknown command '${command}'; the commands are check, convert, diff and mcp.`);
  return runCheck(parseCheckArguments(rest), io);
}

/**
 * Walks the arguments: `--flag value`, `--flag=value` and plain ones. `value()` takes the flag's value (the inline
 * one, else the next argument), a usage error when there is none.
 */
function walkArguments(args: string[], visit: (flag: string, value: () => string, arg: string, inline: string | undefined) => void): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    visit(flag, () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value.`);
      return v;
    }, arg, inline);
  }
}

export function parseCheckArguments(args: string[]): CheckArguments {
  const result: Partial<CheckArguments> & { files: string[]; metadata: string[] } = { files: [], format: 'text', metadata: [] };
  walkArguments(args, (flag, value, arg, inline) => {
    if (flag === '--metadata') result.metadata.push(value());
    else if (flag === '--flavor') result.flavor = parseFlavor(value());
    else if (flag === '--format') result.format = parseFormat(value());
    else if (flag === '--strict' && inline === undefined) result.strict = true;
    else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown option '${flag}'.`);
    else result.files.push(arg);
  });
  if (result.metadata.length === 0) throw new UsageError('--metadata FILE is required (the service $metadata document).');
  if (result.files.length === 0) throw new UsageError('no .odata file given to check.');
  return result as CheckArguments;
}

function parseFlavor(value: string): Flavor {
  if ((flavors as readonly string[]).includes(value)) return value as Flavor;
  throw new UsageError(`unknown flavor '${value}'; use one of ${flavors.join(', ')}.`);
}

function parseFormat(value: string): 'text' | 'json' {
  if (value === 'text' || value === 'json') return value;
  throw new UsageError(`unknown format '${value}'; use text or json.`);
}

// ---------------------------------------------------------------------------------------------------------
// check
// ---------------------------------------------------------------------------------------------------------

export interface FileDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  /** With several --metadata: the environments where this problem appears. */
  environments?: string[];
}

function runCheck(args: CheckArguments, io: CliIo): number {
  const environments: CheckEnvironment[] = [];
  for (const [i, spec] of args.metadata.entries()) {
    const { name, file } = environmentSpec(spec, i);
    if (environments.some((e) => e.name === name)) throw new UsageError(`two --metadata share the name '${name}'; name them NAME=FILE.`);
    const loaded = loadMetadata(file, io);
    if (!loaded) return 2;
    environments.push({ name, model: loaded.model, flavor: args.flavor ?? detectFlavor(loaded.document) });
  }
  const several = environments.length > 1;
  const results: FileDiagnostic[] = [];
  let unreadable = false;
  let urlCount = 0;
  for (const file of args.files) {
    const text = readInput(file, io);
    if (text === undefined) {
      unreadable = true;
      continue;
    }
    const checked = checkFile(file, text, environments, args.strict === true);
    urlCount += checked.requests;
    results.push(...checked.diagnostics);
  }
  if (args.format === 'json') io.stdout(`${JSON.stringify(results, null, 2)}\n`);
  else for (const d of results) io.stdout(`${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}\n`);
  const errors = results.filter((d) => d.severity === 'error').length;
  const flavors = [...new Set(environments.map((e) => e.flavor))].join(', ');
  if (args.format === 'text') io.stderr(summary(results, errors, urlCount, args.files.length, flavors, several ? environments.map((e) => e.name) : undefined));
  if (unreadable) return 2;
  return errors > 0 ? 1 : 0;
}

interface CheckEnvironment {
  name: string;
  model: ModelIndex;
  flavor: Flavor;
}

/** `NAME=FILE`, or a file named after its base name (`prod.xml` → `prod`; the second unnamed one gets its index). */
function environmentSpec(spec: string, index: number): { name: string; file: string } {
  const named = /^([A-Za-z0-9][\w.-]*)=(.+)$/.exec(spec);
  if (named) return { name: named[1]!, file: named[2]! };
  const base = spec.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return { name: base || `metadata${index + 1}`, file: spec };
}

function summary(results: FileDiagnostic[], errors: number, urls: number, files: number, flavor: string, environments?: string[]): string {
  const warnings = results.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(urls, 'request')} of ${plural(files, 'file')} (${environments ? `environments: ${environments.join(', ')}; ` : ''}flavor: ${flavor}).\n`;
}

function readInput(file: string, io: CliIo): string | undefined {
  try {
    return io.readFile(file);
  } catch (error) {
    io.stderr(`dynamics-odata: cannot read '${file}': ${reasonOf(error)}. Check that the file exists and is readable.\n`);
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}

interface LoadedMetadata {
  document: CsdlDocument;
  model: ModelIndex;
}

function loadMetadata(file: string, io: CliIo): LoadedMetadata | undefined {
  let xml: string;
  try {
    xml = io.readFile(file);
  } catch (error) {
    io.stderr(`dynamics-odata: cannot read the metadata file '${file}': ${reasonOf(error)}. Pass the service's $metadata document saved as XML with --metadata.\n`);
    return undefined;
  }
  const document = readCsdl(xml);
  for (const error of document.errors) {
    const where = error.position ? `${file}:${error.position.line}:${error.position.column}` : file;
    io.stderr(`${where} ${error.severity} ${error.code} ${error.message}\n`);
  }
  if (!isUsable(document)) {
    io.stderr(`dynamics-odata: '${file}' holds no usable CSDL (no schema with an entity container or types). Save the service's $metadata (e.g. <service root>/$metadata) and pass it with --metadata.\n`);
    return undefined;
  }
  return { document, model: createModelIndex(document) };
}

function isUsable(document: CsdlDocument): boolean {
  return document.schemas.some((s) => s.entityContainer !== undefined || s.entityTypes.length > 0 || s.complexTypes.length > 0);
}

function checkFile(file: string, text: string, environments: CheckEnvironment[], strict: boolean): { diagnostics: FileDiagnostic[]; requests: number } {
  const lines = new LineIndex(text);
  if (isFetchXmlFile(file)) {
    const perEnvironment = environments.map((env) => ({ environment: env.name, diagnostics: checkFetchXmlDocument(text, env.model) }));
    return { diagnostics: fileDiagnostics(file, lines, perEnvironment), requests: 1 };
  }
  const requestFile = parseRequestFile(text);
  const perEnvironment = environments.map((env) => ({
    environment: env.name,
    diagnostics: [...checkRequestFile(requestFile, env.model, { flavor: env.flavor, strict }), ...checkFetchXmlInRequests(requestFile, env.model)].sort(
      (a, b) => a.span.start - b.span.start || a.span.end - b.span.end,
    ),
  }));
  return { diagnostics: fileDiagnostics(file, lines, perEnvironment), requests: requestFile.requests.length };
}

/** One environment: its diagnostics as they are; several: merged, each saying where it appears. */
function fileDiagnostics(file: string, lines: LineIndex, perEnvironment: { environment: string; diagnostics: ODataDiagnostic[] }[]): FileDiagnostic[] {
  if (perEnvironment.length === 1) return perEnvironment[0]!.diagnostics.map((d) => toFileDiagnostic(file, lines, d));
  return mergeEnvironmentDiagnostics(perEnvironment).map((d) => ({ ...toFileDiagnostic(file, lines, d), environments: d.environments }));
}

function toFileDiagnostic(file: string, lines: LineIndex, diagnostic: ODataDiagnostic): FileDiagnostic {
  const start = lines.positionAt(diagnostic.span.start);
  const end = lines.positionAt(Math.max(diagnostic.span.end, diagnostic.span.start));
  return {
    file,
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    severity: diagnostic.severity,
    code: diagnostic.code,
    message: diagnostic.message,
  };
}

// ---------------------------------------------------------------------------------------------------------
// FetchXML: `check` of .fetchxml files, and `convert`
// ---------------------------------------------------------------------------------------------------------

const convertUsage = `
       dynamics-odata convert --metadata FILE --to fetchxml|odata INPUT

Checks .fetchxml files too (codes prefixed fetchxml.), and the FetchXML of fetchXml= requests in .odata files.
convert turns an OData query into FetchXML or a FetchXML query into OData, against the metadata. INPUT is a file
(.fetchxml, .odata: each request) or the query itself. The result goes to stdout; when a part cannot be expressed
in the other language, the reasons go to stderr and the exit status is 1.
`;

function isFetchXmlFile(file: string): boolean {
  return /\.fetchxml$/i.test(file);
}


function runConvert(args: string[], io: CliIo): number {
  let metadata: string | undefined;
  let to: 'fetchxml' | 'odata' | undefined;
  const inputs: string[] = [];
  walkArguments(args, (flag, value, arg) => {
    if (flag === '--metadata') metadata = value();
    else if (flag === '--to') {
      const v = value();
      if (v !== 'fetchxml' && v !== 'odata') throw new UsageError(`--to takes fetchxml or odata, not '${v}'.`);
      to = v;
    } else if (flag.startsWith('--')) throw new UsageError(`unknown option '${flag}'.`);
    else inputs.push(arg);
  });
  if (!metadata) throw new UsageError('--metadata FILE is required (the service $metadata document).');
  if (!to) throw new UsageError('--to fetchxml|odata is required.');
  if (inputs.length !== 1) throw new UsageError('convert takes one INPUT: a file or a query (quote it in the shell).');
  const loaded = loadMetadata(metadata, io);
  if (!loaded) return 2;
  const input = inputs[0]!;
  let text = input;
  const looksLikeFile = /\.(fetchxml|odata|xml|txt)$/i.test(input) && !input.includes('?') && !input.trim().startsWith('<');
  if (looksLikeFile) {
    const read = readInput(input, io);
    if (read === undefined) return 2;
    text = read;
  }
  const queries: { name: string; text: string }[] = [];
  if (text.trim().startsWith('<')) queries.push({ name: '', text: text.replace(/<!--[\s\S]*?-->/g, '').trim() });
  else {
    const requests = parseRequestFile(text).requests.filter((r) => r.url.trim() !== '');
    if (requests.length === 0) throw new UsageError('the input holds no query.');
    requests.forEach((r, i) => queries.push({ name: r.name ?? `request ${i + 1}`, text: r.url }));
  }
  let failed = false;
  for (const query of queries) {
    const result = convertQuery({ model: loaded.model, input: query.text, to });
    const label = queries.length > 1 ? `### ${query.name}\n` : '';
    if (result.ok) io.stdout(`${label}${result.text}\n`);
    else {
      failed = true;
      io.stderr(`dynamics-odata: ${queries.length > 1 ? `${query.name}: ` : ''}cannot convert to ${to === 'odata' ? 'OData' : 'FetchXML'}:\n${result.problems.map((p) => `  - ${p}\n`).join('')}`);
    }
  }
  return failed ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// mcp: the agent tools as an MCP server over stdio (server/src/mcp/mcpServer.ts)
// ---------------------------------------------------------------------------------------------------------

async function runMcp(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(mcpUsage);
    return 0;
  }
  let parsed: McpArguments;
  try {
    parsed = parseMcpArguments(args, io.readFile);
  } catch (error) {
    if (!(error instanceof McpUsageError)) throw error;
    io.stderr(`dynamics-odata mcp: ${error.message}\n\n${mcpUsage}`);
    return 2;
  }
  await serveMcp(parsed, packageJson.version, io.readFile);
  return 0;
}

// The executable: `node dist/cli.js …` (CommonJS bundle) or `node --import tsx server/src/cli.ts …`.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
