/**
 * Text the explorer's commands produce, without `vscode`: the starter request for "New query on this entity
 * set" and an entity set's URL (unit-tested in test/unit/explorer/).
 */
import type { EntitySetDetails } from '../../../../server/src/protocol';

/** Properties a starter `$select` lists: the keys first, then the first few plain ones (no `_x_value` lookups). */
export function starterSelect(details: EntitySetDetails | undefined, count = 5): string[] {
  if (!details) return [];
  const keys = details.keys.map((key) => key.name).filter((name) => !name.includes('/'));
  const plain = details.properties
    .filter((p) => !p.isKey && !p.lookupFor && !p.type.startsWith('Collection(') && !/^_.*_value$/.test(p.name))
    .map((p) => p.name);
  return [...keys, ...plain].slice(0, Math.max(count, keys.length));
}

/** An `.odata` document with one runnable request on the set, in the environment it came from. */
export function newQueryText(environment: string, entitySet: string, select: string[]): string {
  const query = [select.length > 0 ? `$select=${select.join(',')}` : undefined, '$top=10'].filter(Boolean).join('&');
  return `@environment = ${environment}\n\n### ${entitySet}\nGET ${entitySet}?${query}\n`;
}

/**
 * A `.fetchxml` query on the set's entity (its entity type's name is the logical name), with the starter
 * attributes, a page of 50 rows and the environment in a comment (read by the runner).
 */
export function newFetchXmlText(environment: string, entityType: string, attributes: string[]): string {
  const logicalName = entityType.slice(entityType.lastIndexOf('.') + 1);
  const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const lines = attributes.length > 0 ? attributes.map((name) => `    <attribute name="${escape(name)}" />`) : ['    <all-attributes />'];
  return [
    `<!-- @environment = ${environment.replace(/--/g, '- -')} -->`,
    '<fetch count="50">',
    `  <entity name="${escape(logicalName)}">`,
    ...lines,
    '  </entity>',
    '</fetch>',
    '',
  ].join('\n');
}

/** The service root joined with a path (one slash between them); the path alone without a root. */
export function serviceUrl(root: string, path: string): string {
  if (!root) return path;
  return root.endsWith('/') ? root + path : `${root}/${path}`;
}
