import { expect } from 'vitest';

/**
 * The largest relative difference between two equally long series; values smaller than
 * `floor` are compared absolutely (relative to `floor`), so zeros do not blow it up.
 */
export function maxRelError(actual: readonly number[], expected: readonly number[], floor = 1e-3): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    worst = Math.max(worst, Math.abs(actual[k]! - expected[k]!) / Math.max(Math.abs(expected[k]!), floor));
  }
  return worst;
}

/**
 * The reference LIF membrane trace under an input current (no threshold reached): from
 * V = vRest, each step i moves V exactly towards V_inf = vRest + current(i, V) with time
 * constant `tau` (exponential Euler, as assets/docs/models.md), for `steps` steps; sample 0 is vRest.
 */
export function lifReference(o: { vRest: number; tau: number; dt: number; steps: number; current: (i: number, v: number) => number }): number[] {
  const em = Math.exp(-o.dt / o.tau);
  let v = o.vRest;
  const trace = [v];
  for (let i = 0; i < o.steps; i++) {
    const vInf = o.vRest + o.current(i, v);
    v = vInf + (v - vInf) * em;
    trace.push(v);
  }
  return trace;
}
