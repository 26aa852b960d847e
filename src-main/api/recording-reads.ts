/**
 * Reading recordings back: a state or rate probe as a min/max-decimated window
 * (`readTrace`), spikes in a window (`readSpikes`), and CSV export of one probe or all.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SpikeData, TraceData } from '../../src-shared/api.js';
import { exportRunCsv as exportCsvFiles, writeProbeCsv, type CsvTarget } from '../store/csv-export.js';
import { i32Of } from '../store/recordings.js';
import { describeRange, type DamagedRange } from '../store/checksums.js';
import { LabError } from '../store/errors.js';
import type { Lab } from '../store/lab.js';
import { ApiError } from './errors.js';
import { makeFolder } from '../files/make-folder.js';

const DEFAULT_MAX_POINTS = 2000;
const DEFAULT_MAX_SPIKES = 200_000;

export type TraceWindow = { t0?: number; t1?: number; neurons?: number[]; maxPoints?: number };
export type SpikeWindow = { t0?: number; t1?: number; neurons?: number[]; maxSpikes?: number };

/**
 * Most values (neurons × points) one readTrace answers: about 5 MB of JSON, which the
 * transport serialises in a few tens of ms. A plot asks for at most a few thousand points
 * of a handful of neurons.
 */
export const MAX_TRACE_VALUES = 250_000;

/** Lets other requests and events run (the reads below yield after every page of chunks). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A state or rate probe's window, min/max-decimated to at most `maxPoints` points.
 * Neurons asked for twice are read once; a request for more than MAX_TRACE_VALUES values
 * is refused before anything is read; the read yields to the event loop after every page
 * of chunks (at most 2 MiB), so a long recording never stalls other requests.
 */
export async function readTrace(lab: Lab, runId: number, probe: string, window: TraceWindow): Promise<TraceData> {
  const layout = lab.runs.probe(runId, probe);
  if (layout.kind === 'spikes') {
    throw new ApiError(`run ${runId}, probe "${probe}" records spikes; read it with readSpikes`);
  }
  const run = lab.runs.get(runId);
  const stepMs = layout.kind === 'state' ? layout.every * run.dt : layout.binSteps * run.dt;
  const extent = lab.recordings.extent(runId, probe);
  // The same clamping as the store's reads, to know whether buckets hold several samples.
  const eps = 1e-9;
  const s0 = window.t0 === undefined ? extent.first : Math.max(extent.first, Math.ceil(window.t0 / stepMs - eps));
  const s1 = window.t1 === undefined ? extent.last : Math.min(extent.last, Math.floor(window.t1 / stepMs + eps));
  const samples = Math.max(0, s1 - s0 + 1);
  const buckets = window.maxPoints ?? DEFAULT_MAX_POINTS;
  const neurons = window.neurons && layout.kind === 'state' ? [...new Set(window.neurons)] : undefined;
  const columnCount = layout.kind === 'state' ? (neurons ?? layout.neurons).length : 1;
  const points = Math.min(buckets, samples);
  if (columnCount * points > MAX_TRACE_VALUES) {
    const count = (n: number) => n.toLocaleString('en-US');
    throw new ApiError(
      `run ${runId}, probe "${probe}": ${count(columnCount)} neurons × ${count(points)} points is more than one read may return ` +
        `(${count(MAX_TRACE_VALUES)} values); ask for fewer neurons, fewer points or a shorter window`,
    );
  }
  const steps = lab.recordings.decimateSteps(runId, probe, {
    buckets,
    ...(window.t0 !== undefined ? { fromMs: window.t0 } : {}),
    ...(window.t1 !== undefined ? { toMs: window.t1 } : {}),
    ...(neurons ? { neurons } : {}),
  });
  let step = steps.next();
  while (!step.done) {
    await yieldToEventLoop();
    step = steps.next();
  }
  const series = step.value;
  const columns = series.neurons ?? [0];
  const cols = columns.length;
  const out: TraceData['series'] = columns.map((neuron) => ({ neuron, min: new Array<number>(series.buckets), max: new Array<number>(series.buckets) }));
  for (let b = 0; b < series.buckets; b++) {
    for (let j = 0; j < cols; j++) {
      out[j]!.min[b] = series.min[b * cols + j]!;
      out[j]!.max[b] = series.max[b * cols + j]!;
    }
  }
  const t = Array.from(series.timesMs, (ms) => Number(ms.toPrecision(12)));
  return { probe, t, series: out, decimated: series.buckets < samples };
}

/**
 * Spikes of a probe in a window, at most `maxSpikes` of them. Where the window holds more,
 * they are thinned evenly over the whole window (every k-th spike, in time order), and
 * `total` says how many there are: keeping the first ones drew a raster that stopped
 * part-way, as if the network fell silent. A first pass counts, keeping at most the limit;
 * a second, only where the limit is passed, takes the evenly spaced ones. Memory stays
 * within the limit; each pass yields to the event loop after every page of chunks.
 */
