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
