/**
 * Priming: once an environment's model is ready, complete and check a small request against it in the
 * background, so that the person's first keystrokes do not pay for what every first use costs (the
 * path-start entries of the model, the member entries of a type, the engine compiling the completion and
 * checking code). Measured on the 30 MB F&O document: the first completions at new positions took
 * 8-12 ms before, against ~1 ms once primed.
 *
 * Then the largest types (LARGE_TYPE_MEMBERS), one per slice: a Dataverse `systemuser` has thousands of navigation properties
 * (every lookup to a user has its reverse), and every entity's `ownerid`, `createdby` and `modifiedby` lead
 * there, so its first completion (decoding its members from the compact model, making and sorting their
 * entries) took 8-25 ms in the middle of someone's typing (issue 15).
 */
import { createODataDocument, type EntitySet, type LanguageService, type ModelIndex, type StructuredType } from '../odata/index';
import { declaredMemberCount } from '../odata/csdl/compactIndex';
import type { FlavorName } from '../protocol';
import { COMPLETION_LIMIT } from './languageFeatures';
import { collectGarbage } from './memory';

/**
 * A type declaring at least this many members is completed once ahead of time, the largest few of them: each costs
 * the warm server's peak RSS (measured on the Dataverse-at-scale bench: +2 MB for its one such type, +3-5 MB with the
 * next three of 500-1,000 members), and its first completion costs a few ms at most below this size.
 */
export const LARGE_TYPE_MEMBERS = 1000;
export const LARGE_TYPES_PRIMED = 4;

/** Complete at each offset of a request on `set`, and check it. */
function completeAt(service: LanguageService, model: ModelIndex, flavor: FlavorName, text: string, offsets: number[]): void {
  const document = createODataDocument('untitled:prime.odata', text);
  const context = { model, flavor, completionLimit: COMPLETION_LIMIT };
  for (const offset of offsets) service.complete(document, offset, context);
  service.validate(document, context);
}

/**
 * A request on the first entity set with the shapes first keystrokes meet: a path, a select list, a filter
 * with a number and `and`, an order with its direction. (Not an expand: decoding the first type's navigation
 * properties and their target for it raised the warm server's peak RSS by 2 MB on the Dataverse-at-scale bench.)
 */
export function primeCompletion(service: LanguageService, model: ModelIndex, flavor: FlavorName): void {
  const set = model.entitySets()[0];
  const type = set ? model.findStructuredType(set.entityType) : undefined;
  if (!set || !type) return;
  const property = model.properties(type)[0]?.name ?? 'x';
  const text = `GET ${set.name}?$select=${property},${property}&$filter=${property} ne null and ${property} eq 1&$orderby=${property} desc\n`;
  const select = text.indexOf('$select=') + 8;
  const filter = text.indexOf('$filter=') + 8;
  const offsets = [4, 4 + set.name.length, select, text.indexOf(',') + 1, filter, text.indexOf(' ne ') + 1, text.indexOf(' ne ') + 4, text.indexOf(' and ') + 5];
  offsets.push(text.indexOf('$orderby=') + 9, text.indexOf(' desc') + 1, select - 8);
  completeAt(service, model, flavor, text, offsets);
}

/**
 * The entity sets of the largest types (one set per type, largest first): those declaring at least
 * LARGE_TYPE_MEMBERS members, at most LARGE_TYPES_PRIMED of them. Only types whose member count is known
 * without reading them (declaredMemberCount): priming never reads a lazily read XML model's types.
 */
export function largeTypeSets(model: ModelIndex): { set: EntitySet; type: StructuredType }[] {
  const found = new Map<StructuredType, { set: EntitySet; type: StructuredType; count: number }>();
  for (const set of model.entitySets()) {
    const type = model.findStructuredType(set.entityType);
    if (!type || found.has(type)) continue;
    const count = declaredMemberCount(type);
    if (count !== undefined && count >= LARGE_TYPE_MEMBERS) found.set(type, { set, type, count });
  }
  return [...found.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, LARGE_TYPES_PRIMED)
    .map(({ set, type }) => ({ set, type }));
}

/**
 * Complete in the select list of a request on a large type's set: that decodes its members and makes their entries
 * (a lookup's entry reads the navigation properties), what a select in an expand to it (`ownerid($select=`) needs.
 * Only there: completing its expand and filter too raised a warm server's peak RSS by 7-9 MB on the
 * Dataverse-at-scale bench, against ~2 MB for the select alone.
 */
export function primeLargeType(service: LanguageService, model: ModelIndex, flavor: FlavorName, set: EntitySet, type: StructuredType): void {
  const property = model.properties(type)[0]?.name ?? 'x';
  const text = `GET ${set.name}?$select=${property}\n`;
  completeAt(service, model, flavor, text, [text.indexOf('$select=') + 8]);
}

/**
 * Everything above, in the background: the small request first, then one large type per turn of the event
 * loop, so that requests arriving meanwhile wait for one slice at most. Errors go to `onError`.
 */
export function primeInBackground(service: LanguageService, model: ModelIndex, flavor: FlavorName, onError: (error: unknown) => void): void {
  let queue: { set: EntitySet; type: StructuredType }[] | undefined;
  let large = false;
  const step = (): void => {
    try {
      if (queue === undefined) {
        primeCompletion(service, model, flavor);
        queue = largeTypeSets(model);
        large = queue.length > 0;
      } else {
        const next = queue.shift();
        if (next) primeLargeType(service, model, flavor, next.set, next.type);
      }
    } catch (error) {
      onError(error);
      return;
    }
    if (queue.length > 0) setTimeout(step, 0);
    // Once large types were primed, what priming made stays (their decoded members, their member entries) and is
    // still in the young generation: a full collection now moves it to the old one while nobody waits, instead of
    // the first scavenges during someone's typing copying it (5.7 MB, a 13-20 ms pause, on the Dataverse-at-scale bench).
    else if (large) setTimeout(collectGarbage, 0);
  };
  setTimeout(step, 20);
}
