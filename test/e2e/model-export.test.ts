/**
 * End-to-end, issue 14 in the app: File → Export model… downloads a Brian2 script of the
 * open project (with the options of `spikeflow export-model`) that runs where /usr/bin/python3
 * imports brian2; File → Import run… keeps the CSV files that script wrote as a run of the
 * project and draws it over the shown Spikeflow run, labelled as Brian2's. A model the
 * target cannot express is refused in the dialog, block by block.
 *
 * Needs Debian's chromium (/usr/bin/chromium, or SPIKEFLOW_CHROMIUM); skipped without it.
 * Without Brian2 the imported files are the Spikeflow run's own CSV export (the script is
 * still downloaded and checked), and the test says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, SLOW_MS, projectFromExample, studioActions, useStudioPerTest, type BrowserStudio } from './harness.js';
import { missingPeer, runScript } from '../export/peers.js';

const noBrian2 = missingPeer('brian2');

describe.skipIf(!fs.existsSync(CHROMIUM))('exporting the model and importing its run in the browser', () => {
  let studio: BrowserStudio;
  useStudioPerTest({ tmpPrefix: 'spikeflow-e2e-model-export-', downloads: true }, (s) => (studio = s));
  const ui = studioActions(() => studio);
  const { click, menu } = ui;

  it('downloads a Brian2 script, runs it, imports its recordings and overlays them on the Spikeflow run', async () => {
    const { page, host, tmp } = studio;
    const { projectId, run } = await projectFromExample(host, 'ampa-lif.json', 'AMPA', true);
    await ui.open();
    await ui.openProject('AMPA', 6);
    await ui.showRun(run!.id, 'V');

    // File → Export model…: Brian2, C++ standalone with 2 threads; the script is a download, named in a notice.
    await menu('File', 'export-model');
    await page.locator('[data-dialog="export-model"]').waitFor();
    await click('[data-testid="export-to-brian2"]');
    await click('[data-testid="export-standalone"]');
    await page.locator('[data-testid="export-threads"]').fill('2');
    const [download] = await Promise.all([page.waitForEvent('download'), click('[data-testid="export-model-save"]')]);
    // Named after the document (the project's name in the app).
    const filename = download.suggestedFilename();
    expect(filename).toMatch(/^[a-z0-9_]+_brian2\.py$/);
    await expect.poll(ui.notices).toContainEqual(expect.stringContaining(filename));
    await page.locator('[data-dialog="export-model"]').waitFor({ state: 'detached' });
    const script = path.join(tmp, filename);
    await download.saveAs(script);
    const text = fs.readFileSync(script, 'utf8');
    expect(text).toMatch(/^#!\/usr\/bin\/env python3\n""".*: a Spikeflow model exported to Brian2/);
    expect(text).toContain("choices=['runtime', 'cpp_standalone'], default=\"cpp_standalone\")");
    expect(text).toContain("ap.add_argument('--threads', type=int, default=2,");

    // The script's recordings (run in runtime mode, which needs no compiler), or without
    // Brian2 the Spikeflow run's own CSV files.
    const out = path.join(tmp, 'brian2-out');
    if (noBrian2) {
      console.log(`model-export e2e: ${noBrian2}; importing the Spikeflow run's CSV files instead`);
      await host.service.exportRunCsvTo(run!.id, undefined, false, out);
    } else {
      runScript(script, ['--device', 'runtime', '--out-dir', out]);
    }
    const csvs = fs.readdirSync(out).filter((f) => f.endsWith('.csv')).sort();
    expect(csvs).toEqual(['V.csv', 'g.csv', 'spikes.csv']);

    // File → Import run…: computed by Brian2, the three files; the run joins the history and
    // is drawn over the shown run, labelled as Brian2's.
    await menu('File', 'import-run');
    await page.locator('[data-dialog="import-run"]').waitFor();
    await click('[data-testid="import-from-brian2"]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), click('[data-testid="import-run-files"]')]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles(csvs.map((f) => path.join(out, f)));
    await expect.poll(async () => (await host.service.listRuns(projectId)).length).toBe(2);
    const imported = (await host.service.listRuns(projectId))[0]!;
    expect(imported).toMatchObject({ engine: 'imported: brian2', status: 'finished', durationMs: run!.durationMs });
    const label = `run ${imported.id} (Brian2, imported)`;
    await expect.poll(() => page.locator(`[data-testid="overlays"] [data-overlay-run="${imported.id}"]`).textContent()).toContain(label);
    await expect.poll(() => page.locator(`.card[data-probe="V"] [data-legend-run="${imported.id}"]`).textContent()).toBe(label);
    await expect.poll(() => page.locator(`.card[data-probe="spikes"] [data-legend-run="${imported.id}"]`).textContent()).toBe(label);
    await expect.poll(() => page.locator(`.history [data-run-id="${imported.id}"]`).count()).toBe(1);
    // The overlaid trace is Brian2's: the CPU engine's within the exporter's 1e-6 relative.
    const mine = (await host.service.readTrace(run!.id, 'V', {})).series[0]!.min;
    const theirs = (await host.service.readTrace(imported.id, 'V', {})).series[0]!.min;
    expect(theirs).toHaveLength(mine.length);
    const scale = Math.max(...mine.map(Math.abs));
    for (let k = 0; k < mine.length; k++) expect(Math.abs(theirs[k]! - mine[k]!) / scale).toBeLessThan(1e-6);
    await ui.shot('40-imported-brian2-run-overlaid');
    expect(studio.pageErrors).toEqual([]);
  }, 3 * SLOW_MS);

  it('refuses, in the dialog, a model PyNN cannot express, naming each block', async () => {
    const { page, host } = studio;
    await projectFromExample(host, 'hh-dualexp-hh.json', 'HH pair', false);
    await ui.open();
    await ui.openProject('HH pair', 9);
    await menu('File', 'export-model');
    await click('[data-testid="export-to-pynn"]');
    await click('[data-testid="export-model-save"]');
    await page.locator('[data-testid="export-refusals"]').waitFor();
    for (const block of ['pre', 'post', 'syn']) expect(await page.locator(`[data-refused-block="${block}"]`).count(), block).toBe(1);
    expect(await page.locator('[data-refused-block="syn"]').textContent()).toMatch(/^syn: dual-exponential: PyNN's standard cells have no dual-exponential synapse/);
    // Brian2 takes the same model: the refusal goes, the script comes.
    await click('[data-testid="export-to-brian2"]');
    const [download] = await Promise.all([page.waitForEvent('download'), click('[data-testid="export-model-save"]')]);
    expect(download.suggestedFilename()).toMatch(/_brian2\.py$/);
    // The Runs panel offers the import too.
    await click('.history [data-testid="import-run"]');
    await page.locator('[data-dialog="import-run"]').waitFor();
    expect(studio.pageErrors).toEqual([]);
  }, 2 * SLOW_MS);
});
