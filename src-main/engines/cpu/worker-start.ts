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
 * What a worker receives: the plan, the stop flag, and for a threaded run its share. As its
 * workerData, or — a worker started before the plan was compiled (prestartCpuWorker), whose
 * workerData is null — as its first message.
 */
export interface WorkerInput {
  plan: import('../../compiler/plan.js').Plan;
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
