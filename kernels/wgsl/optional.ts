/**
 * WGSL helpers that a program includes only when its code calls them, so that the programs
 * of models that do not use them stay as they were (and compile no dead code).
 */
import { BINOMIAL_WGSL } from '../binomial.js';

/**
 * sin and cos with the argument first reduced to [−π, π], where WGSL bounds their error
 * (an argument such as 2π·t/period grows with the run; the reduction keeps the phase to the
 * f32 resolution of the argument).
 */
const PERIODIC_WGSL = /* wgsl */ `
fn sf_reduce_angle(x: f32) -> f32 {
  return x - 6.2831855f * round(x * 0.15915494f);
}
fn sf_sin(x: f32) -> f32 {
  return sin(sf_reduce_angle(x));
}
fn sf_cos(x: f32) -> f32 {
  return cos(sf_reduce_angle(x));
}
`;

/** Helper code by the function name whose call needs it. */
const OPTIONAL: ReadonlyArray<readonly [string, string]> = [
  ['sf_sin(', PERIODIC_WGSL],
  ['sf_cos(', PERIODIC_WGSL],
  ['sf_binomial(', BINOMIAL_WGSL],
];

/** The optional helpers that `code` calls, each once. */
export function optionalWgsl(code: string): string {
  const parts = new Set<string>();
  for (const [call, text] of OPTIONAL) if (code.includes(call)) parts.add(text);
  return [...parts].join('\n');
}
