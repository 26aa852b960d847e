/**
 * Dimensional analysis of update code. Every number in a block's code stands for a quantity
 * in some unit: a parameter in its declared unit, a state in its unit, `t`/`dt` in ms, the
 * input current I in nA… The checker follows each expression's dimension (exponents of
 * second, volt, ampere, molar) and its scale (the SI value of one unit of the number), so it
 * knows that nA·MΩ is mV, but also that nS·mV is pA, which is 1e-3 of the nA a neuron's
 * input expects: adding them is refused unless the code multiplies by the factor.
 *
 * Rules (assets/docs/models.md, "Units"):
 *  - `+ - < <= > >= == != min max ?:` and assignment need one dimension and one scale;
 *  - a plain number is dimensionless in a product; in a sum, a comparison or a branch it
 *    is in the unit of the other side (update code writes constants in internal units:
 *    `V + 40` is 40 mV). `strictLiterals` (equations, as in Brian2) allows only 0 there;
 *  - a product whose scale is off by exactly its numeric factors is a conversion: in
 *    `rate * dt / 1000` (Hz·ms = 1e-3) the 1000 makes it a plain probability;
 *  - exp, log, sigmoid, bernoulli take dimensionless arguments; exp_euler's tau is in ms;
 *  - unit names (mV, nS, pF, ms, Hz…) are quantities of one unit, as in Brian2.
 */
import { walk, type Expr, type Statement } from './ast.js';
import { BUILTINS } from './builtins.js';
import { ExprError } from './parse.js';
import { parseUnit } from '../units.js';

/** Exponents of (second, volt, ampere, molar). */
export type Dim = readonly [number, number, number, number];

/** A number's unit: dimension and the SI value of one unit. */
export interface Unit {
  dim: Dim;
  scale: number;
}

/** What an expression is: a boolean, or a number in a unit. */
export type DimType =
  | { k: 'bool' }
  | {
      k: 'num';
      dim: Dim;
      scale: number;
      /** Product of the plain numbers multiplied in: what may convert the scale. */
      factor: number;
      /** The value, when the expression is made of plain numbers only (no unit, no name). */
      literal?: number;
    };

export type NumType = Extract<DimType, { k: 'num' }>;

const DIMLESS: Dim = [0, 0, 0, 0];

/** A unit string ("mV", "1/ms/mM", "µS*ms", "" for none) as a number type. */
export function unitType(unit: string): NumType {
  const u = parseUnit(unit.replace(/·/g, '*'));
  return { k: 'num', dim: u.dim as Dim, scale: u.scale, factor: 1 };
}

/** The internal unit of a dimension: ms, mV, nA, mM and their products (µS, nF, MΩ…). */
export function internalScale(dim: Dim): number {
  return 1e-3 ** dim[0] * 1e-3 ** dim[1] * 1e-9 ** dim[2] * 1e-3 ** dim[3];
}

const sameDim = (a: Dim, b: Dim) => a.every((x, i) => Math.abs(x - b[i]!) < 1e-9);
const sameScale = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

const PREFIXES: ReadonlyArray<[string, number]> = [
  ['p', 1e-12], ['n', 1e-9], ['u', 1e-6], ['µ', 1e-6], ['μ', 1e-6], ['m', 1e-3], ['k', 1e3], ['M', 1e6], ['G', 1e9],
];
const BASES: ReadonlyArray<[string, string]> = [
  ['s', 's'], ['Hz', 'Hz'], ['V', 'V'], ['A', 'A'], ['S', 'S'], ['F', 'F'], ['ohm', 'ohm'], ['Ω', 'Ω'], ['M', 'M'],
];

/**
 * Unit names usable in code: every prefixed unit (mV, nA, pF, nS, MΩ, mM, ms, kHz…) and a
 * few written out (second, volt, amp, siemens, farad, ohm, molar, Hz). Bare one-letter
 * units (s, V, A, S, F, M) are left out: they are too often the names of states.
 */
