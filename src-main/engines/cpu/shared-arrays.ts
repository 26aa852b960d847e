/**
 * The arrays that a threaded run's workers share (partition.ts): the states, outputs,
 * spike flags, spike-list segments and pending-jump rings of every partitioned block, and
 * the weights and connection states of plastic synapses, in shared memory, allocated once by
 * the thread that starts the workers. Each worker writes only its own elements of them.
 * Replicated blocks and the assembled spike lists are not here: every worker allocates its
 * own.
 */
import type { Plan } from '../../compiler/plan.js';
import { arrayName } from './codegen.js';
import { isReplicated, segmentedBlocks } from './partition.js';
import { sharedConnectionArrays } from './plasticity-arrays.js';
import type { NumArray } from './simulation.js';

function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}

export function sharedArrays(plan: Plan, workers: number): Record<string, NumArray> {
  const out: Record<string, NumArray> = {};
  const segmented = segmentedBlocks(plan);
  plan.blocks.forEach((b, k) => {
    if (isReplicated(b)) return;
    for (const s of b.states) {
      const a = sharedF64(s.init.length);
      a.set(s.init);
      out[arrayName.state(k, s.name)] = a;
    }
    if (b.category === 'current') out[arrayName.currentOut(k)] = sharedF64(b.perTarget ? b.size : 1);
    if (b.spiking) {
      out[arrayName.spikeFlags(k)] = new Uint8Array(new SharedArrayBuffer(plan.spikeHistory[b.id]! * b.size));
    }
    if (segmented.has(b.id)) {
      // Two steps' segments: a worker may write step i + 1's while another still reads step i's.
      out[arrayName.spikeSegments(k)] = new Int32Array(new SharedArrayBuffer(2 * b.size * 4));
      out[arrayName.segmentCounts(k)] = new Int32Array(new SharedArrayBuffer(2 * workers * 4));
    }
  });
  plan.projections.forEach((p, k) => {
    if (p.byPre.lag && p.maxLag !== undefined) out[arrayName.pending(k)] = sharedF64((p.maxLag - p.lag + 1) * p.nPost);
  });
  return { ...out, ...sharedConnectionArrays(plan) };
}
