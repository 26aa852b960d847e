import type { BlockDef } from '../types.js';
import { REFS, modelsSection } from '../references.js';

/**
 * Poisson spike trains whose rate changes with time (Brian2's `PoissonGroup` with rates given
 * as a function of t, or a `TimedArray` interpolated linearly: src-main/compiler/rate-table.ts).
 */
export const inhomogeneousPoisson: BlockDef = {
  type: 'inhomogeneous-poisson',
  category: 'source',
  title: 'Poisson (rate of t)',
  doc:
    'Each neuron spikes in step i with probability rate(t_i)·dt, rate an expression of the time t ' +
    'with units, e.g. "10 Hz + 5 Hz * sin(2 * pi * t / (100 ms))", evaluated at the start of the ' +
    'step; drawn from the counter-based generator like the Poisson block. The rate may instead be ' +
    'a table of (t, rate) rows, e.g. loaded from a CSV file: linear between rows, held at the first ' +
    'row\'s rate before it and at the last row\'s after it. A rate that is negative or above 1/dt ' +
    'at some step of the run is refused.',
  references: [REFS.brian2, modelsSection('Spike sources')],
  template: 'elementwise',
  sized: true,
  params: {
    rate: { kind: 'time-expression', unit: 'Hz', default: '10 Hz', doc: 'Firing rate of each neuron as an expression of t (t, pi, numbers with units, sin, cos, exp…), or a table {"table": [[t, rate], …]} (t in ms and rate in Hz where bare numbers; rows in increasing t).' },
  },
  states: {},
  inputs: {},
  outputs: { spikes: { type: 'spikes', doc: 'Poisson spikes.' } },
  update: ['spike = bernoulli(rate * dt / 1000)'],
};
