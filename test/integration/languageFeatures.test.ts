// Completion, hover, signature help, symbols and code actions from the BUILT server over --stdio,
// against the real CRM $metadata, with the cursor marked `|` in the document text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CodeActionRequest,
  CompletionRequest,
  DocumentSymbolRequest,
  HoverRequest,
  SignatureHelpRequest,
  type CompletionItem,
  type CompletionList,
  type Hover,
  type Position,
  type SignatureHelp,
} from 'vscode-languageserver-protocol/node';
import { repoRoot, startServer, type TestServer } from './lspClient';

const crmMetadata = join(repoRoot, '..', 'shared', 'corpus', 'metadata', 'simpleodata__crm_schema.xml');
const scratch = mkdtempSync(join(tmpdir(), 'odata-lsp-'));
const brokenMetadata = join(scratch, 'broken.xml');
writeFileSync(brokenMetadata, '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema');

let server: TestServer;
let counter = 0;

/** Opens `text` (cursor `|` removed) as a new document and returns its uri and the cursor position. */
async function openAt(marked: string): Promise<{ uri: string; position: Position; text: string }> {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const uri = `file:///work/doc${++counter}.odata`;
  const published = server.nextDiagnostics(uri, 1);
  await server.open(uri, text, 1);
  await published; // the environment's metadata is loaded once diagnostics arrive
  const before = text.slice(0, offset).split('\n');
  return { uri, text, position: { line: before.length - 1, character: before[before.length - 1].length } };
}

async function complete(marked: string): Promise<CompletionItem[]> {
  const { uri, position } = await openAt(marked);
  const result = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position })) as CompletionList | CompletionItem[] | null;
  return Array.isArray(result) ? result : (result?.items ?? []);
}

const labels = (items: CompletionItem[]) => items.map((item) => item.label);

before(async () => {
  server = await startServer({
    environments: [
      { name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata },
      { name: 'broken', flavor: 'dataverse', url: 'https://broken.crm.dynamics.com/api/data/v9.2/', metadataFile: brokenMetadata },
    ],
    defaultEnvironment: 'crm',
  });
});
after(async () => server.stop());

describe('completion over LSP', () => {
  test('three levels of nested $expand: the innermost $select offers systemuser columns', async () => {
    const items = await complete('GET accounts?$expand=primarycontactid($expand=parentcustomerid_account($expand=createdby($select=full|)))');
    assert.ok(labels(items).includes('fullname'), labels(items).slice(0, 20).join(', '));
    assert.ok(!labels(items).includes('accountnumber'), 'account columns must not leak into the systemuser scope');
  });

  test('a lambda inside a nested $filter: o/ offers opportunity members', async () => {
    const items = await complete('accounts?$expand=contact_customer_accounts($filter=opportunity_customer_contacts/any(o:o/|))');
    assert.ok(labels(items).includes('estimatedvalue'), labels(items).slice(0, 20).join(', '));
    assert.ok(!labels(items).includes('jobtitle'));
  });

  test("LastXDays' PropertyName string offers the account's property names", async () => {
    const items = await complete("accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='created|',PropertyValue=7)");
    assert.ok(labels(items).includes('createdon'), labels(items).slice(0, 20).join(', '));
  });

  test('a POST body offers the contact columns and lookups to bind', async () => {
    const items = await complete('POST contacts\nContent-Type: application/json\n\n{\n  "|"\n}');
    const names = labels(items);
    assert.ok(names.some((n) => n === 'firstname' || n === '"firstname"'), names.slice(0, 20).join(', '));
    assert.ok(names.some((n) => n.includes('parentcustomerid_account@odata.bind')), names.slice(0, 40).join(', '));
  });
});

describe('diagnostics, hover, signature help, symbols and code actions over LSP', () => {
  test('a broken metadata file is one clear diagnostic, and completion still answers', async () => {
    const uri = 'file:///work/broken-env.odata';
    const published = server.nextDiagnostics(uri, 1);
    await server.open(uri, '@environment = broken\nGET accounts?$select=name\n', 1);
    const diagnostics = (await published).diagnostics;
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.equal(diagnostics[0].code, 'metadata.unreadable');
    assert.match(String(diagnostics[0].message), /line 1, column \d+/);
    const list = await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 0 } });
    assert.ok(list !== undefined);
  });

  test('hover on a property inside a nested $expand shows its type', async () => {
    const { uri, position } = await openAt('accounts?$expand=primarycontactid($select=full|name)');
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position })) as Hover | null;
    assert.ok(hover, 'no hover');
    const text = typeof hover.contents === 'string' ? hover.contents : 'value' in hover.contents ? hover.contents.value : JSON.stringify(hover.contents);
    assert.match(text, /fullname/);
    assert.match(text, /Edm\.String/);
  });

  test('signature help for LastXDays marks the second parameter', async () => {
    const { uri, position } = await openAt("accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',|)");
    const help = (await server.connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position })) as SignatureHelp | null;
    assert.ok(help && help.signatures.length > 0, 'no signature help');
    assert.match(help.signatures[help.activeSignature ?? 0].label, /PropertyValue/);
    assert.equal(help.activeParameter ?? help.signatures[0].activeParameter, 1);
  });

  test('document symbols list one symbol per request', async () => {
    const { uri } = await openAt('### First\nGET accounts\n\n### Second\ncontacts?$top=1|\n');
    const symbols = (await server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as { name: string }[];
    const requestNames = symbols.map((s) => s.name);
    assert.ok(requestNames.includes('First') && requestNames.includes('Second'), requestNames.join(', '));
  });

  test('a "did you mean" diagnostic has a quick fix that replaces the name', async () => {
    const uri = 'file:///work/fix.odata';
    const published = server.nextDiagnostics(uri, 1);
    await server.open(uri, 'accounts?$select=nmae\n', 1);
    const diagnostics = (await published).diagnostics;
    const unknown = diagnostics.find((d) => d.code === 'unknown-property');
    assert.ok(unknown);
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: unknown.range,
      context: { diagnostics: [unknown] },
    })) as { title: string; edit?: { changes?: Record<string, { newText: string }[]> } }[];
    const fix = actions.find((a) => a.edit?.changes?.[uri]?.some((e) => e.newText === 'name'));
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
  });
});

