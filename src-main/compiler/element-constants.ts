/**
 * How both engines run a block whose parameters vary per element (plan.ts `varying`):
 * every largest part of its update code that depends on parameters and dt alone — and on
 * at least one varying parameter — is computed once per element here, on the host in double
 * precision, and read from an array while stepping. `exp(-dt / tau)` inside exp_euler,
 * `round(tau_ref / dt)`, `R` alone: each becomes one array. This is what the scalar fast path
 * does with a constant parameter (folded on the host into a literal), done per element, so
 * a neuron of a heterogeneous population computes exactly what a population with its
 * values as constants computes, on either engine (the GPU gets each value rounded to f32,
 * as it gets a literal).
 *
 * A local assigned once from such a part (`s0 = round(start / dt)`) counts as one too in the
 * statements after it. Random draws are never moved, so their numbering is unchanged.
 * Blocks without varying parameters are not touched: their code is printed as before.
 */
import { COMPARISONS, LOGICAL, freeNames, type Expr, type Statement } from '../../src-shared/expr/ast.js';
import { BUILTINS, drawsRandom } from '../../src-shared/expr/builtins.js';
import { evaluate } from '../../src-shared/expr/evaluate.js';
import { decayFactor } from '../../src-shared/expr/numeric.js';
import type { Plan, PlanBlock } from './plan.js';

/** One per-element array the code reads. */
export interface ElementConstant {
  /** The name the rewritten code reads it by (cannot clash: not a name of the language). */
  name: string;
  /** What it computes, for comments and --explain. */
  source: string;
  values: Float64Array;
  /** When the code uses it as exp_euler's tau: exp(−dt/tau) per element, as printers fold a constant tau. */
  decay?: Float64Array;
}

export interface ElementCode {
  code: Statement[];
  constants: ElementConstant[];
  /** By name. */
  byName: Map<string, ElementConstant>;
}

/** Prefix of element-constant names: `#` cannot start a name of the update language. */
export const ELEMENT_PREFIX = '#e';

const cache = new WeakMap<PlanBlock, ElementCode>();

function isNumeric(e: Expr): boolean {
  switch (e.k) {
    case 'num': case 'var': case 'neg': return true;
    case 'bool': case 'not': return false;
    case 'bin': return !COMPARISONS.has(e.op) && !LOGICAL.has(e.op);
    case 'cond': return isNumeric(e.a);
    case 'call': return BUILTINS[e.fn]?.returns === 'num' && e.fn !== 'exp_euler';
  }
}

/** Short text of an expression for comments (no engine reads it). */
function show(e: Expr): string {
  switch (e.k) {
    case 'num': return String(e.v);
    case 'bool': return String(e.v);
    case 'var': return e.name;
    case 'neg': return `-${show(e.a)}`;
    case 'not': return `!${show(e.a)}`;
    case 'bin': return `(${show(e.a)} ${e.op} ${show(e.b)})`;
    case 'cond': return `(${show(e.c)} ? ${show(e.a)} : ${show(e.b)})`;
    case 'call': return `${e.fn}(${e.args.map(show).join(', ')})`;
  }
}

/**
 * The code of `b` with its element constants, or null when no parameter of `b` varies.
 * Memoised per plan block (both engines and every copy of a batch ask for it).
 */
