import type { BlockDef } from '../types.js';
import { amplitude, clip, conductanceParams, CONDUCTANCE_SYNAPSE, PLASTICITY_REFS, traceTau } from './plastic.js';

/**
 * Pair-based STDP on a conductance synapse, as Brian2's examples/synapses/STDP.py (Song,
 * Miller & Abbott 2000). Each connection keeps a presynaptic trace a_pre and a postsynaptic
 * trace a_post (event-driven, decaying between events) and its weight w. A presynaptic
 * spike's arrival delivers w to g, then depresses w by A_post·a_post; a postsynaptic spike
 * potentiates w by A_pre·a_pre. All-to-all pairing adds 1 to a trace per spike; nearest-spike
 * sets it to 1, so only the nearest earlier spike of the other side counts.
 */
export const stdp: BlockDef = {
  ...CONDUCTANCE_SYNAPSE,
  type: 'stdp',
  title: 'STDP synapse (pair-based)',
  doc:
    'Conductance synapse whose weights learn by pair-based spike-timing-dependent plasticity. ' +
    'g decays with tau and jumps by w when a presynaptic spike arrives. Per connection: w and ' +
    'two traces that decay between events (a_pre with tau_pre, a_post with tau_post). On a ' +
    'presynaptic arrival: g += w, a_pre += 1, w += A_post·w_max·a_post; on a postsynaptic spike: ' +
    'a_post += 1, w += A_pre·w_max·a_pre. Additive: hard bounds [0, w_max] (Song et al. 2000). ' +
    'Multiplicative: potentiation scaled by (w_max − w)/w_max and depression by w/w_max, soft ' +
    'bounds (van Rossum et al. 2000; Morrison et al. 2008). Nearest-spike pairing sets a trace ' +
    'to 1 instead of adding 1.',
  references: [PLASTICITY_REFS.song2000, PLASTICITY_REFS.vanRossum2000, PLASTICITY_REFS.morrison2008, PLASTICITY_REFS.brian2Events, PLASTICITY_REFS.section],
  params: {
    ...conductanceParams(5),
    tau_pre: traceTau('Decay of the presynaptic trace (potentiation window).', 20),
    tau_post: traceTau('Decay of the postsynaptic trace (depression window).', 20),
    A_pre: amplitude('Potentiation per pair at zero lag, as a fraction of w_max.', 0.01),
    A_post: amplitude('Depression per pair at zero lag, as a fraction of w_max (negative).', -0.0105),
    w_max: { kind: 'quantity', unit: 'µS', default: 0.01, min: 0, doc: 'Largest weight.' },
    weight_dependence: {
      kind: 'enum', values: ['additive', 'multiplicative'], default: 'additive',
      doc: 'additive: Δw independent of w, clipped to [0, w_max]; multiplicative: LTP ∝ w_max − w, LTD ∝ w.',
    },
    pairing: {
      kind: 'enum', values: ['all-to-all', 'nearest'], default: 'all-to-all',
      doc: 'all-to-all: every earlier spike of the other side counts; nearest: only the last one.',
    },
  },
  states: {
    g: { unit: 'µS', init: '0', doc: 'Conductance per postsynaptic neuron.' },
  },
  synapse: {
    stateOn: 'post',
    jump: 'g',
    current: 'g * (E - V_post)',
    weightUnit: 'µS',
    weightDefault: 0.005,
    weightDoc: 'Initial weight of each connection (learns; bounded by w_max).',
    plasticity: {
      states: {
        a_pre: { unit: '', init: 0, tau: 'tau_pre', doc: 'Presynaptic trace.' },
        a_post: { unit: '', init: 0, tau: 'tau_post', doc: 'Postsynaptic trace.' },
      },
      onPre: [
        { when: { pairing: 'all-to-all' }, code: 'a_pre = a_pre + 1' },
        { when: { pairing: 'nearest' }, code: 'a_pre = 1' },
        { when: { weight_dependence: 'additive' }, code: `w = ${clip('w + A_post * w_max * a_post')}` },
        { when: { weight_dependence: 'multiplicative' }, code: 'w = max(w + A_post * w * a_post, 0)' },
      ],
      onPost: [
        { when: { pairing: 'all-to-all' }, code: 'a_post = a_post + 1' },
        { when: { pairing: 'nearest' }, code: 'a_post = 1' },
        { when: { weight_dependence: 'additive' }, code: `w = ${clip('w + A_pre * w_max * a_pre')}` },
        { when: { weight_dependence: 'multiplicative' }, code: 'w = min(w + A_pre * (w_max - w) * a_pre, w_max)' },
      ],
    },
  },
};
