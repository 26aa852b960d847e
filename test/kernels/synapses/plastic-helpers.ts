/**
 * A small network for the plasticity reference tests: spike-times source `pre` (its spikes
 * given) → plastic synapse `syn` → one LIF `cell`, which fires exactly in the steps of a
 * second spike-times source `drive` (a 30 mV jump through a delta synapse). The plastic
 * synapse's weights are far too small to make the cell fire, so the postsynaptic spikes are
 * the drive's, and each rule can be checked against closed-form sums over the two spike lists.
 */
import { compile } from '../../../src-main/compiler/compile.js';
import type { Plan } from '../../../src-main/compiler/plan.js';
import { Simulation } from '../../../src-main/engines/cpu/simulation.js';
import { arrayName } from '../../../src-main/engines/cpu/codegen.js';
import { plasticArrayName } from '../../../src-main/engines/cpu/plasticity-code.js';
import { makeDoc } from '../../helpers/doc.js';

export const DT = 0.1;

export interface PlasticRun {
  plan: Plan;
  sim: Simulation;
  /** Steps in which the cell spiked. */
  postSteps: number[];
  /** Final weight of the connection from pre neuron i (all-to-all onto one cell). */
  weights: number[];
}

/** Spikes as step numbers; `pre[i]` lists the steps of pre neuron i. */
export function runPlastic(type: string, params: Record<string, unknown>, pre: number[][], post: number[], weight: number, steps: number): PlasticRun {
  const spikes = pre.flatMap((list, i) => list.map((s) => [i, `${(s * DT).toFixed(1)} ms`]));
  const doc = makeDoc([
    { id: 'pre', type: 'spike-times', size: pre.length, params: { spikes } },
    { id: 'syn', type, params, connection: { rule: 'all-to-all', weight: `${weight} uS`, delay: '0 ms' } },
    { id: 'drive', type: 'spike-times', size: 1, params: { spikes: post.map((s) => [0, `${(s * DT).toFixed(1)} ms`]) } },
    { id: 'kick', type: 'delta', connection: { rule: 'all-to-all', weight: '30 mV' } },
    { id: 'cell', type: 'lif', size: 1, params: { tau_ref: '1 ms' } },
    { id: 'sp', type: 'spike-probe' },
  ], ['pre.spikes -> syn.pre', 'syn.post -> cell.I', 'drive.spikes -> kick.pre', 'kick.post -> cell.J', 'cell.spikes -> sp.spikes'],
  { duration: `${(steps * DT).toFixed(1)} ms` });
  const plan = compile(doc);
  const sim = new Simulation(plan);
  sim.advance(plan.steps);
  const postSteps = sim.drain().flatMap((c) => (c.kind === 'spikes' ? [...c.steps] : []));
  const pk = plan.projections.findIndex((p) => p.synapse === 'syn');
  const w = sim.arrays[plasticArrayName.weight(pk)] as Float64Array;
  // One postsynaptic neuron: connection c of the rows by pre is pre neuron c's.
  return { plan, sim, postSteps, weights: [...w] };
}

/** The state array of block `id` (for reading g step by step). */
export function stateArray(plan: Plan, sim: Simulation, id: string, state: string): Float64Array {
  return sim.arrays[arrayName.state(plan.blocks.findIndex((b) => b.id === id), state)] as Float64Array;
}
