/**
 * GABAa synapse: the AMPA scheme with alpha 0.53 /ms/mM, beta 0.18 /ms, T 1 mM for
 * T_dur 1 ms (10 steps) and E −80 mV: an IPSP that hyperpolarises a cell resting above −80 mV
 * and depolarises one resting below it.
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';
import { lifReference, maxRelError } from '../../helpers/numeric.js';

const DT = 0.1;

function run(vRest: number) {
  return runDoc(makeDoc(
    [
      { id: 'src', type: 'spike-times', size: 1, params: { spikes: [[0, '2 ms']] } },
      { id: 'syn', type: 'gabaa', connection: { weight: '1 uS' } },
      { id: 'cell', type: 'lif', size: 1, params: { V_rest: `${vRest} mV`, V_reset: `${vRest} mV`, V_th: '1e6 mV', R: '1 Mohm', tau: '20 ms', tau_ref: '0 ms' } },
      { id: 'g', type: 'state-probe', params: { state: 'g' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    ['src.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> g.target', 'cell.V -> V.target'],
    { duration: '40 ms' },
  ));
}

describe('GABAa synapse', () => {
  it('has the closed-form pulse response with its own defaults (T 1 mM for 10 steps)', () => {
    const out = run(-60);
    const g = out.traces.get('g')![0]!;
    const [alpha, beta, T, P, s] = [0.53, 0.18, 1, 10, 20];
    const k = alpha * T + beta;
    const gInf = (alpha * T) / k;
    const expected: number[] = [];
    for (let n = 1; s + n < g.length; n++) {
      expected.push(n <= P ? gInf * (1 - Math.exp(-k * n * DT)) : gInf * (1 - Math.exp(-k * P * DT)) * Math.exp(-beta * (n - P) * DT));
    }
    expect(g.slice(0, s + 1).every((x) => x === 0)).toBe(true);
    expect(maxRelError(g.slice(s + 1), expected, 1e-4)).toBeLessThan(1e-6);
    expect(g.indexOf(Math.max(...g))).toBe(s + P);
    expect(Math.max(...g)).toBeCloseTo(0.37948, 4);
  });

  it('hyperpolarises a cell resting at −60 mV, following V_inf = V_rest + R·w·g·(E − V)', () => {
    const out = run(-60);
    const g = out.traces.get('g')![0]!;
    const V = out.traces.get('V')![0]!;
    const ev = lifReference({ vRest: -60, tau: 20, dt: DT, steps: g.length - 1, current: (i, v) => g[i + 1]! * (-80 - v) });
    expect(maxRelError(V, ev)).toBeLessThan(1e-6);
    expect(Math.max(...V)).toBe(-60);
    const trough = Math.min(...V);
    expect(trough).toBeLessThan(-61);
    expect(trough).toBeGreaterThan(-80);
  });

  it('reverses at E = −80 mV: depolarises a cell resting at −90 mV, does nothing at −80 mV', () => {
    expect(Math.max(...run(-90).traces.get('V')![0]!)).toBeGreaterThan(-89.5);
    const atE = run(-80).traces.get('V')![0]!;
    expect(atE.every((v) => v === -80)).toBe(true);
  });
});
