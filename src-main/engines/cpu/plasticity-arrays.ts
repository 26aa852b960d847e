/**
 * The CPU engine's per-connection arrays of plastic synapses (plasticity-code.ts names
 * them): the weights in double precision, starting from the plan's (f32) weights, each
 * connection state at its initial value, the step of each connection's last event (0: a
 * state relaxes from its initial value from t = 0 on, as Brian2's lastupdate starts at 0),
 * and the plan's transposed index, shared.
 */
import type { Plan } from '../../compiler/plan.js';
import { plasticArrayName } from './plasticity-code.js';

type NumArray = Float64Array | Float32Array | Int32Array | Uint8Array;

export function allocatePlasticity(plan: Plan, arrays: Record<string, NumArray>): void {
  plan.projections.forEach((p, k) => {
    const pl = p.plasticity;
    if (!pl) return;
    const n = p.byPre.idx.length;
    arrays[plasticArrayName.weight(k)] = Float64Array.from(p.byPre.w);
    arrays[plasticArrayName.last(k)] = new Int32Array(n);
    for (const s of pl.states) arrays[plasticArrayName.state(k, s.name)] = new Float64Array(n).fill(s.init);
    arrays[plasticArrayName.postPtr(k)] = pl.postPtr;
    arrays[plasticArrayName.postConn(k)] = pl.postConn;
  });
}

/** The array a weight probe reads (a state probe of a plastic synapse's `w` or connection state). */
export function connectionArrayName(plan: Plan, probe: { block: string; state: string }): string {
  const pk = plan.projections.findIndex((p) => p.synapse === probe.block);
  return probe.state === 'w' ? plasticArrayName.weight(pk) : plasticArrayName.state(pk, probe.state);
}
