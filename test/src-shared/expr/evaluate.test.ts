/**
 * The host's meaning of the update language: the interpreter, constant folding, and the
 * numeric built-ins (vtrap's limit at 0, exp_euler's tau = 0 / non-finite rule of
 * assets/docs/models.md, rounding halves away from zero).
 */
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../src-shared/expr/ast.js';
import { BUILTINS } from '../../../src-shared/expr/builtins.js';
import { evaluate, foldConstants, type Env } from '../../../src-shared/expr/evaluate.js';
import { decayFactor, expEuler, PURE_FUNCTIONS, roundHalfAway, sigmoid, vtrap } from '../../../src-shared/expr/numeric.js';
import { ExprError, parseExpression } from '../../../src-shared/expr/parse.js';

const env = (o: Record<string, number | boolean>): Env => new Map(Object.entries(o));
const ev = (src: string, o: Record<string, number | boolean> = {}) => evaluate(parseExpression(src), env(o));
const fold = (src: string, o: Record<string, number | boolean> = {}) => foldConstants(parseExpression(src), env(o));

describe('evaluate', () => {
  it('computes arithmetic, comparisons, logic and conditionals', () => {
    expect(ev('1 + 2 * 3 - 8 / 4')).toBe(5);
    expect(ev('-x', { x: 2 })).toBe(-2);
    expect(ev('x < 1 || x >= 3', { x: 3 })).toBe(true);
    expect(ev('!(x == 3) && true', { x: 3 })).toBe(false);
    expect(ev('x != 3 ? 1 : 2', { x: 3 })).toBe(2);
    expect(ev('x <= 3 && x > 2', { x: 3 })).toBe(true);
  });

  it('short-circuits && and ||, so the unused side may read unbound names', () => {
    expect(ev('false && missing')).toBe(false);
    expect(ev('true || missing')).toBe(true);
    expect(ev('true ? 1 : missing')).toBe(1);
  });

  it('evaluates every pure built-in', () => {
    expect(ev('exp(1)')).toBeCloseTo(Math.E, 15);
    expect(ev('log(exp(2))')).toBeCloseTo(2, 15);
    expect(ev('sqrt(16)')).toBe(4);
    expect(ev('abs(-3)')).toBe(3);
    expect(ev('min(2, 3)')).toBe(2);
    expect(ev('max(2, 3)')).toBe(3);
    expect(ev('pow(2, 10)')).toBe(1024);
    expect(ev('floor(-1.5)')).toBe(-2);
    expect(ev('round(2.5)')).toBe(3);
    expect(ev('round(-2.5)')).toBe(-3);
    expect(ev('sigmoid(0)')).toBe(0.5);
    expect(ev('vtrap(0, 10)')).toBe(10);
    expect(ev('exp_euler(1, 0, 10)', { dt: 0.1 })).toBeCloseTo(Math.exp(-0.01), 15);
  });

  it('has an evaluator for every non-random built-in and none for the random ones', () => {
    for (const [name, def] of Object.entries(BUILTINS)) {
      if (name === 'exp_euler') continue;
      expect(name in PURE_FUNCTIONS, name).toBe(!def.random);
    }
  });

  it('refuses unbound names, exp_euler without dt and the random built-ins', () => {
    expect(() => ev('x + 1')).toThrow(new ExprError('unknown name "x"'));
    expect(() => ev('exp_euler(1, 0, 10)')).toThrow('exp_euler needs dt');
    expect(() => ev('rand()')).toThrow('rand() cannot be evaluated here (it is random or unknown)');
    expect(() => ev('bernoulli(0.5)')).toThrow('bernoulli() cannot be evaluated here');
  });
});

describe('vtrap', () => {
  it('is continued by its limit y at x = 0', () => {
    expect(vtrap(0, 10)).toBe(10);
    expect(vtrap(-0, 10)).toBe(10);
    expect(vtrap(0, -5)).toBe(-5);
  });

  it('is continuous across the removable singularity', () => {
    const exact = (x: number, y: number) => x / (Math.exp(x / y) - 1);
    for (const x of [1e-9, -1e-9, 1e-6, -1e-6, 1e-5, -1e-5, 1e-3, -1e-3]) {
      const series = 10 * (1 - x / 20);
      expect(vtrap(x, 10)).toBeCloseTo(series, 7);
      if (Math.abs(x) >= 1e-5) expect(vtrap(x, 10)).toBeCloseTo(exact(x, 10), 9);
    }
    expect(vtrap(5, 10)).toBeCloseTo(exact(5, 10), 15);
  });

  it('gives the HH rate α_m = 1 /ms exactly at V = −40 mV and α_n = 0.1 at −55 mV', () => {
    expect(0.1 * vtrap(-(-40 + 40), 10)).toBe(1);
    expect(0.01 * vtrap(-(-55 + 55), 10)).toBe(0.1);
  });
});

