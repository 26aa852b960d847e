/**
 * Plastic synapses (assets/docs/models.md, "Plasticity") as Brian2 `Synapses`: the weight
 * `w` and every connection state per synapse, the states with a time constant as
 * `(event-driven)` variables (Brian2 brings them up to the present from `lastupdate` when an
 * event comes, as Spikeflow does from the step of the connection's last event), and the
 * block's event code as `on_pre` / `on_post`.
 *
 * The postsynaptic spikes that drive on_post are the neuron's; the Synapses' target is the
 * synapse's own state group (g per postsynaptic neuron), so that group "spikes" with its
 * neuron: its threshold reads the neuron's spike flag through a linked variable and runs
 * right after the neuron's threshold, followed by the post pathway — Spikeflow's on_post,
 * right after the neuron's update, after this step's on_pre (which runs in the propagation,
 * before the neuron's update).
 */
import type { Statement } from '../../../src-shared/expr/ast.js';
import type { PlanPlasticity } from '../../compiler/plasticity.js';
import type { PlanProjection } from '../../compiler/plan.js';
import { pyFloat } from '../python-literals.js';
import { printBrian2 } from './expression.js';

/** The linked flag of the synapse's state group that mirrors its postsynaptic neuron's spikes. */
export const POST_SPIKE_FLAG = 'post_spiked';

/** Whether a projection's synapse needs on_post (its state group then spikes with its neuron). */
export function needsPostPathway(p: PlanProjection): boolean {
  return p.plasticity !== undefined && p.plasticity.onPost.length > 0;
}

/** The model lines of the Synapses: w and the connection states. */
export function plasticModel(pl: PlanPlasticity, weightUnit: string, name: (n: string) => string): string[] {
  const lines = [`w : 1  # ${weightUnit}, learns`];
  for (const s of pl.states) {
    const unit = s.unit === '' ? 'no unit' : s.unit;
    const n = name(s.name);
    if (!s.decay) lines.push(`${n} : 1  # per connection (${unit})`);
    else if (s.decay.tau === 0) {
      // τ = 0: back at rest after any step (on_pre and on_post below), which an ODE cannot say.
      lines.push(`${n} : 1  # per connection (${unit}); τ = 0, so back at ${pyFloat(s.decay.rest)} after any step`);
    } else {
      const towards = s.decay.rest === 0 ? `-${n}` : `(${pyFloat(s.decay.rest)} - ${n})`;
      lines.push(`d${n}/dt = ${towards} / (${pyFloat(s.decay.tau)} * ms) : 1 (event-driven)  # per connection (${unit}), τ ${pyFloat(s.decay.tau)} ms`);
    }
  }
  // Brian2 declares lastupdate only with an event-driven variable; τ = 0 states read it too.
  if (pl.states.some((s) => s.decay?.tau === 0) && !pl.states.some((s) => s.decay && s.decay.tau > 0)) {
    lines.push('lastupdate : second  # time of the connection\'s last event');
  }
  return lines;
}

/**
 * One pathway's code: the τ = 0 states reset unless the connection's last event was in this
 * step, then the event code. On_pre adds what it delivers to the jump state of the
 * postsynaptic side (`w` as it was before on_pre when the code does not set `delivered`).
 */
export function pathwayCode(pl: PlanPlasticity, code: Statement[], name: (n: string) => string, jump?: string): string[] {
  const lines: string[] = [];
  for (const s of pl.states) {
    if (s.decay?.tau !== 0) continue;
    const n = name(s.name);
    const rest = s.decay.rest;
    lines.push(rest === 0 ? `${n} = ${n} * int(lastupdate == t)` : `${n} = ${pyFloat(rest)} + (${n} - ${pyFloat(rest)}) * int(lastupdate == t)`);
  }
  if (jump !== undefined && !pl.delivers) lines.push(`${jump}_post += w  # delivers w as it was before on_pre`);
  lines.push(...code.map((s) => `${name(s.target)} = ${printBrian2(s.expr, { name })}`));
  if (jump !== undefined && pl.delivers) lines.push(`${jump}_post += delivered`);
  // Brian2 writes lastupdate itself when a variable is event-driven.
  if (pl.states.some((s) => s.decay?.tau === 0) && !pl.states.some((s) => s.decay && s.decay.tau > 0)) lines.push('lastupdate = t');
  return lines;
}
