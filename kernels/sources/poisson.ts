import type { BlockDef } from '../types.js';
import { REFS, modelsSection } from '../references.js';

/** Independent Poisson spike trains (Brian2 `PoissonGroup`). */
export const poisson: BlockDef = {
  type: 'poisson',
  category: 'source',
  title: 'Poisson',
  doc:
    'Each neuron spikes in a step with probability rate·dt, drawn from the counter-based ' +
    'generator keyed by (run seed, block, neuron, step), so every engine emits the same trains.',
  references: [REFS.brian2, modelsSection('Random numbers')],
  template: 'elementwise',
  sized: true,
  params: {
    rate: { kind: 'quantity', unit: 'Hz', default: 10, min: 0, doc: 'Firing rate of each neuron.' },
  },
  states: {},
  inputs: {},
  outputs: { spikes: { type: 'spikes', doc: 'Poisson spikes.' } },
  update: ['spike = bernoulli(rate * dt / 1000)'],
};
