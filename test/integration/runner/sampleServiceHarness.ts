// The real sample OData service for a test file: installed if needed and started before its tests, stopped after.
import { after, before } from 'node:test';
import { ensureInstalled } from '../../sample-service/install.mjs';
import { startSampleService, type SampleService } from '../../sample-service/start.mjs';
import type { RunnerEnvironment } from '../../../client/src/features/runner/types';

/** Registers the file's before/after hooks; `started` receives the service and a Dataverse environment at its root. */
export function useSampleService(started: (service: SampleService, environment: RunnerEnvironment) => void): void {
  let service: SampleService | undefined;
  before(
    async () => {
      await ensureInstalled();
      service = await startSampleService();
      started(service, { name: 'sample', flavor: 'dataverse', serviceRoot: service.serviceRoot });
    },
    // The first install compiles SQLite (minutes on a fresh machine).
    { timeout: 20 * 60_000 },
  );
  after(async () => {
    await service?.stop();
  });
}
