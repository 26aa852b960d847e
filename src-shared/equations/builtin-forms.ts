/**
 * Built-in blocks written as equation block types: the starting point of "Duplicate as
 * equations…". LIF and the exponential and alpha synapses give bit-identical results to the
 * built-ins (same scheme, same trees: test/src-shared/equations/equivalence.test.ts).
 * Izhikevich and Hodgkin–Huxley are the same models but not the same schemes: the built-in
 * Izhikevich steps u before v (semi-implicit), and the built-in HH writes its leak-and-
 * channel target in another order; their equation forms agree closely, not bit for bit.
 */
import type { BlockTypeInput } from './type-schema.js';

const LIF: BlockTypeInput = {
  category: 'neuron',
  title: 'LIF (refractory), as equations',
  params: {
    V_rest: { unit: 'mV', default: -65, doc: 'Resting potential.' },
    V_reset: { unit: 'mV', default: -65, doc: 'Potential after a spike.' },
    V_th: { unit: 'mV', default: -50, doc: 'Spike threshold.' },
    R: { unit: 'Mohm', default: 1, min: 0, exclusiveMin: true, doc: 'Membrane resistance.' },
    tau: { unit: 'ms', default: 10, min: 0, exclusiveMin: true, doc: 'Membrane time constant.' },
    tau_ref: { unit: 'ms', default: 2, min: 0, doc: 'Absolute refractory period.' },
  },
  states: { V: { init: 'V_rest', doc: 'Membrane potential.' } },
  equations: 'dV/dt = (V_rest - V + R*I) / tau : mV (unless refractory)',
  threshold: 'V >= V_th',
  reset: 'V = V_reset',
  refractory: 'tau_ref',
  method: 'exponential_euler',
};

const SYNAPSE_PARAMS = {
  tau: { unit: 'ms', default: 8, min: 0, exclusiveMin: true, doc: 'Time constant.' },
  E: { unit: 'mV', default: 0, doc: 'Reversal potential.' },
};

const EXPONENTIAL: BlockTypeInput = {
  category: 'synapse',
  title: 'Exponential synapse, as equations',
  params: SYNAPSE_PARAMS,
  equations: 'dg/dt = -g/tau : uS',
  on_pre: 'g += w',
  current: 'g * (E - V_post)',
  weight: { unit: 'uS', default: 0.001, doc: 'Jump of g per presynaptic spike.' },
  method: 'exponential_euler',
};

const ALPHA: BlockTypeInput = {
  ...EXPONENTIAL,
  title: 'Alpha synapse, as equations',
  equations: 'dg/dt = (h - g)/tau : uS\ndh/dt = -h/tau : uS',
  on_pre: 'h += w',
  weight: { unit: 'uS', default: 0.001, doc: 'Jump of h per presynaptic spike.' },
};

const IZHIKEVICH: BlockTypeInput = {
  category: 'neuron',
  title: 'Izhikevich, as equations',
  params: {
    a: { unit: '1/ms', default: 0.02, min: 0, exclusiveMin: true, doc: 'Rate of the recovery variable u.' },
    b: { unit: '1/ms', default: 0.2, doc: 'Sensitivity of u to v.' },
    c: { unit: 'mV', default: -65, doc: 'Reset value of v after a spike.' },
    d: { unit: 'mV/ms', default: 8, doc: 'Increment of u after a spike.' },
    C: { unit: 'nF', default: 1, min: 0, exclusiveMin: true, doc: 'Capacitance scaling the input current.' },
    v_peak: { unit: 'mV', default: 30, doc: 'Spike cut-off.' },
    v0: { unit: 'mV', default: -65, doc: 'Initial membrane potential.' },
  },
  states: { v: { init: 'v0' }, u: { init: 'b * v0' } },
  equations: 'dv/dt = 0.04/(mV*ms)*v**2 + 5/ms*v + 140*mV/ms - u + I/C : mV\ndu/dt = a*(b*v - u) : mV/ms',
  threshold: 'v >= v_peak',
  reset: 'v = c; u += d',
  method: 'euler',
};

