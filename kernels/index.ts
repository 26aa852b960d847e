/**
 * The block library: every block a project can use, by type name. Adding a block means
 * adding its definition file and listing it here; engines, editor and docs follow.
 */
import type { BlockDef } from './types.js';
import { spikeTimes } from './sources/spike-times.js';
import { poisson } from './sources/poisson.js';
import { regular } from './sources/regular.js';
import { inhomogeneousPoisson } from './sources/inhomogeneous-poisson.js';
import { constantCurrent } from './currents/constant.js';
import { stepCurrent } from './currents/steps.js';
import { rampCurrent } from './currents/ramp.js';
import { ouCurrent, whiteNoiseCurrent } from './currents/noise.js';
import { poissonInput } from './currents/poisson-input.js';
import { lif } from './neurons/lif.js';
import { izhikevich } from './neurons/izhikevich.js';
import { hh } from './neurons/hh.js';
import { exponential } from './synapses/exponential.js';
import { alpha } from './synapses/alpha.js';
import { dualExponential } from './synapses/dual-exponential.js';
import { ampa } from './synapses/ampa.js';
import { gabaa } from './synapses/gabaa.js';
import { nmda } from './synapses/nmda.js';
import { graded } from './synapses/graded.js';
import { delta } from './synapses/delta.js';
import { stdp } from './synapses/stdp.js';
import { tripletStdp } from './synapses/triplet-stdp.js';
import { tsodyksMarkram } from './synapses/tsodyks-markram.js';
import { rateProbe, spikeProbe, stateProbe, weightSnapshots } from './probes/probes.js';

export type * from './types.js';

export const BLOCKS: readonly BlockDef[] = [
  spikeTimes, poisson, regular, inhomogeneousPoisson,
  constantCurrent, stepCurrent, rampCurrent, whiteNoiseCurrent, ouCurrent, poissonInput,
  lif, izhikevich, hh,
  exponential, alpha, dualExponential, ampa, gabaa, nmda, graded, delta,
  stdp, tripletStdp, tsodyksMarkram,
  stateProbe, spikeProbe, rateProbe, weightSnapshots,
];

const BY_TYPE = new Map(BLOCKS.map((b) => [b.type, b]));

/** The definition of a block type, or undefined. */
export function blockDef(type: string): BlockDef | undefined {
  return BY_TYPE.get(type);
}
