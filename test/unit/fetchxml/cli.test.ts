/** `dynamics-odata check` on .fetchxml files and fetchXml= requests, and `dynamics-odata convert`, in-process through main(). */
import assert from 'node:assert/strict';
import { describe as suite, test } from 'node:test';
import type { FileDiagnostic } from '../../../server/src/cli';
import { crmMetadataPath } from '../binder/binderHarness';
import { runCli, tempFolder } from '../cli/cliHarness';

const { file } = tempFolder('dynamics-odata-fetchxml-cli-');
const run = runCli;



suite('dynamics-odata check: FetchXML', () => {
  test('a .fetchxml file: text output with fetchxml. codes and exit 1', async () => {
    const path = file('bad.fetchxml', '<fetch top="5">\n  <entity name="account">\n    <attribute name="nme" />\n  </entity>\n</fetch>\n');
    const { code, stdout } = await run('check', '--metadata', crmMetadataPath, path);
    assert.equal(code, 1);
    assert.equal(stdout, `${path}:3:22 error fetchxml.unknown-attribute 'nme' is not a column of account. Did you mean 'name'?\n`);
  });

  test('JSON output; a clean .fetchxml file exits 0', async () => {
    const bad = file('warn.fetchxml', '<fetch><entity name="account"><link-entity name="contact" from="contactid" to="createdby" /></entity></fetch>');
    const { code, stdout } = await run('check', '--metadata', crmMetadataPath, '--format', 'json', bad);
    assert.equal(code, 0); // a warning only
    const results = JSON.parse(stdout) as FileDiagnostic[];
    assert.deepEqual(results.map((r) => [r.code, r.severity, r.line, r.column]), [['fetchxml.unrelated-link', 'warning', 1, 32]]);
  });

  test('a fetchXml= request in an .odata file is checked too', async () => {
    const path = file('run.odata', `GET accounts?fetchXml=${encodeURIComponent('<fetch><entity name="acount" /></fetch>')}\n`);
    const { code, stdout } = await run('check', '--metadata', crmMetadataPath, path);
    assert.equal(code, 1);
    // Column 56: after `GET accounts?fetchXml=` (22) and `%3Cfetch%3E%3Centity%20name%3D%22` (33).
    assert.match(stdout, /:1:56 error fetchxml\.unknown-entity Unknown table 'acount'/);
  });
});

suite('dynamics-odata convert', () => {
  test('an OData query given on the command line, to FetchXML on stdout', async () => {
    const { code, stdout } = await run('convert', '--metadata', crmMetadataPath, '--to', 'fetchxml', "accounts?$select=name&$filter=startswith(name,'A')&$top=3");
    assert.equal(code, 0);
    assert.equal(stdout, "<fetch top='3'>\n  <entity name='account'>\n    <attribute name='name' />\n    <filter type='and'>\n      <condition attribute='name' operator='like' value='A%' />\n    </filter>\n  </entity>\n</fetch>\n");
  });

  test('a .fetchxml file to OData', async () => {
    const path = file('q.fetchxml', "<!-- @environment = crm -->\n<fetch><entity name='account'><attribute name='name' /><order attribute='name' descending='true' /></entity></fetch>\n");
    const { code, stdout } = await run('convert', '--metadata', crmMetadataPath, '--to=odata', path);
    assert.equal(code, 0);
    assert.equal(stdout, 'accounts?$select=name&$orderby=name desc\n');
  });

  test('an .odata file: every request, labelled; what cannot be expressed goes to stderr with exit 1', async () => {
    const path = file('many.odata', '### first\nGET accounts?$select=name\n\n### second\nGET accounts?$select=name&$skip=5\n');
    const { code, stdout, stderr } = await run('convert', '--metadata', crmMetadataPath, '--to', 'fetchxml', path);
    assert.equal(code, 1);
    assert.match(stdout, /^### first\n<fetch>/);
    assert.equal(stderr, 'dynamics-odata: second: cannot convert to FetchXML:\n  - $skip has no FetchXML equivalent in this converter.\n');
  });

  test('bad usage exits 2 with what to do', async () => {
    assert.equal((await run('convert', '--metadata', crmMetadataPath, 'accounts')).code, 2);
    const { code, stderr } = await run('convert', '--metadata', crmMetadataPath, '--to', 'sql', 'accounts');
    assert.equal(code, 2);
    assert.match(stderr, /--to takes fetchxml or odata, not 'sql'/);
  });
});
