/**
 * The environments the server checks against, and their models: one load per environment (metadataLoad.ts:
 * a state machine shared by every request that needs the model), read again when the metadata file changes.
 *
 * A load takes the metadata file's index cache when a valid one exists (a warm start, indexCache.ts);
 * otherwise it reads the XML's skeleton incrementally, so the server keeps answering meanwhile, with
 * each type's members read on first use (readCsdlLazily), then writes the cache in the background for
 * the next start. That background pass reads every type once: a type whose content is broken, or a
 * problem found in one, sends the environment back to a complete read (readCsdlIncrementally), which
 * reports it exactly as it always did, with its position. When it finds none, the model is swapped for
 * the compact index it just encoded (what a warm start would load), so the XML text and the types read
 * from it are let go.
 */
import type { ModelIndex } from '../odata/index';
import { readServerConfig, type EnvironmentConfig, type EnvironmentStatus, type FlavorName, type ServerConfig } from '../protocol';
import { defaultCacheDirectory } from './indexCache';
import { MetadataLoad, type LoadedModel, type LoadEvent, type LoadStateKind } from './metadataLoad';

export type { LoadedModel } from './metadataLoad';

export interface EnvironmentsOptions {
  /** Where index caches go when they cannot be written beside their metadata file. */
  cacheDirectory?: string;
  /** Set to false to neither read nor write index caches. */
  useIndexCache?: boolean;
  /** Told of every model an environment gets (loaded, or swapped for its compact form): to prime it. */
  onModel?: (name: string, model: ModelIndex, flavor: FlavorName) => void;
  /** Told of every change of an environment's load state (metadataLoad.ts): for the log and tests. */
  onTransition?: (name: string, from: LoadStateKind, to: LoadStateKind, event: LoadEvent['kind']) => void;
  /** Told of a load that failed in an unexpected way (it is also the environment's error). */
  onError?: (message: string) => void;
  /** Told what the log should say (an index cache ignored, and why). */
  onLog?: (message: string) => void;
}


/**
 * Reads the configuration tolerantly (protocol/environmentSettings.ts): entries without a name or metadata file are
 * dropped, each with a sentence passed to `onProblem`; an environment's `variables` are kept for diagnostics and completion.
 */
export function readConfig(value: unknown, onProblem?: (problem: string) => void): ServerConfig {
  const read = readServerConfig(value);
  if (onProblem) for (const problem of read.problems) onProblem(problem);
  return read.value;
}

export class Environments {
  private entries = new Map<string, MetadataLoad>();
  private defaultName: string | undefined;

  constructor(
    private readonly onStatus: (status: EnvironmentStatus) => void,
    private readonly onReloaded: () => void,
    private readonly options: EnvironmentsOptions = {},
  ) {}

  configure(config: ServerConfig): void {
    const previous = this.entries;
    this.entries = new Map();
    for (const env of config.environments) {
      const old = previous.get(env.name);
      if (old && old.config.metadataFile === env.metadataFile && !this.entries.has(env.name)) {
        old.config = env;
        this.entries.set(env.name, old);
      } else if (!this.entries.has(env.name)) {
        this.entries.set(env.name, this.newLoad(env));
      }
    }
    for (const [name, old] of previous) if (this.entries.get(name) !== old) old.dispose();
    this.defaultName = config.defaultEnvironment;
  }

  /** Every configured environment, in configuration order. */
  configs(): EnvironmentConfig[] {
    return [...this.entries.values()].map((entry) => entry.config);
  }

  /** The environment a document uses: its `@environment`, else the default, else the only/first one. */
  resolve(name: string | undefined): EnvironmentConfig | undefined {
    if (name !== undefined) return this.entries.get(name)?.config;
    if (this.defaultName !== undefined) return this.entries.get(this.defaultName)?.config;
    return this.entries.values().next().value?.config;
  }

  /** The model that answers now, if any; starts loading it otherwise. */
  current(name: string): LoadedModel | undefined {
    return this.entries.get(name)?.current();
  }

  /**
   * Start loading the default environment's model (as the first request needing it would): called once the server
   * is initialized, so that reading it overlaps the client's next messages instead of waiting for the first document.
   */
  preloadDefault(): void {
    const config = this.resolve(undefined);
    if (config !== undefined) this.current(config.name);
  }

  /** The model once the load in progress (if any) settles. */
  model(name: string): Promise<LoadedModel> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.resolve({ ok: false, message: `No environment named '${name}' is configured.` });
    return entry.model();
  }

  /** Where an environment's load is (metadataLoad.ts): for tests and the log. */
  state(name: string): LoadStateKind | undefined {
    return this.entries.get(name)?.kind;
  }

  /** The metadata file of an environment changed: read it again (the previous model answers meanwhile). */
  invalidate(name: string): void {
    this.entries.get(name)?.changed();
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.dispose();
    this.entries.clear();
  }

  private newLoad(config: EnvironmentConfig): MetadataLoad {
    const options = this.options;
    const load: MetadataLoad = new MetadataLoad(config, {
      cacheDirectory: options.useIndexCache === false ? undefined : (options.cacheDirectory ?? defaultCacheDirectory()),
      onStatus: (status) => this.onStatus(status),
      onReloaded: () => this.onReloaded(),
      onModel: (model) => options.onModel?.(load.config.name, model, load.config.flavor),
      onTransition: (from, to, event) => options.onTransition?.(load.config.name, from, to, event),
      onError: (message) => options.onError?.(message),
      onLog: (message) => options.onLog?.(message),
    });
    return load;
  }
}
