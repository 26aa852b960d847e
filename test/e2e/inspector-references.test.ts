/**
 * End-to-end: the inspector's "About this block" cites what a user can open — published
 * papers and library pages as links that open in the browser, and the section of the
 * numerical contract (assets/docs/models.md) by name — never the project's seed files.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('block references in the inspector', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-refs-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);

  it('links the AMPA synapse to Destexhe et al. (1994) and BrainPy, and names its models.md section', async () => {
    const { page } = studio;
    await ui.open();
    await ui.openExample('ampa-lif.json', 6);
    await ui.click('[data-block-id="syn"] .head');
    const refs = page.locator('.inspector .refs');
    await expect.poll(() => refs.count()).toBe(1);

    const destexhe = refs.locator('a[href="https://doi.org/10.1007/BF00961734"]');
    expect(await destexhe.textContent()).toBe('Destexhe, Mainen & Sejnowski (1994), J. Comput. Neurosci. 1:195');
    expect(await destexhe.getAttribute('target')).toBe('_blank');
    expect(await refs.locator('a[href^="https://brainpy.readthedocs.io/"]').count()).toBe(1);
    const section = refs.locator('span[title="assets/docs/models.md#synapses"]');
    expect(await section.textContent()).toBe('Spikeflow models, "Synapses"');
    expect(await refs.textContent()).not.toMatch(/seeds\/|MODELS\.md/);
    expect(studio.pageErrors).toEqual([]);
  }, 60_000);
});
