// Starts the sample service: SAP CAP serving Dataverse-shaped data at http://127.0.0.1:<port>/api/data/v9.2/.
//
//   import { startSampleService } from './test/sample-service/start.mjs';
//   const service = await startSampleService();          // a free port
//   await fetch(`${service.serviceRoot}accounts?$top=3`);
//   await service.stop();
//
//   node test/sample-service/start.mjs [--port N] [--seed N]   # prints the service root; Ctrl-C stops it
//
// The server runs as a child process in its own process group, with HOME and TMPDIR in a temporary folder;
// stop() ends the whole group and waits for it. Installs the service's dependencies first when needed.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInstalled, serviceDir } from './install.mjs';

export const SERVICE_PATH = '/api/data/v9.2/';
const READY_LINE = /^SAMPLE_SERVICE_LISTENING (\S+)$/m;
const LOG_LIMIT = 400;

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function killGroup(pgid, signal) {
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
  } catch {
    // already gone
  }
}

/**
 * @typedef {object} SampleService
 * @property {string} url          e.g. `http://127.0.0.1:41234`
 * @property {string} serviceRoot  e.g. `http://127.0.0.1:41234/api/data/v9.2/` (with the trailing slash)
 * @property {number} port
 * @property {number} pid          the server's process id, which is also its process group id
 * @property {number} startupMs    from spawning the server to its first `$metadata` answer
 * @property {() => string} log    what the server printed so far (the last lines)
 * @property {() => Promise<void>} stop  ends the whole process group and waits until it has exited
 */

/**
 * Starts the sample service and resolves when its `$metadata` answers.
 * @param {{ port?: number, seed?: number, timeoutMs?: number, echo?: boolean, install?: boolean }} [options]
 *   port 0 (the default) lets the server take a free port; echo copies the server's output to stderr;
 *   install: false skips the dependency check.
 * @returns {Promise<SampleService>}
 */
export async function startSampleService({ port = 0, seed, timeoutMs = 60_000, echo = false, install = true } = {}) {
  if (install) await ensureInstalled();
  const home = mkdtempSync(join(tmpdir(), 'dynamics-odata-sample-service-'));
  const tmp = join(home, 'tmp');
  mkdirSync(tmp);
  const env = {
    ...process.env,
    HOME: home,
    USERPROFILE: home,
    TMPDIR: tmp,
    TMP: tmp,
    TEMP: tmp,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    CDS_USER_HOME: home,
    SAMPLE_SERVICE_TEMP_HOME: home,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
  // The development profile (in-memory database, dummy auth) whatever the caller's environment says.
  delete env.NODE_ENV;
  delete env.CDS_ENV;
  delete env.PORT;
  if (seed !== undefined) env.SAMPLE_SERVICE_SEED = String(seed);

  const started = performance.now();
  const cdsServe = join(serviceDir, 'node_modules', '@sap', 'cds', 'bin', 'serve.js');
  const child = spawn(process.execPath, [cdsServe, 'all', '--port', String(port)], {
    cwd: serviceDir,
    env,
    detached: true, // its own process group (setsid), so stop() can end everything it starts
    // The IPC channel closes whenever this process ends, even by a signal or SIGKILL: server.js then exits,
    // so an interrupted test run or demo leaves no server behind.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.channel?.unref();
  const pid = child.pid;

  const lines = [];
  let pending = '';
  let announced;
  const onData = (chunk) => {
    const text = chunk.toString('utf8');
    if (echo) process.stderr.write(text);
    pending += text;
    const parts = pending.split('\n');
    pending = parts.pop();
    for (const line of parts) {
      lines.push(line);
      if (lines.length > LOG_LIMIT) lines.shift();
      const m = READY_LINE.exec(line);
      if (m && announced === undefined) announced = m[1];
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const log = () => [...lines, pending].join('\n').trim();

  let exitInfo;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.on('error', (error) => {
      exitInfo = { error };
      resolve(exitInfo);
    });
  });

  // If this process goes away without stop(), take the server with it.
  const onParentExit = () => killGroup(pid, 'SIGKILL');
  process.on('exit', onParentExit);

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (pid !== undefined && exitInfo === undefined) {
        killGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      // Anything the server started in its group goes too.
      if (pid !== undefined && groupAlive(pid)) {
        killGroup(pid, 'SIGKILL');
        for (let i = 0; i < 100 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      }
      process.off('exit', onParentExit);
      rmSync(home, { recursive: true, force: true });
    })();
    return stopping;
  };

  const fail = async (reason) => {
    await stop();
    const output = log();
    throw new Error(`The sample service did not start: ${reason}.\n--- server output ---\n${output || '(none)'}`);
  };

  // Wait for the listening line, then until $metadata answers. Poll; never sleep a fixed time.
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  for (;;) {
    if (exitInfo !== undefined) {
      return fail(exitInfo.error ? String(exitInfo.error) : `the server exited (${exitInfo.signal ?? `exit code ${exitInfo.code}`})`);
    }
    if (Date.now() > deadline) return fail(`no $metadata answer within ${timeoutMs} ms (last: ${lastError})`);
    if (announced !== undefined) {
      try {
        const res = await fetch(`${announced}$metadata`, { signal: AbortSignal.timeout(5_000) });
        const body = await res.text();
        if (res.ok && body.includes('<edmx:Edmx')) break;
        lastError = `HTTP ${res.status}`;
      } catch (e) {
        lastError = e.cause?.code ?? e.message;
      }
    }
    await Promise.race([new Promise((r) => setTimeout(r, 25)), exited]);
  }
  const serviceRoot = announced;
  const url = new URL(serviceRoot).origin;
  return {
    url,
    serviceRoot,
    port: Number(new URL(serviceRoot).port),
    pid,
    startupMs: performance.now() - started,
    log,
    stop,
  };
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.split('=', 2);
    const value = () => inline ?? argv[++i];
    if (name === '--port') options.port = Number(value());
    else if (name === '--seed') options.seed = Number(value());
    else if (name === '--echo' || name === '--verbose') options.echo = true;
    else if (name === '--help' || name === '-h') options.help = true;
    else throw new Error(`unknown option ${arg}`);
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port < 65536)) {
    throw new Error('--port needs a port number (0 for a free one)');
  }
  return options;
}

async function main(argv) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (e) {
    console.error(`${e.message}\nusage: node test/sample-service/start.mjs [--port N] [--seed N] [--echo]`);
    process.exit(2);
  }
  if (options.help) {
    console.log('usage: node test/sample-service/start.mjs [--port N] [--seed N] [--echo]\n' +
      'Starts the Dataverse-shaped sample OData service on 127.0.0.1 (a free port unless --port) and prints its service root.');
    return;
  }
  try {
    const service = await startSampleService(options);
    console.log(service.serviceRoot);
    console.error(`[sample-service] ready in ${(service.startupMs / 1000).toFixed(1)} s (pid ${service.pid}); Ctrl-C stops it`);
    let stopping = false;
    const shutdown = async (signal) => {
      if (stopping) return;
      stopping = true;
      await service.stop();
      console.error(`[sample-service] stopped (${signal})`);
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
    process.on('SIGHUP', shutdown);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}

// No top-level await: CommonJS test files (tsx) require() this module.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main(process.argv.slice(2));
