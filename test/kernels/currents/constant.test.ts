/**
 * Constant current: `amplitude` in the steps round(start/dt) ≤ i < round(stop/dt). Measured
 * through an "ammeter" LIF (V_rest 0 mV, R 1 MΩ, tau 1e-6 ms): exponential Euler then sets
 * V = V_inf = R·I every step, so sample i + 1 reads the current of step i in nA.
 */
import { describe, expect, it } from 'vitest';
import { makeDoc, runDoc } from '../../helpers/doc.js';

const AMMETER = { V_rest: '0 mV', V_reset: '0 mV', V_th: '1e9 mV', R: '1 Mohm', tau: '1e-6 ms', tau_ref: '0 ms' };

function injected(sources: Array<{ type: string; params: Record<string, unknown> }>, duration = '5 ms', R = '1 Mohm') {
  const out = runDoc(makeDoc(
    [
      ...sources.map((s, k) => ({ id: `src${k}`, type: s.type, params: s.params })),
      { id: 'cell', type: 'lif', size: 2, params: { ...AMMETER, R } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    [...sources.map((_, k) => `src${k}.I -> cell.I`), 'cell.V -> V.target'],
    { duration },
  ));
  const [a, b] = out.traces.get('V')!;
  expect(b).toEqual(a); // every neuron of the target receives the same current
  return a!.slice(1); // current of step i at index i
}

describe('constant current', () => {
  it('injects its amplitude between start and stop, in whole steps', () => {
    const I = injected([{ type: 'constant-current', params: { amplitude: '2.5 nA', start: '1 ms', stop: '3 ms' } }]);
    expect(I.length).toBe(50);
    I.forEach((x, i) => expect(x, `step ${i}`).toBe(i >= 10 && i < 30 ? 2.5 : 0));
  });

  it('flows from 0 to the end of the run by default and converts units (500 pA = 0.5 nA)', () => {
    const I = injected([{ type: 'constant-current', params: { amplitude: '500 pA' } }]);
    expect(I.every((x) => x === 0.5)).toBe(true);
  });

  it('sums with other sources into the same neuron; R scales the voltage (V_inf = V_rest + R·I)', () => {
    const I = injected([
      { type: 'constant-current', params: { amplitude: '1 nA', start: '1 ms' } },
      { type: 'constant-current', params: { amplitude: '-3 nA', stop: '2 ms' } },
    ], '3 ms', '2 Mohm');
    I.forEach((x, i) => expect(x, `step ${i}`).toBeCloseTo(2 * ((i >= 10 ? 1 : 0) + (i < 20 ? -3 : 0)), 9));
  });
});
