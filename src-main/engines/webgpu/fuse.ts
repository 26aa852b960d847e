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
export function privateInputsOf(plan: Plan, groups: Group[]): Set<string> {
  const out = new Set<string>();
  for (const b of plan.blocks) {
    if (b.category !== 'neuron' || !b.receivesCurrent) continue;
    const res = `input:${b.id}`;
    const touching = groups.filter((g) => g.ops.some((op) => op.reads.some((r) => r.res === res) || op.writes.some((w) => w.res === res)));
    if (touching.length === 1) out.add(b.id);
  }
  return out;
}

/** Greedy fusion: an op joins the open group unless it would cross elements of data written there. */
export function fuse(ops: Op[]): Group[] {
  const groups: Group[] = [];
  let cur: Op[] = [];
  let wSame = new Set<string>(), wAny = new Set<string>(), rSame = new Set<string>(), rAny = new Set<string>();
  const conflicts = (op: Op) =>
    op.reads.some((r) => (r.mode === 'any' ? wSame.has(r.res) || wAny.has(r.res) : wAny.has(r.res))) ||
    op.writes.some((w) => (w.mode === 'any'
      ? rSame.has(w.res) || rAny.has(w.res) || wSame.has(w.res)
      : rAny.has(w.res) || wAny.has(w.res)));
  for (const op of ops) {
    if (cur.length > 0 && conflicts(op)) {
      groups.push({ ops: cur });
      cur = [];
      wSame = new Set(); wAny = new Set(); rSame = new Set(); rAny = new Set();
    }
    cur.push(op);
    for (const r of op.reads) (r.mode === 'any' ? rAny : rSame).add(r.res);
    for (const w of op.writes) (w.mode === 'any' ? wAny : wSame).add(w.res);
  }
  if (cur.length > 0) groups.push({ ops: cur });
  return groups;
}

