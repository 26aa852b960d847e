/**
 * Lab-store figures for `npm run bench`: how fast recordings stream into the lab
 * (samples/s; one sample = one recorded f32 value, a neuron at a time point) and how fast
 * a 100-million-sample recording exports as CSV (MB/s), each with peak memory.
 * Runs alone with `npx tsx bench/store.ts [samples]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plan } from '../src-main/compiler/plan.js';
import type { RecordingSink } from '../src-main/engines/types.js';
import { layoutOf } from '../src-main/recordings/csv-format.js';
import { parseDocument } from '../src-shared/document/load.js';
import { exportRunCsv } from '../src-main/store/csv-export.js';
import { openLab, type Lab } from '../src-main/store/lab.js';

/** Options of benchStore. */
export interface StoreBenchOptions {
  /** Recorded values in the recording (default 100 million). */
  samples?: number;
  /** Recorded neurons of the state probe (columns). */
  neurons?: number;
  /** Folder for the temporary lab and CSV (default: the OS temp folder); removed afterwards. */
  dir?: string;
}

const MB = 1e6;

function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(0)} MB`;
}

/** Tracks the largest resident set size seen at the sampling points. */
class PeakRss {
  peak = process.memoryUsage.rss();
  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }
}

const BENCH_DOCUMENT = {
  format: 'spikeflow-project',
  version: 2,
  name: 'store bench',
  blocks: [{ id: 'n', type: 'lif', size: 1 }],
};

/** Creates a project and a run with one state probe over `neurons` neurons (dt 0.1 ms). */
function startBenchRun(lab: Lab, neurons: number, steps: number): number {
  const { version } = lab.projects.create('store bench', parseDocument(BENCH_DOCUMENT));
  return lab.runs.start({
    versionId: version.id,
    engine: 'bench',
    seed: 1,
    dt: 0.1,
    steps,
    settings: {},
    probes: [{ id: 'v', kind: 'state', block: 'n', state: 'V', unit: 'mV', neurons: Array.from({ length: neurons }, (_, i) => i), every: 1 }],
  }).id;
}

/**
 * Membrane-potential-like chunks (a random walk around -65 mV with full f32 precision),
 * generated once and reused so the bench measures the store, not the generator.
 */
function makeChunks(count: number, rows: number, neurons: number): Float32Array[] {
  let seed = 1;
  const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const v = new Float64Array(neurons).fill(-65);
  return Array.from({ length: count }, () => {
    const values = new Float32Array(rows * neurons);
    for (let r = 0; r < rows; r++) {
      for (let n = 0; n < neurons; n++) {
        v[n] = v[n]! + (random() - 0.5) * 0.8 - (v[n]! + 65) * 0.01;
        values[r * neurons + n] = v[n]!;
      }
    }
    return values;
  });
}

/** Runs the store benchmark; returns printable lines. */
export async function benchStore(options: StoreBenchOptions = {}): Promise<string[]> {
  const samples = options.samples ?? 100_000_000;
  const neurons = options.neurons ?? 10;
  const rowsPerChunk = 1000; // an engine's read-back chunk: 1000 steps
  const steps = Math.ceil(samples / neurons);
  const dir = fs.mkdtempSync(path.join(options.dir ?? os.tmpdir(), 'spikeflow-bench-'));
  const lines: string[] = [];
  const rss = new PeakRss();
  const baseline = rss.peak;
  try {
    const lab = openLab(path.join(dir, 'lab.sqlite'));
    const runId = startBenchRun(lab, neurons, steps);
    const writer = lab.recordings.writer(runId);
    const chunks = makeChunks(16, rowsPerChunk, neurons);

    // Recording: the time spent inside write() is what an engine waits for.
    let inWrite = 0;
    const started = performance.now();
    for (let row = 0, k = 0; row < steps; row += rowsPerChunk, k++) {
      const rows = Math.min(rowsPerChunk, steps - row);
      const values = chunks[k % chunks.length]!.subarray(0, rows * neurons);
      const t0 = performance.now();
      writer.write({ probe: 'v', kind: 'state', firstSample: row, channels: neurons, values });
      inWrite += performance.now() - t0;
      if (k % 64 === 0) rss.sample();
    }
    const t0 = performance.now();
    writer.close();
    inWrite += performance.now() - t0;
    const recordMs = performance.now() - started;
    lab.runs.finish(runId, { status: 'finished', wallMs: recordMs });
    rss.sample();
    const recorded = steps * neurons;
    lines.push(
      `store: recording ${recorded.toLocaleString('en')} samples (${neurons} neurons × ${steps.toLocaleString('en')} steps, f32) into ${mb(lab.sizeBytes())} of lab: ` +
        `${(recorded / (inWrite / 1000) / 1e6).toFixed(1)} M samples/s in write() (${(inWrite / 1000).toFixed(2)} s), ` +
        `peak RSS ${mb(rss.peak)} (${mb(baseline)} before; the bench's reusable chunks add ${mb(16 * rowsPerChunk * neurons * 4)})`,
    );

    // Export: flat memory is checked by sampling RSS at every output block.
    const exportRss = new PeakRss();
    const e0 = performance.now();
    const cpu0 = process.cpuUsage();
    const [file] = await exportRunCsv(lab, runId, dir, { onProgress: () => exportRss.sample() });
    const exportMs = performance.now() - e0;
    const cpu = process.cpuUsage(cpu0);
    // CPU seconds too: on a shared machine wall time measures the neighbours as well.
    const cpuS = (cpu.user + cpu.system) / 1e6;
    lines.push(
      `store: CSV export of ${recorded.toLocaleString('en')} samples: ${mb(file!.bytes)} in ${(exportMs / 1000).toFixed(2)} s = ` +
        `${(file!.bytes / MB / (exportMs / 1000)).toFixed(0)} MB/s (${(file!.bytes / MB / cpuS).toFixed(0)} MB per CPU-second), ` +
        `peak RSS during export ${mb(exportRss.peak)} (process max RSS ${mb(process.resourceUsage().maxRSS * 1024)})`,
    );
    lab.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

