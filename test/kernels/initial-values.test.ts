/**
 * Initial values of states (issue 2, "Initial values of states"): a constant, or drawn per
 * neuron from a uniform or normal distribution with the run seed; states declared later start
 * from the drawn values of earlier ones (HH gates at steady state for each neuron's V,
 * Izhikevich u = b·v).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src-main/compiler/compile.js';
import type { Plan } from '../../src-main/compiler/plan.js';
import { makeDoc, runDoc } from '../helpers/doc.js';

function initOf(p: Plan, block: string, state: string): number[] {
  return [...p.blocks.find((b) => b.id === block)!.states.find((s) => s.name === state)!.init];
}

function lifPlan(init: Record<string, unknown>, seed = 1, size = 2000) {
  return compile(makeDoc([{ id: 'cells', type: 'lif', size, init }, { id: 'other', type: 'lif', size, init }], [], { seed, duration: '1 ms' }));
}

const stats = (xs: readonly number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean: m, sd: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) };
};

describe('initial values', () => {
  it('a constant sets every neuron, in any unit', () => {
    expect(initOf(lifPlan({ V: '-0.07 V' }, 1, 5), 'cells', 'V')).toEqual([-70, -70, -70, -70, -70]);
  });

  it('without a value, states start from their definition (LIF: V_rest)', () => {
    const p = compile(makeDoc([{ id: 'cells', type: 'lif', size: 3, params: { V_rest: '-61 mV' } }], []));
    expect(initOf(p, 'cells', 'V')).toEqual([-61, -61, -61]);
  });

  it('uniform: every value in [low, high], mean and sd of the uniform law', () => {
    const v = initOf(lifPlan({ V: { dist: 'uniform', low: '-70 mV', high: '-60 mV' } }), 'cells', 'V');
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-70);
    expect(Math.max(...v)).toBeLessThanOrEqual(-60);
    const { mean, sd } = stats(v);
    const sdLaw = 10 / Math.sqrt(12);
    expect(Math.abs(mean + 65)).toBeLessThan((4 * sdLaw) / Math.sqrt(v.length));
    expect(Math.abs(sd - sdLaw)).toBeLessThan(0.05 * sdLaw);
  });

  it('normal: mean and sd within tolerance (Brette\'s V ~ N(−65 mV, 5 mV))', () => {
    const v = initOf(lifPlan({ V: { dist: 'normal', mean: '-65 mV', sd: '5 mV' } }), 'cells', 'V');
    const { mean, sd } = stats(v);
    expect(Math.abs(mean + 65)).toBeLessThan((4 * 5) / Math.sqrt(v.length));
    expect(Math.abs(sd - 5)).toBeLessThan(0.25);
    // About 68 % within one sd.
    const inside = v.filter((x) => Math.abs(x + 65) < 5).length / v.length;
    expect(Math.abs(inside - 0.6827)).toBeLessThan(0.04);
  });

  it('is reproducible for a seed, differs across seeds, neurons, blocks and states', () => {
    const dist = { dist: 'normal', mean: '-65 mV', sd: '5 mV' };
    const a = lifPlan({ V: dist }, 3);
    expect(initOf(lifPlan({ V: dist }, 3), 'cells', 'V')).toEqual(initOf(a, 'cells', 'V'));
    expect(initOf(lifPlan({ V: dist }, 4), 'cells', 'V')).not.toEqual(initOf(a, 'cells', 'V'));
    expect(initOf(a, 'other', 'V')).not.toEqual(initOf(a, 'cells', 'V'));
    expect(new Set(initOf(a, 'cells', 'V')).size).toBe(2000);
  });

  it('sample 0 of a state probe is the drawn initial value', () => {
    const doc = makeDoc(
      [
        { id: 'cells', type: 'lif', size: 4, init: { V: { dist: 'uniform', low: '-70 mV', high: '-60 mV' } } },
        { id: 'V', type: 'state-probe', params: { state: 'V' } },
      ],
      ['cells.V -> V.target'],
      { seed: 9, duration: '1 ms' },
    );
    const out = runDoc(doc);
    const init = initOf(out.plan, 'cells', 'V');
    out.traces.get('V')!.forEach((trace, k) => expect(trace[0]).toBe(Math.fround(init[k]!)));
  });

  it('later states follow the drawn earlier ones: HH gates at steady state per neuron, Izhikevich u = b·v', () => {
    const p = compile(makeDoc(
      [
        { id: 'hh', type: 'hh', size: 50, init: { V: { dist: 'uniform', low: '-75 mV', high: '-55 mV' } } },
        { id: 'iz', type: 'izhikevich', size: 50, params: { b: '0.25 /ms' }, init: { v: { dist: 'normal', mean: '-65 mV', sd: '3 mV' } } },
      ],
      [],
    ));
    const V = initOf(p, 'hh', 'V');
    const m = initOf(p, 'hh', 'm');
    const n = initOf(p, 'hh', 'n');
    V.forEach((v, k) => {
      const am = (0.1 * -(v + 40)) / (Math.exp(-(v + 40) / 10) - 1);
      const bm = 4 * Math.exp(-(v + 65) / 18);
      const an = (0.01 * -(v + 55)) / (Math.exp(-(v + 55) / 10) - 1);
      const bn = 0.125 * Math.exp(-(v + 65) / 80);
      expect(m[k]).toBeCloseTo(am / (am + bm), 9);
      expect(n[k]).toBeCloseTo(an / (an + bn), 9);
    });
    const v = initOf(p, 'iz', 'v');
    const u = initOf(p, 'iz', 'u');
    v.forEach((x, k) => expect(u[k]).toBeCloseTo(0.25 * x, 12));
  });

  it('draws synaptic initial values in the weight unit (COBA: g ~ N(40 nS, 15 nS) in µS)', () => {
    const p = compile(makeDoc(
      [
        { id: 'src', type: 'poisson', size: 10 },
        { id: 'syn', type: 'exponential', init: { g: { dist: 'normal', mean: '40 nS', sd: '15 nS' } } },
        { id: 'pop', type: 'lif', size: 3000 },
      ],
      ['src.spikes -> syn.pre', 'syn.post -> pop.I'],
    ));
    const g = initOf(p, 'syn', 'g');
    expect(g.length).toBe(3000); // one per postsynaptic neuron
    const { mean, sd } = stats(g);
    expect(Math.abs(mean - 0.04)).toBeLessThan((4 * 0.015) / Math.sqrt(3000));
    expect(Math.abs(sd - 0.015)).toBeLessThan(0.001);
  });

  it('rejects an unknown state, a wrong dimension and a negative sd, naming the block and state', () => {
    const bad = (init: Record<string, unknown>) => () => compile(makeDoc([{ id: 'cells', type: 'lif', size: 2, init }], []));
    expect(bad({ W: '-65 mV' })).toThrow(/block "cells".*no state "W"/s);
    expect(bad({ V: '5 ms' })).toThrow(/block "cells".*init "V"/s);
    expect(bad({ V: { dist: 'normal', mean: '-65 mV', sd: '-1 mV' } })).toThrow(/block "cells".*init "V".*sd/s);
    expect(bad({ V: { dist: 'uniform', low: '-60 mV', high: '-70 mV' } })).toThrow(/block "cells".*init "V"/s);
  });
});
