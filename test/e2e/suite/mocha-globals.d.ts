// The mocha TDD globals the suite uses. Mocha itself lives in the e2e cache (test/e2e/setup.sh) and is bundled
// into out/index.js, so the root project needs no mocha types for `npm run typecheck`.
declare function suite(title: string, fn: (this: unknown) => void): void;
declare function test(title: string, fn: () => Promise<void> | void): void;
declare function suiteSetup(fn: () => Promise<void> | void): void;
declare function suiteTeardown(fn: () => Promise<void> | void): void;