describe('exp_euler', () => {
  it('relaxes towards x_inf by exp(−dt/tau)', () => {
    expect(expEuler(-65, -50, 10, 0.1)).toBeCloseTo(-50 + (-15) * Math.exp(-0.01), 12);
    expect(expEuler(3, 3, 10, 0.1)).toBe(3);
  });

  it('jumps to x_inf when tau is 0', () => {
    expect(expEuler(-65, -50, 0, 0.1)).toBe(-50);
    expect(decayFactor(0.1, 0)).toBe(0);
    expect(ev('exp_euler(x, 2, 0)', { x: 7, dt: 0.1 })).toBe(2);
  });

  it('jumps to x_inf when tau is not finite (assets/docs/models.md)', () => {
    expect(expEuler(-65, -50, Number.POSITIVE_INFINITY, 0.1)).toBe(-50);
    expect(expEuler(-65, -50, Number.NEGATIVE_INFINITY, 0.1)).toBe(-50);
    expect(expEuler(-65, -50, Number.NaN, 0.1)).toBe(-50);
    expect(ev('exp_euler(x, 2, 1 / 0)', { x: 7, dt: 0.1 })).toBe(2);
  });

  it('is exact for a linear equation over many steps', () => {
    let x = 1;
    for (let i = 0; i < 100; i++) x = expEuler(x, 0, 5, 0.1);
    expect(x).toBeCloseTo(Math.exp(-10 / 5), 12);
  });
});

describe('numeric helpers', () => {
  it('rounds halves away from zero', () => {
    expect(roundHalfAway(0.5)).toBe(1);
    expect(roundHalfAway(-0.5)).toBe(-1);
    expect(roundHalfAway(2.4)).toBe(2);
    expect(roundHalfAway(-2.6)).toBe(-3);
    expect(roundHalfAway(5 / 0.1)).toBe(50);
  });

  it('sigmoid', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(40)).toBeCloseTo(1, 15);
    expect(sigmoid(-40)).toBeCloseTo(0, 15);
  });
});

describe('foldConstants', () => {
  it('substitutes constants and evaluates what depends on nothing else', () => {
    expect(fold('a * 2 + b', { a: 3 })).toEqual(parseExpression('6 + b'));
    expect(fold('exp(-dt / tau) * g', { dt: 0.1, tau: 10 })).toEqual({
      k: 'bin', op: '*', a: { k: 'num', v: Math.exp(-0.01) }, b: { k: 'var', name: 'g' },
    });
    expect(fold('round(T_dur / dt)', { T_dur: 0.5, dt: 0.1 })).toEqual({ k: 'num', v: 5 });
    expect(fold('-x', { x: 2 })).toEqual({ k: 'num', v: -2 });
  });

  it('chooses the branch of a conditional with a constant condition', () => {
    expect(fold('p > 0 ? a : b', { p: 1 })).toEqual(parseExpression('a'));
    expect(fold('p > 0 ? a : b', { p: 0 })).toEqual(parseExpression('b'));
    expect(fold('c ? 1 + 1 : 3')).toEqual(parseExpression('c ? 2 : 3'));
  });

  it('simplifies && and || with one constant side', () => {
    expect(fold('false && s')).toEqual({ k: 'bool', v: false });
    expect(fold('s && true')).toEqual(parseExpression('s'));
    expect(fold('s || true')).toEqual({ k: 'bool', v: true });
    expect(fold('false || s')).toEqual(parseExpression('s'));
    expect(fold('k > 1 && s', { k: 2 })).toEqual(parseExpression('s'));
  });

  it('never folds random calls or exp_euler', () => {
    expect(fold('bernoulli(rate * dt / 1000)', { rate: 10, dt: 0.1 })).toEqual({
      k: 'call', fn: 'bernoulli', args: [{ k: 'num', v: 0.001 }],
    });
    expect(fold('rand() < 0.5')).toEqual(parseExpression('rand() < 0.5'));
    const e = fold('exp_euler(g, 0, tau)', { tau: 5 }) as Extract<Expr, { k: 'call' }>;
    expect(e.k).toBe('call');
    expect(e.fn).toBe('exp_euler');
    expect(e.args[2]).toEqual({ k: 'num', v: 5 });
    // Even with every argument constant: exp_euler needs the run's dt, printers fold it.
    expect(fold('exp_euler(1, 0, 5)').k).toBe('call');
  });

  it('leaves the folded tree equal in value to the original', () => {
    const src = 'V_rest + R * I > V_th ? exp(-dt / tau) * (V - V_rest) : max(V, V_rest - 5)';
    const constants = { V_rest: -65, R: 1, V_th: -50, dt: 0.1, tau: 10 };
    const folded = foldConstants(parseExpression(src), env(constants));
    for (const [V, I] of [[-60, 0], [-60, 20], [-70, 1]] as const) {
      const full = env({ ...constants, V, I });
      expect(evaluate(folded, env({ V, I }))).toBeCloseTo(evaluate(parseExpression(src), full) as number, 12);
    }
  });
});
