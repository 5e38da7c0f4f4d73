/**
 * The metadata load of one environment, as an explicit state machine, and the load itself (index cache or XML).
 *
 * States (`LoadState`), and what answers a request in each:
 *   unloaded       nothing read yet; the first request starts the load                          -> nothing (loading)
 *   opening        the index cache is checked, else the XML's skeleton is read                   -> nothing (loading)
 *   readingLazily  the skeleton answers, each type read on first use; in the background every
 *                  type is read once to encode the index cache                                   -> the lazily read model
 *   compact        the compact index (from a valid cache at start, or swapped in once the
 *                  background pass encoded it): the XML is let go                                -> the compact model
 *   completeRead   after trouble (a broken type, or a problem the background pass found) the
 *                  whole XML is read at once, which reports the problem with its position,
 *                  and nothing is cached; also the only read when index caches are off           -> its model (the previous one while it runs)
 *   broken         the metadata cannot be used (file missing, nothing readable)                   -> the error
 *   reloading      the file changed (watcher, or the client downloaded it again): read anew,
 *                  lazily                                                                         -> the previous model while it runs
 *
 * Transitions (`MetadataLoad.transition`, the only place that changes the state):
 *   unloaded      --request-->            opening
 *   opening, reloading --settled(cache)--> compact
 *   opening, reloading --settled(xml)-->   readingLazily (completeRead when caches are off)
 *   opening, reloading --settled(error)--> broken
 *   opening, reloading, readingLazily --trouble--> completeRead
 *   readingLazily --encoded-->            compact
 *   completeRead  --settled-->            completeRead (done), or broken
 *   any loaded state --changed-->         reloading (unloaded stays unloaded)
 * Every load carries a generation; what a superseded load reports is ignored.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { createModelIndex, readCsdlIncrementally, readCsdlLazily, type CsdlDocument, type ModelIndex } from '../odata/index';
import { compactIndexFromBytes, decodeCompactIndex, type CompactIndexBytes } from '../odata/csdl/compactIndex';
import type { EnvironmentConfig, EnvironmentStatus } from '../protocol';
import { collectGarbage, holdYoungGeneration } from './memory';
import { anyIndexCache, encodeIndexCacheBody, fingerprint, readIndexCache, readWithFingerprint, unchangedSince, writeIndexCacheBody, type SourceFingerprint } from './indexCache';

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

type Ready = Extract<LoadedModel, { ok: true }>;
type Failed = Extract<LoadedModel, { ok: false }>;

export type LoadState =
  | { kind: 'unloaded' }
  | { kind: 'opening'; done: Promise<LoadedModel> }
  | { kind: 'readingLazily'; loaded: Ready }
  | { kind: 'compact'; loaded: Ready }
  | { kind: 'completeRead'; done: Promise<LoadedModel>; loaded?: Ready; previous?: Ready }
  | { kind: 'broken'; loaded: Failed }
  | { kind: 'reloading'; done: Promise<LoadedModel>; previous?: Ready };

export type LoadStateKind = LoadState['kind'];

/** What moves a load from one state to the next. */
export type LoadEvent =
  | { kind: 'request' }
  | { kind: 'settled'; loaded: LoadedModel; lazy: boolean }
  | { kind: 'trouble' }
  | { kind: 'encoded'; document: CsdlDocument }
  | { kind: 'changed' };

export interface MetadataLoadHooks {
  /** Where index caches go when they cannot be written beside the metadata file; undefined: no index cache. */
  cacheDirectory: string | undefined;
  onStatus(status: EnvironmentStatus): void;
  /** The answers may have changed (a new load started): diagnostics are computed again. */
  onReloaded(): void;
  /** Every model the environment gets (loaded, or swapped for its compact form): to prime it. */
  onModel?(model: ModelIndex): void;
  /** Every change of state: for the log and tests. */
  onTransition?(from: LoadStateKind, to: LoadStateKind, event: LoadEvent['kind']): void;
  /** A load that failed in an unexpected way (reported, never thrown). */
  onError?(message: string): void;
  /** What the log should say (an index cache ignored, and why). */
  onLog?(message: string): void;
}

