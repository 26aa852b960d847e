import type { BlockDef } from '../types.js';
import { modelsSection } from '../references.js';

/** A clock: one spike per period from `start`, in every neuron. */
export const regular: BlockDef = {
  type: 'regular',
  category: 'source',
  title: 'Regular',
  doc:
    'Every neuron spikes once per period, the first time in step round(start/dt); the period ' +
    'is `period` when set (> 0), else 1/rate, rounded to whole steps (at least one).',
  references: [modelsSection('Spike sources')],
  template: 'elementwise',
  sized: true,
  params: {
    rate: { kind: 'quantity', unit: 'Hz', default: 10, min: 0, doc: 'Spikes per second (used when period is 0).' },
    period: { kind: 'quantity', unit: 'ms', default: 0, min: 0, doc: 'Interval between spikes; 0 means 1/rate.' },
    start: { kind: 'quantity', unit: 'ms', default: 0, min: 0, doc: 'Time of the first spike.' },
  },
  states: {},
  inputs: {},
  outputs: { spikes: { type: 'spikes', doc: 'Regular spikes.' } },
  update: [
    'active = period > 0 || rate > 0',
    'n = active ? max(1, round((period > 0 ? period : 1000 / max(rate, 1e-30)) / dt)) : 1',
    'k = step - round(start / dt)',
    'spike = active && k >= 0 && k - floor(k / n) * n == 0',
  ],
};
