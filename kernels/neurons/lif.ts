import type { BlockDef } from '../types.js';
import { REFS, modelsSection } from '../references.js';

/** Leaky integrate-and-fire with an absolute refractory period (BrainPy `LifRef`). */
export const lif: BlockDef = {
  type: 'lif',
  category: 'neuron',
  title: 'LIF (refractory)',
  doc:
    'Leaky integrate-and-fire neuron with an absolute refractory period. V relaxes towards ' +
    'V_inf = V_rest + R·I by exponential Euler; during tau_ref after a spike (counted in whole ' +
    'steps) V is held; V ≥ V_th emits a spike and resets V to V_reset.',
  references: [REFS.lifRef, modelsSection('LIF with refractory period')],
  template: 'elementwise',
  sized: true,
  params: {
    V_rest: { kind: 'quantity', unit: 'mV', default: -65, doc: 'Resting potential.' },
    V_reset: { kind: 'quantity', unit: 'mV', default: -65, doc: 'Potential after a spike.' },
    V_th: { kind: 'quantity', unit: 'mV', default: -50, doc: 'Spike threshold.' },
    R: { kind: 'quantity', unit: 'MΩ', default: 1, min: 0, exclusiveMin: true, doc: 'Membrane resistance.' },
    tau: { kind: 'quantity', unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'Membrane time constant.' },
    tau_ref: { kind: 'quantity', unit: 'ms', default: 2, min: 0, doc: 'Absolute refractory period.' },
    V0: { kind: 'quantity', unit: 'mV', default: -65, defaultFrom: 'V_rest', doc: 'Initial membrane potential; V_rest unless set.' },
  },
  states: {
    V: { unit: 'mV', init: 'V0', doc: 'Membrane potential; starts at V0 (or a per-neuron value from init.V).' },
    t_last: { unit: 'ms', init: '-1e7', doc: 'Time of the last spike.' },
  },
  inputs: {
    I: { type: 'current', unit: 'nA', doc: 'Input current: the sum of all connected synapses and current sources.' },
    J: { type: 'jump', unit: 'mV', doc: 'Voltage jumps (delta synapses, Poisson drive): added to V at the start of the step unless refractory.' },
  },
  outputs: {
    spikes: { type: 'spikes', doc: 'Spikes emitted in the step.' },
    V: { type: 'voltage', unit: 'mV', doc: 'Membrane potential.' },
  },
  voltage: 'V',
  // A jump lands before the step's integration, and is dropped while refractory (NEST
  // iaf_psc_delta, Brian2's v_post += w*int(not_refractory_post)); models.md, "Voltage jumps".
  onJump: ['V = round((t - t_last) / dt) <= round(tau_ref / dt) ? V : V + J'],
  update: [
    'V_inf = V_rest + R * I',
    'V_free = exp_euler(V, V_inf, tau)',
    'refractory = round((t - t_last) / dt) <= round(tau_ref / dt)',
    'V = refractory ? V : V_free',
    'spike = V >= V_th',
    'V = spike ? V_reset : V',
    't_last = spike ? t : t_last',
  ],
};
