/**
 * CSDL XML reader: EDMX/CSDL 4.0 and 4.01 text -> CsdlDocument.
 *
 * Streaming: one pass of the fast scanner (xmlScanner.ts) over a well-formed document, else of saxes
 * (namespaces on), which also diagnoses malformed XML; the model is built directly from the events; no DOM.
 * Aliases (schema `Alias` and `edmx:Include Alias`) are resolved in every qualified name the reader
 * stores: type references, base types, terms, annotation targets, enum member paths, record types,
 * binding paths and targets, import targets. Aliases are collected by a cheap pre-scan before the
 * pass, so a schema may use an alias declared further down the document.
 *
 * Never throws: malformed XML stops the pass with an `xml-malformed` error (everything read before
 * it is kept), a non-EDMX document gives `not-edmx`, elements without their required attributes are
 * skipped with `missing-attribute`.
 *
 * Pure: no I/O.
 *
 * This file holds the public functions. The reader itself: readerCore.ts (the document walk, the two XML
 * drivers, lazily read types), readerState.ts (context stack, positions, errors, aliases), and the parts it
 * hands elements to: readTypes.ts, readOperations.ts, readContainer.ts, readAnnotations.ts.
 */
import type { CsdlDocument, StructuredType } from './model';
import { makeError } from './readerState';
import { Reader, unreadMembers, type StructuredMembers } from './readerCore';

export { EDMX_NS, EDM_NS, type StructuredMembers } from './readerCore';

/** Read an EDMX (CSDL XML) document. Never throws; problems are in `errors`. */
export function readCsdl(xml: string): CsdlDocument {
  const doc = precheck(xml);
  if (doc.errors.length > 0) return doc;
  if (new Reader(xml, doc).runFast()) return doc;
  return readCsdlWithSaxes(xml);
}

/** `readCsdl` with the general XML parser only (no fast scanner): the reference the fast path is tested against. */
export function readCsdlWithSaxes(xml: string): CsdlDocument {
  const doc = precheck(xml);
  if (doc.errors.length === 0) new Reader(xml, doc).run();
  return doc;
}

/**
 * `readCsdl` in slices of `sliceLength` characters, awaiting `pause()` between slices so that the host
 * (the language server) keeps answering while a large document is read. Same result as `readCsdl`.
 */
export async function readCsdlIncrementally(xml: string, pause: () => Promise<void>, sliceLength = 1 << 19): Promise<CsdlDocument> {
  const slice = Math.max(1, sliceLength);
  const doc = precheck(xml);
  if (doc.errors.length > 0) return doc;
  if (await new Reader(xml, doc).runFastIncrementally(pause, slice)) return doc;
  const again = precheck(xml);
  await new Reader(xml, again).runIncrementally(pause, slice);
  return again;
}

export interface LazyReadOptions {
  /**
   * Called once when the content of a type, read on first use, turns out not to be well-formed: what was
   * read of it is used, and the caller should read the document again with `readCsdl`/`readCsdlIncrementally`
   * for the exact error and its position.
   */
  onBroken?: (message: string) => void;
}

/**
 * `readCsdlIncrementally`, except that the content of every EntityType and ComplexType (its key,
 * properties, navigation properties and annotations) is read on first use, from the text it keeps: the
 * first pass reads only the document's skeleton, a fraction of the work on a large document.
 *
 * The document is the same as `readCsdl`'s once every type is read, with two differences in `errors`:
 * problems inside a type's content are added when it is read, and content that is not well-formed XML
 * is reported through `onBroken` (the pass over the skeleton checks only that the document's outline is).
 * `peekStructuredMembers` reads a type's content without keeping it (to encode a cache, say).
 */
export async function readCsdlLazily(
  xml: string,
  pause: () => Promise<void>,
  options: LazyReadOptions = {},
  sliceLength = 1 << 19,
): Promise<CsdlDocument> {
  const slice = Math.max(1, sliceLength);
  const doc = precheck(xml);
  if (doc.errors.length > 0) return doc;
  const reader = new Reader(xml, doc);
  reader.lazyTypes = options.onBroken ?? ((): void => undefined);
  if (await reader.runFastIncrementally(pause, slice)) return doc;
  const again = precheck(xml);
  await new Reader(xml, again).runIncrementally(pause, slice);
  return again;
}

/**
 * The members of a structured type: the type's own when they are read (always, but for a type of
 * `readCsdlLazily` not used yet), else read now from its text without keeping them on the type.
 */
export function peekStructuredMembers(type: StructuredType): StructuredMembers {
  const read = unreadMembers.get(type);
  return read !== undefined ? read() : type;
}

/** A fresh document, with an error already when the input cannot be CSDL XML at all. */
function precheck(xml: string): CsdlDocument {
  const doc: CsdlDocument = { version: '', references: [], schemas: [], errors: [] };
  if (typeof xml !== 'string') {
    doc.errors.push(makeError('not-edmx', 'The metadata document is not text.', undefined, 'error'));
    return doc;
  }
  const first = firstNonSpace(xml);
  if (first < 0) {
    doc.errors.push(makeError('not-edmx', 'The metadata document is empty.', undefined, 'error'));
    return doc;
  }
  const c0 = xml.charCodeAt(first);
  if (c0 === 0x7b /* { */ || c0 === 0x5b /* [ */) {
    doc.errors.push(
      makeError(
        'not-edmx',
        'The document looks like JSON; expected CSDL XML (an edmx:Edmx document as served by $metadata).',
        { line: 1, column: first + 1, offset: first },
        'error',
      ),
    );
  }
  return doc;
}

function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return i;
  }
  return -1;
}
