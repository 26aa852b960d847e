/**
 * Limits that keep a run finite and its buffers allocatable, checked before anything is
 * drawn or allocated: a duration of 1e308 ms, a dt of 1e-300 ms or a delay of 1e9 ms must be
 * refused with a message, not accepted as "Infinity steps" (a run that never ends) or failing
 * later with "Invalid typed array length".
 */
import type { BlockDef, QuantityParam } from '../../kernels/types.js';
import type { Diagnostic } from './diagnostics.js';

/** Most steps a run may have: the engines count steps in 32-bit integers (2^30 leaves room). */
export const MAX_RUN_STEPS = 2 ** 30;

/**
 * Most entries of one block's spike history ring (neurons × (delay steps + 2)): the engines
 * index it with 32-bit integers. Whether the ring fits in memory is the estimate's question
 * (estimate.ts), asked with the rest of the model.
 */
export const MAX_SPIKE_HISTORY = 2 ** 31 - 1;

const grouped = (n: number) => n.toLocaleString('en-US');

/** Why `duration` at `dt` is not a run the engines can do, or null. */
export function stepsProblem(duration: number, dt: number): string | null {
  const steps = Math.round(duration / dt);
  if (Number.isFinite(steps) && steps <= MAX_RUN_STEPS) return null;
  const count = Number.isFinite(steps) ? `${steps.toPrecision(3)} steps` : 'more steps than can be counted';
  const longest = ((MAX_RUN_STEPS * dt) / 3_600_000).toPrecision(3);
  return `${duration} ms at dt = ${dt} ms is ${count}; a run may have at most 2^30 = ${grouped(MAX_RUN_STEPS)} steps (${longest} h at this dt)`;
}

/** Why a delay of `delaySteps` steps on a projection from `nPre` neurons is too long to buffer, or null. */
export function delayProblem(delay: number, dt: number, nPre: number): string | null {
  const steps = Math.round(delay / dt);
  if (Number.isFinite(steps) && (steps + 2) * nPre <= MAX_SPIKE_HISTORY) return null;
  if (2 * nPre > MAX_SPIKE_HISTORY) {
    // Too many neurons for any delay: the delay is not what to change.
    return `the spike history of ${grouped(nPre)} presynaptic neurons (2 steps at least) is more than ${grouped(MAX_SPIKE_HISTORY)} entries, whatever the delay`;
  }
  const longest = Math.max(0, Math.floor(MAX_SPIKE_HISTORY / Math.max(1, nPre)) - 2) * dt;
  return `${delay} ms is ${Number.isFinite(steps) ? steps.toPrecision(3) : 'uncountably many'} steps at dt = ${dt} ms; ` +
    `the spike history of ${grouped(nPre)} presynaptic neurons over that many steps is more than ${grouped(MAX_SPIKE_HISTORY)} entries ` +
    `(the longest delay here is ${Number(longest.toPrecision(4))} ms)`;
}

/**
 * Warnings for time constants that dt does not resolve (dt > tau/2): the exponential
 * Euler step stays stable, but what happens within one step is lost. Time constants are the
 * quantity parameters in ms named tau… that must be greater than 0.
 */
export function timeConstantWarnings(blockId: string, def: BlockDef, params: Readonly<Record<string, number>>, dt: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, p] of Object.entries(def.params)) {
    if (p.kind !== 'quantity' || !name.startsWith('tau') || !(p as QuantityParam).exclusiveMin || p.unit !== 'ms') continue;
    const tau = params[name];
    if (tau === undefined || !(dt > tau / 2)) continue;
    out.push({
      block: blockId,
      field: `parameter "${name}"`,
      message: `dt = ${dt} ms is more than half of ${name} = ${tau} ms: the run cannot resolve this time constant (use dt ≤ ${tau / 2} ms)`,
    });
  }
  return out;
}
