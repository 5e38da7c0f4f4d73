/**
 * Dataverse tells in its collection responses which version of the organization's schema answered
 * (`@Microsoft.Dynamics.CRM.globalmetadataversion`, when `Prefer: odata.include-annotations` asks for it; it changes
 * on any schema change). Comparing it with the version seen when the cached `$metadata` was taken says whether the
 * cache is stale. No `vscode` here: the state lives in a small key-value store given by the caller.
 *
 * The baseline is the version downloaded with the metadata when it was recorded then (MetadataInfo), else the first
 * version seen after that download: a schema change between the download and the first response is not seen.
 */

export const GLOBAL_METADATA_VERSION = '@Microsoft.Dynamics.CRM.globalmetadataversion';

/** The schema version a response body carries, if any. */
export function globalMetadataVersionOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const value = (json as Record<string, unknown>)[GLOBAL_METADATA_VERSION];
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

export interface VersionRecord {
  /** Which copy of the metadata this baseline belongs to (its download time, or the configured file). */
  copy: string;
  /** The schema version that copy matches. */
  version: string;
  /** The newer version seen since, when the schema changed. */
  seen?: string;
}

export interface VersionStore {
  get(environment: string): VersionRecord | undefined;
  set(environment: string, record: VersionRecord): void | PromiseLike<void>;
}

export type Observation = { stale: false } | { stale: true; known: string; seen: string; firstTime: boolean };

export class MetadataVersionWatch {
  constructor(private readonly store: VersionStore) {}

  /**
   * A response from `environment` said its schema is `version`; `copy` names the cached metadata in use and
   * `downloadedVersion` the version recorded with it, if any. Stale when they differ.
   */
  async observe(environment: string, copy: string, version: string, downloadedVersion?: string): Promise<Observation> {
    let record = this.store.get(environment);
    if (!record || record.copy !== copy) {
      record = { copy, version: downloadedVersion ?? version };
      await this.store.set(environment, record);
    }
    if (record.version === version) {
      if (record.seen !== undefined) await this.store.set(environment, { copy, version: record.version });
      return { stale: false };
    }
    const firstTime = record.seen !== version;
    if (firstTime) await this.store.set(environment, { ...record, seen: version });
    return { stale: true, known: record.version, seen: version, firstTime };
  }

  /** Whether the last response from `environment` showed a newer schema than its cached metadata (for `copy`). */
  isStale(environment: string, copy?: string): boolean {
    const record = this.store.get(environment);
    return !!record && record.seen !== undefined && (copy === undefined || record.copy === copy);
  }
}

export function staleMessage(environment: string, observation: { known: string; seen: string }): string {
  return `The schema of "${environment}" changed since its metadata was cached (globalmetadataversion ${observation.known} → ${observation.seen}): refresh its metadata so completion and checks see the current columns and tables.`;
}
