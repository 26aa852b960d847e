/**
 * Prints update-language trees as WGSL (f32) for the WebGPU engine, the twin of the CPU
 * engine's print-js.ts: names are mapped by the caller, parameters are folded to literals
 * before printing, built-ins call the f32 helpers of kernels/wgsl/numeric.ts. Literals go
 * through the context so a batch can move the ones that differ between copies into a table.
 */
import { NUMERIC_FN } from '../../../kernels/wgsl/numeric.js';
import { COMPARISONS, LOGICAL, type Expr, type ValueType } from '../../../src-shared/expr/ast.js';
import { BUILTINS } from '../../../src-shared/expr/builtins.js';
import { decayFactor } from '../../../src-shared/expr/numeric.js';

export interface WgslPrintContext {
  /** WGSL text for a name of the update language. */
  name(n: string): string;
  /** WGSL text for an f32 number (a literal, or a lookup where copies differ). */
  num(v: number): string;
  /**
   * WGSL text of the k-th random call of the block: `random24` gives a 24-bit integer (u32),
   * `normal24` a standard normal deviate (f32) (kernels/random.ts).
   */
  random(fn: 'random24' | 'normal24', callIndex: number): string;
  /**
   * WGSL text (f32) of the k-th random call when it is `binomial(n, p)`: the call of
   * sf_binomial (kernels/binomial.ts) with the draw's key and the printed n and p.
   */
  binomial?(callIndex: number, n: string, p: string): string;
  dt: number;
  /** WGSL text (f32) of exp(−dt/tau) computed ahead for this tau (a per-element array), or null. */
  decay?(tau: Expr): string | null;
  /** WGSL text (f32, ms) of `t − name` where `name` is a time stamp kept in steps (stamps.ts), else null. */
  elapsed?(name: string): string | null;
  /** The step as an i32 expression, and an i32 literal: with both, `step` against whole numbers is integer arithmetic. */
  stepInt?: string;
  int?(v: number): string;
}

const isStep = (x: Expr) => x.k === 'var' && x.name === 'step';
const isWhole = (x: Expr): x is { k: 'num'; v: number } => x.k === 'num' && Number.isInteger(x.v) && Math.abs(x.v) < 2 ** 31;

/**
 * Whether `e` is `step` compared with a whole number, or a whole number subtracted from it:
 * printed in integers, exact at any step (f32(step) is exact only up to 2^24).
 */
export function isStepIntegerForm(e: Expr): boolean {
  if (e.k !== 'bin') return false;
  if (COMPARISONS.has(e.op)) return (isStep(e.a) && isWhole(e.b)) || (isWhole(e.a) && isStep(e.b));
  return e.op === '-' && isStep(e.a) && isWhole(e.b);
}

const TWO_POW_24 = 16777216;

/** The shortest decimal text that reads back as the f32 nearest to `v` (v finite as f32). */
export function f32Literal(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) throw new Error(`internal: ${v} has no f32 literal`);
  if (Object.is(f, -0)) return '-0.0f';
  let s = '';
  for (let digits = 1; digits <= 9; digits++) {
    s = f.toPrecision(digits);
    if (Math.fround(Number(s)) === f) break;
  }
  s = String(Number(s));
  // WGSL needs a '.' or an exponent before the suffix only for hex; "3f" is a valid f32 literal,
  // but "3.0f" reads better and survives any tool that strips suffixes.
  if (!/[.e]/.test(s)) s += '.0';
  return `${s}f`;
}

/** Type of an expression, given the types of names. */
export function exprType(e: Expr, typeOfName: (n: string) => ValueType): ValueType {
  switch (e.k) {
    case 'num': return 'num';
    case 'bool': return 'bool';
    case 'var': return typeOfName(e.name);
    case 'neg': return 'num';
    case 'not': return 'bool';
    case 'bin': return LOGICAL.has(e.op) || COMPARISONS.has(e.op) ? 'bool' : 'num';
    case 'cond': return exprType(e.a, typeOfName);
    case 'call': return BUILTINS[e.fn]?.returns ?? 'num';
  }
}

