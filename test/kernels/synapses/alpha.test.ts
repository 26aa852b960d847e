/**
 * Alpha synapse (assets/docs/models.md): per step h' = h·exp(−dt/tau); g ← exponential Euler towards
 * the old h with tau; h ← h' + Σ w·spikes. With e = exp(−dt/tau) and n steps after the spike
 * step, h_n = w·e^n and g_{n+1} = e·g_n + (1 − e)·h_n, whose solution is
 * g_n = w·n·(1 − e)·e^(n−1): the discrete twin of w·(t/tau)·exp(−t/tau).
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';
import { lifReference, maxRelError } from '../../helpers/numeric.js';

const DT = 0.1;
const QUIET = { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '1e6 mV', R: '1 Mohm', tau: '10 ms', tau_ref: '0 ms' };

function run(tau: number, w: number, spikes: Array<[number, string]>, output: 'current' | 'conductance' = 'current', duration = '40 ms') {
  const unit = output === 'current' ? 'nA' : 'uS';
  return runDoc(makeDoc(
    [
      { id: 'src', type: 'spike-times', size: 1, params: { spikes } },
      { id: 'syn', type: 'alpha', params: { tau: `${tau} ms`, E: '0 mV', output }, connection: { weight: `${w} ${unit}` } },
      { id: 'cell', type: 'lif', size: 1, params: QUIET },
      { id: 'g', type: 'state-probe', params: { state: 'g' } },
      { id: 'h', type: 'state-probe', params: { state: 'h' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    ['src.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> g.target', 'syn.post -> h.target', 'cell.V -> V.target'],
    { duration },
  ));
}

describe('alpha synapse', () => {
  it('follows the analytic discrete solution g_n = w·n·(1 − e)·e^(n−1), h_n = w·e^n', () => {
    const tau = 2;
    const w = 1.5;
    const out = run(tau, w, [[0, '1 ms']]);
    const g = out.traces.get('g')![0]!;
    const h = out.traces.get('h')![0]!;
    const e = Math.exp(-DT / tau);
    const s = 10;
    for (let k = 0; k <= s; k++) { expect(g[k]).toBe(0); expect(h[k]).toBe(0); }
    const eg: number[] = [];
    const eh: number[] = [];
    for (let n = 0; s + 1 + n < g.length; n++) {
      eg.push(w * n * (1 - e) * e ** (n - 1));
      eh.push(w * e ** n);
    }
    expect(maxRelError(g.slice(s + 1), eg)).toBeLessThan(1e-6);
    expect(maxRelError(h.slice(s + 1), eh)).toBeLessThan(1e-6);
    // g is still 0 right after the spike step: it moves towards the old h.
    expect(g[s + 1]).toBe(0);
    expect(g[s + 2]).toBeCloseTo(w * (1 - e), 7);
  });

  it('peaks about tau after the jump at w/e, like w·(t/tau)·exp(−t/tau)', () => {
    const tau = 5;
    const w = 1;
    const g = run(tau, w, [[0, '1 ms']]).traces.get('g')![0]!;
    const peak = Math.max(...g);
    const at = g.indexOf(peak);
    // Discrete peak: n maximising n·e^(n−1) is n = 50 or 51 for tau/dt = 50.
    expect(at - 11).toBeGreaterThanOrEqual(50);
    expect(at - 11).toBeLessThanOrEqual(51);
    expect(peak).toBeCloseTo(w / Math.E, 2);
    // Continuous alpha function within 1 % of w over the whole trace (t measured from t_s + dt).
    for (let n = 0; 11 + n < g.length; n++) {
      const t = n * DT;
      expect(Math.abs(g[11 + n]! - w * (t / tau) * Math.exp(-t / tau))).toBeLessThan(0.01 * w);
    }
  });

  it('superposes: a second spike adds its own alpha function (linear state per post neuron)', () => {
    const tau = 3;
    const w = 0.7;
    const both = run(tau, w, [[0, '1 ms'], [0, '4 ms']]).traces.get('g')![0]!;
    const e = Math.exp(-DT / tau);
    const alphaAt = (n: number) => (n < 0 ? 0 : w * n * (1 - e) * e ** (n - 1));
    const expected = both.map((_, k) => alphaAt(k - 11) + alphaAt(k - 41));
    expect(maxRelError(both, expected)).toBeLessThan(1e-6);
  });

  it('conductance output: I = g·(E − V), excitatory for E above V', () => {
    const out = run(2, 0.2, [[0, '1 ms']], 'conductance');
    const g = out.traces.get('g')![0]!;
    const V = out.traces.get('V')![0]!;
    const ev = lifReference({ vRest: -65, tau: 10, dt: DT, steps: g.length - 1, current: (i, v) => g[i + 1]! * (0 - v) });
    expect(maxRelError(V, ev)).toBeLessThan(1e-6);
    expect(Math.max(...V)).toBeGreaterThan(-64);
  });
});
