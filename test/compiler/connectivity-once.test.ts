/**
 * drawCsr with the expected count draws a rule once where it visits connections row by row
 * (src-main/compiler/connectivity.ts drawCsrOnce), and otherwise falls back to its two
 * passes: either way the rows, weights and lags are those of the two passes.
 */
import { describe, expect, it } from 'vitest';
import { drawCsr, forEachConnection } from '../../src-main/compiler/connectivity.js';
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
