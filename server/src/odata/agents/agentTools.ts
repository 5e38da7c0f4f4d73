/**
 * The agent tools: one implementation, two doors (VS Code's language model tools through the language server,
 * and `dynamics-odata mcp`). Each tool is a pure function of its input and an AgentToolContext, and answers
 * text sized for a model's context; bad input is an answer (`isError`), never an exception.
 *
 * `run_query` is defined here (its description and schema) but runs in the VS Code client, which sends what
 * `planReadOnlyQuery` allows through the request runner.
 */
import type { AgentEnvironment, AgentToolContext } from './agentContext';
import { environmentWanted } from './agentContext';
import { errorAnswer, oneLine, plural, sizedAnswer, type AgentAnswer } from './answerText';
import { checkQuery, convertQuery, detectLanguage, type QueryLanguage } from './checkQuery';
import { describeElement } from './describeMetadata';
import { findMetadata, metadataKinds, type MetadataKind } from './findMetadata';

export type AgentToolName = 'list_environments' | 'find_metadata' | 'describe' | 'check_query' | 'convert_query' | 'run_query';

/** A JSON Schema (the subset the tools use). */
export interface JsonSchema {
  type: 'object' | 'string' | 'integer' | 'array';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  additionalProperties?: boolean;
}

export interface AgentToolDefinition {
  name: AgentToolName;
  /** A short title for people (VS Code shows it). */
  title: string;
  /** For the model: what the tool does and when to use it. */
  description: string;
  inputSchema: JsonSchema;
}

const environmentProperty: JsonSchema = {
  type: 'string',
  description: 'The environment name from list_environments. Default: the default environment.',
};
const queryText = (what: string): JsonSchema => ({ type: 'string', description: what });

export const DEFAULT_FIND_LIMIT = 15;
export const MAX_FIND_LIMIT = 50;
export const DEFAULT_RUN_ROWS = 20;
export const MAX_RUN_ROWS = 100;