/** Prints an expression; random calls are numbered in print order through `counter`. */
export function printWgsl(e: Expr, ctx: WgslPrintContext, counter = { calls: 0 }): string {
  const p = (x: Expr) => printWgsl(x, ctx, counter);
  switch (e.k) {
    case 'num': return ctx.num(e.v);
    case 'bool': return e.v ? 'true' : 'false';
    case 'var': return ctx.name(e.name);
    case 'neg': return `(-${p(e.a)})`;
    case 'not': return `(!${p(e.a)})`;
    case 'bin': {
      if (ctx.stepInt && ctx.int && isStepIntegerForm(e)) {
        const side = (x: Expr) => (isWhole(x) ? ctx.int!(x.v) : ctx.stepInt!);
        return e.op === '-' ? `f32(${side(e.a)} - ${side(e.b)})` : `(${side(e.a)} ${e.op} ${side(e.b)})`;
      }
      const since = e.op === '-' && e.a.k === 'var' && e.a.name === 't' && e.b.k === 'var' ? ctx.elapsed?.(e.b.name) : null;
      return since ?? `(${p(e.a)} ${e.op} ${p(e.b)})`;
    }
    // select() evaluates both branches; harmless, the language has no side effects, and the
    // random calls of both branches keep their numbers as in the JavaScript printer.
    case 'cond': {
      const c = p(e.c);
      const a = p(e.a);
      const b = p(e.b);
      return `select(${b}, ${a}, ${c})`;
    }
    case 'call': {
      switch (e.fn) {
        case 'floor': {
          const a = e.args[0]!;
          if (a.k === 'bin' && a.op === '/') return `${NUMERIC_FN.floorDiv}(${p(a.a)}, ${p(a.b)})`;
          return `floor(${p(a)})`;
        }
        case 'exp': case 'log': case 'sqrt': case 'abs': case 'min': case 'max':
          return `${e.fn}(${e.args.map(p).join(', ')})`;
        case 'sin': case 'cos': return `sf_${e.fn}(${p(e.args[0]!)})`;
        case 'pow': return `${NUMERIC_FN.pow}(${e.args.map(p).join(', ')})`;
        case 'round': return `${NUMERIC_FN.round}(${p(e.args[0]!)})`;
        case 'sigmoid': return `${NUMERIC_FN.sigmoid}(${p(e.args[0]!)})`;
        case 'vtrap': return `${NUMERIC_FN.vtrap}(${p(e.args[0]!)}, ${p(e.args[1]!)})`;
        case 'exp_euler': {
          const x = p(e.args[0]!);
          const xInf = p(e.args[1]!);
          const tau = e.args[2]!;
          const factor = tau.k === 'num' ? ctx.num(decayFactor(ctx.dt, tau.v)) : ctx.decay?.(tau) ?? `${NUMERIC_FN.decay}(DT, ${p(tau)})`;
          return `${NUMERIC_FN.expEuler}(${x}, ${xInf}, ${factor})`;
        }
        case 'rand': return `(f32(${ctx.random('random24', counter.calls++)}) * 5.9604644775390625e-8f)`;
        case 'randn': return ctx.random('normal24', counter.calls++);
        case 'binomial': {
          // Arguments first, then the draw, as print-js.ts numbers it.
          const n = p(e.args[0]!);
          const pr = p(e.args[1]!);
          if (!ctx.binomial) throw new Error('binomial() is not available here');
          return ctx.binomial(counter.calls++, n, pr);
        }
        case 'bernoulli': {
          // Argument first, then the draw: the order in which print-js.ts numbers random calls.
          const pr = e.args[0]!;
          const threshold = pr.k === 'num' ? ctx.num(Math.fround(pr.v) * TWO_POW_24) : `(${p(pr)} * 16777216.0f)`;
          const r = ctx.random('random24', counter.calls++);
          return `(f32(${r}) < ${threshold})`;
        }
      }
      throw new Error(`no WGSL for function ${e.fn}`);
    }
  }
}
