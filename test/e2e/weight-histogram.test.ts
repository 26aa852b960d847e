/**
 * End-to-end: seeing learning. In headless Chromium against the real web host, a user
 * builds a network in the editor — Poisson inputs onto LIF cells through an STDP synapse,
 * a constant current that makes the cells fire, and a weight-snapshots probe on the
 * synapse — runs it for a short time, and sees the weight histogram of the last snapshot;
 * moving the slider shows the first snapshot (every weight still at its initial value),
 * "CSV at this time" downloads that snapshot's weights, a row per connection, and Play
 * steps through to the last again. Asserted on the histogram's data (the counts
 * the chart carries, the service's own histogram), never on pixels.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, SLOW_MS, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';
import { buildLearningNetwork } from './learning-network.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('the weight-distribution view', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-weights-', exportDir: true, downloads: true }, (s) => (studio = s));
  const ui = studioActions(() => studio);

  it('a user adds STDP between two populations, runs, and watches the weight histogram change', async () => {
    const { page, host } = studio;
    await ui.open();
    await buildLearningNetwork(ui, page, 'stdp');

    await ui.click('[data-testid="run"]');
    await page.locator('[data-testid="run-status"][data-status="finished"]').waitFor({ timeout: SLOW_MS });
    const run = (await host.service.listRuns((await host.service.listProjects())[0]!.id))[0]!;
    expect(run.probes.find((p) => p.id === 'weight_snapshots')).toMatchObject({ snapshots: true, size: 40, intervalMs: 50 });

    // The card shows the last snapshot (t = 300 ms): the weights have spread out.
    const chart = page.locator('.card[data-probe="weight_snapshots"] .chart');
    await expect.poll(() => chart.getAttribute('data-snapshot'), { timeout: SLOW_MS }).toBe('6');
    const counts = async () => ((await chart.getAttribute('data-counts')) ?? '').split(',').map(Number);
    const last = await counts();
    expect(await chart.getAttribute('data-t')).toBe('300');
    expect(last.reduce((a, b) => a + b, 0)).toBe(40);
    expect(last.filter((c) => c > 0).length).toBeGreaterThan(1);
    const service = await host.service.readWeightHistogram(run.id, 'weight_snapshots', { bins: 40 });
    expect(last).toEqual(service.counts);
    await ui.shot('weight-histogram-01-last-snapshot');

    // The slider, moved to the start: every weight at its initial 0.005 µS, in one bin.
    const slider = page.locator('[data-testid="snapshot-slider"]');
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => chart.getAttribute('data-snapshot')).toBe('0');
    const first = await counts();
    expect(first.filter((c) => c > 0)).toEqual([40]);
    expect(first).not.toEqual(last);
    expect(await page.locator('[data-testid="snapshot-caption"]').textContent()).toContain('t = 0 ms · snapshot 1 of 7');
    // One step to the right: the next snapshot.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => chart.getAttribute('data-snapshot')).toBe('1');

    // The weights at the shown time as CSV: a row per connection (t, pre, post, w), as the lab has them.
    const [download] = await Promise.all([page.waitForEvent('download'), ui.click('.card[data-probe="weight_snapshots"] [data-action="csv-snapshot"]')]);
    const file = path.join(studio.tmp, 'weights.csv');
    await download.saveAs(file);
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split(','));
    expect(rows[0]).toEqual(['t (ms)', 'pre', 'post', 'stdp.w (µS)']);
    expect(rows).toHaveLength(41);
    expect(new Set(rows.slice(1).map((r) => r[0]))).toEqual(new Set(['50']));
    expect(new Set(rows.slice(1).map((r) => `${r[1]}>${r[2]}`)).size).toBe(40); // 20 inputs × 2 cells, each once
    const stored = host.service.lab.recordings.readState(run.id, 'weight_snapshots', { fromMs: 50, toMs: 50 });
    expect(rows.slice(1).map((r) => Math.fround(Number(r[3])))).toEqual(Array.from(stored.values));

    // Play steps through the snapshots to the last one and stops there.
    await ui.click('.card[data-probe="weight_snapshots"] [data-action="play"]');
    await expect.poll(() => chart.getAttribute('data-snapshot'), { timeout: SLOW_MS }).toBe('6');
    await expect.poll(() => page.locator('.card[data-probe="weight_snapshots"] [data-action="play"]').textContent()).toBe('Play');
    expect(await counts()).toEqual(last);
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);
});
