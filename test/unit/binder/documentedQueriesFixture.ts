/**
 * Reads test/fixtures/queries/documented-queries.tsv (flavour<TAB>source<TAB>query) and turns a documented query
 * into a URL the checker can take: placeholders of the documentation replaced, fragments (`$filter=…`) completed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guid, projectRoot } from './binderHarness';

export type Source = 'dataverse' | 'bc' | 'fno' | 'oasis';

export interface DocumentedQuery {
  line: number;
  flavour: Source;
  source: string;
  query: string;
}

const fixture = join(projectRoot, 'test', 'fixtures', 'queries', 'documented-queries.tsv');

export function documentedQueries(): DocumentedQuery[] {
  return readFileSync(fixture, 'utf8')
    .split('\n')
    .map((text, i) => ({ text, line: i + 1 }))
    .filter(({ text }) => text.trim() !== '' && !text.startsWith('#'))
    .map(({ text, line }) => {
      const [flavour, source, query] = text.split('\t') as [Source, string, string];
      return { line, flavour, source, query };
    });
}

const bcCompanyPage = "https://localhost:7048/BC/ODataV4/Company('CRONUS International Ltd.')/Power_BI_Customer_List";

/** Replaces the documentation's placeholders and completes fragments (`$filter=…`) with a resource. */
export function prepare(q: DocumentedQuery): string {
  let text = q.query
    .replace(/<systemuserid value>/g, guid)
    .replace(/\{GUID\}/g, guid)
    .replace(/\{businesscentralPrefix\}/g, 'api.businesscentral.dynamics.com/v2.0/tenant/production')
    .replace(/<serverinstance>/g, 'BC')
    .replace(/'<value>'/g, "'US-001'")
    .replace(/\((\{\w+\}|[a-z]\w*Id)\)/g, `(${guid})`)
    .replace(/\{\w+\}/g, guid);
  if (q.flavour === 'dataverse') {
    if (text.startsWith('$')) text = `accounts?${text}`;
    else if (text.startsWith('?')) text = `accounts${text}`;
    else if (/^(contains|startswith|endswith|not)\b/.test(text)) text = `accounts?$filter=${text}`;
  }
  if (q.flavour === 'bc' && text.startsWith('$')) text = `${bcCompanyPage}?${text}`;
  return text;
}

