// FetchXML over LSP: the BUILT server over --stdio, against the real CRM $metadata — completion, hover, diagnostics
// and code actions in .fetchxml documents (link-entity three levels deep, aggregates), and a fetchXml= request in an
// .odata document with its diagnostics on the URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  CodeActionRequest,
  CompletionRequest,
  DidOpenTextDocumentNotification,
  HoverRequest,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Hover,
  type Position,
} from 'vscode-languageserver-protocol/node';
import { repoRoot, startServer, type TestServer } from './lspClient';

const crmMetadata = join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');

let server: TestServer;
let counter = 0;

function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** Opens a document (the `|` cursor removed) with its language id and waits for its diagnostics. */
async function open(marked: string, extension: 'fetchxml' | 'odata'): Promise<{ uri: string; position: Position; text: string; diagnostics: Diagnostic[] }> {
  const offset = Math.max(0, marked.indexOf('|'));
  const text = marked.includes('|') ? marked.slice(0, offset) + marked.slice(offset + 1) : marked;
  const uri = `file:///work/query${++counter}.${extension}`;
  const published = server.nextDiagnostics(uri, 1);
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: extension, version: 1, text } });
  const { diagnostics } = await published;
  return { uri, text, position: positionOf(text, offset), diagnostics };
}

async function complete(marked: string): Promise<string[]> {
  const { uri, position } = await open(marked, 'fetchxml');
  const result = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionList | CompletionItem[] | null;
  return (Array.isArray(result) ? result : (result?.items ?? [])).map((i) => i.label);
}

const spans = (text: string, diagnostics: Diagnostic[]) =>
  diagnostics.map((d) => {
    const lines = text.split('\n');
    const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
    return [String(d.code), text.slice(offset(d.range.start), offset(d.range.end))];
  });

before(async () => {
  server = await startServer({
    environments: [
      { name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata },
      { name: 'other', flavor: 'dataverse', url: 'https://other.crm.dynamics.com/api/data/v9.2/', metadataFile: join(repoRoot, 'missing-metadata.xml') },
    ],
    defaultEnvironment: 'crm',
  });
});
after(async () => server.stop());

const threeLevels = `<fetch top="10">
  <entity name="account">
    <attribute name="name" />
    <link-entity name="contact" from="contactid" to="primarycontactid" alias="c">
      <attribute name="fullname" />
      <link-entity name="account" from="accountid" to="parentcustomerid" alias="p">
        <link-entity name="systemuser" from="systemuserid" to="createdby" alias="u">
          <attribute name="|" />
        </link-entity>
      </link-entity>
    </link-entity>
  </entity>
</fetch>`;

describe('.fetchxml over LSP', () => {
  test('completion three link-entities deep offers the innermost table’s columns', async () => {
    const got = await complete(threeLevels);
    assert.ok(got.includes('domainname') && got.includes('fullname'), got.slice(0, 20).join(', '));
    assert.ok(!got.includes('accountnumber') && !got.includes('revenue'));
  });

  test('diagnostics three levels deep and in an aggregate query, with exact ranges', async () => {
    const text = threeLevels.replace('<attribute name="|" />', '<attribute name="fulname" />');
    const { diagnostics } = await open(text, 'fetchxml');
    assert.deepEqual(spans(text, diagnostics), [['fetchxml.unknown-attribute', 'fulname']]);
    assert.match(String(diagnostics[0]!.message), /not a column of systemuser\. Did you mean 'fullname'\?/);

    const aggregate = `<fetch aggregate="true" top="5" count="5">
  <entity name="account">
    <attribute name="revenue" alias="total" aggregate="sum" />
    <attribute name="address1_city" groupby="true" />
    <attribute name="name" alias="n" dategrouping="month" groupby="true" />
  </entity>
</fetch>`;
    const result = await open(aggregate, 'fetchxml');
    assert.deepEqual(spans(aggregate, result.diagnostics), [
      ['fetchxml.top-with-paging', 'top'],
      ['fetchxml.aggregate-alias', 'attribute'],
      ['fetchxml.dategrouping-type', 'dategrouping'],
    ]);
  });

  test('hover on an operator says what it does', async () => {
    const { uri, position } = await open('<fetch><entity name="account"><filter><condition attribute="createdon" operator="olderthan-x-mo|nths" value="2" /></filter></entity></fetch>', 'fetchxml');
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position })) as Hover;
    assert.match((hover.contents as { value: string }).value, /^\*\*olderthan-x-months\*\* — The value is older than the specified number of months\./);
  });

  test('code action: convert to OData', async () => {
    const { uri } = await open("<fetch top='3'><entity name='account'><attribute name='name' /></entity></fetch>", 'fetchxml');
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    const edit = actions[0]!.edit!.changes![uri]![0]!;
    assert.equal(edit.newText, '<!-- OData: GET accounts?$select=name&$top=3 -->\n');
  });

  test('the environment named in an @environment comment is used (an unreadable one says so)', async () => {
    const { diagnostics } = await open('<!-- @environment = other -->\n<fetch><entity name="zzz" /></fetch>', 'fetchxml');
    assert.deepEqual(diagnostics.map((d) => d.code), ['metadata.unreadable']);
  });
});

describe('fetchXml= requests in .odata files over LSP', () => {
  test('the FetchXML is checked and its diagnostics land on the URL (percent-encoded)', async () => {
    const fetch = '<fetch><entity name="account"><attribute name="nme" /><filter><condition attribute="createdon" operator="last-x-days" value="x" /></filter></entity></fetch>';
    const text = `### FetchXML\nGET accounts?fetchXml=${encodeURIComponent(fetch)}\n`;
    const { diagnostics } = await open(text, 'odata');
    assert.deepEqual(spans(text, diagnostics).filter(([code]) => code.startsWith('fetchxml.')), [
      ['fetchxml.unknown-attribute', 'nme'],
      ['fetchxml.value-type', 'x'],
    ]);
  });

  test('code action on a GET request: convert to FetchXML, added as a fetchXml= request', async () => {
    const { uri, text } = await open('### Big accounts\nGET accounts?$select=name&$filter=revenue gt 1000&$top=5\n', 'odata');
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 1, character: 6 }, end: { line: 1, character: 6 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    const action = actions.find((a) => a.title.startsWith('Convert to FetchXML'));
    assert.ok(action?.edit, actions.map((a) => a.title).join(', '));
    const newText = action.edit.changes![uri]![0]!.newText;
    const url = /GET (accounts\?fetchXml=\S+)/.exec(newText)![1]!;
    assert.equal(
      decodeURIComponent(url.slice('accounts?fetchXml='.length)),
      "<fetch top='5'><entity name='account'><attribute name='name' /><filter type='and'><condition attribute='revenue' operator='gt' value='1000' /></filter></entity></fetch>",
    );
    assert.ok(text.length > 0);
  });
});
