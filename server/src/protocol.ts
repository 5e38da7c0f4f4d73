/**
 * Custom messages between the VS Code client and the language server, all under the `odata/` prefix,
 * as `{ method, type }` pairs. Both sides import this file; nothing else defines a custom message.
 */
import { NotificationType } from 'vscode-languageserver-protocol';

export type FlavorName = 'dataverse' | 'fno' | 'bc' | 'generic';

/** One environment as the server knows it: a service root and the `$metadata` file to check against. */
export interface EnvironmentConfig {
  name: string;
  flavor: FlavorName;
  url: string;
  metadataFile: string;
}

/** The whole configuration; the same shape as `initializationOptions` for other editors. */
export interface ServerConfig {
  environments: EnvironmentConfig[];
  defaultEnvironment?: string;
}

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
