/**
 * End-to-end: a parameter sweep in the browser, with the mouse and keyboard only. Against
 * the real web host (temporary lab) serving the built renderer in headless Chromium, it
 * opens the Poisson → exponential synapse → LIF example, picks the synapse's time constant
 * in the inspector, tries a value of the wrong dimension (refused in place), sets up a
 * sweep of 3 values, starts it from the run bar on the WebGPU engine (SwiftShader here; the
 * CPU engine one copy after another without an adapter), and sees the 3 runs grouped in
 * the run history and their traces overlaid, each named by its value. Screenshots go to
 * test-artifacts/screenshots/ (14-sweep-form, 15-sweep-overlaid).
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, SLOW_MS, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('sweeps in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-sweep-', exportDir: true }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const { box, center, click, reveal, drag, typeInto } = ui;

  const VALUES = ['2 ms', '5 ms', '10 ms'];

  it('picks a parameter, sweeps 3 values from the run bar and sees 3 traces overlaid', async () => {
    const { page, host, pageErrors } = studio;
    await ui.open();
    await ui.openExample('poisson-exp-lif.json', 9);

    // A short run on the WebGPU engine.
    await typeInto('[data-testid="run-duration"]', '200 ms');
    await ui.pickEngine('w', 'webgpu');

    // Pick the synapse's time constant in the inspector and open its sweep form.
    await click('[data-block-id="syn"] .head');
    await expect.poll(() => page.locator('.inspector [data-field="id"] input').inputValue()).toBe('syn');
    await click('.inspector [data-action="sweep"][data-param="tau"]');
    await page.locator('[data-sweep-form="tau"]').waitFor();
    await expect.poll(() => page.evaluate<string | null>('document.activeElement?.getAttribute("data-testid") ?? null')).toBe('sweep-values');

    // A value of the wrong dimension is refused in place.
    await page.keyboard.type('2 ms, 5 mV');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="sweep-error"]').textContent()).toBe('"5 mV" is a voltage, expected a time (ms)');
    expect(await page.locator('[data-testid="sweep-chip"]').count()).toBe(0);
    await ui.shot('14-sweep-form', { keepNotices: true, keepPointer: true });

    // Three values with units; Enter sets the sweep up in the run bar.
    await typeInto('[data-testid="sweep-values"]', VALUES.join(', '));
    await expect.poll(() => page.locator('[data-sweep-form]').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="sweep-chip"]').textContent()).toContain('syn.tau = 2 ms, 5 ms, 10 ms');
    expect((await page.locator('[data-testid="run"]').textContent())?.trim()).toBe('Run sweep (3)');

    // Started from the run bar.
    await click('[data-testid="run"]');
    const group = page.locator('.history [data-sweep-id]');
    await group.first().waitFor({ timeout: SLOW_MS });
    await page.locator('.history [data-sweep-id][data-status="finished"]').waitFor({ timeout: SLOW_MS });
    expect(await group.count()).toBe(1);
    expect(await group.locator('[data-testid="sweep-label"]').textContent()).toBe('syn.tau = 2 ms, 5 ms, 10 ms');
    expect(await group.locator('[data-testid="sweep-copy"]').allTextContents()).toEqual(VALUES.map((v) => `syn.tau = ${v}`));
    expect(await group.locator('.run[data-status="finished"]').count()).toBe(3);

    // The store holds 3 runs of one project version, on the WebGPU engine, tagged with one sweep.
    const projects = await host.service.listProjects();
    const runs = (await Promise.all(projects.map((p) => host.service.listRuns(p.id)))).flat().sort((a, b) => a.id - b.id);
    expect(runs).toHaveLength(3);
    expect(new Set(runs.map((r) => r.versionId)).size).toBe(1);
    expect(new Set(runs.map((r) => r.sweep?.id)).size).toBe(1);
    expect(runs.map((r) => r.sweep?.value)).toEqual(VALUES);
    expect(runs.every((r) => r.status === 'finished' && r.durationMs === 200)).toBe(true);

    // The plots overlay the 3 runs, with a legend naming the swept values.
    const bottom = await box('.bottom');
    const splitter = await center('.splitter');
    await drag(splitter, { x: splitter.x, y: splitter.y - 250 });
    await expect.poll(async () => (await box('.bottom')).height).toBeGreaterThan(bottom.height + 200);
    await reveal('.card[data-probe="cell_V"]');
    const v = page.locator('.card[data-probe="cell_V"]');
    await expect.poll(async () => Number(await v.locator('.chart').getAttribute('data-runs')), { timeout: SLOW_MS }).toBe(3);
    expect(Number(await v.locator('.chart').getAttribute('data-series'))).toBe(6); // 2 recorded neurons × 3 runs
    expect(Number(await v.locator('.chart').getAttribute('data-points'))).toBeGreaterThan(100);
    expect(await v.locator('[data-testid="runs-legend"] [data-legend-run]').allTextContents()).toEqual(VALUES.map((x) => `syn.tau = ${x}`));
    await expect.poll(async () => Number(await page.locator('.card[data-probe="cell_spikes"] .chart').getAttribute('data-runs'))).toBe(3);
    expect(await page.locator('[data-testid="overlays"] [data-overlay-run]').count()).toBe(2);

    // The traces differ: the synapse's time constant shapes the current.
    const traces = await Promise.all(runs.map((r) => host.service.readTrace(r.id, 'syn_I', { maxPoints: 100_000 })));
    expect(traces[0]!.series[0]!.min).not.toEqual(traces[2]!.series[0]!.min);

    await ui.shot('15-sweep-overlaid');

    // One run of the sweep alone, then the whole sweep again from its group.
    await click(`.history [data-run-id="${runs[1]!.id}"]`);
    await expect.poll(() => page.locator('[data-testid="overlays"] [data-overlay-run]').count()).toBe(1);
    await click('.history [data-action="show-sweep"]');
    await expect.poll(() => page.locator('[data-testid="overlays"] [data-overlay-run]').count()).toBe(2);
    // Clearing the sweep makes Run a single run again.
    await click('[data-testid="clear-sweep"]');
    expect((await page.locator('[data-testid="run"]').textContent())?.trim()).toBe('Run');
    expect(pageErrors).toEqual([]);
  }, 3 * SLOW_MS);
});
