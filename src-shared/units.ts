/**
 * Physical quantities as text ("0.5 ms", "-65 mV", "6 nS", "0.98 /ms/mM") converted into
 * the internal unit system of assets/docs/models.md (ms, mV, nA, µS, nF, MΩ, mM, Hz). A quantity is a
 * number and a unit expression; the unit is reduced to a dimension vector and a scale in
 * SI, so any prefix and any combination converts, and a wrong dimension is caught.
 */

import { plainMinus } from './minus-sign.js';

/** Exponents of (second, volt, ampere, molar). */
type Dim = readonly [number, number, number, number];

interface UnitValue {
  scale: number;
  dim: Dim;
}

const BASE_UNITS: Readonly<Record<string, UnitValue>> = {
  s: { scale: 1, dim: [1, 0, 0, 0] },
  Hz: { scale: 1, dim: [-1, 0, 0, 0] },
  V: { scale: 1, dim: [0, 1, 0, 0] },
  A: { scale: 1, dim: [0, 0, 1, 0] },
  S: { scale: 1, dim: [0, -1, 1, 0] },
  F: { scale: 1, dim: [1, -1, 1, 0] },
  ohm: { scale: 1, dim: [0, 1, -1, 0] },
  'Ω': { scale: 1, dim: [0, 1, -1, 0] },
  M: { scale: 1, dim: [0, 0, 0, 1] },
};

const PREFIXES: Readonly<Record<string, number>> = {
  p: 1e-12, n: 1e-9, u: 1e-6, 'µ': 1e-6, 'μ': 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9,
};

const DIM_NAMES: ReadonlyArray<[Dim, string]> = [
  [[0, 0, 0, 0], 'dimensionless'],
  [[1, 0, 0, 0], 'a time'],
  [[-1, 0, 0, 0], 'a rate'],
  [[0, 1, 0, 0], 'a voltage'],
  [[0, 0, 1, 0], 'a current'],
  [[0, -1, 1, 0], 'a conductance'],
  [[1, -1, 1, 0], 'a capacitance'],
  [[0, 1, -1, 0], 'a resistance'],
  [[0, 0, 0, 1], 'a concentration'],
  [[-1, 0, 0, -1], 'a rate per concentration'],
  [[-1, 1, 0, 0], 'a voltage rate'],
  [[0, -1, 0, 0], 'an inverse voltage'],
];

/** Raised for text that is not a quantity or has the wrong dimension. */
export class UnitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnitError';
  }
}

function mul(a: UnitValue, b: UnitValue, sign: 1 | -1): UnitValue {
  return {
    scale: sign === 1 ? a.scale * b.scale : a.scale / b.scale,
    dim: a.dim.map((x, i) => x + sign * b.dim[i]!) as unknown as Dim,
  };
}

function pow(u: UnitValue, n: number): UnitValue {
  return { scale: u.scale ** n, dim: u.dim.map((x) => x * n) as unknown as Dim };
}

function parseUnitToken(token: string): UnitValue {
  // Half powers occur in noise intensities (a white-noise current's sigma in nA·ms^0.5).
  const m = /^([^\d^]+)(?:\^(-?\d+(?:\.5)?))?$/.exec(token);
  if (!m) throw new UnitError(`"${token}" is not a unit`);
  const name = m[1]!;
  const power = m[2] ? Number(m[2]) : 1;
  const base = BASE_UNITS[name];
  if (base) return pow(base, power);
  for (const [prefix, factor] of Object.entries(PREFIXES)) {
    if (name.startsWith(prefix)) {
      const rest = BASE_UNITS[name.slice(prefix.length)];
      if (rest) return pow({ scale: factor * rest.scale, dim: rest.dim }, power);
    }
  }
  throw new UnitError(`unknown unit "${name}"`);
}

/** Parses a unit expression such as "mV", "/ms", "1/ms/mM", "mV/ms", "uS*mV". */
export function parseUnit(text: string): UnitValue {
  // Spaces around operators are fine ("1 / ms"); a space between two units is a mistake.
  if (/[^\s*/·]\s+[^\s*/·]/.test(text.trim())) throw new UnitError(`"${text}" is not a unit (two units need * or / between them)`);
  let s = text.replace(/\s+/g, '').replace(/·/g, '*');
  let acc: UnitValue = { scale: 1, dim: [0, 0, 0, 0] };
  if (s === '' || s === '1') return acc;
  if (s.startsWith('1/')) s = s.slice(1);
  const re = /([*/]?)([^*/]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s)) !== null) {
    consumed += m[0].length;
    acc = mul(acc, parseUnitToken(m[2]!), m[1] === '/' ? -1 : 1);
  }
  if (consumed !== s.length) throw new UnitError(`"${text}" is not a unit`);
  return acc;
}

function sameDim(a: Dim, b: Dim): boolean {
  return a.every((x, i) => Math.abs(x - b[i]!) < 1e-12);
}

/** A phrase naming the dimension of a unit, for messages ("a time"). */
export function dimensionName(unit: string): string {
  const { dim } = parseUnit(unit);
  const found = DIM_NAMES.find(([d]) => sameDim(d, dim));
  return found ? found[1] : `the dimension of ${unit}`;
}

const QUANTITY = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$/;

/**
 * Converts a value to `targetUnit`. A JSON number is taken as already in the target unit;
 * a string must carry a unit unless the target is dimensionless.
 */
export function toUnit(value: number | string, targetUnit: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnitError(`${value} is not a finite number`);
    return value;
  }
  const m = QUANTITY.exec(plainMinus(value));
  if (!m) throw new UnitError(`"${value}" is not a number with a unit`);
  const num = Number(m[1]);
  if (!Number.isFinite(num)) throw new UnitError(`"${value}" is too large to be a number`);
  const unitText = m[2] ?? '';
  const target = parseUnit(targetUnit);
  if (unitText === '') {
    if (sameDim(target.dim, [0, 0, 0, 0])) return num;
    throw new UnitError(`"${value}" needs a unit (${targetUnit})`);
  }
  let given: UnitValue;
  try {
    given = parseUnit(unitText);
  } catch (e) {
    throw new UnitError(`"${value}": ${(e as Error).message}`);
  }
  if (!sameDim(given.dim, target.dim)) {
    const found = DIM_NAMES.find(([d]) => sameDim(d, given.dim));
    const what = found ? found[1] : `in ${unitText}`;
    const expected = targetUnit === '' ? 'a plain number' : `${dimensionName(targetUnit)} (${targetUnit})`;
    throw new UnitError(`"${value}" is ${what}, expected ${expected}`);
  }
  const converted = (num * given.scale) / target.scale;
  if (!Number.isFinite(converted)) throw new UnitError(`"${value}" is too large in ${targetUnit || 'plain numbers'}`);
  return converted;
}

/** Formats an internal value with its unit for messages and docs ("-65 mV"). */
export function formatQuantity(value: number, unit: string): string {
  return unit ? `${value} ${unit}` : String(value);
}
