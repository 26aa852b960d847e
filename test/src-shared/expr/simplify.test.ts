import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src-shared/expr/evaluate.js';
import { parseExpression } from '../../../src-shared/expr/parse.js';
import { simplify } from '../../../src-shared/expr/simplify.js';

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
