/**
 * How a plan is split across the CPU engine's worker threads. Every block is cut into W
 * contiguous element ranges by the same rule (`elementRange`), so blocks of equal size —
 * a neuron, its post-state synapses, its per-target current sources, the spike flags a
 * synapse reads — give each worker the same elements: element-wise reads stay inside the
 * worker's own range. A worker owns the connections ending in its range, so the scatter of
 * spikes never writes another worker's elements and each target receives its jumps in the
 * one-thread order (spikes in ascending neuron order, each row in its order): results are
 * bit-identical to one thread.
 *
 * Some blocks are computed in full by every worker, into private arrays ("replicated"):
 * spike-time and piecewise sources (they are cheap and list spikes in schedule order) and
 * current sources with one output read by every neuron. Their update is deterministic
 * (counter-based random numbers), so all copies agree.
 *
 * Reads across ranges within a step need a barrier first (`syncAfter`): propagation of
 * spikes of the same step (lag 0) and the gather over a pre-state synapse's elements.
 */
import type { Plan, PlanBlock, PlanProbe } from '../../compiler/plan.js';

/** Worker `worker` of `workers` computing one plan. */
export interface Partition {
  worker: number;
  workers: number;
}

/** Elements [lo, hi) of a block of `size` elements that worker w of W owns. */
export function elementRange(size: number, w: number, workers: number): [number, number] {
  return [Math.floor((size * w) / workers), Math.floor((size * (w + 1)) / workers)];
}

/** Blocks computed in full by every worker (see the file comment). */
export function isReplicated(b: PlanBlock): boolean {
  return b.template === 'spike-times' || b.template === 'piecewise' || (b.category === 'current' && !b.perTarget);
}

/** The elements of block b this worker computes, records and checks. */
export function blockRange(b: PlanBlock, part: Partition): [number, number] {
  if (isReplicated(b)) return [0, b.size];
  return elementRange(b.size, part.worker, part.workers);
}

/**
 * The elements of block b whose recording and checks are this worker's: its range, or for
 * a replicated block all of them on worker 0 only (the other copies are equal).
 */
export function ownedRange(b: PlanBlock, part: Partition): [number, number] {
  if (isReplicated(b)) return part.worker === 0 ? [0, b.size] : [0, 0];
  return elementRange(b.size, part.worker, part.workers);
}

/**
 * The channels of a state probe that worker `part` records, as positions in the probe's list
 * (in probe order): those whose neuron it owns, or for a probe of a plastic synapse's
 * connections (its weights), those whose target neuron it owns — the worker that steps them.
 */
export function ownedProbePositions(plan: Plan, p: Extract<PlanProbe, { kind: 'state' }>, part: Partition): number[] {
  const positions = [...p.neurons.keys()];
  if (p.connections) {
    const proj = plan.projections.find((x) => x.synapse === p.block)!;
    const [lo, hi] = elementRange(proj.nPost, part.worker, part.workers);
    return positions.filter((m) => { const j = proj.byPre.idx[p.neurons[m]!]!; return j >= lo && j < hi; });
  }
  const [lo, hi] = ownedRange(plan.blocks.find((b) => b.id === p.block)!, part);
  return positions.filter((m) => p.neurons[m]! >= lo && p.neurons[m]! < hi);
}

/** Spiking blocks whose spike lists are gathered from per-worker segments each step. */
export function segmentedBlocks(plan: Plan): Set<string> {
  return new Set(plan.blocks.filter((b) => b.spiking && !isReplicated(b)).map((b) => b.id));
}

/**
 * Blocks after whose update pass every worker must wait for the others within the step:
 * a spiking block whose spikes propagate with lag 0, and a synapse with state per
 * presynaptic neuron that a neuron gathers over (it reads every element), and that neuron.
 */
export function syncAfter(plan: Plan): Set<string> {
  const out = new Set<string>();
  for (const p of plan.projections) {
    const pre = plan.blocks.find((b) => b.id === p.pre)!;
    if (p.lag === 0 && !isReplicated(pre)) out.add(p.pre);
    // The gathering neuron reads every element of the synapse: wait after the synapse's
    // update (read after write) and after the neuron's (the synapse may update later in
    // the step: write after read).
    if (p.stateOn === 'pre') { out.add(p.synapse); out.add(p.post); }
  }
  for (const b of plan.blocks) {
    // An element-wise spike input with lag 0 reads flags of the same elements: no wait.
    if (b.input?.kind === 'voltage') {
      const src = plan.blocks.find((x) => x.id === b.input!.from)!;
      if (src.size !== b.size) out.add(src.id);
    }
  }
  return out;
}

/** Elements updated per step: what the default thread count is capped by. */
export function elementsPerStep(plan: Plan): number {
  let n = 0;
  for (const b of plan.blocks) n += b.size;
  for (const p of plan.projections) n += p.byPre.idx.length / 50;
  return n;
}

/** Fewest elements per step per thread for a thread to pay for its barrier each step. */
export const ELEMENTS_PER_THREAD = 10000;

/**
 * Fewest element updates in a whole run (steps × elements) worth more than one thread:
 * below, starting a second worker (tens of ms, and its own heap) costs more than it saves.
 */
export const UPDATES_FOR_THREADS = 1e8;

/**
 * Threads for a run: `requested` when given (at least 1), else all cores but one where
 * there are more than two (one is left for the caller's work: recordings, the UI) and both
 * of two, capped so that every thread has ELEMENTS_PER_THREAD elements per step, and one
 * for a short run (UPDATES_FOR_THREADS). `load`: the system's load average; where it
 * exceeds the cores, the excess counts as cores taken, because workers that meet every step
 * run at the pace of the one the system deschedules (measured on 2 cores, COBA N = 64000:
 * at load 5, 2 threads took 1.0–2.7× as long as one; at load 2.5, 0.57×). The load average
 * also counts this process's own recent work, hence only the excess.
 */
export function chooseThreads(plan: Plan, requested: number | undefined, cores: number, load = 0): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  const elements = elementsPerStep(plan);
  if (elements * plan.steps < UPDATES_FOR_THREADS) return 1;
  const idle = Math.max(1, cores - Math.floor(Math.max(0, load - cores)));
  const byCores = Math.min(idle, cores > 2 ? cores - 1 : cores);
  const bySize = Math.max(1, Math.floor(elements / ELEMENTS_PER_THREAD));
  return Math.max(1, Math.min(byCores, bySize));
}
