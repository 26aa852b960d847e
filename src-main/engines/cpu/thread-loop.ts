/**
 * The stepping loop of one worker of a threaded run (partition.ts). Worker 0 decides each
 * chunk's length (about 50 ms of work, as runLoop does) and whether to stop, and tells the
 * others through the control array; all workers step the chunk together (a barrier every
 * step, in the generated code), then meet again to learn whether any found a non-finite
 * state. Each posts its recordings per chunk, numbered, for the caller to merge.
 */
import { NonFiniteStateError, type Progress, type RecordingChunk, type RunResult } from '../types.js';
import { CONTROL } from './barrier.js';
import { finalConnectionStates } from './plasticity-arrays.js';
import { nextChunkSteps, type Simulation } from './simulation.js';

export interface ThreadLoopHooks {
  /** Recordings of chunk `seq` (sample 0 is chunk 0); every worker emits every chunk. */
  emit(seq: number, chunks: RecordingChunk[]): void;
  /** Worker 0 only. */
  progress(p: Progress): void;
  /** Read by worker 0 only. */
  shouldStop(): boolean;
}

export interface ThreadLoopEnd {
  /** Complete on worker 0 (it counts every worker's spikes, and gives the plastic synapses' state). */
  result: RunResult;
  /** The first non-finite state among this worker's elements, if the run stopped for one. */
  fault?: NonFiniteStateError;
}

export function runThreadLoop(sim: Simulation, ctl: Int32Array, sync: () => void, hooks: ThreadLoopHooks): ThreadLoopEnd {
  const started = performance.now();
  const { plan } = sim;
  const first = sim.threads!.part.worker === 0;
  let chunk = 16;
  let seq = 0;
  let status: RunResult['status'] = 'finished';
  let fault: NonFiniteStateError | undefined;
  sync(); // every worker has built its simulation
  hooks.emit(seq++, sim.drain()); // sample 0 of state probes
  for (;;) {
    if (first) Atomics.store(ctl, CONTROL.chunk, sim.step >= plan.steps ? 0 : hooks.shouldStop() ? -1 : chunk);
    sync();
    const steps = Atomics.load(ctl, CONTROL.chunk);
    if (steps <= 0) {
      if (steps < 0) status = 'cancelled';
      break;
    }
    const t0 = performance.now();
    try {
      sim.advance(steps);
    } catch (e) {
      // Thrown after the chunk's last step, so every worker has stepped as far: no one waits.
      if (!(e instanceof NonFiniteStateError)) throw e;
      fault = e;
      Atomics.store(ctl, CONTROL.fault, 1);
    }
    sync();
    if (Atomics.load(ctl, CONTROL.fault) !== 0) break;
    chunk = nextChunkSteps(steps, performance.now() - t0);
    hooks.emit(seq++, sim.drain());
    if (first) hooks.progress({ step: sim.step, steps: plan.steps, simulatedMs: sim.step * plan.dt, wallMs: performance.now() - started });
  }
  const wallMs = performance.now() - started;
  // Plastic synapses' final state, from the shared arrays every worker has stepped by now.
  const connectionStates = first ? finalConnectionStates(plan, sim.arrays, sim.step) : [];
  const result: RunResult = {
    status, stepsDone: sim.step, wallMs, engine: 'cpu', populations: sim.summary(),
    ...(connectionStates.length > 0 ? { connectionStates } : {}),
  };
  return fault ? { result, fault } : { result };
}
