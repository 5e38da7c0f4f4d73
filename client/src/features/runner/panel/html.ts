/**
 * The results panel's HTML shell: a strict Content-Security-Policy with a fresh nonce per render, one
 * stylesheet and one script from dist/webview, and an empty root the page fills with DOM calls. No data is
 * ever put in this HTML: the view model arrives by postMessage. Pure (no VS Code), so it is unit-tested.
 */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri(...)` of dist/webview/panel.js and panel.css, as strings. */
  scriptUri: string;
  styleUri: string;
  /** A fresh nonce per render (`makeNonce()`). */
  nonce: string;
  title: string;
}

/** 128 random bits, base64: a CSP nonce. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** The Content-Security-Policy of the page. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    // No <base> to re-point relative URLs, no form to post anywhere (issue 12, item 12).
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The whole document. */
export function renderPanelHtml(input: PanelHtmlInput): string {
  if (!/^[A-Za-z0-9+/_-]{16,}={0,2}$/.test(input.nonce)) throw new Error('renderPanelHtml: the nonce must be base64 (use makeNonce()).');
  const nonce = escapeHtml(input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeHtml(input.styleUri)}">
<title>${escapeHtml(input.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">Loading results…</p></main>
<script nonce="${nonce}" src="${escapeHtml(input.scriptUri)}"></script>
</body>
</html>
`;
}
