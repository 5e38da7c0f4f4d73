/**
 * The results panel's time to first paint: the built page (dist/webview, rebuilt here) in a plain HTML harness
 * (test/bench/panel/) in headless Chromium through playwright-core (both from `bash test/e2e/setup.sh`).
 * It posts a `show` message with 5,000 rows x 100 columns of Dataverse-shaped rows and measures from the post to
 * the first animation frame with cells in the grid, and to the frame after it painted; the DOM cell count shows
 * the virtualization. The floor in the same run: the same harness with 50 x 10. Then a scroll sweep.
 *
 *   node --import tsx -e "import('./test/bench/panelBench.ts').then(async (m) => console.log((await m.default.panelBench()).join('\n')))"
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { webviewBundle } from '../../client/webview/bundle.mjs';

const ROOT = join(__dirname, '..', '..');
const RUNS = 5;

interface ShowResult {
  firstFrameMs: number;
  paintedMs: number;
  cells: number;
  rowsInDom: number;
  images: number;
  hostileAsText: boolean;
}

interface ScrollResult {
  steps: number;
  medianMs: number;
  maxMs: number;
  maxCells: number;
}

interface PlaywrightPage {
  goto(url: string): Promise<unknown>;
  evaluate<T>(expression: string): Promise<T>;
  waitForFunction(expression: string): Promise<unknown>;
  close(): Promise<void>;
}
interface PlaywrightBrowser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<PlaywrightPage>;
  close(): Promise<void>;
}

function loadPlaywright(): { launch: (options: object) => Promise<PlaywrightBrowser>; chrome: string } {
  const envFile = join(ROOT, 'test', '.cache', 'e2e', 'env.json');
  if (!existsSync(envFile)) throw new Error('panelBench: playwright-core and Chromium are not installed: run `bash test/e2e/setup.sh` (or `--tools` with Chromium at /usr/bin/chromium) once.');
  const env = JSON.parse(readFileSync(envFile, 'utf8')) as { tools: string; chrome: string };
  const chrome = existsSync(env.chrome) ? env.chrome : '/usr/bin/chromium';
  if (!existsSync(chrome)) throw new Error(`panelBench: no Chromium at ${chrome}: run \`bash test/e2e/setup.sh\` once.`);
  const playwright = createRequire(join(env.tools, 'noop.js'))('playwright-core') as { chromium: { launch: (options: object) => Promise<PlaywrightBrowser> } };
  return { launch: (options) => playwright.chromium.launch(options), chrome };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number): string => `${value.toFixed(1)} ms`;

async function measure(browser: PlaywrightBrowser, url: string, rows: number, columns: number): Promise<{ first: number; painted: number; last: ShowResult; scroll?: ScrollResult }> {
  const first: number[] = [];
  const painted: number[] = [];
  let last: ShowResult | undefined;
  let scroll: ScrollResult | undefined;
  for (let run = 0; run < RUNS; run += 1) {
    // A fresh page each run: no warm caches of the previous table.
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.waitForFunction('window.__posted && window.__posted.some((m) => m.type === "ready")');
    last = await page.evaluate<ShowResult>(`window.__measureShow(${rows}, ${columns})`);
    first.push(last.firstFrameMs);
    painted.push(last.paintedMs);
    if (run === RUNS - 1 && rows > 100) scroll = await page.evaluate<ScrollResult>('window.__measureScroll(40)');
    await page.close();
  }
  return { first: median(first), painted: median(painted), last: last!, scroll };
}

export async function panelBench(): Promise<string[]> {
  const { launch, chrome } = loadPlaywright();
  await esbuild.build({ ...webviewBundle({ production: true, outdir: join(ROOT, 'dist', 'webview') }), logLevel: 'silent', absWorkingDir: ROOT });
  const url = pathToFileURL(join(ROOT, 'test', 'bench', 'panel', 'harness.html')).href;
  const browser = await launch({
    executablePath: chrome,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--allow-file-access-from-files'],
  });
  try {
    const floor = await measure(browser, url, 50, 10);
    const big = await measure(browser, url, 5000, 100);
    const lines = [
      `results panel, headless Chromium (${chrome}), median of ${RUNS} fresh pages, production bundle:`,
      `  50 x 10 (floor):     first frame with cells ${ms(floor.first)}, painted ${ms(floor.painted)}, ${floor.last.cells} cells in the DOM`,
      `  5,000 x 100:         first frame with cells ${ms(big.first)}, painted ${ms(big.painted)}, ${big.last.cells} cells in the DOM of 500,000 (${big.last.rowsInDom} rows)`,
      `  over the floor:      +${ms(big.painted - floor.painted)} to paint`,
      `  hostile value:       ${big.last.hostileAsText && big.last.images === 0 ? 'rendered as text, no <img> element' : `NOT SAFE (as text: ${big.last.hostileAsText}, img elements: ${big.last.images})`}`,
    ];
    if (big.scroll) lines.push(`  scroll sweep:        ${big.scroll.steps} steps (down 480 px, right 160 px, 2 frames each): median ${ms(big.scroll.medianMs)}, worst ${ms(big.scroll.maxMs)} a step (33 ms = no dropped frame), at most ${big.scroll.maxCells} cells in the DOM`);
    return lines;
  } finally {
    await browser.close();
  }
}