/** The metadata of one environment: its state, the model that answers now, and the one to wait for. */
export class MetadataLoad {
  private state: LoadState = { kind: 'unloaded' };
  private generation = 0;
  private watcher: FSWatcher | undefined;
  private disposed = false;

  constructor(
    public config: EnvironmentConfig,
    private readonly hooks: MetadataLoadHooks,
  ) {}

  get kind(): LoadStateKind {
    return this.state.kind;
  }

  /** The model that answers now (undefined while nothing can); starts the first load. */
  current(): LoadedModel | undefined {
    const state = this.state;
    switch (state.kind) {
      case 'unloaded':
        this.transition({ kind: 'request' });
        return undefined;
      case 'opening':
        return undefined;
      case 'reloading':
        return state.previous;
      case 'completeRead':
        return state.loaded ?? state.previous;
      case 'readingLazily':
      case 'compact':
      case 'broken':
        return state.loaded;
    }
  }

  /** The model once the load in progress settles (the current one when none runs). */
  model(): Promise<LoadedModel> {
    if (this.state.kind === 'unloaded') this.transition({ kind: 'request' });
    const state = this.state;
    switch (state.kind) {
      case 'unloaded':
        return Promise.resolve({ ok: false, message: `The metadata of '${this.config.name}' is not loaded.` });
      case 'opening':
      case 'reloading':
        return state.done;
      case 'completeRead':
        return state.loaded ? Promise.resolve(state.loaded) : state.done;
      case 'readingLazily':
      case 'compact':
      case 'broken':
        return Promise.resolve(state.loaded);
    }
  }

