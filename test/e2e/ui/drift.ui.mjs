// A person compares two environments: "Compare Environments…" from the command palette, picks the bundled sample
// and the running sample service ("local"), and reads the differences in the Environment Differences view,
// grouped by entity set, then filters to breaking changes.
import { choose, openWorkbench, runCommand } from './workbench.mjs';

function row(page, label) {
  return page.locator('.part.sidebar .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
}

export default async function ({ page, url, shot, step }) {
  await openWorkbench(page, url);

  step('Compare Environments: sample → local');
  await runCommand(page, 'Dynamics OData: Compare Environments');
  await choose(page, 'Compare Environments: from', 'sample');
  await choose(page, 'Compare Environments: with', 'local');
  await page.locator('.part.sidebar .pane-header', { hasText: 'Environment Differences' }).first().waitFor({ timeout: 60_000 });
  const accounts = row(page, 'accounts');
  await accounts.waitFor({ timeout: 60_000 });
  // Clicking the row jumps to the explorer (its command); the twistie expands it.
  await accounts.locator('.monaco-tl-twistie').click();
  await page.locator('.part.sidebar .monaco-list-row[aria-expanded="true"]', { hasText: 'accounts' }).first().waitFor();
  await page.locator('.part.sidebar .monaco-list-row', { hasText: 'breaking · ' }).first().waitFor();
  // Room for the differences: fold the other two views of the container.
  for (const title of ['Environments', 'History']) {
    const pane = page.locator('.part.sidebar .pane-header', { hasText: title }).first();
    if ((await pane.getAttribute('aria-expanded')) === 'true') await pane.click();
  }
  await shot('compare');

  step('breaking changes only');
  const header = page.locator('.part.sidebar .pane-header', { hasText: 'Environment Differences' }).first();
  await header.hover();
  await header.locator('.action-label[aria-label^="Show Breaking Changes Only"]').first().click();
  await page.locator('.part.sidebar', { hasText: '(breaking only)' }).first().waitFor();
  await shot('breaking-only');

  // The views' folded state outlives this page (the same code-server serves the next tests): unfold them again.
  for (const title of ['Environments', 'History']) {
    const pane = page.locator('.part.sidebar .pane-header', { hasText: title }).first();
    if ((await pane.getAttribute('aria-expanded')) !== 'true') await pane.click();
    await page.locator('.part.sidebar .pane-header[aria-expanded="true"]', { hasText: title }).first().waitFor();
  }
}
