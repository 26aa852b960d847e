import type { BlockDef } from '../types.js';
import { CURRENT_OUTPUT } from './linear.js';
import { REFS, modelsSection } from '../references.js';

/** Graded ionotropic synapse driven by the presynaptic voltage (Jaxley's `IonotropicSynapse`). */
export const graded: BlockDef = {
  type: 'graded',
  category: 'synapse',
  title: 'Graded ionotropic synapse',
  doc:
    'Voltage-driven synapse, state per presynaptic neuron: s relaxes towards ' +
    's_inf = sigmoid((V_pre − v_th)/delta) with tau = (1 − s_inf)/k_minus (exponential Euler). ' +
    'The current into j is Σ_i gS_ij·s_i·(e_syn − V_j); the weight of a connection is its gS. ' +
    'Same physics as Jaxley\'s IonotropicSynapse, written with inward-positive current.',
  references: [REFS.jaxley('jaxley.synapses.IonotropicSynapse'), REFS.prinz2004, modelsSection('Synapses')],
  template: 'elementwise',
  sized: false,
  params: {
    e_syn: { kind: 'quantity', unit: 'mV', default: 0, doc: 'Reversal potential.' },
    k_minus: { kind: 'quantity', unit: '1/ms', default: 0.025, min: 0, exclusiveMin: true, doc: 'Unbinding rate.' },
    v_th: { kind: 'quantity', unit: 'mV', default: -35, doc: 'Half-activation presynaptic voltage.' },
    delta: { kind: 'quantity', unit: 'mV', default: 10, min: 0, exclusiveMin: true, doc: 'Slope of the activation.' },
    s0: { kind: 'quantity', unit: '', default: 0.2, min: 0, max: 1, doc: 'Initial open fraction.' },
  },
  states: {
    s: { unit: '', init: 's0', doc: 'Fraction of open channels.' },
  },
  inputs: {
    pre: { type: 'voltage', unit: 'mV', doc: 'Presynaptic membrane potential.', required: true },
  },
  outputs: CURRENT_OUTPUT,
  update: [
    's_inf = sigmoid((V_pre - v_th) / delta)',
    's = exp_euler(s, s_inf, (1 - s_inf) / k_minus)',
  ],
  synapse: {
    stateOn: 'pre',
    gather: 's',
    current: 'wsum * (e_syn - V_post)',
    weightUnit: 'µS',
    weightDefault: 1e-4,
    weightDoc: 'Maximal conductance gS of the connection.',
  },
};