  /** The metadata file changed: read it again (lazily), the previous model answering meanwhile. */
  changed(): void {
    this.transition({ kind: 'changed' });
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** The one place the state changes. */
  private transition(event: LoadEvent, generation = this.generation): void {
    if (this.disposed || generation !== this.generation) return; // a superseded load
    const state = this.state;
    let next: LoadState | undefined;
    switch (event.kind) {
      case 'request':
        if (state.kind === 'unloaded') next = { kind: 'opening', done: this.start(false) };
        break;
      case 'settled':
        if (state.kind === 'opening' || state.kind === 'reloading' || state.kind === 'completeRead') {
          const loaded = event.loaded;
          if (!loaded.ok) next = { kind: 'broken', loaded };
          else if (state.kind === 'completeRead') next = { ...state, loaded };
          else if (loaded.source === 'cache') next = { kind: 'compact', loaded };
          else if (event.lazy) next = { kind: 'readingLazily', loaded };
          else next = { kind: 'completeRead', done: Promise.resolve(loaded), loaded };
          this.settled(loaded);
        }
        break;
      case 'trouble':
        if (state.kind === 'opening' || state.kind === 'reloading' || state.kind === 'readingLazily') {
          const previous = state.kind === 'readingLazily' ? state.loaded : state.kind === 'reloading' ? state.previous : undefined;
          this.generation++;
          next = { kind: 'completeRead', done: this.start(true), previous };
          this.hooks.onReloaded();
        }
        break;
      case 'encoded':
        if (state.kind === 'readingLazily') {
          let model: ModelIndex | undefined;
          try {
            model = createModelIndex(event.document);
          } catch (error) {
            // Not expected (the index was just encoded): the lazily read model stays.
            this.hooks.onError?.(`The compact index of '${this.config.name}' could not be used: ${describe(error)}`);
          }
          if (model) {
            next = { kind: 'compact', loaded: { ...state.loaded, model } };
            this.hooks.onModel?.(model);
          }
        }
        break;
      case 'changed':
        if (state.kind !== 'unloaded') {
          const previous = this.current();
          this.generation++;
          next = { kind: 'reloading', done: this.start(false), previous: previous?.ok ? previous : undefined };
        }
        this.hooks.onReloaded();
        break;
    }
    if (next === undefined) return;
    this.state = next;
    this.hooks.onTransition?.(state.kind, next.kind, event.kind);
  }

  /** Start a load of the current generation: lazily (with an index cache), or the whole XML at once. */
  private start(complete: boolean): Promise<LoadedModel> {
    const generation = this.generation;
    const { config, hooks } = this;
    const lazy = hooks.cacheDirectory !== undefined && !complete;
    hooks.onStatus({ name: config.name, state: 'loading' });
    const done = loadModel(
      config,
      hooks.cacheDirectory,
      complete,
      // Out of the reader's call stack: the reader finishes what it was doing first.
      () => setImmediate(() => this.dispatch({ kind: 'trouble' }, generation)),
      (document) => this.dispatch({ kind: 'encoded', document }, generation),
      (message) => hooks.onLog?.(message),
      // Out of the request that found the damage: it is answered from what is valid first.
      () => setImmediate(() => this.dispatch({ kind: 'changed' }, generation)),
    ).catch((error: unknown): LoadedModel => {
      hooks.onError?.(`Loading the metadata of '${config.name}' failed: ${describe(error)}`);
      return { ok: false, message: `The metadata of '${config.name}' could not be read (${describe(error)}). Download it again, or fix ${config.metadataFile}.` };
    });
    void done.then((loaded) => this.dispatch({ kind: 'settled', loaded, lazy }, generation));
    return done;
  }

  /** A transition from a callback: what goes wrong is reported, never thrown into the event loop. */
  private dispatch(event: LoadEvent, generation: number): void {
    try {
      this.transition(event, generation);
    } catch (error) {
      this.hooks.onError?.(`The metadata load of '${this.config.name}' failed on '${event.kind}': ${describe(error)}`);
    }
  }

  /** A load settled: say so, hand the model on, and watch the file from now on. */
  private settled(loaded: LoadedModel): void {
    const name = this.config.name;
    if (loaded.ok) this.hooks.onModel?.(loaded.model);
    this.hooks.onStatus(
      loaded.ok ? { name, state: 'ready', message: `${loaded.model.entitySets().length} entity sets` } : { name, state: 'error', message: loaded.message },
    );
    this.watch();
  }

  private watch(): void {
    if (this.watcher) return;
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.watcher = watch(this.config.metadataFile, { persistent: false }, () => {
        clearTimeout(timer);
        timer = setTimeout(() => this.dispatch({ kind: 'changed' }, this.generation), 200);
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // A missing file cannot be watched; the error diagnostic already says what to do.
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const pauseForRequests = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The metadata file's text and the fingerprint of the bytes read. Its own function, so that the bytes are
 * not held by the load's frame while it reads the text (an async function keeps its locals across awaits).
 */
async function readText(file: string): Promise<{ xml: string; source: SourceFingerprint }> {
  const read = await readWithFingerprint(file);
  return { xml: read.bytes.toString('utf8'), source: read.source };
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
export async function loadModel(
  environment: EnvironmentConfig,
  cacheDirectory: string | undefined,
  complete: boolean,
  onTrouble: () => void,
  onCompact: (document: CsdlDocument) => void,
  log: (message: string) => void = () => undefined,
  onCacheDamaged: () => void = () => undefined,
): Promise<LoadedModel> {
  // Only a regular file: opening a pipe would wait forever, a device may never end.
  try {
    // Synchronous: a warm start's first use of the thread pool (here) made it start its threads, ~1.3 ms before the load.
    if (!statSync(environment.metadataFile).isFile()) {
      return {
        ok: false,
        message: `The metadata file of '${environment.name}' (${environment.metadataFile}) is not a file. Point metadataFile at a saved $metadata document, or download the metadata again.`,
      };
    }
  } catch (error) {
    return openError(environment, error);
  }
  if (cacheDirectory !== undefined && anyIndexCache(environment.metadataFile, cacheDirectory)) {
    let current: SourceFingerprint;
    try {
      current = await fingerprint(environment.metadataFile);
    } catch (error) {
      return openError(environment, error);
    }
    const cached = await readIndexCache(
      environment.metadataFile,
      current,
      cacheDirectory,
      (path, reason) => log(`The index cache ${path} is ignored: ${reason}. The metadata is read from ${environment.metadataFile}.`),
      // A part of the cache first read after the load turned out damaged: the cache is deleted, the XML read again.
      (path, reason) => {
        log(`The index cache ${path} is damaged (${reason}): it is deleted, and the metadata is read again from ${environment.metadataFile}.`);
        onCacheDamaged();
      },
    );
    if (cached !== undefined) {
      try {
        return { ok: true, model: createModelIndex(cached), source: 'cache' };
      } catch (error) {
        log(`The index cache of ${environment.metadataFile} is ignored: ${error instanceof Error ? error.message : String(error)}.`);
      }
    }
  }
  // The fingerprint of a cache written later is that of the bytes read here.
  let xml: string;
  let source: SourceFingerprint;
  try {
    ({ xml, source } = await readText(environment.metadataFile));
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
    // The background pass takes the document from here: once it is encoded, nothing in this load holds
    // it (nor the XML its strings are cut from), so the swap to the compact model lets both go.
    const errors = document.errors;
    const box: { document?: CsdlDocument } = { document };
    const cacheWritten =
      cacheDirectory !== undefined
        ? cacheInBackground(
            environment.metadataFile,
            source,
            () => {
              const taken = box.document;
              box.document = undefined;
              return taken;
            },
            cacheDirectory,
            () => {
              // Every type has been read for the cache now: what the lazy read could not see up front.
              const trouble = broken || errors.some((error) => error.severity === 'error');
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
  // Damage outside the types: the complete read reports it as it always did (and reads what the lazy read may not).
  if (lazy) onTrouble();
  const where = fatal.position ? ` at line ${fatal.position.line}, column ${fatal.position.column}` : '';
  return { ok: true, model, problem: `The metadata of '${environment.name}' is damaged${where} (${fatal.message}); what came before it is used. Download it again.`, source: 'xml' };
}

/**
 * Write the index cache after the requests waiting for the model have been answered; never rejects.
 * `onEncoded` gets the index read back from the cache's bytes: fresh strings, none cut from the XML.
 */
async function cacheInBackground(
  metadataFile: string,
  source: SourceFingerprint,
  take: () => CsdlDocument | undefined,
  cacheDirectory: string,
  accept: () => boolean,
  onEncoded: (index: CompactIndexBytes) => void,
): Promise<string | undefined> {
  let releaseYoungGeneration: (() => void) | undefined;
  try {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (!(await unchangedSince(metadataFile, source))) return undefined;
    // The pass's garbage is collected young and often instead of growing the young generation for good.
    releaseYoungGeneration = holdYoungGeneration();
    const body = await encodeIndexCacheBody(take, accept);
    if (body === undefined) return undefined;
    // Written first, so that the bytes can go before the index is read back from them (a lower peak).
    const written = await writeIndexCacheBody(metadataFile, source, body, cacheDirectory);
    // The encoder's tables are garbage once the bytes are made: collect them before the index is read back.
    collectGarbage();
    // The compact model keeps the body: its sections are read from it as used.
    onEncoded(compactIndexFromBytes(body));
    // The lazily read model and the XML are garbage now: give their memory back.
    collectGarbage();
    return written;
  } catch {
    // Not expected (what is called catches what it can meet); the next start reads the XML again.
    return undefined;
  } finally {
    releaseYoungGeneration?.();
  }
}
