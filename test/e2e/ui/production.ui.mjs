// A person marks the environment "local" (the sample OData service) as production with "Dynamics OData: Edit
// Environment…", clicks "Send request" above a POST in an .odata file, and is asked first in a modal dialog:
// Cancel sends nothing, Send creates exactly one record. Then "local" is unmarked again, as it was.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { choose, closeAllEditors, quickOpen, runCommand } from './workbench.mjs';

function settingsFile(workspace) {
  return path.join(workspace, '.vscode/settings.json');
}

/** The "local" entry of the workspace settings (JSON, as the runner and the Edit command write it). */
function localEnvironment(workspace) {
  const settings = JSON.parse(fs.readFileSync(settingsFile(workspace), 'utf8'));
  const local = (settings['dynamicsOData.environments'] ?? []).find((environment) => environment.name === 'local');
  if (!local) throw new Error(`no environment "local" in ${settingsFile(workspace)}`);
  return local;
}

/** Polls `check` until it returns true (the settings file is written by the extension host, outside the page). */
async function until(check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (check()) return;
    } catch {
      // A settings file read while VS Code writes it: try again.
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** "Dynamics OData: Edit Environment…" on "local", choosing `action` ("Mark as production" or its opposite). */
async function editLocal(page, action) {
  await runCommand(page, 'Dynamics OData: Edit Environment');
  await choose(page, 'Edit which environment?', 'local');
  await choose(page, "Edit 'local'", action);
}

/** How many accounts of the sample service have this name. */
async function accountsNamed(serviceRoot, name) {
  const response = await fetch(`${serviceRoot}accounts?$select=accountid&$filter=${encodeURIComponent(`name eq '${name}'`)}`);
  if (!response.ok) throw new Error(`the sample service answered ${response.status} to the accounts query`);
  return (await response.json()).value;
}

export default async function ({ page, url, shot, step, workspace }) {
  const serviceRoot = localEnvironment(workspace).url;
  const name = `Production UI test ${Date.now()}`;
  fs.writeFileSync(
    path.join(workspace, 'production.odata'),
    ['@environment = local', '', '### Create an account', 'POST accounts', 'Content-Type: application/json', '', JSON.stringify({ name }), ''].join('\n'),
  );
  let marked = false;
  try {
    await page.goto(url);
    // The extension's contributions are loaded once its view container is in the activity bar; the command palette
    // lists the commands known when it opens.
    await page.locator('.part.activitybar .action-item a[aria-label^="Dynamics"]').first().waitFor({ timeout: 90_000 });

    step('mark "local" as production with "Edit Environment…"');
    await editLocal(page, 'Mark as production');
    marked = true;
    await until(() => localEnvironment(workspace).production === true, '"local" to be marked production in the workspace settings');

    step('open production.odata and click "Send request"');
    await quickOpen(page, 'production.odata', 'POST accounts');
    const lens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Send request' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();

    step('a modal dialog asks first; Escape cancels and nothing is created');
    const dialog = page.locator('.monaco-dialog-box').first();
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('.dialog-message-text', { hasText: '"local" is a production environment. Send POST' }).first().waitFor();
    await dialog.locator('.monaco-button', { hasText: /^Send$/ }).first().waitFor();
    await shot('production-dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // The dialog answers before anything is sent: once it is gone, a cancelled request was never sent.
    const afterCancel = await accountsNamed(serviceRoot, name);
    if (afterCancel.length !== 0) throw new Error(`Cancel still created ${afterCancel.length} account(s) named "${name}"`);

    step('send again and choose "Send": exactly one record is created');
    await lens.click();
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('.dialog-message-text', { hasText: 'is a production environment' }).first().waitFor();
    await dialog.locator('.monaco-button', { hasText: /^Send$/ }).first().click();
    await dialog.waitFor({ state: 'detached' });
    // The results panel's tab carries the request's title and the status.
    await page.locator('.tabs-container .tab', { hasText: 'Create an account (201)' }).first().waitFor({ timeout: 60_000 });
    // The webview's page sits in an iframe inside an iframe.
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await panel.locator('.status .status-code', { hasText: /^201\b/ }).first().waitFor();
    await shot('sent');
    const created = await accountsNamed(serviceRoot, name);
    if (created.length !== 1) throw new Error(`expected exactly one account named "${name}", found ${created.length}`);
    // Leave the sample data as it was for the other tests.
    const removed = await fetch(`${serviceRoot}accounts(${created[0].accountid})`, { method: 'DELETE' });
    if (!removed.ok) throw new Error(`deleting the test account answered ${removed.status}`);

    step('unmark "local" with "Edit Environment…"');
    await editLocal(page, 'Unmark as production');
    await until(() => localEnvironment(workspace).production === undefined, '"local" to be unmarked in the workspace settings');
    marked = false;
    await closeAllEditors(page);
  } finally {
    // A failure midway must not leave "local" marked for the tests after this one.
    if (marked) {
      const settings = JSON.parse(fs.readFileSync(settingsFile(workspace), 'utf8'));
      for (const environment of settings['dynamicsOData.environments'] ?? []) if (environment.name === 'local') delete environment.production;
      fs.writeFileSync(settingsFile(workspace), `${JSON.stringify(settings, null, 2)}\n`);
    }
  }
}
