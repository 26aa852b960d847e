import type { BlockDef } from '../types.js';
import { REFS, modelsSection } from '../references.js';

/** Hodgkin–Huxley squid axon (BrainPy `HH`), every variable by exponential Euler. */
export const hh: BlockDef = {
  type: 'hh',
  category: 'neuron',
  title: 'Hodgkin–Huxley',
  doc:
    'Hodgkin–Huxley neuron with sodium, potassium and leak currents. V, m, h and n all ' +
    'advance from the start-of-step state, each by exponential Euler in itself (the gates ' +
    'with their α/β rates, V as linear for fixed gates and input). A spike is an upward ' +
    'crossing of V_th.',
  references: [REFS.hodgkinHuxley1952, REFS.hh, modelsSection('Hodgkin-Huxley')],
  template: 'elementwise',
  sized: true,
  params: {
    C: { kind: 'quantity', unit: 'nF', default: 1, min: 0, exclusiveMin: true, doc: 'Membrane capacitance.' },
    ENa: { kind: 'quantity', unit: 'mV', default: 50, doc: 'Sodium reversal potential.' },
    gNa: { kind: 'quantity', unit: 'µS', default: 120, min: 0, doc: 'Maximal sodium conductance.' },
    EK: { kind: 'quantity', unit: 'mV', default: -77, doc: 'Potassium reversal potential.' },
    gK: { kind: 'quantity', unit: 'µS', default: 36, min: 0, doc: 'Maximal potassium conductance.' },
    EL: { kind: 'quantity', unit: 'mV', default: -54.387, doc: 'Leak reversal potential.' },
    gL: { kind: 'quantity', unit: 'µS', default: 0.03, min: 0, doc: 'Leak conductance.' },
    V_th: { kind: 'quantity', unit: 'mV', default: 20, doc: 'Spike detection threshold (upward crossing).' },
    V0: { kind: 'quantity', unit: 'mV', default: -65, doc: 'Initial membrane potential.' },
  },
  functions: {
    // Rates in 1/ms of V in mV (unit names are exact 1s in internal units, dropped before printing).
    alpha_m: { args: ['V'], body: '0.1 / mV / ms * vtrap(-(V + 40), 10)' },
    beta_m: { args: ['V'], body: '4 / ms * exp(-(V + 65) / (18 * mV))' },
    alpha_h: { args: ['V'], body: '0.07 / ms * exp(-(V + 65) / (20 * mV))' },
    beta_h: { args: ['V'], body: '1 / ms / (1 + exp(-(V + 35) / (10 * mV)))' },
    alpha_n: { args: ['V'], body: '0.01 / mV / ms * vtrap(-(V + 55), 10)' },
    beta_n: { args: ['V'], body: '0.125 / ms * exp(-(V + 65) / (80 * mV))' },
  },
  states: {
    V: { unit: 'mV', init: 'V0', doc: 'Membrane potential.' },
    m: { unit: '', init: 'alpha_m(V) / (alpha_m(V) + beta_m(V))', doc: 'Sodium activation gate (starts at steady state).' },
    h: { unit: '', init: 'alpha_h(V) / (alpha_h(V) + beta_h(V))', doc: 'Sodium inactivation gate (starts at steady state).' },
    n: { unit: '', init: 'alpha_n(V) / (alpha_n(V) + beta_n(V))', doc: 'Potassium activation gate (starts at steady state).' },
  },
  inputs: {
    I: { type: 'current', unit: 'nA', doc: 'Input current: the sum of all connected synapses and current sources.' },
  },
  outputs: {
    spikes: { type: 'spikes', doc: 'Upward crossings of V_th.' },
    V: { type: 'voltage', unit: 'mV', doc: 'Membrane potential.' },
  },
  voltage: 'V',
  update: [
    'gna = gNa * m * m * m * h',
    'gk = gK * n * n * n * n',
    'G = gna + gk + gL',
    'V_inf = (gna * ENa + gk * EK + gL * EL + I) / G',
    'am = alpha_m(V)',
    'bm = beta_m(V)',
    'ah = alpha_h(V)',
    'bh = beta_h(V)',
    'an = alpha_n(V)',
    'bn = beta_n(V)',
    'm = exp_euler(m, am / (am + bm), 1 / (am + bm))',
    'h = exp_euler(h, ah / (ah + bh), 1 / (ah + bh))',
    'n = exp_euler(n, an / (an + bn), 1 / (an + bn))',
    'V_old = V',
    'V = exp_euler(V, V_inf, C / G)',
    'spike = V_old < V_th && V >= V_th',
  ],
};
