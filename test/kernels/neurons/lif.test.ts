/**
 * LIF with refractory period (assets/docs/models.md, BrainPy LifRef). Per step:
 * V' = V_inf + (V − V_inf)·exp(−dt/tau), V_inf = V_rest + R·I; held while
 * i − i_last ≤ round(tau_ref/dt); spike if V' ≥ V_th, then V ← V_reset.
 *
 * Under a constant current from V_reset the free recursion reaches threshold after
 * K = min{n : V_inf + (V_reset − V_inf)·e^n ≥ V_th} steps (closed form
 * ceil(tau/dt·ln((V_inf − V_reset)/(V_inf − V_th)))), so the first spike is in step K − 1 and
 * the period is R_ref + K steps, R_ref = round(tau_ref/dt): in N steps there are
 * floor((N − K)/(R_ref + K)) + 1 spikes.
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';

const DT = 0.1;
const BASE = { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '-50 mV', R: '1 Mohm', tau: '10 ms', tau_ref: '2 ms' };

function run(amplitude: number, params: Record<string, string> = {}, duration = '1000 ms', init: Record<string, unknown> = {}) {
  const out = runDoc(makeDoc(
    [
      { id: 'drive', type: 'constant-current', params: { amplitude: `${amplitude} nA` } },
      { id: 'cell', type: 'lif', size: 1, params: { ...BASE, ...params }, init },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
      { id: 'sp', type: 'spike-probe' },
    ],
    ['drive.I -> cell.I', 'cell.V -> V.target', 'cell.spikes -> sp.spikes'],
    { duration },
  ));
  return { V: out.traces.get('V')![0]!, spikes: (out.spikes.get('sp') ?? []).map(([s]) => s), out };
}

/** Steps to threshold from V_reset, by the closed form. */
function stepsToThreshold(vInf: number, vReset: number, vTh: number, tau: number): number {
  return Math.ceil((tau / DT) * Math.log((vInf - vReset) / (vInf - vTh)));
}

describe('LIF', () => {
  it('fires at the analytic rate under constant current (spike count in 1 s)', () => {
    const N = 10000;
    const R_REF = 20;
    for (const I of [16, 18, 20, 25, 30, 50, 100]) {
      const vInf = -65 + I;
      const K = stepsToThreshold(vInf, -65, -50, 10);
      // The closed form and the exact recursion agree (currents chosen away from ties).
      let v = -65;
      let n = 0;
      const e = Math.exp(-DT / 10);
      while (v < -50) { v = vInf + (v - vInf) * e; n++; }
      expect(n, `I = ${I}`).toBe(K);
      const { spikes } = run(I);
      expect(spikes[0], `first spike, I = ${I}`).toBe(K - 1);
      const expectedCount = Math.floor((N - K) / (R_REF + K)) + 1;
      expect(spikes.length, `I = ${I} nA`).toBe(expectedCount);
      for (let k = 1; k < spikes.length; k++) expect(spikes[k]! - spikes[k - 1]!).toBe(R_REF + K);
      // The continuous-time period tau_ref + tau·ln(...) is at most one step shorter.
      const period = 2 + 10 * Math.log((vInf + 65) / (vInf + 50));
      expect(spikes.length).toBeLessThanOrEqual(1000 / period + 1);
      expect(spikes.length).toBeGreaterThanOrEqual(1000 / (period + DT) - 1);
    }
  });

  it('stays silent below rheobase (R·I < V_th − V_rest) and approaches V_inf', () => {
    const { V, spikes } = run(14.9, {}, '200 ms');
    expect(spikes).toEqual([]);
    expect(V.at(-1)!).toBeCloseTo(-50.1, 3);
  });

  it('holds V at V_reset for round(tau_ref/dt) steps after a spike, then integrates again', () => {
    for (const [tauRef, hold] of [['2 ms', 20], ['1.26 ms', 13], ['0 ms', 0]] as const) {
      const { V, spikes } = run(30, { tau_ref: tauRef, V_reset: '-70 mV' }, '30 ms');
      const s = spikes[0]!;
      // Sample s + 1 is the reset; steps s + 1 … s + hold keep it.
      for (let k = 1; k <= hold + 1; k++) expect(V[s + k], `tau_ref ${tauRef}, sample s+${k}`).toBe(-70);
      const vInf = -65 + 30;
      expect(V[s + hold + 2]).toBeCloseTo(vInf + (-70 - vInf) * Math.exp(-DT / 10), 4);
      // Period: hold + steps to threshold from −70.
      expect(spikes[1]! - spikes[0]!).toBe(hold + stepsToThreshold(vInf, -70, -50, 10));
    }
  });

  it('follows the exponential-Euler recursion sample by sample from V0', () => {
    const { V } = run(12, { tau: '7 ms' }, '20 ms', { V: '-72 mV' });
    const e = Math.exp(-DT / 7);
    let v = -72;
    for (let n = 0; n < V.length; n++) {
      expect(Math.abs(V[n]! - v)).toBeLessThan(1e-5);
      v = -53 + (v - -53) * e;
    }
  });

  it('counts the refractory period from the spike step, not from t (no float drift late in a run)', () => {
    // Spikes late in a long run (t ≈ 10 s) keep exactly the same period as early ones.
    const { spikes } = run(30, {}, '10000 ms');
    const periods = new Set(spikes.slice(1).map((s, k) => s - spikes[k]!));
    expect([...periods]).toEqual([20 + stepsToThreshold(-35, -65, -50, 10)]);
  });

  // assets/docs/models.md lists V0 (= V_rest) among the LIF parameters, as HH has V0 and Izhikevich v0.
  it('accepts the parameter V0 of assets/docs/models.md as the initial V, defaulting to V_rest', () => {
    const { V } = run(0, { V0: '-70 mV' } as Record<string, string>, '1 ms');
    expect(V[0]).toBe(-70);
    const rest = run(0, { V_rest: '-58 mV' } as Record<string, string>, '1 ms');
    expect(rest.V[0]).toBe(-58);
  });
});
