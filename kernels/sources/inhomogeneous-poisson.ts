import type { BlockDef } from '../types.js';
import { REFS, modelsSection } from '../references.js';

/** Poisson spike trains whose rate changes with time (Brian2's `PoissonGroup` with rates given as a function of t). */
export const inhomogeneousPoisson: BlockDef = {
  type: 'inhomogeneous-poisson',
  category: 'source',
  title: 'Poisson (rate of t)',
  doc:
    'Each neuron spikes in step i with probability rate(t_i)·dt, rate an expression of the time t ' +
    'with units, e.g. "10 Hz + 5 Hz * sin(2 * pi * t / (100 ms))", evaluated at the start of the ' +
    'step; drawn from the counter-based generator like the Poisson block. A rate that is negative ' +
    'or above 1/dt at some step of the run is refused.',
  references: [REFS.brian2, modelsSection('Spike sources')],
  template: 'elementwise',
  sized: true,
  params: {
    rate: { kind: 'time-expression', unit: 'Hz', default: '10 Hz', doc: 'Firing rate of each neuron as an expression of t (t, pi, numbers with units, sin, cos, exp…).' },
  },
  states: {},
  inputs: {},
  outputs: { spikes: { type: 'spikes', doc: 'Poisson spikes.' } },
  update: ['spike = bernoulli(rate * dt / 1000)'],
};
