/**
 * End-to-end: the equation editor (issue #12), in headless Chromium against the real web
 * host, with the mouse and the keyboard only. A user writes AdEx (Brette & Gerstner 2005)
 * from "New block type…": types the equations into the CodeMirror field, adds each
 * parameter the compiler does not know yet from its quick fix, types its unit and value,
 * writes threshold and reset, picks forward Euler; the type joins "Project blocks", is
 * placed, wired to a step current and probes, run, and its spikes show adaptation (each
 * interval longer than the one before). A second test drops "/ C" from dV/dt and sees the
 * units error underlined in place, with both dimensions named. A third edits a type the
 * graph uses (its blocks follow), keeps it in the lab's library and takes it into a new
 * project, and starts a type from a built-in ("Duplicate as equations…"). A fourth opens a
 * project whose type does not compile: its blocks and wires stay until the type is fixed.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, SLOW_MS, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';

/** AdEx as in assets/examples/adex.json: unit and value of each parameter. */
const ADEX_PARAMS: Record<string, [string, string]> = {
  C: ['pF', '281'], gL: ['nS', '30'], EL: ['mV', '-70.6'], VT: ['mV', '-50.4'],
  DeltaT: ['mV', '2'], tauw: ['ms', '144'], a: ['nS', '4'], b: ['nA', '0.0805'],
};
const DV = 'dV/dt = (gL*(EL - V) + gL*DeltaT*exp((V - VT)/DeltaT) - w + I) / C : mV';
const DW = 'dw/dt = (a*(V - EL) - w) / tauw : nA';

