/**
 * Step / pulse-train current: amplitudes[k] from step round(times[k]/dt) until the next
 * listed time, zero before the first. Read through an ammeter LIF (V = R·I each step).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

const AMMETER = { V_rest: '0 mV', V_reset: '0 mV', V_th: '1e9 mV', R: '1 Mohm', tau: '1e-6 ms', tau_ref: '0 ms' };

function doc(params: Record<string, unknown>, duration = '6 ms') {
  return makeDoc(
    [
      { id: 'wave', type: 'step-current', params },
      { id: 'cell', type: 'lif', size: 1, params: AMMETER },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    ['wave.I -> cell.I', 'cell.V -> V.target'],
    { duration },
  );
}

const injected = (params: Record<string, unknown>, duration?: string) => runDoc(doc(params, duration)).traces.get('V')![0]!.slice(1);

describe('step current', () => {
  it('holds each amplitude from its time to the next, zero before the first', () => {
    const I = injected({ times: ['1 ms', '2 ms', '4 ms'], amplitudes: ['1 nA', '-2 nA', '0.5 nA'] });
    I.forEach((x, i) => expect(x, `step ${i}`).toBe(i < 10 ? 0 : i < 20 ? 1 : i < 40 ? -2 : 0.5));
  });

  it('makes a pulse train by alternating amplitudes and 0, times rounded to steps', () => {
    const I = injected({ times: ['0.5 ms', '1.04 ms', '2.96 ms', '3.5 ms'], amplitudes: ['3 nA', '0 nA', '3 nA', '0 nA'] });
    I.forEach((x, i) => expect(x, `step ${i}`).toBe((i >= 5 && i < 10) || (i >= 30 && i < 35) ? 3 : 0));
  });

  it('rejects lists of different lengths and decreasing times, naming the block', () => {
    expect(() => compile(doc({ times: ['1 ms', '2 ms'], amplitudes: ['1 nA'] }))).toThrow(/block "wave".*2 times but 1 amplitudes/s);
    expect(() => compile(doc({ times: ['2 ms', '1 ms'], amplitudes: ['1 nA', '2 nA'] }))).toThrow(/block "wave".*times must increase/s);
    expect(() => compile(doc({ times: ['1 mV'], amplitudes: ['1 nA'] }))).toThrow(/block "wave"/);
  });
});
