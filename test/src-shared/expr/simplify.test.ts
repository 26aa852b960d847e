import { describe, expect, it } from 'vitest';
import { evaluate, foldConstants } from '../../../src-shared/expr/evaluate.js';
import { parseExpression } from '../../../src-shared/expr/parse.js';
import { simplify, simplifyF64Division } from '../../../src-shared/expr/simplify.js';

describe('simplify: round(x) compared with an integer', () => {
  it('rewrites the comparison away from round()', () => {
    const e = simplify(parseExpression('round(x) <= 50'));
    expect(JSON.stringify(e)).not.toContain('"round"');
  });

  it('gives exactly the same truth value for every operator, constant and x', () => {
    const xs = [-3.5, -2.5, -2.4999, -0.5, -0.4999, 0, 0.4999, 0.5, 1.5, 2.5, 2.50001, 49.5, 49.4999, 50.5, NaN, Infinity, -Infinity];
    for (const op of ['<', '<=', '>', '>=']) {
      for (const c of [-3, -1, 0, 1, 2, 50]) {
        for (const text of [`round(x) ${op} ${c}`, `${c} ${op} round(x)`]) {
          const original = parseExpression(text);
          const rewritten = simplify(original);
          for (const x of xs) {
            const env = new Map([['x', x]]);
            expect(evaluate(rewritten, env), `${text} at x = ${x}`).toBe(evaluate(original, env));
          }
        }
      }
    }
  });

  it('leaves other comparisons alone', () => {
    const e = parseExpression('round(x) <= 2.5');
    expect(simplify(e)).toEqual(e);
  });
});

describe('simplifyF64Division: x / c compared with a constant', () => {
  it('removes the division and keeps every truth value, at and around the threshold', () => {
    const view = new DataView(new ArrayBuffer(8));
    const near = (x: number, d: number) => {
      view.setFloat64(0, x);
      view.setBigInt64(0, view.getBigInt64(0) + BigInt(d));
      return view.getFloat64(0);
    };
    for (const c of [0.1, 0.025, 3, 1e-3]) {
      for (const K of [50.5, 20.5, 0.5, -3.5, 0, 7]) {
        for (const op of ['<', '<=', '>', '>=']) {
          const original = foldConstants(parseExpression(`x / ${c} ${op} ${K}`), new Map());
          const rewritten = simplifyF64Division(original);
          expect(JSON.stringify(rewritten)).not.toContain('"/"');
          const centre = K * c;
          const xs = [NaN, Infinity, -Infinity, 0, -0, ...Array.from({ length: 41 }, (_, d) => (centre === 0 ? d * 1e-320 : near(centre, d - 20)))];
          for (const x of xs) {
            const env = new Map([['x', x]]);
            expect(evaluate(rewritten, env), `x/${c} ${op} ${K} at x = ${x}`).toBe(evaluate(original, env));
          }
        }
      }
    }
  });
});
