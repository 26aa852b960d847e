/**
 * Expressions that give a parameter, an initial value, a weight or a delay per neuron or
 * per connection: `-65 mV + 15 mV * r^2`, `8 mV/ms - 6 mV/ms * r^2`, `0.5 * r`, `i < 800 ?
 * 1 nA : 0 nA`. Parsed with the update language's parser (jsep), with three additions a
 * formula of the literature needs: a number followed by a unit ("15 mV") is a quantity, a
 * unit alone is a quantity of 1 ("mV / ms"), and `^` (or `**`) is a power.
 *
 * Units are checked by dimension, not trusted: every sum, comparison and branch must agree,
 * exp/log take plain numbers, and the result must have the dimension of the target. An
 * expression without any unit is read in the target's own unit, as a bare number is.
 * Values are computed in the coherent internal units of assets/docs/models.md (ms, mV, nA,
 * mM, and what follows from them: µS, nF, MΩ, 1/ms) and converted to the target's unit at
 * the end, so the quantities of an expression in those units are taken exactly.
 */
import jsep from 'jsep';
import type { Expr } from '../../src-shared/expr/ast.js';
import { parseUnit } from '../../src-shared/units.js';

/** Exponents of (time, voltage, current, concentration), as in src-shared/units.ts. */
type Dim = readonly [number, number, number, number];

const NONE: Dim = [0, 0, 0, 0];
/** Powers of ten of the coherent internal units ms, mV, nA, mM, in SI. */
const COHERENT_EXPONENTS: Dim = [-3, -3, -9, -3];

const FUNCTIONS: Readonly<Record<string, { arity: number; dim: 'plain' | 'same' | 'sqrt' }>> = {
  exp: { arity: 1, dim: 'plain' },
  log: { arity: 1, dim: 'plain' },
  sigmoid: { arity: 1, dim: 'plain' },
  sqrt: { arity: 1, dim: 'sqrt' },
  abs: { arity: 1, dim: 'same' },
  floor: { arity: 1, dim: 'same' },
  round: { arity: 1, dim: 'same' },
  min: { arity: 2, dim: 'same' },
  max: { arity: 2, dim: 'same' },
};

/** A checked expression: its tree (in coherent units) and how to read its value in the target unit. */
export interface ValueExpression {
  expr: Expr;
  /** Multiply the tree's value by this to get the target unit (1 where the target is coherent). */
  toTarget: number;
  /** Names of the variables it reads (a subset of those allowed). */
  reads: Set<string>;
}

class Typed {
  constructor(readonly expr: Expr, readonly dim: Dim | 'bool', readonly hasUnit: boolean) {}
}

const sameDim = (a: Dim, b: Dim) => a.every((x, k) => Math.abs(x - b[k]!) < 1e-12);

/** Text of a dimension for messages: a unit in the internal system ("mV/ms", "1/ms"). */
function dimText(d: Dim | 'bool'): string {
  if (d === 'bool') return 'true/false';
  if (sameDim(d, NONE)) return 'a plain number';
  const names = ['ms', 'mV', 'nA', 'mM'];
  const up: string[] = [];
  const down: string[] = [];
  d.forEach((x, k) => {
    if (x === 0) return;
    const t = Math.abs(x) === 1 ? names[k]! : `${names[k]}^${Math.abs(x)}`;
    (x > 0 ? up : down).push(t);
  });
  return `${up.join('·') || '1'}${down.map((t) => `/${t}`).join('')}`;
}

/** A unit's dimension and the power of ten of its scale in the coherent units (throws for a non-unit). */
function coherentExponent(unit: string): { exp: number; dim: Dim } {
  const u = parseUnit(unit);
  const e = Math.log10(u.scale);
  const whole = Math.round(e);
  if (Math.abs(e - whole) > 1e-9) throw new Error(`unit "${unit}" is not a power of ten of an SI unit`);
  const coherent = u.dim.reduce((acc, x, k) => acc + x * COHERENT_EXPONENTS[k]!, 0);
  return { exp: whole - coherent, dim: u.dim };
}

/** 10^n as the nearest double (exact for the integers 10^0…10^22). */
const pow10 = (n: number) => Number(`1e${n}`);

