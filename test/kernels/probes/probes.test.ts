/**
 * Probes (assets/docs/models.md, "What is recorded"): a state probe's sample k holds the value at
 * t = k·s·dt (sample 0: the initial state); a spike probe records (step, neuron) of the chosen
 * neurons; a rate probe gives the mean rate per bin in Hz.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

describe('probes', () => {
  it('state probe: every `interval` (whole steps) from the initial state, for the chosen neurons in order', () => {
    const out = runDoc(makeDoc(
      [
        { id: 'drive', type: 'ramp-current', params: { from: '0 nA', to: '10 nA', start: '0 ms', stop: '10 ms' } },
        { id: 'cells', type: 'lif', size: 3, params: { V_rest: '0 mV', V_th: '1e9 mV', tau: '1e-6 ms', tau_ref: '0 ms' }, init: { V: { dist: 'uniform', low: '-3 mV', high: '-1 mV' } } },
        { id: 'every', type: 'state-probe', params: { state: 'V' } },
        { id: 'sparse', type: 'state-probe', params: { state: 'V', neurons: [2, 0], interval: '0.5 ms' } },
      ],
      ['drive.I -> cells.I', 'cells.V -> every.target', 'cells.V -> sparse.target'],
      { duration: '2.2 ms' },
    ));
    const every = out.traces.get('every')!;
    const sparse = out.traces.get('sparse')!;
    expect(every.length).toBe(3);
    expect(every[0]!.length).toBe(23); // 22 steps + sample 0
    expect(sparse.length).toBe(2);
    expect(sparse[0]!.length).toBe(5); // t = 0, 0.5, 1, 1.5, 2 ms
    for (let k = 0; k < 5; k++) {
      expect(sparse[0]![k]).toBe(every[2]![5 * k]);
      expect(sparse[1]![k]).toBe(every[0]![5 * k]);
    }
    // Sample 0 is the initial state; sample k ≥ 1 the value after step k − 1 (here R·I of that step).
    expect(every[1]![0]).toBeLessThan(-1);
    for (let k = 1; k < 23; k++) expect(every[1]![k]).toBeCloseTo((k - 1) * 0.1, 5);
  });

  it('spike probe: (step, neuron) of the chosen neurons only', () => {
    const out = runDoc(makeDoc(
      [
        { id: 'src', type: 'spike-times', size: 4, params: { spikes: [[0, '1 ms'], [1, '1 ms'], [3, '2 ms'], [2, '3 ms']] } },
        { id: 'all', type: 'spike-probe' },
        { id: 'some', type: 'spike-probe', params: { neurons: [3, 1] } },
      ],
      ['src.spikes -> all.spikes', 'src.spikes -> some.spikes'],
      { duration: '5 ms' },
    ));
    expect(out.spikes.get('all')).toEqual([[10, 0], [10, 1], [20, 3], [30, 2]]);
    expect(out.spikes.get('some')).toEqual([[10, 1], [20, 3]]);
  });

  it('rate probe: spikes per neuron per bin in Hz; a last partial bin is divided by its own length', () => {
    const out = runDoc(makeDoc(
      [
        { id: 'clock', type: 'regular', size: 4, params: { period: '2 ms', start: '0.5 ms' } },
        { id: 'rate', type: 'rate-probe', params: { bin: '5 ms' } },
      ],
      ['clock.spikes -> rate.spikes'],
      { duration: '12 ms' },
    ));
    // Spikes at 0.5, 2.5, 4.5 | 6.5, 8.5 | 10.5 ms; bins [0,5) [5,10) [10,12).
    const r = out.rates.get('rate')!;
    expect(r.length).toBe(3);
    expect(r[0]).toBeCloseTo(3 / 0.005, 2);
    expect(r[1]).toBeCloseTo(2 / 0.005, 2);
    expect(r[2]).toBeCloseTo(1 / 0.002, 2);
  });

  it('rejects a state the target does not have and neurons out of range, naming the probe', () => {
    const doc = (params: Record<string, unknown>) => makeDoc(
      [{ id: 'cells', type: 'lif', size: 3 }, { id: 'p', type: 'state-probe', params }],
      ['cells.V -> p.target'],
    );
    expect(() => compile(doc({ state: 'u' }))).toThrow(/block "p".*no state "u"/s);
    expect(() => compile(doc({ state: 'V', neurons: [3] }))).toThrow(/block "p".*neuron 3 is out of range/s);
  });
});
