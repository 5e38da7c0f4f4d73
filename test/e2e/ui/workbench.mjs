// What several UI tests do in the workbench: find the quick input, open a file with quick open, close every
// editor. Not a test itself (runUiTests.mjs runs only *.ui.mjs).

/** Escapes a text for use inside a RegExp. */
export function literal(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const widget = (page) => page.locator('.quick-input-widget');

/** Opens `file` with quick open (Ctrl+P) and waits until the editor shows `text`. */
export async function quickOpen(page, file, text) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(file);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines', { hasText: text }).first().waitFor();
}

/** "View: Close All Editors", so that the next test's window does not restore this test's editors and panels. */
export async function closeAllEditors(page) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type('View: Close All Editors');
  await widget(page).locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^View: Close All Editors$/ }) }).first().click();
  await page.locator('.part.editor .tabs-container .tab').first().waitFor({ state: 'detached' });
}

/**
 * Opens the workbench and waits until the extension's contributions are known (its "Dynamics" view container is in
 * the activity bar): before that, the command palette does not list its commands yet.
 */
export async function openWorkbench(page, url) {
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench .part.activitybar .action-item', { timeout: 90_000 });
  await page.locator('.part.activitybar .action-item a[aria-label^="Dynamics"]').first().waitFor({ timeout: 90_000 });
}

/**
 * Runs a command from the command palette (F1) by its title. Right after a window opens, the palette may not list
 * the extension's commands yet (and does not refresh an open list): close it and ask again until the command is
 * there.
 */
export async function runCommand(page, title, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(title);
    const row = widget(page).locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 3_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.keyboard.press('Escape');
      await page.waitForSelector('.quick-input-widget input', { state: 'hidden' });
    }
  }
}

/**
 * Waits for the quick input titled `title` (exactly) with the keyboard focus in its input box. A webview restored
 * as the window opens can take the focus away: then the input box is clicked to take it back.
 */
export async function waitForPrompt(page, title) {
  await widget(page).locator('.quick-input-title', { hasText: new RegExp(`^${literal(title)}$`) }).first().waitFor({ state: 'visible' });
  const focused = () => page.waitForFunction(() => document.activeElement?.closest('.quick-input-widget') && document.activeElement.tagName === 'INPUT', undefined, { timeout: 5_000 });
  try {
    await focused();
  } catch {
    await widget(page).locator('.quick-input-box input').first().click();
    await focused();
  }
}

/** Answers a quick pick: types the label, checks that the focused row is that choice, presses Enter. */
export async function choose(page, title, label) {
  await waitForPrompt(page, title);
  await page.keyboard.type(label);
  await widget(page)
    .locator('.quick-input-list .monaco-list-row.focused .label-name', { hasText: new RegExp(`^${literal(label)}$`) })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}
