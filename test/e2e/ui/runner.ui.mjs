// A person opens an .odata file, clicks "Send request" above a query against the sample OData service (the
// environment "local" that runUiTests.mjs configures), sees the rows in the results panel, and loads the next page.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { closeAllEditors, quickOpen } from './workbench.mjs';

const QUERIES = [
  '@environment = local',
  '',
  '### Accounts by name',
  'GET accounts?$select=name,accountnumber,revenue,telephone1&$orderby=name',
  '',
].join('\n');

export default async function ({ page, url, shot, step, workspace }) {
  fs.writeFileSync(path.join(workspace, 'runner.odata'), QUERIES);
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench .part.activitybar .action-item', { timeout: 90_000 });

  step('open runner.odata');
  await quickOpen(page, 'runner.odata', 'GET accounts');

  step('click the "Send request" CodeLens');
  const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Send request' }).first();
  await lens.waitFor({ timeout: 60_000 });
  await shot('codelens');
  await lens.click();

  step('the results panel shows the rows');
  // The webview's page sits in an iframe inside an iframe.
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await frame.locator('.grid-cell', { hasText: /\S/ }).first().waitFor({ timeout: 60_000 });
  await frame.locator('.status', { hasText: '50 rows loaded, more available' }).first().waitFor();
  await frame.locator('.grid-hcell', { hasText: 'accountnumber' }).first().waitFor();
  await shot('results');

  step('"Load next page" adds the next 50 rows');
  await frame.locator('button', { hasText: 'Load next page' }).first().click();
  await frame.locator('.status', { hasText: '100 rows loaded' }).first().waitFor({ timeout: 60_000 });
  await shot('next-page');
  await closeAllEditors(page);
}