/** HH rates in 1/ms of V in mV; vtrap continues x/(exp(x/y) − 1) through its removable singularity. */
const HH_RATES = [
  'alpha_m = 0.1/(mV*ms) * vtrap(-(V + 40*mV), 10*mV) : 1/ms',
  'beta_m = 4/ms * exp(-(V + 65*mV)/(18*mV)) : 1/ms',
  'alpha_h = 0.07/ms * exp(-(V + 65*mV)/(20*mV)) : 1/ms',
  'beta_h = 1/ms / (1 + exp(-(V + 35*mV)/(10*mV))) : 1/ms',
  'alpha_n = 0.01/(mV*ms) * vtrap(-(V + 55*mV), 10*mV) : 1/ms',
  'beta_n = 0.125/ms * exp(-(V + 65*mV)/(80*mV)) : 1/ms',
];

/** A gate's steady state at V0, written out (initial values see parameters only). */
function steadyAt(alpha: string, beta: string): string {
  const at = (rate: string) => HH_RATES.find((r) => r.startsWith(`${rate} =`))!.replace(/^\w+ = /, '').replace(/ : 1\/ms$/, '').replace(/\bV\b/g, 'V0');
  return `(${at(alpha)}) / ((${at(alpha)}) + (${at(beta)}))`;
}

const HH: BlockTypeInput = {
  category: 'neuron',
  title: 'Hodgkin–Huxley, as equations',
  params: {
    C: { unit: 'nF', default: 1, min: 0, exclusiveMin: true, doc: 'Membrane capacitance.' },
    ENa: { unit: 'mV', default: 50, doc: 'Sodium reversal potential.' },
    gNa: { unit: 'uS', default: 120, min: 0, doc: 'Maximal sodium conductance.' },
    EK: { unit: 'mV', default: -77, doc: 'Potassium reversal potential.' },
    gK: { unit: 'uS', default: 36, min: 0, doc: 'Maximal potassium conductance.' },
    EL: { unit: 'mV', default: -54.387, doc: 'Leak reversal potential.' },
    gL: { unit: 'uS', default: 0.03, min: 0, doc: 'Leak conductance.' },
    V_th: { unit: 'mV', default: 20, doc: 'Spike detection threshold (upward crossing).' },
    V0: { unit: 'mV', default: -65, doc: 'Initial membrane potential.' },
  },
  states: {
    V: { init: 'V0' },
    m: { init: steadyAt('alpha_m', 'beta_m') },
    h: { init: steadyAt('alpha_h', 'beta_h') },
    n: { init: steadyAt('alpha_n', 'beta_n') },
  },
  equations: [
    ...HH_RATES,
    'dV/dt = (gNa*m**3*h*(ENa - V) + gK*n**4*(EK - V) + gL*(EL - V) + I) / C : mV',
    'dm/dt = alpha_m*(1 - m) - beta_m*m : 1',
    'dh/dt = alpha_h*(1 - h) - beta_h*h : 1',
    'dn/dt = alpha_n*(1 - n) - beta_n*n : 1',
  ].join('\n'),
  // A spike is an upward crossing: above V_th the cell is refractory, so it fires once per crossing.
  threshold: 'V > V_th',
  refractory: 'V > V_th',
  method: 'exponential_euler',
};

const FORMS: Readonly<Record<string, BlockTypeInput>> = { lif: LIF, exponential: EXPONENTIAL, alpha: ALPHA, izhikevich: IZHIKEVICH, hh: HH };

/** A built-in block as an equation block type (a copy to edit), or undefined when it has no such form. */
export function builtinAsEquations(type: string): BlockTypeInput | undefined {
  const form = Object.hasOwn(FORMS, type) ? FORMS[type] : undefined;
  return form ? structuredClone(form) : undefined;
}

/** The built-ins that have an equation form. */
export const BUILTINS_WITH_EQUATIONS: readonly string[] = Object.keys(FORMS);
