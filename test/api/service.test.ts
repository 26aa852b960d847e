/**
 * The service over a real lab file and the real CPU engine (in its worker): runs stream
 * into the store with events in order, what is read back equals an in-thread simulation of
 * the same plan, runs stop on request and fail with their message, and compile problems
 * come back as diagnostics naming the block.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src-shared/api.js';
import type { ApiError } from '../../src-main/api/errors.js';
import { makeDoc, runDoc } from '../helpers/doc.js';
import { makeHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(async () => {
  await h.close();
});

async function runToEnd(projectId: number, document: unknown, extra: { duration?: string; seed?: number } = {}): Promise<{ started: RunInfo; ended: RunInfo }> {
  const started = await h.service.startRun({ projectId, document, engine: 'cpu', ...extra });
  const ended = await h.waitFor('run-ended', (r) => r.id === started.id);
  return { started, ended };
}

describe('runs', () => {
  it('runs an example from a new project, with events in order and the run in the store', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('AMPA', doc);
    const { started, ended } = await runToEnd(project.id, doc);

    expect(started.status).toBe('running');
    expect(started.engine).toBe('cpu');
    expect(started.probes.map((p) => p.id)).toEqual(['g', 'V', 'spikes']);
    expect(ended.status).toBe('finished');
    expect(ended.durationMs).toBe(100);
    expect(ended.populations.map((p) => [p.block, p.spikes])).toEqual([['pre', 4], ['post', 0]]);
    expect(ended.probes.find((p) => p.id === 'V')).toMatchObject({ kind: 'state', block: 'post', state: 'V', unit: 'mV', neurons: [0], intervalMs: 0.1 });
    expect(ended.probes.find((p) => p.id === 'spikes')).toMatchObject({ kind: 'spikes', block: 'post', size: 1 });

    const mine = h.events.filter((e) => e.event !== 'menu-command' && (e.event === 'run-ended' ? e.payload.id : e.payload.runId) === started.id);
    expect(mine.at(-1)!.event).toBe('run-ended');
    expect(mine.filter((e) => e.event === 'run-ended')).toHaveLength(1);
    const progress = mine.flatMap((e) => (e.event === 'run-progress' ? [e.payload] : []));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p, k) => k === 0 || p.step >= progress[k - 1]!.step)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ step: 1000, steps: 1000 });
    expect(progress.at(-1)!.simulatedMs).toBeCloseTo(100, 9);
    const data = mine.flatMap((e) => (e.event === 'run-data' ? [e.payload] : []));
    expect(new Set(data.flatMap((d) => d.probes))).toEqual(new Set(['g', 'V']));
    expect(data.every((d, k) => k === 0 || d.simulatedMs >= data[k - 1]!.simulatedMs)).toBe(true);

    expect(await h.service.getRun(started.id)).toEqual(ended);
    expect((await h.service.listRuns(project.id)).map((r) => r.id)).toEqual([started.id]);
    expect((await h.service.listProjects())[0]!.runs).toBe(1);
  });

  it('reads back traces and spikes equal to an in-thread simulation of the same plan', async () => {
    const doc = await h.service.loadExample('ramp-lif.json');
    const { project } = await h.service.createProject('Ramp', doc);
    const { ended } = await runToEnd(project.id, doc, { duration: '250 ms', seed: 7 });
    expect(ended.status).toBe('finished');
    expect(ended.seed).toBe(7);
    const reference = runDoc(doc, { duration: '250 ms', seed: 7 });

    const trace = await h.service.readTrace(ended.id, 'cell_V', { maxPoints: 100_000 });
    const expected = reference.traces.get('cell_V')![0]!;
    expect(trace.decimated).toBe(false);
    expect(trace.t).toHaveLength(expected.length);
    expect(trace.t[1]).toBe(0.1);
    expect(trace.t.at(-1)).toBe(250);
    expect(trace.series).toHaveLength(1);
    expect(trace.series[0]!.neuron).toBe(0);
    expect(trace.series[0]!.min).toEqual(expected);
    expect(trace.series[0]!.max).toEqual(expected);

    const spikes = await h.service.readSpikes(ended.id, 'cell_spikes', {});
    const refSpikes = reference.spikes.get('cell_spikes')!;
    expect(refSpikes.length).toBeGreaterThan(3);
    expect(spikes.truncated).toBe(false);
    expect(spikes.neuron).toEqual(refSpikes.map(([, n]) => n));
    expect(spikes.t).toEqual(refSpikes.map(([step]) => Number((step * 0.1).toPrecision(12))));

    // A window, decimated: min/max bracket the samples of each bucket.
    const window = await h.service.readTrace(ended.id, 'cell_V', { t0: 100, t1: 200, maxPoints: 10 });
    expect(window.decimated).toBe(true);
    expect(window.t).toHaveLength(10);
    expect(window.t[0]).toBe(100);
    const inWindow = expected.slice(1000, 2001);
    expect(Math.min(...window.series[0]!.min)).toBe(Math.min(...inWindow));
    expect(Math.max(...window.series[0]!.max)).toBe(Math.max(...inWindow));

    // Over the limit: thinned evenly over the whole window (not the first ones), with the count.
    expect(spikes.total).toBe(refSpikes.length);
    const limited = await h.service.readSpikes(ended.id, 'cell_spikes', { maxSpikes: 2 });
    const n = spikes.t.length;
    // Two of n: the last of the first half and the last of all (the raster reaches the window's end).
    const kept = [Math.ceil(n / 2) - 1, n - 1];
    expect(limited).toEqual({ probe: 'cell_spikes', truncated: true, total: n, t: kept.map((k) => spikes.t[k]), neuron: kept.map((k) => spikes.neuron[k]) });
    await expect(h.service.readTrace(ended.id, 'cell_spikes', {})).rejects.toThrow(/records spikes; read it with readSpikes/);
    await expect(h.service.readTrace(ended.id, 'nope', {})).rejects.toThrow(/no probe "nope"/);
  });

  it('stops a long run: status cancelled, partial data kept, events throttled', async () => {
    const doc = await h.service.loadExample('coba.json');
    const { project } = await h.service.createProject('COBA', doc);
    const t0 = performance.now();
    const started = await h.service.startRun({ projectId: project.id, document: doc, engine: 'cpu', duration: '100 s' });
    await h.waitFor('run-data', (d) => d.runId === started.id && d.simulatedMs > 20);
    await h.service.stopRun(started.id);
    const elapsed = performance.now() - t0;

    const ended = await h.service.getRun(started.id);
    expect(ended.status).toBe('cancelled');
    expect((await h.waitFor('run-ended', (r) => r.id === started.id)).status).toBe('cancelled');
    const spikes = await h.service.readSpikes(started.id, 'spikes_E', {});
    expect(spikes.t.length).toBeGreaterThan(0);
    expect(spikes.t.at(-1)!).toBeLessThan(100_000);
    const rate = await h.service.readTrace(started.id, 'rate_E', { maxPoints: 100_000 });
    expect(rate.decimated).toBe(false);
    expect(rate.t.length).toBeGreaterThan(20);
    expect(rate.t.at(-1)!).toBeLessThan(100_000);

    const progress = h.events.filter((e) => e.event === 'run-progress' && e.payload.runId === started.id);
    // ≤ one per 100 ms while running, plus the final one.
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    // Stopping an ended run is harmless.
    await h.service.stopRun(started.id);
    await expect(h.service.stopRun(9999)).rejects.toThrow(/no run 9999/);
  });

  it('marks a diverging run failed with the message naming the block and state', async () => {
    const doc = makeDoc(
      [
        { id: 'drive', type: 'constant-current', params: { amplitude: '1e10 nA', start: '20 ms' } },
        { id: 'cell', type: 'lif', size: 1, params: { R: '1e300 Mohm' } },
      ],
      ['drive.I -> cell.I'],
      { duration: '50 ms' },
    );
    const { project } = await h.service.createProject('Diverging', doc);
    const { ended } = await runToEnd(project.id, doc);
    expect(ended.status).toBe('failed');
    expect(ended.message).toMatch(/block "cell": state "V" of neuron 0 became NaN/);
    expect((await h.service.getRun(ended.id)).status).toBe('failed');
  });

  it('rejects a run that does not compile with diagnostics naming the block, and starts nothing', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('AMPA', doc);
    const broken = { ...doc, blocks: [...doc.blocks, { id: 'mystery', type: 'no-such-block' }] };
    const err = (await h.service.startRun({ projectId: project.id, document: broken, engine: 'cpu' }).catch((e: unknown) => e)) as ApiError;
    expect(err.diagnostics).toEqual([{ block: 'mystery', field: 'type', message: expect.stringMatching(/^unknown block type "no-such-block"/) }]);
    const badDt = (await h.service.startRun({ projectId: project.id, document: doc, engine: 'cpu', dt: '-1 ms' }).catch((e: unknown) => e)) as ApiError;
    expect(badDt.diagnostics?.[0]).toMatchObject({ field: 'run.dt' });
    expect(await h.service.listRuns(project.id)).toEqual([]);
  });

  it('saves the document as a new version when a run changed it', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project, versionId } = await h.service.createProject('AMPA', doc);
    const edited = { ...doc, description: 'edited before running' };
    const { ended } = await runToEnd(project.id, edited);
    expect(ended.versionId).not.toBe(versionId);
    const reopened = await h.service.openProject(project.id);
    expect(reopened.versionId).toBe(ended.versionId);
    expect(reopened.document.description).toBe('edited before running');
    // Unchanged: the same version.
    const again = await runToEnd(project.id, edited);
    expect(again.ended.versionId).toBe(ended.versionId);
  });

  it('deletes a run and refuses to delete one in progress', async () => {
    const doc = await h.service.loadExample('coba.json');
    const { project } = await h.service.createProject('COBA', doc);
    const long = await h.service.startRun({ projectId: project.id, document: doc, engine: 'cpu', duration: '100 s' });
    await expect(h.service.deleteRun(long.id)).rejects.toThrow(/still running/);
    await expect(h.service.deleteProject(project.id)).rejects.toThrow(/in progress/);
    await h.service.stopRun(long.id);
    await h.service.deleteRun(long.id);
    await expect(h.service.getRun(long.id)).rejects.toThrow(/no run/);
  });
});

describe('validate', () => {
  it('returns ok for a good document and diagnostics naming block and field otherwise', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    expect(await h.service.validate(doc)).toEqual({ ok: true, estimate: { bytes: expect.any(Number), elementUpdates: 3000, connections: 1, summary: expect.stringMatching(/^needs about /) } });

    const unknownType = await h.service.validate({ ...doc, blocks: [...doc.blocks, { id: 'x', type: 'nope' }] });
    expect(unknownType).toEqual({ ok: false, diagnostics: [{ block: 'x', field: 'type', message: expect.stringMatching(/^unknown block type "nope"/) }] });

    const badParam = structuredClone(doc);
    (badParam.blocks.find((b) => b.id === 'post')!.params as Record<string, unknown>).tau = '5 mV';
    const r = await h.service.validate(badParam);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.diagnostics[0]).toMatchObject({ block: 'post' });
    expect(r.ok === false && r.diagnostics[0]!.field).toMatch(/tau/);

    const badId = await h.service.validate({ ...doc, blocks: [{ id: 'a b', type: 'lif' }] });
    expect(badId).toMatchObject({ ok: false, diagnostics: [{ block: 'a b', field: 'id' }] });
    const notADoc = await h.service.validate({ format: 'something-else' });
    expect(notADoc.ok).toBe(false);
  });
});

describe('CSV export', () => {
  it('writes one probe or every probe, with the values of the run', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('AMPA', doc);
    const { ended } = await runToEnd(project.id, doc);
    const one = await h.service.exportRunCsv(ended.id, 'V');
    expect(one.path).toMatch(/run-\d+-V\.csv$/);
    const rows = parse(fs.readFileSync(one.path!, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual(['t (ms)', 'post.V[0] (mV)']);
    const trace = await h.service.readTrace(ended.id, 'V', { maxPoints: 100_000 });
    expect(rows).toHaveLength(trace.t.length);
    rows.forEach((row, i) => {
      expect(Number(row['t (ms)'])).toBe(trace.t[i]);
      expect(Math.fround(Number(row['post.V[0] (mV)']))).toBe(trace.series[0]!.min[i]);
    });
    const all = await h.service.exportRunCsv(ended.id);
    expect(fs.readdirSync(all.path!).sort()).toEqual(['V.csv', 'g.csv', 'spikes.csv']);
    await expect(h.service.exportRunCsv(ended.id, 'nope')).rejects.toThrow(/no probe "nope"/);
  });
});

describe('WebGPU engine through the service', () => {
  it('runs, streams and records like the CPU engine (where an adapter exists)', async () => {
    const { selectEngine } = await import('../../src-main/engines/select.js');
    const probe = await selectEngine('auto');
    probe.dispose();
    if (probe.engine.name !== 'webgpu') return console.warn('no WebGPU adapter; skipped'); // nothing to compare
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('AMPA', doc);
    const started = await h.service.startRun({ projectId: project.id, document: doc, engine: 'webgpu' });
    const ended = await h.waitFor('run-ended', (r) => r.id === started.id, 60_000);
    expect(ended).toMatchObject({ status: 'finished', engine: 'webgpu' });
    const gpu = await h.service.readTrace(ended.id, 'V', { maxPoints: 100_000 });
    const cpu = runDoc(doc).traces.get('V')![0]!;
    expect(gpu.t).toHaveLength(cpu.length);
    gpu.series[0]!.min.forEach((v, i) => expect(Math.abs(v - cpu[i]!)).toBeLessThan(1e-3));
  });
});
