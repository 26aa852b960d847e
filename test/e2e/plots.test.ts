/**
 * End-to-end: the plots of a run, in headless Chromium against the real web host (a
 * temporary lab for each test, its runs made through the service). Zooming the linked time
 * axes, panning with Shift+drag on a trace and on a raster alike, a plot card wholly in view
 * at the default split on two screen sizes, reopening a project and its run after a reload,
 * CSV, PNG and zip downloads that match the run and are each announced by name, and a run
 * bar that shows a problem in full.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHROMIUM, SLOW_MS, SMALL_VIEWPORT, VIEWPORT, boxInside, exampleDocument, projectFromExample, studioActions, useStudioPerTest,
  type BrowserStudio,
} from './harness.js';

/** The shown time window, from the label the plots show while zoomed ("20.0–40.0 ms"). */
function parseWindow(label: string | null): { t0: number; t1: number } {
  const m = /^([\d.]+)–([\d.]+) ms$/.exec((label ?? '').trim());
  if (!m) throw new Error(`not a time window: ${label}`);
  return { t0: Number(m[1]), t1: Number(m[2]) };
}

describe.skipIf(!fs.existsSync(CHROMIUM))('plots in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-plots-', exportDir: true, downloads: true }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const { box, click, drag, reveal, shot } = ui;

  /** The AMPA example with a finished run, open in the studio with its plots shown. */
  async function openAmpaRun() {
    const { run } = await projectFromExample(studio.host, 'ampa-lif.json', 'AMPA');
    await ui.open();
    await ui.openProject('AMPA', 6);
    await ui.showRun(run!.id, 'V');
    return run!;
  }

  const windowLabel = () => studio.page.locator('.panel .window').textContent();

  it('zooms the linked time axes by dragging on a trace; Shift+drag pans a trace and the raster alike', async () => {
    const { page } = studio;
    await openAmpaRun();
    await reveal('.card[data-probe="V"]');
    const plot = await box('.card[data-probe="V"] .u-over');
    // Drag-select 20 ms … 40 ms on the V plot: every plot follows.
    await drag({ x: plot.x + plot.width * 0.2, y: plot.y + plot.height / 2 }, { x: plot.x + plot.width * 0.4, y: plot.y + plot.height / 2 });
    await page.locator('[data-testid="reset-zoom"]').waitFor();
    expect(await windowLabel()).toMatch(/^(19|20|21)\.\d–(39|40|41)\.\d ms$/);
    await shot('07-zoomed-plots');

    // Shift+drag to the left moves the window later, keeping its span: on the trace…
    const panLeft = async (selector: string) => {
      await reveal(`.card[data-probe="${selector}"]`);
      const over = await box(`.card[data-probe="${selector}"] .u-over`);
      const before = parseWindow(await windowLabel());
      const y = over.y + over.height / 2;
      await drag({ x: over.x + over.width * 0.6, y }, { x: over.x + over.width * 0.3, y }, ['Shift']);
      await expect.poll(async () => parseWindow(await windowLabel()).t0).toBeGreaterThan(before.t0 + 1);
      const after = parseWindow(await windowLabel());
      expect(after.t1 - after.t0).toBeCloseTo(before.t1 - before.t0, 0);
    };
    await panLeft('V');
    // … and on the spike raster (which zoomed instead of panning).
    await panLeft('spikes');

    await click('[data-testid="reset-zoom"]');
    await expect.poll(() => page.locator('[data-testid="reset-zoom"]').count()).toBe(0);
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);

  for (const viewport of [VIEWPORT, SMALL_VIEWPORT]) {
    it(`shows a whole plot card in the plot pane at the default split at ${viewport.width}×${viewport.height}`, async () => {
      const { page } = studio;
      await page.setViewportSize(viewport);
      await openAmpaRun();
      for (const probe of ['g', 'V', 'spikes']) {
        await reveal(`.card[data-probe="${probe}"]`);
        expect(boxInside(await box(`.card[data-probe="${probe}"]`), await box('.plots')), probe).toBe(true);
      }
    }, 2 * SLOW_MS);
  }

  it('keeps every chart as wide as its card when the window narrows (traces and the raster)', async () => {
    const { page } = studio;
    await openAmpaRun();
    // Each card's chart element against the uPlot chart drawn in it (uPlot sizes its .u-wrap).
    const widths = () => page.locator('.card .chart').evaluateAll((els) => els.map((e) => {
      const wrap = e.querySelector('.u-wrap');
      return { probe: e.closest('.card')?.getAttribute('data-probe'), card: e.clientWidth, chart: wrap ? Math.round(wrap.getBoundingClientRect().width) : null };
    }));
    const following = async () => (await widths()).every((w) => w.chart === w.card);
    await expect.poll(async () => (await widths()).map((w) => w.probe).sort()).toEqual(['V', 'g', 'spikes']);
    await expect.poll(following, { timeout: SLOW_MS }).toBe(true);
    const wide = (await widths())[0]!.card;
    await page.setViewportSize({ width: VIEWPORT.width - 300, height: VIEWPORT.height });
    await expect.poll(async () => (await widths())[0]!.card).toBeLessThan(wide);
    await expect.poll(following).toBe(true);
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);

  it('reopens the project and its run after a reload, and downloads CSV, PNG and zip that match the run, each named in a notice', async () => {
    const { page, host, tmp } = studio;
    const run = await openAmpaRun();
    await page.reload();
    await page.locator('.app:not(.busy)').waitFor();
    // Reopen explicitly through File → Open.
    await ui.menu('File', 'open');
    await page.locator('[data-dialog="open"]').waitFor();
    await shot('08-open-project-dialog');
    await click('[data-project-name="AMPA"]');
    await expect.poll(() => page.locator('.block-node').count()).toBe(6);
    expect(await ui.wires()).toBe(5);
    // The run is listed in the history; clicking it shows its plots.
    await click(`.history [data-run-id="${run.id}"]`);
    await expect.poll(async () => Number(await page.locator('.card[data-probe="V"] .chart').getAttribute('data-points')), { timeout: SLOW_MS }).toBeGreaterThan(100);
    expect(await page.locator(`.history [data-run-id="${run.id}"]`).getAttribute('data-status')).toBe('finished');
    await shot('09-reopened-project-and-run');

    // The inspector holds the project's values.
    await ui.select('post');
    expect(await page.locator('.inspector [data-field="param:tau"] input').inputValue()).toBe('20 ms');

    // CSV of the V probe, downloaded through the plot's CSV button, and said so.
    await reveal('.card[data-probe="V"]');
    const [download] = await Promise.all([page.waitForEvent('download'), click('.card[data-probe="V"] [data-action="csv"]')]);
    await expect.poll(ui.notices).toContainEqual(expect.stringContaining(`run-${run.id}-V.csv`));
    // The download's URL holds a one-time ticket, never the session token (it stays in the history).
    expect(download.url()).toMatch(new RegExp(`/api/runs/${run.id}/csv\\?ticket=[A-Za-z0-9_-]{43}$`));
    expect(download.url()).not.toContain(host.token);
    const file = path.join(tmp, 'V.csv');
    await download.saveAs(file);
    const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('t (ms),post.V[0] (mV)');
    const trace = await host.service.readTrace(run.id, 'V', { maxPoints: 100_000 });
    expect(trace.decimated).toBe(false);
    expect(lines.length - 1).toBe(trace.t.length);
    expect(trace.t.length).toBe(1001);
    for (let i = 0; i < trace.t.length; i++) {
      const [t, v] = lines[i + 1]!.split(',').map(Number) as [number, number];
      expect(t).toBeCloseTo(trace.t[i]!, 9);
      expect(Math.fround(v)).toBe(Math.fround(trace.series[0]!.min[i]!));
    }
    // A PNG of a plot, and every probe as a zip: downloads, each named in a notice.
    const [png] = await Promise.all([page.waitForEvent('download'), click('.card[data-probe="V"] [data-action="png"]')]);
    expect(png.suggestedFilename()).toBe(`run-${run.id}-V.png`);
    await expect.poll(ui.notices).toContainEqual(expect.stringContaining(`run-${run.id}-V.png`));
    const [zip] = await Promise.all([page.waitForEvent('download'), click('.panel [data-action="csv-all"]')]);
    expect(zip.suggestedFilename()).toBe(`run-${run.id}-csv.zip`);
    await expect.poll(ui.notices).toContainEqual(expect.stringContaining(`run-${run.id}-csv.zip`));
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);

  it('shows a problem that stops a run in full in the run bar', async () => {
    const { page, host } = studio;
    // The AMPA example with nothing connected: Run is refused, for several reasons.
    const doc = exampleDocument('ampa-lif.json') as { edges: unknown[] };
    doc.edges = [];
    await host.service.createProject('Broken', doc);
    await page.setViewportSize(SMALL_VIEWPORT);
    await ui.open();
    await ui.openProject('Broken', 6);
    await click('[data-testid="run"]');
    const error = page.locator('[data-testid="run-progress"] .error');
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toMatch(/"syn"[^]*"g"/);
    // Nothing of it is cut off at the right edge: it wraps inside the run bar.
    const fit = await error.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    expect(fit.scroll).toBeLessThanOrEqual(fit.client);
    expect(boxInside(await box('[data-testid="run-progress"] .error'), await box('[data-testid="run-bar"]'))).toBe(true);
    await shot('17-run-problem-in-full', { keepNotices: true });
  }, 2 * SLOW_MS);
});
