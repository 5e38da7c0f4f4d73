// The language server's bundle (dist/server-main.js), for esbuild.mjs and the tests: run by its entry only
// (dist/server.js, server/src/lsp/serverLoader.ts), which compiles it with V8's code cache.
//  - The file is one function expression, node's CommonJS module wrapper already written around the bundle: the
//    entry compiles the file's text as read, not a copy of the 1.2 MB text wrapped in it (about 5 ms of every start).
//  - Node built-ins the bundle requires at load but never uses on the way to a first answer are required when first
//    used: `child_process` (vscode-languageserver's module resolution, which the server does not call, loads it and
//    `net`'s and `dgram`'s helpers: 2-6 ms of a start).

/** Node's CommonJS module wrapper, written around the bundle: the entry calls the function it evaluates to. */
export const MODULE_WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';
export const MODULE_WRAPPER_END = '})';

/** The built-ins required on first use in the server's bundle. */
export const SERVER_BUILTINS_ON_FIRST_USE = ['child_process'];

/**
 * An esbuild plugin: each of these node built-ins is required when a property of it is first read (a function
 * called, a value read), not when the module that imports it is loaded.
 * @param {string[]} names built-in module names, without `node:`
 * @returns {import('esbuild').Plugin}
 */
export function requiredOnFirstUse(names) {
  const filter = new RegExp(`^(node:)?(${names.map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`);
  return {
    name: 'required-on-first-use',
    setup(build) {
      build.onResolve({ filter }, (args) =>
        // The stand-in's own require of the built-in stays a require.
        args.namespace === 'required-on-first-use' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'required-on-first-use' },
      );
      build.onLoad({ filter: /.*/, namespace: 'required-on-first-use' }, async (args) => ({
        // Its names are the ones the built-in has in the node that builds: listing them (as esbuild's ESM interop
        // does on import) loads nothing; reading one loads the built-in.
        contents: [
          `let loaded;`,
          `const load = () => (loaded ??= require('node:${args.path}'));`,
          `const names = ${JSON.stringify(Object.keys(await import(`node:${args.path}`)).filter((name) => name !== 'default'))};`,
          `module.exports = new Proxy({}, {`,
          // esbuild's interop asks whether it is an ES module (a built-in never is) before anything is used.
          `  get: (_, key) => (key === '__esModule' ? undefined : load()[key]),`,
          `  has: (_, key) => key in load(),`,
          `  ownKeys: () => names,`,
          `  getOwnPropertyDescriptor: (_, key) => (names.includes(key) ? { get: () => load()[key], enumerable: true, configurable: true } : undefined),`,
          `});`,
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

/**
 * The server bundle's options, on top of the options every bundle shares.
 * @param {import('esbuild').BuildOptions} common
 * @returns {import('esbuild').BuildOptions}
 */
export function serverBundle(common) {
  return {
    ...common,
    entryPoints: ['server/src/server.ts'],
    outfile: 'dist/server-main.js',
    banner: { js: MODULE_WRAPPER_START },
    footer: { js: MODULE_WRAPPER_END },
    plugins: [requiredOnFirstUse(SERVER_BUILTINS_ON_FIRST_USE)],
  };
}
