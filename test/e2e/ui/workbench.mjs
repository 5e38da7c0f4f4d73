// What several UI tests do in the workbench: find the quick input, open a file with quick open, close every
// editor. Not a test itself (runUiTests.mjs runs only *.ui.mjs).

/** Escapes a text for use inside a RegExp. */
export function literal(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const widget = (page) => page.locator('.quick-input-widget');

/** The quick input's text box (not the "select all" checkbox some quick picks also have). */
export const quickInputBox = (page) => widget(page).locator('.quick-input-box input').first();

/** Waits until the keyboard focus is in the quick input's text box. */
function quickInputFocused(page, timeout) {
  return page.waitForFunction(
    () => document.activeElement?.tagName === 'INPUT' && document.activeElement.closest('.quick-input-widget .quick-input-box') !== null,
    undefined,
    { timeout },
  );
}

/** Waits until the quick input's text box holds exactly `value`; false when it does not within `timeout` ms. */
async function quickInputHolds(page, value, timeout) {
  const box = await quickInputBox(page).elementHandle();
  try {
    await page.waitForFunction(([element, expected]) => element.value === expected, [box, value], { timeout });
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until the quick input's text box is visible with the keyboard focus. A webview restored as the window opens
 * (a results panel) can hold the focus: then the text box is clicked to take it back. A quick input closes when it
 * loses the focus, and a webview that takes the focus back right after F1 closes the palette before it can be
 * clicked: `reopen` (the key that opened it) opens it again, at most twice; without `reopen` (a prompt the extension
 * shows) that is an error.
 */
async function focusQuickInput(page, reopen) {
  for (let attempt = 1; ; attempt++) {
    await quickInputBox(page).waitFor({ state: 'visible' });
    try {
      await quickInputFocused(page, 5_000);
      return;
    } catch {
      // Not focused: take the focus back below.
    }
    try {
      await quickInputBox(page).click({ timeout: 5_000 });
      await quickInputFocused(page, 5_000);
      return;
    } catch (error) {
      if (!reopen || attempt === 3 || (await quickInputBox(page).isVisible())) throw error;
    }
    console.log('  (the quick input closed before it took the keyboard focus: opening it again)');
    await reopen();
  }
}

/**
 * Types `text` into the open quick input as a person would, waiting for state instead of sleeping: first until its
 * text box is visible, has the keyboard focus and holds just `prefix` (">" in the command palette: a palette that
 * opens takes a moment before it takes keystrokes, and what is typed before goes elsewhere or is lost), then until
 * the box holds `prefix` + `text`. Keystrokes lost on the way are typed again (the text after the prefix is
 * selected and replaced), at most three times; then it fails, saying what the box holds. `replace: true` types
 * over whatever the box proposes instead of expecting it empty; `reopen` opens the quick input again if it closes
 * before it takes the focus.
 */
export async function typeIntoQuickInput(page, text, { prefix = '', replace = false, reopen } = {}) {
  await focusQuickInput(page, reopen);
  if (replace) {
    // An input box's proposed value, selected as a person would before typing over it.
    await page.keyboard.press('Control+A');
  } else if (!(await quickInputHolds(page, prefix, 10_000))) {
    throw new Error(`the quick input holds ${JSON.stringify(await quickInputBox(page).inputValue())}, not ${JSON.stringify(prefix)}, before typing`);
  }
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.type(text);
    if (await quickInputHolds(page, prefix + text, 5_000)) return;
    const held = await quickInputBox(page).inputValue();
    if (attempt === 3) throw new Error(`typed ${JSON.stringify(text)} into the quick input three times; it holds ${JSON.stringify(held)}`);
    // Select what follows the prefix and type over it.
    await quickInputBox(page).evaluate((element, start) => element.setSelectionRange(start, element.value.length), prefix.length);
  }
}

/** Opens the command palette (F1) and types `title` into it, once it holds ">" and has the focus. */
export async function typeIntoCommandPalette(page, title) {
  const open = () => page.keyboard.press('F1');
  await open();
  await typeIntoQuickInput(page, title, { prefix: '>', reopen: open });
}

/** Opens `file` with quick open (Ctrl+P) and waits until the editor shows `text`. */
export async function quickOpen(page, file, text) {
  const open = () => page.keyboard.press('Control+P');
  await open();
  await typeIntoQuickInput(page, file, { reopen: open });
  await widget(page).locator('.quick-input-list .monaco-list-row.focused', { hasText: file }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines', { hasText: text }).first().waitFor();
}

/** "View: Close All Editors", so that the next test's window does not restore this test's editors and panels. */
export async function closeAllEditors(page) {
  await typeIntoCommandPalette(page, 'View: Close All Editors');
  await widget(page).locator('.quick-input-list .monaco-list-row.focused', { has: page.locator('.label-name', { hasText: /^View: Close All Editors$/ }) }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.part.editor .tabs-container .tab').first().waitFor({ state: 'detached' });
  await widget(page).waitFor({ state: 'hidden' });
}

/**
 * Waits until `selector`'s box stays the same over two animation frames (a part that resized, e.g. after the side
 * bar was hidden, has finished its layout), instead of sleeping for a guessed time.
 */
export async function layoutSettled(page, selector) {
  await page.waitForFunction(
    (target) =>
      new Promise((resolve) => {
        const box = () => JSON.stringify(document.querySelector(target)?.getBoundingClientRect());
        const before = box();
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(box() === before)));
      }),
    selector,
  );
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
    await typeIntoCommandPalette(page, title);
    const row = widget(page).locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 3_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.keyboard.press('Escape');
      await widget(page).waitFor({ state: 'hidden' });
    }
  }
}

/** Waits for the quick input titled `title` (exactly) with the keyboard focus in its text box. */
export async function waitForPrompt(page, title) {
  await widget(page).locator('.quick-input-title', { hasText: new RegExp(`^${literal(title)}$`) }).first().waitFor({ state: 'visible' });
  await focusQuickInput(page);
}

/** Answers a quick pick: types the label, checks that the focused row is that choice, presses Enter. */
export async function choose(page, title, label) {
  await waitForPrompt(page, title);
  await typeIntoQuickInput(page, label);
  await widget(page)
    .locator('.quick-input-list .monaco-list-row.focused .label-name', { hasText: new RegExp(`^${literal(label)}$`) })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}
