/**
 * Linear decomposition of a right-hand side in one variable: f = (a + b·X) / den with a, b
 * and den free of X. Exponential Euler steps such an equation as
 * X ← x_inf + (X − x_inf)·exp(−dt/tau) with x_inf = −a/b and tau = −den/b; Euler–Maruyama
 * separates the white-noise terms the same way. The constructors fold ±1 and 0, so that
 * `dV/dt = (V_rest - V + R*I) / tau` gives x_inf = `V_rest + R * I` and tau = `tau`: the
 * very trees the built-in LIF block is written with, hence bit-identical results.
 */
import { freeNames, type Expr } from '../expr/ast.js';

export const lit = (v: number): Expr => ({ k: 'num', v });
export const v = (name: string): Expr => ({ k: 'var', name });
const isNum = (e: Expr, x: number) => e.k === 'num' && e.v === x;

export function neg(a: Expr): Expr {
  if (a.k === 'num') return lit(-a.v);
  if (a.k === 'neg') return a.a;
  return { k: 'neg', a };
}

export function add(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  if (b.k === 'neg') return sub(a, b.a);
  return { k: 'bin', op: '+', a, b };
}

export function sub(a: Expr, b: Expr): Expr {
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return neg(b);
  return { k: 'bin', op: '-', a, b };
}

export function mul(a: Expr, b: Expr): Expr {
  if (isNum(a, 0) || isNum(b, 0)) return lit(0);
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (isNum(a, -1)) return neg(b);
  if (isNum(b, -1)) return neg(a);
  return { k: 'bin', op: '*', a, b };
}

export function div(a: Expr, b: Expr): Expr {
  if (isNum(a, 0)) return lit(0);
  if (isNum(b, 1)) return a;
  if (isNum(b, -1)) return neg(a);
  return { k: 'bin', op: '/', a, b };
}

export interface LinearForm {
  a: Expr;
  b: Expr;
  /** Denominator of both, when the expression was divided by something free of X. */
  den?: Expr;
}

/** a/den, or a when there is no denominator. */
export function over(x: Expr, den: Expr | undefined): Expr {
  return den ? div(x, den) : x;
}

/** f as (a + b·X)/den, or null when f is not linear in X. */
export function linearIn(f: Expr, x: string): LinearForm | null {
  if (!freeNames(f).has(x)) return { a: f, b: lit(0) };
  switch (f.k) {
    case 'var': return { a: lit(0), b: lit(1) };
    case 'neg': {
      const l = linearIn(f.a, x);
      return l && { ...l, a: neg(l.a), b: neg(l.b) };
    }
    case 'bin': {
      const freeA = !freeNames(f.a).has(x);
      const freeB = !freeNames(f.b).has(x);
      if (f.op === '+' || f.op === '-') {
        const l = linearIn(f.a, x);
        const r = linearIn(f.b, x);
        if (!l || !r) return null;
        const combine = f.op === '+' ? add : sub;
        if (!l.den && !r.den) return { a: combine(l.a, r.a), b: combine(l.b, r.b) };
        return { a: combine(over(l.a, l.den), over(r.a, r.den)), b: combine(over(l.b, l.den), over(r.b, r.den)) };
      }
      if (f.op === '*' && (freeA || freeB)) {
        const [k, rest] = freeA ? [f.a, f.b] : [f.b, f.a];
        const l = linearIn(rest, x);
        if (!l) return null;
        return l.den ? { a: over(mul(k, l.a), l.den), b: over(mul(k, l.b), l.den) } : { a: mul(k, l.a), b: mul(k, l.b) };
      }
      if (f.op === '/' && freeB) {
        const l = linearIn(f.a, x);
        if (!l) return null;
        return { a: l.a, b: l.b, den: l.den ? mul(l.den, f.b) : f.b };
      }
      return null;
    }
    default:
      return null;
  }
}