export const UNIT_NAMES: ReadonlyMap<string, Unit> = (() => {
  const out = new Map<string, Unit>();
  for (const [base, text] of BASES) {
    for (const [p] of PREFIXES) {
      const u = parseUnit(p + text);
      out.set(p + base, { dim: u.dim as Dim, scale: u.scale });
    }
  }
  for (const [name, text] of [['second', 's'], ['volt', 'V'], ['amp', 'A'], ['siemens', 'S'], ['farad', 'F'], ['ohm', 'ohm'], ['molar', 'M'], ['Hz', 'Hz']] as const) {
    const u = parseUnit(text);
    out.set(name, { dim: u.dim as Dim, scale: u.scale });
  }
  return out;
})();

/** The number a unit name stands for in internal units (mV → 1, nS → 0.001 µS, Hz → 0.001 /ms). */
export function unitNameValue(name: string): number | undefined {
  const u = UNIT_NAMES.get(name);
  return u ? u.scale / internalScale(u.dim) : undefined;
}

/** The type a unit name has in code: one internal unit of its dimension, times its value. */
function unitNameType(u: Unit): NumType {
  return { k: 'num', dim: u.dim, scale: internalScale(u.dim), factor: 1 };
}

const DIM_WORDS: ReadonlyArray<[Dim, string]> = [
  [[0, 0, 0, 0], 'dimensionless'],
  [[1, 0, 0, 0], 'a time'],
  [[-1, 0, 0, 0], 'a rate'],
  [[0, 1, 0, 0], 'a voltage'],
  [[0, 0, 1, 0], 'a current'],
  [[0, -1, 1, 0], 'a conductance'],
  [[1, -1, 1, 0], 'a capacitance'],
  [[0, 1, -1, 0], 'a resistance'],
  [[0, 0, 0, 1], 'a concentration'],
  [[-1, 1, 0, 0], 'a voltage per time'],
  [[-1, 0, 1, 0], 'a current per time'],
  [[0, -1, 0, 0], 'an inverse voltage'],
];

/** Display names of common units, tried before a unit is composed from ms, mV, nA and mM. */
const NAMED: ReadonlyArray<string> = [
  'ms', 'mV', 'nA', 'µS', 'nF', 'MΩ', 'mM', 'Hz', '1/ms', 'mV/ms', 'nA/ms', '1/mV', '1/ms/mM', 'pA', 'nS', 'pF', 's', 'V', 'A', '1/s', 'ms^-0.5',
];

/** A readable unit: "mV", "nS", or ms/mV/nA/mM powers with a factor ("1e-3 × nA·ms"). */
export function formatUnit(t: { dim: Dim; scale: number }): string {
  if (sameDim(t.dim, DIMLESS) && sameScale(t.scale, 1)) return '1';
  for (const name of NAMED) {
    const u = unitType(name);
    if (sameDim(u.dim, t.dim) && sameScale(u.scale, t.scale)) return name;
  }
  const parts: string[] = [];
  (['ms', 'mV', 'nA', 'mM'] as const).forEach((base, i) => {
    const p = t.dim[i]!;
    if (Math.abs(p) < 1e-9) return;
    parts.push(Math.abs(p - 1) < 1e-9 ? base : `${base}^${Number(p.toPrecision(6))}`);
  });
  const ratio = t.scale / internalScale(t.dim);
  const body = parts.join('·') || '1';
  return sameScale(ratio, 1) ? body : `${Number(ratio.toPrecision(6))} × ${body}`;
}

/** "a voltage (mV)", "dimensionless (1e-3)", "a boolean". */
export function describeType(t: DimType): string {
  if (t.k === 'bool') return 'a boolean';
  const word = DIM_WORDS.find(([d]) => sameDim(d, t.dim))?.[1] ?? 'a quantity';
  return `${word} (${formatUnit(t)})`;
}

const PRECEDENCE: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6 };

