/** The service context of a document: which environment it targets and whether its model is ready. */
import type { ODataDocument, ServiceContext } from '../odata/index';
import type { EnvironmentConfig } from '../protocol';
import type { Environments, LoadedModel } from './environments';

export interface DocumentEnvironment {
  environment: EnvironmentConfig | undefined;
  /** Undefined while loading (or without an environment). */
  loaded: LoadedModel | undefined;
  context: ServiceContext;
}

export function contextFor(document: ODataDocument, environments: Environments): DocumentEnvironment {
  const environment = environments.resolve(document.file.environment?.name);
  const loaded = environment ? environments.current(environment.name) : undefined;
  return {
    environment,
    loaded,
    context: {
      model: loaded?.ok ? loaded.model : undefined,
      flavor: environment?.flavor ?? 'generic',
      serviceRoot: environment?.url || undefined,
      variables: environment?.variables,
    },
  };
}
