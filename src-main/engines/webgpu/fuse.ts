/** Fusion of a step's operations into groups (one dispatch, or one phase between barriers). */
import type { Plan } from '../../compiler/plan.js';
import type { Op } from './copy-context.js';

export interface Group { ops: Op[] }

/**
 * Neurons whose input current is written and read within one group only: their synapse
 * currents and injections sum into a variable of the element's invocation rather than a
 * word of S, one read-modify-write of memory less per term (the CPU engine does the same
 * inside its neuron loop). Same terms, same order, from 0: the same number.
 */
export function privateInputsOf(plan: Plan, groups: Group[], input: 'I' | 'J' = 'I'): Set<string> {
  const out = new Set<string>();
  for (const b of plan.blocks) {
    if (b.category !== 'neuron' || !(input === 'J' ? b.receivesJumps : b.receivesCurrent)) continue;
    const res = input === 'J' ? `jumps:${b.id}` : `input:${b.id}`;
    const touching = groups.filter((g) => g.ops.some((op) => op.reads.some((r) => r.res === res) || op.writes.some((w) => w.res === res)));
    if (touching.length === 1) out.add(b.id);
  }
  return out;
}

/**
 * Whether `later` may not share a group with `earlier` (ops in this order): it would read
 * or write data of other elements that `earlier` writes or reads in the same dispatch.
 * Accumulations from any element (atomics, mode any) may share a group with each other.
 */
function hazard(earlier: Op, later: Op): boolean {
  const writes = (op: Op, res: string, mode?: 'same' | 'any') => op.writes.some((w) => w.res === res && (mode === undefined || w.mode === mode));
  const reads = (op: Op, res: string, mode?: 'same' | 'any') => op.reads.some((r) => r.res === res && (mode === undefined || r.mode === mode));
  return later.reads.some((r) => (r.mode === 'any' ? writes(earlier, r.res) : writes(earlier, r.res, 'any'))) ||
    later.writes.some((w) => (w.mode === 'any'
      ? reads(earlier, w.res) || writes(earlier, w.res, 'same')
      : reads(earlier, w.res, 'any') || writes(earlier, w.res, 'any')));
}

/**
 * The step's ops, in order, in the fewest groups. Greedy fusion finds that from either end
 * (any run of ops inside a valid group is valid); it runs from the last op back, so that
 * each op joins the group after it unless a hazard forbids, and ops land late: an update
 * then sits in the group of the op that reads it (a synapse's decay beside its current, in
 * the same invocation), where the shader compiler can keep the value in a register rather
 * than store and load it between two dispatches. (SwiftShader A/B on COBA: within its
 * noise, −4 % to +4 %.)
 */
export function fuse(ops: Op[]): Group[] {
  const groups: Group[] = [];
  for (const op of [...ops].reverse()) {
    const first = groups[0];
    if (first && !first.ops.some((l) => hazard(op, l))) first.ops.unshift(op);
    else groups.unshift({ ops: [op] });
  }
  return groups;
}