/** Prints an expression back as text (for messages). */
export function formatExpr(e: Expr, parent = 0): string {
  switch (e.k) {
    case 'num': return e.v < 0 && parent > 0 ? `(${e.v})` : String(e.v);
    case 'bool': return String(e.v);
    case 'var': return e.name;
    case 'neg': return `-${formatExpr(e.a, 7)}`;
    case 'not': return `!${formatExpr(e.a, 7)}`;
    case 'call': return `${e.fn}(${e.args.map((a) => formatExpr(a)).join(', ')})`;
    case 'cond': {
      const s = `${formatExpr(e.c, 1)} ? ${formatExpr(e.a, 1)} : ${formatExpr(e.b, 1)}`;
      return parent > 0 ? `(${s})` : s;
    }
    case 'bin': {
      const p = PRECEDENCE[e.op]!;
      const s = `${formatExpr(e.a, p)} ${e.op} ${formatExpr(e.b, p + 1)}`;
      return p < parent ? `(${s})` : s;
    }
  }
}

/** A unit mistake, with the subexpression where it is. */
export class DimensionError extends ExprError {
  constructor(message: string, readonly at: Expr) {
    super(message);
    this.name = 'DimensionError';
  }
}

export interface DimOptions {
  /** Only 0 takes the unit of the other side of a sum (Brian2's rule); otherwise any plain number does. */
  strictLiterals?: boolean;
}

const num = (dim: Dim, scale: number, factor = 1, literal?: number): NumType =>
  literal === undefined ? { k: 'num', dim, scale, factor } : { k: 'num', dim, scale, factor, literal };

const dropLiteral = (t: NumType): NumType => num(t.dim, t.scale, t.factor);

/** Names visible to the checker with their types. */
export type DimScope = ReadonlyMap<string, DimType>;

export class DimChecker {
  constructor(private readonly scope: DimScope, private readonly options: DimOptions = {}) {}

  /** The type of `e`; throws DimensionError at the first mismatch. */
  typeOf(e: Expr): DimType {
    switch (e.k) {
      case 'num': return num(DIMLESS, 1, e.v === 0 ? 1 : e.v, e.v);
      case 'bool': return { k: 'bool' };
      case 'var': {
        const t = this.scope.get(e.name);
        if (t) return t;
        const u = UNIT_NAMES.get(e.name);
        if (u) return unitNameType(u);
        throw new DimensionError(`unknown name "${e.name}"`, e);
      }
      case 'neg': {
        const a = this.number(e.a, 'the operand of -');
        return a.literal === undefined ? a : { ...a, literal: -a.literal };
      }
      case 'not': return { k: 'bool' };
      case 'cond': {
        this.typeOf(e.c);
        const a = this.typeOf(e.a);
        const b = this.typeOf(e.b);
        if (a.k === 'bool' || b.k === 'bool') return { k: 'bool' };
        return this.unify(a, b, e, 'the two branches of');
      }
      case 'bin': return this.binary(e);
      case 'call': return this.call(e);
    }
  }

  private number(e: Expr, what: string): NumType {
    const t = this.typeOf(e);
    if (t.k !== 'num') throw new DimensionError(`${what} must be a number`, e);
    return t;
  }

  private binary(e: Extract<Expr, { k: 'bin' }>): DimType {
    if (e.op === '&&' || e.op === '||') return { k: 'bool' };
    const a = this.number(e.a, `the operands of ${e.op}`);
    const b = this.number(e.b, `the operands of ${e.op}`);
    switch (e.op) {
      case '*':
      case '/': {
        const sign = e.op === '*' ? 1 : -1;
        const dim = a.dim.map((x, i) => x + sign * b.dim[i]!) as unknown as Dim;
        const scale = sign === 1 ? a.scale * b.scale : a.scale / b.scale;
        const factor = sign === 1 ? a.factor * b.factor : a.factor / b.factor;
        const literal = a.literal !== undefined && b.literal !== undefined ? (sign === 1 ? a.literal * b.literal : a.literal / b.literal) : undefined;
        return num(dim, scale, factor, literal);
      }
      case '+':
      case '-': {
        const t = this.unify(a, b, e, 'the terms of');
        const literal = a.literal !== undefined && b.literal !== undefined ? (e.op === '+' ? a.literal + b.literal : a.literal - b.literal) : undefined;
        return num(t.dim, t.scale, t.factor, literal);
      }
      default:
        this.unify(a, b, e, 'the two sides of');
        return { k: 'bool' };
    }
  }

