/**
 * `dynamics-odata mcp`: the agent tools (server/src/odata/agents) as a Model Context Protocol server over stdio,
 * for any MCP client (VS Code's `.vscode/mcp.json`, Claude Code/Desktop, others). It offers every tool but
 * run_query (which needs the user's sign-in and consent: VS Code only), over metadata files named on the
 * command line or in an environments file. Offline: it reads files and never contacts a service.
 *
 *   dynamics-odata mcp --metadata FILE [--name NAME] [--flavor F] [--url URL] ... [--environments FILE] [--default NAME]
 *
 * The protocol owns stdout; everything else (usage errors, load problems) goes to stderr.
 */
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createModelIndex, detectFlavor, readCsdl, type Flavor } from '../odata/index';
import { FLAVORS, readEnvironmentSettings } from '../protocol/environmentSettings';
import { environmentWanted, fetchXmlCapability, offlineAgentTools, runAgentTool, type AgentEnvironment, type AgentToolContext } from '../odata/agents/index';

export const mcpUsage = `Usage: dynamics-odata mcp --metadata FILE [--name NAME] [--flavor F] [--url URL] ... | --environments FILE [--default NAME]

Serves the agent tools (list_environments, find_metadata, describe, check_query, convert_query) over stdio
with the Model Context Protocol, answering from saved $metadata documents. It sends nothing anywhere.

Options:
  --metadata FILE      a service's $metadata (CSDL XML); repeat for several environments
  --name NAME          the name of the environment of the --metadata before it (default: the file's name)
  --flavor F           dataverse, fno, bc or generic for the --metadata before it (default: detected)
  --url URL            the service root of the --metadata before it (lets check_query read absolute URLs)
  --environments FILE  a JSON file with environments in the shape of the "dynamicsOData.environments"
                       setting (a VS Code settings.json works: comments allowed); an environment's
                       "metadataFile" is relative to that file's folder or absolute (without one, it
                       reports that it has no metadata)
  --default NAME       the environment used when a tool names none (default: the first)
`;

export class McpUsageError extends Error {}

export interface McpEnvironmentSpec {
  name: string;
  /** Absent for an environments-file entry whose metadata VS Code downloads: that environment says so when asked. */
  metadataFile?: string;
  flavor?: Flavor;
  url?: string;
  production?: boolean;
}

export interface McpArguments {
  environments: McpEnvironmentSpec[];
  defaultEnvironment?: string;
}

function parseFlavor(value: string): Flavor {
  if ((FLAVORS as readonly string[]).includes(value)) return value as Flavor;
  throw new McpUsageError(`unknown flavor '${value}'; use one of ${FLAVORS.join(', ')}.`);
}

/** The command line after `mcp`; an environments file is read through `readFile`. */
export function parseMcpArguments(args: readonly string[], readFile: (path: string) => string): McpArguments {
  const environments: McpEnvironmentSpec[] = [];
  let defaultEnvironment: string | undefined;
  let last: McpEnvironmentSpec | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new McpUsageError(`${flag} needs a value.`);
      return v;
    };
    const current = (): McpEnvironmentSpec => {
      if (!last) throw new McpUsageError(`${flag} applies to the --metadata before it; put it after --metadata FILE.`);
      return last;
    };
    if (flag === '--metadata') {
      const file = value();
      last = { name: basename(file, extname(file)), metadataFile: resolve(file) };
      environments.push(last);
    } else if (flag === '--name') current().name = value();
    else if (flag === '--flavor') current().flavor = parseFlavor(value());
    else if (flag === '--url') current().url = value();
    else if (flag === '--environments') {
      const read = readEnvironmentsFile(value(), readFile);
      environments.push(...read.environments);
      defaultEnvironment ??= read.defaultEnvironment;
    } else if (flag === '--default') defaultEnvironment = value();
    else throw new McpUsageError(`unknown option '${arg}'.`);
  }
  if (environments.length === 0) throw new McpUsageError('give at least one --metadata FILE or an --environments FILE.');
  const seen = new Set<string>();
  for (const env of environments) {
    if (seen.has(env.name)) throw new McpUsageError(`two environments are named '${env.name}': give one of them another --name.`);
    seen.add(env.name);
  }
  if (defaultEnvironment !== undefined && !seen.has(defaultEnvironment)) throw new McpUsageError(`--default names '${defaultEnvironment}', which is not one of ${[...seen].join(', ')}.`);
  return { environments, defaultEnvironment };
}

