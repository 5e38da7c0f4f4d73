/**
 * Dataverse schema staleness in the editor: every response the runner gets is checked for
 * `@Microsoft.Dynamics.CRM.globalmetadataversion`; when it differs from the version of the cached metadata, the
 * results panel says so (a note), a message offers "Refresh Metadata", and the explorer marks the environment.
 * The versions seen are kept in the user's global state (no secret in them).
 */
import * as vscode from 'vscode';
import type { PreparedRequest, SendOutcome } from '../runner/types';
import { metadataStore, onDidChangeEnvironmentStatus } from '../environments/environmentSettings';
import { globalMetadataVersionOf, MetadataVersionWatch, staleMessage, type VersionRecord } from './metadataVersion';

const STATE_KEY = 'dynamicsOData.globalMetadataVersions';

export interface Staleness {
  /** Called with every response; a note for the results panel when the schema changed. */
  afterResponse(request: PreparedRequest, outcome: SendOutcome): Promise<string | undefined>;
  isStale(environment: string): boolean;
}

export function registerStaleness(context: vscode.ExtensionContext, onChanged: () => void): Staleness {
  const records = (): Record<string, VersionRecord> => context.globalState.get<Record<string, VersionRecord>>(STATE_KEY) ?? {};
  const watch = new MetadataVersionWatch({
    get: (environment) => records()[environment],
    set: (environment, record) => context.globalState.update(STATE_KEY, { ...records(), [environment]: record }),
  });
  // Metadata loaded again (a refresh, or a restart): forget what was seen; the next response tells again.
  context.subscriptions.push(
    onDidChangeEnvironmentStatus((status) => {
      const record = records()[status.name];
      if (status.state !== 'loading' || record?.seen === undefined) return;
      void context.globalState.update(STATE_KEY, { ...records(), [status.name]: { copy: record.copy, version: record.version } }).then(onChanged);
    }),
  );
  return {
    async afterResponse(request, outcome) {
      if (!outcome.ok || request.environment.flavor !== 'dataverse') return undefined;
      const version = globalMetadataVersionOf(outcome.json);
      if (!version) return undefined;
      const name = request.environment.name;
      const info = await metadataStore()?.info(name);
      // The copy of the metadata in use: its download, or (for a configured file) the file itself.
      const copy = info?.downloadedAt ?? 'configured-file';
      const observation = await watch.observe(name, copy, version, info?.globalMetadataVersion);
      if (!observation.stale) return undefined;
      onChanged();
      const message = staleMessage(name, observation);
      if (observation.firstTime) {
        void vscode.window.showWarningMessage(message, 'Refresh Metadata').then((choice) => {
          if (choice) void vscode.commands.executeCommand('dynamicsOData.refreshMetadata', name);
        });
      }
      return message;
    },
    isStale: (environment) => watch.isStale(environment),
  };
}
