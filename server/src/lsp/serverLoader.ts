/**
 * The language server's entry (dist/server.js): runs the server's bundle (dist/server-main.js) with V8's code
 * cache, so that a start after the first one does not compile the bundle again (about 20-25 ms of CPU for the
 * bundle's top level, more for the functions the first requests compile). Node 22's `module.enableCompileCache`
 * does the same, but node 20 (VS Code's older builds, other editors) has none. The bundle is built as one function
 * expression, node's module wrapper (server/bundle.mjs): it is run by this entry only.
 *
 * The cache: `code/server-<hash of the bundle>-<node version>-<arch>.bin` in the user's cache folder (the same
 * folder as the index caches' key, readable and writable by the user only), written once a few seconds after
 * the start (by then it holds what the first requests compiled). V8 checks that a cache fits its version, flags
 * and source and ignores it otherwise; a cache that cannot be read or written is simply not used.
 * Kept small on purpose: everything here runs before the cache helps.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { userCacheFolder } from './cacheFolder';
import { whenIdle } from './idle';

/** When the cache is written: after the first requests have compiled what they use, once the server is idle (idle.ts). */
const WRITE_AFTER_MS = 5000;

function run(): void {
  const main = join(__dirname, 'server-main.js');
  const bytes = readFileSync(main);
  // esbuild writes ASCII (a development build may keep other characters in comments): then the text is a copy of the
  // bytes, not a UTF-8 decode (about 10 ms for the development bundle). The build wrote node's module wrapper around
  // the bundle (server/bundle.mjs): the text is compiled as it is, not copied once more into a wrapped one (about 5 ms).
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const folder = join(userCacheFolder(), 'code');
  // The hash of the bytes, not of the text (which would be encoded to UTF-8 again first). It is what keeps a cache of
  // another build from being used: V8 refuses a cache of another V8 version or other flags, but of the source it
  // checks only the length, so a cache of a different bundle of the same length would be accepted and run wrongly.
  // (About 1.5 ms for the development bundle: kept.)
  const name = `server-${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}-${process.version}-${process.arch}.bin`;
  const path = join(folder, name);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(path);
  } catch {
    cached = undefined;
  }
  // V8 refuses a cache made under other flags, and memory.ts sets --expose-gc while the server runs (before the
  // cache is written): set it here first, so that the flags the cache is made under are the ones it is read under.
  setFlagsFromString('--expose-gc');
  const script = new Script(source, { filename: main, cachedData: cached });
  if (cached === undefined || script.cachedDataRejected === true) {
    whenIdle(WRITE_AFTER_MS, () => {
      try {
        mkdirSync(folder, { recursive: true, mode: 0o700 });
        const temporary = `${path}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        renameSync(temporary, path);
      } catch {
        // Not writable: the next start compiles the bundle again.
      }
    });
  }
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  const module = new Module(main, require.main);
  module.filename = main;
  const requireFromMain = createRequire(main);
  module.require = requireFromMain as unknown as Module['require'];
  wrapper.call(module.exports, module.exports, requireFromMain, module, main, dirname(main));
}

run();
