// The agent tools as pure functions over real metadata (the bundled Dataverse sample and the shared corpus's
// Dataverse org), as a model would call them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModelIndex, readCsdl, type ModelIndex } from '../../../server/src/odata/index';
import {
  agentToolDefinitions,
  MAX_ANSWER_CHARS,
  planReadOnlyQuery,
  redactSecrets,
  runAgentTool,
  type AgentToolContext,
  type FetchXmlCapability,
} from '../../../server/src/odata/agents/index';

const root = join(__dirname, '..', '..', '..');
const load = (file: string): ModelIndex => createModelIndex(readCsdl(readFileSync(file, 'utf8')));
const sample = load(join(root, 'test', 'fixtures', 'metadata', 'dataverse-sample.xml'));
let crm: ModelIndex | undefined;
const crmModel = (): ModelIndex => (crm ??= load(join(root, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml')));

const context = (extra: Partial<AgentToolContext> = {}): AgentToolContext => ({
  environments: [
    { name: 'sample', flavor: 'dataverse', url: 'https://sample.crm.dynamics.com/api/data/v9.2/', state: 'ready', model: sample },
    { name: 'prod', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', production: true, state: 'error', message: 'The metadata file could not be opened: ENOENT.' },
  ],
  defaultEnvironment: 'sample',
  ...extra,
});

test('list_environments names each environment with its flavour, root, load state and production mark', () => {
  const answer = runAgentTool('list_environments', {}, context());
  assert.equal(answer.isError, undefined);
  assert.match(answer.text, /^2 environments \(default: sample\):/);
  assert.match(answer.text, /- sample: dataverse, https:\/\/sample\.crm\.dynamics\.com\/api\/data\/v9\.2\/, not production, metadata loaded \(12 entity sets\)/);
  assert.match(answer.text, /- prod: dataverse, .*, PRODUCTION, metadata not available: The metadata file could not be opened: ENOENT\./);
});

test('find_metadata finds primarycontactid from the words "primary contact", best first', () => {
  const answer = runAgentTool('find_metadata', { query: 'primary contact' }, context());
  const lines = answer.text.split('\n');
  assert.match(lines[0]!, /matches for "primary contact" in 'sample' \(dataverse\)/);
  assert.equal(lines[1], '- navigation account.primarycontactid → contact (lookup column _primarycontactid_value)');
  assert.ok(lines.some((line) => line.startsWith('- property account._primarycontactid_value: Edm.Guid, lookup for primarycontactid → contact — Choose the primary contact')));
});

test('find_metadata narrows by kind and by entity set, and says when nothing matches', () => {
  const sets = runAgentTool('find_metadata', { query: 'account', kinds: ['entitySet'] }, context());
  assert.match(sets.text, /^- entity set accounts \(of account\)/m);
  assert.doesNotMatch(sets.text, /^- property/m);
  const within = runAgentTool('find_metadata', { query: 'revenue', within: 'accounts' }, context());
  assert.ok(within.text.split('\n').slice(1).every((line) => line.startsWith('- property account.') || line.startsWith('- navigation account.') || line.startsWith('(')), within.text);
  assert.match(within.text, /property account\.revenue: Edm\.Decimal/);
  const none = runAgentTool('find_metadata', { query: 'zzqx flux capacitor' }, context());
  assert.match(none.text, /^Nothing in 'sample' matches "zzqx flux capacitor"/);
  const badWithin = runAgentTool('find_metadata', { query: 'name', within: 'acounts' }, context());
  assert.equal(badWithin.isError, true);
  assert.match(badWithin.text, /'acounts' is not an entity set or type of 'sample'/);
});

test('describe gives an entity set\'s key, alternate keys, typed properties, lookups with targets and bound operations', () => {
  const answer = runAgentTool('describe', { name: 'accounts' }, context());
  assert.equal(answer.isError, undefined);
  assert.match(answer.text, /^Entity set accounts — entity type Microsoft\.Dynamics\.CRM\.account — Accounts of the organization\./);
  assert.match(answer.text, /^Key: accountid \(Edm\.Guid\)$/m);
  assert.match(answer.text, /^Alternate keys: \(accountnumber\)$/m);
  assert.match(answer.text, /^ {2}_primarycontactid_value: Edm\.Guid \[lookup → primarycontactid\]/m);
  assert.match(answer.text, /^ {2}primarycontactid → Microsoft\.Dynamics\.CRM\.contact \(entity set contacts\), via _primarycontactid_value = contactid/m);
  assert.match(answer.text, /^Collections — collection-valued navigation properties \(\d+\):$/m);
});

test('describe gives one property with its lookup, and an operation with its parameters', () => {
  const property = runAgentTool('describe', { name: 'accounts', member: '_primarycontactid_value' }, context());
  assert.match(property.text, /^Property account\._primarycontactid_value: Edm\.Guid \(nullable\)/);
  assert.match(property.text, /Lookup: the id of primarycontactid → Microsoft\.Dynamics\.CRM\.contact; filter with _primarycontactid_value eq <guid>/);
  const operation = sample.document.schemas.flatMap((s) => s.operations)[0];
  assert.ok(operation, 'the sample has an operation');
  const described = runAgentTool('describe', { name: operation.name }, context());
  assert.equal(described.isError, undefined);
  assert.match(described.text, new RegExp(`^${operation.kind} ${operation.fullName.replace(/\./g, '\\.')}`));
  assert.match(described.text, /Parameters|Returns/);
});

test('describe answers an unknown name with did-you-mean', () => {
  const answer = runAgentTool('describe', { name: 'acounts' }, context());
  assert.equal(answer.isError, true);
  assert.match(answer.text, /'acounts' is not an entity set, .* Did you mean 'accounts'/);
  const member = runAgentTool('describe', { name: 'accounts/revenu' }, context());
  assert.match(member.text, /has no property or navigation property 'revenu'\. Did you mean 'revenue'/);
});

test('check_query gives positions, did-you-mean, the fix and a corrected query', () => {
  const answer = runAgentTool('check_query', { query: 'accounts?$select=name,revenu&$filter=statecode eq 0' }, context());
  const lines = answer.text.split('\n');
  assert.equal(lines[0], "1 error, 0 warnings, 0 notes in the GET request (environment 'sample', dataverse):");
  assert.equal(lines[1], '1. error unknown-property at line 1, column 23 ("revenu"): Unknown property \'revenu\' on Microsoft.Dynamics.CRM.account. Did you mean \'revenue\'?');
  assert.equal(lines[2], '   Fix: replace "revenu" with "revenue".');
  assert.equal(lines.at(-1), 'accounts?$select=name,revenue&$filter=statecode eq 0');
  const partly = runAgentTool('check_query', { query: 'GET accounts?$fitler=statecode eq 0' }, context());
  assert.match(partly.text, /2\. error syntax\.invalid-character at line 1, column 31 \(" "\)/);
  assert.match(partly.text, /\nQuery with the fixes above applied \(1 error had no automatic fix and may be caused by the others; check it again\):\nGET accounts\?\$filter=statecode eq 0$/);
  const clean = runAgentTool('check_query', { query: 'GET accounts?$select=name&$top=5' }, context());
  assert.equal(clean.text, "No problems: the GET request is valid against the metadata of 'sample' (dataverse).");
});

test('a scripted agent loop: a wrong query, check_query, the suggested fix applied, clean', () => {
  let query = 'GET acounts?$select=name,revenu&$fitler=statecode eq 0&$expand=primarycontactid($select=fulname)';
  const seen: string[] = [];
  for (let round = 0; round < 5; round++) {
    const answer = runAgentTool('check_query', { query }, context());
    seen.push(answer.text);
    if (answer.text.startsWith('No problems')) break;
    // The agent acts on the answer: the corrected query when given, else each "Fix: replace A with B".
    const lines = answer.text.split('\n');
    const at = lines.findIndex((line) => line.startsWith('Corrected query') || line.startsWith('Query with the fixes above applied'));
    if (at >= 0) query = lines.slice(at + 1).join('\n');
    else {
      const fix = lines.map((line) => /^ {3}Fix: replace (".*") with (".*")\.$/.exec(line)).find(Boolean);
      assert.ok(fix, `the answer offers a fix:\n${answer.text}`);
      query = query.replace(JSON.parse(fix[1]!) as string, JSON.parse(fix[2]!) as string);
    }
  }
  assert.match(seen.at(-1)!, /^No problems/, seen.join('\n---\n'));
  assert.equal(query, 'GET accounts?$select=name,revenue&$filter=statecode eq 0&$expand=primarycontactid($select=fullname)');
  assert.ok(seen.length >= 2);
});

test('check_query of FetchXML without the capability says only OData is checked; with it, reports its problems', () => {
  const fetch = '<fetch top="5"><entity name="acount"><attribute name="name"/></entity></fetch>';
  const without = runAgentTool('check_query', { query: fetch }, context());
  assert.match(without.text, /^FetchXML checking is not available in this version/);
  const capability: FetchXmlCapability = {
    convert: ({ input, to }) => (input.includes('acount') ? { ok: false, problems: [{ message: "Unknown entity 'acount'." }] } : { ok: true, text: `${to}:${input.length}` }),
    check: ({ input }) => (input.includes('acount') ? [{ message: "Unknown entity 'acount'.", span: { start: 29, end: 35 }, suggestions: ['account'], code: 'fetchxml.unknown-entity' }] : []),
  };
  const withIt = runAgentTool('check_query', { query: fetch }, context({ fetchXml: capability }));
  assert.match(withIt.text, /1\. error fetchxml\.unknown-entity at line 1, column 30 \("acount"\): Unknown entity 'acount'\./);
  assert.match(withIt.text, /<entity name="account">/);
});

test('convert_query says clearly when conversion is not available, and uses the capability when given', () => {
  const without = runAgentTool('convert_query', { query: 'accounts?$select=name', to: 'fetchxml' }, context());
  assert.equal(without.isError, true);
  assert.match(without.text, /^Conversion between OData and FetchXML is not available in this version/);
  const capability: FetchXmlCapability = { convert: ({ input, to }) => ({ ok: true, text: `<fetch><!-- ${to} of ${input} --></fetch>` }) };
  const converted = runAgentTool('convert_query', { query: 'GET accounts?$select=name', to: 'fetchxml' }, context({ fetchXml: capability }));
  assert.equal(converted.text, 'FetchXML:\n<fetch><!-- fetchxml of accounts?$select=name --></fetch>');
  const post = runAgentTool('convert_query', { query: 'POST accounts', to: 'fetchxml' }, context({ fetchXml: capability }));
  assert.match(post.text, /Only a single GET request \(a query\) converts to FetchXML/);
});

test('bad input is a clear answer, never an exception', () => {
  const cases: [string, unknown, RegExp][] = [
    ['find_metadata', {}, /find_metadata needs "query"/],
    ['find_metadata', { query: 5 }, /"query" must be a string/],
    ['find_metadata', { query: 'x', limit: 500 }, /"limit" must be between 1 and 50/],
    ['find_metadata', { query: 'x', kinds: ['tables'] }, /"kinds\[\]" must be one of "entitySet"/],
    ['describe', { name: 'accounts', colour: 'red' }, /describe has no argument "colour"; its arguments are "environment", "name", "member"/],
    ['check_query', 'accounts', /check_query takes an object of named arguments/],
    ['check_query', { query: 'accounts', environment: 'nowhere' }, /There is no environment 'nowhere'\. Known environments: sample, prod\./],
    ['check_query', { query: 'accounts', environment: 'prod' }, /The metadata of 'prod' is not available: The metadata file could not be opened: ENOENT\./],
    ['convert_query', { query: 'accounts', to: 'sql' }, /"to" must be one of "fetchxml", "odata"/],
    ['drop_tables', {}, /There is no tool "drop_tables"; the tools are list_environments, find_metadata/],
    ['run_query', { query: 'accounts' }, /run_query runs only inside VS Code/],
  ];
  for (const [tool, input, expected] of cases) {
    const answer = runAgentTool(tool, input, context());
    assert.equal(answer.isError, true, `${tool} ${JSON.stringify(input)}`);
    assert.match(answer.text, expected);
  }
  const empty = runAgentTool('find_metadata', { query: 'x' }, { environments: [] });
  assert.match(empty.text, /No environment is configured/);
});

test('every answer stays under the cap and says what was cut (a Dataverse org with hundreds of columns)', () => {
  const big: AgentToolContext = { environments: [{ name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', state: 'ready', model: crmModel() }] };
  const account = runAgentTool('describe', { name: 'accounts' }, big);
  assert.ok(account.text.length <= MAX_ANSWER_CHARS, `${account.text.length} characters`);
  assert.match(account.text, /more properties not listed: use find_metadata with within="accounts"|… cut: \d+ more lines? left out/);
  const many = runAgentTool('find_metadata', { query: 'name', limit: 50 }, big);
  assert.ok(many.text.length <= MAX_ANSWER_CHARS);
  assert.match(many.text, /best 50 shown/);
  assert.match(many.text, /more: add words, "kinds" or "within" to narrow/);
  const longQuery = `accounts?$select=${Array.from({ length: 400 }, (_, i) => `nosuchcolumn${i}`).join(',')}`;
  const checked = runAgentTool('check_query', { query: longQuery }, big);
  assert.ok(checked.text.length <= MAX_ANSWER_CHARS);
  assert.match(checked.text, /… \d+ more problems not listed: fix these and check again\./);
});

test('answers never carry a token: credentials are scrubbed', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvbnRvc28ifQ.c2lnbmF0dXJl';
  assert.equal(redactSecrets(`Authorization: Bearer ${jwt}`), 'Authorization: Bearer [redacted]');
  assert.equal(redactSecrets(`token ${jwt} here`), 'token [redacted token] here');
  assert.equal(redactSecrets('https://x/?client_secret=abc&x=1'), 'https://x/?client_secret=[redacted]&x=1');
  assert.equal(redactSecrets('root https://svc:p4ss@example.com/odata/'), 'root https://[redacted]@example.com/odata/');
  const answer = runAgentTool('check_query', { query: `accounts?$filter=name eq '${jwt}'` }, context());
  assert.doesNotMatch(answer.text, /eyJhbGci/);
});

test('run_query\'s plan allows GET and FetchXML only', () => {
  assert.deepEqual(planReadOnlyQuery('accounts?$top=2', sample), { ok: true, language: 'odata', requestText: 'accounts?$top=2' });
  const post = planReadOnlyQuery('POST accounts\nContent-Type: application/json\n\n{"name":"x"}', sample);
  assert.equal(post.ok, false);
  assert.match(!post.ok ? post.message : '', /^run_query only reads data: POST is refused/);
  for (const query of ['DELETE accounts(00000000-0000-0000-0000-000000000001)', 'PATCH accounts(1)', '### a\nGET accounts\n\n### b\nGET contacts', 'POST $batch', '']) {
    assert.equal(planReadOnlyQuery(query, sample).ok, false, query);
  }
  const fetch = planReadOnlyQuery('<fetch top="3">\n  <entity name="account"><attribute name="name" /></entity>\n</fetch>', sample);
  assert.ok(fetch.ok);
  assert.equal(fetch.requestText, `GET accounts?fetchXml=${encodeURIComponent('<fetch top="3"><entity name="account"><attribute name="name" /></entity></fetch>')}`);
  const unknown = planReadOnlyQuery('<fetch><entity name="nosuch"/></fetch>', sample);
  assert.match(!unknown.ok ? unknown.message : '', /No entity set holds 'nosuch'/);
});

test('the tool definitions: unique names, descriptions that say when to use them, object schemas', () => {
  const names = agentToolDefinitions.map((tool) => tool.name);
  assert.deepEqual(names, ['list_environments', 'find_metadata', 'describe', 'check_query', 'convert_query', 'run_query']);
  for (const tool of agentToolDefinitions) {
    assert.equal(tool.inputSchema.type, 'object');
    assert.ok(tool.description.length > 80, tool.name);
    for (const required of tool.inputSchema.required ?? []) assert.ok(tool.inputSchema.properties?.[required], `${tool.name}.${required}`);
  }
});
