// Shared plumbing for the end-to-end runners: the cache (test/e2e/setup.sh), per-run folders, free ports,
// VS Code servers started in their own process group, headless Chromium through playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = process.env.E2E_CACHE ? path.resolve(process.env.E2E_CACHE) : path.join(ROOT, 'test/.cache/e2e');
export const ARTIFACTS = path.join(ROOT, 'test/artifacts');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
export const EXTENSION_ID = `${PACKAGE.publisher}.${PACKAGE.name}`;
export const VSIX = path.join(ROOT, `${PACKAGE.name}-${PACKAGE.version}.vsix`);

const started = Date.now();
export function log(...args) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);
}

/** Runs test/e2e/setup.sh (seconds when everything is there) and returns the paths it recorded. */
export function ensureSetup(extraArgs = []) {
  const result = spawnSync('bash', [path.join(ROOT, 'test/e2e/setup.sh'), ...extraArgs], { stdio: 'inherit', env: { ...process.env, E2E_CACHE: CACHE } });
  if (result.status !== 0) throw new Error(`test/e2e/setup.sh failed (exit ${result.status})`);
  return JSON.parse(fs.readFileSync(path.join(CACHE, 'env.json'), 'utf8'));
}

/** Runs a command in the repository, inheriting output; throws on failure. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** A fresh per-run folder: HOME, TMPDIR, XDG dirs, VS Code user data (with quiet settings) and extensions. */
export function makeRunDir(kind) {
  const dir = path.join(CACHE, 'runs', `${Date.now().toString(36)}-${kind}`);
  for (const sub of ['home', 'xdg/config', 'xdg/data', 'xdg/cache', 'user-data/User', 'extensions', 'server-data', 'chrome']) {
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
  }
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'editor.quickSuggestionsDelay': 50,
  };
  fs.writeFileSync(path.join(dir, 'user-data/User/settings.json'), JSON.stringify(settings, null, 2));
  // TMPDIR is short and outside the repository: Chromium and VS Code put unix sockets there (108-byte limit)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'odt-e2e-'));
  fs.symlinkSync(tmp, path.join(dir, 'tmp'));
  tmpDirs.set(dir, tmp);
  pruneRuns(8);
  return dir;
}

const tmpDirs = new Map();
function tmpFor(runDir) {
  return tmpDirs.get(runDir) ?? path.join(runDir, 'tmp');
}
/** Removes the per-run temporary folders (called by runMain on the way out). */
function removeTmpDirs() {
  for (const tmp of tmpDirs.values()) fs.rmSync(tmp, { recursive: true, force: true });
  tmpDirs.clear();
}

/** Keeps the last `keep` run folders (they hold logs worth reading after a failure). */
function pruneRuns(keep) {
  const runs = path.join(CACHE, 'runs');
  const entries = fs.readdirSync(runs).sort();
  for (const old of entries.slice(0, Math.max(0, entries.length - keep))) fs.rmSync(path.join(runs, old), { recursive: true, force: true });
}

