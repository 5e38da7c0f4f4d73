// The results page's browser bundle, for esbuild.mjs and the panel benchmark: one IIFE (panel.js) and one
// stylesheet (panel.css) in dist/webview/, the only folder the webview may load from.
/** @returns {import('esbuild').BuildOptions} */
export function webviewBundle({ production = false, outdir = 'dist/webview' } = {}) {
  return {
    entryPoints: [
      { in: 'client/webview/main.ts', out: 'panel' },
      { in: 'client/webview/panel.css', out: 'panel' },
    ],
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    tsconfig: 'client/webview/tsconfig.json',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'info',
  };
}
