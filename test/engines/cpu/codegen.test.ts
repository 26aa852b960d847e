/**
 * The CPU code generator's shortcuts must not change a single number: folding a linear
 * synapse's update into its neuron's loop is checked against the unfolded code, which the
 * generator uses whenever the synapse is probed.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { arrayName, foldableSynapses, generateStep } from '../../../src-main/engines/cpu/codegen.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

function network(probeSynapses: boolean) {
  const blocks = [
    { id: 'src', type: 'poisson', size: 200, params: { rate: '40 Hz' } },
    { id: 'exc', type: 'exponential', params: { tau: '5 ms', E: '0 mV' }, connection: { rule: 'fixed-probability', p: 0.2, weight: { dist: 'normal', mean: '60 nS', sd: '10 nS' } } },
    { id: 'slow', type: 'dual-exponential', params: { tau_rise: '1 ms', tau_decay: '8 ms', output: 'current' }, connection: { rule: 'fixed-indegree', indegree: 10, weight: '0.5 nA', delay: '1.5 ms' } },
    { id: 'alpha', type: 'alpha', params: { tau: '3 ms', output: 'current' }, connection: { rule: 'all-to-all', weight: '0.05 nA' } },
    { id: 'cells', type: 'lif', size: 30, params: { V_th: '-55 mV', tau_ref: '2 ms' }, init: { V: { dist: 'uniform', low: '-65 mV', high: '-55 mV' } } },
    { id: 'rec', type: 'exponential', params: { tau: '4 ms', E: '-80 mV' }, connection: { rule: 'fixed-probability', p: 0.3, weight: '20 nS' } },
    { id: 'sp', type: 'spike-probe' },
    { id: 'V', type: 'state-probe', params: { state: 'V', neurons: [0, 7, 29] } },
    ...(probeSynapses ? [
      { id: 'g_exc', type: 'state-probe', params: { state: 'g', neurons: [0] } },
      { id: 'h_slow', type: 'state-probe', params: { state: 'h', neurons: [0] } },
      { id: 'g_alpha', type: 'state-probe', params: { state: 'g', neurons: [0] } },
      { id: 'g_rec', type: 'state-probe', params: { state: 'g', neurons: [0] } },
    ] : []),
  ];
  const edges = [
    'src.spikes -> exc.pre', 'exc.post -> cells.I',
    'src.spikes -> slow.pre', 'slow.post -> cells.I',
    'src.spikes -> alpha.pre', 'alpha.post -> cells.I',
    'cells.spikes -> rec.pre', 'rec.post -> cells.I',
    'cells.spikes -> sp.spikes', 'cells.V -> V.target',
    ...(probeSynapses ? ['exc.post -> g_exc.target', 'slow.post -> h_slow.target', 'alpha.post -> g_alpha.target', 'rec.post -> g_rec.target'] : []),
  ];
  return makeDoc(blocks, edges, { duration: '300 ms', seed: 11 });
}

describe('CPU code generation', () => {
  it('folds unprobed linear synapses into the neuron loop and leaves probed ones alone', () => {
    expect([...foldableSynapses(compile(network(false)))].sort()).toEqual(['alpha', 'exc', 'rec', 'slow']);
    expect(foldableSynapses(compile(network(true))).size).toBe(0);
    expect(generateStep(compile(network(false))).source).toContain('folded into its neuron');
  });

  it('steps with its arrays in locals, and reads a neuron\'s voltage and its folded synapses\' states once per element', () => {
    const plan = compile(network(false));
    const { source } = generateStep(plan);
    const step = source.slice(source.indexOf('function step(i) {'));
    expect(step).toMatch(/^function step\(i\) \{\n {2}const \{ [\w, ]+ \} = ARRAYS;/);
    const at = (id: string) => plan.blocks.findIndex((b) => b.id === id);
    const loop = step.slice(step.indexOf('// update cells'), step.indexOf('  }\n', step.indexOf('// update cells')));
    // Reads of element k (an assignment to it is a write).
    const reads = (array: string) => loop.split(`${array}[k]`).slice(1).filter((rest) => !/^ = /.test(rest)).length;
    expect(reads(arrayName.state(at('cells'), 'V'))).toBe(1);
    for (const [syn, states] of [['exc', ['g']], ['slow', ['g', 'h']], ['alpha', ['g', 'h']], ['rec', ['g']]] as const) {
      for (const s of states) expect(reads(arrayName.state(at(syn), s)), `${syn}.${s}`).toBe(1);
    }
  });

  it('prints the assignments a spike makes (reset, last spike time) under one branch, and stores them there', () => {
    const { source } = generateStep(compile(network(false)));
    const from = source.indexOf('// update cells');
    const next = source.indexOf('\n  // ', from); // the next pass
    const loop = source.slice(from, next < 0 ? undefined : next);
    expect(loop).toMatch(/if \(!l_refractory\) \{ s_V = l_V_free; b\d+_s_V\[k\] = s_V; \}/);
    expect(loop).toMatch(/if \(l_spike\) \{ s_V = \(?-?[\d.]+\)?; b\d+_s_V\[k\] = s_V; s_t_last = t; b\d+_s_t_last\[k\] = s_t_last; \}/);
    expect(loop).not.toMatch(/\? -?\(?[\d.]+\)? : s_V/);
    // Assigned under conditions only, V and the last spike time are not also stored on every step.
    expect(loop.match(/_s_t_last\[k\] = /g)).toHaveLength(1);
    expect(loop.match(/_s_V\[k\] = /g)).toHaveLength(2);
  });

  it('gives exactly the same spikes and voltages with and without the fold', () => {
    const folded = runDoc(network(false));
    const plain = runDoc(network(true));
    const spikes = folded.spikes.get('sp')!;
    expect(spikes.length).toBeGreaterThan(100);
    expect(spikes).toEqual(plain.spikes.get('sp'));
    expect(folded.traces.get('V')).toEqual(plain.traces.get('V'));
  });
});
