/**
 * Priming: once an environment's model is ready, complete and check a small request against it in the
 * background, so that the person's first keystrokes do not pay for what every first use costs (the
 * path-start entries of the model, the member entries of a type, the engine compiling the completion and
 * checking code). Measured on the 30 MB F&O document: the first completions at new positions took
 * 8-12 ms before, against ~1 ms once primed.
 */
import { createODataDocument, type LanguageService, type ModelIndex } from '../odata/index';
import type { FlavorName } from '../protocol';
import { COMPLETION_LIMIT } from './languageFeatures';

export function primeCompletion(service: LanguageService, model: ModelIndex, flavor: FlavorName): void {
  const set = model.entitySets()[0];
  const type = set ? model.findStructuredType(set.entityType) : undefined;
  if (!set || !type) return;
  const property = model.properties(type)[0]?.name ?? 'x';
  const text = `GET ${set.name}?$select=${property}&$filter=${property} ne null&$orderby=${property}\n`;
  const document = createODataDocument('untitled:prime.odata', text);
  const context = { model, flavor, completionLimit: COMPLETION_LIMIT };
  const select = text.indexOf('$select=') + 8;
  const filter = text.indexOf('$filter=') + 8;
  for (const offset of [4, 4 + set.name.length, select, filter, text.indexOf(' ne ') + 1, text.indexOf(' ne ') + 4, text.indexOf('$orderby=') + 9, select - 8]) {
    service.complete(document, offset, context);
  }
  service.validate(document, context);
}