/** The text with `x^y` as `x**y` and `15 mV` as `15*mV` (a number followed by a unit). */
function preprocess(text: string): string {
  if (text.includes('**') && text.includes('^')) throw new Error('use either ^ or ** for powers, not both');
  const powers = text.replace(/\^/g, '**');
  return powers.replace(/(?<![A-Za-z_\d.])((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?=([A-Za-zµμΩ][A-Za-z0-9µμΩ]*))/g, (m, num: string, _u, offset: number, whole: string) => {
    const word = /^[A-Za-zµμΩ][A-Za-z0-9µμΩ]*/.exec(whole.slice(offset + m.length))![0];
    try {
      parseUnit(word);
      return `${num}*`;
    } catch {
      return m;
    }
  });
}

function fail(message: string): never {
  throw new Error(message);
}

/**
 * Parses and checks `text` for a value in `targetUnit` that may read the variables `names`
 * (all plain numbers). Throws with a message saying what is wrong and where.
 */
export function parseValueExpression(text: string, targetUnit: string, names: readonly string[]): ValueExpression {
  let root: jsep.Expression;
  try {
    root = jsep(preprocess(text));
  } catch (e) {
    throw new Error(`cannot read "${text}": ${(e as Error).message}`);
  }
  const reads = new Set<string>();
  const allowed = new Set(names);
  const described = `${names.join(', ')}, pi and units such as mV or ms`;

  const typed = (node: jsep.Expression): Typed => {
    switch (node.type) {
      case 'Literal': {
        const v = (node as jsep.Literal).value;
        if (typeof v !== 'number') fail(`only numbers are allowed as literals in "${text}"`);
        return new Typed({ k: 'num', v }, NONE, false);
      }
      case 'Identifier': {
        const name = (node as jsep.Identifier).name;
        if (allowed.has(name)) {
          reads.add(name);
          return new Typed({ k: 'var', name }, NONE, false);
        }
        if (name === 'pi') return new Typed({ k: 'num', v: Math.PI }, NONE, false);
        let unit: { exp: number; dim: Dim };
        try {
          unit = coherentExponent(name);
        } catch {
          return fail(`unknown name "${name}" in "${text}" (an expression may use ${described})`);
        }
        return new Typed({ k: 'num', v: pow10(unit.exp) }, unit.dim, true);
      }
      case 'UnaryExpression': {
        const u = node as jsep.UnaryExpression;
        const a = typed(u.argument);
        if (u.operator === '+') return a;
        if (u.operator === '-' && a.dim !== 'bool') return new Typed({ k: 'neg', a: a.expr }, a.dim, a.hasUnit);
        if (u.operator === '!' && a.dim === 'bool') return new Typed({ k: 'not', a: a.expr }, 'bool', a.hasUnit);
        return fail(`"${u.operator}" cannot be applied to ${dimText(a.dim)} in "${text}"`);
      }
      case 'BinaryExpression': {
        const b = node as jsep.BinaryExpression;
        if (b.operator === '**' && b.left.type === 'UnaryExpression') {
          fail(`"-x^n" is ambiguous in "${text}": write -(x^n) or (x*x…) instead`);
        }
        const a = typed(b.left);
        const c = typed(b.right);
        const hasUnit = a.hasUnit || c.hasUnit;
        const num = (t: Typed, what: string): Dim => (t.dim === 'bool' ? fail(`${what} of "${text}" is true/false where a number is needed`) : t.dim);
        switch (b.operator) {
          case '+': case '-': {
            const da = num(a, 'an operand');
            const dc = num(c, 'an operand');
            if (!sameDim(da, dc)) fail(`cannot ${b.operator === '+' ? 'add' : 'subtract'} ${dimText(dc)} ${b.operator === '+' ? 'to' : 'from'} ${dimText(da)} in "${text}"`);
            return new Typed({ k: 'bin', op: b.operator, a: a.expr, b: c.expr }, da, hasUnit);
          }
          case '*': case '/': {
            const da = num(a, 'an operand');
            const dc = num(c, 'an operand');
            const s = b.operator === '*' ? 1 : -1;
            return new Typed({ k: 'bin', op: b.operator, a: a.expr, b: c.expr }, da.map((x, k) => x + s * dc[k]!) as unknown as Dim, hasUnit);
          }
          case '**': {
            const da = num(a, 'the base');
            const dc = num(c, 'the exponent');
            if (!sameDim(dc, NONE)) fail(`the exponent in "${text}" must be a plain number, not ${dimText(dc)}`);
            let dim: Dim = NONE;
            if (!sameDim(da, NONE)) {
              if (c.expr.k !== 'num') fail(`a quantity with a unit can only be raised to a fixed number in "${text}"`);
              const n = c.expr.v;
              dim = da.map((x) => x * n) as unknown as Dim;
            }
            return new Typed({ k: 'call', fn: 'pow', args: [a.expr, c.expr] }, dim, hasUnit);
          }
          case '<': case '<=': case '>': case '>=': case '==': case '!=': {
            const da = num(a, 'an operand');
            const dc = num(c, 'an operand');
            if (!sameDim(da, dc)) fail(`cannot compare ${dimText(da)} with ${dimText(dc)} in "${text}"`);
            return new Typed({ k: 'bin', op: b.operator, a: a.expr, b: c.expr }, 'bool', hasUnit);
          }
          case '&&': case '||':
            if (a.dim !== 'bool' || c.dim !== 'bool') fail(`"${b.operator}" needs true/false on both sides in "${text}"`);
            return new Typed({ k: 'bin', op: b.operator, a: a.expr, b: c.expr }, 'bool', hasUnit);
          default:
            return fail(`unknown operator "${b.operator}" in "${text}"`);
        }
      }
      case 'ConditionalExpression': {
        const c = node as jsep.ConditionalExpression;
        const test = typed(c.test);
        const a = typed(c.consequent);
        const b = typed(c.alternate);
        if (test.dim !== 'bool') fail(`the condition of "${text}" must be a comparison`);
        if (a.dim === 'bool' || b.dim === 'bool' || !sameDim(a.dim, b.dim)) {
          fail(`the two branches of "${text}" must have the same unit (${dimText(a.dim)} and ${dimText(b.dim)})`);
        }
        return new Typed({ k: 'cond', c: test.expr, a: a.expr, b: b.expr }, a.dim, test.hasUnit || a.hasUnit || b.hasUnit);
      }
      case 'CallExpression': {
        const call = node as jsep.CallExpression;
        const fn = call.callee.type === 'Identifier' ? (call.callee as jsep.Identifier).name : '';
        const f = Object.hasOwn(FUNCTIONS, fn) ? FUNCTIONS[fn]! : fail(`unknown function "${fn || '?'}" in "${text}" (known: ${Object.keys(FUNCTIONS).join(', ')})`);
        if (call.arguments.length !== f.arity) fail(`${fn} takes ${f.arity} argument(s) in "${text}"`);
        const args = call.arguments.map(typed);
        const dims = args.map((x) => (x.dim === 'bool' ? fail(`${fn} needs a number in "${text}"`) : x.dim));
        let dim: Dim = NONE;
        if (f.dim === 'plain' && !sameDim(dims[0]!, NONE)) fail(`${fn} takes a plain number in "${text}", not ${dimText(dims[0]!)}`);
        if (f.dim === 'same') {
          if (dims.some((d) => !sameDim(d, dims[0]!))) fail(`the arguments of ${fn} must have the same unit in "${text}"`);
          dim = dims[0]!;
        }
        if (f.dim === 'sqrt') dim = dims[0]!.map((x) => x / 2) as unknown as Dim;
        return new Typed({ k: 'call', fn, args: args.map((x) => x.expr) }, dim, args.some((x) => x.hasUnit));
      }
      default:
        return fail(`"${text}" uses ${node.type}, which a value expression does not have`);
    }
  };

  const result = typed(root);
  if (result.dim === 'bool') fail(`"${text}" is true/false, expected a value in ${targetUnit || 'plain numbers'}`);
  const target = coherentExponent(targetUnit);
  // No unit anywhere: the numbers are in the target's unit, as a bare number in a document is.
  if (!result.hasUnit) {
    if (!sameDim(result.dim, NONE)) fail(`internal: "${text}" has a dimension but no unit`);
    return { expr: result.expr, toTarget: 1, reads };
  }
  if (!sameDim(result.dim, target.dim)) {
    fail(`"${text}" is in ${dimText(result.dim)}, expected ${targetUnit ? `the unit of ${targetUnit}` : 'a plain number'}`);
  }
  return { expr: result.expr, toTarget: pow10(-target.exp), reads };
}
