/**
 * Quantities as text → internal units (assets/docs/models.md, "Units"): every prefix, compound units,
 * alternative spellings, and the messages for a wrong dimension or a missing unit.
 */
import { describe, expect, it } from 'vitest';
import { dimensionName, formatQuantity, parseUnit, toUnit, UnitError } from '../../src-shared/units.js';
import { thrownMessage } from '../helpers/errors.js';

const unitError = (f: () => unknown): string => thrownMessage(UnitError, f);

describe('toUnit: prefixes', () => {
  it.each([
    ['1 ps', 1e-9],
    ['1 ns', 1e-6],
    ['1 us', 1e-3],
    ['1 µs', 1e-3], // micro sign U+00B5
    ['1 μs', 1e-3], // Greek mu U+03BC
    ['1 ms', 1],
    ['1 s', 1000],
    ['1 ks', 1e6],
    ['1 Ms', 1e9],
    ['1 Gs', 1e12],
  ])('%s = %s ms', (text, ms) => {
    expect(Math.abs(toUnit(text, 'ms') / ms - 1)).toBeLessThan(1e-12);
  });

  it('applies prefixes to every base unit', () => {
    expect(toUnit('1 V', 'mV')).toBeCloseTo(1000, 9);
    expect(toUnit('1 uA', 'nA')).toBeCloseTo(1000, 9);
    expect(toUnit('5 pA', 'nA')).toBeCloseTo(0.005, 12);
    expect(toUnit('2 pF', 'nF')).toBeCloseTo(0.002, 12);
    expect(toUnit('1 uF', 'nF')).toBeCloseTo(1000, 9);
    expect(toUnit('1 GΩ', 'MΩ')).toBeCloseTo(1000, 9);
    expect(toUnit('1 kohm', 'MΩ')).toBeCloseTo(0.001, 12);
    expect(toUnit('1 uM', 'mM')).toBeCloseTo(0.001, 12);
    expect(toUnit('1 M', 'mM')).toBeCloseTo(1000, 9);
  });
});

describe('toUnit: the units of assets/docs/models.md and their spellings', () => {
  it('converts conductances to µS ("nS" → µS)', () => {
    expect(toUnit('6 nS', 'µS')).toBeCloseTo(0.006, 12);
    expect(toUnit('67 nS', 'uS')).toBeCloseTo(0.067, 12);
    expect(toUnit('1 mS', 'µS')).toBeCloseTo(1000, 9);
    expect(toUnit('0.5 µS', 'uS')).toBe(0.5);
  });

  it('reads MΩ and Mohm alike (M is a prefix before Ω/ohm, molar on its own)', () => {
    expect(toUnit('100 MΩ', 'MΩ')).toBe(100);
    expect(toUnit('100 Mohm', 'MΩ')).toBe(100);
    expect(toUnit('1 Mohm', 'Mohm')).toBe(1);
    expect(toUnit('1 mM', 'mM')).toBe(1);
    expect(toUnit('3.57 mM', 'mM')).toBe(3.57);
  });

  it('converts rates: Hz, kHz and 1/ms', () => {
    expect(toUnit('10 Hz', 'Hz')).toBe(10);
    expect(toUnit('1 kHz', 'Hz')).toBeCloseTo(1000, 9);
    expect(toUnit('10 Hz', '1/ms')).toBeCloseTo(0.01, 12);
    expect(toUnit('0.18 /ms', '1/ms')).toBeCloseTo(0.18, 12);
    expect(toUnit('180 /s', '1/ms')).toBeCloseTo(0.18, 12);
    expect(toUnit('2 ms^-1', '1/ms')).toBeCloseTo(2, 12);
  });

  it('converts compound units: /ms/mM, mV/ms, µS·mV, 1/mV', () => {
    expect(toUnit('0.98 /ms/mM', '1/ms/mM')).toBeCloseTo(0.98, 12);
    expect(toUnit('0.98 1/ms/mM', '1/ms/mM')).toBeCloseTo(0.98, 12);
    expect(toUnit('980 /s/M', '1/ms/mM')).toBeCloseTo(0.00098, 15);
    expect(toUnit('8 mV/ms', 'mV/ms')).toBe(8);
    expect(toUnit('8 V/s', 'mV/ms')).toBeCloseTo(8, 12);
    expect(toUnit('1 uS*mV', 'nA')).toBeCloseTo(1, 12);
    expect(toUnit('1 µS·mV', 'nA')).toBeCloseTo(1, 12);
    expect(toUnit('1 MΩ*nA', 'mV')).toBeCloseTo(1, 12);
    expect(toUnit('1 nA/nF', 'mV/ms')).toBeCloseTo(1, 12);
    expect(toUnit('0.062 /mV', '1/mV')).toBeCloseTo(0.062, 12);
  });

  it('accepts signs, exponents, leading dots and no space', () => {
    expect(toUnit('-65 mV', 'mV')).toBe(-65);
    expect(toUnit('-65mV', 'mV')).toBe(-65);
    expect(toUnit('+2 mV', 'mV')).toBe(2);
    expect(toUnit('.5 ms', 'ms')).toBe(0.5);
    expect(toUnit('1e-3 s', 'ms')).toBeCloseTo(1, 12);
    expect(toUnit('  2.5E2 us ', 'ms')).toBeCloseTo(0.25, 12);
  });

  it('takes a JSON number as already in the target unit', () => {
    expect(toUnit(5, 'ms')).toBe(5);
    expect(toUnit(-65, 'mV')).toBe(-65);
    expect(unitError(() => toUnit(Number.NaN, 'ms'))).toBe('NaN is not a finite number');
    expect(unitError(() => toUnit(Number.POSITIVE_INFINITY, 'ms'))).toBe('Infinity is not a finite number');
  });

  it('needs no unit for a dimensionless target', () => {
    expect(toUnit('0.2', '')).toBe(0.2);
    expect(toUnit('3', '1')).toBe(3);
  });
});

