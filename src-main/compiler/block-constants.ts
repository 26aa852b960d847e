/**
 * The names a block's update code may fold to numbers before an engine prints it: its
 * parameters, the run's dt, and I = 0 for a neuron that nothing feeds. Both engines fold
 * with the same table, so they print the same model.
 */
import type { Plan, PlanBlock } from './plan.js';

/** Parameters and dt of a block, plus `extra`. */
export function constantsOf(plan: Plan, b: PlanBlock, extra: Record<string, number> = {}): Map<string, number> {
  return new Map<string, number>([...Object.entries(b.params), ['dt', plan.dt], ...Object.entries(extra)]);
}

/** The constants a block's own update code is folded with (a neuron without input reads I = 0). */
export function blockConstants(plan: Plan, b: PlanBlock): Map<string, number> {
  return constantsOf(plan, b, b.category === 'neuron' && !b.receivesCurrent ? { I: 0 } : {});
}
