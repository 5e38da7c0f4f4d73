// ESLint (flat config), type-aware through typescript-eslint. `npm run lint`; `npm test` runs it first.
// Besides promise hygiene, it enforces the layout's boundaries (CONTRIBUTING "The shape"):
//   - the OData core (server/src/odata/) imports no editor, transport, file system or network module;
//   - the webview page imports no node module and no `vscode`;
//   - the client reaches the server only through its protocol module and the core's public index;
//   - a client feature does not reach into another feature's internals (only its public files, listed below).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NODE_BUILTINS = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'tls', 'dns', 'child_process', 'worker_threads', 'os'];
const nodeBuiltinPatterns = NODE_BUILTINS.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/.cache/**', '.tmp/**', '.cache/**', 'test/artifacts/**', '**/*.mjs', '**/*.js', 'test/sample-service/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's test()/describe() return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // The codebase's own conventions, kept as they are.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-empty-function': 'off',
      'no-control-regex': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The pure OData core: no editor, no LSP transport, no I/O.
    files: ['server/src/odata/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'The OData core is pure: no VS Code API.' },
          { name: 'vscode-languageserver', message: 'The OData core is pure: only vscode-languageserver-types may cross.' },
          { name: 'vscode-languageserver/node', message: 'The OData core is pure: only vscode-languageserver-types may cross.' },
          ...nodeBuiltinPatterns.map((name) => ({ name, message: 'The OData core does no I/O: take it as a parameter.' })),
        ],
        patterns: [
          { group: ['**/lsp/*', '**/server', '**/cli', 'undici', '@azure/*'], message: 'The OData core imports nothing outside server/src/odata/.' },
        ],
      }],
    },
  },
  {
    // The results panel's page runs in a browser.
    files: ['client/webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The webview page has no VS Code API (it talks through postMessage).' },
          ...nodeBuiltinPatterns.map((name) => ({ name, message: 'The webview page runs in a browser: no node modules.' }))],
        patterns: [{ group: ['node:*'], message: 'The webview page runs in a browser: no node modules.' }],
      }],
    },
  },
  {
    // The client reaches the server only through the protocol module and the core's public index.
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          {
            regex: '^(\\.\\./)+server/src/(?!protocol(\\.ts)?$|protocol/|odata/index(\\.ts)?$|odata$)',
            message: 'The client imports only server/src/protocol and server/src/odata/index.ts from the server.',
          },
        ],
      }],
    },
  },
);