export async function readSpikes(lab: Lab, runId: number, probe: string, window: SpikeWindow): Promise<SpikeData> {
  const layout = lab.runs.probe(runId, probe);
  if (layout.kind !== 'spikes') throw new ApiError(`run ${runId}, probe "${probe}" records ${layout.kind}, not spikes; read it with readTrace`);
  const dt = lab.runs.get(runId).dt;
  const extent = lab.recordings.extent(runId, probe);
  const eps = 1e-9;
  const s0 = window.t0 === undefined ? extent.first : Math.max(extent.first, Math.ceil(window.t0 / dt - eps));
  const s1 = window.t1 === undefined ? extent.last : Math.min(extent.last, Math.floor(window.t1 / dt + eps));
  const wanted = window.neurons && new Set(window.neurons);
  const max = window.maxSpikes ?? DEFAULT_MAX_SPIKES;
  /** Calls `take(step, neuron, k)` for the k-th spike of the window, in time order. */
  const scan = async (take: (step: number, neuron: number, k: number) => void) => {
    if (s0 > s1) return;
    let k = 0;
    for (const page of lab.recordings.pages(runId, probe, s0, s1)) {
      for (const chunk of page) {
        const pairs = i32Of(chunk.data);
        for (let i = 0; i < pairs.length; i += 2) {
          const step = pairs[i]!;
          if (step < s0 || step > s1) continue;
          const n = pairs[i + 1]!;
          if (wanted && !wanted.has(n)) continue;
          take(step, n, k++);
        }
      }
      await yieldToEventLoop();
    }
  };
  let t: number[] = [];
  let neuron: number[] = [];
  let total = 0;
  await scan((step, n) => {
    total++;
    if (t.length < max) {
      t.push(Number((step * dt).toPrecision(12)));
      neuron.push(n);
    }
  });
  if (total > max) {
    t = [];
    neuron = [];
    // Spike k is kept where floor(k·max/total) steps up: exactly `max`, evenly spaced.
    await scan((step, n, k) => {
      if (Math.floor(((k + 1) * max) / total) > Math.floor((k * max) / total)) {
        t.push(Number((step * dt).toPrecision(12)));
        neuron.push(n);
      }
    });
  }
  return { probe, t, neuron, truncated: total > t.length, total };
}

/** A file name for a probe's CSV ("run-12-V.csv"). */
export const csvFileName = (runId: number, probe: string) => `run-${runId}-${probe.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv`;

/** What an export left out (with skipDamaged): each damaged range, in the user's terms. */
function leftOutOf(ranges: readonly DamagedRange[]): { leftOut?: string[] } {
  return ranges.length > 0 ? { leftOut: ranges.map(describeRange) } : {};
}

/**
 * Writes one probe's CSV to `file`, or every probe's into the folder `file` when `probe` is
 * absent; with `skipDamaged`, leaves out data that fails its checksum and says what.
 */
export async function exportRunCsvTo(
  lab: Lab, runId: number, probe: string | undefined, long: boolean, file: string, skipDamaged = false, atMs?: readonly number[],
): Promise<{ path: string; leftOut?: string[] }> {
  if (probe === undefined) {
    const written = await exportCsvFiles(lab, runId, file, { long, skipDamaged, ...(atMs ? { atMs } : {}) });
    return { path: file, ...leftOutOf(written.flatMap((w) => w.damaged)) };
  }
  const damaged: DamagedRange[] = [];
  lab.runs.probe(runId, probe);
  // Written under a temporary name and renamed when complete, like the store's export.
  const temp = `${file}.${process.pid}.partial`;
  const handle = await fs.promises.open(temp, 'w');
  try {
    await writeProbeCsv(lab, runId, probe, async (bytes) => {
      for (let done = 0; done < bytes.byteLength; ) done += (await handle.write(bytes, done, bytes.byteLength - done)).bytesWritten;
    }, { long, ...(atMs ? { atMs } : {}), ...(skipDamaged ? { onDamaged: (range: DamagedRange) => damaged.push(range) } : {}) });
    await handle.close();
    await fs.promises.rename(temp, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(temp, { force: true });
    // Node's write errors name no file ("ENOSPC: no space left on device, write").
    if (err instanceof Error && !(err instanceof LabError) && 'code' in err) throw new ApiError(`cannot write ${file}: ${err.message}`);
    throw err;
  }
  return { path: file, ...leftOutOf(damaged) };
}

/** `exportRunCsv`: into the host's export folder (desktop: a file; the web host turns it into a download). */
export async function exportRunCsvToDir(
  lab: Lab, exportDir: string, runId: number, probe: string | undefined, long: boolean, skipDamaged = false, atMs?: readonly number[],
): Promise<{ path: string; leftOut?: string[] }> {
  lab.runs.get(runId);
  const target = probe === undefined ? path.join(exportDir, `run-${runId}`) : path.join(exportDir, csvFileName(runId, probe));
  makeFolder(exportDir);
  return exportRunCsvTo(lab, runId, probe, long, target, skipDamaged, atMs);
}

/** Streams one probe of a run as CSV into `target` (downloads), leaving out damaged data with `skipDamaged`. */
export function writeRunCsv(
  lab: Lab, runId: number, probe: string, long: boolean, target: CsvTarget, skipDamaged = false, atMs?: readonly number[],
): Promise<{ bytes: number; rows: number }> {
  return writeProbeCsv(lab, runId, probe, target, { long, ...(atMs ? { atMs } : {}), ...(skipDamaged ? { onDamaged: () => undefined } : {}) });
}

/**
 * The damaged ranges of some probes of a run, found by reading their chunks once (a
 * download must know before its headers go out: a browser cannot be told mid-file).
 */
export async function damagedRanges(lab: Lab, runId: number, probes: readonly string[]): Promise<DamagedRange[]> {
  const damaged: DamagedRange[] = [];
  for (const probe of probes) {
    for (const _page of lab.recordings.pages(runId, probe, undefined, undefined, undefined, { onDamaged: (range) => damaged.push(range) })) {
      await yieldToEventLoop(); // a long recording is read between other requests
    }
  }
  return damaged;
}
