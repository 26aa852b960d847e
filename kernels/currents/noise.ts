import type { BlockDef } from '../types.js';
import { REFS, modelsSection } from '../references.js';

/** Output of the per-neuron noise currents: each neuron of the target gets its own. */
const NOISE_OUTPUT = {
  I: { type: 'current', unit: 'nA', doc: 'Current into each neuron of the connected block: an independent stream per neuron.' },
} as const;

/**
 * Gaussian white-noise current, per neuron (Brian2's `xi`): over each step the current is
 * held at mean + sigma·ξ/√dt with ξ a standard normal deviate drawn per neuron and step, so
 * a membrane integrating it performs the Euler–Maruyama step of dV = … dt + (R·sigma/tau) dW.
 */
export const whiteNoiseCurrent: BlockDef = {
  type: 'white-noise-current',
  category: 'current',
  title: 'White-noise current',
  doc:
    'Gaussian white noise of intensity sigma around mean, one independent stream per neuron of ' +
    'the connected block. In each step neuron k receives mean + sigma·ξ/√dt, ξ a standard normal ' +
    'deviate for (seed, block, k, step): the Euler–Maruyama discretisation, so sigma is in nA·ms^0.5 ' +
    'and a free LIF membrane settles to a variance of R²·sigma²/(2·tau) for dt ≪ tau.',
  references: [REFS.brian2, { text: 'Kloeden & Platen (1992), Numerical Solution of Stochastic Differential Equations (Springer)', href: 'https://doi.org/10.1007/978-3-662-12616-5' }, modelsSection('Noise currents')],
  template: 'elementwise',
  sized: false,
  perTarget: true,
  params: {
    mean: { kind: 'quantity', unit: 'nA', default: 0, doc: 'Mean current.' },
    sigma: { kind: 'quantity', unit: 'nA·ms^0.5', default: 1, min: 0, doc: 'Noise intensity: the current\'s standard deviation over a step is sigma/√dt.' },
  },
  states: {},
  inputs: {},
  outputs: NOISE_OUTPUT,
  update: ['I_out = mean + sigma * randn() / sqrt(dt)'],
};

/**
 * Ornstein–Uhlenbeck current, per neuron, advanced by its exact update (Gillespie 1996):
 * I ← mean + (I − mean)·e^(−dt/tau) + sigma·√(1 − e^(−2dt/tau))·ξ.
 */
export const ouCurrent: BlockDef = {
  type: 'ou-current',
  category: 'current',
  title: 'Ornstein–Uhlenbeck current',
  doc:
    'Coloured noise: an Ornstein–Uhlenbeck process per neuron of the connected block, relaxing to ' +
    'mean with time constant tau and with stationary standard deviation sigma. Step i injects ' +
    'the value I holds at its start, then advances I by the exact update ' +
    'I ← mean + (I − mean)·e^(−dt/tau) + sigma·√(1 − e^(−2dt/tau))·ξ, ξ a standard normal deviate ' +
    'for (seed, block, neuron, step). The autocorrelation is sigma²·e^(−|lag|/tau) at any dt.',
  references: [
    { text: 'Uhlenbeck & Ornstein (1930), Phys. Rev. 36:823', href: 'https://doi.org/10.1103/PhysRev.36.823' },
    { text: 'Gillespie (1996), Phys. Rev. E 54:2084', href: 'https://doi.org/10.1103/PhysRevE.54.2084' },
    modelsSection('Noise currents'),
  ],
  template: 'elementwise',
  sized: false,
  perTarget: true,
  params: {
    mean: { kind: 'quantity', unit: 'nA', default: 0, doc: 'Mean current.' },
    sigma: { kind: 'quantity', unit: 'nA', default: 1, min: 0, doc: 'Stationary standard deviation.' },
    tau: { kind: 'quantity', unit: 'ms', default: 5, min: 0, exclusiveMin: true, doc: 'Correlation time.' },
  },
  states: {
    I: { unit: 'nA', init: 'mean', doc: 'The current of each neuron; starts at mean (or a per-neuron value from init.I).' },
  },
  inputs: {},
  outputs: NOISE_OUTPUT,
  update: [
    'I_out = I',
    'decay = exp(-dt / tau)',
    'I = mean + (I - mean) * decay + sigma * sqrt(1 - decay * decay) * randn()',
  ],
};