export function elementCode(plan: Pick<Plan, 'dt'>, b: PlanBlock): ElementCode | null {
  if (!b.varying || Object.keys(b.varying).length === 0) return null;
  const hit = cache.get(b);
  if (hit) return hit;
  const scalars = new Map<string, number>([...Object.entries(b.params), ['dt', plan.dt]]);
  /** Names whose value is known per element: varying parameters, then element-constant locals. */
  const perElement = new Map<string, Float64Array>(Object.entries(b.varying));
  const constants: ElementConstant[] = [];
  const byKey = new Map<string, ElementConstant>();

  const qualifies = (e: Expr): boolean => {
    if (!isNumeric(e) || drawsRandom(e)) return false;
    let varies = false;
    for (const n of freeNames(e)) {
      if (perElement.has(n)) varies = true;
      else if (!scalars.has(n)) return false;
    }
    return varies;
  };

  const constantOf = (e: Expr): ElementConstant => {
    const key = JSON.stringify(e);
    let c = byKey.get(key);
    if (c) return c;
    const values = new Float64Array(b.size);
    const env = new Map<string, number | boolean>(scalars);
    const names = [...freeNames(e)].filter((n) => perElement.has(n));
    for (let k = 0; k < b.size; k++) {
      for (const n of names) env.set(n, perElement.get(n)![k]!);
      values[k] = evaluate(e, env) as number;
    }
    c = { name: `${ELEMENT_PREFIX}${constants.length}`, source: show(e), values };
    constants.push(c);
    byKey.set(key, c);
    return c;
  };

  const hoist = (e: Expr): Expr => {
    if (qualifies(e)) return { k: 'var', name: constantOf(e).name };
    switch (e.k) {
      case 'neg': return { k: 'neg', a: hoist(e.a) };
      case 'not': return { k: 'not', a: hoist(e.a) };
      case 'bin': return { k: 'bin', op: e.op, a: hoist(e.a), b: hoist(e.b) };
      case 'cond': return { k: 'cond', c: hoist(e.c), a: hoist(e.a), b: hoist(e.b) };
      case 'call': {
        const args = e.args.map(hoist);
        if (e.fn === 'exp_euler' && args[2]!.k === 'var') {
          const c = constants.find((x) => x.name === (args[2] as { name: string }).name);
          if (c && !c.decay) c.decay = c.values.map((tau) => decayFactor(plan.dt, tau));
        }
        return { k: 'call', fn: e.fn, args };
      }
      default: return e;
    }
  };

  const writes = new Map<string, number>();
  for (const s of b.code) writes.set(s.target, (writes.get(s.target) ?? 0) + 1);
  const states = new Set(b.states.map((s) => s.name));
  const code = b.code.map((s) => {
    const expr = hoist(s.expr);
    if (expr.k === 'var' && expr.name.startsWith(ELEMENT_PREFIX) && !states.has(s.target) && writes.get(s.target) === 1) {
      perElement.set(s.target, constants.find((c) => c.name === expr.name)!.values);
    }
    return { target: s.target, expr };
  });
  const out: ElementCode = { code, constants, byName: new Map(constants.map((c) => [c.name, c])) };
  cache.set(b, out);
  return out;
}

/**
 * Probabilities that vary per element (a Poisson source whose rate varies): each must lie in
 * [0, 1], as probabilities.ts checks a constant one. Returns the first bad element, or null.
 */
export function varyingProbabilityProblem(plan: Pick<Plan, 'dt'>, b: PlanBlock): string | null {
  const ec = elementCode(plan, b);
  if (!ec) return null;
  let problem: string | null = null;
  const visit = (e: Expr) => {
    if (problem) return;
    if (e.k === 'call' && e.fn === 'bernoulli' && e.args[0]!.k === 'var') {
      const c = ec.byName.get(e.args[0]!.name);
      if (c) {
        const k = c.values.findIndex((p) => !(p >= 0 && p <= 1));
        if (k >= 0) problem = `neuron ${k} gets a probability of ${Number(c.values[k]!.toPrecision(4))} per step (${c.source}), outside 0…1: a neuron can spike at most once a step`;
      }
    }
    switch (e.k) {
      case 'neg': case 'not': visit(e.a); break;
      case 'bin': visit(e.a); visit(e.b); break;
      case 'cond': visit(e.c); visit(e.a); visit(e.b); break;
      case 'call': e.args.forEach(visit); break;
      default: break;
    }
  };
  for (const s of ec.code) visit(s.expr);
  return problem;
}
