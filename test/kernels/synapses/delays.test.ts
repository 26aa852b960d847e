/**
 * Synaptic delays (assets/docs/models.md, "Order inside a step"): a delay of D ms shifts every effect of
 * a presynaptic spike by exactly round(D/dt) steps, for every spike-driven synapse, whether
 * its state lives on the postsynaptic side (linear) or on the presynaptic side (kinetic).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

const QUIET = { V_rest: '-65 mV', V_reset: '-65 mV', V_th: '1e6 mV', R: '1 Mohm', tau: '10 ms', tau_ref: '0 ms' };

const SYNAPSES: Array<[string, Record<string, string>, string]> = [
  ['exponential', { output: 'current' }, '1 nA'],
  ['alpha', { output: 'current', tau: '2 ms' }, '1 nA'],
  ['dual-exponential', { output: 'conductance' }, '0.1 uS'],
  ['ampa', {}, '1 uS'],
  ['gabaa', {}, '1 uS'],
  ['nmda', {}, '1 uS'],
];

function run(type: string, params: Record<string, string>, weight: string, delay: string) {
  const out = runDoc(makeDoc(
    [
      { id: 'src', type: 'spike-times', size: 2, params: { spikes: [[0, '1 ms'], [1, '2.5 ms'], [0, '4 ms']] } },
      { id: 'syn', type, params, connection: { weight, delay } },
      { id: 'cell', type: 'lif', size: 1, params: QUIET },
      { id: 'g', type: 'state-probe', params: { state: 'g' } },
      { id: 'V', type: 'state-probe', params: { state: 'V' } },
    ],
    ['src.spikes -> syn.pre', 'syn.post -> cell.I', 'syn.post -> g.target', 'cell.V -> V.target'],
    { duration: '15 ms' },
  ));
  return { g: out.traces.get('g')!, V: out.traces.get('V')![0]!, lag: out.plan.projections[0]!.lag };
}

describe('synaptic delays', () => {
  for (const [type, params, weight] of SYNAPSES) {
    it(`${type}: a delay of D ms shifts the whole response by round(D/dt) steps`, () => {
      const ref = run(type, params, weight, '0 ms');
      for (const [delay, steps] of [['2 ms', 20], ['0.26 ms', 3], ['0.04 ms', 0]] as const) {
        const late = run(type, params, weight, delay);
        expect(late.lag, delay).toBe(steps);
        // First effect exactly `steps` later.
        const first = (xs: number[]) => xs.findIndex((x) => x !== xs[0]);
        expect(first(late.V) - first(ref.V), `${type}, delay ${delay}`).toBe(steps);
        // And the same trace, shifted, sample for sample.
        for (let k = 0; k + steps < ref.V.length; k++) {
          expect(late.V[k + steps], `${type}, delay ${delay}, V sample ${k + steps}`).toBe(ref.V[k]);
          for (let c = 0; c < ref.g.length; c++) expect(late.g[c]![k + steps]).toBe(ref.g[c]![k]);
        }
        for (let k = 0; k < steps; k++) expect(late.V[k]).toBe(-65);
      }
    });
  }

  it('a graded synapse (voltage-driven) cannot have a delay: error naming the block', () => {
    const doc = makeDoc(
      [
        { id: 'pre', type: 'hh', size: 1 },
        { id: 'syn', type: 'graded', connection: { delay: '1 ms' } },
        { id: 'post', type: 'hh', size: 1 },
      ],
      ['pre.V -> syn.pre', 'syn.post -> post.I'],
    );
    expect(() => compile(doc)).toThrow(/block "syn".*delay/s);
  });

  it('rejects a negative delay or one with the wrong dimension, naming the block', () => {
    const doc = (delay: string) => makeDoc(
      [
        { id: 'src', type: 'spike-times', size: 1, params: { spikes: [] } },
        { id: 'syn', type: 'exponential', connection: { delay } },
        { id: 'cell', type: 'lif', size: 1 },
      ],
      ['src.spikes -> syn.pre', 'syn.post -> cell.I'],
    );
    expect(() => compile(doc('-1 ms'))).toThrow(/block "syn".*delay must not be negative/s);
    expect(() => compile(doc('1 mV'))).toThrow(/block "syn".*expected a time/s);
  });
});
