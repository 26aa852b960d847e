import type { BlockDef } from '../types.js';
import { CURRENT_OUTPUT, OUTPUT_PARAM, REVERSAL_PARAM, SPIKE_INPUT, linearSpec } from './linear.js';
import { PLASTICITY_REFS } from './plastic.js';

/**
 * Short-term plasticity of Tsodyks & Markram (1997), in the form of Markram, Wang & Tsodyks
 * (1998) that NEST's tsodyks2_synapse steps: per connection a utilisation u (relaxing to 0
 * with tau_facil) and available resources x (recovering to 1 with tau_rec). A spike first
 * facilitates, u ← u + U·(1 − u), then releases r = u·x, x ← x − r, and delivers w·r to g.
 * So u_{n+1} = U + u_n·(1 − U)·e^(−Δ/tau_facil) and x_{n+1} = 1 + (x_n − u_n·x_n − 1)·e^(−Δ/tau_rec)
 * for spikes Δ apart; the first spike delivers U·w. tau_facil = 0 gives pure depression.
 */
export const tsodyksMarkram: BlockDef = {
  type: 'tsodyks-markram',
  category: 'synapse',
  title: 'Short-term plasticity (Tsodyks–Markram)',
  doc:
    'Exponential synapse with short-term facilitation and depression (Tsodyks & Markram 1997; ' +
    'Markram et al. 1998). Per connection: u, the fraction of resources a spike uses (relaxes to ' +
    '0 with tau_facil), and x, the resources available (recover to 1 with tau_rec). On a ' +
    'presynaptic arrival: u += U·(1 − u); r = u·x; x −= r; g += w·r. g decays with tau. ' +
    'tau_facil = 0: depression only (u = U at every spike).',
  references: [PLASTICITY_REFS.tsodyks1997, PLASTICITY_REFS.markram1998, PLASTICITY_REFS.brian2Events, PLASTICITY_REFS.section],
  template: 'elementwise',
  sized: false,
  params: {
    tau: { kind: 'quantity', unit: 'ms', default: 3, min: 0, exclusiveMin: true, doc: 'Decay time constant of g.' },
    E: REVERSAL_PARAM,
    output: OUTPUT_PARAM,
    U: { kind: 'quantity', unit: '', default: 0.5, min: 0, max: 1, doc: 'Utilisation increment per spike (release probability at rest).' },
    tau_rec: { kind: 'quantity', unit: 'ms', default: 800, min: 0, exclusiveMin: true, doc: 'Recovery of resources (depression).' },
    tau_facil: { kind: 'quantity', unit: 'ms', default: 0, min: 0, doc: 'Decay of utilisation (facilitation); 0: none.' },
  },
  states: {
    g: { unit: '{w}', init: '0', doc: 'Conductance (or current, for current output).' },
  },
  inputs: SPIKE_INPUT,
  outputs: CURRENT_OUTPUT,
  update: ['g = g * exp(-dt / tau)'],
  synapse: {
    ...linearSpec('g', 'Absolute efficacy A of the connection: a spike delivers w·u·x.'),
    plasticity: {
      states: {
        u: { unit: '', init: 0, tau: 'tau_facil', doc: 'Utilisation of resources.' },
        x: { unit: '', init: 1, tau: 'tau_rec', rest: 1, doc: 'Available resources.' },
      },
      onPre: ['u = u + U * (1 - u)', 'r = u * x', 'x = x - r', 'delivered = w * r'],
      onPost: [],
    },
  },
};
