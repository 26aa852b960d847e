/**
 * Worker-thread entry of the CPU engine: receives a plan and a shared stop flag (and, in a
 * threaded run, its share: partition.ts) as its workerData or — started ahead of the run,
 * or kept from an earlier one — as a message; runs the loop, posts recordings and progress
 * as it goes. Errors are posted with their name so the main thread can rebuild
 * NonFiniteStateError and friends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NonFiniteStateError } from '../types.js';
import { barrier } from './barrier.js';
import { connectionStateBuffers } from './plasticity-arrays.js';
import { runLoop } from './run-loop.js';
import { Simulation } from './simulation.js';
import { runThreadLoop } from './thread-loop.js';
import { faultDetail, MAX_IN_FLIGHT_PER_WORKER, postWithin, SIGNAL, type WorkerInput } from './worker-start.js';

const port = parentPort!;

/** Steps the run `input` describes, posting recordings, progress and the end. */
function run({ plan, stop, threads, reusable }: WorkerInput): void {
  const signals = new Int32Array(stop);
  const shouldStop = () => Atomics.load(signals, SIGNAL.stop) !== 0;
  const limit = MAX_IN_FLIGHT_PER_WORKER * (threads?.workers ?? 1);
  try {
    if (threads) {
      const sync = barrier(threads.control, threads.workers, threads.spins);
      const sim = new Simulation(plan, { part: { worker: threads.worker, workers: threads.workers }, shared: threads.shared, sync });
      const end = runThreadLoop(sim, threads.control, sync, {
        emit: (seq, chunks) => postWithin(signals, limit, () => port.postMessage({ type: 'chunks', seq, chunks })),
        progress: (p) => port.postMessage({ type: 'progress', progress: p }),
        shouldStop,
      });
      port.postMessage({ type: 'done', result: end.result, ...(end.fault ? { fault: faultDetail(end.fault) } : {}) }, connectionStateBuffers(end.result.connectionStates));
    } else {
      const sim = new Simulation(plan, undefined, { reusable: reusable === true });
      try {
        const result = runLoop(sim, {
          emit: (chunks) => { if (chunks.length > 0) postWithin(signals, limit, () => port.postMessage({ type: 'chunks', chunks })); },
          progress: (p) => port.postMessage({ type: 'progress', progress: p }),
          shouldStop,
        });
        port.postMessage({ type: 'done', result }, connectionStateBuffers(result.connectionStates));
      } finally {
        sim.release(); // this worker may be kept for the next run
      }
    }
  } catch (e) {
    const err = e as Error;
    const detail = err instanceof NonFiniteStateError ? faultDetail(err) : undefined;
    port.postMessage({ type: 'error', name: err.name, message: err.message, detail });
  }
}

// Started with its run (workerData), or ahead of it (prestartCpuWorker): then the run comes
// as a message. A worker kept after its run (cpu-engine.ts keepWorker) takes the next run
// the same way, with its code already loaded and compiled by V8.
if (workerData) run(workerData as WorkerInput);
port.on('message', (input: WorkerInput) => run(input));