  private call(e: Extract<Expr, { k: 'call' }>): DimType {
    try {
      return this.callType(e);
    } catch (err) {
      // A wrong argument is placed at the call, where an editor can point (`exp(` rather than `V`).
      if (err instanceof DimensionError && e.args.includes(err.at)) throw new DimensionError(err.message, e);
      throw err;
    }
  }

  private callType(e: Extract<Expr, { k: 'call' }>): DimType {
    const args = e.args.map((x) => this.typeOf(x));
    const arg = (i: number): NumType => {
      const t = args[i];
      if (!t || t.k !== 'num') throw new DimensionError(`the arguments of ${e.fn}() must be numbers`, e);
      return t;
    };
    switch (e.fn) {
      case 'exp': case 'log': case 'sigmoid': case 'sin': case 'cos':
        this.require(arg(0), unitType(''), e.args[0]!, `the argument of ${e.fn}()`);
        return num(DIMLESS, 1);
      case 'binomial':
        this.require(arg(0), unitType(''), e.args[0]!, 'the number of trials of binomial()');
        this.require(arg(1), unitType(''), e.args[1]!, 'the probability of binomial()');
        return num(DIMLESS, 1);
      case 'bernoulli':
        this.require(arg(0), unitType(''), e.args[0]!, 'the probability of bernoulli()');
        return { k: 'bool' };
      case 'rand': case 'randn':
        return num(DIMLESS, 1);
      case 'abs': case 'floor': case 'round': {
        const a = arg(0);
        return num(a.dim, a.scale, a.factor);
      }
      case 'sqrt': {
        const a = arg(0);
        return num(a.dim.map((x) => x / 2) as unknown as Dim, Math.sqrt(a.scale), Math.sqrt(Math.abs(a.factor)));
      }
      case 'min': case 'max': case 'vtrap':
        return dropLiteral(this.unify(arg(0), arg(1), e, `the arguments of ${e.fn}()`));
      case 'pow': {
        const x = arg(0);
        const y = arg(1);
        this.require(y, unitType(''), e.args[1]!, 'the exponent of pow()');
        if (sameDim(x.dim, DIMLESS)) return num(DIMLESS, x.scale ** (y.literal ?? 1));
        if (y.literal === undefined) {
          throw new DimensionError(`pow() of ${describeType(x)} needs a plain number as exponent in "${formatExpr(e)}"`, e);
        }
        const p = y.literal;
        return num(x.dim.map((d) => d * p) as unknown as Dim, x.scale ** p, Math.abs(x.factor) ** p);
      }
      case 'exp_euler': {
        const t = this.unify(arg(0), arg(1), e, 'the state and the target value of');
        this.require(arg(2), unitType('ms'), e.args[2]!, 'the time constant of exp_euler()');
        return dropLiteral(t);
      }
      default:
        if (!BUILTINS[e.fn]) throw new DimensionError(`unknown function "${e.fn}"`, e);
        // Other built-ins (binomial…) count and draw: plain numbers in, a plain number out.
        e.args.forEach((x, i) => this.require(arg(i), unitType(''), x, `the arguments of ${e.fn}()`));
        return BUILTINS[e.fn]!.returns === 'bool' ? { k: 'bool' } : num(DIMLESS, 1);
    }
  }

  /** The common type of two operands that must agree (or a DimensionError naming both). */
  unify(a: NumType, b: NumType, at: Expr, what: string): NumType {
    const adopts = (x: NumType) => x.literal !== undefined && (!this.options.strictLiterals || x.literal === 0);
    if (adopts(a) && !adopts(b)) return b;
    if (adopts(b) && !adopts(a)) return a;
    const where = `${what} "${formatExpr(at)}"`;
    if (!sameDim(a.dim, b.dim)) {
      throw new DimensionError(`${where} do not agree: ${describeType(a)} and ${describeType(b)}`, at);
    }
    if (sameScale(a.scale, b.scale)) return sameScale(a.factor, b.factor) ? a : { ...a, factor: 1 };
    if (sameScale(a.scale / a.factor, b.scale)) return { ...b, factor: 1 };
    if (sameScale(b.scale / b.factor, a.scale)) return { ...a, factor: 1 };
    throw new DimensionError(
      `${where} are in different units: ${formatUnit(a)} and ${formatUnit(b)} (a factor ${Number((a.scale / b.scale).toPrecision(6))}); multiply by the factor`,
      at,
    );
  }

