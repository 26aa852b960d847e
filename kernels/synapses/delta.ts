import type { BlockDef } from '../types.js';
import { SPIKE_INPUT } from './linear.js';
import { REFS, modelsSection } from '../references.js';

/**
 * Voltage-jump (delta) synapse: a presynaptic spike adds its weight to the membrane
 * potential of the target after the delay (NEST's iaf_psc_delta, Brian2's `v_post += w`),
 * unless the target is refractory. The state x collects the jumps that arrive in a step.
 */
export const delta: BlockDef = {
  type: 'delta',
  category: 'synapse',
  title: 'Voltage jump (delta)',
  doc:
    'Delta synapse, as in Brunel (2000): each presynaptic spike adds its connection weight w (mV) ' +
    'directly to the membrane potential of the postsynaptic neuron, in the step the spike arrives ' +
    '(after the delay), at the start of that step; a jump that arrives while the neuron is ' +
    'refractory is dropped. x holds the sum of the jumps arriving in the step (0 before ' +
    'the spikes of the step are added). Connect its output to the input J of a LIF or Izhikevich block.',
  references: [
    { text: 'Brunel (2000), J. Comput. Neurosci. 8:183', href: 'https://doi.org/10.1023/A:1008925309027' },
    REFS.brian2,
    modelsSection('Voltage jumps'),
  ],
  template: 'elementwise',
  sized: false,
  params: {},
  states: {
    x: { unit: 'mV', init: '0', doc: 'Sum of the weights of the spikes arriving in the step.' },
  },
  inputs: SPIKE_INPUT,
  outputs: {
    post: { type: 'jump', unit: 'mV', doc: 'Voltage jumps into the postsynaptic neuron block (its input J).', required: true },
  },
  update: ['x = 0'],
  synapse: {
    stateOn: 'post',
    jump: 'x',
    current: 'x',
    weightUnit: 'mV',
    weightDefault: 0.1,
    weightDoc: 'Jump of the postsynaptic membrane potential per presynaptic spike (negative: inhibitory).',
  },
};
