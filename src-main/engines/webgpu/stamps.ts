/**
 * Time stamps: states that only ever hold the start time of a step and are only read as
 * elapsed time. LIF's t_last (`t_last = spike ? t : t_last`, read in `t - t_last`) and the
 * kinetic synapses' t_arr are such states. In f32 milliseconds a stamp loses the step after
 * 2^18 ms at dt = 0.1 ms; the WebGPU engine keeps stamps as whole step counts instead and
 * computes `t − X` as (i − X)·DT from integers, exact for any run length.
 *
 * A state is a stamp when
 *  - every assignment to it is `X = t`, `X = c ? t : X` or `X = c ? X : t`;
 *  - every other read of it is the right operand of `t − X`;
 *  - its initial values are whole steps, or far enough to mean "never" (FAR_STEPS), within
 *    the stored range (see STAMP_BIAS).
 * Anything else keeps the f32 time limit (f32-time.ts).
 *
 * Pure (no Dawn): the engine choice reads it without opening a device.
 */
import { readsOutside, type Expr, type Statement } from '../../../src-shared/expr/ast.js';
import type { PlanBlock } from '../../compiler/plan.js';

/**
 * A stamp is stored in its f32 slot as the bits of the u32 step + STAMP_BIAS: always the
 * bit pattern of a finite, non-negative float (below 0x7f800000), so the non-finite check of
 * the state buffer passes over it. Steps from −2^30 to about 2^30 fit.
 */
export const STAMP_BIAS = 2 ** 30;
const STAMP_MAX = 0x7f7fffff - STAMP_BIAS;

const isVar = (e: Expr, name: string) => e.k === 'var' && e.name === name;

/** Whether `e` is `t − name`. */
export function isElapsed(e: Expr, name: string): boolean {
  return e.k === 'bin' && e.op === '-' && isVar(e.a, 't') && isVar(e.b, name);
}

/** Whether an assignment to `name` keeps it a stamp: t, c ? t : name, c ? name : t. */
export function isStampAssignment(s: Statement, name: string): boolean {
  const e = s.expr;
  if (isVar(e, 't')) return true;
  if (e.k !== 'cond' || readsStampOutside(e.c, name)) return false;
  return (isVar(e.a, 't') && isVar(e.b, name)) || (isVar(e.a, name) && isVar(e.b, 't'));
}

/** Whether `e` reads `name` anywhere but as the right operand of `t − name`. */
function readsStampOutside(e: Expr, name: string): boolean {
  return readsOutside(e, name, (node) => isElapsed(node, name));
}

/**
 * Initial values further than this many steps from 0 may be rounded to a whole step: such a
 * value means "never" (LIF's t_last starts at −1e7 ms), and half a step changes its elapsed
 * time by less than 1e-6 of itself.
 */
const FAR_STEPS = 2 ** 20;

/** The initial step of every element, or null when one is neither a whole step nor far away, or out of range. */
export function stampSteps(init: ArrayLike<number>, dt: number): Int32Array | null {
  const out = new Int32Array(init.length);
  for (let n = 0; n < init.length; n++) {
    const steps = init[n]! / dt;
    const whole = Math.round(steps);
    const onGrid = Math.abs(steps - whole) <= 1e-6 * Math.max(1, Math.abs(steps));
    if ((!onGrid && Math.abs(steps) < FAR_STEPS) || whole < -STAMP_BIAS || whole > STAMP_MAX) return null;
    out[n] = whole;
  }
  return out;
}

/** The stamps of a block (names of states), given the run's dt. */
export function stampStates(b: PlanBlock, dt: number): Set<string> {
  const out = new Set<string>();
  for (const s of b.states) {
    const assignments = b.code.filter((st) => st.target === s.name);
    if (assignments.length === 0) continue;
    if (!assignments.every((st) => isStampAssignment(st, s.name))) continue;
    // Reads by other statements; its own assignments were checked above.
    if (b.code.some((st) => st.target !== s.name && readsStampOutside(st.expr, s.name))) continue;
    if (!stampSteps(s.init, dt)) continue;
    out.add(s.name);
  }
  return out;
}

/** Whether the block reads `t` anywhere but in stamp patterns (then f32 time limits it). */
export function readsTimeOutsideStamps(b: PlanBlock, dt: number): boolean {
  const stamps = stampStates(b, dt);
  const timeOutside = (e: Expr) => readsOutside(e, 't', (node) => [...stamps].some((x) => isElapsed(node, x)));
  return b.code.some((st) => {
    if (stamps.has(st.target)) return st.expr.k === 'cond' && timeOutside(st.expr.c);
    return timeOutside(st.expr);
  });
}

/** WGSL (i32 steps) of a stamp read from its stored f32 word. */
export function stampLoadWgsl(word: string): string {
  return `bitcast<i32>(bitcast<u32>(${word}) - ${STAMP_BIAS}u)`;
}

/** WGSL (f32 word) that stores a stamp of `steps` (an i32 expression). */
export function stampStoreWgsl(steps: string): string {
  return `bitcast<f32>(bitcast<u32>(${steps}) + ${STAMP_BIAS}u)`;
}

/** WGSL (f32 ms) of `t − X` at step `step` (u32) for a stamp held in `local` (i32 steps): exact integers, one rounding. */
export function elapsedWgsl(step: string, local: string): string {
  return `(f32(bitcast<i32>(${step}) - ${local}) * DT)`;
}