describe('semantic tokens over LSP', () => {
  test('a document gets its names coloured by what they resolve to, against the legend the server announces', async () => {
    const { SemanticTokensRequest } = await import('vscode-languageserver-protocol/node');
    const { semanticTokenLegend } = await import('../../server/src/odata/index');
    const { languageFeatureCapabilities } = await import('../../server/src/lsp/languageFeatures');
    assert.deepEqual(languageFeatureCapabilities.semanticTokensProvider?.legend.tokenTypes, [...semanticTokenLegend.tokenTypes]);
    const server = await startServer({ environments: [{ name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata }] });
    try {
      const uri = 'file:///work/tokens.odata';
      const text = 'GET accounts?$select=name&$expand=primarycontactid\n';
      const published = server.nextDiagnostics(uri, 1);
      await server.open(uri, text, 1);
      await published;
      const tokens = await server.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
      assert.ok(tokens);
      const words: string[] = [];
      let character = 0;
      for (let i = 0; i < tokens.data.length; i += 5) {
        character += tokens.data[i + 1];
        words.push(`${text.slice(character, character + tokens.data[i + 2])}:${semanticTokenLegend.tokenTypes[tokens.data[i + 3]]}`);
      }
      assert.deepEqual(words, ['accounts:class', 'name:property', 'primarycontactid:navigationProperty']);
    } finally {
      await server.stop();
    }
  });
});

describe('completion payload for a client like VS Code', () => {
  test('the shared edit range goes into itemDefaults, and documentation and detail come on resolve', async () => {
    const { vscodeLikeCapabilities } = await import('./lspClient');
    const { CompletionResolveRequest } = await import('vscode-languageserver-protocol/node');
    const lean = await startServer(
      { environments: [{ name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata }] },
      vscodeLikeCapabilities,
    );
    try {
      const uri = 'file:///work/lean.odata';
      const published = lean.nextDiagnostics(uri, 1);
      await lean.open(uri, 'GET acc\n', 1);
      await published;
      const list = (await lean.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: 7 } })) as CompletionList;
      assert.deepEqual(list.itemDefaults?.editRange, { start: { line: 0, character: 4 }, end: { line: 0, character: 7 } });
      const accounts = list.items.find((item) => item.label === 'accounts');
      assert.ok(accounts, 'accounts offered');
      assert.equal(accounts.textEdit, undefined);
      assert.equal(accounts.documentation, undefined);
      assert.equal(accounts.detail, undefined, 'the detail comes on resolve (the client resolves it)');
      assert.equal(accounts.data, undefined, 'the shared data goes into itemDefaults');
      assert.equal(accounts.insertTextFormat, undefined, 'plain text is the default');
      assert.equal(list.itemDefaults?.insertTextFormat, 1);
      // As VS Code does: the list's defaults fill what the item leaves out before it is resolved.
      const resolved = await lean.connection.sendRequest(CompletionResolveRequest.type, { ...accounts, data: list.itemDefaults?.data });
      assert.ok(resolved.documentation, 'documentation on resolve');
      assert.equal(resolved.detail, 'Collection(account)', 'detail on resolve');
      // A member list: each item's detail on resolve, the one the list gave before (a property's type).
      await lean.change(uri, 'GET accounts?$select=name,acc\n', 2);
      const members = (await lean.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: 29 } })) as CompletionList;
      const accountid = members.items.find((item) => item.label === 'accountid');
      assert.ok(accountid, JSON.stringify(members.items.map((item) => item.label)));
      assert.equal(accountid.detail, undefined);
      const member = await lean.connection.sendRequest(CompletionResolveRequest.type, { ...accountid, data: members.itemDefaults?.data });
      assert.equal(member.detail, 'Edm.Guid (nullable)');
    } finally {
      await lean.stop();
    }
  });

  test('a client that cannot resolve items gets the documentation of an entity set in the list itself', async () => {
    const plain = await startServer({ environments: [{ name: 'crm', flavor: 'dataverse', url: 'https://contoso.crm.dynamics.com/api/data/v9.2/', metadataFile: crmMetadata }] });
    try {
      const uri = 'file:///work/plain.odata';
      const published = plain.nextDiagnostics(uri, 1);
      await plain.open(uri, 'GET acc\n', 1);
      await published;
      const list = (await plain.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: 7 } })) as CompletionList;
      const accounts = list.items.find((item) => item.label === 'accounts');
      assert.ok(accounts, 'accounts offered');
      const documentation = accounts.documentation;
      assert.ok(documentation && typeof documentation === 'object' && documentation.value.length > 0, JSON.stringify(accounts));
      assert.equal(accounts.detail, 'Collection(account)', 'the detail in the list itself');
    } finally {
      await plain.stop();
    }
  });
});