  /** Checks that `t` (the type of `e`) can stand where `want` is expected. */
  require(t: DimType, want: NumType, e: Expr, what: string): void {
    if (t.k !== 'num') throw new DimensionError(`${what} must be a number, "${formatExpr(e)}" is a boolean`, e);
    const literalOk = t.literal !== undefined && (!this.options.strictLiterals || t.literal === 0 || sameDim(want.dim, DIMLESS));
    if (literalOk) return;
    const fits = sameDim(t.dim, want.dim) && (sameScale(t.scale, want.scale) || sameScale(t.scale / t.factor, want.scale));
    if (fits) return;
    const how = sameDim(t.dim, want.dim)
      ? `is in ${formatUnit(t)}, expected ${formatUnit(want)} (a factor ${Number((t.scale / want.scale).toPrecision(6))}; multiply by it)`
      : `is ${describeType(t)}, expected ${describeType(want)}`;
    throw new DimensionError(`${what} "${formatExpr(e)}" ${how}`, e);
  }
}

/** A unit mistake in one statement of a list. */
export class StatementUnitError extends ExprError {
  constructor(message: string, readonly index: number, readonly at: Expr) {
    super(message);
    this.name = 'StatementUnitError';
  }
}

export interface StatementUnits {
  /** States (writable): both sides of an assignment must agree. */
  states: ReadonlyMap<string, NumType>;
  /** Outputs with a fixed type (`spike`: boolean, `I_out`: nA). */
  outputs?: ReadonlyMap<string, DimType>;
}

/**
 * Checks a statement list: an assignment to a state or a fixed output must have its unit;
 * a local takes the unit of its first assignment and keeps it. Returns the locals' types.
 */
export function checkStatementUnits(
  statements: readonly Statement[],
  scope: DimScope,
  targets: StatementUnits,
  options: DimOptions = {},
): Map<string, DimType> {
  const inner = new Map<string, DimType>(scope);
  const locals = new Map<string, DimType>();
  statements.forEach((s, index) => {
    const checker = new DimChecker(inner, options);
    try {
      const t = checker.typeOf(s.expr);
      const fixed = targets.states.get(s.target) ?? targets.outputs?.get(s.target);
      const what = targets.states.has(s.target) ? `the state ${s.target}` : targets.outputs?.has(s.target) ? `the output ${s.target}` : undefined;
      if (fixed && what) {
        if (fixed.k === 'num') checker.require(t, fixed, s.expr, `the value assigned to ${what}:`);
        else if (t.k !== 'bool') throw new DimensionError(`${what} must be assigned a boolean`, s.expr);
        if (!targets.states.has(s.target)) inner.set(s.target, fixed);
        return;
      }
      const prev = locals.get(s.target);
      if (prev && prev.k === 'num') checker.require(t, prev, s.expr, `the local ${s.target}, first ${describeType(prev)}, is assigned`);
      if (!prev) {
        locals.set(s.target, t);
        inner.set(s.target, t);
      }
    } catch (e) {
      if (e instanceof DimensionError) throw new StatementUnitError(e.message, index, e.at);
      throw e;
    }
  });
  return locals;
}

/** Whether an expression names a unit that is not shadowed by `scope`. */
export function usesUnitNames(e: Expr, scope: { has(name: string): boolean }): boolean {
  let found = false;
  walk(e, (n) => { if (n.k === 'var' && !scope.has(n.name) && UNIT_NAMES.has(n.name)) found = true; });
  return found;
}
