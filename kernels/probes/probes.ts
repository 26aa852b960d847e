import type { BlockDef } from '../types.js';
import { REFS, modelsSection } from '../references.js';

const NEURONS_DOC = 'Which neurons to record: "all" or a list of indices.';

/** Records a state of the connected block at a fixed interval (Brian2 `StateMonitor`). */
export const stateProbe: BlockDef = {
  type: 'state-probe',
  category: 'probe',
  title: 'State probe',
  doc:
    'Records one state of the connected block for the chosen neurons every `interval` ' +
    '(whole steps). Sample k holds the value at t = k·interval; sample 0 is the initial state.',
  references: [REFS.brian2, modelsSection('Recording')],
  template: 'probe',
  sized: false,
  params: {
    state: { kind: 'state-name', doc: 'Name of the state to record, e.g. "V".' },
    neurons: { kind: 'index-set', doc: NEURONS_DOC },
    interval: { kind: 'quantity', unit: 'ms', default: 0, min: 0, doc: 'Sampling interval; 0 records every step.' },
  },
  states: {},
  inputs: { target: { type: 'any', doc: 'Any output of the block whose state is recorded.', required: true } },
  outputs: {},
  update: [],
};

/**
 * Records the weight of every connection of a plastic synapse every `interval`: the
 * snapshots the weight-distribution view animates and the weights CSV exports (one row per
 * connection and snapshot: t, pre, post, w). Compiled as a weight probe of all connections.
 */
export const weightSnapshots: BlockDef = {
  type: 'weight-snapshots',
  category: 'probe',
  title: 'Weight snapshots',
  doc:
    'Records the weight `w` of every connection of a plastic synapse every `interval` (whole steps), ' +
    'sample 0 being the initial weights. Shown as a histogram of the weights at a chosen snapshot, ' +
    'animated over the run; exported as one CSV row per connection and snapshot (t, pre, post, w). ' +
    'Stored: 4 B per connection and snapshot; a synapse of more than 2·10^6 connections, or snapshots of more ' +
    'than 10^8 weights in all, are refused (record chosen connections with a state probe of `w` instead).',
  references: [REFS.brian2, modelsSection('Recording')],
  template: 'probe',
  sized: false,
  params: {
    interval: { kind: 'quantity', unit: 'ms', default: 100, min: 0, exclusiveMin: true, doc: 'Time between two snapshots.' },
  },
  states: {},
  inputs: { target: { type: 'any', doc: 'The post output of a plastic synapse (STDP, triplet STDP, Tsodyks–Markram, a plastic equation type).', required: true } },
  outputs: {},
  update: [],
};

/** Records spike times and indices (Brian2 `SpikeMonitor`). */
export const spikeProbe: BlockDef = {
  type: 'spike-probe',
  category: 'probe',
  title: 'Spike probe',
  doc: 'Records every spike of the chosen neurons as (t, neuron), t being the start of the step that emitted it.',
  references: [REFS.brian2, modelsSection('Recording')],
  template: 'probe',
  sized: false,
  params: { neurons: { kind: 'index-set', doc: NEURONS_DOC } },
  states: {},
  inputs: { spikes: { type: 'spikes', doc: 'The spikes to record.', required: true } },
  outputs: {},
  update: [],
};

/** Population rate in bins (Brian2 `PopulationRateMonitor`, binned). */
export const rateProbe: BlockDef = {
  type: 'rate-probe',
  category: 'probe',
  title: 'Population rate',
  doc: 'Mean firing rate of the population per bin, in Hz, stamped with the bin\'s start time.',
  references: [REFS.brian2, modelsSection('Recording')],
  template: 'probe',
  sized: false,
  params: {
    bin: { kind: 'quantity', unit: 'ms', default: 1, min: 0, exclusiveMin: true, doc: 'Bin width (whole steps).' },
  },
  states: {},
  inputs: { spikes: { type: 'spikes', doc: 'The spikes to count.', required: true } },
  outputs: {},
  update: [],
};