describe.skipIf(!fs.existsSync(CHROMIUM))('the equation editor in the studio', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-equations-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const editor = '[data-testid="type-editor"]';
  const status = () => studio.page.locator('[data-testid="type-status"]').textContent();

  /** Types lines into a field of the type editor (see ui.typeLines). */
  const typeLines = (field: string, lines: string[]) => ui.typeLines(`${editor} [data-field="${field}"]`, lines);

  /** Fills in what the compiler asks for: each unknown name becomes a parameter with its unit and value. */
  async function addUnknownNames(): Promise<string[]> {
    const { page } = studio;
    const added: string[] = [];
    for (let round = 0; round < 20; round++) {
      const fix = page.locator(`${editor} [data-testid^="add-param-"]`).first();
      // The compiler answers at every keystroke: the quick fixes are there or not, with the status.
      await expect.poll(async () => (await fix.count()) > 0 || (await status())?.includes('Compiles') || (await status())?.includes('problem')).toBe(true);
      if ((await fix.count()) === 0) break;
      const name = (await fix.getAttribute('data-testid'))!.replace('add-param-', '');
      const [unit, value] = ADEX_PARAMS[name]!;
      await ui.click(`${editor} [data-testid="add-param-${name}"]`);
      // The new row's unit field has the focus: unit, Tab, value.
      await expect.poll(() => page.evaluate<string | null>('document.activeElement?.getAttribute("aria-label") ?? null')).toBe(`unit of ${name}`);
      await page.keyboard.type(unit);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Control+A');
      await page.keyboard.type(value);
      added.push(name);
    }
    return added;
  }

  it('a user writes AdEx from "New block type…", places it, runs it and sees the adaptation', async () => {
    const { page, host } = studio;
    await ui.open();
    await ui.click('[data-testid="new-block-type"]');
    await page.locator(editor).waitFor();
    await ui.typeInto(`${editor} [data-testid="type-name"]`, 'adex', '');
    await ui.typeInto(`${editor} [data-testid="type-title"]`, 'AdEx', '');

    await typeLines('equations', [DV, DW]);
    // Unknown names are reported as typed: the first of them is offered as a parameter.
    await expect.poll(() => page.locator(`${editor} [data-testid="field-errors-equations"]`).textContent()).toMatch(/unknown name "gL"/);
    await typeLines('threshold', ['V > VT + 5*DeltaT']);
    await typeLines('reset', ['V = EL; w += b']);
    const added = await addUnknownNames();
    expect(new Set(added)).toEqual(new Set(Object.keys(ADEX_PARAMS)));

    // V starts at EL; forward Euler, picked by its first letter.
    await ui.typeInto(`${editor} [data-state-row="V"] [data-state-field="init"]`, 'EL', '');
    await ui.click(`${editor} [data-field="method"] span`);
    await page.keyboard.type('f');
    await expect.poll(() => page.locator(`${editor} [data-testid="type-method"]`).inputValue()).toBe('euler');
    await expect.poll(status).toBe('Compiles');
    // The preview shows the block as it will be: input I, outputs spikes and V, the parameters.
    const preview = page.locator(`${editor} [data-testid="type-preview"]`);
    expect(await preview.locator('[data-preview-input]').evaluateAll((els) => els.map((e) => e.getAttribute('data-preview-input')))).toEqual(['I']);
    expect(await preview.locator('[data-preview-output]').evaluateAll((els) => els.map((e) => e.getAttribute('data-preview-output')))).toEqual(['spikes', 'V']);
    expect(await preview.locator('[data-preview-param="b"]').textContent()).toContain('0.0805 nA');
    await ui.shot('equation-editor-01-adex-written', { keepPointer: true });

    await ui.click(`${editor} [data-testid="type-save"]`);
    await page.locator(editor).waitFor({ state: 'detached' });
    await page.locator('[data-palette-group="project"] [data-palette-type="adex"]').waitFor();

    // Place and wire it: a 1 nA step from 20 ms to 420 ms, V and spikes recorded; 500 ms.
    await ui.build({
      blocks: [['adex', 380, 160], ['step-current', 80, 160], ['spike-probe', 700, 80], ['state-probe', 700, 300]],
      wires: [['step_current', 'I', 'adex', 'I'], ['adex', 'spikes', 'spike_probe', 'spikes'], ['adex', 'V', 'state_probe', 'target']],
    });
    await ui.select('step_current');
    await ui.type('param:times', '20 ms, 420 ms');
    await ui.type('param:amplitudes', '1 nA, 0 nA');
    await ui.typeInto('[data-testid="run-duration"]', '500 ms');
    await expect.poll(() => page.locator('[data-testid="model-status"]').textContent(), { timeout: SLOW_MS }).toMatch(/^Model OK/);

    await ui.click('[data-testid="run"]');
    await page.locator('[data-testid="run-status"][data-status="finished"]').waitFor({ timeout: SLOW_MS });
    const scratch = (await host.service.listProjects())[0]!;
    const run = (await host.service.listRuns(scratch.id))[0]!;
    expect(run.status).toBe('finished');
    const spikes = await host.service.readSpikes(run.id, 'spike_probe', {});
    // Adaptation: the cell fires from the step on, every interval longer than the one before.
    expect(spikes.t.length).toBeGreaterThan(4);
    expect(spikes.t[0]!).toBeGreaterThan(20);
    const isi = spikes.t.slice(1).map((t, i) => t - spikes.t[i]!);
    for (let i = 1; i < isi.length; i++) expect(isi[i]!).toBeGreaterThanOrEqual(isi[i - 1]!);
    expect(isi.at(-1)!).toBeGreaterThan(2 * isi[0]!);
    await expect.poll(async () => Number(await page.locator('.card[data-probe="state_probe"] .chart').getAttribute('data-points')), { timeout: SLOW_MS })
      .toBeGreaterThan(100);
    await ui.shot('equation-editor-02-adex-run');

    // The project carries its type: saved with it, and the block's parameters are AdEx's.
    await ui.clickCanvasCorner();
    await page.keyboard.press('Control+S');
    await expect.poll(async () => (await host.service.listProjects()).some((p) => p.versions > 0 && p.name !== scratch.name)).toBe(true);
    const saved = (await host.service.listProjects()).find((p) => p.name !== scratch.name)!;
    const doc = (await host.service.openProject(saved.id)).document;
    expect(doc.types?.adex?.equations).toBe(`${DV}\n${DW}`);
    expect(doc.types?.adex?.params.b).toMatchObject({ unit: 'nA', default: 0.0805 });
    expect(studio.pageErrors).toEqual([]);
  }, 4 * SLOW_MS);

  it('Escape or Cancel asks before an edited draft is thrown away; an untouched one closes at once', async () => {
    const { page } = studio;
    await ui.open();
    await ui.click('[data-testid="new-block-type"]');
    await page.locator(editor).waitFor();
    await ui.click(`${editor} [data-testid="type-cancel"]`); // nothing typed: no question
    await page.locator(editor).waitFor({ state: 'detached' });

    await ui.click('[data-testid="new-block-type"]');
    await ui.typeInto(`${editor} [data-testid="type-name"]`, 'adex', '');
    await typeLines('equations', [DW]);
    const asked: string[] = [];
    page.once('dialog', (d) => { asked.push(d.message()); void d.dismiss(); });
    await ui.click(`${editor} [data-testid="type-name"]`);
    await page.keyboard.press('Escape');
    await expect.poll(() => asked).toEqual(['Discard the changes to this block type?']);
    expect(await page.locator(`${editor} [data-testid="type-name"]`).inputValue()).toBe('adex');
    expect(await page.locator(`${editor} [data-field="equations"] .cm-content`).textContent()).toContain('dw/dt');

    page.once('dialog', (d) => { asked.push(d.message()); void d.accept(); });
    await ui.click(`${editor} [data-testid="type-cancel"]`);
    await page.locator(editor).waitFor({ state: 'detached' });
    expect(asked).toHaveLength(2);
  });

  it('a dropped "/ C" is shown in place as a units error, with both dimensions', async () => {
    const { page } = studio;
    await ui.open();
    await ui.openExample('adex.json', 5);
    await ui.select('cell');
    await ui.click('.inspector [data-testid="edit-block-type"]');
    await page.locator(editor).waitFor();
    await expect.poll(status).toBe('Compiles');
    // Delete "/ C" at the end of the first equation's right-hand side.
    await ui.click(`${editor} [data-field="equations"] .cm-line >> nth=0`);
    await page.keyboard.press('Home');
    await page.keyboard.press('End');
    for (let i = 0; i < ' : mV'.length; i++) await page.keyboard.press('ArrowLeft');
    for (let i = 0; i < ' / C'.length; i++) await page.keyboard.press('Backspace');
    const errors = page.locator(`${editor} [data-testid="field-errors-equations"]`);
    await expect.poll(() => errors.textContent()).toMatch(/line 1:\d+: dV\/dt .* is a current \(nA\), expected a voltage per time \(mV\/ms\)/);
    // Underlined in the text, and the type cannot be saved.
    await expect.poll(() => page.locator(`${editor} [data-field="equations"] .cm-lintRange-error`).count()).toBeGreaterThan(0);
    expect(await page.locator(`${editor} [data-testid="type-save"]`).isDisabled()).toBe(true);
    await ui.shot('equation-editor-03-units-error', { keepPointer: true });
    // Putting it back makes it compile again.
    await page.keyboard.type(' / C');
    await expect.poll(status).toBe('Compiles');
    // A paste beyond the limit of a field (20 000 characters) is refused, and said; the text stays as it was.
    const text = () => page.locator(`${editor} [data-field="equations"] .cm-content`).textContent();
    const refusal = page.locator(`${editor} [data-testid="field-refusal-equations"]`);
    const before = await text();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText(`\n# ${'x'.repeat(20_000)}`);
    await expect.poll(() => refusal.textContent()).toMatch(/^Not inserted: this field takes at most 20,000 characters, and it would have 2\d,\d{3}\.$/);
    // The next edit that is taken clears the message.
    await page.keyboard.type('#');
    await expect.poll(text).toBe(`${before}#`);
    expect(await refusal.count()).toBe(0);
    await page.keyboard.press('Backspace');
    await expect.poll(status).toBe('Compiles');
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);

  it('an edited type updates its blocks; a type goes to the library and into another project; a built-in is duplicated as equations', async () => {
    const { page, host } = studio;
    await ui.open();
    await ui.openExample('adex.json', 5);
    await ui.select('cell');
    await ui.click('.inspector [data-testid="edit-block-type"]');
    await page.locator(editor).waitFor();
    // A new title and a new parameter: the block on the canvas and the inspector follow at once.
    await ui.typeInto(`${editor} [data-testid="type-title"]`, 'AdEx (edited)', '');
    await ui.click(`${editor} [data-testid="add-param"]`);
    await expect.poll(() => page.evaluate<string | null>('document.activeElement?.getAttribute("aria-label") ?? null')).toBe('parameter name');
    await page.keyboard.type('I0');
    await page.keyboard.press('Tab');
    await page.keyboard.type('nA');
    await expect.poll(status).toBe('Compiles');
    await ui.click(`${editor} [data-testid="type-save"]`);
    await page.locator(editor).waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('[data-block-id="cell"] .type').textContent()).toBe('AdEx (edited)');
    await page.locator('.inspector [data-field="param:I0"]').waitFor();
    await expect.poll(ui.wires).toBe(4);
    await expect.poll(() => page.locator('[data-testid="model-status"]').textContent(), { timeout: SLOW_MS }).toMatch(/^Model OK/);

    // Kept in the library, then taken into a new project from the palette.
    await ui.click('[data-palette-group="project"] [data-testid="edit-type-adex"]');
    await ui.click(`${editor} [data-testid="type-save-library"]`);
    await expect.poll(async () => (await host.service.listLibraryTypes()).map((t) => t.title)).toEqual(['AdEx (edited)']);
    await ui.click(`${editor} [data-testid="type-cancel"]`);
    await ui.menu('File', 'new');
    await ui.click('[data-dialog="confirm-discard"] [data-testid="discard"]');
    await expect.poll(() => page.locator('.block-node').count()).toBe(0);
    await expect.poll(() => page.locator('[data-palette-group="project"]').count()).toBe(0);
    await ui.click('[data-testid="open-type-library"]');
    await ui.click('[data-testid="library-add-adex"]');
    await ui.place('adex', 300, 150);
    await ui.select('adex');
    await page.locator('.inspector [data-field="param:I0"]').waitFor();

    // "Duplicate as equations…" on a built-in: LIF as an equation type, added to the project.
    await ui.place('lif', 300, 350);
    await ui.select('lif');
    await ui.click('.inspector [data-testid="duplicate-as-equations"]');
    await page.locator(editor).waitFor();
    expect(await page.locator(`${editor} [data-testid="type-name"]`).inputValue()).toBe('my-lif');
    await expect.poll(status).toBe('Compiles');
    await ui.click(`${editor} [data-testid="type-save"]`);
    await page.locator('[data-palette-group="project"] [data-palette-type="my-lif"]').waitFor();

    // The unsaved project's draft carries its types: the studio opened again has them, and its blocks.
    await expect.poll(async () => Object.keys((await host.service.loadDraft(null))?.types ?? {}).sort(), { timeout: SLOW_MS }).toEqual(['adex', 'my-lif']);
    await ui.open();
    await expect.poll(() => page.locator('.block-node').count()).toBe(2);
    await page.locator('[data-palette-group="project"] [data-palette-type="my-lif"]').waitFor();
    await expect.poll(() => page.locator('[data-block-id="adex"] .type').textContent()).toBe('AdEx (edited)');

    // A type a block uses is not deleted; an unused one is.
    await ui.click('[data-palette-group="project"] [data-testid="edit-type-adex"]');
    await ui.click(`${editor} [data-testid="type-delete"]`);
    await expect.poll(ui.notices).toContainEqual(expect.stringContaining('adex is used by 1 block: delete them first'));
    await ui.click(`${editor} [data-testid="type-cancel"]`);
    await ui.click('[data-palette-group="project"] [data-testid="edit-type-my-lif"]');
    await ui.click(`${editor} [data-testid="type-delete"]`);
    await page.locator(editor).waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('[data-palette-group="project"] [data-palette-type]').evaluateAll((els) => els.map((e) => e.getAttribute('data-palette-type'))))
      .toEqual(['adex']);
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);

  it('a project whose type does not compile keeps its blocks and connections until the type is fixed', async () => {
    const { page, host } = studio;
    const doc = JSON.parse(fs.readFileSync(new URL('../../assets/examples/adex.json', import.meta.url), 'utf8')) as { types: { adex: { equations: string } } };
    doc.types.adex.equations = doc.types.adex.equations.replace(' / C', '');
    await host.service.createProject('Broken AdEx', doc);
    await ui.open();
    await ui.openProject('Broken AdEx', 5);
    await expect.poll(ui.wires).toBe(4);
    await expect.poll(() => page.locator('[data-block-id="cell"] .type').textContent()).toBe('AdEx (does not compile)');
    await ui.click('[data-palette-group="project"] [data-testid="edit-type-adex"]');
    await page.locator(editor).waitFor();
    await expect.poll(() => page.locator(`${editor} [data-testid="field-errors-equations"]`).textContent()).toMatch(/is a current \(nA\), expected a voltage per time/);
    await ui.click(`${editor} [data-field="equations"] .cm-line >> nth=0`);
    await page.keyboard.press('End');
    for (let i = 0; i < ' : mV'.length; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.type(' / C');
    await expect.poll(status).toBe('Compiles');
    await ui.click(`${editor} [data-testid="type-save"]`);
    await expect.poll(() => page.locator('[data-block-id="cell"] .type').textContent()).toBe('AdEx');
    await expect.poll(ui.wires).toBe(4);
    await expect.poll(() => page.locator('[data-testid="model-status"]').textContent(), { timeout: SLOW_MS }).toMatch(/^Model OK/);
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);
});
