/**
 * Prints update-language trees as JavaScript for the CPU engine. Names are mapped by the
 * caller (states and locals become JS variables, parameters are folded to numbers before
 * printing, which the caller may print as literals or as references to a table of them:
 * `literal`); built-ins call the double-precision helpers of src-shared/expr/numeric.ts.
 */
import type { Expr } from '../../../src-shared/expr/ast.js';
import { decayFactor } from '../../../src-shared/expr/numeric.js';
import { binomialQ0 } from '../../../kernels/binomial.js';

export interface JsPrintContext {
  /** JS text for a name of the update language. */
  name(n: string): string;
  /**
   * JS text for the k-th random call of the block: `random24` gives a 24-bit integer,
   * `normal24` a standard normal deviate (kernels/random.ts).
   */
  random(fn: 'random24' | 'normal24' | 'binomial24', callIndex: number, extra?: readonly string[]): string;
  dt: number;
  /** JS text of exp(−dt/tau) computed ahead for this tau (a per-element array), or null. */
  decay?(tau: Expr): string | null;
  /** JS text of a number of the model (default: the literal, jsNumber). */
  literal?(v: number): string;
}

const literal = (ctx: JsPrintContext, v: number): string => ctx.literal?.(v) ?? jsNumber(v);

/** A number literal that round-trips exactly. */
export function jsNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  const s = String(v);
  return v < 0 || Object.is(v, -0) ? `(${s === '0' ? '-0' : s})` : s;
}

/** Prints an expression; random calls are numbered in print order through `counter`. */
export function printJs(e: Expr, ctx: JsPrintContext, counter = { calls: 0 }): string {
  const p = (x: Expr) => printJs(x, ctx, counter);
  switch (e.k) {
    case 'num': return literal(ctx, e.v);
    case 'bool': return e.v ? 'true' : 'false';
    case 'var': return ctx.name(e.name);
    case 'neg': return `(-${p(e.a)})`;
    case 'not': return `(!${p(e.a)})`;
    case 'bin': {
      const op = e.op === '==' ? '===' : e.op === '!=' ? '!==' : e.op;
      return `(${p(e.a)} ${op} ${p(e.b)})`;
    }
    case 'cond': return `(${p(e.c)} ? ${p(e.a)} : ${p(e.b)})`;
    case 'call': {
      const args = e.args.map(p);
      switch (e.fn) {
        case 'exp': case 'log': case 'sqrt': case 'abs': case 'min': case 'max': case 'pow': case 'floor': case 'sin': case 'cos':
          return `Math.${e.fn}(${args.join(', ')})`;
        case 'round': return `roundHalfAway(${args[0]})`;
        case 'sigmoid': return `sigmoid(${args[0]})`;
        case 'vtrap': return `vtrap(${args[0]}, ${args[1]})`;
        case 'exp_euler': {
          const tau = e.args[2]!;
          const factor = tau.k === 'num' ? literal(ctx, decayFactor(ctx.dt, tau.v)) : ctx.decay?.(tau) ?? `decayFactor(DT, ${args[2]})`;
          return `expEulerStep(${args[0]}, ${args[1]}, ${factor})`;
        }
        case 'rand': return `(${ctx.random('random24', counter.calls++)} * 5.9604644775390625e-8)`;
        case 'randn': return ctx.random('normal24', counter.calls++);
        case 'binomial': {
          // Constant n and p: P(0) and p/(1 − p) computed once here, not per element and step.
          const [n, pr] = e.args as [Expr, Expr];
          const extra = n.k === 'num' && pr.k === 'num' && n.v >= 1 && pr.v > 0 && pr.v < 1
            ? [...args, literal(ctx, binomialQ0(n.v, pr.v)), literal(ctx, pr.v / (1 - pr.v))]
            : args;
          return ctx.random('binomial24', counter.calls++, extra);
        }
        case 'bernoulli': {
          const pr = e.args[0]!;
          const threshold = pr.k === 'num' ? literal(ctx, Math.fround(pr.v) * 16777216) : `(Math.fround(${args[0]}) * 16777216)`;
          return `(${ctx.random('random24', counter.calls++)} < ${threshold})`;
        }
      }
      throw new Error(`no JavaScript for function ${e.fn}`);
    }
  }
}
