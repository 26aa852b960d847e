/**
 * End-to-end: the run bar's Threads list (the CPU engine's worker threads, issue #15), in
 * headless Chromium against the real web host. It lists Auto and 1 to the host's cores, is
 * hidden for the WebGPU engine, and a run started with 2 threads is stepped on 2 (the lab
 * keeps the count; the engine reports it).
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src-shared/api.js';
import { threadOptions } from '../../src-renderer/lib/engine-status.js';
import { CHROMIUM, SLOW_MS, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('the Threads choice in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-threads-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);

  async function newestRun(): Promise<RunInfo | undefined> {
    const projects = await studio.host.service.listProjects();
    const runs = (await Promise.all(projects.map((p) => studio.host.service.listRuns(p.id)))).flat();
    return runs.sort((a, b) => b.id - a.id)[0];
  }

  it('runs COBA on the CPU engine with the threads picked in the run bar', async () => {
    const { page, host } = studio;
    await ui.open();
    await ui.openExample('coba.json', 9);
    await ui.typeInto('[data-testid="run-duration"]', '20 ms');
    await ui.pickEngine('w', 'webgpu');
    expect(await page.locator('[data-testid="run-threads"]').count()).toBe(0);
    await ui.pickEngine('c', 'cpu');
    const options = threadOptions(await host.service.engineStatus());
    expect(options.length).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.locator('[data-testid="run-threads"] option').allTextContents()).toEqual(options.map((o) => o.label));
    // As a user does it: from the engine list, Tab to Threads and type the count.
    await page.locator('[data-testid="run-engine"]').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.type('2');
    await expect.poll(() => page.locator('[data-testid="run-threads"]').inputValue()).toBe('2');
    await ui.click('[data-testid="run"]');
    await expect.poll(async () => (await newestRun())?.status, { timeout: SLOW_MS }).toBe('finished');
    const run = (await newestRun())!;
    expect(run).toMatchObject({ engine: 'cpu', threads: 2 });
    expect(studio.pageErrors).toEqual([]);
  }, 3 * SLOW_MS);
});
