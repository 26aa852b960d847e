/**
 * The update language's front end: the closed syntax tree it produces, and everything
 * outside the language (member access, strings, arrays, other operators) rejected with
 * a message that quotes the offending code.
 */
import { describe, expect, it } from 'vitest';
import { freeNames, mapExpr, walk, type Expr } from '../../../src-shared/expr/ast.js';
import { ExprError, parseEquationExpression, parseExpression, parseStatement } from '../../../src-shared/expr/parse.js';
import { thrownMessage } from '../../helpers/errors.js';

const exprError = (f: () => unknown): string => thrownMessage(ExprError, f);

const num = (v: number): Expr => ({ k: 'num', v });
const v = (name: string): Expr => ({ k: 'var', name });

describe('parseExpression', () => {
  it('builds the tree of numbers, names, operators, conditionals and calls', () => {
    expect(parseExpression('1e-3')).toEqual(num(0.001));
    expect(parseExpression('.5')).toEqual(num(0.5));
    expect(parseExpression('true')).toEqual({ k: 'bool', v: true });
    expect(parseExpression('false')).toEqual({ k: 'bool', v: false });
    expect(parseExpression('-x')).toEqual({ k: 'neg', a: v('x') });
    expect(parseExpression('+x')).toEqual(v('x'));
    expect(parseExpression('!b')).toEqual({ k: 'not', a: v('b') });
    // Unary minus binds tighter than division, as in JavaScript: (−dt)/tau.
    expect(parseExpression('exp(-dt / tau)')).toEqual({
      k: 'call', fn: 'exp', args: [{ k: 'bin', op: '/', a: { k: 'neg', a: v('dt') }, b: v('tau') }],
    });
  });

  it('follows the usual precedence and associativity', () => {
    expect(parseExpression('a + b * c')).toEqual({ k: 'bin', op: '+', a: v('a'), b: { k: 'bin', op: '*', a: v('b'), b: v('c') } });
    expect(parseExpression('a - b - c')).toEqual({ k: 'bin', op: '-', a: { k: 'bin', op: '-', a: v('a'), b: v('b') }, b: v('c') });
    expect(parseExpression('(a + b) * c')).toEqual({ k: 'bin', op: '*', a: { k: 'bin', op: '+', a: v('a'), b: v('b') }, b: v('c') });
    expect(parseExpression('a < b && c >= d || e')).toEqual({
      k: 'bin', op: '||',
      a: { k: 'bin', op: '&&', a: { k: 'bin', op: '<', a: v('a'), b: v('b') }, b: { k: 'bin', op: '>=', a: v('c'), b: v('d') } },
      b: v('e'),
    });
    expect(parseExpression('a ? b : c ? d : e')).toEqual({
      k: 'cond', c: v('a'), a: v('b'), b: { k: 'cond', c: v('c'), a: v('d'), b: v('e') },
    });
  });

  it('accepts every operator of the language', () => {
    for (const op of ['+', '-', '*', '/', '<', '<=', '>', '>=', '==', '!=', '&&', '||']) {
      expect(parseExpression(`a ${op} b`)).toEqual({ k: 'bin', op, a: v('a'), b: v('b') });
    }
  });

  it('parses every line of a real block (HH) without loss', () => {
    const e = parseExpression('(gna * ENa + gk * EK + gL * EL + I) / G');
    expect([...freeNames(e)].sort()).toEqual(['EK', 'EL', 'ENa', 'G', 'I', 'gL', 'gk', 'gna']);
  });

  it('rejects member access, indexing and calls of anything but a name', () => {
    expect(exprError(() => parseExpression('a.b'))).toBe('"a.b" uses MemberExpression, which the update language does not have');
    expect(exprError(() => parseExpression('a[0]'))).toBe('"a[0]" uses MemberExpression, which the update language does not have');
    expect(exprError(() => parseExpression('Math.exp(x)'))).toBe('only named functions can be called in "Math.exp(x)"');
    expect(exprError(() => parseExpression('f(x)(y)'))).toBe('only named functions can be called in "f(x)(y)"');
    expect(exprError(() => parseExpression('this'))).toContain('ThisExpression');
  });

  it('rejects strings, null, arrays and sequences', () => {
    expect(exprError(() => parseExpression('"mV"'))).toBe('only numbers and true/false are allowed as literals in ""mV""');
    expect(exprError(() => parseExpression("'x'"))).toContain('only numbers and true/false are allowed as literals');
    expect(exprError(() => parseExpression('null'))).toContain('only numbers and true/false are allowed as literals');
    expect(exprError(() => parseExpression('[1, 2]'))).toContain('ArrayExpression');
    expect(exprError(() => parseExpression('a, b'))).toBe('"a, b": a comma separates the arguments of a function call, and may stand nowhere else');
  });

  it('says how to write a quantity written as in a paper ("10 ms"), and that nothing is not an expression', () => {
    expect(exprError(() => parseEquationExpression('-V/(10 ms)'))).toBe('"-V/(10 ms)": "10 ms" needs an operator between the number and the unit: write 10*ms');
    expect(exprError(() => parseExpression('V > -50 mV'))).toBe('"V > -50 mV": "-50 mV" needs an operator between the number and the unit: write -50*mV');
    expect(exprError(() => parseExpression('V > 2.5e-3 mV'))).toContain('write 2.5e-3*mV');
    expect(exprError(() => parseExpression('a b'))).toBe('"a b": two terms stand side by side with no operator between them');
    expect(exprError(() => parseExpression(''))).toBe('an expression was expected here, and there is none');
    expect(exprError(() => parseExpression('  '))).toBe('an expression was expected here, and there is none');
  });

  it('reads the minus sign of printed papers (U+2212) as minus', () => {
    expect(parseExpression('\u2212V / tau')).toEqual(parseExpression('-V / tau'));
    expect(parseEquationExpression('a \u2212 b')).toEqual(parseEquationExpression('a - b'));
  });

  it('rejects operators outside the language', () => {
    for (const [src, op] of [['x % 2', '%'], ['x ** 2', '**'], ['x & 1', '&'], ['x === 1', '==='], ['~x', '~']]) {
      expect(exprError(() => parseExpression(src!))).toBe(`unknown operator "${op}" in "${src}"`);
    }
  });

  it('reports syntax errors with the source and position', () => {
    expect(exprError(() => parseExpression('(1 + 2'))).toBe('cannot parse "(1 + 2": Unclosed ( at character 6');
    expect(exprError(() => parseExpression('1 +'))).toMatch(/^cannot parse "1 \+": /);
    expect(exprError(() => parseExpression('x ? 1'))).toMatch(/^cannot parse "x \? 1": /);
  });

  it('does not take an assignment for an expression', () => {
    expect(exprError(() => parseExpression('x = 1'))).toBe('"x = 1" is an assignment where an expression was expected');
  });

  it('leaves unknown function names to the type check (they parse)', () => {
    expect(parseExpression('foo(x)')).toEqual({ k: 'call', fn: 'foo', args: [v('x')] });
  });
});

