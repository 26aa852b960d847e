import type { BlockDef } from '../types.js';
import { REFS, modelsSection } from '../references.js';

/** Spikes at given times (BrainPy `SpikeTimeGroup`). */
export const spikeTimes: BlockDef = {
  type: 'spike-times',
  category: 'source',
  title: 'Spike times',
  doc: 'Emits each listed (neuron, time) spike in step round(time/dt).',
  references: [REFS.spikeTimeGroup, modelsSection('Spike sources')],
  template: 'spike-times',
  sized: true,
  params: {
    spikes: { kind: 'spike-list', doc: 'List of [neuron index, time] pairs, e.g. [[0, "10 ms"], [0, "30 ms"]].' },
  },
  states: {},
  inputs: {},
  outputs: { spikes: { type: 'spikes', doc: 'The scheduled spikes.' } },
  update: [],
};
