/**
 * The numeric meaning of the built-in functions in double precision. The CPU engine calls
 * these from its generated code, and the compiler uses them to evaluate initial values and
 * fold constants, so the host and the reference engine agree by construction.
 */

/** Nearest integer, halves away from zero (Math.round rounds −2.5 to −2). */
export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** x/(exp(x/y) − 1), continued by its limit at x = 0 (series to second order near it). */
export function vtrap(x: number, y: number): number {
  const r = x / y;
  if (Math.abs(r) < 1e-6) return y * (1 - r / 2);
  return x / (Math.exp(r) - 1);
}

/** The factor exp(−dt/tau) of exponential Euler; 0 (jump to x_inf) when tau is 0 or not finite. */
export function decayFactor(dt: number, tau: number): number {
  return tau === 0 || !Number.isFinite(tau) ? 0 : Math.exp(-dt / tau);
}

/** One exponential-Euler step of dx/dt = (x_inf − x)/tau. */
export function expEuler(x: number, xInf: number, tau: number, dt: number): number {
  return xInf + (x - xInf) * decayFactor(dt, tau);
}

/** Pure one- and two-argument built-ins by name (the random ones are engine business). */
export const PURE_FUNCTIONS: Readonly<Record<string, (...a: number[]) => number>> = {
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sin: Math.sin,
  cos: Math.cos,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
  floor: Math.floor,
  round: roundHalfAway,
  sigmoid,
  vtrap,
};
