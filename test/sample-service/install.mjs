// Installs the sample service's own dependencies (SAP CAP, SQLite) into test/sample-service/node_modules,
// apart from the extension's, and only when needed: when node_modules is missing, or the dependencies in
// package.json, the lockfile or the Node ABI changed since the last install (a hash is kept in node_modules). A second run takes
// milliseconds.
//
//   node test/sample-service/install.mjs [--force]
//
// better-sqlite3 compiles from source (no prebuilt binary can be downloaded offline), so it needs g++, make
// and python3; its install script is approved in package.json (`allowScripts`), as npm 11 blocks dependency
// install scripts by default.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const serviceDir = fileURLToPath(new URL('.', import.meta.url));
const nodeModules = join(serviceDir, 'node_modules');
const hashFile = join(nodeModules, '.sample-service-install-hash');
const lockDir = join(serviceDir, '.install-lock');

/** What an install depends on: the manifest's dependencies, the lockfile, and the Node ABI better-sqlite3 is built for. */
export function installHash() {
  const h = createHash('sha256');
  // Only what changes node_modules: editing the `cds` settings in package.json needs no reinstall.
  const manifest = JSON.parse(readFileSync(join(serviceDir, 'package.json'), 'utf8'));
  const { dependencies, devDependencies, optionalDependencies, overrides, allowScripts } = manifest;
  h.update(JSON.stringify({ dependencies, devDependencies, optionalDependencies, overrides, allowScripts }));
  h.update(readFileSync(join(serviceDir, 'package-lock.json')));
  h.update(`${process.platform}-${process.arch}-abi${process.versions.modules}`);
  return h.digest('hex');
}

/** True when node_modules is there and matches the current manifest, lockfile and Node. */
export function isInstalled() {
  try {
    return readFileSync(hashFile, 'utf8').trim() === installHash();
  } catch {
    return false;
  }
}

/** The build tools node-gyp needs for better-sqlite3, and the ones that are missing. */
export function missingBuildTools() {
  const tools = [
    ['g++', ['--version']],
    ['make', ['--version']],
    ['python3', ['--version']],
  ];
  return tools.filter(([cmd, args]) => spawnSync(cmd, args, { stdio: 'ignore' }).status !== 0).map(([cmd]) => cmd);
}

function npmCommand(args) {
  // Under `npm run`, use the very npm that runs us; otherwise the one on PATH.
  if (process.env.npm_execpath && /npm-cli\.c?js$/.test(process.env.npm_execpath)) {
    return { command: process.execPath, args: [process.env.npm_execpath, ...args], shell: false };
  }
  return { command: process.platform === 'win32' ? 'npm.cmd' : 'npm', args, shell: process.platform === 'win32' };
}

function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** A lock folder, so that two test processes never run `npm ci` in the same folder at once. */
async function withLock(fn, log) {
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        // being written or removed
      }
      if (Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!waited) log(`[sample-service] another process is installing (pid ${holder}); waiting for it`);
      waited = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Runs `npm ci` in test/sample-service when needed.
 * @param {{ force?: boolean, log?: (line: string) => void, stdio?: 'inherit' | 'ignore' }} [options]
 * @returns {Promise<{ installed: boolean, ms: number }>} whether it installed, and how long it took
 */
export async function ensureInstalled({ force = false, log = (line) => console.error(line), stdio = 'inherit' } = {}) {
  const started = performance.now();
  if (!force && isInstalled()) return { installed: false, ms: performance.now() - started };
  return withLock(async () => {
    if (!force && isInstalled()) return { installed: false, ms: performance.now() - started };
    const missing = missingBuildTools();
    if (missing.length > 0) {
      throw new Error(
        `The sample service cannot be installed: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.\n` +
          'Its SQLite driver (better-sqlite3) compiles from source, which needs g++, make and python3.\n' +
          'On Debian or Ubuntu: sudo apt-get install -y g++ make python3',
      );
    }
    log(`[sample-service] installing its dependencies (npm ci in ${serviceDir}); compiling better-sqlite3 takes a few minutes...`);
    const npm = npmCommand(['ci', '--no-audit', '--no-fund']);
    const { code, signal } = await run(npm.command, npm.args, { cwd: serviceDir, stdio, shell: npm.shell });
    if (code !== 0) {
      throw new Error(`npm ci in ${serviceDir} failed (${signal ?? `exit code ${code}`}); see its output above.`);
    }
    const check = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"], {
      cwd: serviceDir,
      encoding: 'utf8',
    });
    if (check.status !== 0) {
      throw new Error(
        'npm ci finished but better-sqlite3 does not load: its install script did not build it.\n' +
          'npm 11 blocks dependency install scripts unless package.json approves them (`allowScripts`); ' +
          'check that test/sample-service/package.json still has "allowScripts": { "better-sqlite3": true }.\n' +
          check.stderr.trim(),
      );
    }
    writeFileSync(hashFile, installHash() + '\n');
    const ms = performance.now() - started;
    log(`[sample-service] installed in ${(ms / 1000).toFixed(1)} s`);
    return { installed: true, ms };
  }, log);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  ensureInstalled({ force }).then(
    ({ installed }) => {
      if (!installed) console.error('[sample-service] dependencies are up to date');
    },
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
