import type { BlockDef } from '../types.js';
import { CURRENT_OUTPUT, SPIKE_INPUT } from './linear.js';
import { ARRIVAL_STATE, PULSE_CODE, pulseParams } from './kinetic.js';
import { REFS, modelsSection } from '../references.js';

/** NMDA receptor with second-order kinetics and magnesium block (brainpy_state `BioNMDA`). */
export const nmda: BlockDef = {
  type: 'nmda',
  category: 'synapse',
  title: 'NMDA synapse (Mg block)',
  doc:
    'NMDA receptor, state per presynaptic neuron: dx/dt = alpha2·[T]·(1 − x) − beta2·x, then ' +
    'dg/dt = alpha1·x·(1 − g) − beta1·g with the new x, both by exponential Euler. The current ' +
    'into j is Σ_i w_ij·g_i·(E − V_j)/(1 + cc_Mg/b_Mg·exp(−a_Mg·V_j)).',
  references: [REFS.destexhe1994, REFS.jahrStevens1990, REFS.brainpyState('BioNMDA'), modelsSection('Synapses')],
  template: 'elementwise',
  sized: false,
  params: {
    alpha1: { kind: 'quantity', unit: '1/ms', default: 2, min: 0, doc: 'Opening rate of g driven by x.' },
    beta1: { kind: 'quantity', unit: '1/ms', default: 0.01, min: 0, exclusiveMin: true, doc: 'Closing rate of g.' },
    alpha2: { kind: 'quantity', unit: '1/ms/mM', default: 1, min: 0, doc: 'Binding rate of x.' },
    beta2: { kind: 'quantity', unit: '1/ms', default: 0.5, min: 0, exclusiveMin: true, doc: 'Unbinding rate of x.' },
    ...pulseParams(1, 0.5),
    E: { kind: 'quantity', unit: 'mV', default: 0, doc: 'Reversal potential.' },
    cc_Mg: { kind: 'quantity', unit: 'mM', default: 1.2, min: 0, doc: 'Extracellular magnesium concentration.' },
    a_Mg: { kind: 'quantity', unit: '1/mV', default: 0.062, doc: 'Voltage sensitivity of the block.' },
    b_Mg: { kind: 'quantity', unit: 'mM', default: 3.57, min: 0, exclusiveMin: true, doc: 'Magnesium sensitivity of the block.' },
  },
  states: {
    g: { unit: '', init: '0', doc: 'Fraction of open receptors.' },
    x: { unit: '', init: '0', doc: 'Intermediate (bound) state.' },
    t_arr: ARRIVAL_STATE,
  },
  inputs: SPIKE_INPUT,
  outputs: CURRENT_OUTPUT,
  update: [
    ...PULSE_CODE,
    'kx = alpha2 * TT + beta2',
    'x = exp_euler(x, alpha2 * TT / kx, 1 / kx)',
    'kg = alpha1 * x + beta1',
    'g = exp_euler(g, alpha1 * x / kg, 1 / kg)',
  ],
  synapse: {
    stateOn: 'pre',
    gather: 'g',
    current: 'wsum * (E - V_post) / (1 + cc_Mg / b_Mg * exp(-a_Mg * V_post))',
    weightUnit: 'µS',
    weightDefault: 1,
    weightDoc: 'Maximal conductance g_max of the connection.',
  },
};
