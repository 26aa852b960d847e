/**
 * Connectivity rules and weights of synapse blocks (assets/docs/models.md, "Synapses"): all-to-all,
 * one-to-one, fixed probability (with or without self-connections), fixed in-degree, explicit
 * pairs; one weight or a distribution drawn per connection with the run seed.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src-main/compiler/compile.js';
import type { Plan } from '../../../src-main/compiler/plan.js';
import { makeDoc, runDoc } from '../../helpers/doc.js';

/** A source of nPre Poisson neurons → exponential synapse → nPost LIF (or a recurrent loop). */
function plan(connection: Record<string, unknown>, nPre: number, nPost: number, seed = 1, recurrent = false): Plan {
  const blocks = recurrent
    ? [
        { id: 'pop', type: 'lif', size: nPre },
        { id: 'syn', type: 'exponential', params: { output: 'current' }, connection },
      ]
    : [
        { id: 'src', type: 'poisson', size: nPre },
        { id: 'syn', type: 'exponential', params: { output: 'current' }, connection },
        { id: 'pop', type: 'lif', size: nPost },
      ];
  const edges = recurrent ? ['pop.spikes -> syn.pre', 'syn.post -> pop.I'] : ['src.spikes -> syn.pre', 'syn.post -> pop.I'];
  return compile(makeDoc(blocks, edges, { seed, duration: '1 ms' }));
}

/** (pre, post, weight) triples of the plan's only projection. */
function pairs(p: Plan): Array<[number, number, number]> {
  const { byPre } = p.projections[0]!;
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i + 1 < byPre.ptr.length; i++) {
    for (let c = byPre.ptr[i]!; c < byPre.ptr[i + 1]!; c++) out.push([i, byPre.idx[c]!, byPre.w[c]!]);
  }
  return out;
}

function inDegrees(list: Array<[number, number, number]>, nPost: number): number[] {
  const d = new Array<number>(nPost).fill(0);
  for (const [, j] of list) d[j]!++;
  return d;
}

const stats = (xs: readonly number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  return { mean: m, sd: Math.sqrt(v) };
};

