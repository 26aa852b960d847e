/**
 * The chunked stepping loop shared by the worker and in-thread runs: advance about 50 ms
 * of work, hand over the recordings, report progress, honour a stop request.
 */
import type { Progress, RecordingChunk, RunResult } from '../types.js';
import { nextChunkSteps, type Simulation } from './simulation.js';

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
  return { status, stepsDone: sim.step, wallMs: performance.now() - started, engine: 'cpu', populations: sim.summary() };
}
