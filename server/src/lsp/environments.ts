/**
 * The environments the server checks against, and their models: one load per environment (a promise,
 * shared by every request that needs it), reloaded when the metadata file changes.
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
import { watch, type FSWatcher } from 'node:fs';
import { createModelIndex, readCsdlIncrementally, readCsdlLazily, type CsdlDocument, type ModelIndex } from '../odata/index';
import { decodeCompactIndex, type CompactIndex } from '../odata/csdl/compactIndex';
import type { EnvironmentConfig, EnvironmentStatus, FlavorName, ServerConfig } from '../protocol';
import {
  anyIndexCache,
  defaultCacheDirectory,
  fingerprint,
  readIndexCache,
  readWithFingerprint,
  unchangedSince,
  writeIndexCache,
  type SourceFingerprint,
} from './indexCache';

export type LoadedModel =
  | {
      ok: true;
      model: ModelIndex;
      /** Set when part of the document could not be read (the rest is used). */
      problem?: string;
      /** Where the model came from: the index cache (a warm start) or the XML. */
      source?: 'cache' | 'xml';
      /** Settles once the index cache of a model read from XML is written (or could not be): for tests and the benchmark. */
      cacheWritten?: Promise<string | undefined>;
    }
  | { ok: false; message: string };

export interface EnvironmentsOptions {
  /** Where index caches go when they cannot be written beside their metadata file. */
  cacheDirectory?: string;
  /** Set to false to neither read nor write index caches. */
  useIndexCache?: boolean;
  /** Told of every model an environment gets (loaded, or swapped for its compact form): to prime it. */
  onModel?: (name: string, model: ModelIndex, flavor: FlavorName) => void;
}

interface Entry {
  config: EnvironmentConfig;
  load?: Promise<LoadedModel>;
  /** Set once the load settled, so requests can answer synchronously. */
  settled?: LoadedModel;
  watcher?: FSWatcher;
  /** Read the whole XML at once (no types read on first use): set after a lazy read found a problem. */
  complete?: boolean;
}

const flavors: readonly FlavorName[] = ['dataverse', 'fno', 'bc', 'generic'];
const pauseForRequests = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads the configuration tolerantly: entries without a name or metadata file are dropped. */
export function readConfig(value: unknown): ServerConfig {
  const candidate = (value ?? {}) as Partial<ServerConfig>;
  const environments = Array.isArray(candidate.environments)
    ? candidate.environments
        .filter(
          (env): env is EnvironmentConfig =>
            typeof env === 'object' && env !== null && typeof env.name === 'string' && typeof env.metadataFile === 'string',
        )
        .map((env) => ({
          name: env.name,
          metadataFile: env.metadataFile,
          url: typeof env.url === 'string' ? env.url : '',
          flavor: flavors.includes(env.flavor) ? env.flavor : 'generic',
        }))
    : [];
  return {
    environments,
    defaultEnvironment: typeof candidate.defaultEnvironment === 'string' ? candidate.defaultEnvironment : undefined,
    checkAgainst: Array.isArray(candidate.checkAgainst) ? candidate.checkAgainst.filter((name): name is string => typeof name === 'string' && name.length > 0) : [],
  };
}

export class Environments {
  private entries = new Map<string, Entry>();
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
      const same = old && old.config.metadataFile === env.metadataFile;
      this.entries.set(env.name, same ? { ...old, config: env } : { config: env });
      if (old && !same) old.watcher?.close();
    }
    for (const [name, old] of previous) if (!this.entries.has(name)) old.watcher?.close();
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

  /** The model if it is loaded now; starts loading it otherwise. */
  current(name: string): LoadedModel | undefined {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    if (!entry.load) void this.model(name);
    return entry.settled;
  }

  model(name: string): Promise<LoadedModel> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.resolve({ ok: false, message: `No environment named '${name}' is configured.` });
    if (!entry.load) {
      this.onStatus({ name, state: 'loading' });
      const cacheDirectory = this.options.useIndexCache === false ? undefined : (this.options.cacheDirectory ?? defaultCacheDirectory());
      let pending: Promise<LoadedModel> | undefined;
      const onTrouble = (): void => {
        // The lazy read found a problem: read the whole document again, which reports it (once).
        setImmediate(() => {
          const current = this.entries.get(name);
          if (current === undefined || current.load !== pending || current.complete) return;
          current.complete = true;
          this.invalidate(name);
        });
      };
      const onCompact = (document: CsdlDocument): void => {
        const current = this.entries.get(name);
        const settled = current?.settled;
        if (current === undefined || current.load !== pending || settled === undefined || !settled.ok) return;
        const compact: LoadedModel = { ...settled, model: createModelIndex(document) };
        current.settled = compact;
        pending = current.load = Promise.resolve(compact);
        this.options.onModel?.(name, compact.model, current.config.flavor);
      };
      const load = loadModel(entry.config, cacheDirectory, entry.complete === true, onTrouble, onCompact);
      pending = entry.load = load.then((loaded) => {
        if (this.entries.get(name) === entry) {
          entry.settled = loaded;
          if (loaded.ok) this.options.onModel?.(name, loaded.model, entry.config.flavor);
          this.onStatus(
            loaded.ok
              ? { name, state: 'ready', message: `${loaded.model.entitySets().length} entity sets` }
              : { name, state: 'error', message: loaded.message },
          );
          this.watch(entry);
        }
        return loaded;
      });
    }
    return entry.load;
  }

  /** Forget the model of an environment (its file changed): the next request loads it again. */
  invalidate(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    entry.load = undefined;
    entry.settled = undefined;
    this.onReloaded();
  }

  dispose(): void {
    for (const entry of this.entries.values()) entry.watcher?.close();
    this.entries.clear();
  }

  private watch(entry: Entry): void {
    if (entry.watcher) return;
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      entry.watcher = watch(entry.config.metadataFile, { persistent: false }, () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          // A new file: a lazy read again.
          entry.complete = false;
          this.invalidate(entry.config.name);
        }, 200);
      });
      entry.watcher.on('error', () => entry.watcher?.close());
    } catch {
      // A missing file cannot be watched; the error diagnostic already says what to do.
    }
  }
}

