/**
 * The CPU engine: JavaScript generated from the block definitions, run in a worker thread
 * so the caller (CLI, app main process) stays responsive; recordings stream back in
 * chunks, progress is reported, and a stop request ends the run between chunks.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Plan } from '../../compiler/plan.js';
import { NonFiniteStateError, type Engine, type RecordingChunk, type RunOptions, type RunResult } from '../types.js';

/**
 * Starts the worker: compiled JavaScript as is; TypeScript sources (tests, `tsx` runs)
 * through a two-line bootstrap that registers tsx inside the worker first, because
 * Node 20 does not apply `--import` loader hooks to a worker's entry module.
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./cpu-worker.js', import.meta.url), { workerData });
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./cpu-worker.ts', import.meta.url).href);
  const bootstrap = `import(${api}).then((m) => { m.register(); return import(${entry}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

type WorkerMessage =
  | { type: 'chunks'; chunks: RecordingChunk[] }
  | { type: 'progress'; progress: import('../types.js').Progress }
  | { type: 'done'; result: RunResult }
  | { type: 'error'; name: string; message: string; detail?: { block: string; state: string; neuron: number; fromMs: number; toMs: number; value?: number } };

function rebuildError(m: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (m.detail) return new NonFiniteStateError(m.detail.block, m.detail.state, m.detail.neuron, m.detail.fromMs, m.detail.toMs, m.detail.value);
  const e = new Error(m.message);
  e.name = m.name;
  return e;
}

/** Runs a plan on the CPU engine in a worker thread. */
export function runCpu(plan: Plan, options: RunOptions = {}): Promise<RunResult> {
  const stop = new SharedArrayBuffer(4);
  const stopFlag = new Int32Array(stop);
  const worker = startWorker({ plan, stop });
  const requestStop = () => Atomics.store(stopFlag, 0, 1);
  if (options.signal?.aborted) requestStop();
  options.signal?.addEventListener('abort', requestStop, { once: true });

  // Sink writes may be async (a database); keep them in order and wait for them at the end.
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const write = (chunks: RecordingChunk[]) => {
    const sink = options.sink;
    if (!sink) return;
    writes = writes.then(async () => {
      for (const c of chunks) await sink.write(c);
    }).catch((e) => { writeError ??= e; requestStop(); });
  };

  return new Promise<RunResult>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', requestStop);
      void worker.terminate();
      writes.then(() => (writeError ? reject(writeError) : f()), reject);
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'chunks') write(m.chunks);
      else if (m.type === 'progress') options.onProgress?.(m.progress);
      else if (m.type === 'done') finish(() => resolve(m.result));
      else finish(() => reject(rebuildError(m)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the CPU engine's worker stopped unexpectedly (exit code ${code})`))));
  });
}

/**
 * The machine's processors in one line: "2 × Intel(R) Xeon(R) Processor" (models counted,
 * in the order the system lists them; "4 × Cortex-A76, 4 × Cortex-A55" on a mixed chip).
 * A run uses one worker thread of these.
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