describe('connectivity rules', () => {
  it('all-to-all connects every pair once', () => {
    const list = pairs(plan({ rule: 'all-to-all', weight: '1 nA' }, 7, 5));
    expect(list.length).toBe(35);
    expect(new Set(list.map(([i, j]) => `${i},${j}`)).size).toBe(35);
    expect(list.every(([, , w]) => w === 1)).toBe(true);
  });

  it('all-to-all on a recurrent block keeps or drops i → i as asked', () => {
    expect(pairs(plan({ rule: 'all-to-all' }, 6, 6, 1, true)).length).toBe(36);
    const noSelf = pairs(plan({ rule: 'all-to-all', selfConnections: false }, 6, 6, 1, true));
    expect(noSelf.length).toBe(30);
    expect(noSelf.some(([i, j]) => i === j)).toBe(false);
  });

  it('one-to-one connects i → i', () => {
    expect(pairs(plan({ rule: 'one-to-one', weight: '2 nA' }, 4, 4))).toEqual([[0, 0, 2], [1, 1, 2], [2, 2, 2], [3, 3, 2]]);
  });

  it('one-to-one between blocks of different sizes is an error naming the synapse block', () => {
    expect(() => plan({ rule: 'one-to-one' }, 4, 5)).toThrow(/block "syn".*one-to-one.*4.*5/s);
  });

  it('fixed probability: mean in-degree p·N_pre within 4 sd, binomial spread', () => {
    const [nPre, nPost, p] = [1000, 200, 0.05];
    const list = pairs(plan({ rule: 'fixed-probability', p }, nPre, nPost, 3));
    const deg = inDegrees(list, nPost);
    const { mean, sd } = stats(deg);
    const sdOne = Math.sqrt(nPre * p * (1 - p)); // 6.9
    expect(Math.abs(mean - nPre * p)).toBeLessThan((4 * sdOne) / Math.sqrt(nPost));
    expect(sd).toBeGreaterThan(0.8 * sdOne);
    expect(sd).toBeLessThan(1.2 * sdOne);
    expect(new Set(list.map(([i, j]) => `${i},${j}`)).size).toBe(list.length); // no duplicates
    // Out-degrees follow the same law.
    const out = new Array<number>(nPre).fill(0);
    for (const [i] of list) out[i]!++;
    expect(Math.abs(stats(out).mean - nPost * p)).toBeLessThan((4 * Math.sqrt(nPost * p * (1 - p))) / Math.sqrt(nPre));
  });

  it('fixed probability with p = 0 and p = 1', () => {
    expect(pairs(plan({ rule: 'fixed-probability', p: 0 }, 20, 20)).length).toBe(0);
    expect(pairs(plan({ rule: 'fixed-probability', p: 1 }, 20, 30)).length).toBe(600);
  });

  it('fixed probability excludes self-connections when asked, includes them otherwise', () => {
    const withSelf = pairs(plan({ rule: 'fixed-probability', p: 0.5 }, 200, 200, 5, true));
    const self = withSelf.filter(([i, j]) => i === j).length; // binomial(200, 0.5)
    expect(Math.abs(self - 100)).toBeLessThan(4 * Math.sqrt(50));
    const without = pairs(plan({ rule: 'fixed-probability', p: 0.5, selfConnections: false }, 200, 200, 5, true));
    expect(without.some(([i, j]) => i === j)).toBe(false);
    expect(Math.abs(without.length - 200 * 199 * 0.5)).toBeLessThan(4 * Math.sqrt(200 * 199 * 0.25));
  });

  it('fixed in-degree gives every target exactly k distinct sources', () => {
    const list = pairs(plan({ rule: 'fixed-indegree', indegree: 13 }, 50, 40, 2));
    expect(inDegrees(list, 40).every((d) => d === 13)).toBe(true);
    expect(new Set(list.map(([i, j]) => `${i},${j}`)).size).toBe(list.length);
    // Sources are spread over the whole presynaptic block.
    const used = new Set(list.map(([i]) => i));
    expect(used.size).toBeGreaterThan(45);
    const noSelf = pairs(plan({ rule: 'fixed-indegree', indegree: 9, selfConnections: false }, 10, 10, 2, true));
    expect(inDegrees(noSelf, 10).every((d) => d === 9)).toBe(true);
    expect(noSelf.some(([i, j]) => i === j)).toBe(false);
  });

  it('fixed in-degree larger than the presynaptic block is an error naming the block', () => {
    expect(() => plan({ rule: 'fixed-indegree', indegree: 11 }, 10, 3)).toThrow(/block "syn".*indegree 11/s);
    expect(() => plan({ rule: 'fixed-indegree', indegree: 10, selfConnections: false }, 10, 10, 1, true)).toThrow(/block "syn"/);
  });

  it('explicit pairs connect exactly the listed pairs, and reject indices out of range', () => {
    const list = pairs(plan({ rule: 'pairs', pairs: [[2, 0], [0, 1], [2, 1]], weight: '3 nA' }, 3, 2));
    expect(list).toEqual([[0, 1, 3], [2, 0, 3], [2, 1, 3]]);
    expect(() => plan({ rule: 'pairs', pairs: [[3, 0]] }, 3, 2)).toThrow(/block "syn".*presynaptic index 3/s);
    expect(() => plan({ rule: 'pairs', pairs: [[0, 2]] }, 3, 2)).toThrow(/block "syn".*postsynaptic index 2/s);
  });

  it('delivers each spike only along its connections (engine)', () => {
    const out = runDoc(makeDoc(
      [
        { id: 'src', type: 'spike-times', size: 3, params: { spikes: [[0, '1 ms'], [1, '2 ms'], [2, '3 ms']] } },
        { id: 'syn', type: 'exponential', params: { tau: '1e6 ms', output: 'current' }, connection: { rule: 'pairs', pairs: [[0, 0], [0, 1], [2, 1]], weight: '1 nA' } },
        { id: 'pop', type: 'lif', size: 2, params: { V_th: '1e6 mV' } },
        { id: 'g', type: 'state-probe', params: { state: 'g' } },
      ],
      ['src.spikes -> syn.pre', 'syn.post -> pop.I', 'syn.post -> g.target'],
      { duration: '5 ms' },
    ));
    const [g0, g1] = out.traces.get('g')!;
    expect(g0![11]).toBeCloseTo(1, 5); // from source 0
    expect(g0![50]).toBeCloseTo(1, 5); // source 2 does not reach target 0
    expect(g1![11]).toBeCloseTo(1, 5); // from source 0
    expect(g1![21]).toBeCloseTo(1, 5); // source 1 is not connected
    expect(g1![31]).toBeCloseTo(2, 5); // plus source 2
  });

  it('is reproducible for a seed and changes with the seed', () => {
    const a = pairs(plan({ rule: 'fixed-probability', p: 0.1 }, 100, 100, 7));
    expect(pairs(plan({ rule: 'fixed-probability', p: 0.1 }, 100, 100, 7))).toEqual(a);
    expect(pairs(plan({ rule: 'fixed-probability', p: 0.1 }, 100, 100, 8))).not.toEqual(a);
  });
});