/**
 * Hook for the engine comparison (to be called by bench/run.ts once an engine exists): runs
 * the same plan with no sink and with a lab sink, alternating, `repeats` times each, and
 * reports the best times and the recording overhead (goal: under 10 %). `runEngine` must run
 * the whole plan and pass `sink` to the engine (RunOptions.sink) when one is given.
 */
export async function benchRecordingOverhead(
  plan: Plan,
  runEngine: (sink: RecordingSink | undefined) => Promise<unknown>,
  options: { label?: string; repeats?: number; dir?: string } = {},
): Promise<string[]> {
  const label = options.label ?? 'engine';
  const dir = fs.mkdtempSync(path.join(options.dir ?? os.tmpdir(), 'spikeflow-bench-'));
  const lab = openLab(path.join(dir, 'lab.sqlite'));
  try {
    const { version } = lab.projects.create('overhead', parseDocument(BENCH_DOCUMENT));
    let bare = Infinity;
    let recorded = Infinity;
    for (let i = 0; i < (options.repeats ?? 3); i++) {
      const t0 = performance.now();
      await runEngine(undefined);
      bare = Math.min(bare, performance.now() - t0);
      const runId = lab.runs.start({
        versionId: version.id, engine: label, seed: plan.seed, dt: plan.dt, steps: plan.steps, settings: {},
        probes: plan.probes.map(layoutOf),
      }).id;
      const writer = lab.recordings.writer(runId);
      const t1 = performance.now();
      await runEngine(writer);
      writer.close();
      recorded = Math.min(recorded, performance.now() - t1);
      lab.runs.finish(runId, { status: 'finished', wallMs: recorded });
    }
    const overhead = ((recorded - bare) / bare) * 100;
    return [
      `store: ${label} ${plan.steps.toLocaleString('en')} steps: ${bare.toFixed(0)} ms without recording, ${recorded.toFixed(0)} ms into the lab ` +
        `(recording overhead ${overhead.toFixed(1)} %, goal < 10 %)`,
    ];
  } finally {
    lab.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const samples = process.argv[2] ? Number(process.argv[2]) : undefined;
  for (const line of await benchStore({ samples })) console.log(line);
}
