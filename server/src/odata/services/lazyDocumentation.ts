/**
 * Completion documentation computed when it is needed, not when the item is made: the path-start list of
 * a Finance & Operations model has 1,200 entity sets, each documented from its entity type's annotations,
 * and reading those for every type would read every type of a lazily read model (csdl/csdlReader.ts
 * readCsdlLazily) before the first answer. The editor asks for the documentation of the one item it
 * shows (`completionItem/resolve`); `documentationSource` hands that over unevaluated.
 *
 * The function sits under a symbol key: not part of the item as JSON, and no cost to the items that
 * never need it (a getter or a side table per item made every keystroke's garbage slower to collect).
 *
 * Pure: no I/O.
 */
import type { CompletionItem } from 'vscode-languageserver-types';

type Documentation = CompletionItem['documentation'];

const LAZY_DOCUMENTATION = Symbol('lazyDocumentation');

interface WithLazyDocumentation {
  [LAZY_DOCUMENTATION]?: () => Documentation;
}

/** Give `item` documentation that `documentationSource`/`resolveDocumentation` compute when asked. */
export function setLazyDocumentation(item: CompletionItem, compute: () => Documentation): void {
  (item as WithLazyDocumentation)[LAZY_DOCUMENTATION] = compute;
}

/** The item's documentation as a function to call later (not computed yet when it is lazy). */
export function documentationSource(item: CompletionItem): () => Documentation {
  const compute = (item as WithLazyDocumentation)[LAZY_DOCUMENTATION];
  if (compute !== undefined) return compute;
  const value = item.documentation;
  return () => value;
}

/** The item with its documentation computed now (for a client that cannot resolve items). */
export function resolveDocumentation(item: CompletionItem): CompletionItem {
  const compute = (item as WithLazyDocumentation)[LAZY_DOCUMENTATION];
  if (compute !== undefined) {
    delete (item as WithLazyDocumentation)[LAZY_DOCUMENTATION];
    const documentation = compute();
    if (documentation !== undefined) item.documentation = documentation;
  }
  return item;
}
