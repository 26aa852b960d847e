import type { BlockDef } from '../types.js';
import { CURRENT_OUTPUT, linearSpec, OUTPUT_PARAM, REVERSAL_PARAM, SPIKE_INPUT } from './linear.js';
import { REFS, modelsSection } from '../references.js';

/** Dual-exponential synapse (BrainModels `DualExpCOBA`/`DualExpCUBA`). */
export const dualExponential: BlockDef = {
  type: 'dual-exponential',
  category: 'synapse',
  title: 'Dual-exponential synapse',
  doc:
    'Difference-of-exponentials synapse, state per postsynaptic neuron: dg/dt = −g/tau_decay + h, ' +
    'dh/dt = −h/tau_rise. Per step g moves towards h·tau_decay (old h), h decays, then each ' +
    'arriving spike adds its bare weight to h, as in brainmodels; g therefore carries an extra ' +
    'ms and I = g·(E − V_post) equals the seed\'s g_max·g·(E − V).',
  references: [REFS.rothVanRossum2009, REFS.brainModels('DualExpCOBA'), modelsSection('Synapses')],
  template: 'elementwise',
  sized: false,
  params: {
    tau_rise: { kind: 'quantity', unit: 'ms', default: 1, min: 0, exclusiveMin: true, doc: 'Rise time constant.' },
    tau_decay: { kind: 'quantity', unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'Decay time constant.' },
    E: REVERSAL_PARAM,
    output: OUTPUT_PARAM,
  },
  states: {
    g: { unit: '{w}·ms', init: '0', doc: 'Conductance-like variable (weight × ms).' },
    h: { unit: '{w}', init: '0', doc: 'Rise variable that receives the spikes.' },
  },
  inputs: SPIKE_INPUT,
  outputs: CURRENT_OUTPUT,
  update: ['g = exp_euler(g, h * tau_decay, tau_decay)', 'h = h * exp(-dt / tau_rise)'],
  // g carries an extra ms (the spike adds the bare weight to h), so the current divides it out:
  // `/ ms` is an exact 1 in internal units, dropped before printing.
  synapse: {
    ...linearSpec('h', 'Jump of h per presynaptic spike (g_max).'),
    current: { conductance: 'g * (E - V_post) / ms', current: 'g / ms' },
  },
};
