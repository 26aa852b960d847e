/**
 * Binomial counts from the counter-based generator (kernels/random.ts): the update
 * language's `binomial(n, p)`, the number of n independent trials of probability p that
 * succeed, drawn once per element and step. The Poisson drive (Brian2's `PoissonInput`)
 * draws its K inputs' spikes of a step with it.
 *
 * - n·p ≤ BINOMIAL_EXACT_MEAN: exact, by inversion of the cumulative distribution with one
 *   uniform u = (24-bit integer + 1)·2^−24 in (0, 1]: the count is the smallest x whose
 *   cumulative probability reaches u (Devroye 1986, "Non-Uniform Random Variate
 *   Generation", X.4: sequential search). Exact up to the 2^−24 granularity of u; it takes
 *   about n·p + 1 iterations.
 * - n·p above that: a normal approximation, round(n·p + √(n·p·(1 − p))·z) clamped to
 *   0…n, with z the standard normal deviate of the same draw (Brian2's `BinomialFunction`
 *   approximates a large n·p with a normal deviate likewise).
 *
 * Both engines compute the same formulas from the same integers, the CPU in double and the
 * GPU in f32 precision: counts agree except where u lies within rounding of a cumulative
 * probability, so the two engines agree in distribution, not draw for draw.
 */
import { normal24, random24 } from './random.js';

/** The largest mean n·p drawn exactly (above it, the normal approximation). */
export const BINOMIAL_EXACT_MEAN = 16;

/**
 * A binomial count for (seed, stream, element, counter). `q0` = (1 − p)^n and `r` =
 * p/(1 − p) may be passed precomputed (the code generator does when n and p are constants).
 */
export function binomial24(
  seed: number, stream: number, element: number, counter: number,
  n: number, p: number, q0?: number, r?: number,
): number {
  if (!(n >= 1) || !(p > 0)) return 0;
  if (p >= 1) return n;
  const mean = n * p;
  if (mean > BINOMIAL_EXACT_MEAN) {
    const z = normal24(seed, stream, element, counter);
    return Math.min(n, Math.max(0, Math.floor(mean + Math.sqrt(mean * (1 - p)) * z + 0.5)));
  }
  const u = (random24(seed, stream, element, counter) + 1) * 5.9604644775390625e-8;
  let prob = q0 ?? binomialQ0(n, p);
  const ratio = r ?? p / (1 - p);
  let cdf = prob;
  let x = 0;
  while (u > cdf && x < n) {
    prob *= (ratio * (n - x)) / (x + 1);
    x++;
    cdf += prob;
  }
  return x;
}

/** P(count = 0) = (1 − p)^n, by log1p so that a small p keeps its digits. */
export function binomialQ0(n: number, p: number): number {
  return Math.exp(n * Math.log1p(-p));
}

/** WGSL twin (f32); needs RANDOM_WGSL. Included in a program only when a block draws binomials. */
export const BINOMIAL_WGSL = /* wgsl */ `
// log(1 + x) keeping the digits of a small x (Goldberg's correction).
fn sf_log1p(x: f32) -> f32 {
  let y = 1.0f + x;
  let d = y - 1.0f;
  return select(log(y) * (x / d), x, d == 0.0f);
}
fn sf_binomial(seed: u32, stream: u32, elem: u32, counter: u32, n: f32, p: f32) -> f32 {
  if (!(n >= 1.0f) || !(p > 0.0f)) { return 0.0f; }
  if (p >= 1.0f) { return n; }
  let mean = n * p;
  if (mean > ${BINOMIAL_EXACT_MEAN}.0f) {
    let z = normal24(seed, stream, elem, counter);
    return clamp(floor(mean + sqrt(mean * (1.0f - p)) * z + 0.5f), 0.0f, n);
  }
  let u = f32(random24(seed, stream, elem, counter) + 1u) * 5.9604644775390625e-8f;
  var prob = exp(n * sf_log1p(-p));
  let ratio = p / (1.0f - p);
  var cdf = prob;
  var x = 0.0f;
  loop {
    if (!(u > cdf) || x >= n) { break; }
    prob = prob * (ratio * (n - x)) / (x + 1.0f);
    x = x + 1.0f;
    cdf = cdf + prob;
  }
  return x;
}
`;