describe('toUnit: errors', () => {
  it('names the expected dimension when the unit has the wrong one ("5 mV" for a time)', () => {
    expect(unitError(() => toUnit('5 mV', 'ms'))).toBe('"5 mV" is a voltage, expected a time (ms)');
    expect(unitError(() => toUnit('10 Hz', 'ms'))).toBe('"10 Hz" is a rate, expected a time (ms)');
    expect(unitError(() => toUnit('1 mM', '1/ms'))).toBe('"1 mM" is a concentration, expected a rate (1/ms)');
    expect(unitError(() => toUnit('6 nS', 'nA'))).toBe('"6 nS" is a conductance, expected a current (nA)');
    expect(unitError(() => toUnit('1 nF', 'MΩ'))).toBe('"1 nF" is a capacitance, expected a resistance (MΩ)');
    expect(unitError(() => toUnit('3 /ms/mM', 'mV/ms'))).toBe('"3 /ms/mM" is a rate per concentration, expected a voltage rate (mV/ms)');
    expect(unitError(() => toUnit('2 ms', '1/mV'))).toBe('"2 ms" is a time, expected an inverse voltage (1/mV)');
    expect(unitError(() => toUnit('1 mV', ''))).toMatch(/^"1 mV" is a voltage, expected a plain number$/);
  });

  it('names the unit itself when its dimension has no name', () => {
    expect(unitError(() => toUnit('1 s*s', 'ms'))).toBe('"1 s*s" is in s*s, expected a time (ms)');
    expect(unitError(() => toUnit('5 mV^2', 'mV'))).toBe('"5 mV^2" is in mV^2, expected a voltage (mV)');
  });

  it('asks for a unit when a dimensional value has none', () => {
    expect(unitError(() => toUnit('5', 'ms'))).toBe('"5" needs a unit (ms)');
    expect(unitError(() => toUnit('-65', 'mV'))).toBe('"-65" needs a unit (mV)');
  });

  it('rejects unknown units and text that is not a quantity', () => {
    expect(unitError(() => toUnit('5 parsec', 'ms'))).toBe('"5 parsec": unknown unit "parsec"');
    expect(unitError(() => toUnit('5 m', 'ms'))).toBe('"5 m": unknown unit "m"');
    expect(unitError(() => toUnit('ms', 'ms'))).toBe('"ms" is not a number with a unit');
    expect(unitError(() => toUnit('', 'ms'))).toBe('"" is not a number with a unit');
    expect(unitError(() => toUnit('five ms', 'ms'))).toBe('"five ms" is not a number with a unit');
    expect(unitError(() => toUnit('5 ms/', 'ms'))).toBe('"5 ms/": "ms/" is not a unit');
  });
});

describe('parseUnit, dimensionName, formatQuantity', () => {
  it('reduces a unit to an SI scale and a dimension vector', () => {
    expect(parseUnit('ms')).toEqual({ scale: 1e-3, dim: [1, 0, 0, 0] });
    expect(parseUnit('')).toEqual({ scale: 1, dim: [0, 0, 0, 0] });
    expect(parseUnit('1')).toEqual({ scale: 1, dim: [0, 0, 0, 0] });
    const u = parseUnit('1/ms/mM');
    expect(u.dim).toEqual([-1, 0, 0, -1]);
    expect(u.scale).toBeCloseTo(1e6, 3);
    expect(parseUnit('uS*mV').dim).toEqual(parseUnit('nA').dim);
    expect(() => parseUnit('1/')).toThrow(UnitError);
    expect(() => parseUnit('furlong')).toThrow('unknown unit "furlong"');
  });

  it('names dimensions for messages', () => {
    expect(dimensionName('ms')).toBe('a time');
    expect(dimensionName('Hz')).toBe('a rate');
    expect(dimensionName('mV')).toBe('a voltage');
    expect(dimensionName('nA')).toBe('a current');
    expect(dimensionName('µS')).toBe('a conductance');
    expect(dimensionName('nF')).toBe('a capacitance');
    expect(dimensionName('MΩ')).toBe('a resistance');
    expect(dimensionName('mM')).toBe('a concentration');
    expect(dimensionName('1/ms/mM')).toBe('a rate per concentration');
    expect(dimensionName('mV/ms')).toBe('a voltage rate');
    expect(dimensionName('1/mV')).toBe('an inverse voltage');
    expect(dimensionName('')).toBe('dimensionless');
    expect(dimensionName('mV^2')).toBe('the dimension of mV^2');
  });

  it('formats a value with its unit', () => {
    expect(formatQuantity(-65, 'mV')).toBe('-65 mV');
    expect(formatQuantity(0.2, '')).toBe('0.2');
  });
});

describe('toUnit: the minus sign U+2212', () => {
  it('reads "\u221265 mV" in a document as -65 mV, and names the text it refuses as written', () => {
    expect(toUnit('\u221265 mV', 'mV')).toBe(-65);
    expect(toUnit('\u22120.5 nA', 'nA')).toBe(-0.5);
    expect(() => toUnit('\u2212 mV', 'mV')).toThrow('"\u2212 mV" is not a number with a unit');
  });
});
