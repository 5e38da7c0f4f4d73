// A person opens an .odata file, sees the problem in the Problems panel, and types a query with completion.
// (The environments sidebar tree has its own test: explorer.ui.mjs.)
import { quickOpen } from './workbench.mjs';

/** The suggest widget's visible labels. */
async function suggestLabels(page) {
  return page.locator('.editor-widget.suggest-widget.visible .monaco-list-row .label-name').allInnerTexts();
}

async function waitForSuggestion(page, label) {
  await page.locator('.editor-widget.suggest-widget.visible .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible' });
}
export default async function ({ page, url, shot, step }) {
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench .part.activitybar .action-item', { timeout: 90_000 });
  await shot('workbench');

  step('quick open ui.odata');
  await quickOpen(page, 'ui.odata', 'emailadress1');
  await page.locator('.tabs-container .tab.active', { hasText: 'ui.odata' }).waitFor();
  await page.locator('.statusbar-item', { hasText: 'sample' }).first().waitFor();
  await shot('file-open');

  step('the Problems panel shows the misspelt property');
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel', { hasText: "Unknown property 'emailadress1'" }).first().waitFor({ timeout: 60_000 });
  await shot('problems');

  step('type a query: entity sets at the path start');
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n### Typed by the UI test\nGET acc');
  await page.keyboard.press('Control+Space');
  await waitForSuggestion(page, 'accounts');
  await shot('suggest-entity-sets');

  step('accept accounts, then properties after $select= (then filtered by typing)');
  await page.keyboard.press('Escape');
  await page.keyboard.type('ounts?$select=');
  await page.keyboard.press('Control+Space');
  await page.locator('.editor-widget.suggest-widget.visible .monaco-list-row').first().waitFor();
  await shot('suggest-select');
  await page.keyboard.type('reve');
  await waitForSuggestion(page, 'revenue');
  const labels = await suggestLabels(page);
  if (!labels.includes('revenue')) throw new Error(`the suggest widget lists ${labels.join(', ')}, not revenue`);
  await shot('suggest-properties');

  step('accept revenue: the query is complete and has no new problem');
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines', { hasText: 'GET accounts?$select=revenue' }).waitFor();
  await page.locator('.markers-panel', { hasText: "Unknown property 'reve'" }).waitFor({ state: 'detached' });
  await page.locator('.markers-panel', { hasText: "Unknown property 'emailadress1'" }).first().waitFor();
  await shot('query-typed');
}
