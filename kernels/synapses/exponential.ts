import type { BlockDef } from '../types.js';
import { CURRENT_OUTPUT, linearSpec, OUTPUT_PARAM, REVERSAL_PARAM, SPIKE_INPUT } from './linear.js';
import { REFS, modelsSection } from '../references.js';

/** Single-exponential synapse: g decays with tau and jumps by w on each presynaptic spike. */
export const exponential: BlockDef = {
  type: 'exponential',
  category: 'synapse',
  title: 'Exponential synapse',
  doc:
    'Single-exponential synapse, state per postsynaptic neuron. Per step g decays by ' +
    'exp(−dt/tau), then each arriving presynaptic spike adds its connection weight to g.',
  references: [REFS.expon, REFS.brette2007, modelsSection('Synapses')],
  template: 'elementwise',
  sized: false,
  params: {
    tau: { kind: 'quantity', unit: 'ms', default: 8, min: 0, exclusiveMin: true, doc: 'Decay time constant.' },
    E: REVERSAL_PARAM,
    output: OUTPUT_PARAM,
  },
  states: {
    g: { unit: '{w}', init: '0', doc: 'Conductance (or current, for current output).' },
  },
  inputs: SPIKE_INPUT,
  outputs: CURRENT_OUTPUT,
  update: ['g = g * exp(-dt / tau)'],
  synapse: linearSpec('g', 'Jump of g per presynaptic spike.'),
};
