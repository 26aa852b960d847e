/**
 * The dimension checker on its own: products of internal units, scales that differ, the
 * conversion factor rule, plain numbers in sums (update code) and Brian2's stricter rule
 * (equations), unit names, and the printer that equation blocks generate code with.
 */
import { describe, expect, it } from 'vitest';
import { BLOCKS } from '../../../kernels/index.js';
import { inlineFunctions } from '../../../src-shared/expr/check.js';
import { DimChecker, formatExpr, formatUnit, unitNameValue, unitType, type DimType } from '../../../src-shared/expr/dimensions.js';
import { parseExpression, parseStatement } from '../../../src-shared/expr/parse.js';
import { substituteUnitNames } from '../../../src-shared/expr/unit-literals.js';

const scope = new Map<string, DimType>([
  ['I', unitType('nA')], ['R', unitType('MΩ')], ['V', unitType('mV')], ['g', unitType('nS')], ['gu', unitType('µS')],
  ['C', unitType('nF')], ['rate', unitType('Hz')], ['dt', unitType('ms')],
]);
const typeOf = (src: string, strict = false) => new DimChecker(scope, { strictLiterals: strict }).typeOf(parseExpression(src));
const unitOf = (src: string, strict = false) => {
  const t = typeOf(src, strict);
  return t.k === 'num' ? formatUnit(t) : 'bool';
};

describe('dimensions and scales', () => {
  it('the internal units close: MΩ·nA = mV, µS·mV = nA, nA/nF = mV/ms, nF/µS = ms', () => {
    expect(unitOf('R * I')).toBe('mV');
    expect(unitOf('gu * V')).toBe('nA');
    expect(unitOf('I / C')).toBe('mV/ms');
    expect(unitOf('C / gu')).toBe('ms');
  });

  it('nS·mV is pA: added to nA it is refused with the factor, unless the code multiplies by it', () => {
    expect(unitOf('g * V')).toBe('pA');
    expect(() => typeOf('g * V + I')).toThrow(/the terms of "g \* V \+ I" are in different units: pA and nA \(a factor 0.001\); multiply by the factor/);
    expect(unitOf('g * V / 1000 + I')).toBe('nA');
    expect(() => typeOf('g * V / 100 + I')).toThrow(/different units/);
  });

  it('a plain number takes the unit of the other side of a sum in update code; only 0 does in equations', () => {
    expect(unitOf('V + 40')).toBe('mV');
    expect(unitOf('V > -50')).toBe('bool');
    expect(() => typeOf('V + 40', true)).toThrow(/do not agree: a voltage \(mV\) and dimensionless \(1\)/);
    expect(unitOf('V + 0', true)).toBe('mV');
    expect(unitOf('V + 40 * mV', true)).toBe('mV');
  });

  it('functions: exp of a plain number, sqrt halves the dimension, pow needs a plain exponent', () => {
    expect(() => typeOf('exp(V)')).toThrow(/the argument of exp\(\) "V" is a voltage \(mV\), expected dimensionless/);
    expect(unitOf('exp(V / mV)')).toBe('1');
    expect(unitOf('sqrt(dt * dt)')).toBe('ms');
    expect(unitOf('pow(V, 2)')).toBe('mV^2');
    expect(() => typeOf('pow(V, V / mV)')).toThrow(/needs a plain number as exponent/);
    expect(() => typeOf('bernoulli(rate * dt)')).toThrow(/probability of bernoulli\(\)/);
    expect(typeOf('bernoulli(rate * dt / 1000)')).toEqual({ k: 'bool' });
    expect(() => typeOf('frobnicate(V)')).toThrow(/unknown function "frobnicate"/);
  });
});

describe('unit names', () => {
  it('stand for their number in internal units', () => {
    expect(unitNameValue('mV')).toBe(1);
    expect(unitNameValue('nS')).toBeCloseTo(1e-3, 15);
    expect(unitNameValue('pF')).toBeCloseTo(1e-3, 15);
    expect(unitNameValue('Hz')).toBeCloseTo(1e-3, 15);
    expect(unitNameValue('V')).toBeUndefined(); // too often a state's name
  });

  it('are replaced before printing, a factor of exactly 1 dropped; a name of the block shadows them', () => {
    expect(substituteUnitNames(parseExpression('0.04 / mV / ms * v * v'), new Set(['v']))).toEqual(parseExpression('0.04 * v * v'));
    expect(substituteUnitNames(parseExpression('x + 500 * pA'), new Set(['x']))).toEqual(parseExpression('x + 0.5'));
    const mine = parseExpression('mV * 2');
    expect(substituteUnitNames(mine, new Set(['mV']))).toBe(mine);
  });
});

describe('formatExpr', () => {
  it('prints every built-in statement so that it parses back to the same tree', () => {
    for (const def of BLOCKS) {
      for (const line of [...def.update, ...Object.values(def.functions ?? {}).map((f) => `x = ${f.body}`)]) {
        const e = inlineFunctions(parseStatement(line).expr, def.functions ?? {});
        expect(parseExpression(formatExpr(e)), `${def.type}: ${line}`).toEqual(e);
      }
    }
  });

  it('keeps parentheses that matter', () => {
    for (const src of ['a - (b - c)', '(a + b) * c', 'a / (b * c)', '-(a + b)', '(c ? a : b) + 1', 'c ? (d ? a : b) : e', '!(a && b) || c']) {
      const e = parseExpression(src);
      expect(parseExpression(formatExpr(e))).toEqual(e);
    }
  });
});
