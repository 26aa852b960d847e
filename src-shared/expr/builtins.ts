/**
 * Built-in functions of the update language, with their exact meaning. Each engine's
 * printer maps these names; a name not listed here is an error at parse time.
 */

import { walk, type Expr } from './ast.js';

export interface BuiltinDef {
  arity: number;
  /** Result type; arguments are numbers unless noted. */
  returns: 'num' | 'bool';
  /** Whether the result depends on the step/neuron random stream (never constant-folded). */
  random?: boolean;
  doc: string;
}

export const BUILTINS: Readonly<Record<string, BuiltinDef>> = {
  exp: { arity: 1, returns: 'num', doc: 'e^x' },
  log: { arity: 1, returns: 'num', doc: 'natural logarithm' },
  sqrt: { arity: 1, returns: 'num', doc: 'square root' },
  abs: { arity: 1, returns: 'num', doc: 'absolute value' },
  sin: { arity: 1, returns: 'num', doc: 'sine (radians)' },
  cos: { arity: 1, returns: 'num', doc: 'cosine (radians)' },
  min: { arity: 2, returns: 'num', doc: 'smaller of two numbers' },
  max: { arity: 2, returns: 'num', doc: 'larger of two numbers' },
  pow: { arity: 2, returns: 'num', doc: 'x^y' },
  floor: { arity: 1, returns: 'num', doc: 'largest integer ≤ x' },
  round: { arity: 1, returns: 'num', doc: 'nearest integer, halves away from zero' },
  sigmoid: { arity: 1, returns: 'num', doc: '1/(1+e^−x)' },
  vtrap: {
    arity: 2, returns: 'num',
    doc: 'x/(exp(x/y)−1), continued by its limit y at x = 0 (removable singularity of HH rates)',
  },
  exp_euler: {
    arity: 3, returns: 'num',
    doc: 'exp_euler(x, x_inf, tau): x_inf + (x − x_inf)·exp(−dt/tau); x_inf when tau is 0 or not finite',
  },
  rand: { arity: 0, returns: 'num', random: true, doc: 'uniform in [0, 1) from the counter-based generator (24 bits)' },
  randn: {
    arity: 0, returns: 'num', random: true,
    doc: 'standard normal deviate (Box–Muller of one draw\'s two 24-bit uniforms; |value| ≤ 5.77)',
  },
  bernoulli: {
    arity: 1, returns: 'bool', random: true,
    doc: 'true with probability p: 24-bit uniform integer < f32(p)·2^24, identical on every engine',
  },
  binomial: {
    arity: 2, returns: 'num', random: true,
    doc: 'binomial(n, p): successes among n trials of probability p; exact by inversion for n·p ≤ 16, else a rounded normal (kernels/binomial.ts)',
  },
};

/** Whether an expression draws random numbers (a call of a random built-in anywhere in it). */
export function drawsRandom(e: Expr): boolean {
  let found = false;
  walk(e, (n) => { if (n.k === 'call' && BUILTINS[n.fn]?.random) found = true; });
  return found;
}
