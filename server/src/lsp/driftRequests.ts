/**
 * Schema drift between environments, answered from the models the server holds: "Compare Environments".
 * An unknown environment or a failed load answers `{ error }`, never a thrown error.
 */
import type { Connection } from 'vscode-languageserver';
import { diffSchemas, groupByEntitySet, summarizeChanges } from '../odata/index';
import { compareEnvironments, type CompareEnvironmentsResult, type ExplorerError } from '../protocol';
import type { Environments } from './environments';

export async function compare(environments: Environments, from: unknown, to: unknown): Promise<CompareEnvironmentsResult | ExplorerError> {
  if (typeof from !== 'string' || typeof to !== 'string' || !from || !to) return { error: 'Name two environments to compare.' };
  if (from === to) return { error: `Choose two different environments ('${from}' was given twice).` };
  try {
    const [before, after] = await Promise.all([environments.model(from), environments.model(to)]);
    if (!before.ok) return { error: `${from}: ${before.message}` };
    if (!after.ok) return { error: `${to}: ${after.message}` };
    const changes = diffSchemas(before.model, after.model);
    return { from, to, groups: groupByEntitySet(changes, before.model, after.model), summary: { ...summarizeChanges(changes), total: changes.length } };
  } catch (error) {
    return { error: `The comparison failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export function registerDriftRequests(connection: Connection, environments: Environments): void {
  connection.onRequest(compareEnvironments.type, (params) => compare(environments, params?.from, params?.to));
}
