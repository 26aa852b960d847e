import type { BlockDef, ParamDef, StateDef } from '../types.js';
import { CURRENT_OUTPUT, SPIKE_INPUT } from './linear.js';
import { REFS, modelsSection } from '../references.js';

/**
 * Shared pieces of the kinetic (Markov) receptor synapses: state per presynaptic neuron,
 * a square transmitter pulse of height T for T_dur (whole steps) after each spike.
 */

export const ARRIVAL_STATE: StateDef = {
  unit: 'ms', init: '-1e7', doc: 'Time of the last presynaptic spike.',
};

export function pulseParams(T: number, T_dur: number): Record<string, ParamDef> {
  return {
    T: { kind: 'quantity', unit: 'mM', default: T, min: 0, doc: 'Transmitter concentration during the pulse.' },
    T_dur: { kind: 'quantity', unit: 'ms', default: T_dur, min: 0, exclusiveMin: true, doc: 'Duration of the transmitter pulse.' },
  };
}

/** Statements that update the arrival time and define TT, the transmitter concentration. */
export const PULSE_CODE: readonly string[] = [
  't_arr = spike_in ? t : t_arr',
  'TT = round((t - t_arr) / dt) < round(T_dur / dt) ? T : 0',
];

/** AMPA and GABAa share one scheme and differ in constants. */
export function receptorBlock(o: {
  type: string; title: string; doc: string; alpha: number; beta: number; T: number; T_dur: number; E: number;
}): BlockDef {
  return {
    type: o.type,
    category: 'synapse',
    title: o.title,
    doc: o.doc,
    references: [REFS.destexhe1994, REFS.ampa, REFS.brainpyState('AMPA, GABAa'), modelsSection('Synapses')],
    template: 'elementwise',
    sized: false,
    params: {
      alpha: { kind: 'quantity', unit: '1/ms/mM', default: o.alpha, min: 0, doc: 'Binding rate.' },
      beta: { kind: 'quantity', unit: '1/ms', default: o.beta, min: 0, exclusiveMin: true, doc: 'Unbinding rate.' },
      ...pulseParams(o.T, o.T_dur),
      E: { kind: 'quantity', unit: 'mV', default: o.E, doc: 'Reversal potential.' },
    },
    states: {
      g: { unit: '', init: '0', doc: 'Fraction of open receptors.' },
      t_arr: ARRIVAL_STATE,
    },
    inputs: SPIKE_INPUT,
    outputs: CURRENT_OUTPUT,
    update: [
      ...PULSE_CODE,
      'k = alpha * TT + beta',
      'g = exp_euler(g, alpha * TT / k, 1 / k)',
    ],
    synapse: {
      stateOn: 'pre',
      gather: 'g',
      current: 'wsum * (E - V_post)',
      weightUnit: 'µS',
      weightDefault: 1,
      weightDoc: 'Maximal conductance g_max of the connection.',
    },
  };
}
