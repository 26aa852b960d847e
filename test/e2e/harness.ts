/**
 * Shared set-up of the browser tests (test/e2e/*.test.ts) and the editor benchmark
 * (bench/editor.ts): builds dist/renderer when it is stale, starts the real web host on a
 * temporary lab, opens headless Chromium (Debian's, or SPIKEFLOW_CHROMIUM) on it, and the
 * page helpers that act through the mouse only, as a user would.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startWebHost, type WebHost } from '../../src-main/web-host/server.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env.SPIKEFLOW_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'test-artifacts', 'screenshots');
export const RENDERER = path.join(ROOT, 'dist', 'renderer');
export const VIEWPORT = { width: 1440, height: 900 };
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Newest modification time under `dir` (files only), 0 if missing. */
function newest(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  const st = fs.statSync(dir);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of fs.readdirSync(dir)) t = Math.max(t, newest(path.join(dir, e)));
  return t;
}

/**
 * Builds dist/renderer unless it is newer than every source it is built from. `verbose`:
 * says so on the console and shows vite's output (else only its errors).
 */
export function ensureRendererBuilt(verbose = false): void {
  const index = path.join(RENDERER, 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(...['src-renderer', 'src-shared', 'kernels', 'vite.config.ts'].map((p) => newest(path.join(ROOT, p))));
  if (built > sources) return;
  if (verbose) console.log('building the renderer…');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: verbose ? 'inherit' : ['ignore', 'ignore', 'inherit'],
  });
}

/** The web host on a temporary lab with Chromium open on it. */
export interface BrowserStudio {
  /** The temporary folder (lab, profile, downloads); removed by close(). */
  tmp: string;
  host: WebHost;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, as they come. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Starts the web host on a new temporary lab (`tmpPrefix` names its folder) and opens
 * headless Chromium with the flags above. `exportDir`: the host exports to tmp/exports;
 * `downloads`: the browser accepts downloads into tmp/downloads.
 */
export async function launchStudio(opts: { tmpPrefix: string; exportDir?: boolean; downloads?: boolean }): Promise<BrowserStudio> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), opts.tmpPrefix));
  let host: WebHost | undefined;
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close();
    await host?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    host = await startWebHost({ dbPath: path.join(tmp, 'lab.sqlite'), ...(opts.exportDir ? { exportDir: path.join(tmp, 'exports') } : {}) });
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: VIEWPORT,
      ...(opts.downloads ? { acceptDownloads: true, downloadsPath: path.join(tmp, 'downloads') } : {}),
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    return { tmp, host, context, page, pageErrors, close };
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
}

/**
 * For a browser test's describe block: before its tests, builds the renderer if stale and
 * launches the studio (see launchStudio), handing it to `ready`; after them, closes it.
 */
export function useBrowserStudio(opts: Parameters<typeof launchStudio>[0], ready: (studio: BrowserStudio) => void): void {
  let studio: BrowserStudio | undefined;
  beforeAll(async () => {
    ensureRendererBuilt();
    fs.mkdirSync(SHOTS, { recursive: true });
    studio = await launchStudio(opts);
    ready(studio);
  }, 180_000);
  afterAll(async () => {
    await studio?.close();
  }, 60_000);
}

/**
 * Helpers that find elements by selector and act on them with the mouse, on the page
 * `getPage` returns when called (a test's page is opened in its beforeAll).
 */
export function pageHelpers(getPage: () => Page) {
  async function box(selector: string) {
    const page = getPage();
    const el = page.locator(selector).first();
    // Lists re-render (a reload of runs, projects): retry until the element stays put.
    for (let attempt = 0; ; attempt++) {
      await el.waitFor({ state: 'visible' });
      const b = await el.boundingBox();
      if (b) return b;
      if (attempt === 20) throw new Error(`${selector} has no box`);
      await page.waitForTimeout(50);
    }
  }

  async function center(selector: string) {
    const b = await box(selector);
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  }

  async function click(selector: string) {
    const c = await center(selector);
    await getPage().mouse.click(c.x, c.y);
  }

  /** Scrolls the plots (mouse wheel over them) until `selector` is fully in view. */
  async function reveal(selector: string) {
    const page = getPage();
    const panel = await box('.plots');
    for (let i = 0; i < 20; i++) {
      const b = await box(selector);
      if (b.y >= panel.y && b.y + b.height <= panel.y + panel.height) return;
      await page.mouse.move(panel.x + 20, panel.y + panel.height / 2);
      await page.mouse.wheel(0, b.y < panel.y ? -120 : 120);
      await page.waitForTimeout(50);
    }
    throw new Error(`cannot scroll ${selector} into view`);
  }

  /** Opens menu `name` and clicks `item`, or hovers `item` and clicks `sub` of its submenu. */
  async function menu(name: string, item: string, sub?: string) {
    await click(`[data-menu="${name}"]`);
    if (sub) {
      const c = await center(`[data-menu-item="${item}"]`);
      await getPage().mouse.move(c.x, c.y);
      await click(`[data-menu-item="${sub}"]`);
    } else {
      await click(`[data-menu-item="${item}"]`);
    }
  }

  return { box, center, click, reveal, menu };
}
