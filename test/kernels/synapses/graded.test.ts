/**
 * Graded ionotropic synapse (assets/docs/models.md, Jaxley IonotropicSynapse): input is the presynaptic
 * V; s_inf = sigmoid((V_pre − v_th)/delta); tau = (1 − s_inf)/k_minus; s ← exponential Euler;
 * I_j = Σ_i gS_ij·s_i·(e_syn − V_j). With V_pre held fixed (a LIF at rest with no input) the
 * solution is s_n = s_inf + (s0 − s_inf)·exp(−n·dt/tau).
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';
import { lifReference, maxRelError } from '../../helpers/numeric.js';

const DT = 0.1;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Presynaptic LIF resting at vPre (no input: V never moves) → graded → postsynaptic LIF. */
function atRest(vPre: number, params: Record<string, unknown> = {}, gS = '0.01 uS') {
  return runDoc(makeDoc(
    [
      { id: 'pre', type: 'lif', size: 1, params: { V_rest: `${vPre} mV`, V_reset: `${vPre} mV`, V_th: '1e6 mV' } },
      { id: 'syn', type: 'graded', params, connection: { weight: gS } },
      { id: 'post', type: 'lif', size: 1, params: { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '1e6 mV', R: '1 Mohm', tau: '10 ms', tau_ref: '0 ms' } },
      { id: 's', type: 'state-probe', params: { state: 's' } },
      { id: 'Vpre', type: 'state-probe', params: { state: 'V' } },
      { id: 'Vpost', type: 'state-probe', params: { state: 'V' } },
    ],
    ['pre.V -> syn.pre', 'syn.post -> post.I', 'syn.post -> s.target', 'pre.V -> Vpre.target', 'post.V -> Vpost.target'],
    { duration: '50 ms' },
  ));
}

describe('graded synapse', () => {
  it('relaxes towards s_inf with tau = (1 − s_inf)/k_minus for a fixed presynaptic voltage', () => {
    for (const vPre of [-65, -35, -10]) {
      const out = atRest(vPre);
      expect(out.traces.get('Vpre')![0]!.every((v) => v === vPre)).toBe(true);
      const s = out.traces.get('s')![0]!;
      const sInf = sigmoid((vPre + 35) / 10);
      const tau = (1 - sInf) / 0.025;
      const expected = s.map((_, n) => sInf + (0.2 - sInf) * Math.exp(-(n * DT) / tau));
      expect(maxRelError(s, expected), `V_pre ${vPre}`).toBeLessThan(1e-6);
    }
    // At rest (−65 mV) s decays from 0.2 towards 0.047 with tau ≈ 38 ms.
    const s = atRest(-65).traces.get('s')![0]!;
    expect(s[500]).toBeCloseTo(0.0474 + (0.2 - 0.0474) * Math.exp(-50 / 38.1), 3);
  });

  it('honours its parameters (v_th, delta, k_minus, s0)', () => {
    const params = { v_th: '-50 mV', delta: '5 mV', k_minus: '0.1 /ms', s0: 0.9 };
    const s = atRest(-45, params).traces.get('s')![0]!;
    const sInf = sigmoid((-45 + 50) / 5);
    const tau = (1 - sInf) / 0.1;
    expect(s[0]).toBeCloseTo(0.9, 6);
    expect(maxRelError(s, s.map((_, n) => sInf + (0.9 - sInf) * Math.exp(-(n * DT) / tau)))).toBeLessThan(1e-6);
  });

  it('drives the postsynaptic cell with I = gS·s·(e_syn − V_post)', () => {
    const out = atRest(-35, {}, '0.05 uS');
    const s = out.traces.get('s')![0]!;
    const V = out.traces.get('Vpost')![0]!;
    const ev = lifReference({ vRest: -65, tau: 10, dt: DT, steps: s.length - 1, current: (i, v) => 0.05 * s[i + 1]! * (0 - v) });
    expect(maxRelError(V, ev)).toBeLessThan(1e-6);
    expect(V.at(-1)!).toBeGreaterThan(-64);
  });

  it('reads the presynaptic voltage of the same step from a spiking HH cell', () => {
    const out = runDoc(makeDoc(
      [
        { id: 'drive', type: 'constant-current', params: { amplitude: '10 nA' } },
        { id: 'pre', type: 'hh', size: 1 },
        { id: 'syn', type: 'graded', connection: { weight: '0.5 uS' } },
        { id: 'post', type: 'hh', size: 1 },
        { id: 's', type: 'state-probe', params: { state: 's' } },
        { id: 'Vpre', type: 'state-probe', params: { state: 'V' } },
      ],
      ['drive.I -> pre.I', 'pre.V -> syn.pre', 'syn.post -> post.I', 'syn.post -> s.target', 'pre.V -> Vpre.target'],
      { duration: '30 ms' },
    ));
    const s = out.traces.get('s')![0]!;
    const Vpre = out.traces.get('Vpre')![0]!;
    const predict = (lag: 0 | 1) => {
      const expected = [0.2];
      for (let n = 0; n < s.length - 1; n++) {
        // lag 0: V_pre after the presynaptic update of step n (feed-forward, same step).
        const sInf = sigmoid((Vpre[n + 1 - lag]! - -35) / 10);
        const tau = (1 - sInf) / 0.025;
        expected.push(sInf + (s[n]! - sInf) * (tau === 0 ? 0 : Math.exp(-DT / tau)));
      }
      return expected;
    };
    expect(maxRelError(s, predict(0))).toBeLessThan(1e-5);
    expect(maxRelError(s, predict(1))).toBeGreaterThan(1e-3);
    // A presynaptic action potential opens the synapse almost fully.
    expect(Math.max(...s)).toBeGreaterThan(0.95);
  });
});
