/**
 * The chunked stepping loop shared by the worker and in-thread runs: advance about 50 ms
 * of work, hand over the recordings, report progress, honour a stop request.
 */
import type { Progress, RecordingChunk, RunResult } from '../types.js';
import { nextChunkSteps, type Simulation } from './simulation.js';
import { finalConnectionStates } from './plasticity-arrays.js';

export interface LoopHooks {
  emit(chunks: RecordingChunk[]): void;
  progress(p: Progress): void;
  shouldStop(): boolean;
}

export function runLoop(sim: Simulation, hooks: LoopHooks): RunResult {
  const started = performance.now();
  const { plan } = sim;
  let chunk = 16;
  let status: RunResult['status'] = 'finished';
  hooks.emit(sim.drain()); // sample 0 of state probes
  while (sim.step < plan.steps) {
    if (hooks.shouldStop()) { status = 'cancelled'; break; }
    const t0 = performance.now();
    const done = sim.advance(chunk);
    chunk = nextChunkSteps(done, performance.now() - t0);
    hooks.emit(sim.drain());
    hooks.progress({ step: sim.step, steps: plan.steps, simulatedMs: sim.step * plan.dt, wallMs: performance.now() - started });
  }
  const result: RunResult = { status, stepsDone: sim.step, wallMs: performance.now() - started, engine: 'cpu', populations: sim.summary() };
  // Plastic synapses: the state a later run can continue from (kept in the lab by the recorder).
  const connectionStates = finalConnectionStates(plan, sim.arrays, sim.step);
  return connectionStates.length > 0 ? { ...result, connectionStates } : result;
}
