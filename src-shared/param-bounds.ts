/**
 * The bounds of a quantity parameter, worded once for the compiler's diagnostics and the
 * inspector's in-place errors, so both say the same thing.
 */
import type { QuantityParam } from '../kernels/types.js';

/** The bound a value breaks, or undefined when it is acceptable. */
export function boundsProblem(p: QuantityParam, v: number): string | undefined {
  if (!Number.isFinite(v)) return 'must be a finite number';
  if (p.min !== undefined) {
    if (p.exclusiveMin && v <= p.min) return `must be greater than ${p.min} ${p.unit}`.trimEnd();
    if (!p.exclusiveMin && v < p.min) return `must be at least ${p.min} ${p.unit}`.trimEnd();
  }
  if (p.max !== undefined && v > p.max) return `must be at most ${p.max} ${p.unit}`.trimEnd();
  return undefined;
}
