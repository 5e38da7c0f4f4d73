/**
 * Loading one environment's metadata: from its index cache when valid, else from the XML (then cached).
 * See environments.ts for how the loads are used.
 */
import { createModelIndex, readCsdlIncrementally, readCsdlLazily, type CsdlDocument } from '../odata/index';
import { decodeCompactIndex, type CompactIndex } from '../odata/csdl/compactIndex';
import type { EnvironmentConfig } from '../protocol';
import type { LoadedModel } from './environments';
import { anyIndexCache, fingerprint, readIndexCache, readWithFingerprint, unchangedSince, writeIndexCache, type SourceFingerprint } from './indexCache';

const pauseForRequests = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
