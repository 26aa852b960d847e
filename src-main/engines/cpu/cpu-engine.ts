/**
 * The CPU engine: JavaScript generated from the block definitions, run in worker threads
 * so the caller (CLI, app main process) stays responsive and writes recordings while the
 * workers step; recordings stream back in chunks, progress is reported, and a stop request
 * ends the run between chunks. Several workers share one model (partition.ts) and give
 * the same numbers as one.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Plan } from '../../compiler/plan.js';
import type { Engine, RecordingChunk, RunOptions, RunResult } from '../types.js';
import { controlArray } from './barrier.js';
import { ChunkMerger } from './merge-chunks.js';
import { chooseThreads } from './partition.js';
import { sharedArrays } from './shared-arrays.js';
import { rebuildError, rebuildFault, SIGNAL, SIGNAL_WORDS, startWorker, type FaultDetail, type WorkerInput, type WorkerMessage } from './worker-start.js';

/** Threads of a run: `requested`, or the default for this machine and model (partition.ts). */
export function cpuThreads(plan: Plan, requested?: number, cores = os.availableParallelism(), load = os.loadavg()[0]!): number {
  return chooseThreads(plan, requested, cores, load);
}

/** The first of several workers' faults in one thread's order: block, state, neuron. */
function firstFault(plan: Plan, faults: FaultDetail[]): FaultDetail {
  const key = (f: FaultDetail) => {
    const b = plan.blocks.findIndex((x) => x.id === f.block);
    return [b, plan.blocks[b]?.states.findIndex((s) => s.name === f.state) ?? 0, f.neuron];
  };
  return faults.reduce((a, f) => {
    const [ka, kf] = [key(a), key(f)];
    for (let m = 0; m < 3; m++) if (ka[m] !== kf[m]) return kf[m]! < ka[m]! ? f : a;
    return a;
  });
}

/** A worker started before its plan existed (prestartCpuWorker), waiting for its run. */
let spare: Worker | undefined;

/**
 * Starts a CPU-engine worker now, for the next run to take (runCpu): a worker thread needs
 * some 50 ms to boot Node and load the engine, which it can do on another core while the
 * caller still reads and compiles the model (the CLI's start-up, issue #15). Idle, it keeps
 * no process alive; one that is never taken is ended by dropPrestartedWorker.
 */
export function prestartCpuWorker(): void {
  if (!spare) makeSpare(startWorker(null));
}

/** Keeps `w`, idle, for the next run to take. */
function makeSpare(w: Worker): void {
  w.unref();
  // A worker that failed to start (or stopped since) is simply not used: the run starts its own.
  const drop = () => { if (spare === w) spare = undefined; };
  w.once('error', drop);
  w.once('exit', drop);
  spare = w;
}

/**
 * Largest run (in the bytes of its states and connections) whose worker is kept for the next
 * run: an idle worker holds its last runs' arrays, for the next run of the same structure to
 * fill (simulation.ts residents, at most 64 MB of them).
 */
const KEEP_WORKER_MAX_BYTES = 64 << 20;

function runBytes(plan: Plan): number {
  let bytes = 0;
  for (const b of plan.blocks) bytes += b.size * (b.states.length + 1) * 8;
  for (const p of plan.projections) bytes += p.byPre.idx.length * 8;
  return bytes;
}

/**
 * After a one-thread run that ended normally, where runs follow one another (keepCpuWorkerWarm):
 * keeps its worker as the spare instead of ending it. The next run then finds the engine's
 * code loaded and already optimised by V8 — recording, chunking, the random-number module,
 * and the step program itself where only values changed (simulation.ts residents) —
 * where a fresh worker runs all of it cold: a run's time beyond its stepping drops from some
 * 30 ms to under 10 (live mode's 1000-neuron, 1 s re-run, #15).
 */
function keepWorker(w: Worker, plan: Plan): boolean {
  if (!keepWarm || spare || runBytes(plan) > KEEP_WORKER_MAX_BYTES) return false;
  // This run's listeners only: the Worker's own (which start its port for a 'message' listener) stay.
  for (const event of ['message', 'error', 'exit']) w.removeAllListeners(event);
  makeSpare(w);
  return true;
}

/** Whether every run ends by prestarting the next run's worker (keepCpuWorkerWarm). */
let keepWarm = false;
/** Before the prestart after a run: the caller first stores the run's end and draws it. */
const WARM_AFTER_MS = 100;

/**
 * From now on, keeps a prestarted worker waiting for the next run: one now, and one shortly
 * after every run ends. For the app and the web host, where runs follow one another (live
 * mode re-runs after each edit): the next run then skips the worker's boot, some 50 ms
 * bundled and 300-400 ms where the sources run through tsx (issue #15's live-mode path).
 * The CLI, which makes one run, does not ask for it. `false` stops it and ends the spare.
 */
export function keepCpuWorkerWarm(on = true): void {
  keepWarm = on;
  if (on) prestartCpuWorker();
  else dropPrestartedWorker();
}

/** Whether a prestarted worker is waiting for a run. */
export function prestartedWorkerWaiting(): boolean {
  return spare !== undefined;
}

/** Ends the prestarted worker if no run took it. */
export function dropPrestartedWorker(): void {
  const w = spare;
  spare = undefined;
  void w?.terminate();
}

