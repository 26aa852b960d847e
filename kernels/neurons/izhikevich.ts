import type { BlockDef } from '../types.js';
import { REFS, modelsSection } from '../references.js';

/** Izhikevich's two-variable neuron, stepped as in Jaxley's `Izhikevich` channel. */
export const izhikevich: BlockDef = {
  type: 'izhikevich',
  category: 'neuron',
  title: 'Izhikevich',
  doc:
    'Izhikevich (2003) neuron. Per step: u relaxes towards b·v with time constant 1/a ' +
    '(exponential Euler), then v advances by forward Euler with the new u; v ≥ v_peak ' +
    'emits a spike, sets v to c and adds d to u.',
  references: [REFS.izhikevich2003, REFS.jaxley('jaxley.channels.Izhikevich'), modelsSection('Izhikevich')],
  template: 'elementwise',
  sized: true,
  params: {
    a: { kind: 'quantity', unit: '1/ms', default: 0.02, min: 0, exclusiveMin: true, doc: 'Rate of the recovery variable u.' },
    b: { kind: 'quantity', unit: '1/ms', default: 0.2, doc: 'Sensitivity of u to v.' },
    c: { kind: 'quantity', unit: 'mV', default: -65, doc: 'Reset value of v after a spike.' },
    d: { kind: 'quantity', unit: 'mV/ms', default: 8, doc: 'Increment of u after a spike.' },
    C: { kind: 'quantity', unit: 'nF', default: 1, min: 0, exclusiveMin: true, doc: 'Capacitance scaling the input current.' },
    v_peak: { kind: 'quantity', unit: 'mV', default: 30, doc: 'Spike cut-off.' },
    v0: { kind: 'quantity', unit: 'mV', default: -65, doc: 'Initial membrane potential.' },
  },
  states: {
    v: { unit: 'mV', init: 'v0', doc: 'Membrane potential.' },
    u: { unit: 'mV/ms', init: 'b * v', doc: 'Recovery variable (starts at b·v).' },
  },
  inputs: {
    I: { type: 'current', unit: 'nA', doc: 'Input current: the sum of all connected synapses and current sources.' },
    J: { type: 'jump', unit: 'mV', doc: 'Voltage jumps (delta synapses, Poisson drive): added to v at the start of the step.' },
  },
  outputs: {
    spikes: { type: 'spikes', doc: 'Spikes emitted in the step.' },
    v: { type: 'voltage', unit: 'mV', doc: 'Membrane potential.' },
  },
  voltage: 'v',
  // Jumps land before the step's update (models.md, "Voltage jumps"); the model has no refractory period.
  onJump: ['v = v + J'],
  update: [
    'u = exp_euler(u, b * v, 1 / a)',
    // The coefficients carry their units (unit names are exact 1s in internal units, dropped before printing).
    'v = v + dt * (0.04 / mV / ms * v * v + 5 / ms * v + 140 * mV / ms - u + I / C)',
    'spike = v >= v_peak',
    'v = spike ? c : v',
    'u = spike ? u + d : u',
  ],
};
