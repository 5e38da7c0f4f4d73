// A person opens a .fetchxml file, clicks "Run" above its <fetch> (a query against the sample OData service, the
// environment "local" that runUiTests.mjs configures), sees the rows in the results panel (a link-entity column by
// its alias among them), and loads the next page, which Dataverse pages with the paging cookie. The last screenshot
// (fetchxml-NN-readme.png in test/artifacts/ui) is the README's picture, copied by hand to images/screenshots/fetchxml.png:
// tests never write into the repository's tracked files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { closeAllEditors, layoutSettled, quickOpen, runCommand } from './workbench.mjs';

const QUERY = [
  '<!-- @environment = local -->',
  '<fetch count="50">',
  '  <entity name="account">',
  '    <attribute name="name" />',
  '    <attribute name="revenue" />',
  '    <order attribute="name" />',
  '    <link-entity name="contact" from="contactid" to="primarycontactid" link-type="outer" alias="contact">',
  '      <attribute name="fullname" />',
  '      <attribute name="jobtitle" />',
  '    </link-entity>',
  '  </entity>',
  '</fetch>',
  '',
].join('\n');

export default async function ({ page, url, shot, step, workspace }) {
  fs.writeFileSync(path.join(workspace, 'accounts.fetchxml'), QUERY);
  await page.goto(url, { timeout: 120_000 });
  await page.waitForSelector('.monaco-workbench .part.activitybar .action-item', { timeout: 90_000 });

  // Until the `fetchxml` language (another branch) activates the extension on its own, the Dynamics view does.
  step('open the Dynamics view, then accounts.fetchxml');
  await page.locator('.part.activitybar .action-item a[aria-label^="Dynamics"]').first().click();
  await page.locator('.part.sidebar .monaco-list-row', { hasText: /local/ }).first().waitFor({ timeout: 90_000 });
  await quickOpen(page, 'accounts.fetchxml', '<fetch count="50">');

  step('click the "Run" CodeLens');
  const lens = page.locator('.contentWidgets .codelens-decoration a').filter({ hasText: /^\W*Run$/ }).first();
  await lens.waitFor({ timeout: 60_000 });
  await shot('codelens');
  await lens.click();

  step('the results panel shows the rows, the linked contact by its alias');
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await frame.locator('.grid-cell', { hasText: /\S/ }).first().waitFor({ timeout: 60_000 });
  await frame.locator('.status', { hasText: '50 rows loaded, more available' }).first().waitFor();
  await frame.locator('.grid-hcell', { hasText: 'contact.fullname' }).first().waitFor();
  await shot('results');

  step('the Problems panel has nothing for accounts.fetchxml: the sample service names its entity types by logical name');
  // The CodeLens and the rows came after the language server had read this file against "local", so its problems
  // (before the sample service named entity types as Dataverse does: "Unknown table 'account'") were there by now.
  // The extension-host test fetchxmlRun.test.ts proves it the strict way (a misspelt table's problem first).
  if (!(await page.locator('.markers-panel').first().isVisible())) {
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').first().waitFor({ state: 'visible' });
  }
  const problems = await page.locator('.markers-panel').first().innerText();
  if (/accounts\.fetchxml|Unknown table/.test(problems)) throw new Error(`the Problems panel lists problems of accounts.fetchxml:\n${problems}`);

  step('"Load next page" follows the paging cookie: 50 more rows');
  await frame.locator('button', { hasText: 'Load next page' }).first().click();
  await frame.locator('.status', { hasText: '100 rows loaded' }).first().waitFor({ timeout: 60_000 });
  await shot('next-page');
  // The README's picture: the grid wider, without the side bar.
  await page.locator('.contentWidgets').first().click({ force: true }).catch(() => undefined);
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  await page.locator('.part.sidebar').first().waitFor({ state: 'hidden' });
  await layoutSettled(page, '.part.editor');
  await shot('readme');
  // The results panel goes first: a webview can take the keyboard focus back from the command palette as the
  // layout changes, and the palette closes when it loses the focus.
  await closeAllEditors(page);
  // The side bar's visibility outlives this page (the next UI tests share the code-server): show it again.
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  await page.locator('.part.sidebar').first().waitFor({ state: 'visible' });
}
