import type { BlockDef } from '../types.js';
import { amplitude, clip, conductanceParams, CONDUCTANCE_SYNAPSE, PLASTICITY_REFS, traceTau } from './plastic.js';

/**
 * Triplet STDP (Pfister & Gerstner 2006, all-to-all interaction): two presynaptic traces
 * r1 (tau_plus), r2 (tau_x) and two postsynaptic ones o1 (tau_minus), o2 (tau_y) per
 * connection. A presynaptic arrival depresses w by w_max·o1·(A2_minus + A3_minus·r2), a
 * postsynaptic spike potentiates it by w_max·r1·(A2_plus + A3_plus·o2), each with the
 * triplet trace as it was just before the spike (before its own increment). Defaults: the
 * paper's minimal all-to-all model fitted to visual cortex (A2_plus = A3_minus = 0).
 */
export const tripletStdp: BlockDef = {
  ...CONDUCTANCE_SYNAPSE,
  type: 'triplet-stdp',
  title: 'Triplet STDP synapse',
  doc:
    'Conductance synapse whose weights learn by the triplet rule of Pfister & Gerstner (2006), ' +
    'all-to-all. Per connection: w and traces r1, r2 (presynaptic) and o1, o2 (postsynaptic), each ' +
    '+1 per spike and decaying between events. On a presynaptic arrival: g += w, ' +
    'w −= w_max·o1·(A2_minus + A3_minus·r2), then r1, r2 += 1; on a postsynaptic spike: ' +
    'w += w_max·r1·(A2_plus + A3_plus·o2), then o1, o2 += 1; w stays in [0, w_max]. Defaults: the ' +
    'minimal all-to-all model for visual cortex.',
  references: [PLASTICITY_REFS.pfister2006, PLASTICITY_REFS.brian2Events, PLASTICITY_REFS.section],
  params: {
    ...conductanceParams(5),
    tau_plus: traceTau('Decay of r1.', 16.8),
    tau_x: traceTau('Decay of r2 (presynaptic triplet trace).', 101),
    tau_minus: traceTau('Decay of o1.', 33.7),
    tau_y: traceTau('Decay of o2 (postsynaptic triplet trace).', 125),
    A2_plus: amplitude('Pair potentiation, fraction of w_max.', 0),
    A3_plus: amplitude('Triplet potentiation, fraction of w_max.', 6.5e-3),
    A2_minus: amplitude('Pair depression, fraction of w_max.', 7.1e-3),
    A3_minus: amplitude('Triplet depression, fraction of w_max.', 0),
    w_max: { kind: 'quantity', unit: 'µS', default: 0.01, min: 0, doc: 'Largest weight.' },
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
        r1: { unit: '', init: 0, tau: 'tau_plus', doc: 'Fast presynaptic trace.' },
        r2: { unit: '', init: 0, tau: 'tau_x', doc: 'Slow presynaptic trace.' },
        o1: { unit: '', init: 0, tau: 'tau_minus', doc: 'Fast postsynaptic trace.' },
        o2: { unit: '', init: 0, tau: 'tau_y', doc: 'Slow postsynaptic trace.' },
      },
      onPre: [
        `w = ${clip('w - w_max * o1 * (A2_minus + A3_minus * r2)')}`,
        'r1 = r1 + 1',
        'r2 = r2 + 1',
      ],
      onPost: [
        `w = ${clip('w + w_max * r1 * (A2_plus + A3_plus * o2)')}`,
        'o1 = o1 + 1',
        'o2 = o2 + 1',
      ],
    },
  },
};
