/**
 * Prints update-language trees (src-shared/expr) as Brian2 abstract code. Every operation
 * keeps its order and grouping, so Brian2 computes the same double-precision numbers as the
 * CPU engine, up to the last bit of exp and log. Built-ins without a Brian2 equivalent call
 * the functions of the script's prelude (prelude.ts): `ifelse` for `c ? a : b`, `round_away`
 * for Spikeflow's round (halves away from zero), `vtrap`, `exp_euler`, `min2`, `max2`.
 */
import type { Expr } from '../../../src-shared/expr/ast.js';
import { pyFloat } from '../python-literals.js';

export interface Brian2PrintContext {
  /** Brian2 text for a name of the update language (state, local, parameter or input). */
  name(n: string): string;
}

/** Names the update language may use that Brian2 reserves, and what they become. */
export const TIME_NAMES: Readonly<Record<string, string>> = {
  // Spikeflow's t is step·dt in ms, computed as the CPU engine computes it.
  t: '(t_in_timesteps * dt_ms)',
  dt: 'dt_ms',
  step: 't_in_timesteps',
};

function isBoolean(e: Expr): boolean {
  if (e.k === 'bool' || e.k === 'not') return true;
  if (e.k === 'bin') return ['<', '<=', '>', '>=', '==', '!=', '&&', '||'].includes(e.op);
  if (e.k === 'cond') return isBoolean(e.a);
  if (e.k === 'call') return e.fn === 'bernoulli';
  return false;
}

export function printBrian2(e: Expr, ctx: Brian2PrintContext): string {
  const p = (x: Expr) => printBrian2(x, ctx);
  switch (e.k) {
    case 'num': return e.v < 0 || Object.is(e.v, -0) ? `(${pyFloat(e.v)})` : pyFloat(e.v);
    case 'bool': return e.v ? 'True' : 'False';
    case 'var': return TIME_NAMES[e.name] ?? ctx.name(e.name);
    case 'neg': return `(-${p(e.a)})`;
    case 'not': return `(not ${p(e.a)})`;
    case 'bin': {
      const op = e.op === '&&' ? 'and' : e.op === '||' ? 'or' : e.op;
      return `(${p(e.a)} ${op} ${p(e.b)})`;
    }
    case 'cond': {
      const c = p(e.c);
      // Boolean branches as logic (ifelse works on numbers).
      if (isBoolean(e.a)) return `((${c} and ${p(e.a)}) or ((not ${c}) and ${p(e.b)}))`;
      return `ifelse(int(${c}), ${p(e.a)}, ${p(e.b)})`;
    }
    case 'call': {
      const args = e.args.map(p);
      switch (e.fn) {
        case 'exp': case 'log': case 'sqrt': case 'abs': case 'floor': case 'sin': case 'cos':
          return `${e.fn}(${args[0]})`;
        case 'min': return `min2(${args[0]}, ${args[1]})`;
        case 'max': return `max2(${args[0]}, ${args[1]})`;
        case 'pow': return `(${args[0]} ** ${args[1]})`;
        case 'round': return `round_away(${args[0]})`;
        case 'sigmoid': return `(1.0 / (1.0 + exp(-${args[0]})))`;
        case 'vtrap': return `vtrap(${args[0]}, ${args[1]})`;
        case 'exp_euler': return `exp_euler(${args[0]}, ${args[1]}, ${args[2]}, dt_ms)`;
        // Brian2's own generator: the same distribution, other numbers (the script's doc says so).
        case 'rand': return 'rand()';
        case 'randn': return 'randn()';
        case 'bernoulli': return `(rand() < ${args[0]})`;
      }
      throw new Error(`no Brian2 code for the function ${e.fn}`);
    }
  }
}
