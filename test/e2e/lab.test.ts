/**
 * End-to-end: how the lab keeps projects and runs, driven with the mouse and keyboard in
 * headless Chromium against the real web host (a temporary lab for each test). Save as
 * takes the run history along (Runs panel and plots keep showing it); moving a block is no
 * unsaved change (another project opens without a prompt, the layout kept with the draft);
 * an example left as it was opened asks nothing before another opens; runs of unsaved examples
 * share one scratch project; live mode keeps a bounded rolling
 * set of runs, and a pinned run survives it.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIVE_RUNS_KEPT, type RunInfo } from '../../src-shared/api.js';
import { CHROMIUM, SLOW_MS, projectFromExample, studioActions, useStudioPerTest, waitRunEnd, type BrowserStudio } from './harness.js';

describe.skipIf(!fs.existsSync(CHROMIUM))('the lab in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-lab-' }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const { click } = ui;
  const page = () => studio.page;
  const service = () => studio.host.service;

  /** The run ids listed in the Runs panel, top to bottom. */
  const listedRuns = () => page().locator('.history [data-run-id]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-run-id'))));

  /** Projects "AMPA" (6 blocks) and "Other" (8) in the lab, and `name` open in the studio. */
  async function twoProjectsOpen(name: 'AMPA' | 'Other'): Promise<void> {
    await projectFromExample(studio.host, 'ampa-lif.json', 'AMPA', false);
    await projectFromExample(studio.host, 'regular-alpha-lif.json', 'Other', false);
    await ui.open();
    await ui.openProject(name, name === 'AMPA' ? 6 : 8);
  }

  /** The tau of AMPA's LIF neuron "post", as the inspector shows it. */
  async function postTau(): Promise<string> {
    await ui.select('post');
    return page().locator('.inspector [data-field="param:tau"] input').inputValue();
  }

  /** Clicks Run and waits until the run the studio started has ended; returns it. */
  async function runOnce(): Promise<RunInfo> {
    const before = new Set(await listedRuns());
    await click('[data-testid="run"]');
    let id = 0;
    await expect.poll(async () => (id = (await listedRuns()).find((r) => !before.has(r)) ?? 0), { timeout: SLOW_MS }).toBeGreaterThan(0);
    const ended = await waitRunEnd(studio.host, id);
    await expect.poll(() => page().locator(`.history [data-run-id="${id}"]`).getAttribute('data-status')).toBe(ended.status);
    return ended;
  }

  it('Save as takes the runs along: the Runs panel and the plots keep showing them, in the new project', async () => {
    const { projectId, run } = await projectFromExample(studio.host, 'ampa-lif.json', 'AMPA');
    await ui.open();
    await ui.openProject('AMPA', 6);
    await ui.showRun(run!.id, 'V');

    await ui.menu('File', 'save-as');
    await page().locator('[data-dialog="save-as"]').waitFor();
    // The dialog says what happens to the runs.
    expect(await page().locator('[data-testid="save-as-runs"]').textContent()).toMatch(/The 1 run in the Runs panel moves to the new project; “AMPA” keeps its saved versions/);
    await ui.typeInto('[data-testid="project-name"]', 'AMPA 2');
    await page().locator('[data-dialog="save-as"]').waitFor({ state: 'detached' });
    await expect.poll(() => page().locator('[data-testid="project-title"] .name').textContent()).toBe('AMPA 2');

    const renamed = (await service().listProjects()).find((p) => p.name === 'AMPA 2')!;
    expect((await service().listRuns(renamed.id)).map((r) => r.id)).toEqual([run!.id]);
    expect(await service().listRuns(projectId)).toEqual([]);
    // On screen: the run is still listed and plotted, and it is the new project's run.
    expect(await listedRuns()).toEqual([run!.id]);
    expect(await page().locator(`.history [data-run-id="${run!.id}"]`).getAttribute('class')).toMatch(/\bshown\b/);
    expect(Number(await page().locator('.card[data-probe="V"] .chart').getAttribute('data-points'))).toBeGreaterThan(0);
    // Reopening the old project shows it has no runs left, the new one has them.
    await ui.openProject('AMPA', 6);
    await expect.poll(listedRuns).toEqual([]);
    await ui.openProject('AMPA 2', 6);
    await expect.poll(listedRuns).toEqual([run!.id]);
  }, SLOW_MS);

  it('an edit undone is no unsaved change: the project shows Saved, and another opens without a prompt', async () => {
    await twoProjectsOpen('AMPA');
    const state = () => page().locator('[data-testid="project-title"] .state').textContent();
    await expect.poll(state).toBe('Saved');
    await ui.select('post');
    await ui.typeInto('.inspector [data-field="param:tau"] input', '25 ms');
    await expect.poll(state).toMatch(/Edited/);
    await ui.clickCanvasCorner();
    await page().keyboard.press('Control+z');
    await expect.poll(state).toBe('Saved');
    await ui.menu('File', 'open');
    await page().locator('[data-dialog="open"]').waitFor();
    await click('[data-project-name="Other"]');
    await expect.poll(() => page().locator('[data-testid="project-title"] .name').textContent()).toBe('Other');
    expect(await page().locator('[data-dialog="confirm-discard"]').count()).toBe(0);
    // And the undone edit is not brought back as a draft.
    await ui.openProject('AMPA', 6);
    await expect.poll(state).toBe('Saved');
    expect(await postTau()).toBe('20 ms');
  }, SLOW_MS);

  it('Continue without saving keeps the edits as the project\'s draft, the last one too', async () => {
    await twoProjectsOpen('AMPA');
    await ui.select('post');
    // Straight on to another project, before the draft timer has written the edit.
    await ui.typeInto('.inspector [data-field="param:tau"] input', '25 ms');
    await ui.menu('File', 'open');
    await page().locator('[data-dialog="open"]').waitFor();
    await click('[data-project-name="Other"]');
    await click('[data-dialog="confirm-discard"] [data-testid="discard"]');
    await expect.poll(() => page().locator('[data-testid="project-title"] .name').textContent()).toBe('Other');
    await ui.openProject('AMPA', 6);
    await expect.poll(() => page().locator('[data-testid="project-title"] .state').textContent()).toMatch(/Edited/);
    expect(await postTau()).toBe('25 ms');
  }, SLOW_MS);

  it('Rename to a taken name says so in the dialog, which stays open for another name', async () => {
    await twoProjectsOpen('Other');
    const dialog = page().locator('[data-dialog="rename"]');
    await ui.menu('File', 'rename');
    await dialog.waitFor();
    await ui.typeInto('[data-testid="project-name"]', 'AMPA');
    await expect.poll(() => dialog.locator('.error').textContent()).toBe('A project called “AMPA” exists');
    expect((await ui.notices()).filter((t) => /Renaming failed/.test(t))).toEqual([]);
    // A free name is taken, and the dialog closes.
    await ui.typeInto('[data-testid="project-name"]', 'Alpha');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page().locator('[data-testid="project-title"] .name').textContent()).toBe('Alpha');
    expect((await service().listProjects()).map((p) => p.name).sort()).toEqual(['AMPA', 'Alpha']);
  }, SLOW_MS);

  it('moving a block is no unsaved change: another project opens without a prompt, and the layout is kept with the draft', async () => {
    const { projectId } = await projectFromExample(studio.host, 'ampa-lif.json', 'AMPA', false);
    await projectFromExample(studio.host, 'regular-alpha-lif.json', 'Other', false);
    await ui.open();
    await ui.openProject('AMPA', 6);
    const saved = (await service().openProject(projectId)).document;

    const head = await ui.center('[data-block-id="post"] .head');
    await ui.drag(head, { x: head.x + 90, y: head.y + 60 });
    // Not shown as an edit of the model.
    await expect.poll(() => page().locator('[data-testid="project-title"] .state').textContent()).toBe('Saved');

    await ui.menu('File', 'open');
    await page().locator('[data-dialog="open"]').waitFor();
    await click('[data-project-name="Other"]');
    await expect.poll(() => page().locator('[data-testid="project-title"] .name').textContent()).toBe('Other');
    expect(await page().locator('[data-dialog="confirm-discard"]').count()).toBe(0);

    // The move was written to the draft before the other project opened.
    const draft = await service().loadDraft(projectId);
    const at = (d: typeof saved | null) => d?.blocks.find((b) => b.id === 'post')?.position;
    expect(at(draft)).toBeDefined();
    expect(at(draft)).not.toEqual(at(saved));
    // Back in AMPA, the layout is as it was left and still nothing asks to be saved.
    await ui.openProject('AMPA', 6);
    await expect.poll(() => page().locator('[data-testid="project-title"] .state').textContent()).toBe('Saved');
  }, SLOW_MS);

  it('an example opened and left as it is asks nothing when another is opened; once edited, it asks', async () => {
    const state = () => page().locator('[data-testid="project-title"] .state').textContent();
    await ui.open();
    await ui.openExample('ampa-lif.json', 6);
    await expect.poll(state).toBe('Example');
    await ui.openExample('regular-alpha-lif.json', 8);
    expect(await page().locator('[data-dialog="confirm-discard"]').count()).toBe(0);
    await expect.poll(state).toBe('Example');

    // Edited, then edited back as it was: an example as opened again.
    await ui.typeInto('[data-testid="run-duration"]', '20 ms');
    await expect.poll(state).toMatch(/Edited/);
    await ui.typeInto('[data-testid="run-duration"]', '300 ms');
    await expect.poll(state).toBe('Example');
    await ui.typeInto('[data-testid="run-duration"]', '20 ms');
    await expect.poll(state).toMatch(/Edited/);
    await ui.menu('File', 'examples', 'example-ampa-lif.json');
    await page().locator('[data-dialog="confirm-discard"]').waitFor();
    await click('[data-dialog="confirm-discard"] [data-testid="discard"]');
    await expect.poll(() => page().locator('.block-node').count()).toBe(6);
    await expect.poll(state).toBe('Example');
  }, SLOW_MS);

  it('runs of unsaved examples go to one scratch project, not a project per run', async () => {
    await ui.open();
    await ui.openExample('ampa-lif.json', 6);
    await ui.typeInto('[data-testid="run-duration"]', '20 ms');
    const first = await runOnce();
    // The document itself is still unsaved, and its run is listed.
    expect(await page().locator('[data-testid="project-title"] .state').textContent()).toMatch(/Edited/);
    expect(await listedRuns()).toEqual([first.id]);

    // A fresh copy of the example (the unsaved one is discarded), run again.
    await ui.menu('File', 'examples', 'example-ampa-lif.json');
    await click('[data-dialog="confirm-discard"] [data-testid="discard"]');
    await expect.poll(listedRuns).toEqual([]);
    await ui.typeInto('[data-testid="run-duration"]', '20 ms');
    const second = await runOnce();

    const projects = await service().listProjects();
    expect(projects).toHaveLength(1);
    expect(projects[0]).toMatchObject({ scratch: true, runs: 2 });
    expect([first.projectId, second.projectId]).toEqual([projects[0]!.id, projects[0]!.id]);
    expect(await listedRuns()).toEqual([second.id]);

    // Saving gives this document its project and moves its run there; the other stays in the scratch project.
    await page().keyboard.press('Control+s');
    await expect.poll(() => page().locator('[data-testid="project-title"] .state').textContent()).toBe('Saved');
    const saved = (await service().listProjects()).find((p) => !p.scratch)!;
    expect((await service().listRuns(saved.id)).map((r) => r.id)).toEqual([second.id]);
    expect((await service().listRuns(projects[0]!.id)).map((r) => r.id)).toEqual([first.id]);
    expect(await listedRuns()).toEqual([second.id]);
  }, SLOW_MS);

  it(`live mode keeps the newest ${LIVE_RUNS_KEPT} live runs, and a pinned run survives`, async () => {
    const { projectId } = await projectFromExample(studio.host, 'ampa-lif.json', 'AMPA', false);
    await ui.open();
    await ui.openProject('AMPA', 6);
    await ui.typeInto('[data-testid="run-duration"]', '10 ms');

    /** Waits for the live run of `seed` to end. */
    async function liveRunOf(seed: number): Promise<RunInfo> {
      let run: RunInfo | undefined;
      await expect.poll(async () => {
        run = (await service().listRuns(projectId)).find((r) => r.seed === seed && r.live && r.status !== 'running');
        return run?.status;
      }, { timeout: SLOW_MS }).toBe('finished');
      return run!;
    }
    /** Changes the seed (an edit live mode re-runs) and waits for that live run to end. */
    async function liveEdit(seed: number): Promise<RunInfo> {
      await ui.typeInto('[data-testid="run-seed"]', String(seed));
      return liveRunOf(seed);
    }

    // Turning live mode on runs the model as it is (the example's seed, 1).
    await click('[data-testid="live"]');
    await expect.poll(() => page().locator('[data-testid="live"]').isChecked()).toBe(true);
    const oldest = await liveRunOf(1);
    // Alone, it is a plain row of the panel: pin it there.
    await expect.poll(listedRuns).toEqual([oldest.id]);
    await click(`.history [data-run-id="${oldest.id}"]`);
    await click(`.history [data-run-id="${oldest.id}"] [data-action="pin"]`);
    await expect.poll(() => page().locator(`.history [data-run-id="${oldest.id}"] [data-testid="pinned"]`).count()).toBe(1);

    const later: RunInfo[] = [];
    for (let k = 0; k < LIVE_RUNS_KEPT + 2; k++) later.push(await liveEdit(102 + k));
    const last = later[later.length - 1]!;
    await expect.poll(() => page().locator('.history .live-head').getAttribute('data-newest-run')).toBe(String(last.id));

    // The lab holds the newest LIVE_RUNS_KEPT live runs and the pinned one; the two oldest unpinned are gone.
    const stored = (await service().listRuns(projectId)).map((r) => r.id);
    expect(stored).toEqual([...later.slice(-LIVE_RUNS_KEPT).map((r) => r.id).reverse(), oldest.id]);
    // The panel shows the same: one live group of LIVE_RUNS_KEPT + 1 runs, the pinned run among them.
    await expect.poll(() => page().locator('.history [data-live-group]').getAttribute('data-count')).toBe(String(LIVE_RUNS_KEPT + 1));
    await click('.history [data-action="expand-live"]');
    await expect.poll(listedRuns).toEqual(stored);
    expect(await page().locator(`.history [data-run-id="${oldest.id}"] [data-testid="pinned"]`).count()).toBe(1);
  }, 3 * SLOW_MS);
  it('a save over a version saved in another window meanwhile says so, and both versions are kept', async () => {
    const { page, host } = studio;
    const { projectId } = await projectFromExample(host, 'ampa-lif.json', 'Two windows', false);
    await ui.open();
    await ui.openProject('Two windows', 6);
    const opened = await host.service.openProject(projectId);
    await host.service.saveProject(projectId, { ...opened.document, description: 'saved elsewhere' }); // the other window
    await ui.select('post');
    await ui.type('param:tau', '31 ms');
    await page.keyboard.press('Control+S');
    await expect.poll(ui.notices).toContainEqual(expect.stringContaining('Version 2 was saved in another window after you opened this one'));
    const versions = await host.service.listVersions(projectId);
    expect(versions).toHaveLength(3);
    const latest = (await host.service.openProject(projectId)).document;
    expect(latest.blocks.find((b) => b.id === 'post')!.params.tau).toBe('31 ms');
    expect((await host.service.openProject(projectId, versions[1]!.id)).document.description).toBe('saved elsewhere');

    // Saved again from this window alone: no such notice.
    await ui.type('param:tau', '32 ms');
    await page.keyboard.press('Control+S');
    await expect.poll(async () => (await host.service.listVersions(projectId)).length).toBe(4);
    expect((await ui.notices()).filter((n) => n.includes('another window'))).toHaveLength(1);
  });
});