export const agentToolDefinitions: readonly AgentToolDefinition[] = [
  {
    name: 'list_environments',
    title: 'List Dynamics environments',
    description:
      'Lists the Dynamics 365 / OData environments known here: name, flavour (dataverse, fno = Finance & Operations, bc = Business Central, generic), service root URL, whether its $metadata is loaded, and whether it is production. Call it first when you do not know which environment to use; the other tools take its name as "environment".',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  },
  {
    name: 'find_metadata',
    title: 'Find in Dynamics metadata',
    description:
      'Searches an environment\'s real $metadata for entity sets (tables), entity types, properties (columns), navigation properties (relationships and lookups), actions/functions and enum types, by name, description or plain words ("primary contact" finds primarycontactid). Use it before writing a query instead of guessing table or column names. Answers ranked, compact lines.',
    inputSchema: {
      type: 'object',
      properties: {
        environment: environmentProperty,
        query: queryText('Words or a partial name, e.g. "primary contact", "revenue", "invoice line".'),
        kinds: { type: 'array', description: 'Only these kinds of element.', items: { type: 'string', enum: [...metadataKinds] } },
        within: { type: 'string', description: 'Only the members (properties, navigation properties) of this entity set or entity type, e.g. "accounts".' },
        limit: { type: 'integer', minimum: 1, maximum: MAX_FIND_LIMIT, description: `How many matches to return (default ${DEFAULT_FIND_LIMIT}).` },
      },
      required: ['query'],
      additionalProperties: false,
    },
  },
  {
    name: 'describe',
    title: 'Describe Dynamics metadata',
    description:
      'Describes one metadata element exactly: an entity set or entity type (key, alternate keys, properties with types and facets, lookups with their navigation properties and target entity sets, collections, bound actions/functions), one property ("accounts/name"), or an action/function with its parameters and return type. Use it after find_metadata to get exact names and types before writing $select, $filter or $expand.',
    inputSchema: {
      type: 'object',
      properties: {
        environment: environmentProperty,
        name: queryText('An entity set ("accounts"), entity type ("account" or "Microsoft.Dynamics.CRM.account"), action or function name, or "set/property".'),
        member: { type: 'string', description: 'A property or navigation property of that entity set or type, to describe only it.' },
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
  {
    name: 'check_query',
    title: 'Check an OData query',
    description:
      'Checks a query against the environment\'s metadata and the OData rules of its flavour: a URL relative to the service root ("accounts?$select=name&$filter=revenue gt 1000"), an absolute URL, or an .odata request ("GET accounts?$top=5" with headers); FetchXML too when available. Returns every problem with line and column, did-you-mean names, and a corrected query when one is known. Call it before running or proposing any query, and again after each fix, until it answers "No problems".',
    inputSchema: {
      type: 'object',
      properties: {
        environment: environmentProperty,
        query: queryText('The query: a URL, an .odata request, or FetchXML.'),
        language: { type: 'string', enum: ['odata', 'fetchxml'], description: 'Default: detected (FetchXML starts with <fetch).' },
      },
      required: ['query'],
      additionalProperties: false,
    },
  },
  {
    name: 'convert_query',
    title: 'Convert between OData and FetchXML',
    description:
      'Converts a Dataverse query between OData and FetchXML using the environment\'s metadata (logical names, lookups, relationships). Give a single GET query or a <fetch> document and the language to convert to.',
    inputSchema: {
      type: 'object',
      properties: {
        environment: environmentProperty,
        query: queryText('An OData GET query (URL) or FetchXML.'),
        to: { type: 'string', enum: ['fetchxml', 'odata'], description: 'The language to convert to.' },
      },
      required: ['query', 'to'],
      additionalProperties: false,
    },
  },
  {
    name: 'run_query',
    title: 'Run a read-only Dynamics query',
    description:
      'Runs a read-only query against a Dynamics environment with the user\'s sign-in and returns the first rows as a compact table, with the row count and whether more rows exist. Only GET queries and FetchXML: anything that could change data is refused. Check the query with check_query first, select only the columns you need, and keep $top small. On a production environment the user is asked first.',
    inputSchema: {
      type: 'object',
      properties: {
        environment: environmentProperty,
        query: queryText('A GET query (URL relative to the service root, or an .odata GET request) or FetchXML.'),
        maxRows: { type: 'integer', minimum: 1, maximum: MAX_RUN_ROWS, description: `Rows to return (default ${DEFAULT_RUN_ROWS}).` },
      },
      required: ['query'],
      additionalProperties: false,
    },
  },
];

/** The tools the MCP server offers: all but run_query (it needs the user's sign-in and consent). */
export const offlineAgentTools: readonly AgentToolDefinition[] = agentToolDefinitions.filter((tool) => tool.name !== 'run_query');

export function findAgentTool(name: string): AgentToolDefinition | undefined {
  return agentToolDefinitions.find((tool) => tool.name === name);
}

// ---------------------------------------------------------------------------------------------------------
// Input checking: the schema's rules, as answers a model can act on
// ---------------------------------------------------------------------------------------------------------

type Input = Record<string, unknown>;

/** The input as an object, or a message saying what is wrong with it. */
export function checkInput(tool: AgentToolDefinition, input: unknown): { ok: true; input: Input } | { ok: false; message: string } {
  const value = input === undefined || input === null ? {} : input;
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: `${tool.name} takes an object of named arguments, e.g. ${example(tool)}.` };
  const object = value as Input;
  const properties = tool.inputSchema.properties ?? {};
  for (const key of Object.keys(object)) {
    if (!(key in properties)) {
      const known = Object.keys(properties);
      return { ok: false, message: `${tool.name} has no argument "${key}"${known.length > 0 ? `; its arguments are ${known.map((k) => `"${k}"`).join(', ')}` : ' (it takes none)'}.` };
    }
  }
  for (const name of tool.inputSchema.required ?? []) {
    const given = object[name];
    if (given === undefined || given === null || (typeof given === 'string' && given.trim() === '')) {
      return { ok: false, message: `${tool.name} needs "${name}": ${properties[name]?.description ?? ''} For example ${example(tool)}.` };
    }
  }
  for (const [key, given] of Object.entries(object)) {
    if (given === undefined || given === null) continue;
    const problem = checkValue(key, given, properties[key]!);
    if (problem) return { ok: false, message: `${tool.name}: ${problem}` };
  }
  return { ok: true, input: object };
}

function checkValue(key: string, value: unknown, schema: JsonSchema): string | undefined {
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return `"${key}" must be a string.`;
      if (schema.enum && !schema.enum.includes(value)) return `"${key}" must be one of ${schema.enum.map((e) => `"${e}"`).join(', ')} (got "${oneLine(value, 40)}").`;
      return undefined;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `"${key}" must be a whole number.`;
      if ((schema.minimum !== undefined && value < schema.minimum) || (schema.maximum !== undefined && value > schema.maximum)) {
        return `"${key}" must be between ${schema.minimum ?? '-∞'} and ${schema.maximum ?? '∞'} (got ${value}).`;
      }
      return undefined;
    case 'array':
      if (!Array.isArray(value)) return `"${key}" must be a list.`;
      for (const item of value) {
        const problem = checkValue(`${key}[]`, item, schema.items!);
        if (problem) return problem;
      }
      return undefined;
    default:
      return undefined;
  }
}

function example(tool: AgentToolDefinition): string {
  switch (tool.name) {
    case 'find_metadata':
      return '{ "query": "primary contact" }';
    case 'describe':
      return '{ "name": "accounts" }';
    case 'check_query':
      return '{ "query": "accounts?$select=name&$top=5" }';
    case 'convert_query':
      return '{ "query": "accounts?$select=name", "to": "fetchxml" }';
    case 'run_query':
      return '{ "query": "accounts?$select=name&$top=5" }';
    default:
      return '{}';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Running a tool
// ---------------------------------------------------------------------------------------------------------

/** Runs a tool (all but run_query, which a host runs itself). Never throws. */
export function runAgentTool(name: string, input: unknown, context: AgentToolContext): AgentAnswer {
  const tool = findAgentTool(name);
  if (!tool) return errorAnswer(`There is no tool "${name}"; the tools are ${agentToolDefinitions.map((t) => t.name).join(', ')}.`);
  const checked = checkInput(tool, input);
  if (!checked.ok) return errorAnswer(checked.message);
  try {
    return runChecked(tool.name, checked.input, context);
  } catch (error) {
    return errorAnswer(`${tool.name} failed on this input (${error instanceof Error ? error.message : String(error)}). Try a simpler input; this is a bug of the tool.`);
  }
}

function runChecked(name: AgentToolName, input: Input, context: AgentToolContext): AgentAnswer {
  if (name === 'list_environments') return listEnvironments(context);
  if (name === 'run_query') return errorAnswer('run_query runs only inside VS Code, with the user\'s sign-in and consent.');
  const ready = readyEnvironment(input, context);
  if (!ready.ok) return ready.answer;
  const environment = ready.environment;
  const model = ready.environment.model!;
  switch (name) {
    case 'find_metadata': {
      const limit = typeof input.limit === 'number' ? input.limit : DEFAULT_FIND_LIMIT;
      const query = String(input.query);
      const within = typeof input.within === 'string' && input.within.trim() !== '' ? input.within.trim() : undefined;
      const result = findMetadata(model, { query, kinds: input.kinds as MetadataKind[] | undefined, within, limit });
      if (within && !result.withinType) return errorAnswer(`'${within}' is not an entity set or type of '${environment.name}'; leave "within" out, or find the set with find_metadata first.`);
      if (result.items.length === 0) {
        return { text: `Nothing in '${environment.name}' matches "${oneLine(query, 80)}"${within ? ` within ${within}` : ''}. Try fewer or other words (a column's display words, part of its logical name), or another environment.` };
      }
      const head = `${plural(result.total, 'match', 'matches')} for "${oneLine(query, 80)}" in '${environment.name}' (${environment.flavor})${result.total > result.items.length ? `, best ${result.items.length} shown` : ''}:`;
      const lines = [head, ...result.items.map((item) => `- ${item.line}`)];
      if (result.total > result.items.length) lines.push(`(${result.total - result.items.length} more: add words, "kinds" or "within" to narrow, or raise "limit" up to ${MAX_FIND_LIMIT}.)`);
      return { text: sizedAnswer(lines, 'Narrow the search with more words, "kinds" or "within".') };
    }
    case 'describe': {
      const result = describeElement(model, String(input.name), typeof input.member === 'string' ? input.member : undefined);
      if (!result.ok) return errorAnswer(result.message);
      return { text: sizedAnswer(result.lines, 'Describe one property with "member", or search with find_metadata and "within".') };
    }
    case 'check_query': {
      const query = String(input.query);
      const language = (input.language as QueryLanguage | undefined) ?? detectLanguage(query);
      const outcome = checkQuery(query, model, { flavor: environment.flavor, serviceRoot: environment.url || undefined, language, fetchXml: context.fetchXml, environment: environment.name });
      return { text: sizedAnswer(outcome.lines, 'Fix the problems listed and check again.') };
    }
    case 'convert_query': {
      const outcome = convertQuery(String(input.query), model, input.to as QueryLanguage, context.fetchXml);
      if (!outcome.ok) return errorAnswer(outcome.message);
      return { text: sizedAnswer(outcome.lines, 'Convert a smaller query.') };
    }
  }
}

function listEnvironments(context: AgentToolContext): AgentAnswer {
  if (context.environments.length === 0) {
    return { text: 'No environment is configured. In VS Code: "Dynamics OData: Add Environment…"; for the MCP server: --metadata FILE (repeatable) or --environments FILE.' };
  }
  const fallback = environmentWanted({}, context);
  const lines = [`${plural(context.environments.length, 'environment')}${fallback ? ` (default: ${fallback})` : ''}:`];
  for (const env of context.environments) {
    const state =
      env.state === 'ready'
        ? `metadata loaded (${plural(env.model?.entitySets().length ?? 0, 'entity set')})${env.message ? `; note: ${oneLine(env.message, 160)}` : ''}`
        : env.state === 'loading'
          ? 'metadata loading'
          : `metadata not available: ${oneLine(env.message ?? 'unknown error', 200)}`;
    lines.push(`- ${env.name}: ${env.flavor}, ${env.url || '(no service root)'}, ${env.production ? 'PRODUCTION' : 'not production'}, ${state}`);
  }
  return { text: sizedAnswer(lines, 'Name the environment you need.') };
}

/** The environment a tool works on, with its model; or an answer saying why there is none. */
function readyEnvironment(input: Input, context: AgentToolContext): { ok: true; environment: AgentEnvironment } | { ok: false; answer: AgentAnswer } {
  const fail = (text: string) => ({ ok: false as const, answer: errorAnswer(text) });
  const wanted = environmentWanted(input, context);
  const known = context.environments.map((env) => env.name);
  if (!wanted) return fail('No environment is configured, so there is no metadata to answer from. Add one (VS Code: "Dynamics OData: Add Environment…"; MCP: --metadata FILE).');
  const environment = context.environments.find((env) => env.name === wanted) ?? context.environments.find((env) => env.name.toLowerCase() === wanted.toLowerCase());
  if (!environment) return fail(`There is no environment '${wanted}'. Known environments: ${known.join(', ')}.`);
  if (environment.state === 'loading' || (environment.state === 'ready' && !environment.model)) {
    return fail(`The metadata of '${environment.name}' is still loading; ask again in a moment.`);
  }
  if (environment.state === 'error' || !environment.model) {
    return fail(`The metadata of '${environment.name}' is not available: ${environment.message ?? 'it could not be read'}.`);
  }
  return { ok: true, environment };
}
