/** Recordings: streaming chunks in, reading by probe, neuron set and window, decimation, deletion. */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LabError } from '../../src-main/store/errors.js';
import { openLab } from '../../src-main/store/lab.js';
import { LAYOUTS, rateValue, spikesAt, startSyntheticRun, stateValue, streamSynthetic, tempLabPath } from './helpers.js';

/** A lab with one synthetic run of `samples` state samples (chunks of 64 bytes: many rows). */
function recorded(samples: number, chunkBytes = 64) {
  const file = tempLabPath();
  const lab = openLab(file);
  const runId = startSyntheticRun(lab);
  const writer = lab.recordings.writer(runId, { chunkBytes });
  streamSynthetic(writer, samples, 37);
  writer.close();
  return { file, lab, runId, writer };
}

describe('recording and reading back', () => {
  it('reads every state sample of chosen neurons in a time window', () => {
    const { lab, runId } = recorded(1000);
    const all = lab.recordings.readState(runId, 'v');
    expect(all).toMatchObject({ neurons: [0, 2, 5], firstSample: 0, samples: 1000 });
    expect(all.sampleMs).toBeCloseTo(0.2, 15);
    for (let s = 0; s < 1000; s++) for (let c = 0; c < 3; c++) expect(all.values[s * 3 + c]).toBe(stateValue(s, c));

    // t = 10 ms … 20 ms is samples 50 … 100 (sampleMs 0.2); neurons 5 and 0 are columns 2 and 0.
    const part = lab.recordings.readState(runId, 'v', { fromMs: 10, toMs: 20, neurons: [5, 0] });
    expect(part).toMatchObject({ neurons: [5, 0], firstSample: 50, samples: 51 });
    for (let s = 50; s <= 100; s++) {
      expect(part.values[(s - 50) * 2]).toBe(stateValue(s, 2));
      expect(part.values[(s - 50) * 2 + 1]).toBe(stateValue(s, 0));
    }
    expect(() => lab.recordings.readState(runId, 'v', { neurons: [1] })).toThrow(`run ${runId}, probe "v" did not record neuron 1 (it recorded 0, 2, 5)`);
    expect(() => lab.recordings.readState(runId, 'nope')).toThrow(`run ${runId} has no probe "nope" (its probes: v, sp, r)`);
    expect(() => lab.recordings.readState(runId, 'sp')).toThrow(`run ${runId}, probe "sp" records spikes, not state`);
    lab.close();
  });

  it('reads spikes by window and neuron set, and rate bins', () => {
    const { lab, runId } = recorded(1000); // steps 0 … 1999
    const expected: Array<[number, number]> = [];
    for (let step = 0; step < 2000; step++) for (const n of spikesAt(step)) expected.push([step, n]);
    const all = lab.recordings.readSpikes(runId, 'sp');
    expect(Array.from(all.steps)).toEqual(expected.map(([s]) => s));
    expect(Array.from(all.neurons)).toEqual(expected.map(([, n]) => n));

    const some = lab.recordings.readSpikes(runId, 'sp', { fromMs: 30, toMs: 60.05, neurons: [2, 4] });
    const want = expected.filter(([s, n]) => s >= 300 && s <= 600 && (n === 2 || n === 4));
    expect(want.length).toBeGreaterThan(10);
    expect(Array.from(some.steps)).toEqual(want.map(([s]) => s));
    expect(Array.from(some.neurons)).toEqual(want.map(([, n]) => n));

    const rate = lab.recordings.readRate(runId, 'r', { fromMs: 5, toMs: 9.99 });
    expect(rate.firstBin).toBe(5);
    expect(Array.from(rate.values)).toEqual([5, 6, 7, 8, 9].map(rateValue));
    lab.close();
  });

  it('keeps a gap in the samples as a gap (NaN), not shifted data', () => {
    const lab = openLab(tempLabPath());
    const runId = startSyntheticRun(lab);
    const writer = lab.recordings.writer(runId);
    const row = (s: number) => [stateValue(s, 0), stateValue(s, 1), stateValue(s, 2)];
    writer.write({ probe: 'v', kind: 'state', firstSample: 0, channels: 3, values: Float32Array.from([0, 1].flatMap(row)) });
    writer.write({ probe: 'v', kind: 'state', firstSample: 4, channels: 3, values: Float32Array.from([4].flatMap(row)) });
    expect(() => writer.write({ probe: 'v', kind: 'state', firstSample: 3, channels: 3, values: new Float32Array(3) })).toThrow(
      `run ${runId}, probe "v": chunk starts at index 3, before the end of the previous one (5)`,
    );
    expect(() => writer.write({ probe: 'v', kind: 'state', firstSample: 5, channels: 2, values: new Float32Array(2) })).toThrow(
      'chunk has 2 channels but the probe records 3 neurons',
    );
    expect(() => writer.write({ probe: 'x', kind: 'rate', firstBin: 0, values: new Float32Array(1) })).toThrow(`run ${runId} has no probe "x"`);
    writer.close();
    const w = lab.recordings.readState(runId, 'v', { neurons: [2] });
    expect(w.samples).toBe(5);
    expect(Array.from(w.values)).toEqual([stateValue(0, 1), stateValue(1, 1), NaN, NaN, stateValue(4, 1)]);
    lab.close();
  });

  it('commits while the run streams, in bounded batches, so memory stays flat and other readers see progress', () => {
    const { file, lab, runId } = (() => {
      const file = tempLabPath();
      const lab = openLab(file);
      return { file, lab, runId: startSyntheticRun(lab) };
    })();
    const writer = lab.recordings.writer(runId, { chunkBytes: 4096, batchBytes: 64 * 1024, commitIntervalMs: 1e9 });
    const reader = new Database(file, { readonly: true });
    const committedRows = () => (reader.prepare("SELECT coalesce(sum(count), 0) AS n FROM chunks WHERE probe = 'v'").get() as { n: number }).n;
    streamSynthetic(writer, 20_000, 100); // 240 kB of state values: several batches
    const before = committedRows();
    // Everything but the last batch and the staging buffers is already on disk.
    expect(before).toBeGreaterThan(20_000 - (64 * 1024 + 4096) / 12);
    expect(before).toBeLessThan(20_000);
    writer.flush();
    expect(committedRows()).toBe(20_000);
    const sizes = reader.prepare("SELECT max(length(data)) AS max FROM chunks WHERE probe = 'v'").get() as { max: number };
    expect(sizes.max).toBeLessThanOrEqual(4096);
    reader.close();
    lab.close();
  });

  it('decimates to min/max per bucket exactly as a brute-force pass would', () => {
    const { lab, runId } = recorded(1000);
    const series = lab.recordings.decimate(runId, 'v', { buckets: 7, fromMs: 1, toMs: 150, neurons: [2] });
    const s0 = 5;
    const s1 = 750;
    const n = s1 - s0 + 1;
    expect(series.buckets).toBe(7);
    for (let b = 0; b < 7; b++) {
      let min = Infinity;
      let max = -Infinity;
      let firstSample = Infinity;
      for (let s = s0; s <= s1; s++) {
        if (Math.floor(((s - s0) * 7) / n) !== b) continue;
        firstSample = Math.min(firstSample, s);
        min = Math.min(min, stateValue(s, 1));
        max = Math.max(max, stateValue(s, 1));
      }
      expect(series.min[b]).toBe(min);
      expect(series.max[b]).toBe(max);
      expect(series.timesMs[b]).toBeCloseTo(firstSample * 0.2, 9);
    }
    const few = lab.recordings.decimate(runId, 'r', { buckets: 100, toMs: 3 });
    expect(few.buckets).toBe(4);
    expect(Array.from(few.min)).toEqual([0, 1, 2, 3].map(rateValue));
    expect(() => lab.recordings.decimate(runId, 'sp', { buckets: 3 })).toThrow(LabError);
    lab.close();
  });

  it('deleting a run removes its recordings and gives the space back to the file system', () => {
    const { file, lab, runId } = recorded(200_000, 256 * 1024); // ≈ 2.4 MB of state values
    const keep = startSyntheticRun(lab);
    streamSynthetic(lab.recordings.writer(keep), 100);
    lab.runs.finish(runId, { status: 'finished', wallMs: 5 });
    lab.db.pragma('wal_checkpoint(TRUNCATE)');
    const sizeBefore = fs.statSync(file).size;
    const { freedBytes } = lab.runs.delete(runId);
    expect(freedBytes).toBeGreaterThan(2_000_000);
    expect(fs.statSync(file).size).toBeLessThan(sizeBefore - 2_000_000);
    expect(lab.db.prepare('SELECT count(*) AS n FROM chunks WHERE run_id = ?').get(runId)).toEqual({ n: 0 });
    expect(lab.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(lab.runs.list().map((r) => r.id)).toEqual([keep]);
    expect(() => lab.runs.delete(keep)).toThrow(`run ${keep} is still recording; stop it before deleting it`);
    lab.close();
  });
});

describe('probe layouts', () => {
  it('are stored in plan order with their metadata', () => {
    const { lab, runId } = recorded(10);
    expect(lab.runs.probes(runId)).toEqual(LAYOUTS);
    expect(lab.runs.totals(runId)).toEqual({ v: { kind: 'state', rows: 10 }, sp: { kind: 'spikes', rows: 7 }, r: { kind: 'rate', rows: 2 } });
    lab.close();
  });
});