describe('weights', () => {
  it('a normal distribution per connection has the given mean and sd', () => {
    const w = pairs(plan({ rule: 'all-to-all', weight: { dist: 'normal', mean: '2 nA', sd: '0.5 nA' } }, 100, 100, 4)).map(([, , x]) => x);
    const { mean, sd } = stats(w);
    expect(Math.abs(mean - 2)).toBeLessThan((4 * 0.5) / Math.sqrt(w.length));
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.5 * 0.05);
    expect(new Set(w).size).toBeGreaterThan(9900); // drawn per connection
  });

  it('a uniform distribution stays in [low, high] with mean (low + high)/2', () => {
    const w = pairs(plan({ rule: 'all-to-all', weight: { dist: 'uniform', low: '1 nA', high: '3 nA' } }, 100, 100, 4)).map(([, , x]) => x);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...w)).toBeLessThanOrEqual(3);
    const { mean, sd } = stats(w);
    expect(Math.abs(mean - 2)).toBeLessThan((4 * (2 / Math.sqrt(12))) / Math.sqrt(w.length));
    expect(Math.abs(sd - 2 / Math.sqrt(12))).toBeLessThan(0.03);
  });

  it('converts units of the weight to the synapse variant (nS → µS for conductance)', () => {
    const p = compile(makeDoc(
      [
        { id: 'src', type: 'poisson', size: 2 },
        { id: 'syn', type: 'exponential', connection: { weight: { dist: 'normal', mean: '40 nS', sd: '0 nS' } } },
        { id: 'pop', type: 'lif', size: 2 },
      ],
      ['src.spikes -> syn.pre', 'syn.post -> pop.I'],
    ));
    expect([...p.projections[0]!.byPre.w].every((x) => Math.abs(x - 0.04) < 1e-9)).toBe(true);
    expect(p.projections[0]!.weightUnit).toBe('µS');
  });

  it('weights are reproducible, change with the seed, and do not move the connections', () => {
    const conn = { rule: 'fixed-probability', p: 0.2, weight: { dist: 'normal', mean: '1 nA', sd: '0.2 nA' } };
    const a = pairs(plan(conn, 50, 50, 1));
    expect(pairs(plan(conn, 50, 50, 1))).toEqual(a);
    expect(pairs(plan(conn, 50, 50, 2)).map(([, , w]) => w)).not.toEqual(a.map(([, , w]) => w));
    const constant = pairs(plan({ ...conn, weight: '1 nA' }, 50, 50, 1));
    expect(constant.map(([i, j]) => [i, j])).toEqual(a.map(([i, j]) => [i, j]));
  });

  it('a weight with the wrong dimension is an error naming the block', () => {
    expect(() => plan({ rule: 'all-to-all', weight: '5 mV' }, 2, 2)).toThrow(/block "syn"/);
  });
});
