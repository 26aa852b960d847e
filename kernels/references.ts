/**
 * The sources block definitions cite, each written once: published papers (with their DOI),
 * the library pages whose implementation a block follows step for step, and sections of
 * Spikeflow's own numerical contract (assets/docs/models.md). The docs generator prints them
 * as Markdown links, the inspector as links or text.
 */
import type { Reference } from './types.js';

const doi = (text: string, id: string): Reference => ({ text, href: `https://doi.org/${id}` });
const brainpyDyn = (name: string): Reference => ({
  text: `BrainPy brainpy.dyn.${name}`,
  href: `https://brainpy.readthedocs.io/en/latest/apis/generated/brainpy.dyn.${name}.html`,
});

/** A section of assets/docs/models.md, by its heading (the link's anchor is derived as GitHub does). */
export function modelsSection(heading: string): Exclude<Reference, string> {
  const anchor = heading.toLowerCase().replace(/[^\p{L}\p{N} -]/gu, '').replace(/ /g, '-');
  return { text: `Spikeflow models, "${heading}"`, href: `models.md#${anchor}` };
}

export const REFS = {
  hodgkinHuxley1952: doi('Hodgkin & Huxley (1952), J. Physiol. 117:500', '10.1113/jphysiol.1952.sp004764'),
  izhikevich2003: doi('Izhikevich (2003), IEEE Trans. Neural Netw. 14:1569', '10.1109/TNN.2003.820440'),
  destexhe1994: doi('Destexhe, Mainen & Sejnowski (1994), J. Comput. Neurosci. 1:195', '10.1007/BF00961734'),
  jahrStevens1990: doi('Jahr & Stevens (1990), J. Neurosci. 10:3178', '10.1523/JNEUROSCI.10-09-03178.1990'),
  prinz2004: doi('Prinz, Bucher & Marder (2004), Nat. Neurosci. 7:1345', '10.1038/nn1352'),
  brette2007: doi('Brette et al. (2007), J. Comput. Neurosci. 23:349', '10.1007/s10827-007-0038-6'),
  rall1967: 'Rall (1967), J. Neurophysiol. 30:1138',
  rothVanRossum2009: 'Roth & van Rossum (2009), "Modeling synapses", in Computational Modeling Methods for Neuroscientists (MIT Press)',
  brian2: doi('Stimberg, Brette & Goodman (2019), Brian 2, eLife 8:e47314', '10.7554/eLife.47314'),
  lifRef: brainpyDyn('LifRef'),
  hh: brainpyDyn('HH'),
  expon: brainpyDyn('Expon'),
  spikeTimeGroup: brainpyDyn('SpikeTimeGroup'),
  ampa: brainpyDyn('AMPA'),
  brainpyState: (names: string): Reference => ({ text: `brainpy.state ${names}`, href: 'https://brainpy-state.readthedocs.io/' }),
  brainModels: (names: string): Reference => ({ text: `BrainModels ${names}`, href: 'https://github.com/PKU-NIP-Lab/BrainModels' }),
  jaxley: (name: string): Reference => ({ text: `Jaxley ${name}`, href: 'https://github.com/jaxleyverse/jaxley' }),
} as const;
