/**
 * How long a run the WebGPU engine resolves to the step. Its kernels compute in f32 (WGSL
 * has no f64 on most GPUs), so time read as `t` (ms) loses resolution as it grows.
 * - Time stamps (LIF's t_last, the kinetic synapses' t_arr: stamps.ts) are kept as whole
 *   steps and their elapsed time computed from integers: exact for any run length.
 * - Any other use of `t` stays f32: round((t − x)/dt) is exact while ulp(t) ≤ dt/4 (error ≤
 *   ulp < dt/2 after the subtraction): up to 2^18 ms = 262 s at dt = 0.1 ms.
 * - `step` compared with whole numbers, or less a whole number, is integer arithmetic
 *   (print-wgsl.ts): exact at any step. Any other use is f32, exact up to 2^24.
 * Past these limits the GPU would silently move events by a step, so the engine refuses
 * such runs and `--engine auto` takes the CPU engine (f64). No built-in block reads `t`
 * outside stamps; the limit guards user-visible semantics should one do.
 *
 * Pure (no Dawn): the engine choice imports it without opening a device.
 */
import { freeNames, readsOutside } from '../../../src-shared/expr/ast.js';
import type { Plan } from '../../compiler/plan.js';
import { blockConstants } from '../../compiler/block-constants.js';
import { foldBlockCode } from './fold.js';
import { isStepIntegerForm } from './print-wgsl.js';
import { readsTimeOutsideStamps } from './stamps.js';

/** Steps of the longest run: time stamps are stored as step + 2^30 (stamps.ts), the counters as u32. */
export const MAX_GPU_STEPS = 2 ** 30;

/** Steps up to which `step` is an exact f32 integer. */
export const F32_EXACT_STEPS = 2 ** 24;

/** The last time (ms, exclusive) at which f32 `t` still resolves dt/4: ulp(t) ≤ dt/4. */
export function f32TimeLimitMs(dt: number): number {
  return 2 ** (Math.floor(Math.log2(dt / 4)) + 24);
}

/** The first block that reads `t` outside time stamps, and the first that reads `step` as an f32 number (as printed: folded). */
function clockReaders(plan: Plan): { t: string | null; step: string | null } {
  let t: string | null = null;
  let step: string | null = null;
  for (const b of plan.blocks) {
    const names = new Set<string>();
    for (const s of b.code) for (const n of freeNames(s.expr)) names.add(n);
    if (t === null && names.has('t') && readsTimeOutsideStamps(b, plan.dt)) t = `block "${b.id}" (${b.type})`;
    if (step === null && names.has('step')) {
      const folded = foldBlockCode(b.code, blockConstants(plan, b), new Set(b.states.map((x) => x.name)));
      if (folded.some((x) => readsOutside(x.expr, 'step', isStepIntegerForm))) step = `block "${b.id}" (${b.type})`;
    }
  }
  return { t, step };
}

/** What to do instead, appended where a run is refused. */
export const F32_TIME_ADVICE = 'use the CPU engine, a shorter run or a larger dt';

const seconds = (ms: number) => (ms >= 3.6e6 ? `${+(ms / 3.6e6).toPrecision(3)} h` : `${+(ms / 1000).toPrecision(3)} s`);

/**
 * Why f32 time cannot run this plan to the step (naming the block that reads the clock,
 * the limit and the run's length), or null when it can.
 */
export function f32TimeProblem(plan: Plan): string | null {
  if (plan.steps > MAX_GPU_STEPS) {
    return `the WebGPU engine counts steps (and keeps spike times) in 30 bits: at most ${MAX_GPU_STEPS} steps, ${seconds(MAX_GPU_STEPS * plan.dt)} at dt = ${plan.dt} ms (this run has ${plan.steps})`;
  }
  const readers = clockReaders(plan);
  const endMs = plan.steps * plan.dt;
  const limitMs = f32TimeLimitMs(plan.dt);
  if (readers.t && endMs > limitMs) {
    return `${readers.t} compares times, and the GPU's f32 time resolves a step only up to ${seconds(limitMs)} at dt = ${plan.dt} ms (this run lasts ${seconds(endMs)})`;
  }
  if (readers.step && plan.steps > F32_EXACT_STEPS) {
    return `${readers.step} computes with the step count, and the GPU's f32 step count is exact only up to ${F32_EXACT_STEPS} steps (this run has ${plan.steps})`;
  }
  return null;
}
