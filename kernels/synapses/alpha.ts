import type { BlockDef } from '../types.js';
import { CURRENT_OUTPUT, linearSpec, OUTPUT_PARAM, REVERSAL_PARAM, SPIKE_INPUT } from './linear.js';
import { REFS, modelsSection } from '../references.js';

/** Alpha synapse (brainpy.state `Alpha`): g follows h with the same tau. */
export const alpha: BlockDef = {
  type: 'alpha',
  category: 'synapse',
  title: 'Alpha synapse',
  doc:
    'Alpha-function synapse, state per postsynaptic neuron: dh/dt = −h/tau, dg/dt = (h − g)/tau. ' +
    'Per step h decays by exp(−dt/tau), g moves towards the old h by exponential Euler, ' +
    'then each arriving presynaptic spike adds its weight to h. g peaks tau after a spike.',
  references: [REFS.rall1967, REFS.brainpyState('Alpha'), modelsSection('Synapses')],
  template: 'elementwise',
  sized: false,
  params: {
    tau: { kind: 'quantity', unit: 'ms', default: 8, min: 0, exclusiveMin: true, doc: 'Time constant of rise and decay.' },
    E: REVERSAL_PARAM,
    output: OUTPUT_PARAM,
  },
  states: {
    g: { unit: '{w}', init: '0', doc: 'Conductance (or current, for current output).' },
    h: { unit: '{w}', init: '0', doc: 'Auxiliary variable that receives the spikes.' },
  },
  inputs: SPIKE_INPUT,
  outputs: CURRENT_OUTPUT,
  update: ['g = exp_euler(g, h, tau)', 'h = h * exp(-dt / tau)'],
  synapse: linearSpec('h', 'Jump of h per presynaptic spike.'),
};
