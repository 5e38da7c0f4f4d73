// The agent tools never throw and always answer within the cap, whatever a model sends: mutated real queries,
// random names, wrong types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModelIndex, readCsdl } from '../../../server/src/odata/index';
import { MAX_ANSWER_CHARS, runAgentTool, type AgentToolContext } from '../../../server/src/odata/agents/index';

const root = join(__dirname, '..', '..', '..');
const model = createModelIndex(readCsdl(readFileSync(join(root, 'test', 'fixtures', 'metadata', 'dataverse-sample.xml'), 'utf8')));
const context: AgentToolContext = { environments: [{ name: 'sample', flavor: 'dataverse', url: 'https://sample.crm.dynamics.com/api/data/v9.2/', state: 'ready', model }] };

/** A small deterministic generator (xorshift), so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const seeds = [
  "accounts?$select=name,revenue&$filter=revenue gt 1000000 and statecode eq 0&$orderby=revenue desc&$top=10",
  "contacts?$select=fullname&$expand=parentcustomerid_account($select=name;$filter=statecode eq 0)",
  "GET accounts(00000000-0000-0000-0000-000000000001)/contact_customer_accounts?$count=true",
  "incidents?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)",
  "<fetch top='5'><entity name='account'><attribute name='name'/></entity></fetch>",
  "accounts?$apply=groupby((statecode),aggregate($count as total))",
];
const alphabet = "()$=&?/',;{}<>\"\\ \n\t@#%abcxyz019_.-*:[]";

test('mutated queries, names and inputs: every tool answers text under the cap, never throws', () => {
  const next = random(17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const mutate = (text: string): string => {
    let out = text;
    const edits = 1 + Math.floor(next() * 4);
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(next() * (out.length + 1));
      const kind = next();
      if (kind < 0.4) out = out.slice(0, at) + pick([...alphabet]) + out.slice(at);
      else if (kind < 0.8) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 5));
      else out = out.slice(0, at) + out.slice(at, at + 8).repeat(2) + out.slice(at + 8);
    }
    return out;
  };
  const odd: unknown[] = [null, 0, -1, 1e9, true, [], {}, ['x'], '', ' ', '\u0000', 'x'.repeat(100_000)];
  for (let i = 0; i < 600; i++) {
    const query = mutate(pick(seeds));
    const inputs: [string, unknown][] = [
      ['check_query', { query }],
      ['find_metadata', { query: mutate('primary contact revenue'), limit: 1 + Math.floor(next() * 50) }],
      ['describe', { name: mutate(pick(['accounts', 'contacts/fullname', 'Microsoft.Dynamics.CRM.account', 'incident'])) }],
      ['convert_query', { query, to: pick(['odata', 'fetchxml']) }],
      [pick(['check_query', 'find_metadata', 'describe', 'list_environments', 'convert_query']), { query: pick(odd), name: pick(odd), limit: pick(odd) }],
    ];
    for (const [tool, input] of inputs) {
      const answer = runAgentTool(tool, input, context);
      assert.equal(typeof answer.text, 'string');
      assert.ok(answer.text.length > 0 && answer.text.length <= MAX_ANSWER_CHARS, `${tool} ${JSON.stringify(input).slice(0, 200)}: ${answer.text.length}`);
      assert.doesNotMatch(answer.text, /this is a bug of the tool/, `${tool} ${JSON.stringify(input).slice(0, 300)}`);
    }
  }
});
