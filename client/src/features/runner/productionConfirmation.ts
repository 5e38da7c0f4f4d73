/**
 * The production confirmation's question (issue 12, item 5): a write to a production environment asks first, on every
 * path that sends (a single send, Send all, Send again from the panel or the History), and a `$batch` says how many
 * reads and writes it holds. Pure: runnerCommands.ts shows the question.
 */
import { batchReadsAndWrites } from './http/batch';
import { isWriteMethod } from './http/prepare';
import { redactUrl } from './redaction';
import type { PreparedRequest } from './types';

/**
 * What the production confirmation asks about a request, or undefined when it needs no confirmation: a write to a
 * production environment, including a `$batch` that holds writes (with how many reads and writes it holds).
 */
export function productionQuestion(request: PreparedRequest, options: { again?: boolean } = {}): { message: string; detail: string } | undefined {
  if (!request.environment.production || !isWriteMethod(request.method)) return undefined;
  const batch = batchReadsAndWrites(request);
  if (batch && batch.writes === 0 && batch.reads > 0) return undefined;
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const what = batch ? `this $batch (${plural(batch.reads, 'read')} and ${plural(batch.writes, 'write')})` : `${request.method} ${redactUrl(request.url)}`;
  return {
    message: `"${request.environment.name}" is a production environment. ${options.again ? 'Send again' : 'Send'} ${what}?`,
    detail: batch
      ? `This $batch holds ${plural(batch.reads, 'read')} and ${plural(batch.writes, 'write')}: the writes change data.`
      : 'This request changes data. Environments are marked production in the dynamicsOData.environments setting.',
  };
}
