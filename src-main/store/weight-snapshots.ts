/**
 * Reads of a weight-snapshots probe (a state probe whose channels are every connection of a
 * plastic synapse, sampled every `every` steps): the weight range over all its snapshots,
 * one snapshot binned into a histogram, and which snapshot a time picks. Each streams the
 * stored chunks a page at a time and checks their checksums (RecordingStore.pages), so
 * memory is one page plus the bins however many connections were recorded. The generators
 * yield after every page so that an async caller can let other requests run in between.
 */
import { hasSnapshots, type SnapshotLayout } from '../recordings/csv-format.js';
import { LabError } from './errors.js';
import type { Lab } from './lab.js';
import { f32Of } from './recordings.js';

/** The layout of a weight-snapshots probe; throws naming the run and probe for any other probe. */
export function snapshotLayout(lab: Lab, runId: number, probe: string): SnapshotLayout {
  const layout = lab.runs.probe(runId, probe);
  if (!hasSnapshots(layout)) {
    throw new LabError(`${lab.file}: run ${runId}, probe ${JSON.stringify(probe)} is not a weight-snapshots probe`, lab.file);
  }
  return layout;
}

/** Least and greatest finite weight over every stored snapshot (NaN, NaN when none). */
export function* snapshotRangeSteps(lab: Lab, runId: number, probe: string): Generator<void, { lo: number; hi: number }> {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const page of lab.recordings.pages(runId, probe)) {
    for (const chunk of page) {
      const data = f32Of(chunk.data);
      for (let k = 0; k < data.length; k++) {
        const v = data[k]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    yield;
  }
  return lo <= hi ? { lo, hi } : { lo: Number.NaN, hi: Number.NaN };
}

/**
 * The weights of snapshot `sample` counted into `bins` equal bins over [lo, hi] (the last
 * bin includes hi; values outside are clamped into the end bins), with their mean.
 */
export function* binSnapshotSteps(
  lab: Lab, runId: number, probe: string, sample: number, bins: number, lo: number, hi: number,
): Generator<void, { counts: number[]; n: number; mean: number }> {
  const width = snapshotLayout(lab, runId, probe).neurons.length;
  const counts = new Array<number>(bins).fill(0);
  const scale = hi > lo ? bins / (hi - lo) : 0;
  let n = 0;
  let sum = 0;
  for (const page of lab.recordings.pages(runId, probe, sample, sample)) {
    for (const chunk of page) {
      if (sample < chunk.first || sample > chunk.last) continue;
      const row = f32Of(chunk.data).subarray((sample - chunk.first) * width, (sample - chunk.first + 1) * width);
      for (let k = 0; k < row.length; k++) {
        const v = row[k]!;
        if (!Number.isFinite(v)) continue;
        // With one value everywhere (hi = lo) every weight goes to the middle bin.
        const b = scale === 0 ? bins >> 1 : Math.min(bins - 1, Math.max(0, Math.floor((v - lo) * scale)));
        counts[b]!++;
        n++;
        sum += v;
      }
    }
    yield;
  }
  return { counts, n, mean: n > 0 ? sum / n : Number.NaN };
}

/** Index of every stored snapshot (sample), in order. */
export function storedSnapshots(lab: Lab, runId: number, probe: string): number[] {
  const { first, last, rows } = lab.recordings.extent(runId, probe);
  if (rows === 0) return [];
  // Samples are stored contiguously from sample 0 (a gap only where a chunk was lost).
  return Array.from({ length: last - first + 1 }, (_, k) => first + k);
}

/**
 * The snapshot nearest to each time (ms), for the weights CSV at chosen times; a time more
 * than half an interval before the first or after the last stored snapshot is refused,
 * naming the snapshots there are.
 */
export function snapshotsAt(lab: Lab, runId: number, probe: string, timesMs: readonly number[]): number[] {
  const layout = snapshotLayout(lab, runId, probe);
  const stepMs = layout.every * lab.runs.get(runId).dt;
  const { first, last, rows } = lab.recordings.extent(runId, probe);
  const ms = (s: number) => Number((s * stepMs).toPrecision(12));
  return timesMs.map((t) => {
    const s = Math.round(t / stepMs);
    if (rows === 0 || !Number.isFinite(t) || s < first || s > last) {
      const have = rows === 0 ? 'none is stored' : `snapshots every ${ms(1)} ms from ${ms(first)} ms to ${ms(last)} ms`;
      throw new LabError(`${lab.file}: run ${runId}, probe ${JSON.stringify(probe)} has no snapshot at t = ${t} ms (${have})`, lab.file);
    }
    return s;
  });
}
