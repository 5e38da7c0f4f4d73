/**
 * The explorer tree's requests: the environments with their load state, entity sets page by page, the details
 * of one entity set, and the unbound operations. Each waits for the environment's model; an unknown environment
 * or a failed load answers `{ error }` (never a thrown error), so the tree can show what went wrong.
 */
import type { Connection } from 'vscode-languageserver';
import type { ModelIndex } from '../odata/index';
import { entitySetDetails, listEntitySets, unboundOperations } from '../odata/services/explorer';
import {
  explorerEntitySetDetails,
  explorerEntitySets,
  explorerEnvironments,
  explorerOperations,
  type ExplorerEnvironment,
  type ExplorerError,
} from '../protocol';
import type { Environments } from './environments';

async function withModel<T>(environments: Environments, name: unknown, answer: (model: ModelIndex) => T | ExplorerError): Promise<T | ExplorerError> {
  if (typeof name !== 'string' || name.length === 0) return { error: 'No environment was named in the request.' };
  try {
    const loaded = await environments.model(name);
    if (!loaded.ok) return { error: loaded.message };
    return answer(loaded.model);
  } catch (error) {
    return { error: `The request failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export function registerExplorerRequests(connection: Connection, environments: Environments): void {
  connection.onRequest(explorerEnvironments.type, (): ExplorerEnvironment[] =>
    environments.configs().map((config) => {
      const loaded = environments.current(config.name);
      const base = { name: config.name, flavor: config.flavor, url: config.url };
      if (!loaded) return { ...base, state: 'loading' };
      if (!loaded.ok) return { ...base, state: 'error', message: loaded.message };
      return {
        ...base,
        state: 'ready',
        entitySetCount: loaded.model.entitySets().length + loaded.model.singletons().length,
        ...(loaded.problem ? { message: loaded.problem } : {}),
      };
    }),
  );

  connection.onRequest(explorerEntitySets.type, (params) =>
    withModel(environments, params?.environment, (model) =>
      listEntitySets(model, { filter: params.filter, offset: params.offset, limit: params.limit }),
    ),
  );

  connection.onRequest(explorerEntitySetDetails.type, (params) =>
    withModel(environments, params?.environment, (model) => {
      const details = typeof params.entitySet === 'string' ? entitySetDetails(model, params.entitySet) : undefined;
      return details ?? { error: `'${params.environment}' has no entity set or singleton named '${String(params.entitySet)}'.` };
    }),
  );

  connection.onRequest(explorerOperations.type, (params) => withModel(environments, params?.environment, (model) => unboundOperations(model)));
}
