/**
 * drawCsr with the expected count draws a rule once where it visits connections row by row
 * (src-main/compiler/connectivity.ts drawCsrOnce), and otherwise falls back to its two
 * passes: either way the rows, weights and lags are those of the two passes. The fast paths
 * of fixed probability and fixed in-degree with one weight (drawFixedProbabilityCsr,
 * drawFixedIndegreeCsr) give them too.
 */
import { describe, expect, it } from 'vitest';
import { drawCsr, drawFixedIndegreeCsr, drawFixedProbabilityCsr, forEachConnection } from '../../src-main/compiler/connectivity.js';
import { connectionCount } from '../../src-main/compiler/estimate.js';
import { HostRandom } from '../../src-main/compiler/host-random.js';
import type { ConnectionDoc } from '../../src-shared/document/schema.js';

describe('drawCsr drawn once', () => {
  const rules: Array<[string, ConnectionDoc, number, number, boolean]> = [
    ['all-to-all without self-connections', { rule: 'all-to-all', selfConnections: false, delay: 0 }, 30, 30, true],
    ['one-to-one', { rule: 'one-to-one', selfConnections: true, delay: 0 }, 25, 25, false],
    ['fixed-probability', { rule: 'fixed-probability', p: 0.2, selfConnections: true, delay: 0 }, 400, 300, false],
    ['fixed-indegree', { rule: 'fixed-indegree', indegree: 5, selfConnections: false, delay: 0 }, 20, 20, true],
    ['pairs (in any order)', { rule: 'pairs', pairs: [[3, 1], [0, 2], [3, 0], [1, 1], [0, 0]], selfConnections: true, delay: 0 }, 4, 3, false],
  ];
  for (const [name, conn, nPre, nPost, same] of rules) {
    it(`gives the two passes' rows, weights and lags: ${name}`, () => {
      const draw = (visit: (i: number, j: number) => void) => forEachConnection(conn, nPre, nPost, same, new HostRandom(7, 11), visit);
      const weights = () => { const rng = new HostRandom(7, 12); return () => rng.uniform(); };
      const lags = () => { const rng = new HostRandom(7, 13); return () => rng.integer(9); };
      const expected = connectionCount(conn, nPre, nPost, same);
      // Exact, the estimate, and far too few (the margin is exceeded: two passes after all).
      for (const hint of [expected, Math.round(expected * 0.5), 0]) {
        for (const [side, rows] of [['pre', nPre], ['post', nPost]] as const) {
          const twice = drawCsr(draw, rows, side, weights, lags);
          const once = drawCsr(draw, rows, side, weights, lags, hint);
          expect([...once.ptr], `${side}, ${hint}`).toEqual([...twice.ptr]);
          expect([...once.idx]).toEqual([...twice.idx]);
          expect([...once.w]).toEqual([...twice.w]);
          expect([...once.lag!]).toEqual([...twice.lag!]);
          expect(once.idx.length).toBe(twice.ptr[rows]);
        }
      }
    });
  }
});

describe('drawFixedProbabilityCsr', () => {
  const weight = Math.fround(0.37);
  const cases: Array<[number, number, number, boolean, boolean]> = [
    // p, nPre, nPost, same block, self-connections
    [0.02, 400, 300, false, true],
    [0.2, 120, 120, true, false],
    [0.2, 120, 120, true, true],
    [0.5, 60, 90, false, false],
    [1, 20, 20, true, false],
    [1, 15, 10, false, true],
    [0, 30, 30, true, true],
  ];
  for (const [p, nPre, nPost, same, self] of cases) {
    it(`gives drawCsr's rows and weights: p ${p}, ${nPre} × ${nPost}${same ? ', one block' : ''}${self ? '' : ', no self-connections'}`, () => {
      const conn: ConnectionDoc = { rule: 'fixed-probability', p, selfConnections: self, delay: 0 };
      const draw = (visit: (i: number, j: number) => void) => forEachConnection(conn, nPre, nPost, same, new HostRandom(7, 11), visit);
      const general = drawCsr(draw, nPre, 'pre', () => () => weight);
      const fast = drawFixedProbabilityCsr(p, nPre, nPost, self || !same, new HostRandom(7, 11), weight, connectionCount(conn, nPre, nPost, same))!;
      expect(fast).not.toBeNull();
      expect([...fast.ptr]).toEqual([...general.ptr]);
      expect([...fast.idx]).toEqual([...general.idx]);
      expect([...fast.w]).toEqual([...general.w]);
      expect(fast.idx.length).toBe(general.ptr[nPre]);
      if (p > 0 && p < 1) expect(general.idx.length).toBeGreaterThan(0);
    });
  }

  it('is null where there are far more connections than expected (drawCsr then draws them)', () => {
    expect(drawFixedProbabilityCsr(0.5, 200, 200, true, new HostRandom(7, 11), weight, 10)).toBeNull();
  });
});

describe('drawFixedIndegreeCsr', () => {
  const weight = Math.fround(-0.5);
  const cases: Array<[number, number, number, boolean, boolean]> = [
    // k, nPre, nPost, same block, self-connections
    [10, 400, 300, false, true],
    [25, 120, 120, true, false],
    [25, 120, 120, true, true],
    [19, 20, 20, true, false], // every other neuron
    [7, 7, 30, false, true], // every neuron
    [0, 10, 10, true, false],
  ];
  for (const [k, nPre, nPost, same, self] of cases) {
    it(`gives drawCsr's rows and weights: in-degree ${k}, ${nPre} × ${nPost}${same ? ', one block' : ''}${self ? '' : ', no self-connections'}`, () => {
      const conn: ConnectionDoc = { rule: 'fixed-indegree', indegree: k, selfConnections: self, delay: 0 };
      const draw = (visit: (i: number, j: number) => void) => forEachConnection(conn, nPre, nPost, same, new HostRandom(7, 11), visit);
      const general = drawCsr(draw, nPre, 'pre', () => () => weight);
      const fast = drawFixedIndegreeCsr(k, nPre, nPost, self || !same, () => new HostRandom(7, 11), weight);
      expect([...fast.ptr]).toEqual([...general.ptr]);
      expect([...fast.idx]).toEqual([...general.idx]);
      expect([...fast.w]).toEqual([...general.w]);
      expect(fast.idx.length).toBe(k * nPost);
    });
  }
});
