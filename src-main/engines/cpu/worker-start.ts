/**
 * Starting a CPU-engine worker thread, and the messages it posts back (cpu-worker.ts).
 */
import { Worker } from 'node:worker_threads';
import type { NumArray } from './simulation.js';
import { NonFiniteStateError, type Progress, type RecordingChunk, type RunResult } from '../types.js';

/**
 * Starts the worker: compiled JavaScript as is; TypeScript sources (tests, `tsx` runs)
 * through a two-line bootstrap that registers tsx inside the worker first, because
 * Node 20 does not apply `--import` loader hooks to a worker's entry module.
 */
export function startWorker(workerData: WorkerInput | null): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./cpu-worker.js', import.meta.url), { workerData });
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./cpu-worker.ts', import.meta.url).href);
  const bootstrap = `import(${api}).then((m) => { m.register(); return import(${entry}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Words of a run's shared signal array (WorkerInput.stop): the caller's stop request, and
 * the recording messages the workers have posted that the caller has not written yet.
 */
export const SIGNAL = { stop: 0, inFlight: 1 } as const;
export const SIGNAL_WORDS = 2;

/**
 * Recording messages (about 50 ms of stepping each) one worker may have posted ahead of the
 * caller's writing; beyond that it waits. Without a bound, a run that records faster than
 * the caller writes (CSV text, SQLite) piled its messages up in the caller's queue — 30 MB
 * a second for a LIF neuron's traces, until the memory ran out — and the caller, never idle,
 * did not even see Ctrl-C.
 */
export const MAX_IN_FLIGHT_PER_WORKER = 4;

/**
 * Posts a recording message, then waits while the caller is more than `limit` messages
 * behind (it frees one as each is written: cpu-engine.ts), or until a stop is requested.
 */
export function postWithin(signals: Int32Array, limit: number, post: () => void): void {
  Atomics.add(signals, SIGNAL.inFlight, 1); // before the message exists, so the count never goes below 0
  post();
  for (;;) {
    const n = Atomics.load(signals, SIGNAL.inFlight);
    if (n <= limit || Atomics.load(signals, SIGNAL.stop) !== 0) return;
    Atomics.wait(signals, SIGNAL.inFlight, n, 100); // woken when one is written; the timeout re-checks the stop
  }
}

/**
 * What a worker receives: the plan, the stop flag, and for a threaded run its share. As its
 * workerData, or — a worker started before the plan was compiled (prestartCpuWorker), whose
 * workerData is null — as its first message.
 */
export interface WorkerInput {
  plan: import('../../compiler/plan.js').Plan;
  /** The run's signal words (SIGNAL): the stop request and the flow of recordings. */
  stop: SharedArrayBuffer;
  /** One thread in a worker kept for the next run: reusable code (simulation.ts residents). */
  reusable?: boolean;
  threads?: { worker: number; workers: number; control: Int32Array; shared: Record<string, NumArray>; spins: number };
}

export type FaultDetail = { block: string; state: string; neuron: number; fromMs: number; toMs: number; value?: number };

export type WorkerMessage =
  | { type: 'chunks'; chunks: RecordingChunk[]; seq?: number }
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; result: RunResult; fault?: FaultDetail }
  | { type: 'error'; name: string; message: string; detail?: FaultDetail };

export function faultDetail(err: NonFiniteStateError): FaultDetail {
  return { block: err.block, state: err.state, neuron: err.neuron, fromMs: err.fromMs, toMs: err.toMs, value: err.value };
}

export function rebuildError(m: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (m.detail) return rebuildFault(m.detail);
  const e = new Error(m.message);
  e.name = m.name;
  return e;
}

export function rebuildFault(d: FaultDetail): NonFiniteStateError {
  return new NonFiniteStateError(d.block, d.state, d.neuron, d.fromMs, d.toMs, d.value);
}