function openError(environment: EnvironmentConfig, error: unknown): LoadedModel {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return {
    ok: false,
    message: `The metadata file of '${environment.name}' (${environment.metadataFile}) could not be opened: ${code}. Check the path, or download the metadata again.`,
  };
}

/**
 * The model of an environment: from its index cache when valid, else from the XML (then cached).
 * Without a cache folder, or when `complete`, the XML is read whole; else its types are read on first use
 * and `onTrouble` is called if one turns out broken or to hold a problem (see the top of this file).
 */
async function loadModel(
  environment: EnvironmentConfig,
  cacheDirectory: string | undefined,
  complete: boolean,
  onTrouble: () => void,
  onCompact: (document: CsdlDocument) => void,
): Promise<LoadedModel> {
  if (cacheDirectory !== undefined && (await anyIndexCache(environment.metadataFile, cacheDirectory))) {
    let current: SourceFingerprint;
    try {
      current = await fingerprint(environment.metadataFile);
    } catch (error) {
      return openError(environment, error);
    }
    const cached = await readIndexCache(environment.metadataFile, current, cacheDirectory);
    if (cached !== undefined) return { ok: true, model: createModelIndex(cached), source: 'cache' };
  }
  // The fingerprint of a cache written later is that of the bytes read here.
  let xml: string;
  let source: SourceFingerprint;
  try {
    const read = await readWithFingerprint(environment.metadataFile);
    xml = read.bytes.toString('utf8');
    source = read.source;
  } catch (error) {
    return openError(environment, error);
  }
  let broken = false;
  const lazy = cacheDirectory !== undefined && !complete;
  const document = lazy
    ? await readCsdlLazily(xml, pauseForRequests, {
        onBroken: () => {
          broken = true;
          onTrouble();
        },
      })
    : await readCsdlIncrementally(xml, pauseForRequests);
  const fatal = document.errors.find((error) => error.severity === 'error');
  if (fatal && document.schemas.length === 0) {
    const where = fatal.position ? ` (line ${fatal.position.line}, column ${fatal.position.column})` : '';
    return {
      ok: false,
      message: `The metadata of '${environment.name}' could not be read${where}: ${fatal.message} Download it again, or fix ${environment.metadataFile}.`,
    };
  }
  const model = createModelIndex(document);
  if (!fatal) {
    const cacheWritten =
      cacheDirectory !== undefined
        ? cacheInBackground(
            environment.metadataFile,
            source,
            document,
            cacheDirectory,
            () => {
              // Every type has been read for the cache now: what the lazy read could not see up front.
              const trouble = broken || document.errors.some((error) => error.severity === 'error');
              if (trouble && lazy) onTrouble();
              return !trouble;
            },
            (index) => {
              if (!lazy) return;
              try {
                onCompact(decodeCompactIndex(index));
              } catch {
                // Not expected (the index was just encoded); the lazily read model stays.
              }
            },
          )
        : undefined;
    return { ok: true, model, source: 'xml', cacheWritten };
  }
  const where = fatal.position ? ` at line ${fatal.position.line}, column ${fatal.position.column}` : '';
  return { ok: true, model, problem: `The metadata of '${environment.name}' is damaged${where} (${fatal.message}); what came before it is used. Download it again.`, source: 'xml' };
}

/** Write the index cache after the requests waiting for the model have been answered; never rejects. */
async function cacheInBackground(
  metadataFile: string,
  source: SourceFingerprint,
  document: CsdlDocument,
  cacheDirectory: string,
  accept: () => boolean,
  onEncoded: (index: CompactIndex) => void,
): Promise<string | undefined> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (!(await unchangedSince(metadataFile, source))) return undefined;
  return writeIndexCache(metadataFile, source, document, cacheDirectory, accept, onEncoded);
}
