/**
 * End-to-end: the inspector takes a parameter that varies per neuron — a distribution
 * typed as "normal(20 ms, 3 ms, 5 ms, 40 ms)" or an expression "= -50 mV + 5 mV * r" — shows
 * it as typed, on the block too, shows the compiler's unit error next to the field, and
 * saves it in the document as the distribution or expression
 * (assets/docs/models.md#heterogeneity).
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, SLOW_MS, projectFromExample, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('parameters that vary per neuron in the inspector', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-hetero-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);

  it('takes a distribution and an expression, refuses a wrong unit by the field, and saves them', async () => {
    const { page, host } = studio;
    const { projectId } = await projectFromExample(host, 'ampa-lif.json', 'Heterogeneous', false);
    await ui.open();
    await ui.openProject('Heterogeneous', 6);
    await ui.select('post');
    const input = (name: string) => page.locator(`.inspector [data-field="param:${name}"] input`);
    const fieldError = (name: string) => page.locator(`.inspector [data-field="param:${name}"] [data-testid="field-error"]`);
    const status = () => page.locator('[data-testid="model-status"]').textContent();

    await ui.type('size', '500');
    await ui.type('param:tau', 'normal(20 ms, 3 ms, 5 ms, 40 ms)');
    await expect.poll(() => input('tau').inputValue()).toBe('normal(20 ms, 3 ms, 5 ms, 40 ms)');
    // The histogram of the 500 values drawn as a run draws them: within the bounds, peaked in the middle.
    await expect.poll(() => page.locator('[data-testid="histogram-tau"] rect').count(), { timeout: SLOW_MS }).toBe(24);
    const range = await page.locator('[data-testid="histogram-range-tau"]').textContent();
    const [lo, hi] = /^([\d.]+) … ([\d.]+) ms, 500 neurons$/.exec(range!)!.slice(1).map(Number) as [number, number];
    expect(lo).toBeGreaterThanOrEqual(5);
    expect(hi).toBeLessThanOrEqual(40);
    expect(hi - lo).toBeGreaterThan(10);
    const heights = await page.locator('[data-testid="histogram-tau"] rect').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
    const peak = heights.indexOf(Math.max(...heights));
    expect(Math.abs(lo + ((peak + 0.5) * (hi - lo)) / 24 - 20)).toBeLessThan(4);

    // The compiler checks the expression's units and names the parameter; the field shows it.
    await ui.type('param:V_th', '= -50 mV + 5 ms * r');
    await expect.poll(() => fieldError('V_th').textContent(), { timeout: SLOW_MS }).toMatch(/cannot add ms to mV/);
    await ui.type('param:V_th', '= -50 mV + 5 mV * r');
    await expect.poll(() => fieldError('V_th').count(), { timeout: SLOW_MS }).toBe(0);
    await expect.poll(status, { timeout: SLOW_MS }).toMatch(/^Model OK/);
    // The block's face shows that V_th varies (its first lines are the parameters set).
    await expect.poll(() => page.locator('[data-block-id="post"] dd').allTextContents()).toContain('= -50 mV + 5 mV * r');

    await ui.clickCanvasCorner();
    await page.keyboard.press('Control+S');
    await expect.poll(async () => (await host.service.listVersions(projectId)).length).toBe(2);
    const saved = (await host.service.openProject(projectId)).document;
    expect(saved.blocks.find((b) => b.id === 'post')!.params).toMatchObject({
      tau: { dist: 'normal', mean: '20 ms', sd: '3 ms', low: '5 ms', high: '40 ms' },
      V_th: { expr: '-50 mV + 5 mV * r' },
    });
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);

  it('takes pairs with their own weights, a weight expression and a delay distribution for a connection', async () => {
    const { page, host } = studio;
    const { projectId } = await projectFromExample(host, 'ampa-lif.json', 'Per connection', false);
    await ui.open();
    await ui.openProject('Per connection', 6);
    await ui.select('syn');
    await page.locator('#conn-rule').selectOption('pairs');
    await ui.type('conn:pairs', '0:0 (2 uS)');
    await expect.poll(() => page.locator('.inspector [data-field="conn:pairs"] textarea').inputValue()).toBe('0:0 (2 uS)');
    await ui.type('conn:weight', '= 0.5 uS + 0.5 uS * r');
    // An AMPA synapse keeps one state per presynaptic neuron: the compiler refuses delays per connection.
    await ui.type('conn:delay', 'uniform(1 ms, 2 ms)');
    await expect.poll(() => page.locator('.inspector [data-section="connection"] .block-error').textContent(), { timeout: SLOW_MS })
      .toMatch(/delays per connection need a synapse with its state per postsynaptic neuron/);
    await ui.type('conn:delay', '1 ms');
    await expect.poll(() => page.locator('[data-testid="model-status"]').textContent(), { timeout: SLOW_MS }).toMatch(/^Model OK/);

    await ui.clickCanvasCorner();
    await page.keyboard.press('Control+S');
    await expect.poll(async () => (await host.service.listVersions(projectId)).length).toBe(2);
    const saved = (await host.service.openProject(projectId)).document;
    expect(saved.blocks.find((b) => b.id === 'syn')!.connection).toMatchObject({
      rule: 'pairs', pairs: [[0, 0, '2 uS']], weight: { expr: '0.5 uS + 0.5 uS * r' }, delay: '1 ms',
    });
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);
});

