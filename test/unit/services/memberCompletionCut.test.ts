// Completion on the members of a huge type (a real Dataverse systemuser: 853 navigation properties) builds and
// describes only the members that survive the server's cut to its completion limit (issue 15). The answer must be
// the one the full list gives once cut: the same items, in the same order, with the same kind, sort text, detail,
// edit and documentation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompletionItem } from 'vscode-languageserver-types';
import { COMPLETION_LIMIT, limitCompletionList } from '../../../server/src/lsp/languageFeatures';
import { createModelIndex, createODataDocument, getLanguageService, readCsdl, resolveDocumentation } from '../../../server/src/odata/index';

const corpus = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'metadata');

/** What a person sees of an item (documentation computed, as a client without resolve support gets it). */
function shown(item: CompletionItem): unknown {
  const resolved = resolveDocumentation({ ...item });
  const edit = resolved.textEdit && 'range' in resolved.textEdit ? resolved.textEdit : undefined;
  return { label: resolved.label, kind: resolved.kind, sortText: resolved.sortText, detail: resolved.detail, filterText: resolved.filterText, newText: edit?.newText, documentation: resolved.documentation };
}

test('the members of systemuser, businessunit and team under the completion limit ($select, $filter, $expand, paths): the full list cut, item for item', () => {
  const xml = readFileSync(join(corpus, 'simpleodata__crm_schema.xml'), 'utf8');
  const service = getLanguageService({ onError: (_, error) => assert.fail(String(error)) });
  const key = '(00000000-0000-0000-0000-000000000001)';
  const lines = [
    'GET systemusers?$select=',
    'GET systemusers?$select=fu',
    'GET systemusers?$select=fullname,_business',
    'GET systemusers?$filter=',
    'GET systemusers?$filter=busi',
    'GET systemusers?$orderby=',
    'GET systemusers?$expand=',
    'GET systemusers?$expand=lk_',
    `GET systemusers${key}/`,
    `GET systemusers${key}/lk_acc`,
    `GET systemusers${key}/user_`,
    'GET accounts?$expand=owninguser($select=',
    'GET accounts?$expand=owninguser($select=dom',
    'GET accounts?$filter=owninguser/',
    'GET accounts?$filter=owninguser/business',
    'GET businessunits?$select=',
    `GET businessunits${key}/`,
    'GET teams?$filter=',
    `GET teams${key}/`,
    // $expand from the cached navigation entries (issue 15): nested, after an item, and $apply's expand().
    'GET systemusers?$expand=lk_accountbase_createdby,',
    'GET systemusers?$expand=lk_accountbase_createdby,user_',
    'GET accounts?$expand=owninguser($expand=',
    'GET accounts?$expand=owninguser($expand=lk_',
    'GET systemusers?$apply=expand(',
    'GET businessunits?$expand=',
    'GET systemusers?$select=fullname&$expand=',
  ];
  // A model (and document) of its own for each side: nothing the one builds is reused by the other.
  const fullModel = createModelIndex(readCsdl(xml));
  const limitedModel = createModelIndex(readCsdl(xml));
  let described = 0;
  let cut = 0;
  let expanded = 0;
  for (const line of lines) {
    const text = `${line}\n`;
    const offset = line.length;
    const document = createODataDocument('file:///members.odata', text);
    const full = limitCompletionList(service.complete(document, offset, { model: fullModel, flavor: 'dataverse' }), text, offset);
    const limited = limitCompletionList(service.complete(document, offset, { model: limitedModel, flavor: 'dataverse', completionLimit: COMPLETION_LIMIT }), text, offset);
    assert.ok(full.items.length > 0, line);
    assert.equal(limited.isIncomplete, full.isIncomplete, line);
    assert.deepEqual(limited.items.map(shown), full.items.map(shown), line);
    if (full.isIncomplete) cut++;
    // A navigation item of $expand reads as it did when each was made apart: the target type, sorted first.
    const expandType = /\$expand=owninguser\(\$expand=/.test(line) ? 'systemuser' : /\$(expand=|apply=expand\()[^(]*$/.test(line) ? /^GET (systemusers|businessunits)/.exec(line)?.[1]?.slice(0, -1) : undefined;
    const structured = expandType ? fullModel.findStructuredType(`Microsoft.Dynamics.CRM.${expandType}`) : undefined;
    for (const item of structured ? limited.items : []) {
      const navigation = fullModel.findNavigationProperty(structured!, item.label);
      if (!navigation) continue;
      const to = navigation.type.name.slice(navigation.type.name.lastIndexOf('.') + 1);
      assert.equal(item.detail, navigation.type.collection ? `→ Collection(${to})` : `→ ${to} (single)`, `${line}: ${item.label}`);
      assert.equal(item.sortText, `0${item.label}`, `${line}: ${item.label}`);
      expanded++;
    }
    // A member's documentation is its description in the model, as it was when every member was described up front.
    const type = /^GET (systemusers|businessunits|teams)/.exec(line)?.[1]?.slice(0, -1);
    for (const item of type ? limited.items : []) {
      const target = `Microsoft.Dynamics.CRM.${type}/${item.label}`;
      if (!fullModel.findProperty(fullModel.findStructuredType(`Microsoft.Dynamics.CRM.${type}`)!, item.label) && !fullModel.findNavigationProperty(fullModel.findStructuredType(`Microsoft.Dynamics.CRM.${type}`)!, item.label)) continue;
      if (line.includes('owninguser') || line.includes('/', line.indexOf('?'))) continue;
      const documentation = resolveDocumentation({ ...item }).documentation as { value: string } | undefined;
      assert.equal(documentation?.value, fullModel.description(target), `${line}: ${item.label}`);
      if (documentation) described++;
    }
  }
  assert.ok(cut >= 5, `lists over the limit were cut (${cut})`);
  assert.ok(expanded >= 400, `navigation items of $expand compared with the model (${expanded})`);
  assert.ok(described > 0, 'some members have documentation to compare');
});
