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
