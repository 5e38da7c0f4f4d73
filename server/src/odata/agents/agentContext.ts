/**
 * What the agent tools work on: the environments a host knows (with the model of each one that is loaded),
 * and the optional FetchXML capability. Hosts build it: the language server from its environments
 * (server/src/lsp/agentRequests.ts), the MCP server from its command line (server/src/mcp/mcpServer.ts).
 */
import type { ModelIndex } from '../csdl/modelIndex';
import type { Flavor } from '../diagnosticCodes';
import type { Span } from '../uri/ast';

export type AgentEnvironmentState = 'ready' | 'loading' | 'error';

export interface AgentEnvironment {
  name: string;
  flavor: Flavor;
  /** The service root (no credentials: an environment's sign-in settings never reach the tools). */
  url: string;
  production?: boolean;
  state: AgentEnvironmentState;
  /** Why it failed (state 'error'), or a note about a partly damaged document. */
  message?: string;
  /** Set when state is 'ready'. */
  model?: ModelIndex;
}

/** A problem FetchXML checking or conversion reports (the shape of a core diagnostic; span and code optional). */
export interface FetchXmlProblem {
  message: string;
  severity?: 'error' | 'warning' | 'info';
  code?: string;
  /** Offsets into the input. */
  span?: Span;
  suggestions?: string[];
}

export type FetchXmlConversion = { ok: true; text: string } | { ok: false; problems: readonly FetchXmlProblem[] };

/**
 * FetchXML support, injected: the core's `fetchxml/` module provides it. Without it, `convert_query` says
 * conversion is not available and `check_query` checks OData only. See fetchXmlWiring.ts.
 */
export interface FetchXmlCapability {
  convert(args: { index: ModelIndex; input: string; to: 'fetchxml' | 'odata' }): FetchXmlConversion;
  check?(args: { index: ModelIndex; input: string }): readonly FetchXmlProblem[];
}

export interface AgentToolContext {
  environments: readonly AgentEnvironment[];
  /** The environment used when a tool is not given one (else the only, or the first, configured one). */
  defaultEnvironment?: string;
  fetchXml?: FetchXmlCapability;
}

/** The environment a tool input names (`environment`), else the default, else the first one. */
export function environmentWanted(input: unknown, context: { environments: readonly { name: string }[]; defaultEnvironment?: string }): string | undefined {
  const named = typeof input === 'object' && input !== null ? (input as { environment?: unknown }).environment : undefined;
  if (typeof named === 'string' && named.trim() !== '') return named.trim();
  if (context.defaultEnvironment && context.environments.some((env) => env.name === context.defaultEnvironment)) return context.defaultEnvironment;
  return context.environments[0]?.name;
}
