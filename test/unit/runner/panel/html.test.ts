/**
 * The results panel's HTML shell (client/src/features/runner/panel/html.ts) and the page code (client/webview/):
 * a strict CSP with a fresh nonce on every script and style tag, every interpolated value escaped, no data in the
 * HTML, and page code that builds the DOM only with createElement/textContent (checked over its sources and the
 * grid library it bundles).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { contentSecurityPolicy, escapeHtml, makeNonce, renderPanelHtml } from '../../../../client/src/features/runner/panel/html';

const ROOT = join(__dirname, '..', '..', '..', '..');
const HOSTILE = '<img src=x onerror=alert(1)>';
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function render(title = 'Big accounts', nonce = makeNonce()): { html: string; nonce: string } {
  return {
    nonce,
    html: renderPanelHtml({
      cspSource: CSP_SOURCE,
      scriptUri: `${CSP_SOURCE}/ext/dist/webview/panel.js`,
      styleUri: `${CSP_SOURCE}/ext/dist/webview/panel.css`,
      nonce,
      title,
    }),
  };
}

describe('panel HTML', () => {
  test('the CSP: nothing by default, scripts by nonce, styles from the extension or by nonce, no base or form target', () => {
    const { html, nonce } = render();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.equal(csp, escapeHtml(contentSecurityPolicy(CSP_SOURCE, nonce)));
    assert.equal(
      contentSecurityPolicy(CSP_SOURCE, nonce),
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${CSP_SOURCE} 'nonce-${nonce}'; img-src ${CSP_SOURCE} data:; font-src ${CSP_SOURCE}; base-uri 'none'; form-action 'none'`,
    );
    assert.ok(!html.includes('unsafe-inline'));
    assert.ok(!html.includes('unsafe-eval'));
  });

  test('every script and style tag carries the nonce; no inline script, style or handler', () => {
    const { html, nonce } = render();
    const tags = html.match(/<(script|style|link)\b[^>]*>/g) ?? [];
    assert.equal(tags.length, 2);
    for (const tag of tags) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
    assert.match(html, /<script nonce="[^"]+" src="[^"]+panel\.js"><\/script>/);
    assert.ok(!/<script[^>]*>[^<]+<\/script>/.test(html), 'no inline script body');
    assert.ok(!/<style/.test(html), 'no inline style element');
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handler');
    assert.ok(!/\sstyle=/i.test(html), 'no style attribute');
  });

  test('a fresh nonce per render', () => {
    const nonces = new Set(Array.from({ length: 20 }, () => makeNonce()));
    assert.equal(nonces.size, 20);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
    assert.notEqual(render().nonce, render().nonce);
  });

  test('a hostile value never appears as markup: escaped where interpolated, and rows are never part of the HTML', () => {
    const { html } = render(HOSTILE);
    assert.ok(!html.includes(HOSTILE));
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.equal((html.match(/<img/g) ?? []).length, 0);
    // the HTML builder takes no rows or view: they only ever reach the page by postMessage
    assert.deepEqual(Object.keys({ cspSource: '', scriptUri: '', styleUri: '', nonce: '', title: '' } satisfies Parameters<typeof renderPanelHtml>[0]).sort(), ['cspSource', 'nonce', 'scriptUri', 'styleUri', 'title']);
  });

  test('quotes in URIs cannot break out of attributes; a bad nonce is refused', () => {
    const html = renderPanelHtml({ cspSource: CSP_SOURCE, scriptUri: 'x" onload="alert(1)', styleUri: 's', nonce: makeNonce(), title: 't' });
    assert.ok(html.includes('src="x&#34; onload=&#34;alert(1)"'));
    assert.throws(() => renderPanelHtml({ cspSource: CSP_SOURCE, scriptUri: 's', styleUri: 's', nonce: "abc' 'unsafe-inline", title: 't' }), /nonce/);
  });
});

describe('page code builds the DOM from text only', () => {
  const pageFiles = readdirSync(join(ROOT, 'client', 'webview'))
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(ROOT, 'client', 'webview', name));
  const sharedFiles = ['panel/messages.ts', 'results/table.ts', 'results/viewModel.ts'].map((path) => join(ROOT, 'client', 'src', 'features', 'runner', path));
  const libraryFiles = readdirSync(join(ROOT, 'node_modules', '@tanstack', 'virtual-core', 'dist', 'esm'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(ROOT, 'node_modules', '@tanstack', 'virtual-core', 'dist', 'esm', name));

  test('the page sources exist (main, grid, dom)', () => {
    const names = pageFiles.map((path) => path.split('/').at(-1));
    for (const name of ['main.ts', 'grid.ts', 'dom.ts']) assert.ok(names.includes(name), name);
  });

  test('no HTML parsing sinks, eval or inline handlers in the page, the shared modules or virtual-core', () => {
    const sinks = /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|\beval\(|new Function\(|setAttribute\(\s*['"]on|\.srcdoc\s*=/;
    for (const file of [...pageFiles, ...sharedFiles, ...libraryFiles]) {
      // comments may name the sinks they avoid
      const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      const hit = sinks.exec(source);
      assert.equal(hit, null, `${file}: ${hit?.[0]}`);
    }
  });

  test('text reaches the DOM through textContent (the element builder)', () => {
    const dom = readFileSync(join(ROOT, 'client', 'webview', 'dom.ts'), 'utf8');
    assert.match(dom, /element\.textContent = options\.text/);
    assert.match(dom, /\/\^on\/i\.test\(name\)/);
  });
});
