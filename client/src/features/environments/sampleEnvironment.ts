/**
 * The bundled sample environment: offline Dataverse metadata shipped in the VSIX, so that a new user gets
 * completion, validation and the explorer before configuring anything or signing in. It is offered only while
 * no environment is configured, and it has no reachable service (requests cannot be sent to it).
 */
import type { ServerConfig } from '../../../../server/src/protocol';

export const SAMPLE_ENVIRONMENT_NAME = 'dataverse-sample';
/** Inside the extension (shipped through .vscodeignore): the same file the tests use. */
export const SAMPLE_METADATA_PATH = 'test/fixtures/metadata/dataverse-sample.xml';

export function withSampleEnvironment(config: ServerConfig, sampleMetadataFile: string): ServerConfig {
  if (config.environments.length > 0) return config;
  return {
    environments: [
      {
        name: SAMPLE_ENVIRONMENT_NAME,
        flavor: 'dataverse',
        url: 'https://sample.crm.dynamics.com/api/data/v9.2/',
        metadataFile: sampleMetadataFile,
      },
    ],
    defaultEnvironment: SAMPLE_ENVIRONMENT_NAME,
  };
}
