/**
 * End-to-end: runs from the run bar, in headless Chromium against the real web host (a
 * temporary lab for each test). A long COBA run streams and is stopped, shown as
 * cancelled; live mode re-runs after each edit and folds its re-runs into one group of the
 * run history, whose runs can be shown and deleted.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src-shared/api.js';
import { engineOptions } from '../../src-renderer/lib/engine-status.js';
import { CHROMIUM, SLOW_MS, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('runs in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-runs-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const { click, select, type, shot, clickCanvasCorner } = ui;

  /** Every run of the lab, newest first. */
  async function allRuns(): Promise<RunInfo[]> {
    const projects = await studio.host.service.listProjects();
    const runs = (await Promise.all(projects.map((p) => studio.host.service.listRuns(p.id)))).flat();
    return runs.sort((a, b) => b.id - a.id);
  }

  it('stops a long COBA run and shows it as cancelled', async () => {
    const { page, host } = studio;
    await ui.open();
    await ui.openExample('coba.json', 9);
    // 100 s of simulated time on the CPU engine: long enough that no machine finishes it
    // before the Stop click (10 s did finish within the click's wait on a quiet machine).
    await ui.typeInto('[data-testid="run-duration"]', '100 s');
    await ui.pickEngine('c', 'cpu');
    // The engine list names the devices the host found ("Auto (CPU)", "CPU: 2 × …", "WebGPU: …").
    await expect.poll(() => page.locator('[data-testid="run-engine"] option').allTextContents())
      .toEqual(engineOptions(await host.service.engineStatus()).map((o) => o.label));
    await click('[data-testid="run"]');
    await page.locator('[data-testid="run-progress"] .bar').waitFor({ timeout: SLOW_MS });
    await expect.poll(async () => {
      const text = (await page.locator('[data-testid="run-progress"] .text').textContent()) ?? '';
      return Number(/^([\d.]+) \//.exec(text.trim())?.[1] ?? 0);
    }, { timeout: SLOW_MS, interval: 50 }).toBeGreaterThan(20);
    // The CPU engine may run COBA faster than real time: picture and stop without delay.
    await page.locator('.card[data-probe="spikes_E"] canvas').first().waitFor();
    await shot('11-long-run-streaming', { keepNotices: true, keepPointer: true });
    const [run] = await allRuns();
    await click('[data-testid="stop"]');
    await expect.poll(async () => (await host.service.getRun(run!.id)).status, { timeout: SLOW_MS }).toBe('cancelled');
    expect(await host.service.getRun(run!.id)).toMatchObject({ status: 'cancelled', durationMs: 100_000 });
    await page.locator('[data-testid="run-status"][data-status="cancelled"]').waitFor();
    await page.locator(`.history [data-run-id="${run!.id}"][data-status="cancelled"]`).waitFor();
    await shot('12-run-cancelled');
    expect(studio.pageErrors).toEqual([]);
  }, 3 * SLOW_MS);

  it('live mode re-runs after each edit and folds the re-runs into one group of the run history', async () => {
    const { page } = studio;
    await ui.open();
    await ui.openExample('ampa-lif.json', 6);
    // Live on: a first run at once, then one after each edit.
    await click('[data-testid="live"]');
    const finished = async (n: number) => {
      await expect.poll(async () => (await allRuns()).filter((r) => r.status !== 'running').length, { timeout: SLOW_MS }).toBe(n);
    };
    await finished(1);
    await select('post');
    await type('param:tau', '25 ms');
    await finished(2);
    await type('param:tau', '30 ms');
    await finished(3);
    const live = await allRuns();
    expect(live.map((r) => [r.live, r.status])).toEqual([[true, 'finished'], [true, 'finished'], [true, 'finished']]);

    // One entry for the three, showing (and on the plots) the newest.
    const group = page.locator('.history [data-live-group]');
    await expect.poll(() => group.getAttribute('data-count')).toBe('3');
    expect(await group.count()).toBe(1);
    expect(await group.locator('[data-testid="live-label"]').textContent()).toBe('Live · 3 runs');
    expect(await group.locator('.live-head').getAttribute('data-newest-run')).toBe(String(live[0]!.id));
    expect(await page.locator('.history .run').count()).toBe(0);
    await expect.poll(() => group.evaluate((el) => el.classList.contains('shown'))).toBe(true);
    // Opened, it lists them all, each selectable (scrolled into view in the history's list).
    await click('.history [data-action="expand-live"]');
    await expect.poll(() => group.locator('.run').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-run-id'))))).toEqual(live.map((r) => r.id));
    await click(`.history [data-run-id="${live[2]!.id}"]`);
    await expect.poll(() => page.locator(`.history [data-run-id="${live[2]!.id}"].shown`).count()).toBe(1);
    await shot('16-live-runs-grouped');

    // Live off and Run: a run of its own above the group.
    await click('[data-testid="live"]');
    await clickCanvasCorner();
    await click('[data-testid="run"]');
    await finished(4);
    const single = (await allRuns())[0]!;
    expect(single.live).toBe(false);
    await expect.poll(async () => Number(await page.locator('.history .list > .run').first().getAttribute('data-run-id'))).toBe(single.id);
    // Delete all, confirmed: only the run started with Run is left.
    await click('.history [data-action="delete-live"]');
    await click('.history [data-action="confirm-delete-live"]');
    await expect.poll(async () => (await allRuns()).map((r) => r.live)).toEqual([false]);
    await expect.poll(() => group.count()).toBe(0);
    expect(studio.pageErrors).toEqual([]);
  }, 3 * SLOW_MS);
  it('Ctrl+Enter in a field applies its value and runs with it; a refused value runs nothing', async () => {
    const { page, host } = studio;
    await ui.open();
    await ui.openExample('ampa-lif.json', 6);
    await select('post');
    const tau = '.inspector [data-field="param:tau"] input';
    await ui.typeInto(tau, 'abc', 'Control+Enter');
    await page.locator('.inspector [data-field="param:tau"].invalid').waitFor();
    await ui.typeInto('[data-testid="run-seed"]', '5', 'Control+Enter'); // a run-bar field: Run too
    await expect.poll(async () => (await allRuns()).length, { timeout: SLOW_MS }).toBe(1);
    const first = await allRuns();
    expect(first[0]!.seed).toBe(5);
    await expect.poll(async () => (await host.service.getRun(first[0]!.id)).status, { timeout: SLOW_MS }).not.toBe('running');
    await expect.poll(() => page.locator('[data-testid="run"]').isEnabled()).toBe(true);
    await ui.typeInto(tau, '31 ms', 'Control+Enter');
    await expect.poll(async () => (await allRuns()).length, { timeout: SLOW_MS }).toBe(2);
    const [run] = await allRuns();
    const ran = (await host.service.openProject(run!.projectId, run!.versionId)).document;
    expect(ran.blocks.find((b) => b.id === 'post')!.params.tau).toBe('31 ms');
  });
  it('a run started before the page was reloaded is taken up by the run bar, and stopped from the Runs panel', async () => {
    const { page, host } = studio;
    await ui.open();
    await ui.openExample('ampa-lif.json', 6);
    await ui.typeInto('[data-testid="run-duration"]', '100000 s');
    await click('[data-testid="run"]');
    await expect.poll(async () => (await allRuns()).length, { timeout: SLOW_MS }).toBe(1);
    const [run] = await allRuns();
    expect(run!.status).toBe('running');
    await ui.open(); // reloaded: the page that started the run is gone
    // The run bar shows the run's progress as it goes, and offers its Stop.
    const simulated = async () => Number(/^([\d.]+) \/ 100000000 ms/.exec((await page.locator('[data-testid="run-progress"] .mono').textContent({ timeout: SLOW_MS })) ?? '')?.[1] ?? NaN);
    const first = await simulated();
    await expect.poll(simulated, { timeout: SLOW_MS }).toBeGreaterThan(first);
    expect(await page.locator('[data-testid="stop"]').isEnabled()).toBe(true);
    expect(await page.locator('[data-testid="run"]').isDisabled()).toBe(true);
    const stop = page.locator(`.history [data-run-id="${run!.id}"] [data-action="stop-run"]`);
    await stop.click({ timeout: SLOW_MS });
    await expect.poll(async () => (await host.service.getRun(run!.id)).status, { timeout: SLOW_MS }).toBe('cancelled');
    await expect.poll(() => page.locator(`.history [data-run-id="${run!.id}"]`).getAttribute('data-status')).toBe('cancelled');
    expect(await stop.count()).toBe(0);
    // The run bar lets go of it: Run is there again.
    await expect.poll(() => page.locator('[data-testid="run"]').isEnabled()).toBe(true);
    await expect.poll(() => page.locator('[data-testid="run-status"]').getAttribute('data-status')).toBe('cancelled');
  });
});
