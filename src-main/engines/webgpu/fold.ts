/**
 * A block's update code as the WebGPU engine prints it: parameters and dt folded in, and
 * locals that fold to a constant carried into the statements after them (a ramp's
 * `s0 = round(start / dt)` becomes a number inside `step >= s0`). The printer then sees
 * `step` against whole numbers and compares integers (print-wgsl.ts), exact at any step.
 * Shared by the code generator and the f32 time check, so both see the same code.
 */
import type { Statement } from '../../../src-shared/expr/ast.js';
import { drawsRandom } from '../../../src-shared/expr/builtins.js';
import { foldConstants } from '../../../src-shared/expr/evaluate.js';

/**
 * The statements folded. Constant locals propagate only in code without random draws: a
 * folded-away branch would renumber the draws after it, and the CPU engine numbers them
 * in the unfolded order.
 */
export function foldBlockCode(code: Statement[], constants: ReadonlyMap<string, number | boolean>, states: ReadonlySet<string>): Statement[] {
  const env = new Map(constants);
  const propagate = !code.some((s) => drawsRandom(s.expr));
  const writes = new Map<string, number>();
  for (const s of code) writes.set(s.target, (writes.get(s.target) ?? 0) + 1);
  return code.map((s) => {
    const expr = foldConstants(s.expr, env);
    if (propagate && !states.has(s.target) && writes.get(s.target) === 1 && (expr.k === 'num' || expr.k === 'bool')) env.set(s.target, expr.v);
    return { target: s.target, expr };
  });
}
