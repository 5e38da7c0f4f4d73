/**
 * Schema drift as people read it: grouped by the entity set a change touches, and rendered as text or Markdown.
 * Pure.
 */
import type { ModelIndex } from '../csdl/modelIndex';
import { summarizeChanges, type SchemaChange } from './schemaDiff';

export interface ChangeGroup {
  /** An entity set name, or a label for what no entity set holds ("Operations", "Other types"…). */
  title: string;
  entitySet?: string;
  changes: SchemaChange[];
}

const MEMBER_KINDS = new Set(['property', 'navigationProperty', 'key', 'alternateKey', 'entityType']);

/**
 * Groups changes by the entity sets whose type they touch (a change to `account/name` goes under `accounts`;
 * a type used by two sets shows under both). Set-level changes go under their set; the rest under fixed headings.
 */
export function groupByEntitySet(changes: readonly SchemaChange[], before: ModelIndex, after: ModelIndex): ChangeGroup[] {
  const setsOfType = new Map<string, Set<string>>();
  for (const index of [before, after]) {
    for (const set of index.entitySets()) {
      const type = index.findStructuredType(set.entityType);
      for (const name of [set.entityType, type?.name].filter((n): n is string => !!n)) {
        let sets = setsOfType.get(name);
        if (!sets) setsOfType.set(name, (sets = new Set()));
        sets.add(set.name);
      }
    }
  }
  const groups = new Map<string, ChangeGroup>();
  const add = (title: string, change: SchemaChange, entitySet?: string) => {
    let group = groups.get(title);
    if (!group) groups.set(title, (group = { title, ...(entitySet ? { entitySet } : {}), changes: [] }));
    group.changes.push(change);
  };
  for (const change of changes) {
    if (change.kind === 'entitySet') {
      add(change.path, change, change.path);
      continue;
    }
    if (MEMBER_KINDS.has(change.kind)) {
      const typeName = change.path.split(/[/(]/)[0]!;
      const sets = setsOfType.get(typeName);
      if (sets && sets.size) {
        for (const set of [...sets].sort()) add(set, change, set);
        continue;
      }
      add(change.kind === 'entityType' ? 'Entity types without an entity set' : 'Types without an entity set', change);
      continue;
    }
    const heading: Record<string, string> = {
      singleton: 'Singletons',
      operationImport: 'Operation imports',
      operation: 'Operations',
      complexType: 'Complex types',
      enumType: 'Enum types',
      enumMember: 'Enum types',
    };
    add(heading[change.kind] ?? 'Other', change);
  }
  const fixed = (g: ChangeGroup) => (g.entitySet ? 0 : 1);
  return [...groups.values()].sort((a, b) => fixed(a) - fixed(b) || a.title.localeCompare(b.title));
}

function line(c: SchemaChange): string {
  const sign = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
  const what = c.change === 'changed' ? `${c.before ?? ''} → ${c.after ?? ''}` : (c.after ?? c.before ?? '');
  return `${sign} ${c.breaking ? 'BREAKING ' : ''}${c.kind} ${c.path}${what ? `: ${what}` : ''}${c.reason && c.breaking ? ` (${c.reason})` : ''}`;
}

export function summaryLine(changes: readonly SchemaChange[]): string {
  const s = summarizeChanges(changes);
  if (changes.length === 0) return 'No differences.';
  return `${changes.length} change(s): ${s.added} added, ${s.removed} removed, ${s.changed} changed; ${s.breaking} breaking.`;
}

export function diffAsText(changes: readonly SchemaChange[]): string {
  return [...changes.map(line), summaryLine(changes)].join('\n') + '\n';
}

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[`*_[\]<>]/g, (ch) => `\\${ch}`).replace(/\r?\n/g, ' ');
}

export function diffAsMarkdown(changes: readonly SchemaChange[], title = 'Schema differences'): string {
  const rows = changes.map(
    (c) => `| ${c.change} | ${c.breaking ? '**yes**' : 'no'} | ${cell(c.kind)} | \`${c.path.replace(/`/g, "'")}\` | ${cell(c.before)} | ${cell(c.after)} | ${cell(c.reason)} |`,
  );
  return [
    `## ${cell(title)}`,
    '',
    summaryLine(changes),
    '',
    ...(changes.length
      ? ['| change | breaking | kind | path | before | after | why |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows, '']
      : []),
  ].join('\n');
}
