import type { BlockDef, ParamDef, Reference } from '../types.js';
import { modelsSection } from '../references.js';

/**
 * Shared pieces of the plastic synapses (STDP, triplet STDP, Tsodyks–Markram): a conductance
 * per postsynaptic neuron that decays with tau and jumps by what each arriving spike
 * delivers, with state per connection (assets/docs/models.md, "Plasticity").
 */

const doi = (text: string, id: string): Reference => ({ text, href: `https://doi.org/${id}` });

export const PLASTICITY_REFS = {
  song2000: doi('Song, Miller & Abbott (2000), Nat. Neurosci. 3:919', '10.1038/78829'),
  vanRossum2000: doi('van Rossum, Bi & Turrigiano (2000), J. Neurosci. 20:8812', '10.1523/JNEUROSCI.20-23-08812.2000'),
  morrison2008: doi('Morrison, Diesmann & Gerstner (2008), Biol. Cybern. 98:459', '10.1007/s00422-008-0233-1'),
  pfister2006: doi('Pfister & Gerstner (2006), J. Neurosci. 26:9673', '10.1523/JNEUROSCI.1425-06.2006'),
  tsodyks1997: doi('Tsodyks & Markram (1997), PNAS 94:719', '10.1073/pnas.94.2.719'),
  markram1998: doi('Markram, Wang & Tsodyks (1998), PNAS 95:5323', '10.1073/pnas.95.9.5323'),
  brian2Events: { text: 'Brian2 Synapses, event-driven variables', href: 'https://brian2.readthedocs.io/en/stable/user/synapses.html' },
  section: modelsSection('Plasticity'),
} as const;

/** Decay of the conductance and its reversal potential (conductance output). */
export function conductanceParams(tau: number): Record<string, ParamDef> {
  return {
    tau: { kind: 'quantity', unit: 'ms', default: tau, min: 0, exclusiveMin: true, doc: 'Decay time constant of g.' },
    E: { kind: 'quantity', unit: 'mV', default: 0, doc: 'Reversal potential.' },
  };
}

export function traceTau(doc: string, value: number): ParamDef {
  return { kind: 'quantity', unit: 'ms', default: value, min: 0, exclusiveMin: true, doc };
}

export function amplitude(doc: string, value: number): ParamDef {
  return { kind: 'quantity', unit: '', default: value, doc };
}

/** The fixed parts of a conductance-based plastic synapse (weights in µS). */
export const CONDUCTANCE_SYNAPSE: Pick<BlockDef, 'category' | 'template' | 'sized' | 'inputs' | 'outputs' | 'update'> = {
  category: 'synapse',
  template: 'elementwise',
  sized: false,
  inputs: { pre: { type: 'spikes', doc: 'Presynaptic spikes.', required: true } },
  outputs: { post: { type: 'current', unit: 'nA', doc: 'Current into the postsynaptic neuron block (its spikes drive on_post).', required: true } },
  update: ['g = g * exp(-dt / tau)'],
};

/** Keeps w within [0, w_max] (hard bounds). */
export const clip = (e: string) => `min(max(${e}, 0), w_max)`;
