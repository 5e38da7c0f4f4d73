// Builds the bundles: one esbuild context per bundle (client, server, cli, webview).
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --production  minified, no sourcemaps (what the VSIX ships)
// Type checking is separate: `npm run typecheck` (tsc --noEmit).
import * as esbuild from 'esbuild';
import { webviewBundle } from './client/webview/bundle.mjs';
import { serverBundle } from './server/bundle.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'info',
};

/** @type {import('esbuild').BuildOptions[]} */
const bundles = [
  // The VS Code extension: `vscode` is provided by the extension host.
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  // The language server: node IPC inside VS Code, --stdio for other editors (run by its entry: server/bundle.mjs).
  serverBundle(common),
  // Its entry (dist/server.js): runs dist/server-main.js with V8's code cache (server/src/lsp/serverLoader.ts).
  { ...common, entryPoints: ['server/src/lsp/serverLoader.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } },
  // `dynamics-odata check` for CI.
  {
    ...common,
    entryPoints: ['server/src/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  // The results panel's page (browser IIFE + CSS in dist/webview/).
  webviewBundle({ production }),
];

const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  try {
    await Promise.all(contexts.map((context) => context.rebuild()));
  } finally {
    await Promise.all(contexts.map((context) => context.dispose()));
  }
}
