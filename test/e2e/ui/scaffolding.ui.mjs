// A person runs "Dynamics OData: New Dataverse Custom API…" from the command palette, answers every prompt by
// typing and Enter (one unique name is refused first, with the rule's message in the input box), and sees the
// custom API's folder in the Explorer: customapi.xml, the request parameter's XML, the plug-in class and the call.
import { choose, closeAllEditors, literal, openWorkbench, quickInputBox, runCommand, typeIntoQuickInput, waitForPrompt, widget } from './workbench.mjs';

/** Answers an input box: types `text` (replacing the proposed value), or keeps the proposed `keep` value; Enter. */
async function answer(page, title, { text, keep }) {
  await waitForPrompt(page, title);
  if (text !== undefined) {
    await typeIntoQuickInput(page, text, { replace: true });
  } else {
    await page.waitForFunction(([element, value]) => element.value === value, [await quickInputBox(page).elementHandle(), keep]);
  }
  await page.keyboard.press('Enter');
}

/** A row of the Explorer tree whose label shows `text` (compact folders show "a / b" on one row). */
function explorerRow(page, text) {
  return page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: text }) }).first();
}

async function expandExplorer(page, text) {
  const row = explorerRow(page, text);
  await row.waitFor();
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  await page.locator('.explorer-folders-view .monaco-list-row[aria-expanded="true"]', { has: page.locator('.label-name', { hasText: text }) }).first().waitFor();
}

export default async function ({ page, url, shot, step }) {
  await openWorkbench(page, url);
  // Results panels restored from earlier tests' windows would only take the focus away.
  await closeAllEditors(page);

  step('run "New Dataverse Custom API…" from the command palette');
  await runCommand(page, 'Dynamics OData: New Dataverse Custom API');

  step('folder and environment');
  await answer(page, 'Folder for custom APIs (relative to the workspace)', { keep: 'customapis' });
  // "No environment": the bound table is typed (a table list would depend on the language server's metadata).
  await choose(page, 'Environment', 'No environment');

  step('a unique name without a publisher prefix is refused with the rule\'s message');
  await waitForPrompt(page, 'Unique name, with your publisher prefix');
  await typeIntoQuickInput(page, 'EscalateCase');
  await widget(page).locator('.quick-input-message', { hasText: "needs your publisher prefix and an underscore" }).first().waitFor({ state: 'visible' });
  await shot('unique-name-refused');
  await page.keyboard.press('Enter'); // refused: the input box stays open with its message
  await widget(page).locator('.quick-input-message', { hasText: 'needs your publisher prefix' }).first().waitFor({ state: 'visible' });
  await answer(page, 'Unique name, with your publisher prefix', { text: 'contoso_EscalateCase' });

  step('names, binding, kind and flags');
  await answer(page, 'Display name', { keep: 'EscalateCase' });
  await answer(page, 'Description', { keep: 'EscalateCase' });
  await choose(page, 'Binding type', 'Entity');
  await answer(page, 'Bound table', { text: 'incident' });
  await choose(page, 'Function or action?', 'Action');
  await choose(page, 'Allowed custom processing step type', 'None');
  await choose(page, 'Enabled for workflow?', 'No');
  await choose(page, 'Private (hidden from $metadata)?', 'No');
  await answer(page, 'Execute privilege name (optional)', { keep: '' });

  step('add the request parameter Priority (Picklist), then finish');
  await choose(page, 'Parameters and properties', 'Add request parameter');
  await answer(page, 'Request parameter: name', { text: 'Priority' });
  await choose(page, 'Request parameter Priority: type', 'Picklist');
  await answer(page, 'Request parameter Priority: display name', { keep: 'Priority' });
  await choose(page, 'Is Priority optional?', 'No');
  // The same title as before: this time "Finish" says the API has one parameter.
  await widget(page).locator('.quick-input-list .monaco-list-row', { hasText: '1 parameters, 0 properties' }).first().waitFor();
  await shot('finish');
  await choose(page, 'Parameters and properties', 'Finish');

  step('the call opens in an editor');
  await page.locator('.tabs-container .tab.active', { hasText: 'contoso_EscalateCase.odata' }).first().waitFor({ timeout: 60_000 });
  await page.locator('.monaco-editor .view-lines', { hasText: 'contoso_EscalateCase' }).first().waitFor();

  step('the Explorer shows the custom API\'s files');
  // The icon toggles the side bar: click it only when the Explorer is not already showing.
  if (!(await page.locator('.explorer-folders-view').first().isVisible())) {
    await page.locator('.part.activitybar .action-item a[aria-label^="Explorer"]').first().click();
  }
  await page.locator('.explorer-folders-view').first().waitFor();
  await expandExplorer(page, 'contoso_EscalateCase');
  await expandExplorer(page, 'customapirequestparameters');
  await expandExplorer(page, 'Priority');
  for (const file of ['customapi.xml', 'customapirequestparameter.xml', 'EscalateCasePlugin.cs', 'contoso_EscalateCase.odata']) {
    await explorerRow(page, new RegExp(`^${literal(file)}$`)).waitFor();
  }
  await shot('explorer-tree');
  await closeAllEditors(page);
}
