/**
 * End-to-end: "Continue from this run" in the Runs panel (issue #13), in headless Chromium
 * against the real web host. A run of the Song et al. STDP example keeps its final weights,
 * so its row offers Continue; picking it shows a chip in the run bar, Run starts a run that
 * continues it (the lab's run says which, the row is tagged), and the chip is gone after.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src-shared/api.js';
import { CHROMIUM, exampleDocument, SLOW_MS, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('continue from a run in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-continue-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);

  async function runs(): Promise<RunInfo[]> {
    const projects = await studio.host.service.listProjects();
    return (await Promise.all(projects.map((p) => studio.host.service.listRuns(p.id)))).flat().sort((a, b) => a.id - b.id);
  }

  it('Continue on a run of the STDP example makes the next Run start from its final weights', async () => {
    const { page } = studio;
    await ui.open();
    await ui.openExample('stdp-song-2000.json', (exampleDocument('stdp-song-2000.json') as { blocks: unknown[] }).blocks.length);
    await ui.typeInto('[data-testid="run-duration"]', '20 ms');
    await ui.pickEngine('c', 'cpu');
    await ui.click('[data-testid="run"]');
    await expect.poll(async () => (await runs())[0]?.status, { timeout: SLOW_MS }).toBe('finished');
    const first = (await runs())[0]!;
    expect(first.finalWeights).toBe(true);

    const row = `.history [data-run-id="${first.id}"]`;
    await ui.click(`${row} [data-action="continue-from"]`);
    await expect.poll(() => page.locator('[data-testid="continue-chip"]').textContent()).toContain(`from run #${first.id}`);
    await ui.click('[data-testid="run"]');
    await expect.poll(async () => (await runs())[1]?.status, { timeout: SLOW_MS }).toBe('finished');
    const second = (await runs())[1]!;
    expect(second.continuedFrom).toBe(first.id);
    await expect.poll(() => page.locator(`.history [data-run-id="${second.id}"] [data-testid="continued-from"]`).textContent()).toBe(`continues #${first.id}`);
    expect(await page.locator('[data-testid="continue-chip"]').count()).toBe(0);
    expect(studio.pageErrors).toEqual([]);
  }, 3 * SLOW_MS);
});