/** A worker for `input`: the prestarted one if there is one, else a new one. */
function takeWorker(input: WorkerInput): Worker {
  const w = spare;
  if (!w) return startWorker(input);
  spare = undefined;
  w.ref();
  w.postMessage(input);
  return w;
}

/**
 * Runs a plan on the CPU engine in worker threads: one, or `options.threads` (default
 * cpuThreads) sharing the model's memory, each stepping its part (partition.ts).
 */
export function runCpu(plan: Plan, options: RunOptions = {}): Promise<RunResult> {
  const workers = cpuThreads(plan, options.threads);
  const stop = new SharedArrayBuffer(SIGNAL_WORDS * 4);
  const signals = new Int32Array(stop);
  const control = controlArray();
  const shared = workers > 1 ? sharedArrays(plan, workers) : undefined;
  // Spinning at a barrier pays only while every worker has a core of its own.
  const spins = workers <= os.availableParallelism() ? 20000 : 0;
  const pool = Array.from({ length: workers }, (_, worker) => takeWorker(
    // Where runs follow one another (keepWarm), a one-thread run's worker is kept (keepWorker),
    // and its code made to serve the next run of the same model too.
    shared ? { plan, stop, threads: { worker, workers, control, shared, spins } } : { plan, stop, reusable: keepWarm },
  ));
  const merger = shared ? new ChunkMerger(plan, workers) : undefined;
  const requestStop = () => Atomics.store(signals, SIGNAL.stop, 1);
  if (options.signal?.aborted) requestStop();
  options.signal?.addEventListener('abort', requestStop, { once: true });

  // Sink writes may be async (a database); keep them in order and wait for them at the end.
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const write = (chunks: RecordingChunk[]) => {
    const sink = options.sink;
    if (sink && chunks.length > 0) {
      writes = writes.then(async () => {
        for (const c of chunks) await sink.write(c);
      }).catch((e) => { writeError ??= e; requestStop(); });
    }
    // One message written: a worker waiting for room may post the next (postWithin). Freed
    // in a later turn of the event loop, not at once: Node reads a port's messages in one go
    // for as long as more keep arriving, and a worker let go at once posts its next before
    // that ends, so timers, I/O and signals (Ctrl-C) would wait for the whole run.
    writes = writes.then(() => {
      setImmediate(() => {
        Atomics.sub(signals, SIGNAL.inFlight, 1);
        Atomics.notify(signals, SIGNAL.inFlight);
      });
    });
  };

  return new Promise<RunResult>((resolve, reject) => {
    let settled = false;
    const ends: Array<Extract<WorkerMessage, { type: 'done' }>> = [];
    /** `ended`: every worker posted its end (and can take another run). */
    const finish = (f: () => void, ended = false) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', requestStop);
      const kept = ended && pool.length === 1 && keepWorker(pool[0]!, plan);
      if (!kept) for (const w of pool) void w.terminate();
      writes.then(() => (writeError ? reject(writeError) : f()), reject);
      if (keepWarm && !kept) setTimeout(() => { if (keepWarm) prestartCpuWorker(); }, WARM_AFTER_MS).unref();
    };
    pool.forEach((worker, w) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'chunks') write(merger ? merger.add(w, m.seq!, m.chunks) : m.chunks);
        else if (m.type === 'progress') options.onProgress?.(m.progress);
        else if (m.type === 'done') {
          ends[w] = m;
          if (ends.filter(Boolean).length < workers) return;
          const faults = ends.flatMap((e) => (e.fault ? [e.fault] : []));
          if (faults.length > 0) finish(() => reject(rebuildFault(firstFault(plan, faults))), true);
          else finish(() => resolve(workers > 1 ? { ...ends[0]!.result, threads: workers } : ends[0]!.result), true);
        } else finish(() => reject(rebuildError(m)), m.detail !== undefined); // a diverged run ended normally
      });
      worker.on('error', (e) => finish(() => reject(e)));
      worker.on('exit', (code) => {
        // A worker of several exits once it is done; the run ends when all are.
        if (!ends[w]) finish(() => reject(new Error(`the CPU engine's worker stopped unexpectedly (exit code ${code})`)));
      });
    });
  });
}

/**
 * The machine's processors in one line: "2 × Intel(R) Xeon(R) Processor" (models counted,
 * in the order the system lists them; "4 × Cortex-A76, 4 × Cortex-A55" on a mixed chip).
 * A run uses up to all but one of these (cpuThreads).
 */
export function describeCpus(cpus: Array<{ model: string }> = os.cpus()): string {
  const counts = new Map<string, number>();
  for (const c of cpus) {
    const model = c.model.replace(/\s+/g, ' ').trim() || 'unknown processor';
    counts.set(model, (counts.get(model) ?? 0) + 1);
  }
  if (counts.size === 0) return `${os.availableParallelism()} × unknown processor`;
  return [...counts].map(([model, n]) => `${n} × ${model}`).join(', ');
}

let cpuDevice: string | undefined;

export const cpuEngine: Engine = {
  name: 'cpu',
  // Read on first use: os.cpus() is cheap, but nothing needs it until a run or a status.
  get device() {
    return (cpuDevice ??= describeCpus());
  },
  run: runCpu,
};
