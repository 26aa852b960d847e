import type { BlockDef } from '../types.js';
import { REFS, modelsSection } from '../references.js';

/**
 * Aggregated Poisson drive (Brian2's `PoissonInput`): K independent Poisson inputs of rate
 * nu per neuron, each spike a voltage jump w, drawn as one binomial count per neuron and step
 * instead of K source neurons and their connections.
 */
export const poissonInput: BlockDef = {
  type: 'poisson-input',
  category: 'current',
  title: 'Poisson drive',
  doc:
    'K independent Poisson inputs of rate `rate` onto every neuron of the connected block, each ' +
    'spike a voltage jump of w (the external drive of Brunel 2000). Per neuron and step the ' +
    'number of input spikes is one binomial count, binomial(K, rate·dt), exact by inversion ' +
    'while K·rate·dt ≤ 16 and a rounded normal above; the neuron receives w times that count ' +
    'as a jump (its input J).',
  references: [REFS.brian2, { text: 'Brunel (2000), J. Comput. Neurosci. 8:183', href: 'https://doi.org/10.1023/A:1008925309027' }, modelsSection('Poisson drive')],
  template: 'elementwise',
  sized: false,
  perTarget: true,
  params: {
    K: { kind: 'quantity', unit: '', default: 1000, min: 0, doc: 'Number of independent inputs per neuron (rounded to a whole number).' },
    rate: { kind: 'quantity', unit: 'Hz', default: 10, min: 0, doc: 'Rate of each input.' },
    w: { kind: 'quantity', unit: 'mV', default: 0.1, doc: 'Voltage jump per input spike.' },
  },
  states: {},
  inputs: {},
  outputs: {
    J: { type: 'jump', unit: 'mV', doc: 'Voltage jumps into each neuron of the connected block: an independent count per neuron.' },
  },
  update: ['J_out = w * binomial(round(K), rate * dt / 1000)'],
};
