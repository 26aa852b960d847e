/**
 * WGSL twins of the numeric built-ins of the update language (src-shared/expr/numeric.ts),
 * in f32. They keep the exact meaning where f32 allows it (rounding halves away from zero,
 * exponential Euler jumping to x_inf for tau 0 or non-finite) and avoid the f32 traps the
 * double-precision versions never meet (cancellation in exp(x) − 1 near 0, WGSL's pow of a
 * negative base, a quotient one ulp short of an integer under floor).
 *
 * NaN and infinity are tested on the bit pattern, never with `x != x`: WGSL lets a compiler
 * assume finite math, so such a comparison may be folded away.
 */
export const NUMERIC_WGSL = /* wgsl */ `
fn sf_is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// Nearest integer, halves away from zero; exact (x - trunc(x) is exact in binary floating point).
fn sf_round(x: f32) -> f32 {
  let r = trunc(x);
  return select(r, r + sign(x), abs(x - r) >= 0.5f);
}

fn sf_sigmoid(x: f32) -> f32 {
  return 1.0f / (1.0f + exp(-x));
}

// (exp(r) - 1) / r for |r| < 0.5 by its Taylor series (truncation below 1e-8 relative).
fn sf_expm1_over(r: f32) -> f32 {
  return 1.0f + r * (0.5f + r * (0.16666667f + r * (0.041666668f + r * (0.008333334f
    + r * (0.0013888889f + r * (0.0001984127f + r * 0.0000248016f))))));
}

// x / (exp(x/y) - 1), continued by its limit y at x = 0. Near 0 the series form keeps f32
// from losing digits to exp(r) - 1.
fn sf_vtrap(x: f32, y: f32) -> f32 {
  let r = x / y;
  if (abs(r) < 0.5f) {
    return y / sf_expm1_over(r);
  }
  return x / (exp(r) - 1.0f);
}

// The factor exp(-dt/tau) of exponential Euler; 0 (jump to x_inf) when tau is 0 or not finite.
fn sf_decay(dt: f32, tau: f32) -> f32 {
  if (tau == 0.0f || !sf_is_finite(tau)) {
    return 0.0f;
  }
  return exp(-dt / tau);
}

fn sf_exp_euler(x: f32, x_inf: f32, factor: f32) -> f32 {
  return x_inf + (x - x_inf) * factor;
}

// JavaScript's Math.pow on f32: WGSL's pow is undefined for a negative base and for 0^0.
fn sf_pow(x: f32, y: f32) -> f32 {
  if (y == 0.0f) {
    return 1.0f;
  }
  if (x >= 0.0f) {
    return pow(x, y);
  }
  if (trunc(y) != y) {
    // NaN built from a runtime value: a constant NaN is a shader-creation error in WGSL.
    return bitcast<f32>(0x7fc00000u | (bitcast<u32>(x) & 0u));
  }
  let m = pow(-x, y);
  let odd = abs(y - 2.0f * floor(y * 0.5f)) == 1.0f;
  return select(m, -m, odd);
}

// floor(a / b) corrected by one where the f32 quotient of two integers lands an ulp short of
// (or past) the integer, so "k - floor(k / n) * n == 0" tests divisibility exactly.
fn sf_floor_div(a: f32, b: f32) -> f32 {
  var q = floor(a / b);
  let r = a - q * b;
  if (b > 0.0f) {
    if (r >= b) { q = q + 1.0f; } else if (r < 0.0f) { q = q - 1.0f; }
  } else if (b < 0.0f) {
    if (r <= b) { q = q + 1.0f; } else if (r > 0.0f) { q = q - 1.0f; }
  }
  return q;
}
`;

/** Names of the helpers above, by the update-language built-in they implement. */
export const NUMERIC_FN = {
  round: 'sf_round',
  sigmoid: 'sf_sigmoid',
  vtrap: 'sf_vtrap',
  decay: 'sf_decay',
  expEuler: 'sf_exp_euler',
  pow: 'sf_pow',
  floorDiv: 'sf_floor_div',
  isFinite: 'sf_is_finite',
} as const;
