/**
 * How the WebGPU engine propagates each projection's spikes (and which states are time
 * stamps), decided once for all copies of a batch.
 */
import type { Plan, PlanProjection } from '../../compiler/plan.js';
import type { LayoutNeeds } from './layout.js';
import { stampStates } from './stamps.js';

/**
 * How spikes reach a linear synapse's jumping state:
 * - `gather`: each postsynaptic element sums the weights of its incoming connections whose
 *   presynaptic neuron spiked (no atomics, fused with the synapse's current; cost ∝ synapses);
 * - `fixed`: scatter from the spikes with integer atomics on a fixed-point accumulator
 *   (deterministic; cost ∝ spikes × out-degree);
 * - `float`: scatter with f32 compare-and-swap loops (for weights too spread for fixed point).
 */
export type PropagationMode = 'gather' | 'fixed' | 'float';
/** Scatter from a compacted list of spikes (lanes per spike) or by scanning every presynaptic flag. */
export type ScatterMode = 'list' | 'scan';

export interface ProjectionDecision {
  mode: PropagationMode;
  scatter: ScatterMode;
  /** All weights of the projection equal in every copy (the value may differ per copy). */
  constantWeight: boolean;
  /** List scatter: lanes (threads) per spike, a power of two near the mean out-degree. */
  lanes: number;
}

export interface Decisions {
  projections: Map<string, ProjectionDecision>;
  /** Time stamps kept as step counts (stamps.ts), by block id: those that are stamps in every copy. */
  stamps: Map<string, Set<string>>;
}


export function isConstant(w: Float32Array): boolean {
  for (let k = 1; k < w.length; k++) if (w[k] !== w[0]) return false;
  return true;
}

/** max_j Σ_i |w_ij| and the smallest non-zero |w| of a projection. */
export function weightBounds(p: PlanProjection): { maxSum: number; minAbs: number } {
  const sums = new Float64Array(p.nPost);
  let minAbs = Infinity;
  const { idx, w } = p.byPre;
  for (let q = 0; q < idx.length; q++) {
    const a = Math.abs(w[q]!);
    sums[idx[q]!]! += a;
    if (a > 0 && a < minAbs) minAbs = a;
  }
  let maxSum = 0;
  for (const s of sums) if (s > maxSum) maxSum = s;
  return { maxSum, minAbs };
}

/** Fixed-point scale of a projection: Σ|w| of any row stays below 2^30 in magnitude. */
export function fixedScale(p: PlanProjection): number {
  const { maxSum } = weightBounds(p);
  return maxSum > 0 ? 2 ** 30 / maxSum : 1;
}

export function decide(plans: Plan[], mode: PropagationMode | 'auto', scatter: ScatterMode): Decisions {
  const projections = new Map<string, ProjectionDecision>();
  plans[0]!.projections.forEach((p0, pk) => {
    const all = plans.map((pl) => pl.projections[pk]!);
    const constantWeight = all.every((p) => p.byPre.w.length === 0 || isConstant(p.byPre.w));
    const nnz = Math.max(...all.map((p) => p.byPre.idx.length));
    let m: PropagationMode = mode === 'auto' ? 'fixed' : mode;
    if (mode === 'auto') {
      // Fixed point quantises each weight to maxSum·2^-31; keep it where that is far below
      // f32 resolution, else add floats.
      for (const p of all) {
        const { maxSum, minAbs } = weightBounds(p);
        if (Number.isFinite(minAbs) && maxSum / (minAbs * 2 ** 31) > 1e-6) m = 'float';
      }
    }
    // Delays per connection: each postsynaptic element gathers what arrives for it (no scatter ring).
    if (all.some((p) => p.maxLag !== undefined)) m = 'gather';
    const meanRow = nnz / Math.max(1, p0.nPre);
    const lanes = Math.min(32, Math.max(4, 2 ** Math.ceil(Math.log2(Math.max(1, meanRow)))));
    // Plastic synapses: on_pre runs on the connections of the spike list, adding floats
    // (the weights change, so neither a fixed-point scale nor a constant weight holds).
    if (p0.plasticity) projections.set(p0.synapse, { mode: 'float', scatter: 'list', constantWeight: false, lanes });
    else projections.set(p0.synapse, { mode: m, scatter, constantWeight, lanes });
  });
  const stamps = new Map<string, Set<string>>();
  plans[0]!.blocks.forEach((b0, bk) => {
    const sets = plans.map((pl) => stampStates(pl.blocks[bk]!, pl.dt));
    const common = new Set([...sets[0]!].filter((x) => sets.every((set) => set.has(x))));
    if (common.size > 0) stamps.set(b0.id, common);
  });
  return { projections, stamps };
}

/** Which blocks keep spike lists and which projections accumulate, given the decisions. */
export function layoutNeeds(plan: Plan, d: Decisions): LayoutNeeds {
  const lists = new Set<string>();
  const accumulators = new Set<string>();
  for (const p of plan.projections) {
    const x = d.projections.get(p.synapse)!;
    // Plastic synapses: on_post walks the spike list of the postsynaptic block.
    if (p.plasticity && p.plasticity.onPost.length > 0) lists.add(p.post);
    if (p.stateOn !== 'post' || x.mode === 'gather') continue;
    accumulators.add(p.synapse);
    if (x.scatter === 'list') lists.add(p.pre);
  }
  return { lists, accumulators };
}

