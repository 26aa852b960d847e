/**
 * End-to-end: "Load CSV…" in the inspector, in headless Chromium against the real web host.
 * A CSV file of (t, rate) rows becomes the inhomogeneous Poisson source's rate table (units
 * from the header), shown in the field and saved in the document; a file with times out of
 * order is refused next to the button, naming the line, and changes nothing. A CSV file of
 * (pre, post, weight, delay) rows becomes a `pairs` connection's list, and the model
 * compiles and runs.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, SLOW_MS, studioActions, useStudioPerTest, waitRunEnd, type BrowserStudio } from './harness.js';

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });

describe.skipIf(!fs.existsSync(CHROMIUM))('CSV files in the inspector', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-csv-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const status = () => studio.page.locator('[data-testid="model-status"]').textContent();

  it('loads a rate table and a pair list, refuses a bad file, saves and runs', async () => {
    const { page, host } = studio;
    await host.service.createProject('Tables', {
      format: 'spikeflow-project', version: 2, name: 'Tables',
      run: { dt: '0.1 ms', duration: '100 ms', seed: 1 },
      blocks: [
        { id: 'src', type: 'inhomogeneous-poisson', size: 3, params: {}, init: {}, position: { x: 0, y: 0 } },
        { id: 'syn', type: 'exponential', params: { tau: '5 ms', output: 'current' }, init: {}, connection: { rule: 'pairs', pairs: [[0, 0]], weight: '1 nA', selfConnections: true, delay: 0 }, position: { x: 300, y: 0 } },
        { id: 'cell', type: 'lif', size: 2, params: {}, init: {}, position: { x: 600, y: 0 } },
        { id: 'sp', type: 'spike-probe', params: {}, init: {}, position: { x: 300, y: 300 } },
      ],
      edges: [{ from: 'src.spikes', to: 'syn.pre' }, { from: 'syn.post', to: 'cell.I' }, { from: 'src.spikes', to: 'sp.spikes' }],
    });
    await ui.open();
    await ui.openProject('Tables', 4);

    // A rate table, header with units (seconds and kHz are converted by the compiler).
    await ui.select('src');
    const rateInput = page.locator('.inspector [data-testid="load-csv"][data-for="param:rate"] input[type="file"]');
    const rateField = page.locator('.inspector [data-field="param:rate"] input, .inspector [data-field="param:rate"] textarea').first();
    await rateInput.setInputFiles(csv('bad.csv', 't (ms),rate (Hz)\n0,5\n50,40\n40,40\n'));
    await expect.poll(() => page.locator('.inspector [data-testid="csv-error"]').textContent()).toMatch(/^bad\.csv: line 4: t = 40 does not come after 50/);
    expect(await rateField.inputValue()).toBe('');
    await rateInput.setInputFiles(csv('rates.csv', '# drive\nt (ms),rate (Hz)\n0,5\n50,400\n100,400\n'));
    await expect.poll(() => rateField.inputValue()).toBe('table: 0 ms → 5 Hz, 50 ms → 400 Hz, 100 ms → 400 Hz');
    expect(await page.locator('.inspector [data-testid="csv-error"]').count()).toBe(0);

    // A pair list with weights and delays in the header's units.
    await ui.select('syn');
    await page.locator('.inspector [data-testid="load-csv"][data-for="conn:pairs"] input[type="file"]')
      .setInputFiles(csv('pairs.csv', 'pre,post,weight (nA),delay (ms)\n0,1,25,1.5\n2,0,30,0.5\n1,1,20,0\n'));
    await expect.poll(() => page.locator('.inspector [data-field="conn:pairs"] textarea, .inspector [data-field="conn:pairs"] input').first().inputValue())
      .toBe('0:1 (25 nA, 1.5 ms), 2:0 (30 nA, 0.5 ms), 1:1 (20 nA, 0 ms)');
    await expect.poll(status, { timeout: SLOW_MS }).toMatch(/^Model OK/);

    await ui.clickCanvasCorner();
    await page.keyboard.press('Control+S');
    const projectId = (await host.service.listProjects()).find((p) => p.name === 'Tables')!.id;
    await expect.poll(async () => (await host.service.listVersions(projectId)).length).toBe(2);
    const saved = (await host.service.openProject(projectId)).document;
    expect(saved.blocks.find((b) => b.id === 'src')!.params.rate).toEqual({ table: [[0, 5], [50, 400], [100, 400]] });
    expect(saved.blocks.find((b) => b.id === 'syn')!.connection!.pairs).toEqual([[0, 1, 25, 1.5], [2, 0, 30, 0.5], [1, 1, 20, 0]]);

    // The saved model runs: the source follows its table (5 Hz, then 400 Hz).
    const run = await host.service.startRun({ projectId, document: saved, engine: 'cpu' });
    await waitRunEnd(host, run.id);
    const { t } = await host.service.readSpikes(run.id, 'sp', {});
    // Expected: 3 × ∫rate dt ≈ 3 × (10 + 20) spikes, 60 of them in the last 50 ms and about 5 in the first 20.
    expect(t.length).toBeGreaterThan(50);
    expect(t.length).toBeLessThan(140);
    expect(t.filter((x) => x >= 50).length).toBeGreaterThan(4 * t.filter((x) => x < 20).length);
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);
});
