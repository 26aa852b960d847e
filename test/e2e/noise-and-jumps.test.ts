/**
 * End-to-end: the blocks of voltage jumps in the editor, in headless Chromium against the
 * real web host. A Poisson drive dropped on the canvas connects to a LIF block's jump input
 * J (a socket type of its own: not to the current input I), and then drives the neuron, so
 * the "nothing drives this neuron" warning goes away. The inhomogeneous Poisson source takes
 * its rate as an expression of t typed in the inspector; a rate in the wrong dimension is
 * refused next to the field, and the expression is saved as typed.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, SLOW_MS, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('voltage jumps and rate expressions in the studio', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-jumps-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const status = () => studio.page.locator('[data-testid="model-status"]').textContent();

  it('a Poisson drive wires into J, not I, and drives the neuron', async () => {
    const { page } = studio;
    await ui.open();
    await ui.place('lif', 420, 160);
    await ui.place('poisson-input', 120, 160);
    await expect.poll(status).toBe('Model OK · 1 warning'); // the LIF block is not driven yet
    await ui.connect('poisson_input', 'J', 'lif', 'I'); // refused: a jump is not a current
    await ui.connect('poisson_input', 'J', 'lif', 'J');
    await expect.poll(ui.wires).toBe(1);
    await expect.poll(status).toBe('Model OK');
    expect(await page.locator('.block-node .warnings').count()).toBe(0);
    expect(studio.pageErrors).toEqual([]);
  }, 60_000);

  it('the inhomogeneous Poisson rate is an expression of t with units, checked by the compiler', async () => {
    const { page, host } = studio;
    await host.service.createProject('Modulated', {
      format: 'spikeflow-project', version: 2, name: 'Modulated',
      run: { dt: '0.1 ms', duration: '100 ms', seed: 1 },
      blocks: [
        { id: 'src', type: 'inhomogeneous-poisson', size: 10, params: {}, init: {}, position: { x: 0, y: 0 } },
        { id: 'sp', type: 'spike-probe', params: {}, init: {}, position: { x: 300, y: 0 } },
      ],
      edges: [{ from: 'src.spikes', to: 'sp.spikes' }],
    });
    await ui.open();
    await ui.openProject('Modulated', 2);
    await ui.select('src');
    const fieldError = page.locator('.inspector [data-field="param:rate"] [data-testid="field-error"]');
    await ui.type('param:rate', '20 Hz * (1 + sin(2 * pi * t / (50 ms))) * ms');
    await expect.poll(() => fieldError.textContent(), { timeout: SLOW_MS }).toMatch(/expected a rate/);
    await ui.type('param:rate', '20 Hz * (1 + sin(2 * pi * t / (50 ms)))');
    await expect.poll(() => fieldError.count(), { timeout: SLOW_MS }).toBe(0);
    await expect.poll(status, { timeout: SLOW_MS }).toMatch(/^Model OK/);
    await ui.clickCanvasCorner();
    await page.keyboard.press('Control+S');
    const projectId = (await host.service.listProjects()).find((p) => p.name === 'Modulated')!.id;
    await expect.poll(async () => (await host.service.listVersions(projectId)).length).toBe(2);
    const saved = (await host.service.openProject(projectId)).document;
    expect(saved.blocks.find((b) => b.id === 'src')!.params).toEqual({ rate: '20 Hz * (1 + sin(2 * pi * t / (50 ms)))' });
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);
});
