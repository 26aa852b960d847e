/**
 * Live mode's runs: through the service (over a real lab file and the real CPU engine, via
 * the same dispatch as both transports) a run or sweep requested with `live: true` is
 * stored with it in its settings and read back as `RunInfo.live` (started, ended, listed,
 * got); Run's runs and runs stored before the flag existed read back as not live. And the
 * renderer's run history: consecutive live runs (and live sweeps) fold into one group at
 * the place of the newest, a run started with Run breaks the stretch, a lone live run stays
 * a plain row.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src-shared/api.js';
import { dispatch } from '../../src-main/api/dispatch.js';
import { compile } from '../../src-main/compiler/compile.js';
import { recordRun } from '../../src-main/store/run-recorder.js';
import { historyRows, liveGroupLabel, type HistoryRow } from '../../src-renderer/lib/run-history.js';
import { makeHarness, type Harness } from './harness.js';

describe('live runs through the service', () => {
  let h: Harness;
  beforeEach(() => {
    h = makeHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const ended = (r: RunInfo) => h.waitFor('run-ended', (e) => e.id === r.id, 60_000);

  async function ampaProject(): Promise<{ doc: unknown; projectId: number }> {
    const doc = await h.service.loadExample('ampa-lif.json');
    const { project } = await h.service.createProject('AMPA', doc);
    return { doc, projectId: project.id };
  }

  it('stores a live run as live and reads it back so; a run started with Run is not live', async () => {
    const { doc, projectId } = await ampaProject();
    // Through dispatch, as the renderer's request arrives over either transport.
    const reply = await dispatch(h.service, { id: 1, method: 'startRun', params: [{ projectId, document: doc, engine: 'cpu', duration: '20 ms', live: true }] });
    if (!('result' in reply)) throw new Error(JSON.stringify(reply));
    const live = reply.result as RunInfo;
    expect(live).toMatchObject({ status: 'running', live: true });
    expect(await ended(live)).toMatchObject({ status: 'finished', live: true });

    const plain = await h.service.startRun({ projectId, document: doc, engine: 'cpu', duration: '20 ms' });
    expect(plain.live).toBe(false);
    expect(await ended(plain)).toMatchObject({ status: 'finished', live: false });
    const explicit = await h.service.startRun({ projectId, document: doc, engine: 'cpu', duration: '20 ms', live: false });
    expect((await ended(explicit)).live).toBe(false);

    // Kept in the run's stored settings, beside the device.
    expect(h.service.lab.runs.get(live.id).settings).toMatchObject({ live: true, device: expect.any(String) });
    expect(h.service.lab.runs.get(plain.id).settings).not.toHaveProperty('live');
    expect(h.service.lab.runs.get(explicit.id).settings).not.toHaveProperty('live');

    // Read back by every way of reading runs.
    expect((await h.service.getRun(live.id)).live).toBe(true);
    expect((await h.service.listRuns(projectId)).map((r) => [r.id, r.live])).toEqual([[explicit.id, false], [plain.id, false], [live.id, true]]);
  });

  it('marks every copy of a sweep started in live mode', async () => {
    const { doc, projectId } = await ampaProject();
    const copies = await h.service.startSweep({ projectId, document: doc, engine: 'cpu', duration: '20 ms', sweep: null, seeds: 2, live: true });
    expect(copies.map((r) => r.live)).toEqual([true, true]);
    const ends = await Promise.all(copies.map(ended));
    expect(ends.map((r) => [r.status, r.live])).toEqual([['finished', true], ['finished', true]]);
    const listed = await h.service.listRuns(projectId);
    expect(listed.every((r) => r.live && r.sweep !== undefined)).toBe(true);
  });

  it('refuses a live flag that is not a boolean, naming it', async () => {
    const { doc, projectId } = await ampaProject();
    const reply = await dispatch(h.service, { id: 2, method: 'startRun', params: [{ projectId, document: doc, engine: 'cpu', live: 'yes' }] });
    expect('error' in reply && reply.error.message).toMatch(/^startRun: parameter "request\.live": /);
    expect(await h.service.listRuns(projectId)).toEqual([]);
  });

  it('reads a run stored before the flag was kept as not live', async () => {
    const doc = await h.service.loadExample('ampa-lif.json');
    const recording = recordRun(h.service.lab, { project: 'Old', document: doc, plan: compile(doc), engine: 'cpu', settings: { durationMs: 100 } });
    recording.fail(new Error('stopped for the test'));
    expect((await h.service.getRun(recording.runId)).live).toBe(false);
  });
});

describe("the renderer's grouping of live runs", () => {
  const run = (id: number, live: boolean, sweep?: { id: string; index: number }): RunInfo => ({
    id, projectId: 1, versionId: 1, startedAt: '', endedAt: null, wallMs: null, engine: 'cpu', device: null, engineNote: null, seed: 1, dt: 0.1, durationMs: 10,
    status: 'finished', message: null, populations: [], probes: [], live, pinned: false,
    ...(sweep ? { sweep: { ...sweep, label: `sweep ${sweep.id}`, copyLabel: `copy ${sweep.index}`, count: 2, block: 'syn', param: 'tau', value: '1 ms' } } : {}),
  });
  /** Rows in words: a run's id, "sweep x: ids", or "live <key>: [rows inside]" with the group's run ids. */
  const shape = (rows: HistoryRow[]): unknown[] => rows.map((row) =>
    row.kind === 'run' ? row.run.id
      : row.kind === 'sweep' ? `sweep ${row.id}: ${row.runs.map((r) => r.id).join(',')}`
        : { [row.key]: shape(row.items), runs: row.runs.map((r) => r.id) });

  it('folds consecutive live runs into one group at the newest, broken by a run started with Run', () => {
    // Newest first, as listRuns and the studio keep them.
    const runs = [run(9, true), run(8, true), run(7, true), run(6, false), run(5, true), run(4, true), run(3, false), run(2, true), run(1, false)];
    const rows = historyRows(runs);
    expect(shape(rows)).toEqual([
      { 'live-7': [9, 8, 7], runs: [9, 8, 7] },
      6,
      { 'live-4': [5, 4], runs: [5, 4] },
      3,
      2, // a lone live run stays a plain row
      1,
    ]);
    const first = rows[0]!;
    expect(first.kind === 'live' && liveGroupLabel(first)).toBe('Live · 3 runs');
    // The newest run leads the group (its summary, and what a click on the group shows).
    expect(first.kind === 'live' && first.items[0]).toEqual({ kind: 'run', run: runs[0] });
  });

  it('keeps the key of a group while newer live runs join it, and leaves other lists as historyItems made them', () => {
    const before = historyRows([run(5, true), run(4, true), run(3, false)]);
    const after = historyRows([run(7, true), run(6, true), run(5, true), run(4, true), run(3, false)]);
    expect(before[0]!.kind === 'live' && before[0]!.key).toBe('live-4');
    expect(after[0]!.kind === 'live' && after[0]!.key).toBe('live-4');
    expect(after[0]!.kind === 'live' && liveGroupLabel(after[0]!)).toBe('Live · 4 runs');
    // No live run: the rows are runs and sweeps as before.
    expect(shape(historyRows([run(4, false), run(3, false, { id: 'a', index: 1 }), run(2, false, { id: 'a', index: 0 }), run(1, false)]))).toEqual([4, 'sweep a: 2,3', 1]);
    expect(historyRows([])).toEqual([]);
  });

  it('takes sweeps started in live mode into the stretch, and a sweep started with Run breaks it', () => {
    const runs = [
      run(8, true), run(7, true, { id: 'b', index: 1 }), run(6, true, { id: 'b', index: 0 }), run(5, true),
      run(4, false, { id: 'a', index: 1 }), run(3, false, { id: 'a', index: 0 }),
      run(2, true, { id: 'c', index: 1 }), run(1, true, { id: 'c', index: 0 }),
    ];
    expect(shape(historyRows(runs))).toEqual([
      { 'live-5': [8, 'sweep b: 6,7', 5], runs: [8, 6, 7, 5] },
      'sweep a: 3,4',
      'sweep c: 1,2', // a lone live sweep stays a sweep
    ]);
  });
});
