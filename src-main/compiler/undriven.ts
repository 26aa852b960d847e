/**
 * Warnings for neurons that nothing drives. A neuron whose input has nothing connected gets
 * no current at all; unless its own dynamics make it fire (a pacemaker whose resting
 * potential lies above its threshold, say), it sits at rest and reports 0 Hz, and a model
 * that merely compiles gives no hint why. It stays a warning, not an error: a neuron left
 * alone is a legal model (a control, a block not wired yet).
 *
 * Synapses need no such check (their presynaptic input is required: an error when missing),
 * nor do sources and current sources, which drive themselves.
 *
 * "Fires on its own" is found by stepping the block's own update code with no input, from
 * the initial state of its first neuron, on the host's interpreter for the first steps of
 * the run: the model's definition decides, not a list of parameter rules per neuron type.
 * A neuron that draws random numbers (noise) counts as driven.
 */
import { drawsRandom } from '../../src-shared/expr/builtins.js';
import { evaluate } from '../../src-shared/expr/evaluate.js';
import type { Diagnostic } from './diagnostics.js';
import type { PlanBlock } from './plan.js';

/** Steps stepped at most per undriven neuron: 200 ms at dt = 0.1 ms, about 20 ms of host time for LIF. */
export const UNDRIVEN_CHECK_STEPS = 2000;

export const UNDRIVEN_MESSAGE = 'nothing drives this neuron: no synapse or current source is connected, and it does not fire on its own';

/** Whether the first neuron of `block`, given no input current, spikes within `steps` steps. */
function firesAlone(block: PlanBlock, dt: number, steps: number): boolean {
  const env = new Map<string, number | boolean>(Object.entries(block.params));
  for (const [name, values] of Object.entries(block.varying ?? {})) env.set(name, values[0]!);
  for (const s of block.states) env.set(s.name, s.init[0] ?? 0);
  env.set('dt', dt);
  env.set('I', 0);
  for (let step = 0; step < steps; step++) {
    env.set('step', step);
    env.set('t', step * dt);
    for (const s of block.code) env.set(s.target, evaluate(s.expr, env));
    if (env.get('spike') === true) return true;
  }
  return false;
}

/** A warning on each neuron block with nothing connected to its input that stays silent on its own. */
export function undrivenWarnings(blocks: readonly PlanBlock[], dt: number, steps: number): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  for (const b of blocks) {
    if (b.category !== 'neuron' || b.receivesCurrent || b.receivesJumps || b.size === 0) continue;
    if (b.code.some((s) => drawsRandom(s.expr))) continue;
    let alone: boolean;
    try {
      alone = firesAlone(b, dt, Math.min(steps, UNDRIVEN_CHECK_STEPS));
    } catch {
      alone = true; // code the host cannot step: no warning rather than a wrong one
    }
    if (alone) continue;
    warnings.push({ block: b.id, field: 'input "I"', message: UNDRIVEN_MESSAGE });
  }
  return warnings;
}