describe('parseStatement', () => {
  it('parses "name = expression"', () => {
    expect(parseStatement('V = spike ? V_reset : V')).toEqual({
      target: 'V', expr: { k: 'cond', c: v('spike'), a: v('V_reset'), b: v('V') },
    });
  });

  it('rejects anything else', () => {
    expect(exprError(() => parseStatement('x += 1'))).toBe('"x += 1" is not an assignment "name = expression"');
    expect(exprError(() => parseStatement('x == 1'))).toBe('"x == 1" is not an assignment "name = expression"');
    expect(exprError(() => parseStatement('x'))).toBe('"x" is not an assignment "name = expression"');
    expect(exprError(() => parseStatement('x.y = 1'))).toBe('the left side of "x.y = 1" must be a name');
    expect(exprError(() => parseStatement('x = y = 1'))).toContain('AssignmentExpression');
    expect(exprError(() => parseStatement('x = "s"'))).toContain('only numbers and true/false are allowed as literals');
  });

  it('does not let code assign a built-in function', () => {
    expect(exprError(() => parseStatement('exp = 1'))).toBe('"exp" is a built-in function and cannot be assigned in "exp = 1"');
  });
});

describe('tree helpers', () => {
  it('walk visits parents before children; freeNames lists each name once', () => {
    const e = parseExpression('a * b + exp(a) > 0 ? c : -a');
    const kinds: string[] = [];
    walk(e, (n) => kinds.push(n.k));
    expect(kinds[0]).toBe('cond');
    expect([...freeNames(e)].sort()).toEqual(['a', 'b', 'c']);
  });

  it('mapExpr rebuilds bottom-up without changing the input', () => {
    const e = parseExpression('a + b * a');
    const copy = structuredClone(e);
    const swapped = mapExpr(e, (n) => (n.k === 'var' && n.name === 'a' ? num(2) : n));
    expect(swapped).toEqual({ k: 'bin', op: '+', a: num(2), b: { k: 'bin', op: '*', a: v('b'), b: num(2) } });
    expect(e).toEqual(copy);
  });
});
