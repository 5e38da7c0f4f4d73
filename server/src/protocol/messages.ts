/**
 * Custom messages between the VS Code client and the language server, all under the `odata/` prefix,
 * as `{ method, type }` pairs. Both sides import this file; nothing else defines a custom message.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type {
  EntitySetDetails,
  EntitySetsResult,
  ExplorerEntitySet,
  ExplorerNavigationProperty,
  ExplorerOperation,
  ExplorerProperty,
} from '../odata/services/explorer';
// The environment settings' types (EnvironmentConfig, ServerConfig, FlavorName) are in ./environmentSettings.ts.
import type { FlavorName, ServerConfig } from './environmentSettings';
import type { ChangeGroup } from '../odata/drift/diffReport';

export type { ChangeGroup };
export type { EntitySetDetails, EntitySetsResult, ExplorerEntitySet, ExplorerNavigationProperty, ExplorerOperation, ExplorerProperty };

export type EnvironmentState = 'loading' | 'ready' | 'error';

export interface EnvironmentStatus {
  name: string;
  state: EnvironmentState;
  /** What went wrong (state 'error'), or a short summary (state 'ready'): entity set and type counts. */
  message?: string;
}

/** Client -> server: replace the configuration (the VS Code client's environments). */
export const setEnvironments = { method: 'odata/setEnvironments', type: new NotificationType<ServerConfig>('odata/setEnvironments') } as const;

/** Client -> server: an environment's metadata file was rewritten (refresh); load it again. */
export const metadataChanged = {
  method: 'odata/metadataChanged',
  type: new NotificationType<{ name: string }>('odata/metadataChanged'),
} as const;

/** Server -> client: an environment's metadata started loading, is ready, or failed. */
export const environmentStatus = {
  method: 'odata/environmentStatus',
  type: new NotificationType<EnvironmentStatus>('odata/environmentStatus'),
} as const;

// ------------------------------------------------------------------------------------------ explorer tree

/** An answer the explorer requests give instead of data when the environment is unknown or failed to load. */
export interface ExplorerError {
  error: string;
}

export interface ExplorerEnvironment {
  name: string;
  flavor: FlavorName;
  url: string;
  state: EnvironmentState;
  /** What went wrong (state 'error'), or a note about a partly damaged document (state 'ready'). */
  message?: string;
  /** Entity sets and singletons, once loaded. */
  entitySetCount?: number;
}

/** Client -> server: the configured environments and whether each one's metadata is loaded. */
export const explorerEnvironments = {
  method: 'odata/environments',
  type: new RequestType0<ExplorerEnvironment[], void>('odata/environments'),
} as const;

export interface EntitySetsParams {
  environment: string;
  /** Case-insensitive substring of the name, entity type or display name. */
  filter?: string;
  offset?: number;
  /** Default 200, at most 5000. */
  limit?: number;
}

/** Client -> server: one page of an environment's entity sets and singletons, sorted by name. */
export const explorerEntitySets = {
  method: 'odata/entitySets',
  type: new RequestType<EntitySetsParams, EntitySetsResult | ExplorerError, void>('odata/entitySets'),
} as const;

/** Client -> server: the keys, properties, navigation properties and bound operations of one entity set. */
export const explorerEntitySetDetails = {
  method: 'odata/entitySetDetails',
  type: new RequestType<{ environment: string; entitySet: string }, EntitySetDetails | ExplorerError, void>('odata/entitySetDetails'),
} as const;

/** Client -> server: the environment's unbound actions and functions (its action and function imports). */
export const explorerOperations = {
  method: 'odata/operations',
  type: new RequestType<{ environment: string }, ExplorerOperation[] | ExplorerError, void>('odata/operations'),
} as const;

// ------------------------------------------------------------------------------------------ agent tools

export interface AgentToolParams {
  /** A tool of server/src/odata/agents (list_environments, find_metadata, describe, check_query, convert_query). */
  tool: string;
  input: unknown;
  /** The environments the client's settings mark production (the server's configuration does not carry it). */
  production?: string[];
}

/** A tool's answer: text sized for a model's context, and whether it reports bad input. */
export interface AgentToolAnswer {
  text: string;
  isError?: boolean;
}

/** Client -> server: run an agent tool on the server's models (VS Code's language model tools call it). */
export const agentRunTool = {
  method: 'odata/agent/runTool',
  type: new RequestType<AgentToolParams, AgentToolAnswer, void>('odata/agent/runTool'),
} as const;

export type AgentRunPlan = { ok: true; environment: string; language: 'odata' | 'fetchxml'; requestText: string } | { ok: false; message: string };

/** Client -> server: what `run_query` may send for a query (a GET, or FetchXML as a GET), or why it is refused. */
export const agentPlanRun = {
  method: 'odata/agent/planRun',
  type: new RequestType<{ environment?: string; query: string }, AgentRunPlan, void>('odata/agent/planRun'),
} as const;

// ------------------------------------------------------------------------------------------ schema drift

export interface CompareEnvironmentsParams {
  /** The environment taken as the reference ("before"). */
  from: string;
  /** The environment compared with it ("after"). */
  to: string;
}

export interface CompareEnvironmentsResult {
  from: string;
  to: string;
  /** The changes grouped by the entity set they touch (then operations, types…), as the view shows them. */
  groups: ChangeGroup[];
  summary: { added: number; removed: number; changed: number; breaking: number; total: number };
}

/**
 * Client -> server ("Compare Environments"): what differs between two environments' metadata, and what breaks,
 * computed on the models the server already holds (no second copy in the client).
 */
export const compareEnvironments = {
  method: 'odata/compareEnvironments',
  type: new RequestType<CompareEnvironmentsParams, CompareEnvironmentsResult | ExplorerError, void>('odata/compareEnvironments'),
} as const;