/** The environment every process of a run gets: nothing is written to the real home or /tmp. */
export function runEnv(runDir, env, extra = {}) {
  return {
    ...process.env,
    PATH: `${path.dirname(env.node24)}:${process.env.PATH}`,
    HOME: path.join(runDir, 'home'),
    TMPDIR: tmpFor(runDir),
    XDG_CONFIG_HOME: path.join(runDir, 'xdg/config'),
    XDG_DATA_HOME: path.join(runDir, 'xdg/data'),
    XDG_CACHE_HOME: path.join(runDir, 'xdg/cache'),
    XDG_RUNTIME_DIR: tmpFor(runDir),
    VSCODE_CLI: undefined,
    ELECTRON_RUN_AS_NODE: undefined,
    ...extra,
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Starts a long-running process as the leader of its own session and process group (setsid, through
 * `detached`), its output in `logFile`. stop() kills the whole group: the VS Code server's extension host and
 * language server would otherwise outlive it.
 */
export function startGroup(command, args, { env, logFile, cwd = ROOT }) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const stop = async () => {
    for (const [signal, waitMs] of [['SIGTERM', 3000], ['SIGKILL', 1000]]) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        return; // the group is gone
      }
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        try {
          process.kill(-child.pid, 0);
        } catch {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  groups.add(stop);
  return {
    child,
    get exited() {
      return exited;
    },
    stop: async () => {
      groups.delete(stop);
      await stop();
    },
  };
}

const groups = new Set();
/** Registers something else to stop on the way out (e.g. the sample service). */
export function addCleanup(fn) {
  groups.add(fn);
}
/** Stops every process group still running (on errors, Ctrl-C and exit paths). */
export async function stopAll() {
  await Promise.all([...groups].map((stop) => stop()));
  groups.clear();
}

/** The VS Code server inside code-server, with the smoke-test driver (accepts the extension test URL payload). */
export async function startServerMain(env, runDir, { folder }) {
  const port = await freePort();
  const logFile = path.join(runDir, 'server.log');
  const args = [
    env.serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms',
    '--enable-smoke-test-driver', '--disable-telemetry', '--disable-workspace-trust',
    '--server-data-dir', path.join(runDir, 'server-data'), '--user-data-dir', path.join(runDir, 'user-data'),
    '--extensions-dir', path.join(runDir, 'extensions'), '--default-folder', folder,
  ];
  const server = startGroup(env.node24, args, { env: runEnv(runDir, env), logFile });
  await waitForHttp(`http://127.0.0.1:${port}/`);
  return { ...server, port, logFile };
}

/** code-server as a person runs it (--auth none on 127.0.0.1), with VSIXs installed into this run's extensions dir. */
export async function startCodeServer(env, runDir, { folder, vsix = [], port: wanted, extraEnv = {} }) {
  const port = wanted || (await freePort());
  const logFile = path.join(runDir, 'server.log');
  const config = path.join(runDir, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const common = ['--config', config, '--user-data-dir', path.join(runDir, 'user-data'), '--extensions-dir', path.join(runDir, 'extensions')];
  for (const file of vsix) {
    const result = spawnSync(env.node24, [env.codeServerEntry, ...common, '--install-extension', file], { env: runEnv(runDir, env), encoding: 'utf8' });
    fs.appendFileSync(logFile, `${result.stdout}${result.stderr}`);
    if (result.status !== 0 || !/successfully installed/i.test(result.stdout + result.stderr)) {
      throw new Error(`installing ${file} into code-server failed:\n${result.stdout}${result.stderr}`);
    }
    log(`installed ${path.basename(file)}`);
  }
  const args = [
    env.codeServerEntry, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', folder,
  ];
  // extraEnv: what a user would set before starting VS Code (NODE_EXTRA_CA_CERTS); its extension host inherits it.
  const server = startGroup(env.node24, args, { env: runEnv(runDir, env, extraEnv), logFile });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`);
  return { ...server, port, logFile, url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}` };
}

/** Headless Debian Chromium driven by playwright-core (from the cache), its profile inside the run folder. */
export async function launchBrowser(env, runDir, { headless = true } = {}) {
  const require = createRequire(path.join(env.tools, 'noop.js'));
  const { chromium } = require('playwright-core');
  const home = path.join(runDir, 'home');
  const context = await chromium.launchPersistentContext(path.join(runDir, 'chrome'), {
    executablePath: env.chrome,
    headless,
    viewport: { width: 1400, height: 900 },
    env: { ...runEnv(runDir, env), HOME: home },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Runs `main`, stopping every process group on the way out, on Ctrl-C and on a deadline. */
export function runMain(main, { timeoutMs, name }) {
  let finishing = false;
  const finish = async (code, reason) => {
    if (finishing) return;
    finishing = true;
    if (reason) console.error(`[${name}] ${reason}`);
    await stopAll();
    removeTmpDirs();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void finish(130, `stopped (${signal})`));
  const timer = timeoutMs ? setTimeout(() => void finish(1, `timed out after ${timeoutMs / 1000} s`), timeoutMs) : undefined;
  timer?.unref?.();
  main().then(
    (code) => finish(code ?? 0),
    (error) => finish(1, `FAILED: ${error?.stack ?? error}`),
  );
}

export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Copies a fixture workspace (test/e2e/workspace, test/e2e/demo-workspace) to `dest`, making every environment's
 * metadataFile absolute (they are written relative to the source folder) and adding `extraEnvironments`.
 */
export function prepareWorkspace(src, dest, { extraEnvironments = [], defaultEnvironment } = {}) {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(src, dest, { recursive: true });
  const settingsFile = path.join(dest, '.vscode/settings.json');
  const settings = fs.existsSync(settingsFile) ? JSON.parse(fs.readFileSync(settingsFile, 'utf8')) : {};
  const environments = (settings['dynamicsOData.environments'] ?? []).map((environment) => ({
    ...environment,
    metadataFile: path.resolve(src, environment.metadataFile),
  }));
  settings['dynamicsOData.environments'] = [...environments, ...extraEnvironments];
  if (defaultEnvironment) settings['dynamicsOData.defaultEnvironment'] = defaultEnvironment;
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
  return dest;
}

/** Waits for the workbench of a freshly loaded code-server page (it appears 7-9 s after the page loads). */
export async function waitForWorkbench(page, timeoutMs = 90_000) {
  await page.waitForSelector('.monaco-workbench .part.activitybar .action-item', { timeout: timeoutMs });
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
}

/** Lines of the extension host logs that are errors and mention the extension (empty when activation was clean). */
/** The extension host log files of a run, each with its lines. */
function extensionHostLogs(runDir) {
  const logs = new Map();
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/exthost.*\.log$|remoteexthost.*\.log$|Dynamics OData/i.test(file) && entry.name.endsWith('.log')) {
        logs.set(file, fs.readFileSync(file, 'utf8').split('\n'));
      }
    }
  };
  walk(path.join(runDir, 'user-data/logs'));
  walk(path.join(runDir, 'server-data/data/logs'));
  return logs;
}

/** How many lines each log has now: what a closed workbench's host wrote after this is its teardown. */
export function extensionHostLogLengths(runDir) {
  return new Map([...extensionHostLogs(runDir)].map(([file, lines]) => [file, lines.length]));
}

/**
 * Error lines of the extension in the extension host logs. `upTo` limits files to their first N lines: a host
 * whose workbench the runner closed logs in-flight requests failing with "Channel has been closed" afterwards.
 */
export function extensionHostErrors(runDir, { needle = EXTENSION_ID, upTo = new Map() } = {}) {
  const found = [];
  for (const [file, lines] of extensionHostLogs(runDir)) {
    for (const line of lines.slice(0, upTo.get(file) ?? lines.length)) {
      if (/\[error\]/i.test(line) && (line.includes(needle) || /Dynamics OData|dynamicsOData/i.test(line))) found.push(`${path.basename(file)}: ${line}`);
    }
  }
  return found;
}
