/**
 * End-to-end: a user writes a plastic synapse in the equation editor (issue #13 §4), in
 * headless Chromium against the real web host. From "New block type…" they write pair-based
 * STDP as Brian2's examples/synapses/STDP.py writes it — the weight and the traces Apre,
 * Apost per connection (event-driven), on_pre and on_post bounding w with clip — see the
 * editor name a units mistake in the per-connection field ("w : 1" where the weight is a
 * conductance), fix it, keep the type in the library and add it to the project; place it
 * between Poisson inputs and LIF cells with a weight-snapshots probe, run 300 ms, and the
 * lab's weights have moved from their initial value. Asserted on the lab's data and the
 * page's state, never on pixels.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, SLOW_MS, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';
import { buildLearningNetwork } from './learning-network.js';

/** Parameters of the type: name, unit, default (A+ = 0.1 gmax here, so that 300 ms show learning). */
const PARAMS: Array<[string, string, string]> = [
  ['taue', 'ms', '5'], ['Ee', 'mV', '0'], ['taupre', 'ms', '20'], ['taupost', 'ms', '20'],
  ['gmax', 'uS', '0.01'], ['dApre', 'uS', '0.001'], ['dApost', 'uS', '-0.00105'],
];
const CONNECTION = ['w : 1', 'dApre/dt = -Apre / taupre : uS (event-driven)', 'dApost/dt = -Apost / taupost : uS (event-driven)'];
const ON_PRE = ['ge += w', 'Apre += dApre', 'w = clip(w + Apost, 0, gmax)'];
const ON_POST = ['Apost += dApost', 'w = clip(w + Apre, 0, gmax)'];
const W0 = 0.005;

describe.skipIf(!fs.existsSync(CHROMIUM))('a plastic synapse written in the equation editor', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-plastic-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const editor = '[data-testid="type-editor"]';
  const status = () => studio.page.locator('[data-testid="type-status"]').textContent();
  const focused = () => studio.page.evaluate<string | null>('document.activeElement?.getAttribute("aria-label") ?? null');

  /** Types lines into a field of the type editor (see ui.typeLines). */
  const typeLines = (field: string, lines: string[]) => ui.typeLines(`${editor} [data-field="${field}"]`, lines);

  it("a user writes Brian2's pair STDP as a type, runs it between Poisson inputs and LIF cells, and its weights learn", async () => {
    const { page, host } = studio;
    await ui.open();
    await ui.click('[data-testid="new-block-type"]');
    await page.locator(editor).waitFor();
    await ui.typeInto(`${editor} [data-testid="type-name"]`, 'pair-stdp', '');
    await ui.typeInto(`${editor} [data-testid="type-title"]`, 'Pair STDP', '');
    await page.locator(`${editor} [data-testid="type-category"]`).selectOption('synapse');
    await page.locator(`${editor} [data-field="connection"]`).waitFor();

    // The parameters: "+ Parameter", then name, unit and default with Tab between them.
    for (const [name, unit, value] of PARAMS) {
      await ui.click(`${editor} [data-testid="add-param"]`);
      await expect.poll(focused).toBe('parameter name');
      await page.keyboard.type(name);
      await page.keyboard.press('Tab');
      await page.keyboard.type(unit);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(value);
    }
    await typeLines('equations', ['dge/dt = -ge / taue : uS']);
    await typeLines('on_pre', ON_PRE);
    await typeLines('current', ['ge * (Ee - V_post)']);
    await ui.typeInto(`${editor} [data-testid="type-weight-unit"]`, 'uS', '');
    await ui.typeInto(`${editor} [data-testid="type-weight-default"]`, String(W0), '');
    await typeLines('on_post', ON_POST);
    await typeLines('connection', CONNECTION);

    // Brian2's "w : 1" is a units mistake here (ge is a conductance): named at its field and line.
    const connectionErrors = page.locator(`${editor} [data-testid="field-errors-connection"]`);
    await expect.poll(() => connectionErrors.textContent()).toMatch(/line 1:1: "w : 1": the weight is added to ge, so it has ge's unit \(µS\)/);
    expect(await page.locator(`${editor} [data-testid="type-save"]`).isDisabled()).toBe(true);
    await ui.click(`${editor} [data-field="connection"] .cm-line >> nth=0`);
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('uS');
    await page.keyboard.press('Escape');
    await expect.poll(status).toBe('Compiles');
    expect(await connectionErrors.count()).toBe(0);
    // Each per-connection variable has a row for its start, and the preview lists what lives per connection.
    expect(await page.locator(`${editor} [data-state-row][data-per-connection="yes"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-state-row'))))
      .toEqual(['Apre', 'Apost']);
    const preview = page.locator(`${editor} [data-testid="type-preview"]`);
    expect(await preview.locator('[data-preview-connection]').evaluateAll((els) => els.map((e) => e.getAttribute('data-preview-connection'))))
      .toEqual(['w', 'Apre', 'Apost']);

    // Kept in the library and added to the project, as written.
    const written = { connection: ['w : uS', ...CONNECTION.slice(1)].join('\n'), on_pre: ON_PRE.join('\n'), on_post: ON_POST.join('\n') };
    await ui.click(`${editor} [data-testid="type-save-library"]`);
    await expect.poll(async () => (await host.service.listLibraryTypes()).map((t) => t.name)).toEqual(['pair-stdp']);
    expect((await host.service.listLibraryTypes())[0]!.type).toMatchObject(written);
    await ui.click(`${editor} [data-testid="type-save"]`);
    await page.locator(editor).waitFor({ state: 'detached' });
    await page.locator('[data-palette-group="project"] [data-palette-type="pair-stdp"]').waitFor();

    // 20 Poisson inputs at 50 Hz onto 2 LIF cells made to fire by a constant current; weights every 50 ms; 300 ms.
    await buildLearningNetwork(ui, page, 'pair-stdp');

    await ui.click('[data-testid="run"]');
    await page.locator('[data-testid="run-status"][data-status="finished"]').waitFor({ timeout: SLOW_MS });
    const project = (await host.service.listProjects())[0]!;
    const run = (await host.service.listRuns(project.id))[0]!;
    expect(run.status).toBe('finished');
    expect(run.probes.find((p) => p.id === 'weight_snapshots')).toMatchObject({ snapshots: true, size: 40 });
    const weightsAt = (ms: number) => Array.from(host.service.lab.recordings.readState(run.id, 'weight_snapshots', { fromMs: ms, toMs: ms }).values);
    // At the start every weight is the type's default; at the end they have moved apart, within [0, gmax].
    const first = weightsAt(0);
    expect(first).toHaveLength(40);
    expect(new Set(first)).toEqual(new Set([Math.fround(W0)]));
    const last = weightsAt(300);
    expect(last).toHaveLength(40);
    const moved = last.filter((w) => w !== Math.fround(W0));
    expect(moved.length).toBeGreaterThan(20);
    expect(new Set(last).size).toBeGreaterThan(1);
    for (const w of last) expect(w >= 0 && w <= Math.fround(0.01)).toBe(true);

    // The project's draft carries the type as written.
    await expect.poll(async () => (await host.service.loadDraft(null))?.types?.['pair-stdp'], { timeout: SLOW_MS }).toMatchObject(written);
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);
});
