/**
 * `spikeflow run`: compile a project, run it on an engine with a progress bar, write one
 * CSV per probe, print a summary. With --db the project version and the run are also kept
 * in the lab store.
 */
import { compile, type RunOverrides } from '../compiler/compile.js';
import { formatWarning } from '../compiler/diagnostics.js';
import { explainPlan } from '../compiler/explain.js';
import type { Plan } from '../compiler/plan.js';
import { dropPrestartedWorker, prestartCpuWorker } from '../engines/cpu/cpu-engine.js';
import { selectEngine, type EngineChoice, type SelectedEngine } from '../engines/select.js';
import { describeTuning, type GpuTuning } from '../engines/webgpu/tuning.js';
import { NonFiniteStateError, type Progress, type RecordingChunk, type RecordingSink, type RunResult } from '../engines/types.js';
import { CsvFolderSink } from '../recordings/csv-writer.js';
import { inFile, loadProjectFile } from './load-project.js';
import { cliMemoryLimit } from './memory-option.js';

export interface RunCommandOptions {
  duration?: string;
  dt?: string;
  seed?: string;
  engine: string;
  explain?: boolean;
  outDir?: string;
  db?: string;
  project?: string;
  sweep?: string;
  seeds?: string;
  gpuShape?: GpuTuning['shape'];
  gpuPropagation?: GpuTuning['propagation'];
  gpuScatter?: GpuTuning['scatter'];
  maxMemory?: string;
  threads?: string;
  verbose?: boolean;
  /** Run number in the lab (--db or the default lab) whose final weights the plastic synapses start from. */
  continueFrom?: string;
}

function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new Error(`--threads: "${text}" is not a whole number from 1 to 1024`);
  return n;
}

/** Seconds since this process started (performance.now() counts from the start). */
const sinceStart = () => performance.now() / 1000;

/** The --gpu-* options (commander has checked their values). */
function gpuTuning(opts: RunCommandOptions): GpuTuning {
  return { shape: opts.gpuShape ?? 'auto', propagation: opts.gpuPropagation ?? 'auto', scatter: opts.gpuScatter ?? 'auto' };
}

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new Error(`--seed: "${text}" is not an integer from 0 to 4294967295`);
  return n;
}

function parseEngine(text: string): EngineChoice {
  if (text === 'cpu' || text === 'webgpu' || text === 'auto') return text;
  throw new Error(`--engine: "${text}" is not one of cpu, webgpu, auto`);
}

/** A terminal progress bar on a TTY; nothing when output is piped (and cli-progress is not even loaded). */
async function progressReporter(plan: Plan): Promise<{ update(p: Progress): void; stop(): void }> {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: ' {bar} {percentage}% | {sim} / {total_ms} ms simulated | {speed}× real time',
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  bar.start(plan.steps, 0, { sim: 0, total_ms: plan.duration, speed: '–' });
  return {
    update: (p) => bar.update(p.step, { sim: p.simulatedMs.toFixed(0), speed: p.wallMs > 0 ? (p.simulatedMs / p.wallMs).toFixed(2) : '–' }),
    stop: () => bar.stop(),
  };
}

/** The summary printed after a run; `device` is the hardware the engine ran on (Engine.device). */
export function formatSummary(result: RunResult, plan: Plan, device?: string): string {
  const lines = [
    `${result.status === 'finished' ? 'finished' : 'cancelled'}: ${(result.stepsDone * plan.dt).toFixed(1)} ms simulated in ${(result.wallMs / 1000).toFixed(3)} s wall time on the ${result.engine} engine${result.threads ? ` (${result.threads} threads)` : ''}${device ? ` (${device})` : ''}`,
  ];
  for (const p of result.populations) {
    lines.push(`  ${p.block.padEnd(16)} ${String(p.size).padStart(8)} neurons ${String(p.spikes).padStart(10)} spikes ${p.rateHz.toFixed(2).padStart(9)} Hz mean rate`);
  }
  return lines.join('\n');
}

