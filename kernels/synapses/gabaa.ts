import { receptorBlock } from './kinetic.js';

/** GABAa receptor: fast inhibitory kinetic synapse. */
export const gabaa = receptorBlock({
  type: 'gabaa',
  title: 'GABAa synapse',
  doc:
    'GABAa receptor kinetics, the AMPA scheme with slower binding, a longer and higher ' +
    'transmitter pulse and an inhibitory reversal potential: dg/dt = alpha·[T]·(1 − g) − beta·g; ' +
    'I_j = Σ_i w_ij·g_i·(E − V_j).',
  alpha: 0.53, beta: 0.18, T: 1, T_dur: 1, E: -80,
});
