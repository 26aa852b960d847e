import { receptorBlock } from './kinetic.js';

/** AMPA receptor: fast excitatory kinetic synapse. */
export const ampa = receptorBlock({
  type: 'ampa',
  title: 'AMPA synapse',
  doc:
    'AMPA receptor kinetics, state per presynaptic neuron: dg/dt = alpha·[T]·(1 − g) − beta·g ' +
    'with [T] = T for T_dur after each spike (whole steps), by exponential Euler. The current ' +
    'into postsynaptic neuron j is Σ_i w_ij·g_i·(E − V_j).',
  alpha: 0.98, beta: 0.18, T: 0.5, T_dur: 0.5, E: 0,
});