/** Fans recordings out to several sinks (CSV files and the lab store). */
function teeSink(sinks: RecordingSink[]): RecordingSink {
  return { async write(c: RecordingChunk) { for (const s of sinks) await s.write(c); } };
}

export async function runCommand(file: string, opts: RunCommandOptions): Promise<void> {
  // A run that may take the CPU engine starts its worker now, so that the worker boots on
  // another core while this thread reads and compiles the model (issue #15).
  if (opts.engine !== 'webgpu' && opts.outDir && !opts.sweep && !opts.seeds) prestartCpuWorker();
  try {
    await runProject(file, opts);
  } finally {
    dropPrestartedWorker(); // not taken: the run failed before it started, or chose the GPU
  }
}

async function runProject(file: string, opts: RunCommandOptions): Promise<void> {
  const started = sinceStart();
  const threads = parseThreads(opts.threads);
  const doc = loadProjectFile(file);
  const overrides: RunOverrides = {};
  if (opts.duration !== undefined) overrides.duration = opts.duration;
  if (opts.dt !== undefined) overrides.dt = opts.dt;
  const seed = parseSeed(opts.seed);
  if (seed !== undefined) overrides.seed = seed;
  const choice = parseEngine(opts.engine);
  const memoryLimit = cliMemoryLimit(opts.maxMemory);

  if (opts.sweep || opts.seeds) {
    if (opts.continueFrom !== undefined) throw new Error('--continue-from runs one model; it cannot be combined with --sweep or --seeds');
    if (!opts.outDir) throw new Error('--out-dir is required');
    const batch = await import('./batch-run.js');
    const { docs, labels } = batch.expandSweepOption(doc, opts.sweep ?? '', opts.seeds ? Number(opts.seeds) : undefined);
    // Every copy's plan is held at once: each may use its share of the memory.
    const share = { bytes: memoryLimit.bytes / docs.length, source: `${memoryLimit.source}, shared by ${docs.length} copies` };
    await batch.runSweepCli({ plans: docs.map((d) => inFile(file, () => compile(d, overrides, { memoryLimit: share }))), labels, outDir: opts.outDir, tuning: gpuTuning(opts) });
    return;
  }

  const compileFrom = sinceStart();
  const plan = inFile(file, () => compile(doc, overrides, { memoryLimit }));
  if (opts.continueFrom !== undefined) await startFromRun(plan, opts);
  const compiled = sinceStart();
  for (const w of plan.warnings) console.error(formatWarning(w));
  if (opts.explain) {
    console.log(explainPlan(plan));
    if (choice === 'webgpu') {
      const specifier = '../engines/webgpu/index.js';
      const gpu = (await import(specifier)) as { explainWebGpu(plan: Plan, tuning: GpuTuning): string };
      console.log(`\n${gpu.explainWebGpu(plan, gpuTuning(opts))}`);
    }
    if (!opts.outDir) return;
  }
  if (!opts.outDir) throw new Error('--out-dir is required (or use --explain alone)');

  const tuning = gpuTuning(opts);
  const selected = await selectEngine(choice, { plan, tuning });
  // One plain line; the technical cause only when asked to explain.
  if (selected.note) console.error(opts.explain && selected.detail ? `${selected.note} (${selected.detail})` : selected.note);
  const tuned = describeTuning(tuning);
  if (tuned && selected.engine.name !== 'webgpu') console.error(`the --gpu-* options (${tuned}) apply to the WebGPU engine only; ignored on the ${selected.engine.name} engine`);
  if (threads !== undefined && selected.engine.name !== 'cpu') console.error(`--threads applies to the CPU engine only; ignored on the ${selected.engine.name} engine`);
  // The lab first: a lab that cannot be opened leaves no CSV files begun in --out-dir.
  let recorder: Awaited<ReturnType<typeof openRecorder>> | undefined;
  if (opts.db || opts.project) recorder = await openRecorder(opts, doc, plan, selected, overrides);
  let csv: CsvFolderSink;
  try {
    csv = new CsvFolderSink(plan, opts.outDir);
  } catch (e) {
    recorder?.fail(e as Error);
    throw e;
  }
  const sinks: RecordingSink[] = recorder ? [csv, recorder.sink] : [csv];

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const progress = await progressReporter(plan);
  try {
    const result = await selected.engine.run(plan, {
      sink: sinks.length === 1 ? csv : teeSink(sinks),
      onProgress: (p) => progress.update(p),
      signal: controller.signal,
      ...(threads !== undefined ? { threads } : {}),
    });
    const ran = sinceStart();
    progress.stop();
    if (result.status === 'cancelled') recorder?.cancel(result); else recorder?.finish(result);
    console.log(formatSummary(result, plan, selected.engine.device));
    console.log(`wrote ${csv.paths.length} CSV file(s) to ${opts.outDir}${recorder ? `; run ${recorder.runId} saved in the lab store` : ''}`);
    if (opts.verbose) {
      csv.close();
      const s = (x: number) => `${x.toFixed(3)} s`;
      const stepping = result.wallMs / 1000;
      // CSV rows are written on this thread while the workers step; what is left is the flush.
      // The parts add up to the total: start (Node and the command's code), reading the
      // document, compiling (connectivity included), engine start (choosing it, opening the
      // CSV files, the worker and its generated code), stepping, writing what is left.
      console.error(`time: start ${s(started)}, read ${s(compileFrom - started)}, compile ${s(compiled - compileFrom)}, engine start ${s(Math.max(0, ran - compiled - stepping))}, stepping ${s(stepping)}, writing after the run ${s(sinceStart() - ran)}, total ${s(sinceStart())}`);
    }
    if (result.status === 'cancelled') process.exitCode = 130;
  } catch (e) {
    progress.stop();
    recorder?.fail(e as Error);
    // The CSV files keep what was recorded before the state went wrong (closed below).
    if (e instanceof NonFiniteStateError && csv.paths.length > 0) {
      throw new Error(`${e.message}; what was recorded before it is in ${csv.paths.length} CSV file(s) in ${opts.outDir}`, { cause: e });
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    csv.close();
    selected.dispose();
  }
}

/** --continue-from: the plastic synapses start from that run's final weights, read from the lab. */
async function startFromRun(plan: Plan, opts: RunCommandOptions): Promise<void> {
  const runId = Number(opts.continueFrom);
  if (!Number.isSafeInteger(runId) || runId < 1) throw new Error(`--continue-from: "${opts.continueFrom}" is not a run number (see "spikeflow runs")`);
  const store = await import('./store-commands.js');
  const { openLabForReading } = await import('../store/lab.js');
  const { loadConnectionStates } = await import('../store/connection-states.js');
  const { continueFrom } = await import('../compiler/continue-from.js');
  const lab = openLabForReading(store.resolveLabFile(opts.db));
  try {
    continueFrom(plan, runId, loadConnectionStates(lab, runId));
  } finally {
    lab.close();
  }
}

async function openRecorder(opts: RunCommandOptions, doc: import('../../src-shared/document/schema.js').ProjectDocument, plan: Plan, selected: SelectedEngine, overrides: RunOverrides) {
  const store = await import('./store-commands.js');
  return store.openRunRecorder({
    ...(opts.db ? { db: opts.db } : {}),
    project: opts.project ?? doc.name,
    document: doc,
    plan,
    engine: selected.engine.name,
    // The same keys as the app's runs (src-main/api/service.ts), so both read back alike.
    settings: {
      dt: plan.dt, duration: plan.duration, seed: plan.seed, ...overrides,
      engineRequested: opts.engine,
      device: selected.engine.device,
      ...(opts.continueFrom !== undefined ? { continueFrom: Number(opts.continueFrom) } : {}),
      ...(selected.note ? { engineNote: selected.note } : {}),
    },
  });
}
