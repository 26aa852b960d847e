/**
 * Exact rewrites that make printed code cheaper without changing a single result. Applied
 * after constant folding, by the printers.
 *
 * round(x) compared with an integer constant c becomes a comparison of x itself: with
 * rounding halves away from zero, round(x) ≤ c ⟺ x < c + ½ for c ≥ 0 and x ≤ c + ½ for
 * c < 0 (NaN stays false either way). Step-counting conditions such as the refractory test
 * `round((t − t_last)/dt) ≤ round(tau_ref/dt)` then cost a division and a compare instead
 * of a call to round in every neuron and step.
 */
import { mapExpr, type BinaryOp, type Expr } from './ast.js';

const num = (v: number): Expr => ({ k: 'num', v });

/** round(x) ≤ c as a comparison on x (c an integer). */
function roundAtMost(x: Expr, c: number): Expr {
  return { k: 'bin', op: c >= 0 ? '<' : '<=', a: x, b: num(c + 0.5) };
}

/** round(x) > c as a comparison on x (c an integer); the complement of roundAtMost except for NaN. */
function roundAbove(x: Expr, c: number): Expr {
  return { k: 'bin', op: c >= 0 ? '>=' : '>', a: x, b: num(c + 0.5) };
}

function rewriteRoundCompare(op: BinaryOp, x: Expr, c: number): Expr | undefined {
  switch (op) {
    case '<=': return roundAtMost(x, c);
    case '<': return roundAtMost(x, c - 1);
    case '>': return roundAbove(x, c);
    case '>=': return roundAbove(x, c - 1);
    default: return undefined;
  }
}

const MIRROR: Partial<Record<BinaryOp, BinaryOp>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export function simplify(e: Expr): Expr {
  return mapExpr(e, (node) => {
    if (node.k !== 'bin') return node;
    const isRound = (x: Expr): x is { k: 'call'; fn: string; args: Expr[] } => x.k === 'call' && x.fn === 'round';
    const isInt = (x: Expr): x is { k: 'num'; v: number } => x.k === 'num' && Number.isInteger(x.v);
    if (isRound(node.a) && isInt(node.b)) return rewriteRoundCompare(node.op, node.a.args[0]!, node.b.v) ?? node;
    if (isInt(node.a) && isRound(node.b) && MIRROR[node.op]) return rewriteRoundCompare(MIRROR[node.op]!, node.b.args[0]!, node.a.v) ?? node;
    return node;
  });
}

const view = new DataView(new ArrayBuffer(8));

/** The next double above (dir 1) or below (dir −1) a finite x. */
function nextDouble(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * Number.MIN_VALUE;
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, (x > 0) === (dir > 0) ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/**
 * The smallest double x with pred(x), for a predicate that is false below some point and
 * true from it on, searched from a guess within a few ulps of that point.
 */
function firstTrue(pred: (x: number) => boolean, guess: number): number {
  let x = guess;
  if (pred(x)) {
    while (pred(nextDouble(x, -1))) x = nextDouble(x, -1);
    return x;
  }
  while (!pred(x)) x = nextDouble(x, 1);
  return x;
}

/**
 * For double-precision printers only: `x / c ⋈ K` with constants c > 0 and K becomes
 * `x ⋈' T`, where T is the exact double at which x/c crosses K. Correctly rounded division
 * by a positive constant is monotonic in x, so the comparison has the same truth value
 * for every x (NaN included), and the hot loop loses a division per element
 * (the refractory test of every LIF neuron, every step).
 */
export function simplifyF64Division(e: Expr): Expr {
  return mapExpr(e, (node) => {
    if (node.k !== 'bin' || !['<', '<=', '>', '>='].includes(node.op)) return node;
    const div = node.a;
    const K = node.b;
    if (div.k !== 'bin' || div.op !== '/' || div.b.k !== 'num' || K.k !== 'num') return node;
    const c = div.b.v;
    const k = K.v;
    if (!(c > 0) || !Number.isFinite(c) || !Number.isFinite(k) || !Number.isFinite(k * c)) return node;
    const x = div.a;
    // x/c < K ⟺ x < T₁ (T₁ = first x with x/c ≥ K); x/c ≤ K ⟺ x < T₂ (T₂ = first x with x/c > K).
    const atLeast = firstTrue((y) => y / c >= k, k * c);
    const above = firstTrue((y) => y / c > k, k * c);
    switch (node.op) {
      case '<': return { k: 'bin', op: '<', a: x, b: num(atLeast) };
      case '<=': return { k: 'bin', op: '<', a: x, b: num(above) };
      case '>=': return { k: 'bin', op: '>=', a: x, b: num(atLeast) };
      default: return { k: 'bin', op: '>=', a: x, b: num(above) };
    }
  });
}
