// A person opens the Dynamics view in the activity bar, expands the sample environment and the accounts entity
// set, sees its key, properties and navigation properties, filters the entity sets, and starts a new query.
import { typeIntoCommandPalette, typeIntoQuickInput, widget } from './workbench.mjs';

/** A row of the Environments tree by its label (exact, so `accounts` is not `accountleadscollection`). */
function row(page, label) {
  return page.locator('.part.sidebar .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
}

async function expand(page, label) {
  const target = row(page, label);
  await target.waitFor({ timeout: 60_000 });
  if ((await target.getAttribute('aria-expanded')) !== 'true') await target.click();
  await page.locator('.part.sidebar .monaco-list-row[aria-expanded="true"]', { hasText: label }).first().waitFor();
}

export default async function ({ page, url, shot, step }) {
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench .part.activitybar .action-item', { timeout: 90_000 });

  step('open the Dynamics view from the activity bar');
  await page.locator('.part.activitybar .action-item a[aria-label^="Dynamics"]').first().click();
  // The container "Dynamics" holds two views: Environments and History, each with its own header.
  await page.locator('.part.sidebar .pane-header', { hasText: 'Environments' }).first().waitFor();
  await page.locator('.part.sidebar .pane-header', { hasText: 'History' }).first().waitFor();
  await row(page, 'sample').waitFor({ timeout: 60_000 });
  await page.locator('.part.sidebar .monaco-list-row', { hasText: /sample.*entity sets/ }).first().waitFor({ timeout: 60_000 });
  await shot('environments');

  step('expand sample -> accounts -> navigation properties');
  await expand(page, 'sample');
  await expand(page, 'accounts');
  await row(page, 'accountid').waitFor();
  await expand(page, 'Navigation properties');
  await row(page, 'primarycontactid').waitFor();
  await shot('accounts');

  step('filter the entity sets');
  // View actions sit in the view's header and show on hover.
  const header = page.locator('.part.sidebar .pane-header', { hasText: 'Environments' }).first();
  await header.hover();
  await header.locator('.action-label[aria-label^="Filter Entity Sets"]').first().click();
  await typeIntoQuickInput(page, 'contact', { replace: true });
  await page.keyboard.press('Enter');
  await page.locator('.part.sidebar', { hasText: 'filter: contact' }).first().waitFor();
  await row(page, 'contacts').waitFor();
  await row(page, 'accounts').waitFor({ state: 'detached' });
  await shot('filtered');

  step('"New Query on This Entity Set" from the context menu');
  await row(page, 'contacts').click({ button: 'right' });
  const item = page.locator('.context-view .action-item', { hasText: 'New Query on This Entity Set' }).first();
  await item.waitFor();
  await shot('context-menu');
  await item.hover();
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines', { hasText: 'GET contacts?$select=contactid' }).first().waitFor();
  await shot('new-query');

  // The new query is an unsaved document: revert and close it, or the next test's window restores it.
  await typeIntoCommandPalette(page, 'View: Revert and Close Editor');
  await widget(page).locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Revert and Close Editor' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: 'Untitled' }).first().waitFor({ state: 'detached' });
}
