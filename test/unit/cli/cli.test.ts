/**
 * `dynamics-odata check`: text and JSON output, exit codes 0/1/2, unreadable input, malformed metadata,
 * run in-process through main() and once as the bundled dist/cli.js.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe as suite, test } from 'node:test';
import type { FileDiagnostic } from '../../../server/src/cli';
import { runCli, tempFolder } from './cliHarness';

const projectRoot = join(__dirname, '..', '..', '..');
const crmMetadata = join(projectRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');
const { dir, file } = tempFolder('dynamics-odata-cli-');
const run = runCli;



const clean = file(
  'clean.odata',
  [
    '# big accounts',
    '// another comment',
    '@top = 10',
    '',
    'GET accounts?$select=name,revenue&$filter=revenue gt 1000000 and statecode eq 0',
    'contacts?$select=fullname&$expand=parentcustomerid_account($select=name)',
  ].join('\n'),
);
const broken = file('broken.odata', ['accounts?$select=name', '  GET accounts?$select=nmae', "contacts?$filter=contains(fullname,'a')"].join('\r\n'));
const warningOnly = file('warning.odata', "accounts(name='x')\n");

suite('dynamics-odata check', () => {
  test('a clean file exits 0 with no output on stdout', async () => {
    const result = await run('check', '--metadata', crmMetadata, clean);
    assert.equal(result.stdout, '');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /0 errors, 0 warnings in 2 requests of 1 file \(flavor: dataverse\)/);
  });

  test('text output: file:line:col severity code message, 1-based, column within the line', async () => {
    const result = await run('check', '--metadata', crmMetadata, broken);
    assert.equal(result.code, 1);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 1, result.stdout);
    // "  GET accounts?$select=nmae": the URL starts at column 7, nmae at 7 + 17 = 24
    assert.equal(lines[0], `${broken}:2:24 error unknown-property Unknown property 'nmae' on Microsoft.Dynamics.CRM.account. Did you mean 'name'?`);
  });

  test('JSON output', async () => {
    const result = await run('check', '--metadata', crmMetadata, '--format', 'json', broken);
    assert.equal(result.code, 1);
    const diagnostics = JSON.parse(result.stdout) as FileDiagnostic[];
    assert.deepEqual(diagnostics, [
      {
        file: broken,
        line: 2,
        column: 24,
        endLine: 2,
        endColumn: 28,
        severity: 'error',
        code: 'unknown-property',
        message: "Unknown property 'nmae' on Microsoft.Dynamics.CRM.account. Did you mean 'name'?",
      },
    ]);
  });

  test('warnings alone exit 0; --flavor overrides detection', async () => {
    const result = await run('check', '--metadata', crmMetadata, '--format=json', warningOnly);
    assert.equal(result.code, 0);
    assert.deepEqual((JSON.parse(result.stdout) as FileDiagnostic[]).map((d) => d.code), ['key-not-declared']);
    const generic = await run('check', '--metadata', crmMetadata, '--flavor', 'generic', clean);
    assert.match(generic.stderr, /flavor: generic/);
  });

  test('exit 2: unreadable input names the file', async () => {
    const missing = join(dir, 'missing.odata');
    const result = await run('check', '--metadata', crmMetadata, missing, clean);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`cannot read '${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': no such file`));
  });

  test('exit 2: unreadable or malformed metadata, with line and column', async () => {
    const missing = await run('check', '--metadata', join(dir, 'nope.xml'), clean);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the metadata file .*nope\.xml.*--metadata/);
    const malformed = file('bad.xml', '<?xml version="1.0"?>\n<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">\n  <edmx:DataServices>\n    <Schema Namespace="X" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="a"</Schema>\n');
    const result = await run('check', '--metadata', malformed, clean);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /bad\.xml:\d+:\d+ error xml-malformed/);
    const notCsdl = file('notcsdl.xml', '<html><body>Sign in</body></html>');
    const html = await run('check', '--metadata', notCsdl, clean);
    assert.equal(html.code, 2);
    assert.match(html.stderr, /no usable CSDL/);
  });

  test('exit 2: bad usage', async () => {
    assert.equal((await run('check', clean)).code, 2);
    assert.equal((await run('check', '--metadata', crmMetadata)).code, 2);
    assert.equal((await run('check', '--metadata', crmMetadata, '--flavor', 'sap', clean)).code, 2);
    assert.equal((await run('lint', clean)).code, 2);
    const unknown = await run('check', '--metadata', crmMetadata, '--pedantic', clean);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option '--pedantic'/);
  });

  test('--help and --version', async () => {
    const help = await run('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: dynamics-odata check --metadata \[NAME=\]FILE\.\.\./);
    assert.match(help.stdout, /dynamics-odata diff OLD NEW/);
    const version = await run('--version');
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test('the request-file form: ### blocks, continuation lines, variables, headers and bodies', async () => {
    const requests = file(
      'requests.odata',
      [
        '@top = 5',
        '### Big accounts',
        'GET accounts?$select=name',
        '    &$filter=revenu gt 1000&$top={{top}}',
        'Prefer: odata.include-annotations="*"',
        '',
        '### Create',
        'POST contacts',
        'Content-Type: application/json',
        '',
        '{ "firstname": "Ada" }',
        '',
        '### Undefined variable',
        'GET accounts?$top={{missing}}',
      ].join('\n'),
    );
    const result = await run('check', '--metadata', crmMetadata, '--format', 'json', requests);
    assert.equal(result.code, 1);
    const diagnostics = JSON.parse(result.stdout) as FileDiagnostic[];
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.column, d.endLine, d.endColumn, d.code]),
      [
        [4, 14, 4, 20, 'unknown-property'],
        [14, 19, 14, 30, 'request.unknown-variable'],
      ],
    );
    const text = await run('check', '--metadata', crmMetadata, requests);
    assert.match(text.stderr, /2 errors, 0 warnings in 3 requests of 1 file/);
  });
});

suite('the bundled executable', () => {
  test('node dist/cli.js check … runs and exits 1 on errors', () => {
    let cli = join(projectRoot, 'dist', 'cli.js');
    if (!existsSync(cli)) {
      cli = join(dir, 'cli.js');
      const build = spawnSync('npx', ['esbuild', 'server/src/cli.ts', '--bundle', '--platform=node', '--format=cjs', `--outfile=${cli}`, '--log-level=error'], {
        cwd: projectRoot,
        encoding: 'utf8',
      });
      assert.equal(build.status, 0, build.stderr);
    }
    const result = spawnSync(process.execPath, [cli, 'check', '--metadata', crmMetadata, broken], { encoding: 'utf8' });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /:2:24 error unknown-property/);
    const version = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0);
  });
});

suite('dynamics-odata check --strict', () => {
  // What Dataverse accepts beyond the OASIS grammar: a next link as Dataverse writes it (spaces around '=' and
  // after commas, encoded), a space after '=', a trailing comma in $select, a trailing '/'.
  const tolerated = file(
    'tolerated.odata',
    [
      'accounts(36dbf27c-8efb-e511-80d2-00155db07c77)/Account_Tasks?$select%20=%20subject,%20scheduledstart',
      "accounts?$filter= name eq 'x'",
      'accounts?$select=name,revenue,',
      'accounts/',
    ].join('\n'),
  );

  test('by default what the service accepts is a warning or nothing, and the file exits 0', async () => {
    const result = await run('check', '--metadata', crmMetadata, '--format', 'json', tolerated);
    assert.equal(result.code, 0, result.stdout);
    const diagnostics = JSON.parse(result.stdout) as FileDiagnostic[];
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.severity, d.code]),
      [
        [2, 'warning', 'syntax.space-around-equals'],
        [3, 'warning', 'syntax.trailing-comma'],
        [4, 'warning', 'syntax.trailing-slash'],
      ],
    );
  });

  test('--strict reports the same forms as the grammar errors they are, and exits 1', async () => {
    const result = await run('check', '--metadata', crmMetadata, '--strict', '--format', 'json', tolerated);
    assert.equal(result.code, 1);
    const diagnostics = JSON.parse(result.stdout) as FileDiagnostic[];
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.severity, d.code]),
      [
        [1, 'error', 'syntax.unknown-system-option'],
        [2, 'error', 'syntax.unexpected-whitespace'],
        [3, 'error', 'syntax.expected-identifier'],
        [4, 'error', 'syntax.expected-segment'],
      ],
    );
  });

  test('--strict takes no value, and the help names it', async () => {
    const bad = await run('check', '--metadata', crmMetadata, '--strict=yes', tolerated);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown option '--strict'/);
    const help = await run('--help');
    assert.match(help.stdout, /--strict {10}the pure OASIS OData grammar/);
  });
});
