import type { BlockDef, ParamDef, PortDef, SynapseSpec } from '../types.js';

/**
 * Shared pieces of the linear synapses (exponential, alpha, dual exponential): state per
 * postsynaptic neuron, a presynaptic spike adds the weight to the jumping variable, and the
 * output is either a current (I = g) or a conductance (I = g·(E − V_post)).
 */

export const OUTPUT_PARAM: ParamDef = {
  kind: 'enum',
  values: ['conductance', 'current'],
  default: 'conductance',
  doc: 'conductance: I = g·(E − V_post), weights in µS; current: I = g, weights in nA.',
};

export const REVERSAL_PARAM: ParamDef = {
  kind: 'quantity', unit: 'mV', default: 0, doc: 'Reversal potential (conductance output only).',
};

export const SPIKE_INPUT: Readonly<Record<string, PortDef>> = {
  pre: { type: 'spikes', doc: 'Presynaptic spikes.', required: true },
};

export const CURRENT_OUTPUT: Readonly<Record<string, PortDef>> = {
  post: { type: 'current', unit: 'nA', doc: 'Current into the postsynaptic neuron block.', required: true },
};

/** The synapse spec of a linear synapse whose conductance-like state is `g`, jumping `jump`. */
export function linearSpec(jump: string, weightDoc: string): SynapseSpec {
  return {
    stateOn: 'post',
    jump,
    current: { conductance: 'g * (E - V_post)', current: 'g' },
    variantParam: 'output',
    weightUnit: { conductance: 'µS', current: 'nA' },
    weightDefault: 0.001,
    weightDoc,
  };
}