/** JSON with `//` and `/* *\/` comments and trailing commas (as VS Code's settings files are). */
export function parseJsonWithComments(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += ch;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

function readEnvironmentsFile(file: string, readFile: (path: string) => string): McpArguments {
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new McpUsageError(`cannot read the environments file '${file}': ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  let json: unknown;
  try {
    json = parseJsonWithComments(text);
  } catch (error) {
    throw new McpUsageError(`the environments file '${file}' is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const object = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const nested = (object.dynamicsOData ?? {}) as Record<string, unknown>;
  const list = Array.isArray(json) ? json : (object['dynamicsOData.environments'] ?? nested.environments ?? object.environments);
  if (!Array.isArray(list)) throw new McpUsageError(`the environments file '${file}' has no "dynamicsOData.environments" list.`);
  // The same reader as the extension's settings (protocol/environmentSettings.ts): the same shape, the same problems.
  const read = readEnvironmentSettings(list);
  if (read.problems.length > 0) throw new McpUsageError(`the environments file '${file}' has problems:\n  ${read.problems.join('\n  ')}`);
  const folder = dirname(resolve(file));
  const environments: McpEnvironmentSpec[] = read.value.map((env) => ({
    name: env.name,
    ...(env.metadataFile ? { metadataFile: isAbsolute(env.metadataFile) ? env.metadataFile : resolve(folder, env.metadataFile) } : {}),
    ...(env.flavor ? { flavor: env.flavor } : {}),
    url: env.url,
    ...(env.production === true ? { production: true } : {}),
  }));
  const defaultName = object['dynamicsOData.defaultEnvironment'] ?? nested.defaultEnvironment ?? object.defaultEnvironment;
  return { environments, defaultEnvironment: typeof defaultName === 'string' && defaultName !== '' ? defaultName : undefined };
}

/** One environment's metadata read into a model (never throws: a problem is an 'error' environment). */
export function loadEnvironment(spec: McpEnvironmentSpec, readFile: (path: string) => string): AgentEnvironment {
  const base = { name: spec.name, url: spec.url ?? '', production: spec.production === true };
  if (spec.metadataFile === undefined) {
    return { ...base, flavor: spec.flavor ?? 'generic', state: 'error', message: 'it has no "metadataFile" (the MCP server reads saved $metadata only): save the service\'s $metadata and name it in "metadataFile", or pass it with --metadata' };
  }
  let xml: string;
  try {
    xml = readFile(spec.metadataFile);
  } catch (error) {
    return { ...base, flavor: spec.flavor ?? 'generic', state: 'error', message: `the metadata file ${spec.metadataFile} could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  const document = readCsdl(xml);
  const fatal = document.errors.find((error) => error.severity === 'error');
  if (fatal && document.schemas.length === 0) {
    return { ...base, flavor: spec.flavor ?? 'generic', state: 'error', message: `${spec.metadataFile} is not usable $metadata: ${fatal.message}` };
  }
  return {
    ...base,
    flavor: spec.flavor ?? detectFlavor(document),
    state: 'ready',
    model: createModelIndex(document),
    ...(fatal ? { message: `${spec.metadataFile} is damaged (${fatal.message}); what came before it is used` } : {}),
  };
}

/**
 * The tools over a set of environments, each loaded in the background after the server starts (a tool that
 * needs one waits for it).
 */
export class McpTools {
  private readonly loads = new Map<string, Promise<AgentEnvironment>>();
  private readonly settled = new Map<string, AgentEnvironment>();

  constructor(
    private readonly args: McpArguments,
    private readonly readFile: (path: string) => string,
  ) {}

  /** Starts loading every environment, one after another, yielding between them. */
  loadAll(): void {
    for (const spec of this.args.environments) void this.load(spec.name);
  }

  private load(name: string): Promise<AgentEnvironment> | undefined {
    const spec = this.args.environments.find((env) => env.name === name);
    if (!spec) return undefined;
    let load = this.loads.get(name);
    if (!load) {
      const previous = [...this.loads.values()].at(-1) ?? Promise.resolve(undefined);
      load = previous.then(
        () =>
          new Promise<AgentEnvironment>((done) =>
            setImmediate(() => {
              const environment = loadEnvironment(spec, this.readFile);
              this.settled.set(name, environment);
              done(environment);
            }),
          ),
      );
      this.loads.set(name, load);
    }
    return load;
  }

  async run(tool: string, input: unknown): Promise<{ text: string; isError?: boolean }> {
    if (tool === 'list_environments') {
      // Every environment as it is once read (they load at start, one after another), not a passing 'loading'.
      await Promise.all(this.args.environments.map((spec) => this.load(spec.name)));
    } else {
      const wanted = environmentWanted(input, { environments: this.args.environments, defaultEnvironment: this.args.defaultEnvironment });
      if (wanted !== undefined) await this.load(wanted);
    }
    const context: AgentToolContext = {
      environments: this.args.environments.map(
        (spec) => this.settled.get(spec.name) ?? { name: spec.name, flavor: spec.flavor ?? 'generic', url: spec.url ?? '', production: spec.production === true, state: 'loading' },
      ),
      defaultEnvironment: this.args.defaultEnvironment,
      fetchXml: fetchXmlCapability,
    };
    if (!offlineAgentTools.some((definition) => definition.name === tool)) {
      return { text: `There is no tool "${tool}" here; the tools are ${offlineAgentTools.map((t) => t.name).join(', ')}.${tool === 'run_query' ? ' run_query runs only inside VS Code.' : ''}`, isError: true };
    }
    return runAgentTool(tool, input, context);
  }
}

/** Serves the tools over stdio until the client closes the connection. */
export async function serveMcp(args: McpArguments, version: string, readFile: (path: string) => string): Promise<void> {
  const tools = new McpTools(args, readFile);
  const server = new McpServer({ name: 'dynamics-odata', version }, { capabilities: { tools: {} }, instructions: serverInstructions(args) });
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: offlineAgentTools.map((tool) => ({ name: tool.name, title: tool.title, description: tool.description, inputSchema: tool.inputSchema, annotations: { readOnlyHint: true, openWorldHint: false } })),
  }));
  // When the client closes stdin, the answers still being worked on are sent before the server stops.
  let pending = 0;
  let ending = false;
  const closeWhenIdle = (): void => {
    if (ending && pending === 0) void server.close();
  };
  server.server.setRequestHandler(CallToolRequestSchema, async (request) => {
    pending++;
    try {
      const answer = await tools.run(request.params.name, request.params.arguments ?? {});
      return { content: [{ type: 'text' as const, text: answer.text }], ...(answer.isError ? { isError: true } : {}) };
    } finally {
      pending--;
      setImmediate(closeWhenIdle);
    }
  });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((done) => {
    transport.onclose = () => done();
    process.stdin.once('end', () => {
      ending = true;
      setImmediate(closeWhenIdle);
    });
  });
  await server.connect(transport);
  tools.loadAll();
  await closed;
}

function serverInstructions(args: McpArguments): string {
  const names = args.environments.map((env) => env.name).join(', ');
  return `Ground truth about Microsoft Dynamics 365 / OData services (${names}): find and describe entity sets, columns, relationships and operations from each environment's real $metadata, and check OData queries before proposing them. Never guess a column name: find_metadata, then describe, then check_query until it says "No problems".`;
}
