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

/** A typed array holding `values`, in shared memory (a threaded run's workers all step it) or not. */
function holding<T extends Float64Array | Int32Array>(Kind: { new (b: ArrayBuffer | SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, values: ArrayLike<number>, shared: boolean): T {
  const a = new Kind(shared ? new SharedArrayBuffer(values.length * Kind.BYTES_PER_ELEMENT) : new ArrayBuffer(values.length * Kind.BYTES_PER_ELEMENT));
  a.set(values);
  return a;
}

/** Each per-connection array of every plastic synapse: its name, and how to make it (in shared memory or not). */
function connectionArrays(plan: Plan): Array<[string, (inSharedMemory: boolean) => NumArray]> {
  return plan.projections.flatMap((p, k) => {
    const pl = p.plasticity;
    if (!pl) return [];
    const n = p.byPre.idx.length;
    const start = pl.start;
    return [
      [plasticArrayName.weight(k), (m: boolean) => holding(Float64Array, start ? start.w : p.byPre.w, m)],
      [plasticArrayName.last(k), (m: boolean) => holding(Int32Array, start ? start.last : new Int32Array(n), m)],
      ...pl.states.map((s): [string, (m: boolean) => NumArray] => [
        plasticArrayName.state(k, s.name), (m) => holding(Float64Array, start ? start.states[s.name]! : new Float64Array(n).fill(s.init), m),
      ]),
    ];
  });
}

/**
 * The weights, last events and connection states of every plastic synapse in shared memory,
 * for a threaded run's workers (shared-arrays.ts). A connection is stepped by the worker that
 * owns its target (partition.ts), on_pre and on_post alike, so each worker writes only its
 * own connections' entries.
 */
export function sharedConnectionArrays(plan: Plan): Record<string, NumArray> {
  return Object.fromEntries(connectionArrays(plan).map(([name, make]) => [name, make(true)]));
}

/**
 * Adds every plastic synapse's arrays to `arrays`: its per-connection arrays (those of
 * `shared` where a threaded run shares them, else new) and its transposed index (read only).
 */
export function allocatePlasticity(plan: Plan, arrays: Record<string, NumArray>, shared: Record<string, NumArray> = {}): void {
  for (const [name, make] of connectionArrays(plan)) arrays[name] = shared[name] ?? make(false);
  plan.projections.forEach((p, k) => {
    if (!p.plasticity) return;
    arrays[plasticArrayName.postPtr(k)] = p.plasticity.postPtr;
    arrays[plasticArrayName.postConn(k)] = p.plasticity.postConn;
  });
}

/**
 * Copies of every plastic synapse's per-connection arrays after `stepsDone` steps, with each
 * connection's last event counted back from the end (connection-state.ts). Each copy has an
 * ArrayBuffer of its own (not shared), which a worker can hand over instead of copying again
 * (connectionStateBuffers).
 */
export function finalConnectionStates(plan: Plan, arrays: Record<string, NumArray>, stepsDone: number): ConnectionState[] {
  const out: ConnectionState[] = [];
  plan.projections.forEach((p, k) => {
    const pl = p.plasticity;
    if (!pl) return;
    // Copies by slice() and a loop: Int32Array.from with a map function took 300 ms for 2 M connections.
    const last = (arrays[plasticArrayName.last(k)] as Int32Array).slice();
    for (let c = 0; c < last.length; c++) last[c]! -= stepsDone;
    const states = Object.fromEntries(pl.states.map((s) => [s.name, (arrays[plasticArrayName.state(k, s.name)] as Float64Array).slice()]));
    out.push({ synapse: p.synapse, w: (arrays[plasticArrayName.weight(k)] as Float64Array).slice(), states, last });
  });
  return out;
}

/** The array a weight probe reads (a state probe of a plastic synapse's `w` or connection state). */
export function connectionArrayName(plan: Plan, probe: { block: string; state: string }): string {
  const pk = plan.projections.findIndex((p) => p.synapse === probe.block);
  return probe.state === 'w' ? plasticArrayName.weight(pk) : plasticArrayName.state(pk, probe.state);
}

/** The buffers of connection states (finalConnectionStates), to transfer rather than copy. */
export function connectionStateBuffers(states: readonly ConnectionState[] | undefined): ArrayBuffer[] {
  return (states ?? []).flatMap((c) => [c.w, c.last, ...Object.values(c.states)].map((a) => a.buffer as ArrayBuffer));
}
