/**
 * Worker-thread entry of the CPU engine: receives a plan and a shared stop flag, runs the
 * loop, posts recordings and progress as it goes. Errors are posted with their name so
 * the main thread can rebuild NonFiniteStateError and friends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Plan } from '../../compiler/plan.js';
import { NonFiniteStateError } from '../types.js';
import { runLoop } from './run-loop.js';
import { Simulation } from './simulation.js';

const { plan, stop } = workerData as { plan: Plan; stop: SharedArrayBuffer };
const stopFlag = new Int32Array(stop);
const port = parentPort!;

try {
  const sim = new Simulation(plan);
  const result = runLoop(sim, {
    emit: (chunks) => { if (chunks.length > 0) port.postMessage({ type: 'chunks', chunks }); },
    progress: (p) => port.postMessage({ type: 'progress', progress: p }),
    shouldStop: () => Atomics.load(stopFlag, 0) !== 0,
  });
  port.postMessage({ type: 'done', result });
} catch (e) {
  const err = e as Error;
  const detail = err instanceof NonFiniteStateError
    ? { block: err.block, state: err.state, neuron: err.neuron, fromMs: err.fromMs, toMs: err.toMs, value: err.value }
    : undefined;
  port.postMessage({ type: 'error', name: err.name, message: err.message, detail });
}
