/**
 * Every query of ../shared/corpus/queries/real-queries.txt (Microsoft's documentation and public code)
 * binds without a false error: Dataverse ones against the real CRM $metadata, F&O and BC ones against
 * the project's fixtures (test/fixtures/metadata/fno-sample.xml, bc-sample.xml). Nothing is skipped.
 *
 * Placeholders of the documentation (`<systemuserid value>`, `{id}`, `{GUID}`) are replaced by a GUID;
 * fragments (`$filter=…`, a bare expression) are completed with `accounts?`. Two Dataverse queries of public
 * code use custom columns (`new_…`, `msdyn_…`) that the 2016-era CRM file does not have: there the only
 * errors allowed are `unknown-property` on exactly those columns (a true error against that schema, and proof
 * that the binder found each of them, including inside a LastXDays PropertyName string).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test, after } from 'node:test';
import { check, corpus, crmModel, describe, guid, modelFromXml, projectRoot } from './binderHarness';
import type { Flavor, ModelIndex } from '../../../server/src/odata/index';

interface RealQuery {
  lineNumber: number;
  source: string;
  original: string;
  flavor: Flavor;
  url: string;
  /** Documented by Microsoft as not supported: expected to error. */
  notSupported: boolean;
}

const lines = readFileSync(join(corpus, 'queries', 'real-queries.txt'), 'utf8').split('\n');

function flavorOf(source: string): Flavor {
  if (/unified-operations|F&O/.test(source)) return 'fno';
  if (/\bBC\b|businesscentral/i.test(source)) return 'bc';
  return 'dataverse';
}

/** Replaces the documentation's placeholders and completes fragments. */
export function prepare(url: string, flavor: Flavor): string {
  let text = url
    .replace(/<systemuserid value>/g, guid)
    .replace(/\{GUID\}/g, guid)
    .replace(/\(\{\w+\}\)/g, `(${guid})`)
    .replace(/'<value>'/g, "'US-001'")
    .replace(/^(GET|POST|PATCH|PUT|DELETE)\s+/, '');
  if (flavor === 'fno') text = text.replace(/^.*?\/data\//i, '');
  if (flavor === 'bc') text = text.replace(/^.*?\/api\/v2\.0\//, '');
  if (flavor !== 'dataverse') return text;
  if (text.startsWith('$filter: ')) return `accounts?$filter=${text.slice('$filter: '.length)}`;
  if (text.startsWith('$')) return `accounts?${text}`;
  if (text.startsWith('?')) return `accounts${text}`;
  if (/^(contains|startswith|endswith|not)\b/.test(text)) return `accounts?$filter=${text}`;
  return text;
}

const queries: RealQuery[] = lines
  .map((line, i) => ({ line, lineNumber: i + 1 }))
  .filter(({ line }) => line.includes('\t'))
  .map(({ line, lineNumber }) => {
    const [source, raw] = line.split('\t') as [string, string];
    const notSupported = raw.includes('[documented as NOT supported]');
    const original = raw.replace(/\s*\[documented as NOT supported\]\s*$/, '').trim();
    const flavor = flavorOf(source);
    return { lineNumber, source, original, flavor, url: prepare(original, flavor), notSupported };
  });

function fixture(name: string): { model: ModelIndex; origin: string } {
  const path = join(projectRoot, 'test', 'fixtures', 'metadata', name);
  return { model: modelFromXml(name, readFileSync(path, 'utf8')), origin: `test/fixtures/metadata/${name}` };
}

const modelsByFlavor = {
  dataverse: { model: crmModel(), origin: '../shared/corpus/metadata/simpleodata__crm_schema.xml' },
  fno: fixture('fno-sample.xml'),
  bc: fixture('bc-sample.xml'),
} as Record<Flavor, { model: ModelIndex; origin: string }>;

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The custom columns (`new_…`, `msdyn_…`, not in the 2016 CRM schema) a Dataverse query names, sorted. */
function customColumns(query: RealQuery): string[] {
  if (query.flavor !== 'dataverse') return [];
  return [...new Set(decoded(query.url).match(/\b(?:new|msdyn)_\w+/g) ?? [])].sort();
}

/** Why the query's model lacks what the query addresses (its entity set, or the BC company entity), if it does. */
function missingFromModel(query: RealQuery, model: ModelIndex): string | undefined {
  const path = query.url.replace(/^\[Organization URI\]\/api\/data\/v9\.2\//, '').replace(/^\//, '');
  const first = /^[A-Za-z_][\w.]*/.exec(path)?.[0];
  if (first && !model.findEntitySet(first) && !model.findSingleton(first) && !model.findFunctionImport(first)) {
    return `entity set '${first}' does not exist in ${modelsByFlavor[query.flavor].origin}`;
  }
  return query.flavor === 'bc' ? missingCompanyEntity(path, model, modelsByFlavor.bc.origin) : undefined;
}

/** Business Central: the entity under companies(...) must exist in the model used. */
function missingCompanyEntity(path: string, model: ModelIndex, origin: string): string | undefined {
  const entity = /^companies\([^)]*\)\/([A-Za-z_]\w*)/.exec(path)?.[1];
  const companies = model.findEntitySet('companies');
  const companyType = companies && model.findStructuredType(companies.entityType);
  if (entity && companyType && !model.findNavigationProperty(companyType, entity)) {
    return `'${entity}' is not an entity of companies in ${origin}`;
  }
  return undefined;
}

const results = { bound: 0, customColumn: [] as string[], notSupported: [] as string[] };

suite('real queries from Microsoft docs bind without false errors', () => {
  for (const query of queries) {
    const { model } = modelsByFlavor[query.flavor];
    test(`line ${query.lineNumber} (${query.flavor}): ${query.original.slice(0, 110)}`, () => {
      assert.equal(missingFromModel(query, model), undefined, `the model lacks what line ${query.lineNumber} addresses`);
      const diagnostics = check(query.url, { model, flavor: query.flavor });
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (query.notSupported) {
        assert.ok(errors.length > 0, `expected an error for the documented-unsupported query ${query.url}`);
        results.notSupported.push(`line ${query.lineNumber}: ${errors.map((e) => `${e.code} (${e.message})`).join('; ')}`);
        return;
      }
      const custom = customColumns(query);
      if (custom.length > 0) {
        const context = `for ${query.url}\n${describe(query.url, errors)}`;
        assert.deepEqual(errors.map((e) => e.code), custom.map(() => 'unknown-property'), `only unknown-property on the custom columns ${context}`);
        const named = errors.map((e) => decoded(query.url.slice(e.span.start, e.span.end)).replace(/^'(.*)'$/, '$1')).sort();
        assert.deepEqual(named, custom, `the errors' ranges name exactly the custom columns ${context}`);
        results.customColumn.push(`line ${query.lineNumber}: ${custom.join(', ')}`);
        return;
      }
      assert.deepEqual(errors, [], `false errors for ${query.url}\n${describe(query.url, errors)}`);
      results.bound++;
    });
  }
});

after(() => {
  console.log(
    `\nreal queries: ${queries.length} in all, ${results.bound} bound with zero errors, ` +
      `${results.customColumn.length} with custom columns erroring only on them, ` +
      `${results.notSupported.length} documented-unsupported erroring as expected`,
  );
  for (const line of results.customColumn) console.log(`  custom columns unknown to the 2016 CRM schema (expected) ${line}`);
  for (const line of results.notSupported) console.log(`  not supported (expected) ${line}`);
});

test('the corpus was read', () => {
  assert.ok(queries.length >= 60, `only ${queries.length} queries`);
  assert.ok(queries.filter((q) => q.flavor === 'dataverse').length >= 45);
});
