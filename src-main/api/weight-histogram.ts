/**
 * `readWeightHistogram`: one snapshot of a weight-snapshots probe as a histogram over the
 * weight range of the whole run (so that the view's animation keeps its axis still). The
 * range takes a pass over every stored snapshot; it is kept per run and probe until more
 * snapshots are stored, so moving the slider reads one snapshot only.
 */
import type { WeightHistogram } from '../../src-shared/api.js';
import type { Lab } from '../store/lab.js';
import { hasSnapshots } from '../recordings/csv-format.js';
import { binSnapshotSteps, snapshotRangeSteps, storedSnapshots } from '../store/weight-snapshots.js';
import { ApiError } from './errors.js';

const DEFAULT_BINS = 40;

/** Lets other requests and events run between pages of chunks. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs a store generator to its end, yielding to the event loop after every page. */
async function drain<T>(steps: Generator<void, T>): Promise<T> {
  let step = steps.next();
  while (!step.done) {
    await yieldToEventLoop();
    step = steps.next();
  }
  return step.value;
}

/** Weight range per lab, run and probe, with the snapshot count it was computed from. */
const ranges = new WeakMap<Lab, Map<string, { rows: number; lo: number; hi: number }>>();

async function rangeOf(lab: Lab, runId: number, probe: string, rows: number): Promise<{ lo: number; hi: number }> {
  let cache = ranges.get(lab);
  if (!cache) ranges.set(lab, (cache = new Map()));
  const key = `${runId}\u0000${probe}`;
  const known = cache.get(key);
  if (known && known.rows === rows) return known;
  const range = await drain(snapshotRangeSteps(lab, runId, probe));
  cache.set(key, { rows, ...range });
  return range;
}

export async function readWeightHistogram(lab: Lab, runId: number, probe: string, query: { snapshot?: number; bins?: number }): Promise<WeightHistogram> {
  const layout = lab.runs.probe(runId, probe);
  if (!hasSnapshots(layout)) {
    throw new ApiError(`run ${runId}, probe "${probe}" is not a weight-snapshots probe; read it with ${layout.kind === 'spikes' ? 'readSpikes' : 'readTrace'}`);
  }
  const stepMs = layout.every * lab.runs.get(runId).dt;
  const samples = storedSnapshots(lab, runId, probe);
  const times = samples.map((s) => Number((s * stepMs).toPrecision(12)));
  const bins = query.bins ?? DEFAULT_BINS;
  const base = { probe, times, connections: layout.neurons.length, unit: layout.unit };
  if (samples.length === 0) return { ...base, snapshot: -1, t: 0, lo: 0, hi: 0, counts: new Array<number>(bins).fill(0), mean: Number.NaN };
  if (query.snapshot !== undefined && query.snapshot >= samples.length) {
    throw new ApiError(`run ${runId}, probe "${probe}" has ${samples.length} snapshots (0–${samples.length - 1}), not ${query.snapshot}`);
  }
  const index = query.snapshot ?? samples.length - 1;
  let { lo, hi } = await rangeOf(lab, runId, probe, samples.length);
  if (!(lo < hi)) {
    // One weight everywhere: a narrow range around it, the weights in its middle bin.
    const half = Number.isFinite(lo) && lo !== 0 ? Math.abs(lo) * 0.05 : 1e-6;
    const at = Number.isFinite(lo) ? lo : 0;
    [lo, hi] = [at - half, at + half];
  }
  const { counts, mean } = await drain(binSnapshotSteps(lab, runId, probe, samples[index]!, bins, lo, hi));
  return { ...base, snapshot: index, t: times[index]!, lo, hi, counts, mean };
}
