/**
 * Ramp current: from `from` at step s0 = round(start/dt) rising linearly towards `to` at
 * s1 = round(stop/dt), exclusive: I_i = from + (to − from)·(i − s0)/(s1 − s0) for s0 ≤ i < s1,
 * zero outside. Read through an ammeter LIF (V = R·I each step).
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';

const AMMETER = { V_rest: '0 mV', V_reset: '0 mV', V_th: '1e9 mV', R: '1 Mohm', tau: '1e-6 ms', tau_ref: '0 ms' };

function injected(params: Record<string, unknown>, duration = '5 ms') {
  const out = runDoc(makeDoc(
    [
      { id: 'ramp', type: 'ramp-current', params },
      { id: 'cell', type: 'lif', size: 1, params: AMMETER },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    ['ramp.I -> cell.I', 'cell.V -> V.target'],
    { duration },
  ));
  return out.traces.get('V')![0]!.slice(1);
}

describe('ramp current', () => {
  it('rises linearly from `from` at start towards `to` at stop, zero outside', () => {
    const I = injected({ from: '1 nA', to: '3 nA', start: '1 ms', stop: '3 ms' });
    I.forEach((x, i) => {
      const expected = i >= 10 && i < 30 ? 1 + (2 * (i - 10)) / 20 : 0;
      expect(Math.abs(x - expected), `step ${i}`).toBeLessThan(1e-6);
    });
    expect(I[29]).toBeCloseTo(2.9, 6); // `to` itself is reached at stop, which is excluded
  });

  it('can fall, and cross zero', () => {
    const I = injected({ from: '2 nA', to: '-2 nA', start: '0 ms', stop: '4 ms' });
    I.forEach((x, i) => expect(Math.abs(x - (i < 40 ? 2 - (4 * i) / 40 : 0)), `step ${i}`).toBeLessThan(1e-6));
  });

  it('drives a LIF into firing once R·I passes the rheobase', () => {
    const out = runDoc(makeDoc(
      [
        { id: 'ramp', type: 'ramp-current', params: { from: '0 nA', to: '30 nA', start: '0 ms', stop: '300 ms' } },
        { id: 'cell', type: 'lif', size: 1, params: { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '-50 mV', R: '1 Mohm', tau: '10 ms', tau_ref: '2 ms' } },
        { id: 'sp', type: 'spike-probe' },
      ],
      ['ramp.I -> cell.I', 'cell.spikes -> sp.spikes'],
      { duration: '300 ms' },
    ));
    const spikes = out.spikes.get('sp')!.map(([s]) => s * 0.1);
    // Rheobase 15 nA is reached at 150 ms; V lags V_inf by slope·tau = 1 mV, so ≈ 160 ms.
    expect(spikes[0]).toBeGreaterThan(150);
    expect(spikes[0]).toBeLessThan(170);
    const isi = spikes.slice(1).map((t, k) => t - spikes[k]!);
    for (let k = 1; k < isi.length; k++) expect(isi[k]!).toBeLessThan(isi[k - 1]!);
  });
});
