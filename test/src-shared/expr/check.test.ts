/**
 * The semantic pass of the update language: unknown names and functions, number/boolean
 * type errors, inlining of block helper functions, and the rules of a statement list
 * (states stay numbers, fixed outputs such as `spike` must be assigned with their type).
 */
import { describe, expect, it } from 'vitest';
import type { ValueType } from '../../../src-shared/expr/ast.js';
import { checkStatements, inlineFunctions, typeOf, type Scope } from '../../../src-shared/expr/check.js';
import { evaluate } from '../../../src-shared/expr/evaluate.js';
import { ExprError, parseExpression, parseStatement } from '../../../src-shared/expr/parse.js';
import { thrownMessage } from '../../helpers/errors.js';

const exprError = (f: () => unknown): string => thrownMessage(ExprError, f);

const scope: Scope = new Map<string, ValueType>([['x', 'num'], ['y', 'num'], ['b', 'bool']]);
const type = (src: string) => typeOf(parseExpression(src), scope);

describe('typeOf', () => {
  it('infers numbers and booleans', () => {
    expect(type('x * 2 + exp(y)')).toBe('num');
    expect(type('x < y')).toBe('bool');
    expect(type('b && x >= 0 || !b')).toBe('bool');
    expect(type('b ? x : 2')).toBe('num');
    expect(type('x > 1 ? b : false')).toBe('bool');
    expect(type('bernoulli(0.5)')).toBe('bool');
    expect(type('rand()')).toBe('num');
    expect(type('exp_euler(x, y, 5)')).toBe('num');
  });

  it('rejects unknown names and functions', () => {
    expect(exprError(() => type('z + 1'))).toBe('unknown name "z"');
    expect(exprError(() => type('foo(x)'))).toBe('unknown function "foo"');
    expect(exprError(() => type('Math(x)'))).toBe('unknown function "Math"');
  });

  it('checks the number of arguments of built-ins', () => {
    expect(exprError(() => type('exp(x, y)'))).toBe('exp() takes 1 argument(s), got 2');
    expect(exprError(() => type('exp_euler(x, y)'))).toBe('exp_euler() takes 3 argument(s), got 2');
    expect(exprError(() => type('rand(1)'))).toBe('rand() takes 0 argument(s), got 1');
  });

  it('rejects booleans where numbers belong and numbers where booleans belong', () => {
    expect(exprError(() => type('1 + true'))).toBe('the operands of + must be a number');
    expect(exprError(() => type('x * b'))).toBe('the operands of * must be a number');
    expect(exprError(() => type('x < b'))).toBe('the operands of < must be a number');
    expect(exprError(() => type('b == b'))).toBe('the operands of == must be a number');
    expect(exprError(() => type('-b'))).toBe('the operand of - must be a number');
    expect(exprError(() => type('exp(b)'))).toBe('the arguments of exp() must be a number');
    expect(exprError(() => type('!x'))).toBe('the operand of ! must be a boolean');
    expect(exprError(() => type('x && b'))).toBe('the operands of && must be a boolean');
    expect(exprError(() => type('x ? 1 : 2'))).toBe('the condition of ?: must be a boolean');
    expect(exprError(() => type('b ? 1 : true'))).toBe('both branches of ?: must be a number');
    expect(exprError(() => type('b ? true : 1'))).toBe('both branches of ?: must be a boolean');
  });
});

describe('inlineFunctions', () => {
  const functions = {
    sq: { args: ['u'], body: 'u * u' },
    diff: { args: ['p', 'q'], body: 'p - q' },
    sq_plus: { args: ['u'], body: 'sq(u) + 1' },
    loop: { args: ['u'], body: 'loop(u)' },
  };

  it('substitutes the arguments into the body, so the call disappears', () => {
    const e = inlineFunctions(parseExpression('sq(x + 1)'), functions);
    expect(e).toEqual(parseExpression('(x + 1) * (x + 1)'));
    expect(JSON.stringify(e)).not.toContain('"call"');
  });

  it('binds all arguments at once (no capture when they are swapped)', () => {
    const e = inlineFunctions(parseExpression('diff(q, p)'), functions);
    expect(e).toEqual(parseExpression('q - p'));
  });

  it('inlines helpers that call helpers, and leaves built-ins alone', () => {
    const e = inlineFunctions(parseExpression('exp(sq_plus(x))'), functions);
    expect(e).toEqual(parseExpression('exp(x * x + 1)'));
    expect(evaluate(e, new Map([['x', 2]]))).toBeCloseTo(Math.exp(5), 12);
  });

  it('checks the number of arguments and stops runaway recursion', () => {
    expect(exprError(() => inlineFunctions(parseExpression('sq(x, y)'), functions))).toBe('sq() takes 1 argument(s), got 2');
    expect(exprError(() => inlineFunctions(parseExpression('loop(x)'), functions))).toBe('helper functions call each other too deeply');
  });

  it('inlines the HH rate functions to the same values as written by hand', () => {
    const hh = { alpha_m: { args: ['V'], body: '0.1 * vtrap(-(V + 40), 10)' } };
    const e = inlineFunctions(parseExpression('alpha_m(V)'), hh);
    for (const V of [-65, -40, -39.9999, 0]) {
      const x = -(V + 40);
      const byHand = Math.abs(x) < 1e-9 ? 1 : (0.1 * x) / (Math.exp(x / 10) - 1);
      expect(evaluate(e, new Map([['V', V]]))).toBeCloseTo(byHand, 6);
    }
  });
});

describe('checkStatements', () => {
  const base: Scope = new Map<string, ValueType>([['t', 'num'], ['dt', 'num'], ['tau', 'num'], ['V', 'num'], ['I', 'num']]);
  const states = new Set(['V']);
  const spikeOut = new Map<string, ValueType>([['spike', 'bool']]);
  const check = (lines: string[], fixed = spikeOut) => checkStatements(lines.map(parseStatement), base, states, fixed);

  it('types locals by their first assignment and lets later lines read them', () => {
    const r = check(['V_inf = I * 2', 'above = V > V_inf', 'V = above ? V_inf : V', 'spike = above']);
    expect([...r.locals]).toEqual([['V_inf', 'num'], ['above', 'bool']]);
    expect(r.statements).toHaveLength(4);
  });

  it('requires the fixed outputs, with their type', () => {
    expect(exprError(() => check(['V = V']))).toBe('the code never assigns "spike" (a boolean)');
    expect(exprError(() => check(['spike = V']))).toBe('"spike" must be assigned a boolean');
    const current = new Map<string, ValueType>([['I_out', 'num']]);
    expect(exprError(() => check(['I_out = V > 0'], current))).toBe('"I_out" must be assigned a number');
  });

  it('keeps states numeric and parameters and inputs read-only', () => {
    expect(exprError(() => check(['V = V > 0', 'spike = false']))).toBe('state "V" must be assigned a number');
    expect(exprError(() => check(['tau = 1', 'spike = false']))).toBe('"tau" cannot be assigned (it is a parameter or an input)');
    expect(exprError(() => check(['I = 1', 'spike = false']))).toBe('"I" cannot be assigned (it is a parameter or an input)');
  });

  it('rejects a local that changes type and a name read before it is assigned', () => {
    expect(exprError(() => check(['k = 1', 'k = true', 'spike = k']))).toBe('local "k" changes type');
    expect(exprError(() => check(['x = later + 1', 'later = 2', 'spike = false']))).toBe('unknown name "later"');
  });
});
