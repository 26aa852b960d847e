/**
 * Issue 14 in the app's API: exportModel gives the same script as `spikeflow export-model`
 * (Brian2 with its options, PyNN), refuses by block with diagnostics naming each one, and
 * importRunCsv keeps a run's CSV files as a run of the project whose recordings read back
 * as they were written; files that do not fit the probes are refused by name, keeping nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportedCsvFile, RunInfo } from '../../src-shared/api.js';
import type { ApiError } from '../../src-main/api/errors.js';
import { validateParams } from '../../src-main/api/dispatch.js';
import { exportModelText } from '../../src-main/export/export-model.js';
import { EXAMPLES_DIR, makeHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(async () => {
  await h.close();
});

/** The script's text without its header line naming where it came from. */
const body = (text: string) => text.replace(/^""".*$/m, '');

describe('exportModel', () => {
  it('gives the CLI\'s script for Brian2 (with cpp_standalone and threads) and PyNN, named after the project', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const opts = { to: 'brian2', device: 'cpp_standalone', threads: 4 } as const;
    const b2 = await h.service.exportModel(doc, opts);
    expect(b2.filename).toBe('ampa_lif_brian2.py');
    expect(body(b2.text)).toBe(body(exportModelText(`${EXAMPLES_DIR}/ampa-lif.json`, opts)));
    expect(b2.text).toContain("choices=['runtime', 'cpp_standalone'], default=\"cpp_standalone\")");
    expect(b2.text).toContain('default=4, help=\'OpenMP threads');
    const pynn = await h.service.exportModel(await h.service.loadExample('regular-alpha-lif.json'), { to: 'pynn' });
    expect(pynn.filename).toMatch(/_pynn\.py$/);
    expect(pynn.text).toContain("__import__(f'pyNN.{args.simulator}'");
  });

  it('refuses a model the target cannot express, with a diagnostic naming each block', async () => {
    const doc = await h.service.loadExample('hh-dualexp-hh.json');
    const err = await h.service.exportModel(doc, { to: 'pynn' }).then(() => null, (e: ApiError) => e);
    expect(err?.message).toContain('cannot export to PyNN');
    expect(err?.diagnostics?.map((d) => d.block).sort()).toEqual(['post', 'pre', 'syn']);
    expect(err?.diagnostics?.find((d) => d.block === 'syn')?.message).toMatch(/^dual-exponential: PyNN's standard cells have no dual-exponential synapse/);
  });

  it('validates its options: device and threads belong to Brian2', () => {
    expect(() => validateParams('exportModel', [{}, { to: 'pynn', threads: 2 }])).toThrow(/options of Brian2/);
    expect(() => validateParams('exportModel', [{}, { to: 'nest' }])).toThrow();
  });
});

describe('importRunCsv', () => {
  /** A run's CSV files as the page sends them, from the service's own export. */
  async function csvFiles(run: RunInfo): Promise<ImportedCsvFile[]> {
    expect(run.status, run.message ?? '').toBe('finished');
    const dir = (await h.service.exportRunCsvTo(run.id, undefined, false, `${h.dir}/run-${run.id}`)).path;
    const fs = await import('node:fs');
    return fs.readdirSync(dir).map((name) => ({ name, text: fs.readFileSync(`${dir}/${name}`, 'utf8') }));
  }

  it('keeps the CSV files as a run of the project, labelled with the simulator, that reads back the same', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('AMPA', doc);
    const started = await h.service.startRun({ projectId: project.id, document: doc, engine: 'cpu' });
    const ran = await h.waitFor('run-ended', (r) => r.id === started.id);
    const files = await csvFiles(ran);
    const imported = await h.service.importRunCsv(project.id, doc, files.map((f) => ({ ...f, name: `C:\\out\\${f.name}` })), 'brian2');
    expect(imported).toMatchObject({ projectId: project.id, versionId: ran.versionId, engine: 'imported: brian2', status: 'finished', durationMs: 100 });
    // Populations come from the spike probes the files hold (the source has none).
    expect(imported.populations).toEqual(ran.populations.filter((p) => p.block === 'post'));
    for (const p of ['g', 'V']) {
      expect((await h.service.readTrace(imported.id, p, {})).series).toEqual((await h.service.readTrace(ran.id, p, {})).series);
    }
    expect((await h.service.readSpikes(imported.id, 'spikes', {})).t).toEqual((await h.service.readSpikes(ran.id, 'spikes', {})).t);
    expect((await h.service.listRuns(project.id)).map((r) => r.id)).toEqual([imported.id, ran.id]);
  });

  it('refuses files that do not fit the probes, naming the file, and keeps nothing', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('AMPA', doc);
    const started = await h.service.startRun({ projectId: project.id, document: doc, engine: 'cpu' });
    const files = await csvFiles(await h.waitFor('run-ended', (r) => r.id === started.id));
    const missing = files.filter((f) => f.name !== 'V.csv');
    await expect(h.service.importRunCsv(project.id, doc, missing, 'brian2')).rejects.toThrow(/missing V\.csv/);
    const wrong = files.map((f) => (f.name === 'V.csv' ? { ...f, text: f.text.replace('(mV)', '(V)') } : f));
    await expect(h.service.importRunCsv(project.id, doc, wrong, 'brian2')).rejects.toThrow(/V\.csv: header .* is not/);
    // Recordings of a longer run than the document's: the app's advice is the run bar's Duration.
    const shorter = { ...doc, run: { ...doc.run, duration: '50 ms' } };
    await expect(h.service.importRunCsv(project.id, shorter, files, 'brian2')).rejects.toThrow(/set Duration in the run bar to the time the script ran/);
    expect((await h.service.listRuns(project.id)).map((r) => r.id)).toEqual([started.id]);
  });
});
