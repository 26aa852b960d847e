/**
 * End-to-end: live mode takes a model of issue #15's live-mode size — COBA with 1000
 * neurons for 1 s (1e7 neuron-steps; the CPU engine steps it in about 0.1 s) — and re-runs
 * it after an edit, instead of refusing it as too large (the limit was 4e6 neuron-steps); grown
 * past the limit, live mode pauses and says so.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cobaDocument } from '../../bench/coba-document.js';
import { CHROMIUM, SLOW_MS, studioActions, useBrowserStudio, type BrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('live mode in the browser', () => {
  let studio: BrowserStudio;
  useBrowserStudio({ tmpPrefix: 'spikeflow-e2e-live-size-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);

  it('re-runs COBA with 1000 neurons for 1 s after each edit', async () => {
    const { page, host } = studio;
    const doc = { ...cobaDocument(1000, 1000), name: 'COBA 1000' };
    const { project } = await host.service.createProject(doc.name, doc);
    await ui.open(); // reopens the most recent project: this one
    await expect.poll(() => page.locator('.block-node').count()).toBe(8);
    const finished = async (n: number) => {
      await expect.poll(async () => (await host.service.listRuns(project.id)).filter((r) => r.live && r.status === 'finished').length, { timeout: SLOW_MS }).toBe(n);
    };
    await ui.click('[data-testid="live"]');
    await finished(1);
    expect(await ui.notices()).not.toContainEqual(expect.stringContaining('too large'));
    await ui.select('E');
    await ui.type('param:tau', '25 ms');
    await finished(2);
    // Grown past what live mode re-runs: it pauses and says so (once), instead of leaving the
    // last run's plots up as if they were this model's; back in size, it runs again.
    await ui.typeInto('[data-testid="run-duration"]', '100 s');
    await expect.poll(ui.notices).toContainEqual(expect.stringMatching(/^Live mode paused: the model is now too large to re-run after each edit/));
    await ui.typeInto('[data-testid="run-duration"]', '1 s');
    await finished(3);
    expect((await host.service.listRuns(project.id)).filter((r) => r.live)).toHaveLength(3);
    expect(studio.pageErrors).toEqual([]);
  }, 3 * SLOW_MS);
});
