/**
 * The CPU engine's per-connection arrays of plastic synapses (plasticity-code.ts names
 * them): the weights in double precision, starting from the plan's (f32) weights, each
 * connection state at its initial value, the step of each connection's last event (0: a
 * state relaxes from its initial value from t = 0 on, as Brian2's lastupdate starts at 0),
 * and the plan's transposed index, shared. A run that continues an earlier one starts from
 * that run's final state instead (PlanPlasticity.start), copied so the plan stays as it was.
 */
import type { Plan } from '../../compiler/plan.js';
import type { ConnectionState } from '../connection-state.js';
import { plasticArrayName } from './plasticity-code.js';

type NumArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export function allocatePlasticity(plan: Plan, arrays: Record<string, NumArray>): void {
  plan.projections.forEach((p, k) => {
    const pl = p.plasticity;
    if (!pl) return;
    const n = p.byPre.idx.length;
    const start = pl.start;
    arrays[plasticArrayName.weight(k)] = Float64Array.from(start ? start.w : p.byPre.w);
    arrays[plasticArrayName.last(k)] = start ? Int32Array.from(start.last) : new Int32Array(n);
    for (const s of pl.states) {
      arrays[plasticArrayName.state(k, s.name)] = start ? Float64Array.from(start.states[s.name]!) : new Float64Array(n).fill(s.init);
    }
    arrays[plasticArrayName.postPtr(k)] = pl.postPtr;
    arrays[plasticArrayName.postConn(k)] = pl.postConn;
  });
}

/**
 * Copies of every plastic synapse's per-connection arrays after `stepsDone` steps, with each
 * connection's last event counted back from the end (connection-state.ts).
 */
export function finalConnectionStates(plan: Plan, arrays: Record<string, NumArray>, stepsDone: number): ConnectionState[] {
  const out: ConnectionState[] = [];
  plan.projections.forEach((p, k) => {
    const pl = p.plasticity;
    if (!pl) return;
    const last = Int32Array.from(arrays[plasticArrayName.last(k)] as Int32Array, (s) => s - stepsDone);
    const states = Object.fromEntries(pl.states.map((s) => [s.name, Float64Array.from(arrays[plasticArrayName.state(k, s.name)] as Float64Array)]));
    out.push({ synapse: p.synapse, w: Float64Array.from(arrays[plasticArrayName.weight(k)] as Float64Array), states, last });
  });
  return out;
}

/** The array a weight probe reads (a state probe of a plastic synapse's `w` or connection state). */
export function connectionArrayName(plan: Plan, probe: { block: string; state: string }): string {
  const pk = plan.projections.findIndex((p) => p.synapse === probe.block);
  return probe.state === 'w' ? plasticArrayName.weight(pk) : plasticArrayName.state(pk, probe.state);
}
